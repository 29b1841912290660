"""`translate review`: a PDF with the English and the translation side by side, block against
block, for the native reviewer who signs a translation off. Blocks whose English changed since
they were translated are highlighted with the English they were translated from; blocks not
translated yet are marked."""

from __future__ import annotations

import html
from pathlib import Path

import markdown

from ..project.parts import Translating
from ..render.engine import Renderer
from ..sources.content import Document
from ..store.outputs import review_path
from ..store.writing import write_atomic
from ..assemble.pack import stylesheets
from ..markup.scripts import direction
from . import catalog, files
from .segments import PlaceholderError, restore

STYLE = """
@page { size: A4 landscape; margin: 14mm 12mm 16mm;
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt var(--heading-font); } }
body { font: 9.5pt/1.4 "Noto Serif", serif; color: #1f2a30; }
h1 { font: 700 15pt "Lato", sans-serif; margin: 0 0 1mm; color: #0B4F6C; }
.summary { font: 9pt "Lato", sans-serif; color: #5d6d75; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th { font: 700 8.5pt "Lato", sans-serif; text-align: start; background: #0B4F6C; color: #fff;
  padding: 1.5mm 2mm; }
td { vertical-align: top; padding: 1.5mm 2mm; border-bottom: 0.4pt solid #c9d3d8; }
td p { margin: 0 0 1mm; }
th.where { width: 16mm; }
td.where { width: 16mm; font: 7.5pt "Lato", sans-serif; color: #5d6d75; }
tr { break-inside: avoid; }
tr.changed td { background: #fdf3e3; }
tr.changed td.where, tr.missing td.where { font-weight: 700; color: #8a5a12; }
tr.missing td.translation { background: #fbe9e7; color: #8e2f1f; font-style: italic; }
.was { display: block; margin-top: 1mm; font-size: 8pt; color: #8a5a12; }
.was del { color: #5d6d75; }
.legend span { display: inline-block; padding: 0 2mm; margin-right: 3mm; }
"""


def review(translating: Translating, document: Document, lang: str, renderer: Renderer) -> Path:
    """Write build/<lang>/review/<slug>.pdf, rendered by `renderer`, and return its path."""
    files.languages_to_translate(translating, lang)
    po = files.merged(translating, document, lang)
    page = review_html(translating, document, lang, po)
    rendered = renderer.render(page, translating.root, f"review of {document.slug}", lang)
    target = translating.folders.build / review_path(lang, document.slug)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, rendered.pdf)
    return target


def review_html(translating: Translating, document: Document, lang: str, po) -> str:
    default = translating.languages.default
    segments, _ = catalog.source_segments(default, document)
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    status = catalog.status(po)
    rows = [_row(seg, entries.get((seg.context, seg.text)), lang) for seg in segments]
    source = document.main(default)
    title = html.escape(source.meta.title)
    counts = (f"{status.current} of {status.total} blocks current; {len(status.changed)} changed "
              f"since translated; {len(status.untranslated)} not translated")
    links = "".join(f'<link rel="stylesheet" href="{href}">'
                    for href in stylesheets(translating.theme, "fonts.css"))
    english_name = html.escape(default)
    return f"""<!doctype html>
<html lang="{default}"><head><meta charset="utf-8">
<title>Review: {title} ({lang})</title>{links}<style>{STYLE}</style></head><body>
<h1>Review: {title} — {english_name} / {html.escape(lang)}</h1>
<p class="summary">{html.escape(counts)}. Highlighted: the English changed since it was translated
(the English translated from is shown struck through). Marked: not translated yet.</p>
<table><thead><tr><th class="where">Line</th><th>{english_name}</th><th>{html.escape(lang)}</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table></body></html>"""


def _row(seg, entry, lang: str) -> str:
    where = f"{seg.line}<br>{html.escape(seg.kind)}"
    english = _cell(seg.text, seg.markup)
    if entry is None or not entry.msgstr:
        return (f'<tr class="missing"><td class="where">{where}</td><td>{english}</td>'
                f'<td class="translation" lang="{lang}" dir="{direction(lang)}">not translated'
                "</td></tr>")
    translation = _cell(entry.msgstr, seg.markup)
    css = "changed" if entry.fuzzy else "current"
    if entry.fuzzy:
        english += (f'<span class="was">translated from: <del>'
                    f'{html.escape(entry.previous_msgid or "")}</del></span>')
    return (f'<tr class="{css}"><td class="where">{where}</td><td>{english}</td>'
            f'<td class="translation" lang="{lang}" dir="{direction(lang)}">{translation}</td></tr>')


def _cell(text: str, markup_map) -> str:
    """A block as the reader will see it: its markup restored, its Markdown set."""
    try:
        text = restore(text, markup_map)
    except PlaceholderError:
        pass  # shown with its placeholders; `translate import` names the problem
    return markdown.markdown(html.escape(text, quote=False).replace("&gt;", ">"))
