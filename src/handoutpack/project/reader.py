"""Read handoutpack.toml's tables into the Project's dataclasses, reporting every problem with its key and line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import collect
from ..store.guard import build_dir_problem
from ..store.names import ID_RE, usable_name
from .config import Project
from .settings import (COLOUR_RE, CONFIG_NAME, LANG_RE, PDF_VARIANTS, PRINT_KEYS, Audience, Brand,
                       ContentSettings, DownloadPage, Event, LanguageSettings, Org, PackSpec,
                       PathSettings, Printing, Security, Typography)
from .sending import SMTP_SECURITY, Email, Smtp
from .keys import suggest
from .presenter import read_partners, read_presenter
from .schema import toml_keys
from .values import Reader

MAX_CONFIG_BYTES = 1_000_000


TOP_KEYS = {"org", "brand", "languages", "paths", "content", "audiences", "packs", "event", "labels",
            "security", "typography", "download", "email", "print", "presenter"}


def read_project(root: Path, config_path: Path, data: dict, overrides: dict[str, str],
             forced_printing: dict[str, Any], text: str = "",
             forced_event: dict[str, Any] | None = None) -> Project:
    r = Reader(CONFIG_NAME, text)
    for name in data:
        if name not in TOP_KEYS:
            r.problem(name, f"unknown key{suggest(name, TOP_KEYS)}; allowed: "
                      f"{', '.join(sorted(TOP_KEYS))}")

    langs = r.table(data.get("languages"), "languages", toml_keys(LanguageSettings))
    default = r.settings(LanguageSettings, langs, "languages")["default"]
    available = langs.get("available", [default])
    if not isinstance(available, list) or not all(
            isinstance(x, str) and LANG_RE.match(x) for x in available):
        r.problem("languages.available", "must be a list of language codes like ['en', 'fr']")
        available = [default]
    if default not in available:
        r.problem("languages.available", f"must include the default language '{default}'")
    languages = tuple(dict.fromkeys([default, *available]))
    r.languages = languages

    org_data = r.table(data.get("org"), "org", toml_keys(Org))
    org_name = r.string(org_data, "name", "org.name")
    logo = org_data.get("logo")
    org = Org(**r.settings(Org, org_data, "org", given={"name": org_name},
                           defaults={"short_name": org_name}),
              logo=r.path(root, logo, "org.logo", file=True) if logo is not None else None)
    brand_data = r.table(data.get("brand"), "brand", toml_keys(Brand))
    brand = Brand(**r.settings(Brand, brand_data, "brand"))
    brand = replace(brand, cmyk=_inks(r, brand_data.get("cmyk"), brand))

    paths = r.table(data.get("paths"), "paths", toml_keys(PathSettings))
    content_dir = (r.path(root, paths.get("content", PathSettings.content), "paths.content")
                   or root / PathSettings.content)
    build_dir = r.path(root, paths.get("build", PathSettings.build), "paths.build",
                       must_exist=False)
    emails_dir = r.path(root, paths.get("emails", PathSettings.emails), "paths.emails",
                        must_exist=False)
    site_root = r.path(root, paths["site_root"], "paths.site_root") if "site_root" in paths else None
    template_dirs = _override_dirs(r, root, paths, "templates")
    style_dirs = _override_dirs(r, root, paths, "styles")
    if build_dir and (problem := build_dir_problem(build_dir, root, [
            content_dir, *template_dirs, *style_dirs, *([emails_dir] if emails_dir else [])])):
        r.problem("paths.build", f"'{paths.get('build', PathSettings.build)}' {problem}; a build "
                  "writes and deletes files there, so it must be a folder of its own, e.g. "
                  "\"build\"")

    audiences = {}
    for audience_id, spec in r.table(data.get("audiences"), "audiences").items():
        key = f"audiences.{audience_id}"
        if not ID_RE.match(audience_id):
            r.problem(key, "ids are lower-case letters, digits and hyphens")
        audiences[audience_id] = Audience(**r.read(Audience, spec, key, given={"id": audience_id}))

    override = read_event(r, overrides, "--set event", languages)
    forced = {**(forced_event or {}),  # a profile's event, then --set, win everywhere
              **{name: getattr(override, name) for name in overrides}}
    event = replace(read_event(r, r.table(data.get("event"), "event", toml_keys(Event)), "event",
                           languages, root=root), **forced)
    print_data = r.table(data.get("print"), "print", PRINT_KEYS)
    # [print] has no paper of its own: the project's is brand.paper
    printing = _printing(r, {**print_data, "paper": brand.paper}, "print", Printing())
    cmyk_profile = (r.path(root, print_data["cmyk_profile"], "print.cmyk_profile", file=True)
                    if "cmyk_profile" in print_data else None)
    packs = {}
    for pack_id, spec in r.table(data.get("packs"), "packs").items():
        packs[pack_id] = _pack(r, pack_id, spec, languages, audiences, forced,
                               printing, forced_printing, root)

    labels = {}
    for lang, table in r.table(data.get("labels"), "labels").items():
        if lang not in languages:
            r.problem(f"labels.{lang}", f"'{lang}' is not in languages.available")
        elif isinstance(table, dict) and all(isinstance(v, str) for v in table.values()):
            labels[lang] = dict(table)
        else:
            r.problem(f"labels.{lang}", "must be a table of label names to strings")

    security = Security(**r.read(Security, data.get("security"), "security"))
    settings = ContentSettings(**r.read(ContentSettings, data.get("content"), "content"))
    typography = _typography(r, r.table(data.get("typography"), "typography",
                                        toml_keys(Typography)), languages)
    download = DownloadPage(**r.read(DownloadPage, data.get("download"), "download"))
    email = _email(r, data["email"]) if "email" in data else None
    presenter = read_presenter(r, data.get("presenter"), "presenter", root)

    collect(r.problems)
    return Project(
        root=root, org=org, brand=brand, default_language=default, languages=languages,
        audiences=audiences, packs=packs, event=event, labels=labels, content_dir=content_dir,
        template_dirs=template_dirs, style_dirs=style_dirs, build_dir=build_dir,
        allow_remote=security.allow_remote,
        max_image_pixels=int(security.max_image_megapixels * 1_000_000), typography=typography,
        config_path=config_path,
        download=download, email=email,
        emails_dir=emails_dir or root / "emails", site_root=site_root,
        printing=replace(printing, **forced_printing), cmyk_profile=cmyk_profile,
        presenter=presenter, templating=settings.templating,
    )


def _typography(r: Reader, data: dict, languages) -> Typography:
    switches = {}
    for name, spec in Typography.__dataclass_fields__.items():
        if name in data and spec.type == "bool":
            if isinstance(data[name], bool):
                switches[name] = data[name]
            else:
                r.problem(f"typography.{name}", f"{data[name]!r}: must be true or false")
    marks = {}
    for lang, pair in r.table(data.get("quote_marks"), "typography.quote_marks").items():
        key = f"typography.quote_marks.{lang}"
        if lang not in languages:
            r.problem(key, f"'{lang}' is not in languages.available{suggest(lang, languages)}")
        elif not isinstance(pair, str) or len(pair) != 2:
            r.problem(key, f"{pair!r}: write the opening and closing marks, e.g. \"“”\" or \"«»\"")
        else:
            marks[lang] = pair
    numerals = {}
    for lang, style in r.table(data.get("numerals"), "typography.numerals").items():
        key = f"typography.numerals.{lang}"
        if lang not in languages:
            r.problem(key, f"'{lang}' is not in languages.available{suggest(lang, languages)}")
        elif style not in ("western", "eastern"):
            r.problem(key, f"{style!r}: write \"western\" (0-9) or \"eastern\" (Arabic ٠-٩)")
        else:
            numerals[lang] = style
    words = data.get("never_hyphenate", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        r.problem("typography.never_hyphenate", "must be a list of words, e.g. [\"Cerise\", \"Bethesda\"]")
        words = []
    return Typography(**switches, quote_marks=marks, numerals=numerals, never_hyphenate=tuple(w.strip() for w in words))


def _override_dirs(r: Reader, root: Path, paths: dict, name: str) -> tuple[Path, ...]:
    """The user's folders that override the built-in theme file by file, first match wins."""
    value = paths.get(name)
    if value is None:
        return (root / name,) if (root / name).is_dir() else ()
    values = value if isinstance(value, list) else [value]
    found = [r.path(root, v, f"paths.{name}") for v in values]
    return tuple(p for p in found if p)


