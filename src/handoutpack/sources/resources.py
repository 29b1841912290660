"""Images and links as other tools write them, made to work on paper: figures by language
(`fig/chart.fr.png` beside `fig/chart.png`), paths from a site's root (`/assets/x.png`), website
paths that match no file (links to the organisation's website), and network images, which are
not fetched unless security.allow_remote says so: their alt text prints in their place.

Each change leaves a data- attribute that `check` reads to warn about it, with the source line."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..project.parts import Folders, Links

IMAGE = re.compile(r"<img\b[^>]*>", re.I)
LINK = re.compile(r"""<a\b(?P<before>[^>]*?)\shref=(?P<q>["'])(?P<href>[^"']*)(?P=q)(?P<after>[^>]*)>"""
                  r"(?P<text>.*?)</a>""", re.S | re.I)
ATTRIBUTE = r"""\s{name}=(["'])(?P<value>[^"']*)\1"""
REMOTE = re.compile(r"^https?://", re.I)


def attribute(tag: str, name: str) -> str | None:
    match = re.search(ATTRIBUTE.format(name=name), tag, re.I)
    return html.unescape(match["value"]) if match else None


def with_attribute(tag: str, name: str, value: str) -> str:
    escaped = html.escape(value)
    pattern = re.compile(ATTRIBUTE.format(name=name), re.I)
    if pattern.search(tag):
        return pattern.sub(lambda m: f' {name}="{escaped}"', tag, count=1)
    return tag.replace("<img", f'<img {name}="{escaped}"', 1)


def site_root(folders: Folders) -> Path:
    """Where paths starting with '/' start: [paths] site_root, else the project folder."""
    return folders.site_root or folders.root


def site_file(folders: Folders, path: str) -> Path | None:
    """The file a site-root path (`/assets/x.png`) names in the project, if there is one."""
    relative = unquote(urlsplit(path).path).lstrip("/")
    found = (site_root(folders) / relative).resolve()
    if relative and found.is_relative_to(folders.root) and found.exists():
        return found / "index.md" if found.is_dir() and (found / "index.md").exists() else found
    return None


def is_site_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def website_url(website: str, path: str) -> str | None:
    """`path` on the organisation's `website`, if it has one."""
    return website.rstrip("/") + path if website else None


def for_language(path: Path, lang: str) -> Path:
    """`fig/chart.fr.png` for `fig/chart.png` in French, when it exists; else `path`."""
    localised = path.with_name(f"{path.stem}.{lang}{path.suffix}")
    return localised if localised.is_file() else path


def adapt(body: str, links: Links, folder: Path, lang: str) -> str:
    """A page body with its images and links adapted (see the module's description); `folder`
    is the source's, against which relative paths are read."""
    body = IMAGE.sub(lambda m: _image(m[0], links, folder, lang), body)
    return LINK.sub(lambda m: _link(m, links, folder, lang), body)


def _image(tag: str, links: Links, folder: Path, lang: str) -> str:
    src = attribute(tag, "src") or ""
    if is_site_path(src):
        found = site_file(links.folders, src)
        if found is None and Path(src).exists():
            return tag  # a real path on this computer: check says what to write instead
        if found is None:
            src = website_url(links.website, src) or src
            tag = with_attribute(tag, "data-site-path", attribute(tag, "src") or "")
        else:
            return with_attribute(tag, "src", for_language(found, lang).as_uri())
    if REMOTE.match(src):
        return tag if links.allow_remote else _placeholder(tag, src)
    parts = urlsplit(src)
    if not parts.scheme and parts.path:
        local = folder / unquote(parts.path)
        chosen = for_language(local, lang)
        if chosen != local:
            return with_attribute(tag, "src", chosen.as_uri())
    return tag


def _placeholder(tag: str, src: str) -> str:
    """What prints instead of a network image: its alt text, or its file name, in a frame."""
    alt = (attribute(tag, "alt") or "").strip()
    shown = alt or (urlsplit(src).path.rsplit("/", 1)[-1] or urlsplit(src).netloc)
    site_path = attribute(tag, "data-site-path")
    marker = f' data-site-path="{html.escape(site_path)}"' if site_path else ""
    return (f'<span class="remote-image" data-remote-src="{html.escape(src)}"{marker}>'
            f'{html.escape(shown)}</span>')


PAGE_SUFFIXES = {"", ".md", ".mdx", ".html", ".htm"}
"""What a link to a page of the site looks like: `../legal/`, `reference.md#commit`, `faq.html`."""


def _link(match: re.Match, links: Links, folder: Path, lang: str) -> str:
    href = html.unescape(match["href"])
    parts = urlsplit(href)
    if not parts.scheme and parts.path and not is_site_path(href):
        return _relative_link(match, parts, links, folder, lang)
    if not is_site_path(href) or Path(href).exists() and site_file(links.folders, href) is None:
        return match[0]
    found = site_file(links.folders, href)
    if found is not None:
        relative = Path(os.path.relpath(found, folder))
        fragment = urlsplit(href).fragment
        target = relative.as_posix() + (f"#{fragment}" if fragment else "")
        return (f'<a{match["before"]} href="{html.escape(target)}"{match["after"]}>'
                f'{match["text"]}</a>')
    marker = f' data-site-path="{html.escape(href)}"'
    if url := website_url(links.website, href):
        return (f'<a{match["before"]} href="{html.escape(url)}"{marker}{match["after"]}>'
                f'{match["text"]}</a>')
    return f'<span class="site-path"{marker}>{match["text"]}</span>'



def _relative_link(match: re.Match, parts, links: Links, folder: Path, lang: str) -> str:
    """A link to `name.md` leads to `name.<lang>.md` (the name handoutpack gives documents), or
    the default language's; a link to a page the project does not hold prints as its text, and
    links to the page on the site when org.website is known (check warns about each)."""
    path = unquote(parts.path)
    target = folder / path
    if target.exists() or Path(path).suffix.lower() not in PAGE_SUFFIXES:
        return match[0]
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if target.suffix.lower() in (".md", ".mdx"):
        for code in dict.fromkeys([lang, links.default]):
            named = target.with_name(f"{target.stem}.{code}.md")
            if named.is_file():
                href = Path(path).with_name(named.name).as_posix() + fragment
                return (f'<a{match["before"]} href="{html.escape(href)}"{match["after"]}>'
                        f'{match["text"]}</a>')
    marker = f' data-outside-page="{html.escape(unquote(match["href"]))}"'
    if url := _page_on_site(links, target, trailing=path.endswith("/")):
        return (f'<a{match["before"]} href="{html.escape(url + fragment)}"{marker}'
                f'{match["after"]}>{match["text"]}</a>')
    return f'<span class="outside-page"{marker}>{match["text"]}</span>'


def _page_on_site(links: Links, target: Path, trailing: bool) -> str | None:
    """The address on the organisation's website of the page `target` (a path as the source's
    site had it, relative to the content folder), if the website is known."""
    if not links.website:
        return None
    base = links.folders.content.resolve()
    resolved = Path(os.path.normpath(target.absolute()))
    if not resolved.is_relative_to(base):
        return None
    page = resolved.relative_to(base).as_posix()
    page = re.sub(r"(?:^|/)(?:_?index)?(?:\.[a-z]{2,3}(?:-[A-Za-z0-9]+)?)?\.(?:mdx?|html?)$", "/", page)
    page = re.sub(r"(?:\.[a-z]{2,3})?\.(?:mdx?|html?)$", "/", page)
    page = page + "/" if trailing and not page.endswith("/") else page
    return links.website.rstrip("/") + "/" + page.lstrip("/")
