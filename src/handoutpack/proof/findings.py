"""What the proof reports: one Finding per thing to change, where it is (file, page, box), and
the report as text or JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .layout import Box

WHAT_EACH_FINDS = {
    # the checks by name, as findings and docs/proof.md name them
    "safe-area": "text or images within 5 mm of the trim or of a booklet's fold",
    "overlap": "a box over another (a logo over text, text over text)",
    "margin": "text past the margin of its column",
    "first-line": "a line broken after its first word although the next word fits",
    "title-last-line": "a heading or title whose last line holds one word",
    "hyphen": "a hyphen leaving fewer than three letters on one side",
    "empty-page": "a page with ink on fewer than 20 % of its text area's rows",
    "slide-space": "a slide whose lower part stands empty",
    "line-length": "body lines longer than 80 characters",
    "bidi": "a left-to-right run printed in another order than the source in a right-to-left page",
    "frame-language": "words of the default language in the frame of another language's pack",
    "font": "a font outside the brand's set",
    "binding": "a booklet bound on the wrong side for its language's direction",
    "qr-place": "a QR code beside another paragraph than the link it serves",
}


def short(text: str, length: int = 40) -> str:
    """`text` cut to `length` characters for a message."""
    return text if len(text) <= length else text[:length - 1] + "…"


@dataclass(frozen=True)
class Finding:
    check: str
    """One of WHAT_EACH_FINDS' names."""
    file: str
    """The PDF, relative to the folder proofed."""
    page: int
    message: str
    """What is wrong, with what the page shows."""
    fix: str
    """What to change."""
    box: Box | None = None
    """Where on the page (points from the top left), to mark on the contact sheet."""

    def __str__(self) -> str:
        return f"{self.file}: page {self.page}: {self.check}: {self.message}; {self.fix}"

    def as_json(self) -> dict:
        data = asdict(self)
        data["box"] = self.box.rounded() if self.box else None
        return data


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    pages: int = 0
    variants: list[str] = field(default_factory=list)
    seconds: float = 0.0
    """CPU time the proof took (building and reading), user and system."""

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    def as_json(self) -> dict:
        return {"ok": not self.findings, "files": self.files, "pages": self.pages,
                "variants": self.variants, "cpu_seconds": round(self.seconds, 1),
                "findings": [f.as_json() for f in self.findings]}

    def text(self) -> list[str]:
        lines = [str(f) for f in self.findings]
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.check] = counts.get(finding.check, 0) + 1
        summary = ", ".join(f"{n} {check}" for check, n in sorted(counts.items()))
        lines.append(f"Proofed {self.pages} pages in {self.files} files"
                     + (f" ({', '.join(self.variants)})" if self.variants else "")
                     + f" in {self.seconds:.0f} s of CPU: "
                     + (f"{len(self.findings)} findings ({summary})" if self.findings
                        else "nothing to change"))
        return lines
