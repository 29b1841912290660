"""The ambassador and the partners: who presents a pack (its cover, title slides and a contact
page), and the one or two partner logos printed beside the organisation's. Read from
handoutpack.toml, from a profile (`--as profile.toml`) or from the workbench's forms, all through
the same readers, so that every place gives the same messages."""

from __future__ import annotations

import re
import struct
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


from ..errors import HandoutpackError
from ..sources.files import read_head
from .schema import toml_keys

MAX_PARTNERS = 2
LOGO_TYPES = (".svg", ".png")
PHOTO_TYPES = (".png", ".jpg", ".jpeg")
PARTNER_LOGO_MM = (40, 16)
"""The largest box (width, height) the theme prints a partner's logo in, on a cover."""
MIN_PRINT_DPI = 150
"""Fewer pixels per inch than this look blurred on paper."""
MIN_LOGO_PIXELS = -(-MIN_PRINT_DPI * PARTNER_LOGO_MM[0] * 10 // 254)
"""A PNG logo this wide prints sharp whatever its shape (236 pixels): the one figure the page
and every message give."""
PHOTO_MM = 30
"""The presenter's photo on the contact page is this wide and high."""
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ().\-/]{4,24}$")
PROFILE_KEYS = {"presenter", "partners", "event", "workbench"}
"""A profile's tables; [workbench] holds the page's other choices (packs, languages), which a
build from the command line does not read."""
PROFILES_DIR = "profiles"
"""Where the workbench saves ambassadors' profiles, and `check` finds them."""
MAX_PROFILE_BYTES = 100_000


@dataclass(frozen=True)
class Presenter:
    """The person who hands the pack out: printed as 'Presented by …' and on the contact page."""

    name: str
    """Printed after "Presented by"."""
    role: str = ""
    """Their role, e.g. "Social Performance Ambassador"."""
    organisation: str = ""
    """Their own organisation."""
    email: str = ""
    """On the contact page; checked to be an address."""
    phone: str = ""
    """On the contact page, e.g. "+51 1 234 5678"."""
    photo: Path | None = None
    """A PNG or JPEG inside the project, for the contact page (read as its absolute path)."""
    roles: tuple[tuple[str, str], ...] = field(default=(), metadata={"key": False})
    """The role in other languages, (language, text) pairs, read from `role` given as a table
    (`role = { "*" = "Ambassador", fr = "Ambassadrice" }`): `role` is for the others."""

    def in_language(self, lang: str) -> Presenter:
        """The presenter as a page in `lang` prints them: the role in that language."""
        role = dict(self.roles).get(lang)
        return replace(self, role=role, roles=()) if role else self

    @property
    def photo_uri(self) -> str:
        return self.photo.as_uri() if self.photo else ""

    def byline(self) -> str:
        """'Ana Torres, Social Performance Ambassador, Red Ejemplo': what follows 'Presented by'."""
        return ", ".join(filter(None, (self.name, self.role, self.organisation)))


@dataclass(frozen=True)
class Partner:
    """A co-host or sponsor: its name, and its logo (SVG or PNG) inside the project."""

    name: str
    """Printed beside the logo in page footers."""
    logo: Path
    """An SVG, or a PNG with enough pixels to print at 150 dpi, inside the project."""

    @property
    def logo_uri(self) -> str:
        return self.logo.as_uri()


