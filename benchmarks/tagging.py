"""What making a render's tags whole costs (pdf/tagging.py: running headers, footers and page
numbers turned into artifacts, links given their print flag), against the WeasyPrint render it
follows, in CPU time (the machine may be shared: CPU time moves less than wall time).

Run `.venv/bin/python benchmarks/tagging.py [--pages 35] [--repeat 5]`. It renders one HTML
document of about --pages pages with a running header and "Page n of m" in its margins, as
the theme's documents have, then times, each the median of --repeat runs:
- the render (weasyprint.HTML(...).write_pdf with tags, as render/engine.py calls it);
- tagging.mended on its bytes, as every render now goes through;
- the same, made to parse every operator of every page (the fallback when the stream's bytes
  cannot be read with certainty), to show what reading the bytes saves.

Measured on 6 December 2026 on a shared 2-core machine (--pages gives about that many; the
text makes more): 57 pages, render 1.685 s, mended 0.048 s (0.84 ms a page, 2.8 % of the
render), operator by operator 0.221 s (13 %).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import weasyprint

from handoutpack.pdf import tagging

PARAGRAPH = "<p>" + "Body text words, as a handout's paragraphs have them. " * 40 + "</p>"
PAGE_STYLE = ("<style>@page { @top-left { content: 'Example Trust' } "
              "@bottom-right { content: 'Page ' counter(page) ' of ' counter(pages) } }</style>")


def cpu(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=35)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    html = PAGE_STYLE + "".join(f"<h2>Section {n}</h2>{PARAGRAPH * 2}"
                                for n in range(options.pages * 8 // 7))
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
    render = cpu(lambda: weasyprint.HTML(string=html).write_pdf(pdf_tags=True), options.repeat)
    mended = cpu(lambda: tagging.mended(pdf), options.repeat)

    original = tagging.MARKED
    tagging.MARKED = re.compile(rb"(?!)")  # never matches: every page parsed
    try:
        parsed = cpu(lambda: tagging.mended(pdf), options.repeat)
    finally:
        tagging.MARKED = original
    pages = len(tagging.read(pdf).pages)
    print(f"{pages} pages, CPU seconds (median of {options.repeat}):")
    print(f"  render              {render:7.3f}")
    print(f"  mended              {mended:7.3f}  {mended / pages * 1000:5.2f} ms/page  "
          f"{mended / render:6.1%} of the render")
    print(f"  operator by operator{parsed:7.3f}  {parsed / pages * 1000:5.2f} ms/page  "
          f"{parsed / render:6.1%} of the render")


if __name__ == "__main__":
    main()
