# Two commands do everything on a fresh machine with Python 3 and make:
#   make book   - set up .venv, validate the framework, build the web book into _build/html
#   make test   - set up .venv (with test extras and Debian's chromium), run the test suite
#   make lite   - the book with its in-browser Python console (JupyterLite) in _build/html/lite
#                 (needs npm; serve it over HTTP: python -m http.server -d _build/html)
# Other targets: make validate, make bench, make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip

.PHONY: book test validate bench browser lite lite-site npm clean help
.DEFAULT_GOAL := help

help:
	@echo "make book   - build the web book into _build/html (set-up included)"
	@echo "make test   - run the tests (set-up included)"
	@echo "make lite   - the book plus its in-browser Python console (needs npm)"
	@echo "make bench  - run the benchmarks and write benchmarks/results.json"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# One stamp per set of extras, redone when pyproject.toml changes.
$(VENV)/.stamp-%: pyproject.toml setup.py | $(BIN)/python
	$(PIP) install --quiet -e '.[$*]'
	@touch $@

validate: $(VENV)/.stamp-book
	$(BIN)/socioaffective validate

book: $(VENV)/.stamp-book validate
	rm -rf _build/html
	$(BIN)/jupyter-book build --all --warningiserror --nitpick --keep-going .
	@echo "The book is in _build/html/index.html"

# Browser tests need Debian's chromium; as root we install it, otherwise say how.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || exit 1; \
	else \
	  echo "note: /usr/bin/chromium is missing; the browser tests will fail. Install it: sudo apt-get install -y chromium"; \
	fi

# The lite console's build tools, exactly as lite/pins.toml pins them.
$(VENV)/.stamp-lite: lite/pins.toml | $(BIN)/python
	$(BIN)/python lite/build.py requirements > $(VENV)/lite-requirements.txt
	$(PIP) install --quiet -r $(VENV)/lite-requirements.txt
	@touch $@

# npm fetches Pyodide's core for the lite console; as root we install it, otherwise say how.
npm:
	@if command -v npm >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's npm for the lite console"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) || exit 1; \
	else \
	  echo "note: npm is missing; the lite console cannot be built. Install it: sudo apt-get install -y npm"; \
	fi

# The console alone, into _build/lite; `make lite` then builds the book with it
# (the book copies it into _build/html/lite and links to it).
lite-site: $(VENV)/.stamp-book $(VENV)/.stamp-lite npm
	$(BIN)/python lite/build.py build --output-dir _build/lite

lite: lite-site
	SOCIOAFFECTIVE_LITE_DIR=_build/lite $(MAKE) book
	@echo "Serve the book with its console: $(BIN)/python -m http.server -d _build/html"

test: $(VENV)/.stamp-test $(VENV)/.stamp-lite browser npm
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.stamp-bench browser
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf _build .pytest_cache .cache/lite
