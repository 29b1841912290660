"""Find every problem in a project before anything is printed: schema, Jinja, links, accessibility,
translations, packs and fonts."""

from __future__ import annotations

import difflib
import re
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import jinja2
from jinja2 import meta, nodes

from . import config, content, markup, resources, syntax
from .history import git as _git
from .syntax import emoji
from .syntax.leftovers import leftovers
from .build import Selection, make_renderer, page_job
from .config import Project, suggest
from .content import Document, Translation
from .errors import HandoutpackError, Problems
from .render import Refused

MESSAGE_RE = re.compile(r"^(?P<file>[^\s:][^:\n]*?)(?::(?P<line>\d+))?: (?P<message>.*)$", re.S)
FONT_FACE_RE = re.compile(r"@font-face\s*{(?P<body>[^}]*)}", re.I)
FAMILY_RE = re.compile(r"font-family\s*:\s*(['\"]?)(?P<name>[^;'\"]+)\1", re.I)
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]+)\1\s*\)|@import\s+(['"])(?P<import>[^'"]+)\3""",
                        re.I)
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
FONT_MAGIC = (b"\x00\x01\x00\x00", b"true", b"OTTO", b"wOFF", b"wOF2", b"ttcf")
HISTORY_LIMIT = 200
DIFF_LINES = 40
WHAT_TO_WRITE = ("copy the file into the project and write its path relative to the document "
                 "(e.g. ../files/form.pdf), or from the project folder (or [paths] site_root) "
                 "as /files/form.pdf")
OUTSIDE_PATH = f"it is a path on this computer, outside the project; {WHAT_TO_WRITE}"
USED_KEYS = sorted(set(content.FrontMatter.__dataclass_fields__) - {"ignored"})
SHOWN_IN_BUILD = {"markdown", "front matter", "paths"}
"""Warnings a build prints too: text printed as written, images left out, keys ignored."""
CODE_TAGS = {"pre", "code", "kbd", "samp", "script", "style"}
STATUS_MARKS = {"source": "●", "current": "✓", "stale": "!", "unknown": "?", "missing": "·"}


@dataclass(frozen=True)
class Finding:
    """One problem: where it is, how bad, and what to do."""

    severity: str
    """'error' blocks a build; 'warning' is worth fixing, and fails `build --strict`."""
    topic: str
    """config, content, jinja, links, accessibility, translations, packs or fonts."""
    file: str
    line: int | None
    message: str
    details: tuple[str, ...] = ()
    """More lines to show, e.g. what changed in the English since a translation was made."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class Report:
    """Everything `handoutpack check` found, and the translation coverage."""

    findings: list[Finding] = field(default_factory=list)
    languages: tuple[str, ...] = ()
    coverage: dict[str, dict[str, str]] = field(default_factory=dict)
    """slug → language → source, current, stale, unknown (no source_revision) or missing."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    def as_json(self) -> dict:
        return {"ok": not self.findings, "errors": len(self.errors),
                "warnings": len(self.warnings), "languages": list(self.languages),
                "findings": [asdict(f) for f in self.findings], "coverage": self.coverage}


# ---------------------------------------------------------------- entry points


def run(root: Path, overrides: dict[str, str] | None = None) -> Report:
    """Check the project at `root`; HandoutpackError only when it cannot be checked at all."""
    try:
        project = config.load(root, overrides)
    except Problems as problems:
        return Report(from_messages(problems.messages, "config"))
    documents, problems = content.scan(project)
    report = Report(from_messages(problems, "content"), project.languages)
    report.findings += inspect(project, documents, Selection(), history=True)
    report.coverage = coverage(project, documents)
    report.findings.sort(key=lambda f: (f.file != config.CONFIG_NAME, f.file, f.line or 0))
    return report


def preflight(project: Project, documents: dict[str, Document], selection: Selection,
              strict: bool = False) -> list[str]:
    """The blocking part of the check, before a build: errors (and, when strict, warnings).
    Returns the warnings about what will print differently from the source (SHOWN_IN_BUILD)."""
    found = inspect(project, documents, selection, history=False)
    blocking = [f for f in found if f.severity == "error" or strict]
    if blocking:
        raise Problems([str(f) for f in blocking])
    return [str(f) for f in found if f.topic in SHOWN_IN_BUILD]


def inspect(project: Project, documents: dict[str, Document], selection: Selection,
            history: bool) -> list[Finding]:
    """Every check on a loaded project, limited to the packs and languages selected."""
    selection.check(project)
    langs = selection.langs(project)
    wanted = _wanted(project, documents, selection)
    unreadable = {match["slug"] for path in project.content_dir.rglob("*.md")
                  if (match := content.FILE_RE.match(path.name)) and match["slug"] not in documents}
    findings = from_messages(content.pack_problems(project, documents, unreadable), "packs")
    findings += ignored_keys(project, wanted, langs)
    findings += check_fonts(project)
    findings += empty_packs(project, documents, selection)
    pages = Pages(project, documents)
    for document in wanted.values():
        for lang, translation in document.translations.items():
            if lang not in langs:
                continue
            findings += check_jinja(project, documents, translation)
            if (page := pages.html(translation)) is not None:
                findings += check_page(project, translation, page, pages)
            findings += pages.problems.pop(translation.path, [])
            if lang != project.default_language:
                findings += check_translation(project, document, translation, history)
    return list(dict.fromkeys(findings))


def ignored_keys(project: Project, documents: dict[str, Document],
                 langs: Iterable[str]) -> list[Finding]:
    """One warning per front matter key handoutpack does not use (other tools' `layout`,
    `permalink`, `teaching`...), at its first place, counting the files that have it."""
    places: dict[str, list[tuple[str, int]]] = {}
    for document in documents.values():
        for lang, translation in document.translations.items():
            if lang in langs:
                for key, line in translation.meta.ignored:
                    places.setdefault(key, []).append((_rel(project, translation.path), line))
    findings = []
    for key, found in sorted(places.items()):
        (name, line), others = found[0], len(found) - 1
        also = f" (and in {others} other file{'s' if others > 1 else ''})" if others else ""
        findings.append(Finding("warning", "front matter", name, line,
                                f"front matter '{key}' is not used by handoutpack and is "
                                f"ignored{also}{suggest(key, USED_KEYS)}; keep it for the tool "
                                "it was written for, or remove it"))
    return findings


def _wanted(project: Project, documents: dict[str, Document],
            selection: Selection) -> dict[str, Document]:
    if not selection.packs:
        return documents
    slugs = {slug for spec in selection.pack_specs(project) for slug in spec.documents}
    return {slug: d for slug, d in documents.items() if slug in slugs}


def from_messages(messages: Iterable[str], topic: str, severity: str = "error") -> list[Finding]:
    """Findings from our error messages, which all read 'file[:line]: what to do'."""
    findings = []
    for message in messages:
        match = MESSAGE_RE.match(message)
        if match:
            line = int(match["line"]) if match["line"] else None
            findings.append(Finding(severity, topic, match["file"], line, match["message"]))
        else:
            findings.append(Finding(severity, topic, "", None, message))
    return findings


def _rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def source_line(translation: Translation, needle: str) -> int | None:
    """The file line where `needle` first appears in the body, for pointing at a problem."""
    if needle and (at := translation.body.find(needle)) >= 0:
        return translation.body_line + translation.body.count("\n", 0, at)
    return None


# ---------------------------------------------------------------- Jinja


def check_jinja(project: Project, documents: dict[str, Document],
                translation: Translation) -> list[Finding]:
    """Syntax errors and every unknown name, with lines; then a render in each context the
    document is used in, for what only shows when it runs."""
    name = _rel(project, translation.path)
    try:
        tree = markup.content_env.parse(syntax.protect_from_jinja(translation.body))
    except jinja2.TemplateSyntaxError as error:
        return [Finding("error", "jinja", name, translation.body_line + (error.lineno or 1) - 1,
                        f"template syntax error: {error.message}")]
    contexts = list(_contexts(project, documents, translation))
    names = contexts[0].as_dict()
    known = set(names) | set(markup.content_env.globals)
    unknown = meta.find_undeclared_variables(tree) - known
    findings = []
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in unknown:
            findings.append(_jinja_finding(name, translation, node.lineno,
                                           f"'{node.name}' is undefined{suggest(node.name, names)}"))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        owner, key = _lookup(node)
        value = names.get(owner) if owner not in unknown else None
        if isinstance(value, dict) and key is not None and key not in value \
                and not hasattr(dict, key):
            findings.append(_jinja_finding(
                name, translation, node.lineno, f"'{owner}' has no '{key}'{suggest(key, value)}; "
                f"it has {', '.join(value)}"))
    if findings:
        return list(dict.fromkeys(findings))
    for context in contexts:
        try:
            markup.expand(translation, context)
        except HandoutpackError as error:
            findings += [replace_file(f, name, "jinja") for f in from_messages([str(error)], "jinja")]
    return list(dict.fromkeys(findings))


def _lookup(node) -> tuple[str | None, str | None]:
    """('event', 'venue') for {{ event.venue }} or {{ event['venue'] }}."""
    if not isinstance(node.node, nodes.Name):
        return None, None
    if isinstance(node, nodes.Getattr):
        return node.node.name, node.attr
    if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.node.name, node.arg.value
    return None, None


def _jinja_finding(name: str, translation: Translation, line: int, message: str) -> Finding:
    return Finding("error", "jinja", name, translation.body_line + line - 1,
                   f"template error: {message}; the names you can use are org, event, pack, "
                   "audience and lang (see docs/authoring.md)")


def replace_file(finding: Finding, name: str, topic: str) -> Finding:
    return Finding(finding.severity, topic, name, finding.line, finding.message, finding.details)


def _contexts(project: Project, documents: dict[str, Document], translation: Translation):
    """Every context the translation is rendered in: on its own, and in each pack using it."""
    yield markup.make_context(project, translation.lang, project.event)
    for spec in project.packs.values():
        if translation.slug not in spec.documents:
            continue
        for lang in project.languages:
            document = documents[translation.slug]
            if document.best(lang, project.default_language) is translation:
                yield markup.make_context(project, lang, spec.event, project.text(spec.titles, lang),
                                          spec.id, spec.audience)


# ---------------------------------------------------------------- the page: links, images, headings


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
        self._open: list[list] = []  # links and headings whose text is being read
        self._style = False
        self._code = 0  # how deep inside <pre>, <code>, <script> or <style>

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
        self.problems: dict[Path, list[Finding]] = {}
        self._parsed: dict[Path, PageParser | None] = {}

    def html(self, translation: Translation) -> PageParser | None:
        if translation.path not in self._parsed:
            self._parsed[translation.path] = self._parse(translation)
        return self._parsed[translation.path]

    def _parse(self, translation: Translation) -> PageParser | None:
        context = markup.make_context(self.project, translation.lang, self.project.event)
        try:
            job = page_job(self.project, translation, context)
        except HandoutpackError as error:
            found = from_messages([str(error)], "templates")
            if any(f.file == translation.path.name for f in found):
                return None  # a Jinja error in the content: check_jinja reports it
            self.problems[translation.path] = found
            return None
        parser = PageParser()
        parser.feed(job.html)
        parser.close()
        return parser


def check_page(project: Project, translation: Translation, page: PageParser,
               pages: Pages) -> list[Finding]:
    name = _rel(project, translation.path)
    base = translation.path.parent.as_uri() + "/"
    fetcher = make_renderer(project).fetcher
    findings = []

    def problem(severity: str, topic: str, needle: str, message: str) -> None:
        line = source_line(translation, needle) or source_line(
            translation, needle.replace("&", "&amp;", 1))  # an entity written escaped
        findings.append(Finding(severity, topic, name, line, message))

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
    for path, became in dict.fromkeys(page.site_paths):
        outcome = (f"it links to {became}" if became.startswith("http")
                   else "only its text prints (set org.website to link to the site)")
        problem("warning", "paths", path, f"'{path}' is a website path with no file in the "
                f"project (looked in {_shown_folder(project, resources.site_root(project))}); "
                f"{outcome}. Copy the file into the project, or set [paths] site_root to the "
                "folder that holds the site's files")
    if not emoji.font_available() and any(emoji.EMOJI.search(t) for t in page.prose):
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
    return "the project folder" if folder == project.root else f"{_rel(project, folder)}/"


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
    if parts.scheme in SAFE_SCHEMES or href.startswith("handoutpack:"):
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


# ---------------------------------------------------------------- fonts


def check_fonts(project: Project) -> list[Finding]:
    """The brand's fonts are declared in fonts.css, and every font file there loads."""
    try:
        css_path = markup.find_style(project, "fonts.css")
    except HandoutpackError as error:
        return from_messages([str(error)], "fonts")
    css = css_path.read_text(encoding="utf-8", errors="replace")
    name = _rel(project, css_path)
    fetcher = make_renderer(project).fetcher
    findings, families = [], set()
    for face in FONT_FACE_RE.finditer(css):
        line = css.count("\n", 0, face.start()) + 1
        if family := FAMILY_RE.search(face["body"]):
            families.add(family["name"].strip().lower())
        for url in css_urls(face["body"]):
            findings += _font_file(project, fetcher, urljoin(css_path.as_uri(), url), url, name, line)
    for key in ("heading_font", "body_font"):
        family = getattr(project.brand, key)
        if family.lower() not in families:
            findings += from_messages([f"{project.where(f'brand.{key}')}: '{family}' is not "
                                       f"declared in {name}; add an @font-face for it there, or "
                                       "PDFs use whatever font this computer has by that name"],
                                      "fonts", "warning")
    return findings


def _font_file(project: Project, fetcher, url: str, shown: str, css: str,
               line: int) -> list[Finding]:
    try:
        path = fetcher.resolve(url)
    except Refused as refusal:
        return [Finding("error", "fonts", css, line, f"font '{shown}': "
                        f"{str(refusal).replace(str(project.root) + '/', '')}")]
    if path.read_bytes()[:4] not in FONT_MAGIC:
        return [Finding("error", "fonts", css, line, f"font '{shown}' is not a font file "
                        "(TTF, OTF, WOFF or WOFF2) and will not load; replace it")]
    return []


# ---------------------------------------------------------------- translations and packs


def coverage(project: Project, documents: dict[str, Document]) -> dict[str, dict[str, str]]:
    return {slug: {lang: _status(project, d, lang) for lang in project.languages}
            for slug, d in documents.items()}


def _status(project: Project, document: Document, lang: str) -> str:
    if lang == project.default_language:
        return "source"
    translation = document.translations.get(lang)
    if translation is None:
        return "missing"
    if translation.meta.source_revision is None:
        return "unknown"
    current = document.main(project.default_language).revision
    return "current" if translation.meta.source_revision == current else "stale"


def check_translation(project: Project, document: Document, translation: Translation,
                      history: bool) -> list[Finding]:
    source = document.main(project.default_language)
    name, source_name = _rel(project, translation.path), _rel(project, source.path)
    status = _status(project, document, translation.lang)
    line = _front_matter_line(translation, "source_revision")
    if status == "unknown":
        return [Finding("warning", "translations", name, 1,
                        f"no source_revision, so nobody can tell whether it is up to date. Record "
                        f"the revision of the English it was made from: for a translation made "
                        f"from {source_name} as it is now, 'source_revision: {source.revision}'; "
                        f"for one brought in from elsewhere, the revision at the date it was "
                        f"made, which `handoutpack revision {source_name} --as-of YYYY-MM-DD` "
                        "reads from git history (then check lists what changed since)")]
    if status != "stale":
        return []
    old = english_at(project, source.path, translation.meta.source_revision) if history else None
    if old is None:
        details = ("(what changed cannot be shown: the English text of that revision is not in "
                   "this project's git history; keep the project in git to see it)",) if history else ()
    else:
        details = tuple(changes(old[1], source.body, old[0]))
    return [Finding("warning", "translations", name, line,
                    f"stale translation: {source_name} has changed since it was translated "
                    f"(source_revision {translation.meta.source_revision}, now {source.revision}); "
                    f"update the translation, then set source_revision: {source.revision}",
                    details)]


def _front_matter_line(translation: Translation, key: str) -> int | None:
    text = translation.path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines()[: translation.body_line], 1):
        if line.startswith(f"{key}:"):
            return number
    return None


