"""The benchmark scripts still run: each once, on a small project of the sample's shape, with
the least work its options allow. Nothing here is timed (how fast is `make bench`'s business):
what fails is a script that no longer follows the code it measures (a module moved, a function
that takes a slice now), which nothing else would notice until someone runs `make bench`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, invoke

pytestmark = pytest.mark.slow

BENCHMARKS = REPO / "benchmarks"
DOCUMENT = "case-for-investors"
"""The handout the benchmarks edit (build_speed.EDITED_HANDOUT, preview_speed.HANDOUT)."""
SMALL_PACK = f"""
[packs.media]
title = {{ en = "Media Pack", fr = "Dossier de presse", es = "Carpeta de prensa", pt = "Kit de imprensa", ar = "الملف الصحفي" }}
audience = "media"
documents = ["{DOCUMENT}"]
"""


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory) -> Path:
    """The sample with one handout in its five languages, in one pack named as the sample's
    media pack (the one personal_packs.py and email_scale.py build)."""
    root = tmp_path_factory.mktemp("small-sample")
    for part in ("templates", "styles", "translations"):
        shutil.copytree(REPO / part, root / part)
    for source in (REPO / "content/handouts").glob(f"{DOCUMENT}.*.md"):
        target = root / "content/handouts" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    config = (REPO / "handoutpack.toml").read_text(encoding="utf-8")
    config = re.sub(r"\n\[packs\.[a-z-]+\].*", "", config, flags=re.S)  # the packs come last
    (root / "handoutpack.toml").write_text(config + SMALL_PACK, encoding="utf-8")
    assert invoke(root, "check").exit_code == 0
    return root


def run_benchmark(sample: Path, script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True,
        env={**os.environ, "HANDOUTPACK_BENCH_SAMPLE": str(sample)}, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_build_speed_measures_every_row_and_says_each_target(small_sample):
    shown = run_benchmark(small_sample, "build_speed.py", "--repeat", "1", "--jobs", "2")
    rows = [line for line in shown.splitlines() if line.startswith("| ") and "---" not in line]
    assert any("cold full build, --jobs 2" in row for row in rows)
    assert any("one English handout edited" in row and "renders, which WeasyPrint" in row
               for row in rows)
    assert re.search(r"\| the sample's packs \(size\) \|.*5 packs, \d+ pages", shown)
    targets = re.findall(r"^- (pass|MISS): ", shown, re.M)
    assert len(targets) == 6, shown


def test_preview_speed_times_a_save_shown_in_the_browser(small_sample):
    shown = run_benchmark(small_sample, "preview_speed.py", "--repeat", "1")
    assert re.search(r"shown in the open preview \d+\.\d\d s after the save", shown)
    assert re.search(r"Target: shown within its render \+ 0\.3 s: \+ -?\d", shown)


def test_personal_packs_makes_each_persons_pack(small_sample):
    shown = run_benchmark(small_sample, "personal_packs.py", "--people", "8", "--jobs", "1")
    assert "| handoutpack build media --for: 8 personalised packs" in shown
    assert re.search(r"\| the same again \(8\): nothing to make \| \d", shown)


def test_email_scale_sends_to_everyone_on_the_list(small_sample):
    shown = run_benchmark(small_sample, "email_scale.py", "--people", "210")
    assert "`email media --send`, 210 people" in shown
    assert "Time per message: first 100" in shown


def test_the_pdf_operations_and_tagging_benchmarks_run(small_sample, tmp_path):
    project = tmp_path / "built"
    shutil.copytree(small_sample, project)
    assert invoke(project, "build", "-q").exit_code == 0
    shown = run_benchmark(small_sample, "pdf_ops.py", str(project / "build/en"), "--repeat", "1")
    assert "| the real booklet of the biggest, creep and marks | — |" in shown
    shown = run_benchmark(small_sample, "tagging.py", "--pages", "2", "--repeat", "1")
    assert re.search(r"mended", shown)
    shown = run_benchmark(small_sample, "proof_reading.py", str(project / "build/fr"),
                          "--every", "1")
    assert re.search(r"\d+ files, [1-9]\d* pages, 0 differ", shown), shown
