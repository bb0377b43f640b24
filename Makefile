# Two commands set up a fresh machine: `make site` (install, validate, generate, build the
# website) and `make test` (the whole suite). Everything runs from .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EFFDIFF := $(BIN)/effdiff
# Quiets mkdocs-material's end-of-life banner in build logs.
export NO_MKDOCS_2_WARNING := 1

SITE_SOURCE := build/site-source
# npm ci writes this file last; the test-only JavaScript (axe-core) is installed when it is
# older than package-lock.json.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: install node-deps schema validate readme bib site site-source site-zensical test lint check bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the package with pinned dependencies

# Without npm the accessibility tests skip (under CI=true they fail instead).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --quiet; \
	else echo "npm not found: the accessibility tests will skip (apt-get install nodejs npm)"; fi

node-deps: $(NODE_STAMP)  ## Install axe-core for the accessibility tests (npm ci)

schema: install  ## Regenerate the record JSON Schema from the models
	$(EFFDIFF) schema --output schema/record.schema.json

validate: install  ## Check every record
	$(EFFDIFF) validate

readme: install  ## Regenerate the paper list inside README.md
	$(EFFDIFF) readme

site: install schema validate readme  ## Validate, regenerate everything, build the website into site/
	$(BIN)/mkdocs build --strict -d site

site-source: install  ## Write the website's sources into build/site-source (for engines without plugins)
	$(EFFDIFF) site-source --out $(SITE_SOURCE)

site-zensical: site-source  ## Build the same website with Zensical, into build/site-source/site
	cd $(SITE_SOURCE) && $(abspath $(BIN))/zensical build --strict --clean

test: install node-deps  ## Run the whole test suite
	$(BIN)/python -m pytest -q -n 2

lint: install  ## ruff and mypy over the package, its tests and its benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/mypy tests/browser/*.py

check: lint validate site test  ## What CI runs (and the pre-commit hooks, workflow linters)
	$(EFFDIFF) readme --check
	$(BIN)/actionlint
	$(BIN)/zizmor --offline --min-severity medium .github/workflows

bench: install  ## Benchmarks (not part of the test suite)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_checker.py
	$(BIN)/python benchmarks/bench_site.py --papers 10000

clean:
	rm -rf site build .pytest_cache .mypy_cache .ruff_cache