def english_at(project: Project, path: Path, revision: str) -> tuple[str, str] | None:
    """(a description of the commit, the body) of the source at `revision`, from git history."""
    if not shutil.which("git"):
        return None
    relative = _rel(project, path)
    log = _git(project.root, "log", f"-{HISTORY_LIMIT}", "--follow", "--name-only",
               "--format=%x00%h %ad", "--date=short", "--", relative)
    for entry in (log or "").split("\0")[1:]:
        lines = entry.strip().splitlines()
        if len(lines) < 2:
            continue
        text = _git(project.root, "show", f"{lines[0].split()[0]}:{lines[-1]}")
        body = content.body_of(text or "")
        if body is not None and content.revision(body) == revision:
            return f"commit {lines[0]}", body
    return None


def changes(old: str, new: str, when: str) -> list[str]:
    """What changed in the English since a translation was made, as a short unified diff."""
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(),
                                     f"English when translated ({when})", "English now",
                                     lineterm="", n=1))
    if len(diff) > DIFF_LINES:
        diff = diff[:DIFF_LINES] + [f"... and {len(diff) - DIFF_LINES} more lines"]
    return diff


def empty_packs(project: Project, documents: dict[str, Document],
                selection: Selection) -> list[Finding]:
    """A pack none of whose documents exist in a language is the English pack with another cover:
    worth a warning, unless the pack lists that language on purpose."""
    findings = []
    for spec in selection.pack_specs(project):
        slugs = list(dict.fromkeys(s for s in spec.documents if s in documents))
        for lang in selection.langs(project):
            if lang == project.default_language or not slugs or spec.languages:
                continue
            if not any(lang in documents[s].translations for s in slugs):
                findings += from_messages([
                    f"{project.where(f'packs.{spec.id}')}: has no document in '{lang}': all "
                    f"{len(slugs)} would be in {project.default_language}; translate some, or "
                    f"list the languages it is made in: languages = [...] under [packs.{spec.id}]"],
                    "packs", "warning")
    return findings


# ---------------------------------------------------------------- showing the report


def text_report(report: Report) -> list[str]:
    """The report for people: one line per problem, the coverage table, a summary."""
    lines = []
    for f in report.findings:
        lines.append(f"{f.severity}: {f}")
        lines += [f"    {d}" for d in f.details]
    if report.coverage:
        lines += ["", "Translations (● source, ✓ up to date, ! stale, ? no source_revision, "
                  "· none):"]
        width = max(len("document"), *(len(slug) for slug in report.coverage))
        lines.append(f"  {'document':<{width}}  " + "  ".join(report.languages))
        for slug, row in report.coverage.items():
            marks = "  ".join(f"{STATUS_MARKS[row[lang]]:<{len(lang)}}" for lang in report.languages)
            lines.append(f"  {slug:<{width}}  {marks}")
    counts = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    lines += ["", "No problems found." if not report.findings else f"Found {counts}."]
    return lines
