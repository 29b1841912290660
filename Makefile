# Set-up and everyday commands. `make build` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test test-fast docs check bench clean system-deps

build: $(STAMP)
	$(BIN)/handoutpack build

# Every test, on both cores (pytest-xdist): before landing, and in CI.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

# The quick loop while working (under a minute): everything but the tests marked slow (the full
# sample build, the browser, killed builds, attack cases and most real builds; tests/conftest.py
# says which stay as representatives), on both cores.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

# The documentation site (docs/, mkdocs.yml) into site/; --strict: a broken link or anchor fails.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

bench: $(STAMP)
	$(BIN)/python benchmarks/build_speed.py --repeat 5
	$(BIN)/python benchmarks/preview_speed.py --repeat 5
	$(BIN)/python benchmarks/personal_packs.py --people 1000 --jobs 2
	$(BIN)/python benchmarks/email_scale.py --people 5000

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# WeasyPrint needs Pango (on every Debian with Python); HarfBuzz's subsetter makes it 2-8x faster
# and its output reproducible; poppler-utils turns PDFs into PNGs for looking at pages; qpdf checks
# the structure of the PDFs the tests make; the tests drive Debian's Chromium through Playwright
# (whose own browser download is not used); fonts-noto-color-emoji prints emoji in colour
# (WeasyPrint draws its bitmaps) instead of as their names; ghostscript brings the freely
# licensed CMYK profile print files are made for (libgs-common), and its inkcov device measures
# ink in the tests. gettext's msgfmt checks the translation files as Poedit and Weblate do; the
# Noto fonts set Arabic, Devanagari and CJK documents (fonts-noto-core, 42 MB installed: Arabic,
# Devanagari and most scripts; fonts-noto-cjk, 91 MB: Chinese, Japanese, Korean).
# Installed only when missing and only where we may (root, Debian).
system-deps:
	@missing=$$(for p in libpango-1.0-0 libharfbuzz-subset0 poppler-utils qpdf chromium \
		fonts-noto-color-emoji ghostscript gettext fonts-noto-core fonts-noto-cjk; do \
		dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Note: please install $$missing (Debian packages): faster, reproducible PDFs; browser tests."; \
		fi; \
	fi

clean:
	rm -rf build site .venv
