# ofsted-kg: `make demo` builds a knowledge graph of the example letters; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= ofsted-kg.db

.PHONY: demo test check setup setup-test system-deps lint docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test system-deps

# Java runs HermiT (OWL reasoning); Chromium runs the page tests; Virtuoso (Debian's server build,
# no system service) is the second real SPARQL store the cross-backend tests run on. Installed only
# when missing; where Virtuoso cannot be installed its tests skip, saying so.
system-deps:
	@command -v java >/dev/null 2>&1 || { echo "installing a Java runtime for HermiT" >&2; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "installing Chromium for the page tests" >&2; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v virtuoso-t >/dev/null 2>&1 || { echo "installing Virtuoso for the cross-backend tests" >&2; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null; } \
	  || echo "warning: virtuoso-opensource-7-bin could not be installed; the Virtuoso tests will say why they skip" >&2; }

demo: setup
	$(BIN)/ofsted-kg --store $(STORE) ingest examples/letters
	$(BIN)/ofsted-kg --store $(STORE) query select_inspections --format table
	$(BIN)/ofsted-kg --store $(STORE) export --format turtle -o ofsted-kg.ttl
	@echo "store: $(STORE)   turtle: ofsted-kg.ttl" >&2

# Lint, format and type checks first: CI (.ci/run -> make test) enforces them with the tests.
test: setup-test check
	$(BIN)/python -m pytest -q

check: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lint: check

docs: setup
	$(BIN)/python -m tools.devtools all

bench: setup-test
	$(BIN)/python benchmarks/real_pdfs.py

clean:
	rm -rf $(VENV) build dist *.egg-info $(STORE) ofsted-kg.ttl
