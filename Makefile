# Two commands do all set-up on a fresh machine: `make site` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test bench bench-search chromium axe screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,checks]'
	touch $@

## Build the demo site into site/ (strict: any warning fails).
site: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

## Live preview on http://127.0.0.1:8000/
serve: $(STAMP)
	$(VENV)/bin/mkdocs serve

## Run every test, browser tests included (installs Debian's chromium and axe-core if missing).
test: $(STAMP) chromium axe
	$(PY) -m pytest -q

# axe-core 4 from the npm registry for the accessibility tests, injected into pages from this local copy.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@command -v npm >/dev/null || { echo "Installing Debian's npm for axe-core"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q npm; }
	npm install --no-save --no-audit --no-fund --prefix .cache/axe axe-core@4

## PNGs of every generated page kind at 1366, 1280 and 390 px in screenshots/ (builds the demo first).
screenshots: $(STAMP) chromium
	$(PY) scripts/screenshots --out screenshots

# Debian's chromium, and a CJK font so that screenshots and layout checks see real Chinese glyphs.
chromium:
	@{ test -x /usr/bin/chromium && fc-list :lang=zh | grep -q .; } || { \
	  echo "Installing Debian's chromium and a CJK font for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-wqy-microhei; }

## Build benchmark: gongkai against stock mkdocs-material (see scripts/bench --help).
bench: $(STAMP)
	$(PY) scripts/bench

## Search benchmark: gongkai search against Pagefind and mkdocs-material search (needs chromium).
bench-search: $(STAMP) chromium
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) scripts/bench_search

clean:
	rm -rf site $(VENV) .pytest_cache .cache screenshots