def read_event(r: Reader, data: dict, key: str, languages=None, root: Path | None = None) -> Event:
    """An event; its name and place given once or per language (without `languages`, as in a
    presenter's profile, a text given once is kept for every language), its partners read only
    where they may be given (`root` set)."""
    texts = {} if languages else {  # a profile's: kept as given, whatever the project's
        name: _any_language(data[name]) for name in ("name", "place") if data.get(name)}
    partners = (read_partners(r, data["partners"], f"{key}.partners", root)
                if "partners" in data and root is not None else ())
    return Event(**r.settings(Event, data, key, given=texts), partners=partners)


def _any_language(value: Any) -> dict[str, str]:
    """A text for every language ('*'), or a table of texts by language, as given."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if isinstance(v, str)}
    return {"*": str(value)}


def _printing(r: Reader, data: dict, key: str, base: Printing) -> Printing:
    """`base` with the print options `data` sets."""
    variant = r.choice(data, "pdf_variant", f"{key}.pdf_variant", PDF_VARIANTS, base.pdf_variant)
    read = r.settings(Printing, data, key, base=base, given={"pdf_variant": variant})
    if not 0 < read["paper_thickness_mm"] <= 1:
        r.problem(f"{key}.paper_thickness_mm", f"{read['paper_thickness_mm']} mm is not a "
                  "sheet's thickness; office paper is about 0.1, card 0.3")
    return Printing(**{**read, "copies": max(1, read["copies"])})


def _inks(r: Reader, data: Any, brand: Brand) -> dict[str, tuple[float, float, float, float]]:
    """[brand.cmyk]: each brand colour's inks in percent, e.g. primary = [100, 45, 20, 35]."""
    colours = [name for name, value in vars(brand).items()
               if isinstance(value, str) and COLOUR_RE.match(value)]
    inks = {}
    for name, value in r.table(data, "brand.cmyk", set(colours)).items():
        if (not isinstance(value, list) or len(value) != 4 or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100
                for v in value)):
            r.problem(f"brand.cmyk.{name}", "must be four percentages of ink, cyan, magenta, "
                      "yellow and black, like [100, 45, 20, 35]")
            continue
        inks[name] = tuple(v / 100 for v in value)
    return inks


