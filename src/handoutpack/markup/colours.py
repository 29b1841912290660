"""The theme's colours: the brand's two colours and the greys and tints around them, with the
text colours derived so that every text colour pair the theme prints is readable (WCAG 2
contrast: 4.5:1 for text, 3:1 for large bold text)."""

from __future__ import annotations

from dataclasses import dataclass

from ..project.settings import Brand
from ..store.memos import memo

NORMAL_TEXT = 4.5
LARGE_TEXT = 3.0
"""WCAG AA: text of 18.66 px (14 pt) bold or 24 px (18 pt) and larger may be 3:1."""

FIXED = {
    "ink": "#1f2a30",              # body text
    "ink-soft": "#3a4a52",         # summaries, quotations
    "muted": "#56666e",            # running heads, footers, captions, URLs
    "paper": "#ffffff",
    "page-bg": "#f5f3ef",          # the download page behind its cards
    "tint-primary": "#eef4f6",     # callouts
    "stripe": "#f5f8f9",           # every other table row
    "tint-accent": "#fdf3e3",      # fallback notes
    "tint-neutral": "#f5f5f5",     # instructor notes and spoilers (lesson material)
    "highlight": "#fff8ec",        # the download page's "everything" line
    "on-primary": "#ffffff",       # text on the brand colour
    "on-primary-soft": "#d7e6ec",  # quieter text on the brand colour
    "on-primary-muted": "#9fc2d1", # slide numbers on section slides
    "on-badge": "#ffffff",         # a link's number in its badge
    "fallback-text": "#8a5a12",    # "in English" in a pack's contents
}
"""The theme's own colours; the brand's come from handoutpack.toml."""


@dataclass(frozen=True)
class Pair:
    """A text colour the theme prints on a background (both names in the palette)."""

    text: str
    background: str
    large: bool = False
    """Only ever set large and bold, where 3:1 is enough."""


TEXT_PAIRS = (
    *(Pair("ink", bg) for bg in ("paper", "tint-primary", "stripe", "tint-accent", "page-bg",
                                 "tint-neutral")),
    *(Pair("ink-soft", bg) for bg in ("paper", "tint-primary")),
    *(Pair("muted", bg) for bg in ("paper", "page-bg", "highlight", "stripe")),
    *(Pair("primary", bg) for bg in ("paper", "tint-primary", "stripe", "page-bg")),
    *(Pair("accent-text", bg) for bg in ("paper", "tint-accent", "stripe")),
    Pair("on-badge", "badge"),
    *(Pair(text, "primary") for text in ("on-primary", "on-primary-soft", "on-primary-muted",
                                         "accent-on-primary")),
    Pair("fallback-text", "tint-accent"),
)
"""Every text colour pair the templates and styles use. Styles name colours only through the
palette's custom properties (var(--muted)...), so this is the whole list."""


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _mix(colour: str, towards: str, share: float) -> str:
    start = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    end = [int(towards[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(s + (e - s) * share):02x}" for s, e in zip(start, end))


def readable(colour: str, backgrounds: list[str], towards: str, ratio: float = NORMAL_TEXT) -> str:
    """`colour`, or the nearest shade of it mixed towards `towards` (black or white) that reaches
    `ratio` against every one of `backgrounds`: the brand's hue, legible."""
    for step in range(101):
        shade = _mix(colour, towards, step / 100)
        if all(contrast(shade, bg) >= ratio for bg in backgrounds):
            return shade
    return towards


def palette(brand: Brand) -> dict[str, str]:
    """Every colour the theme uses, by name, for this brand."""
    return dict(_palette(brand.primary.lower(), brand.accent.lower()))


@memo("inputs")  # by the two colours: a Brand may hold tables ([brand.cmyk]), which do not hash
def _palette(brand_primary: str, brand_accent: str) -> tuple[tuple[str, str], ...]:
    colours = dict(FIXED)
    light = [colours[n] for n in ("paper", "tint-primary", "stripe", "page-bg", "tint-accent")]
    # the brand colour carries white text (bands, table heads) and is a text colour on paper
    primary = readable(brand_primary, [*light, colours["on-primary-soft"]], "#000000")
    colours["primary"] = primary
    colours["accent"] = brand_accent  # rules and bars: not text
    colours["accent-text"] = readable(colours["accent"], light, "#000000")
    colours["badge"] = readable(colours["accent"], [colours["on-badge"]], "#000000")
    colours["accent-on-primary"] = readable(colours["accent"], [primary], "#ffffff")
    for name in ("on-primary-muted",):  # a theme grey that a lighter brand colour may need paler
        colours[name] = readable(colours[name], [primary], "#ffffff")
    return tuple(colours.items())


def css_variables(brand: Brand) -> str:
    """The palette as CSS custom properties, for a :root rule."""
    return " ".join(f"--{name}: {value};" for name, value in palette(brand).items())


def failures(brand: Brand) -> list[str]:
    """The text pairs below their WCAG ratio for this brand, e.g. 'accent-text on paper: 2.3:1'."""
    colours = palette(brand)
    found = []
    for pair in TEXT_PAIRS:
        ratio = contrast(colours[pair.text], colours[pair.background])
        if ratio < (LARGE_TEXT if pair.large else NORMAL_TEXT):
            found.append(f"{pair.text} on {pair.background}: {ratio:.2f}:1")
    return found
