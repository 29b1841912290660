"""MDN Web Docs' KumaScript macros (`{{jsxref("Math.abs")}}`, `{{HTTPSidebar}}`, `{{Compat}}`),
rewritten before Jinja into what they show on MDN: references as links to the page on MDN (in
code when they name code), sidebars and banners dropped, the tables MDN draws from its data
(compatibility, specifications) as a line pointing to the page online. References are written
as HTML, which Markdown keeps as it is in paragraphs and in MDN's HTML tables alike."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from .prose import Notes, Page, outside_code

MACRO = re.compile(r"\{\{\s*(?P<name>[A-Za-z][\w-]*)\s*(?:\((?P<args>(?:[^()\"']|\"[^\"]*\"|"
                   r"'[^']*')*)\))?\s*\}\}")
ARGUMENT = re.compile(r"\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^,\s]+)")
SITE = "https://developer.mozilla.org"
LOCALES = {"en": "en-US", "zh": "zh-CN", "pt": "pt-BR"}
JINJA_NAMES = {"org", "event", "pack", "audience", "lang", "callout", "range", "dict", "lipsum",
               "cycler", "joiner", "namespace", "caller", "loop", "super", "self", "varargs",
               "kwargs", "true", "false", "none", "True", "False", "None"}
"""Names a Jinja expression in a handoutpack document may start with: never MDN's."""

REFERENCES = {  # macro: (path under /docs/ for its first argument, printed as code?)
    "jsxref": ("Web/JavaScript/Reference/{js}", True),
    "domxref": ("Web/API/{api}", True),
    "cssxref": ("Web/CSS/{0}", True),
    "htmlelement": ("Web/HTML/Element/{0}", True),
    "svgelement": ("Web/SVG/Element/{0}", True),
    "svgattr": ("Web/SVG/Attribute/{0}", True),
    "httpheader": ("Web/HTTP/Headers/{0}", True),
    "httpmethod": ("Web/HTTP/Methods/{0}", True),
    "httpstatus": ("Web/HTTP/Status/{0}", True),
    "glossary": ("Glossary/{glossary}", False),
    "htmlattrxref": ("Web/HTML/Attributes/{0}", True),
    "event": ("Web/Events/{0}", True),
    "rfc": ("", False),
}
BADGES = {"deprecated_inline": "deprecated", "deprecated_header": "deprecated",
          "experimental_inline": "experimental", "experimental_header": "experimental",
          "non-standard_inline": "non-standard", "non-standard_header": "non-standard",
          "optional_inline": "optional", "readonlyinline": "read-only",
          "securecontext_header": "secure context", "securecontext_inline": "secure context",
          "seecompattable": "experimental", "availableinworkers": "available in workers"}
ONLINE = {"compat": "compatibility", "specifications": "specifications",
          "embedinteractiveexample": "example", "interactiveexample": "example",
          "embedlivesample": "example", "embedghlivesample": "example"}
DROPPED = {"previous", "next", "previousnext", "previousmenu", "previousmenunext", "nextmenu",
           "quicklinkswithsubpages", "listsubpages", "listsubpagesforsidebar", "js_property_attributes",
           "inheritancediagram", "glossarydisambiguation", "page", "includesubnav"}
ONLINE_LINE = {  # language: (compatibility, specifications, example), each with {url}
    "en": ("Browser compatibility: see this page on MDN Web Docs, {url}",
           "Specifications: see this page on MDN Web Docs, {url}",
           "The live example is on MDN Web Docs: {url}"),
    "fr": ("Compatibilité des navigateurs : voir cette page sur MDN Web Docs, {url}",
           "Spécifications : voir cette page sur MDN Web Docs, {url}",
           "L'exemple interactif est sur MDN Web Docs : {url}"),
    "es": ("Compatibilidad con navegadores: véase esta página en MDN Web Docs, {url}",
           "Especificaciones: véase esta página en MDN Web Docs, {url}",
           "El ejemplo interactivo está en MDN Web Docs: {url}"),
    "pt": ("Compatibilidade com navegadores: veja esta página no MDN Web Docs, {url}",
           "Especificações: veja esta página no MDN Web Docs, {url}",
           "O exemplo interativo está no MDN Web Docs: {url}"),
    "ru": ("Совместимость с браузерами: см. эту страницу на MDN Web Docs, {url}",
           "Спецификации: см. эту страницу на MDN Web Docs, {url}",
           "Интерактивный пример — на MDN Web Docs: {url}"),
    "ja": ("ブラウザーの互換性は MDN Web Docs のこのページを参照: {url}",
           "仕様書は MDN Web Docs のこのページを参照: {url}",
           "ライブサンプルは MDN Web Docs にあります: {url}"),
    "zh": ("浏览器兼容性见 MDN Web Docs 上的本页：{url}",
           "规范见 MDN Web Docs 上的本页：{url}",
           "实时示例见 MDN Web Docs：{url}"),
    "ko": ("브라우저 호환성은 MDN Web Docs의 이 페이지를 보세요: {url}",
           "명세는 MDN Web Docs의 이 페이지를 보세요: {url}",
           "라이브 예제는 MDN Web Docs에 있습니다: {url}"),
}
KINDS = ("compatibility", "specifications", "example")


