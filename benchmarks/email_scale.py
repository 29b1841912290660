"""How handoutpack's email holds up at 5,000 recipients: memory, outbox size, and whether each
message costs the same at the end of the list as at its start.

Run `make bench` (or `.venv/bin/python benchmarks/email_scale.py --people 5000`). It copies the
sample toolkit into a temporary folder, builds the media pack (not timed), writes a list of N
people in English, French and Spanish, starts an SMTP server (aiosmtpd) on loopback in a process
of its own that notes when each message arrives and keeps nothing, then runs, each as a fresh
process the way a user does:

- `handoutpack email media --to list.csv` (the dry run: every message made, the first in each
  language written as .eml): its time, peak memory and the outbox's size;
- `handoutpack email media --to list.csv --send --pace 0`: its time, the peak memory of all its
  processes together (proportional set size) and the server's, the outbox's size, and the time
  per message over the first 100 messages against the last 100 (from the server's clock);
- the same command again: everybody has the pack, nothing is sent.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import REPO, Time, Watch, copy_sample, machine, timed  # noqa: E402

PACK = "media"
LANGS = ("en", "fr", "es")
WINDOW = 100
"""Messages at the start and at the end of the run whose pace is compared."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "LOG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        return sink(int(args.sink[0]), Path(args.sink[1]))
    with tempfile.TemporaryDirectory(prefix="handoutpack-bench-") as temp:
        lines = run(Path(temp), args.people)
    print(machine())
    print("\n".join(lines))


def run(temp: Path, people: int) -> list[str]:
    port = free_port()
    project = sample_project(temp / "project", port)
    listing = write_list(temp / "list.csv", people)
    handoutpack = [sys.executable, "-m", "handoutpack", "--project", str(project)]
    timed([*handoutpack, "build", PACK, "-q"])
    outbox = project / "build/outbox" / PACK
    email = [*handoutpack, "email", PACK, "--to", str(listing), "-q"]
    dry = timed(email)
    dry_size = folder_size(outbox)
    arrivals = temp / "arrivals.txt"
    server = subprocess.Popen([sys.executable, __file__, "--sink", str(port), str(arrivals)])
    try:
        wait_for(port)
        server_watch = Watch(server.pid)
        server_watch.start()
        sent = timed([*email, "--send", "--pace", "0"])
        again = timed([*email, "--send", "--pace", "0"])
    finally:
        server.terminate()
        server.wait()
    times = [float(line) for line in arrivals.read_text().split()]
    if len(times) != people:
        sys.exit(f"the server got {len(times)} messages, not {people}")
    return report(people, dry, dry_size, sent, folder_size(outbox), again, server_watch.peak,
                  times)


def report(people: int, dry: Time, dry_size: int, sent: Time, sent_size: int, again: Time,
           server_peak: int, times: list[float]) -> list[str]:
    first = (times[WINDOW] - times[0]) / WINDOW
    last = (times[-1] - times[-WINDOW - 1]) / WINDOW
    mib = 2 ** 20
    return [
        "| what | wall s | CPU s | peak MiB | outbox MiB |", "|---|---:|---:|---:|---:|",
        f"| `email {PACK}` (dry run), {people:,} people | {dry.wall:.1f} | {dry.cpu:.1f} | "
        f"{dry.peak / mib:.0f} | {dry_size / mib:.2f} |",
        f"| `email {PACK} --send`, {people:,} people | {sent.wall:.1f} | {sent.cpu:.1f} | "
        f"{sent.peak / mib:.0f} | {sent_size / mib:.2f} |",
        f"| the same again: everybody has it | {again.wall:.1f} | {again.cpu:.1f} | "
        f"{again.peak / mib:.0f} | |",
        "",
        f"SMTP server (aiosmtpd, its own process): peak {server_peak / mib:.0f} MiB.",
        f"Time per message: first {WINDOW} {first * 1000:.1f} ms, last {WINDOW} "
        f"{last * 1000:.1f} ms (last/first {last / first:.2f}); all {people:,}: "
        f"{(times[-1] - times[0]) / (people - 1) * 1000:.1f} ms.",
    ]


def sample_project(target: Path, port: int) -> Path:
    """The sample, its messages, and its mail server on loopback without a password."""
    project = copy_sample(target)
    (project / "emails").mkdir()
    for path in (REPO / "emails").glob(f"{PACK}.*.md"):
        (project / "emails" / path.name).write_bytes(path.read_bytes())
    config = project / "handoutpack.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("[email.smtp]")
    end = text.index("\n[", start + 1)
    config.write_text(text[:start] + f'[email.smtp]\nhost = "127.0.0.1"\nport = {port}\n'
                      'security = "none"\n' + text[end:], encoding="utf-8")
    return project


def write_list(path: Path, people: int) -> Path:
    rows = [f"reader{i}@example.org,Reader {i},{LANGS[i % 3]},The Example Times {i % 50}"
            for i in range(people)]
    path.write_text("email,name,language,outlet\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"the SMTP server did not start on port {port}")


def sink(port: int, log: Path) -> None:
    """An SMTP server that notes when each message arrives, and keeps nothing of it."""
    import signal

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.out = log.open("a", buffering=1)

        async def handle_DATA(self, server, session, envelope):
            self.out.write(f"{time.time():.6f}\n")
            return "250 OK"

    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # before the server's thread starts
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait(stop)
    controller.stop()


if __name__ == "__main__":
    main()
