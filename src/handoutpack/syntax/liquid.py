"""Jekyll's Liquid that says only where the site starts, read without running it: a site's root
before a path (`{{ page.root }}/fig/chart.png`, `{{ site.baseurl }}/about/`, `{{ relative_root_path
}}/reference.html`, as Carpentries lessons and Jekyll sites write links and images) leaves the
path from the site's root, `/fig/chart.png`, which handoutpack reads from the project (or
[paths] site_root) as such paths always are, and links to the website when no file matches.
Other Liquid is Jinja's to run, or to refuse naming the system it looks like (dialects.py)."""

from __future__ import annotations

import re

from .prose import Notes, Page, replace_outside_code

SITE_ROOT = re.compile(r"(?:\{\{-?\s*(?:page\.root|site\.baseurl|site\.url|relative_root_path)"
                       r"\s*-?\}\})+(?=/)")


def convert(text: str, page: Page, notes: Notes) -> str:
    if "{{" not in text:
        return text
    return replace_outside_code(SITE_ROOT, lambda match: "", text)
