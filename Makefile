# Two commands do all set-up on a fresh machine: `make site` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test bench bench-search chromium clean

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

## Run every test, browser tests included (installs Debian's chromium if missing).
test: $(STAMP) chromium
	$(PY) -m pytest -q

# Debian's chromium, and a CJK font so that screenshots and layout checks see real Chinese glyphs.
chromium:
	@{ test -x /usr/bin/chromium && fc-list :lang=zh | grep -q .; } || { \
	  echo "Installing Debian's chromium and a CJK font for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-wqy-microhei; }

## Build benchmark: every gongkai plugin against stock mkdocs-material and its search (see scripts/bench --help).
bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) scripts/bench

## Search benchmark: gongkai search against Pagefind and mkdocs-material search (needs chromium).
bench-search: $(STAMP) chromium
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) scripts/bench_search

clean:
	rm -rf site $(VENV) .pytest_cache
