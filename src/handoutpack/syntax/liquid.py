"""Jekyll's Liquid that says only where on the site a path is, read without running it: a site's
root before a path (`{{ page.root }}/fig/chart.png`, `{{ site.baseurl }}/about/`, `{{
relative_root_path }}/reference.html`, as Carpentries lessons write links and images), a path
through `relative_url` or `absolute_url` (`{{ '/docs/posts/' | relative_url }}`, as Jekyll's own
documentation links its pages) and `{% link _docs/posts.md %}` leave the path from the site's
root, `/docs/posts/`, which handoutpack reads from the project (or [paths] site_root) as such
paths always are, and links to the website when no file matches. `{% highlight ruby %}` ...
`{% endhighlight %}` is a code block in that language, and `{% comment %}` ... `{% endcomment %}`
is left out, as on the site. Other Liquid is Jinja's to run, or to refuse naming the system it
looks like (dialects.py)."""

from __future__ import annotations

import re

from .prose import Notes, Page, code_block, replace_outside_code, replace_pairs

SITE_ROOT = re.compile(r"(?:\{\{-?\s*(?:page\.root|site\.baseurl|site\.url|relative_root_path)"
                       r"\s*-?\}\})+(?=/)")
URL_FILTER = re.compile(r"""\{\{-?\s*(?P<quote>['"])(?P<path>[^'"\n{}]*)(?P=quote)\s*\|\s*"""
                        r"(?:relative_url|absolute_url)\s*-?\}\}")
LINK_TAG = re.compile(r"\{%-?\s*link\s+(?P<path>[^\s%{}]+)\s*-?%\}")
HIGHLIGHT = re.compile(r"\{%-?\s*highlight\s+(?P<lang>[\w+#.-]+)[^%\n]*-?%\}\n?")
END_HIGHLIGHT = re.compile(r"\n?[ \t]*\{%-?\s*endhighlight\s*-?%\}")
COMMENT = re.compile(r"\{%-?\s*comment\s*-?%\}")
END_COMMENT = re.compile(r"\{%-?\s*endcomment\s*-?%\}")


def convert(text: str, page: Page, notes: Notes) -> str:
    if "{{" not in text and "{%" not in text:
        return text
    if "highlight" in text:  # (each pass looks for code: only when its syntax is there)
        text = replace_pairs(HIGHLIGHT, END_HIGHLIGHT,
                             lambda tag, code, end: code_block(code, tag["lang"]), text)
    if "comment" in text:
        text = replace_pairs(COMMENT, END_COMMENT,
                             lambda tag, inner, end: "\n" * inner.count("\n"), text)
    if "{{" in text:
        text = replace_outside_code(SITE_ROOT, lambda match: "", text)
        text = replace_outside_code(URL_FILTER, lambda match: match["path"], text)
    if "link" in text:
        text = replace_outside_code(LINK_TAG, lambda match: "/" + match["path"].lstrip("/"), text)
    return text
