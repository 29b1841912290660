"""A document's page as rendered: what it links to and loads (refused or missing files, links that
lead nowhere), and what it announces (alt text, heading levels)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..markup import jinja
from ..markup.memory import kept_call
from ..sources import resources
from ..project.config import Project
from ..project.keys import suggest
from ..sources.content import Document, Translation
from ..errors import HandoutpackError
from ..pdf.placeholders import is_placeholder
from ..plan.jobs import page_job
from ..render.engine import Refused
from ..syntax import emoji
from ..syntax.leftovers import leftovers
from ..render.stage import make_renderer
from ..store.digests import code_digest
from ..errors import Problem
from .findings import finding, found, rel, source_line
from .kept import EMOJI_FONT

CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]+)\1\s*\)|@import\s+(['"])(?P<import>[^'"]+)\3""",
                        re.I)
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
WHAT_TO_WRITE = ("copy the file into the project and write its path relative to the document "
                 "(e.g. ../files/form.pdf), or from the project folder (or [paths] site_root) "
                 "as /files/form.pdf")
OUTSIDE_PATH = f"it is a path on this computer, outside the project; {WHAT_TO_WRITE}"
CODE_TAGS = {"pre", "code", "kbd", "samp", "script", "style"}


class PageParser(HTMLParser):
    """What a page's HTML links to, loads and announces: ids, links, resources, headings."""

    RESOURCES = {"img": ("src",), "link": ("href",), "object": ("data",), "embed": ("src",),
                 "iframe": ("src",), "source": ("src",), "video": ("src", "poster"),
                 "audio": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
                 "input": ("src",), "script": ("src",), "track": ("src",)}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[list[str]] = []  # [href, text]
        self.resources: list[tuple[str, str]] = []  # (tag, url)
        self.images: list[tuple[str, str | None]] = []  # (src, alt)
        self.headings: list[list] = []  # [level, text]
        self.prose: list[str] = []  # text outside code, as it prints
        self.remote_images: list[str] = []  # network images printed as their alt text
        self.site_paths: list[tuple[str, str]] = []  # (path, what it became) of website paths
        self.outside_pages: list[tuple[str, str]] = []  # (link, what it became) of pages not here
        self._open: list[list] = []  # links and headings whose text is being read
        self._style = False
        self._code = 0  # how deep inside <pre>, <code>, <script> or <style>

    @classmethod
    def found_names(cls) -> list[str]:
        """What a parse finds: every public attribute this class adds to HTMLParser's."""
        return sorted(set(vars(cls())) - set(vars(HTMLParser())) - {"ids"}
                      - {name for name in vars(cls()) if name.startswith("_")}) + ["ids"]

    @classmethod
    def parsed(cls, html: str) -> PageParser:
        """What `html` holds, read again only when the page changed: what was found in it is
        kept between builds (memos.building), so an edit parses its own page, not every one."""
        kept = json.loads(kept_call("page-found", (code_digest(), html),
                                    lambda: json.dumps(cls._read(html))))
        page = cls()
        for name, value in kept.items():  # JSON's lists back to sets and (hashable) tuples
            setattr(page, name, set(value) if isinstance(getattr(page, name), set) else
                    [tuple(item) if isinstance(item, list) else item for item in value])
        return page

    @classmethod
    def _read(cls, html: str) -> dict:
        parser = cls()
        parser.feed(html)
        parser.close()
        return {name: sorted(value) if isinstance(value := getattr(parser, name), set)
                else value for name in cls.found_names()}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("id", "name"):
            if values.get(name) and (name == "id" or tag == "a"):
                self.ids.add(values[name])
        for attr in self.RESOURCES.get(tag, ()):
            if values.get(attr) and not (tag == "link" and "stylesheet" not in
                                         (values.get("rel") or "") and "attachment" not in
                                         (values.get("rel") or "")):
                self.resources.append((tag, values[attr]))
        if tag == "img":
            self.images.append((values.get("src") or "", values.get("alt")))
        if style := values.get("style"):
            self.resources += [("style", u) for u in css_urls(style)]
        if tag == "a" and values.get("href") is not None:
            self.links.append([values["href"], ""])
            self._open.append(self.links[-1])
            if values.get("rel") == "attachment":
                self.resources.append(("a", values["href"]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append([int(tag[1]), ""])
            self._open.append(self.headings[-1])
        self._style = tag == "style"
        self._code += tag in CODE_TAGS
        if values.get("data-remote-src"):
            self.remote_images.append(values["data-remote-src"])
        if values.get("data-outside-page"):
            self.outside_pages.append((values["data-outside-page"], values.get("href") or ""))
        if values.get("data-site-path"):
            self.site_paths.append((values["data-site-path"], values.get("href") or
                                    values.get("data-remote-src") or ""))

    def handle_endtag(self, tag):
        self._code -= tag in CODE_TAGS and self._code > 0
        if self._open and (tag == "a" and isinstance(self._open[-1][0], str)
                           or re.fullmatch(r"h[1-6]", tag) and isinstance(self._open[-1][0], int)):
            self._open.pop()
        self._style = False

    def handle_data(self, data):
        if not self._code:
            self.prose.append(data)
        if self._style:
            self.resources += [("style", u) for u in css_urls(data)]
        for item in self._open:
            item[1] += data


def css_urls(css: str) -> list[str]:
    return [m["url"] or m["import"] for m in CSS_URL_RE.finditer(css)]


class Pages:
    """Each translation's page HTML (on its own, in its own language), made once, and the ids in it."""

    def __init__(self, project: Project, documents: dict[str, Document]):
        self.project = project
        self.documents = documents
        self.by_path = {t.path.resolve(): t for d in documents.values()
                        for t in d.translations.values()}
        self.problems: dict[Path, list[Problem]] = {}
        self._parsed: dict[Path, PageParser | None] = {}
        self.read: set[Path] = set()
        """Every source whose page a check looked at (its own, the pages its links point
        into), and EMOJI_FONT when a page has emoji: what its findings depend on (check.kept)."""

    def html(self, translation: Translation) -> PageParser | None:
        self.read.add(translation.path.resolve())
        if translation.path not in self._parsed:
            self._parsed[translation.path] = self._parse(translation)
        return self._parsed[translation.path]

    def _parse(self, translation: Translation) -> PageParser | None:
        context = jinja.make_context(self.project.theme, translation.lang, self.project.event,
                                     templating=self.project.templating)
        try:
            job = page_job(self.project, translation, context)
        except HandoutpackError as error:
            if any(p.file == translation.path.name for p in error.problems):
                return None  # a Jinja error in the content: check_jinja reports it
            self.problems[translation.path] = found(error.problems, "templates")
            return None
        return PageParser.parsed(job.html)


def check_page(project: Project, translation: Translation, page: PageParser,
               pages: Pages) -> list[Problem]:
    name = rel(project, translation.path)
    base = translation.path.parent.as_uri() + "/"
    fetcher = make_renderer(project.render_settings).fetcher
    findings = []

    def problem(severity: str, topic: str, needle: str, message: str) -> None:
        line = source_line(translation, needle) or source_line(
            translation, needle.replace("&", "&amp;", 1))  # an entity written escaped
        findings.append(finding(severity, topic, name, line, message))

    for tag, url in page.resources:
        if reason := _refusal(fetcher, project, urljoin(base, url)):
            what = "image" if tag in ("img", "image") else f"<{tag}>"
            problem("error", "links", url, f"{what} '{url}' is refused: {reason}")
    for href, text in page.links:
        if reason := _broken_link(project, translation, page, pages, href):
            problem("error", "links", href, f"link '{href}' leads nowhere: {reason}")
        if not text.strip():
            problem("warning", "accessibility", href, f"link '{href}' has no text; screen readers "
                    f"would read out the address. Write [what it leads to]({href})")
    for needle, advice in dict.fromkeys(x for text in page.prose for x in leftovers(text)):
        problem("warning", "markdown", needle, f"'{needle}' prints as written: {advice}")
    for src in dict.fromkeys(page.remote_images):
        problem("warning", "markdown", src,
                f"image '{src}' is on the network, so it is not fetched: its alt text prints "
                "in its place. Save it into the project and use that file, or set "
                "security.allow_remote = true in handoutpack.toml to fetch it")
    for link, became in dict.fromkeys(page.outside_pages):
        outcome = (f"it prints as its text and links to {became}" if became else
                   "it prints as its text (set org.website to link to the page on the site)")
        problem("warning", "paths", link, f"link '{link}' is to a page that is not in the "
                f"project; {outcome}. Bring the page into the project to make it a jump")
    for path, became in dict.fromkeys(page.site_paths):
        outcome = (f"it links to {became}" if became.startswith("http")
                   else "only its text prints (set org.website to link to the site)")
        problem("warning", "paths", path, f"'{path}' is a website path with no file in the "
                "project (looked in "
                f"{_shown_folder(project, resources.site_root(project.folders))}); "
                f"{outcome}. Copy the file into the project, or set [paths] site_root to the "
                "folder that holds the site's files")
    if any(emoji.EMOJI.search(t) for t in page.prose) and (
            pages.read.add(EMOJI_FONT) or not emoji.font_available()):
        problem("warning", "markdown", "", "emoji are printed as their names in brackets: no "
                "emoji font is installed; install Debian's fonts-noto-color-emoji")
    for src, alt in page.images:
        if not (alt or "").strip():
            problem("warning", "accessibility", src, f"image '{src}' has no alt text; describe "
                    f"what it shows: ![a short description]({src})")
    previous = 0
    for level, text in page.headings:
        text = " ".join(text.split())
        if level > previous + 1:
            problem("warning", "accessibility", text,
                    f"heading '{text}' is level {level} after level {previous}; do not skip "
                    f"levels (make it level {previous + 1})")
        elif level == 1 and previous:
            problem("warning", "accessibility", text,
                    f"heading '{text}' is a second level-1 heading; the title is the only one, "
                    "so start sections at ##")
        previous = level
    return findings


def _shown_folder(project: Project, folder: Path) -> str:
    return "the project folder" if folder == project.root else f"{rel(project, folder)}/"


def _refusal(fetcher, project: Project, url: str) -> str | None:
    """Why the renderer would refuse `url`, or None when it would load it."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return None
    if scheme in ("http", "https"):
        return None if project.allow_remote else (
            "is on the network; use a copy inside the project (or set security.allow_remote "
            "in handoutpack.toml)")
    try:
        fetcher.resolve(url)
    except Refused as refusal:
        reason = str(refusal).replace(str(project.root) + "/", "")
        if reason.endswith("does not exist"):
            return f"{reason}; check the name and the folder (relative to the document)"
        return f"{reason}; documents may only use files inside the project: {WHAT_TO_WRITE}"
    return None


def _broken_link(project: Project, translation: Translation, page: PageParser, pages: Pages,
                 href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme in SAFE_SCHEMES or is_placeholder(href):
        return None
    if parts.scheme == "file" or href.startswith("/"):
        return OUTSIDE_PATH
    if parts.scheme:
        return f"'{parts.scheme}:' links do not work in a PDF"
    fragment = unquote(parts.fragment)
    if not parts.path:
        if fragment in page.ids:
            return None
        return f"no heading or anchor '#{fragment}' here{suggest(fragment, page.ids)}"
    target = (translation.path.parent / unquote(parts.path)).resolve()
    if not target.is_relative_to(project.root):
        return "it is outside the project"
    if not target.exists():
        return f"'{parts.path}' does not exist"
    if target.suffix != ".md" or not fragment:
        return None
    other = pages.by_path.get(target)
    other_page = pages.html(other) if other else None
    if other_page is None or fragment in other_page.ids:
        return None
    return (f"'{parts.path}' has no heading or anchor '#{fragment}'"
            f"{suggest(fragment, other_page.ids)}")