def recognises(text: str) -> bool:
    return any(_is_macro(m) for m in outside_code(MACRO, text))


def _is_macro(match: re.Match) -> bool:
    """`{{Compat}}`, `{{jsxref("x")}}`: a name Jinja content never starts with, written tight
    against the braces as MDN writes them, or one MDN is known for."""
    name = match["name"]
    if name in JINJA_NAMES:
        return False
    known = name.lower() in (*REFERENCES, *BADGES, *ONLINE, *DROPPED) or _sidebar(name.lower())
    return known or (match[0][2] != " " and "." not in match[0] and "|" not in match[0])


def _sidebar(name: str) -> bool:
    return name.endswith(("sidebar", "ref")) and name not in REFERENCES


def convert(text: str, page: Page, notes: Notes) -> str:
    out, position = [], 0
    for match in outside_code(MACRO, text):
        if not _is_macro(match):
            continue
        out += [text[position:match.start()], _macro(match, page, notes)]
        position = match.end()
    return "".join(out) + text[position:]


def arguments(text: str | None) -> list[str]:
    return [next(v for v in m.groups() if v is not None) for m in ARGUMENT.finditer(text or "")]


def _macro(match: re.Match, page: Page, notes: Notes) -> str:
    name, args = match["name"].lower(), arguments(match["args"])
    if name in REFERENCES and args:
        return _reference(name, args, page)
    if name in BADGES:
        return f"<em>({BADGES[name]})</em>"
    if name in ONLINE:
        return _online_line(ONLINE[name], page)
    if name in DROPPED or _sidebar(name):
        return ""
    notes.add(match[0], f"MDN macro '{match['name']}' (KumaScript) is not one handoutpack knows: "
              + ("its first argument prints in its place" if args else "it is left out")
              + "; write what it stood for")
    return args[0] if args else ""


def _reference(name: str, args: list[str], page: Page) -> str:
    target = args[0]
    if name == "rfc":
        return f'<a href="https://www.rfc-editor.org/rfc/rfc{html.escape(target)}">RFC {html.escape(target)}</a>'
    shown = args[1] if len(args) > 1 and args[1] else target
    if name == "htmlelement" and len(args) < 2:
        shown = f"<{target}>"
    path, as_code = REFERENCES[name]
    anchor = f"#{args[2]}" if name in ("jsxref", "domxref") and len(args) > 2 and args[2] else ""
    url = f"{SITE}/{_locale(page.lang)}/docs/" + path.format(
        target, js=_js_path(target), api=_api_path(target),
        glossary=target.replace(" ", "_"))
    nocode = len(args) > 3 and args[3] not in ("", "0", "false")
    text = html.escape(shown, quote=False)
    text = f"<code>{text}</code>" if as_code and not nocode else text
    href = html.escape(quote(url, safe=":/#?=&%.~-_()") + anchor)
    return f'<a href="{href}">{text}</a>'


def _js_path(target: str) -> str:
    if "/" in target:
        return target
    return "Global_Objects/" + target.replace(".prototype.", ".").replace("()", "").replace(".", "/")


def _api_path(target: str) -> str:
    return target.replace(".prototype.", ".").replace("()", "").replace(".", "/")


def _locale(lang: str) -> str:
    return LOCALES.get(lang, lang if "-" in lang else lang)


def _online_line(what: str, page: Page) -> str:
    url = f"{SITE}/{_locale(page.lang)}/docs/{page.slug}" if page.slug else SITE
    lines = ONLINE_LINE.get(page.lang.split("-")[0], ONLINE_LINE["en"])
    return "\n\n*" + lines[KINDS.index(what)].format(url=f"<{url}>") + "*\n\n"
