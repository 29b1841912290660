"""Pages as Form XObjects, and drawing over a page: the one way handoutpack puts one page onto
another (page numbers, slides in handouts, booklet sheets)."""

from __future__ import annotations

import pikepdf

from .tagging import as_artifact


def page_form(target: pikepdf.Pdf, page: pikepdf.Page,
              bleed: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
              ) -> pikepdf.Object | None:
    """`page` as a Form XObject in `target`: its content stream copied as it is (never parsed),
    its resources, clipped to its TrimBox (the MediaBox when it has none) widened by `bleed`
    (left, bottom, right, top: what a print-ready page draws beyond its trim on those sides).
    None for a page that draws nothing (a blank page). Each call makes a new form, so one page
    may be placed with different boxes."""
    if "/Contents" not in page.obj:
        return None
    form = page.as_form_xobject()
    if any(bleed):
        left, bottom, right, top = (float(v) for v in form.BBox)
        form.BBox = pikepdf.Array([left - bleed[0], bottom - bleed[1],
                                   right + bleed[2], top + bleed[3]])
    return form if page.obj.is_owned_by(target) else target.copy_foreign(form)


def form_box(form: pikepdf.Object) -> tuple[float, float, float, float]:
    """left, bottom, width and height of a Form XObject's box."""
    left, bottom, right, top = (float(v) for v in form.BBox)
    return left, bottom, right - left, top - bottom


def fit(form: pikepdf.Object, left: float, bottom: float, width: float, height: float,
        grow: bool = True) -> tuple[float, ...]:
    """The matrix drawing `form` centred in the area, scaled to fit it (never enlarged unless
    `grow`)."""
    return fit_box(form_box(form), left, bottom, width, height, grow)


def fit_box(box: tuple[float, float, float, float], left: float, bottom: float, width: float,
            height: float, grow: bool = True) -> tuple[float, ...]:
    """The matrix drawing what is in `box` (left, bottom, width, height) centred in the area,
    scaled to fit it (never enlarged unless `grow`)."""
    x0, y0, form_width, form_height = box
    scale = min(width / form_width, height / form_height)
    if not grow:
        scale = min(1.0, scale)
    x = left + (width - form_width * scale) / 2 - x0 * scale
    y = bottom + (height - form_height * scale) / 2 - y0 * scale
    return (scale, 0.0, 0.0, scale, x, y)


def draw_forms(matrices: list[tuple[str, tuple[float, ...]]]) -> str:
    """PDF operators drawing each named form with its matrix."""
    return "".join(f"q {' '.join(f'{v:.4f}' for v in matrix)} cm {name} Do Q\n"
                   for name, matrix in matrices)


IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def draw_over(page: pikepdf.Page, placed: list[tuple[str, pikepdf.Object, tuple[float, ...]]],
              artifact: bool = True) -> None:
    """Draw each (name, Form XObject, matrix) after the page's own content, in the untransformed
    page space, marked as an artifact (not part of the text a screen reader reads) unless told
    otherwise. The page's own drawing may leave its coordinates changed (WeasyPrint's flip the
    page upside down), so its state is saved before it and restored after."""
    _own_resources(page)
    for name, form, _ in placed:
        if artifact:
            as_artifact(form)
        page.obj.Resources.XObject[name] = form
    operators = draw_forms([(name, matrix) for name, _, matrix in placed])
    if artifact:
        operators = f"/Artifact BMC\n{operators}EMC\n"
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(f"Q\n{operators}".encode("ascii"))


def _own_resources(page: pikepdf.Page) -> None:
    """Pages of one document share their resources: give this page its own copy (shallow, and
    of its XObject table) before adding to it."""
    resources = pikepdf.Dictionary({k: v for k, v in page.obj.get("/Resources", {}).items()})
    resources.XObject = pikepdf.Dictionary({k: v for k, v in resources.get("/XObject", {}).items()})
    page.obj.Resources = resources
