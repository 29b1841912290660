"""What a build tells as it goes: why each thing is made again, how far it is, and the counts
for the summary. Kept apart from the stages that report to it, so that a command can make a
reporter without loading them."""

from __future__ import annotations

from collections.abc import Callable

Log = Callable[[str], None]


class Reporter:
    """Hears what a build does: why each thing is made again (for -v), progress (for a
    terminal), and the counts for the summary."""

    def __init__(self, log: Log = lambda message: None,
                 progress: Callable[[int, int, str], None] = lambda done, total, doing: None):
        self.log = log
        self.progress = progress
        self.rendered: list[str] = []
        self.reused = 0
        self.assembled: list[str] = []
        self.total = self.done = 0
        self.jobs = 0
        """The document renders the build needed, made or reused."""
        self.notes: list[str] = []
        """What a user should know about the build, though nothing is wrong."""

    def expect(self, count: int) -> None:
        self.total += count

    def did(self, kind: str, name: str, reason: str) -> None:
        (self.rendered if kind == "rendered" else self.assembled).append(name)
        self.done += 1
        self.log(f"{kind} {name}: {reason}")
        self.progress(self.done, self.total, name)

    def absorb(self, heard: tuple[list[str], int, list[str]]) -> None:
        """Count and tell what a worker's reporter heard: (rendered, reused, messages)."""
        rendered, reused, messages = heard
        self.rendered += rendered
        self.reused += reused
        for message in messages:
            self.log(message)
