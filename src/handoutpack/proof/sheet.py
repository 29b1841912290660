"""The contact sheet: each flagged page as a PNG with its findings boxed in red, on one HTML
page, to look at what the proof found."""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from .findings import Finding

SCALE = 60 / 72  # 60 dpi: enough to see a layout, small enough for hundreds of pages


def write(findings: list[Finding], sources: dict[str, Path], folder: Path) -> Path:
    """Write folder/index.html and a PNG per flagged page; return the HTML's path."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    by_page: dict[tuple[str, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_page[finding.file, finding.page].append(finding)
    cards = []
    for number, ((name, page_number), found) in enumerate(sorted(by_page.items())):
        pdf = pdfium.PdfDocument(sources[name])
        try:
            image = pdf[page_number - 1].render(scale=SCALE).to_pil().convert("RGB")
        finally:
            pdf.close()
        draw = ImageDraw.Draw(image)
        for finding in found:
            if finding.box is not None:
                b = finding.box
                draw.rectangle([b.x0 * SCALE - 2, b.top * SCALE - 2, b.x1 * SCALE + 2,
                                b.bottom * SCALE + 2], outline=(220, 0, 0), width=2)
        png = f"page-{number:04d}.png"
        image.save(folder / png)
        items = "".join(f"<li><b>{html.escape(f.check)}</b>: {html.escape(f.message)}; "
                        f"<i>{html.escape(f.fix)}</i></li>" for f in found)
        cards.append(f'<figure><img src="{png}" alt=""><figcaption><b>{html.escape(name)}'
                     f"</b>, page {page_number}<ul>{items}</ul></figcaption></figure>")
    index = folder / "index.html"
    index.write_text(PAGE.format(count=len(findings), pages=len(cards), cards="".join(cards)),
                     encoding="utf-8")
    return index


PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Proof: flagged pages</title>
<style>body{{font:14px/1.4 sans-serif;margin:1.5rem}}main{{display:flex;flex-wrap:wrap;gap:1rem}}
figure{{margin:0;width:22rem;border:1px solid #ccc;padding:.5rem}}img{{max-width:100%;
border:1px solid #eee}}ul{{padding-left:1.2rem}}</style>
<h1>{count} findings on {pages} pages</h1><main>{cards}</main></html>
"""