def _pack(r: Reader, pack_id: str, spec: Any, languages, audiences, forced: dict[str, Any],
          printing: Printing, forced_printing: dict[str, Any], root: Path) -> PackSpec:
    key = f"packs.{pack_id}"
    if not usable_name(pack_id):
        r.problem(key, "pack ids are lower-case letters, digits and hyphens, and not a name "
                  "Windows reserves (con, nul, aux, prn, com1...)")
    spec = r.table(spec, key, toml_keys(PackSpec))
    audience = r.string(spec, "audience", f"{key}.audience")
    if audience and audience not in audiences:
        r.problem(f"{key}.audience", f"no audience '{audience}'{suggest(audience, audiences)}; "
                  f"define it under [audiences.{audience}]")
    documents = spec.get("documents")
    if not isinstance(documents, list) or not documents or not all(
            isinstance(d, str) for d in documents):
        r.problem(f"{key}.documents", "must be a non-empty list of document slugs")
        documents = []
    pack_languages = spec.get("languages", [])
    if not isinstance(pack_languages, list) or not all(lang in languages for lang in pack_languages):
        r.problem(f"{key}.languages", f"must be a list of languages from languages.available "
                  f"({', '.join(languages)})")
        pack_languages = []
    # a pack shows an event only when it is tied to one: the project's [event] is not inherited
    pack_event = read_event(r, r.table(spec.get("event"), f"{key}.event", toml_keys(Event)),
                        f"{key}.event", languages, root)
    own_printing = _printing(r, spec, key, printing)
    return PackSpec(**r.settings(PackSpec, spec, key, given={
        "id": pack_id, "audience": audience, "documents": tuple(documents),
        "event": replace(pack_event, **forced), "languages": tuple(pack_languages),
        "printing": replace(own_printing, **forced_printing)}))


def _email(r: Reader, data: Any) -> Email:
    email = r.table(data, "email", toml_keys(Email))
    smtp = r.table(email.get("smtp"), "email.smtp", toml_keys(Smtp, "password"))
    if "password" in smtp:
        r.problem("email.smtp.password", "never put the password in handoutpack.toml; remove it "
                  "and set it in the environment variable that email.smtp.password_env names "
                  f"(by default {Smtp.password_env})")
    security = r.choice(smtp, "security", "email.smtp.security", SMTP_SECURITY, Smtp.security)
    sending = r.settings(Email, email, "email")
    return Email(**sending, smtp=Smtp(**r.settings(
        Smtp, smtp, "email.smtp", given={"security": security},
        defaults={"port": SMTP_SECURITY[security]})))
