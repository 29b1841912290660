"""How fast handoutpack personalises a pack for a long list, against the cover renders alone.

Run `make bench` (or `.venv/bin/python benchmarks/personal_packs.py --people 1000`). It copies
the sample toolkit into a temporary folder, builds the media pack once (not timed), writes a
list of N people in English, French and Spanish, then times, each as a fresh process:

- the yardstick: WeasyPrint rendering the N personalised covers and nothing else, on --jobs
  processes (handoutpack's renderer, the same HTML), writing each cover PDF;
- `handoutpack build media --for list.csv --jobs J`: every person's whole pack, with their cover,
  written to build/personal/;
- the same for a list a quarter as long, to show that memory does not grow with the list;
- the same command again: nothing to do, nobody's pack is made twice.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import REPO, Row, Time, copy_sample, machine, table, timed  # noqa: E402

PACK = "media"
LANGS = ("en", "fr", "es")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handoutpack-bench-") as temp:
        rows = run(Path(temp), args.people, args.jobs)
    print(machine())
    print(table(rows))


def run(temp: Path, people: int, jobs: int) -> list[Row]:
    project = copy_sample(temp / "project")
    (project / "profiles").mkdir()
    (project / "logos").mkdir()
    for name in ("profiles/example-ambassador.toml", "logos/example-network.svg",
                 "logos/example-fund.svg"):
        (project / name).write_bytes((REPO / name).read_bytes())
    profile = project / "profiles/example-ambassador.toml"
    build = [sys.executable, "-m", "handoutpack", "--project", str(project), "build", PACK,
             "-q", "--as", str(profile), "--jobs", str(jobs)]
    timed(build)  # the pack and its documents, once: what personal packs are made from
    lists = {count: write_list(temp / f"list-{count}.csv", count)
             for count in (people // 4, people)}
    covers = temp / "covers"
    yardstick = covers_alone(project, profile, lists[people], covers, jobs)
    rows = [Row(f"WeasyPrint alone: {people} personalised covers, {jobs} processes", yardstick,
                baseline=True)]
    for count in (people // 4, people):
        clear(project)
        rows.append(Row(f"handoutpack build {PACK} --for: {count} personalised packs, "
                        f"--jobs {jobs}", timed([*build, "--for", str(lists[count])])))
    rows.append(Row(f"the same again ({people}): nothing to make",
                    timed([*build, "--for", str(lists[people])])))
    size = sum(p.stat().st_size for p in (project / "build/personal").rglob("*.pdf"))
    rows[-2].note = f"{size / people / 1e3:.0f} kB a pack"
    return rows


def write_list(path: Path, count: int) -> Path:
    lines = ["email,name,language,outlet"]
    for number in range(count):
        lines.append(f"reporter{number:05}@example.org,Reporter {number:05},"
                     f"{LANGS[number % len(LANGS)]},Example Outlet {number % 97:02}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clear(project: Path) -> None:
    for path in sorted((project / "build/personal").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()


def covers_alone(project: Path, profile: Path, people: Path, out: Path, jobs: int) -> Time:
    """The personalised covers' HTML, saved; then a fresh process renders them on `jobs`
    processes with handoutpack's renderer and writes each PDF: the work no personalising can
    avoid."""
    from handoutpack.project import loader
    from handoutpack.distribute import personalise
    from handoutpack.distribute.recipients import read_recipients

    loaded = loader.load(project, profile=profile)
    recipients, _ = read_recipients(people, loaded.langs)
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for index, recipient in enumerate(recipients):
        path = out / f"{index:05}.html"
        path.write_text(personalise.cover_html(loaded.theme, loaded.packs[PACK], recipient.lang,
                                               personalise.recipient_line(recipient)),
                        encoding="utf-8")
        saved.append((str(path), recipient.lang))
    script = textwrap.dedent(f"""
        from functools import partial
        from pathlib import Path
        from handoutpack.project import loader
        from handoutpack.render.pool import Pool
        from handoutpack.render.stage import make_renderer

        def render(renderer, item):
            html, lang = item
            pdf = renderer.render(Path(html).read_text(), Path({str(project)!r}), "cover", lang).pdf
            Path(html + ".pdf").write_bytes(pdf)

        if __name__ == "__main__":
            project = loader.load(Path({str(project)!r}), profile=Path({str(profile)!r}))
            with Pool(partial(make_renderer, project.render_settings), {jobs}) as pool:
                for _ in pool.run(render, {saved!r}):
                    pass
    """)
    script_path = out / "render_covers.py"
    script_path.write_text(script, encoding="utf-8")
    return timed([sys.executable, str(script_path)])


if __name__ == "__main__":
    main()