def read_presenter(r, data: Any, key: str, root: Path) -> Presenter | None:
    """A [presenter] table (r is config's reader, which records problems by key)."""
    if data is None:
        return None
    table = r.table(data, key, toml_keys(Presenter))
    if not table:
        return None
    name = r.string(table, "name", f"{key}.name")
    if not name.strip() and "name" in table:
        r.problem(f"{key}.name", "is empty; write the name printed under 'Presented by'",
                  "wb_err_required")
    email = r.string(table, "email", f"{key}.email", "")
    if email:
        # imported here: loading it compiles large patterns, which every command paid for
        from email_validator import EmailNotValidError, validate_email

        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as error:
            r.problem(f"{key}.email", f"'{email}' is not an email address ({error})",
                      "wb_err_email", value=email)
    phone = r.string(table, "phone", f"{key}.phone", "")
    if phone and not PHONE_RE.match(phone):
        r.problem(f"{key}.phone", f"'{phone}' is not a phone number; write digits, spaces and "
                  "an optional leading +, e.g. +33 1 23 45 67 89", "wb_err_phone", value=phone)
    photo = None
    if table.get("photo"):
        photo = r.path(root, table["photo"], f"{key}.photo", file=True)
        if photo and photo.is_file():
            _check_type(r, f"{key}.photo", photo, PHOTO_TYPES, "a photo")
    role, roles = _role(r, table.get("role"), f"{key}.role")
    return Presenter(name=name.strip(), role=role, roles=roles,
                     organisation=r.string(table, "organisation", f"{key}.organisation",
                                           "").strip(),
                     email=email, phone=phone.strip(), photo=photo)


