"""A profile's files (a partner's logo, the presenter's photo) and the config's (the
organisation's logo, a CMYK profile) are read as content files are: regular files inside the
project. A named pipe, a folder or a cut-short PNG is an error naming the key, from build and
check alike, never a hang, a traceback or a partner silently left off."""

from __future__ import annotations

import os
import struct
import zlib

import pytest

from conftest import MINIMAL_CONFIG, invoke
from test_attacks import run

PROFILE = """\
[presenter]
name = "Ana Torres"
{photo}
[[partners]]
name = "Example Fund"
logo = "{logo}"
"""


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    rows = b"".join(b"\0" + b"\xff" * width * 3 for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def project(make_project):
    return make_project({"logos/good.png": png(400, 160)})


def profile(project, logo: str = "logos/good.png", photo: str = "") -> str:
    path = project / "profiles/ana.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(PROFILE.format(logo=logo, photo=f'photo = "{photo}"\n' if photo else ""),
                    encoding="utf-8")
    return str(path)


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX's")


@pytest.mark.slow
@needs_fifo
@pytest.mark.parametrize("command", [["build", "-q"], ["check"]])
@pytest.mark.parametrize("key", ["logo", "photo"])
def test_a_named_pipe_in_a_profile_is_refused(project, command, key):
    os.mkfifo(project / "logos/pipe.png")
    given = {"logo": "logos/pipe.png"} if key == "logo" else {"photo": "logos/pipe.png"}
    result = run(project, *command, "--as", profile(project, **given), timeout=120)
    said = result.stdout + result.stderr
    assert result.returncode == (2 if command[0] == "build" else 1), said
    named = "partners[0].logo" if key == "logo" else "presenter.photo"
    assert named in said and "is not a regular file (a named pipe" in said
    assert "Traceback" not in said
    assert not (project / "build/en/starter.pdf").exists()


@pytest.mark.slow
@needs_fifo
def test_a_named_pipe_as_the_organisation_s_logo_is_refused(project):
    os.mkfifo(project / "logos/pipe.svg")
    config = project / "handoutpack.toml"
    config.write_text(MINIMAL_CONFIG.replace('name = "Example Trust"',
                                             'name = "Example Trust"\nlogo = "logos/pipe.svg"'))
    result = run(project, "check", timeout=120)
    assert result.returncode == 1 and "org.logo" in result.stdout
    assert "is not a regular file" in result.stdout


@pytest.mark.parametrize("logo, says", [
    ("logos", "is a folder; name a file in it"),
    ("logos/cut.png", "is cut short"),
])
def test_a_partner_logo_that_is_no_file_is_an_error_not_a_missing_partner(project, logo, says):
    (project / "logos/cut.png").write_bytes(png(400, 160)[:16])
    result = invoke(project, "check", "--as", profile(project, logo=logo))
    assert result.exit_code == 1, result.output
    assert "partners[0].logo" in result.stdout and says in result.stdout
    assert "Traceback" not in result.output


def test_a_good_partner_logo_still_passes(project):
    result = invoke(project, "check", "--as", profile(project))
    assert "partners" not in result.output, result.output


@needs_fifo
def test_check_reads_the_profiles_the_workbench_keeps(project):
    """Without --as, check reads every profile in profiles/ as build --as would."""
    os.mkfifo(project / "logos/pipe.png")
    profile(project, logo="logos/pipe.png")
    result = run(project, "check", timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ana.toml" in result.stdout and "partners[0].logo" in result.stdout
    assert "is not a regular file" in result.stdout
