"""Every PDF page operation handoutpack does (forms, overlays, merging, outlines, links,
imposition, structure trees), one module per job, with no private API of any PDF library; and
print files: CMYK colour (colour.py), PDF/X (printfile.py), the preflight's readers
(preflight.py)."""
