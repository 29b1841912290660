"""CMYK for print files: the printing condition's ICC profile, the brand's colours in CMYK, and
RGB colours and images converted through littleCMS (Pillow's ImageCms)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

from PIL import Image, ImageCms

from ..errors import HandoutpackError
from ..project.parts import Press
from ..store.memos import memo

DEBIAN_CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
"""Ghostscript's 'Artifex CMYK SWOP Profile' (AGPL-3+, Debian's libgs-common, which ghostscript
installs): a characterisation of SWOP coated web offset, freely licensed, unlike the ECI's and
IDEAlliance's FOGRA39 and GRACoL profiles, which may not be redistributed."""
CMYK = tuple[float, float, float, float]
"""Ink coverage 0..1 for cyan, magenta, yellow and black."""


@dataclass(frozen=True)
class Profile:
    """The CMYK output profile: the printing condition every colour is converted for."""

    data: bytes
    description: str
    shown: str
    """Where it came from, for messages and the job ticket."""

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def load_profile(path: Path | None, shown: str = "") -> Profile:
    """The ICC profile at `path` (the Debian one when None), which must be a CMYK output
    profile."""
    path = path or DEBIAN_CMYK_PROFILE
    shown = shown or str(path)
    try:
        data = path.read_bytes()
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    except FileNotFoundError:
        raise HandoutpackError(
            "no CMYK colour profile there; install Debian's ghostscript (its "
            "libgs-common holds the profile) or set print.cmyk_profile in handoutpack.toml to "
            "the ICC profile your print shop gives you", file=shown) from None
    except (OSError, ImageCms.PyCMSError) as error:
        raise HandoutpackError(f"not an ICC profile littleCMS can read ({error})",
                               file=shown) from None
    if profile.xcolor_space.strip() != "CMYK" or profile.device_class != "prtr":
        raise HandoutpackError(
            f"is a {profile.xcolor_space.strip()} {profile.device_class} profile; print "
            "files need a CMYK output (printer) profile, such as the one your print shop gives "
            "you", file=shown)
    return Profile(data, (profile.profile_description or path.stem).strip(), shown)


@dataclass(frozen=True)
class BrandInk:
    """A brand colour as printed: its RGB for screens and its CMYK for paper."""

    name: str
    rgb: str
    cmyk: CMYK
    converted: bool
    """True when converted through the profile; False when the config gives it in CMYK."""

    def report(self, profile: Profile) -> str:
        how = (f"converted through {profile.description}; give brand.cmyk.{self.name} in "
               "handoutpack.toml to choose the inks yourself" if self.converted
               else "as brand.cmyk gives it")
        return f"brand.{self.name} {self.rgb} prints as {percentages(self.cmyk)} ({how})"


def percentages(cmyk: CMYK) -> str:
    return " ".join(f"{ink} {round(value * 100)}%" for ink, value in zip("CMYK", cmyk))


def brand_colours(brand) -> dict[str, str]:
    """Every colour of the brand (theme colours included), by field name: '#rrggbb'."""
    return {f.name: getattr(brand, f.name) for f in fields(brand)
            if isinstance(getattr(brand, f.name), str) and getattr(brand, f.name).startswith("#")}


def rgb_bytes(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 255, value & 255


class Inks:
    """Converts RGB (and Lab) to the profile's CMYK: the brand's colours as configured or
    converted once, neutral greys to black ink alone (so text and rules print with one plate,
    never blurred by registration), everything else through littleCMS, once per colour."""

    def __init__(self, profile: Profile, brand: dict[str, str], given: dict[str, CMYK]):
        self.profile = profile
        self._cache: dict[tuple[int, int, int], CMYK] = {}
        self.brand = [BrandInk(name, colour, given[name] if name in given else
                               self._through_profile(rgb_bytes(colour)), name not in given)
                      for name, colour in brand.items()]
        for ink in self.brand:
            self._cache[rgb_bytes(ink.rgb)] = ink.cmyk

    @property
    def key(self) -> str:
        """What changes the bytes of converted files, for the cache."""
        return f"profile={self.profile.digest} brand={[(i.rgb, i.cmyk) for i in self.brand]}"

    @cached_property
    def _transform(self):
        return ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(self.profile.data)),
            "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)

    @cached_property
    def _lab_transform(self):
        return ImageCms.buildTransform(
            ImageCms.createProfile("LAB"), ImageCms.ImageCmsProfile(io.BytesIO(self.profile.data)),
            "LAB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)

    def rgb(self, red: float, green: float, blue: float) -> CMYK:
        """An RGB colour (components 0..1) in CMYK."""
        key = tuple(min(255, max(0, round(c * 255))) for c in (red, green, blue))
        if key not in self._cache:
            if key[0] == key[1] == key[2]:
                self._cache[key] = (0.0, 0.0, 0.0, round(1 - key[0] / 255, 4))
            else:
                self._cache[key] = self._through_profile(key)
        return self._cache[key]

    def lab(self, lightness: float, a: float, b: float) -> CMYK:
        pixel = Image.new("LAB", (1, 1), (round(lightness * 2.55), round(a) + 128, round(b) + 128))
        return _cmyk(ImageCms.applyTransform(pixel, self._lab_transform).getpixel((0, 0)))

    def image(self, image: Image.Image) -> Image.Image:
        """An RGB image in CMYK (photos through the profile, pixel by pixel)."""
        return ImageCms.applyTransform(image.convert("RGB"), self._transform)

    def _through_profile(self, rgb: tuple[int, int, int]) -> CMYK:
        pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), self._transform)
        return _cmyk(pixel.getpixel((0, 0)))


def _cmyk(pixel) -> CMYK:
    return tuple(round(value / 255, 4) for value in pixel)


def inks_for(press: Press) -> Inks:
    """The Inks files are printed with: the print shop's profile (print.cmyk_profile, else
    Debian's) and the brand's colours; made once a process for the same profile file (by its
    date and size too) and colours."""
    path = press.cmyk_profile or DEBIAN_CMYK_PROFILE
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, 0)  # load_profile says what is wrong
    shown = str(press.cmyk_profile.relative_to(press.root)) if press.cmyk_profile else ""
    return _inks(press.cmyk_profile, shown, stamp, tuple(brand_colours(press.brand).items()),
                 tuple(sorted(press.brand.cmyk.items())))


@memo("inputs", maxsize=8)  # `stamp`: the profile's date and size, so an edited one is read again
def _inks(profile: Path | None, shown: str, stamp: tuple[int, int],
          colours: tuple[tuple[str, str], ...], given: tuple[tuple[str, CMYK], ...]) -> Inks:
    return Inks(load_profile(profile, shown), dict(colours), dict(given))