def _role(r, value: Any, key: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A role given once, or per language as a table (`"*"` for every other language)."""
    if value is None:
        return "", ()
    if isinstance(value, dict):
        texts = {lang: text.strip() for lang, text in value.items() if isinstance(text, str)}
        if len(texts) != len(value):
            r.problem(key, "gives a role that is not text; write role = \"...\", or one text "
                      "per language: role = { en = \"...\", fr = \"...\" }")
        return texts.pop("*", ""), tuple(sorted((k, v) for k, v in texts.items() if v))
    if not isinstance(value, str):
        r.problem(key, "must be text, e.g. role = \"Social Performance Ambassador\"")
        return "", ()
    return value.strip(), ()


def read_partners(r, data: Any, key: str, root: Path) -> tuple[Partner, ...]:
    """A list of partners ([[event.partners]]): at most two, each a name and a logo fit to
    print."""
    if data is None:
        return ()
    if not isinstance(data, list):
        r.problem(key, "must be a list of partners, each with a name and a logo")
        return ()
    if len(data) > MAX_PARTNERS:
        r.problem(key, f"has {len(data)} partners; a cover has room for {MAX_PARTNERS}")
    partners = []
    for index, item in enumerate(data[:MAX_PARTNERS]):
        where = f"{key}[{index}]"
        table = r.table(item, where, toml_keys(Partner))
        if not table:
            continue
        name = r.string(table, "name", f"{where}.name").strip()
        logo = r.path(root, table.get("logo"), f"{where}.logo", file=True)
        if logo and logo.is_file() and check_logo(r, f"{where}.logo", logo) and name:
            partners.append(Partner(name, logo))
    return tuple(partners)


def check_logo(r, key: str, path: Path) -> bool:
    """A partner logo is SVG or PNG, and a PNG has pixels enough to print at the theme's size."""
    if not _check_type(r, key, path, LOGO_TYPES, "a logo"):
        return False
    if path.suffix.lower() == ".svg":
        return True
    try:
        width, height = png_size(path)
    except ValueError:
        r.problem(key, f"'{path.name}' is cut short: its PNG header is not whole; export it again",
                  name=path.name)
        return False
    box_w, box_h = PARTNER_LOGO_MM
    printed_mm = min(box_w, box_h * width / height)  # fitted into the box, never stretched
    dpi = width / (printed_mm / 25.4)
    if dpi < MIN_PRINT_DPI:
        figures = {"width": width, "height": height, "mm": f"{printed_mm:.0f}",
                   "dpi": f"{dpi:.0f}", "min_dpi": MIN_PRINT_DPI, "needed": MIN_LOGO_PIXELS}
        r.problem(key, "'{name}' is {width} × {height} pixels: printed {mm} mm wide that is {dpi} "
                  "dpi, too few for print (at least {min_dpi}); use an SVG, or a PNG at least "
                  "{needed} pixels wide".format(name=path.name, **figures), "wb_err_logo_small",
                  name=path.name, width=width, height=height, needed=MIN_LOGO_PIXELS)
        return False
    return True


def check_picture_type(r, path: Path, suffixes: tuple[str, ...], what: str) -> bool:
    """A picture's name and first bytes agree with one of `suffixes` (an upload's check)."""
    return _check_type(r, "picture", path, suffixes, f"a {what}")


def _check_type(r, key: str, path: Path, suffixes: tuple[str, ...], what: str) -> bool:
    """The file's name and its first bytes agree with one of `suffixes`."""
    suffix = path.suffix.lower()
    kinds = " or ".join(s.lstrip(".").upper() for s in dict.fromkeys(
        s.replace(".jpeg", ".jpg") for s in suffixes))
    if suffix not in suffixes:
        r.problem(key, f"'{path.name}' is not {kinds}; save {what} as {kinds}", name=path.name)
        return False
    try:
        head = read_head(key, path, 4096)
    except HandoutpackError as error:
        r.problem(key, f"'{path.name}' {error.problems[0].message}", name=path.name)
        return False
    looks = {".png": head.startswith(b"\x89PNG\r\n\x1a\n"),
             ".jpg": head.startswith(b"\xff\xd8\xff"), ".jpeg": head.startswith(b"\xff\xd8\xff"),
             ".svg": _is_svg(path)}[suffix]
    if not looks:
        r.problem(key, f"'{path.name}' is named {suffix} but is not a"
                  f"{'n' if suffix == '.svg' else ''} {suffix.lstrip('.').upper()} file; export it "
                  f"again as {kinds}", name=path.name)
    return looks


def _is_svg(path: Path) -> bool:
    try:
        return ET.parse(path).getroot().tag.rpartition("}")[2] == "svg"
    except (ET.ParseError, OSError):
        return False


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    header = read_head(path.name, path, 24)
    if len(header) < 24:
        raise ValueError(f"{path.name}: a PNG header is 24 bytes")
    width, height = struct.unpack(">II", header[16:24])
    return max(width, 1), max(height, 1)


# ---------------------------------------------------------------- profiles


def read_profile(path: Path) -> tuple[dict, str]:
    """A profile's TOML data and text; raises HandoutpackError naming the file."""
    from ..sources.files import read_text
    from ..errors import HandoutpackError

    name = path.name
    text = read_text(name, path, "TOML", MAX_PROFILE_BYTES, "a profile is a few lines",
                     'write [presenter] with name = "..." (see docs/email.md)')
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        raise HandoutpackError(f"{error}. Fix the TOML syntax there.", file=name,
                               line=int(line[1]) if line else None) from None


def profile_toml(presenter: dict, partners: list[dict[str, str]], event: dict,
                 choices: dict[str, list[str] | str] | None = None) -> str:
    """What the workbench saves: a profile for `--as`, in the order a person reads it. A text
    may be a table of texts by language ("*": every other language); `choices` are the page's
    other choices, kept in [workbench]."""
    lines = ["# An ambassador's profile: use it with `handoutpack build --as this-file.toml`,",
             "# or open it in the workbench (`handoutpack serve`).", ""]
    for title, table in (("presenter", presenter), ("event", event), ("workbench", choices or {})):
        values = {k: v for k, v in table.items() if v}
        if values:
            lines += [f"[{title}]", *(f"{k} = {_toml_value(v)}" for k, v in values.items()), ""]
    for partner in partners:
        if partner.get("name") or partner.get("logo"):
            lines += ["[[partners]]", *(f"{k} = {_toml_value(v)}" for k, v in partner.items()),
                      ""]
    return "\n".join(lines)


def _toml_value(value: str | list | dict) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_string(k) if k == '*' else k} = {_toml_string(v)}"
                                for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_string(v) for v in value) + "]"
    return _toml_string(value)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m[0]):04x}", escaped)
    return f'"{escaped}"'
