# Two commands do all set-up on a fresh machine: `make site` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: a11y-results site serve test test-fast fuzz bench bench-search bench-import chromium nginx axe screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,checks,import]'
	touch $@

## Build the demo site into site/ (strict: any warning fails).
site: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

## Live preview on http://127.0.0.1:8000/
serve: $(STAMP)
	$(VENV)/bin/mkdocs serve

## Run every test, browser tests included (installs Debian's chromium, nginx and axe-core if missing), one pytest
## worker per core (pytest-xdist); a test file stays on one worker, its module fixtures are built once.
## TEST_JOBS=0 runs in one process.
TEST_JOBS ?= auto
test: $(STAMP) chromium nginx axe
	$(PY) -m pytest -q -n $(TEST_JOBS) --dist loadfile

## The fast loop: every test but the browser tests and the full site builds (seconds).
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not build and not browser"

## Fuzz test: 10,000 generated hostile inputs (2,000 per target: front matter, catalog, 年报 and 网站年度报表 YAML,
## Markdown bodies) with fresh random seeds; prints how many were rejected and how many ended in a traceback or hung.
fuzz: $(STAMP)
	@seed=$${FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; echo "fuzz seed $$seed (FUZZ_SEED=$$seed make fuzz repeats this run)"; \
	GONGKAI_FUZZ_PROFILE=fuzz $(PY) -m pytest -q -s -p no:cacheprovider --hypothesis-seed=$$seed tests/test_fuzz.py

# axe-core 4 from the npm registry for the accessibility tests, injected into pages from this local copy.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@command -v npm >/dev/null || { echo "Installing Debian's npm for axe-core"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q npm; }
	npm install --no-save --no-audit --no-fund --prefix .cache/axe axe-core@4

## Measure every page kind in the browser and write content/wzasm/results.json, the 无障碍声明's measured results.
a11y-results: $(STAMP) chromium axe
	GONGKAI_WRITE_A11Y_RESULTS=1 $(PY) -m pytest -q tests/test_eldercare_browser.py

## PNGs of every generated page kind at 1366, 1280 and 390 px in screenshots/ (builds the demo first).
screenshots: $(STAMP) chromium
	$(PY) scripts/screenshots --out screenshots

# Debian's chromium, and a CJK font so that screenshots and layout checks see real Chinese glyphs.
chromium:
	@{ test -x /usr/bin/chromium && fc-list :lang=zh | grep -q .; } || { \
	  echo "Installing Debian's chromium and a CJK font for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-wqy-microhei; }

# Debian's nginx with its brotli modules (and openssl for a test certificate), to check gongkai/deploy/nginx.conf (nginx -t) and serve the demo through it;
# rsync and brotli, which the CI files' steps use when tests/test_deploy_ci.py runs them.
nginx:
	@{ test -x /usr/sbin/nginx && test -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so && command -v openssl >/dev/null \
	   && command -v rsync >/dev/null && command -v brotli >/dev/null; } || { \
	  echo "Installing Debian's nginx and its brotli modules for the deploy tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q nginx \
	    libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static openssl rsync brotli; }

## Build benchmark: every gongkai plugin against stock mkdocs-material and its search (see scripts/bench --help).
bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) scripts/bench

## Search benchmark: gongkai search against Pagefind and mkdocs-material search (needs chromium).
bench-search: $(STAMP) chromium
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) scripts/bench_search --judgments

## Import benchmark: `gongkai import` of 1,000 saved pages into a copy of the demo (see scripts/bench_import --help).
bench-import: $(STAMP)
	$(PY) scripts/bench_import

clean:
	rm -rf site $(VENV) .pytest_cache .cache screenshots
