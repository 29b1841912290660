"""Print: `check --print` is a build that writes nothing: every pack made as the print shop gets
it, read back by the preflight."""

from __future__ import annotations

from dataclasses import replace

from ..build import make
from ..errors import Problem
from ..project.config import Project
from ..store.lock import build_lock


def check_print(project: Project, documents: dict) -> list[Problem]:
    """Every pack made print-ready (PDF/X-4 unless the config names another variant) and the
    documents as they are built, read back by the preflight, screen files' images too. Nothing
    is written but the build's cache, which the next build reuses."""
    packs = {pack_id: replace(spec, printing=replace(spec.printing, print_ready=True))
             for pack_id, spec in project.packs.items()}
    with build_lock(project.build_dir):
        made = make(replace(project, packs=packs), documents)
    return list(dict.fromkeys(made.warnings + made.print_warnings(screen_images=True)))
