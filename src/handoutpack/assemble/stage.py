"""Packs from renders: each from the cache when it is made of the same renders and settings as
before, else assembled on the pool (its own pages rendered through the cache)."""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version
from pathlib import Path

from ..markup import scripts, templates
from ..project import paper
from ..store.cache import Cache, Miss
from ..store.digests import code_digest, file_digest, key
from ..project.parts import RenderSettings, Theme
from ..project.settings import Event
from .pack import Part, assemble
from ..render.pool import Pool
from ..pdf import imposition
from ..plan.jobs import Plan, Planned, PlannedPack, fixed_date
from ..render.engine import Renderer, is_print
from ..render.stage import CachedRenderer, CacheSpec, Renders, Reporter
from ..store.memos import memo


def packs(theme: Theme, settings: RenderSettings, planned: Plan, renders: Renders,
          spec: CacheSpec, pool: Pool, reporter: Reporter) -> dict[str, tuple[bytes, int, int]]:
    """Each pack's PDF, page count and its pack's own page count (a booklet's before
    imposition): from the cache when it is made of the same renders and settings as before,
    else assembled anew (its cover, contents and page numbers, from the `theme`, rendered with
    `settings` or taken from the cache) on the pool."""
    cache, made, todo = renders.cache, {}, {}
    for pack in planned.packs:
        entry = _pack_key(theme, settings, pack, renders, spec.options)
        found = cache.read("packs", entry)
        if isinstance(found, Miss):
            todo[pack.path] = (entry, pack, _pack_why(cache, entry, pack, renders, found.reason))
        else:
            made[pack.path] = (found[1], int(found[0]["pages"]),
                               int(found[0].get("pack_pages", found[0]["pages"])))
    reporter.expect(len(todo))
    items = [(path, (theme, settings, pack.spec, pack.lang, pack.printing, pack.booklet,
                     _parts(pack, renders), _pack_date(pack.parts), spec))
             for path, (_, pack, _) in todo.items()]
    for (path, _), (pdf, pages, pack_pages, heard) in pool.run(_assemble, items):
        entry, pack, reason = todo[path]
        made[path] = (pdf, pages, pack_pages)
        cache.write("packs", entry, pdf, pages=pages, pack_pages=pack_pages)
        cache.remember(path, f"{entry} {_pieces(pack, renders)}")
        reporter.absorb(heard)
        reporter.did("assembled", path, reason)
    return made


def _parts(pack: PlannedPack, renders: Renders) -> list[Part]:
    return [Part(p.document.slug, p.translation.meta.title, p.translation.meta.summary,
                 p.translation.meta.kind, p.document.section, p.translation.lang,
                 renders[p], p.fell_back, numbered=p.layout != "slides") for p in pack.parts]


def _pack_date(parts: list[Planned]) -> dt.date | None:
    """A pack is as new as its newest document."""
    return fixed_date(max((p.translation.meta.date for p in parts if p.translation.meta.date),
                          default=None))


def _assemble(renderer: Renderer, item: tuple) -> tuple[bytes, int, int, tuple]:
    """On a worker: one pack, its own pages rendered through the cache; a print file finished
    as its PDF variant asks."""
    theme, settings, spec, lang, printing, booklet, parts, date, cache_spec = item[1]
    pages_renderer = CachedRenderer(settings, cache_spec, renderer)
    pdf, pages = assemble(theme, spec, lang, parts, pages_renderer, date, printing, booklet)
    cover, pack_pages = pdf, pages
    if booklet:  # its last page on the outside back: the contact page (printed one side at a
        # time, else on a right-hand page of its own), or the organisation's back cover
        pdf, pages = imposition.booklet(pdf, paper.BOOKLET[spec.printing.paper][1],
                                        printing.paper_thickness_mm, printing.print_ready,
                                        scripts.direction(lang) == "rtl",
                                        back_cover=not theme.presenter or not printing.duplex)
    if is_print(printing.variant):
        from ..pdf import printfile  # pikepdf: only print builds pay for it

        pdf = printfile.finish(pdf, renderer.inks, printing.variant, xmp_from=cover)
    heard = pages_renderer.reporter
    return pdf, pages, pack_pages, (heard.rendered, heard.reused, pages_renderer.messages)


def _pack_key(theme: Theme, settings: RenderSettings, pack: PlannedPack, renders: Renders,
              options: str) -> str:
    """Everything a pack's bytes come from, without rendering its own pages: its settings, its
    parts' renders, and (for its cover, contents and page numbers) the theme, the theme's and
    the project's templates and styles, the render settings, and this code."""
    return key("pack", code_digest(), version("pikepdf"), options, repr(theme), repr(settings),
               repr(pack.spec), pack.lang, repr(pack.printing), str(pack.booklet),
               repr(_pack_date(pack.parts)), _theme_digest(theme, pack.spec.event),
               _pieces(pack, renders),
               repr([(p.document.slug, p.translation.meta, p.translation.lang, p.fell_back,
                      p.layout) for p in pack.parts]))


def _pieces(pack: PlannedPack, renders: Renders) -> str:
    """What a pack is made of, by digest: each document as the pack shows it."""
    return " ".join(f"{p.document.slug}={hashlib.sha256(renders[p].pdf).hexdigest()[:16]}"
                    for p in pack.parts)


def _pack_why(cache: Cache, entry: str, pack: PlannedPack, renders: Renders,
              reason: str) -> str:
    """Say which of a pack's documents changed since it was last assembled."""
    before = cache.recall(pack.path) if reason == "new" else None
    if before is None:
        return reason
    old_entry, *old_pieces = before.split()
    if old_entry == entry:
        return "not in the cache"
    old = dict(piece.split("=") for piece in old_pieces)
    new = dict(piece.split("=") for piece in _pieces(pack, renders).split())
    changed = [name for name in new if old.get(name) != new[name]]
    return (f"{', '.join(changed)} changed" if changed
            else "its settings, templates or styles changed")


def _theme_digest(theme: Theme, event: Event) -> str:
    """Every template and style file the pack's own pages may use, and the pictures of people
    they show (at `event`)."""
    folders = [*templates.template_dirs(theme), *templates.style_dirs(theme)]
    files = sorted({f for folder in folders if folder.is_dir() for f in folder.rglob("*")
                    if f.is_file()})
    files += [f for f in people_files(theme, event) if f.is_file()]
    return key(*(f"{f} {_file_digest(f)}" for f in files))


def people_files(theme: Theme, event: Event) -> list[Path]:
    """The logo, the partners' logos at `event` and the presenter's photo: a pack's own pages
    show them."""
    partners = {partner.logo for partner in event.partners}
    photo = theme.presenter.photo if theme.presenter else None
    return [f for f in (theme.org.logo, *sorted(partners), photo) if f]


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@memo("inputs", maxsize=512)  # by date and size too: an edited template is read again
def _digest(path: Path, modified: int, size: int) -> str:
    return file_digest(path)
