# Two commands: `make run` (set up, load the demo, start everything) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -name '*.sql' -o -name '*.yml' -not -path '*/target/*' 2>/dev/null)

.PHONY: setup run demo up test test-fast bench lint clean screenshots

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required (found %s); set PYTHON=python3.11" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

# dbt's manifest must exist before Dagster loads the dbt assets outside `dagster dev`
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir . --project-dir .
	@touch $(MANIFEST)

setup: $(STAMP) $(MANIFEST)

run: setup
	$(BIN)/civic demo --if-empty
	$(BIN)/civic up

demo: setup
	$(BIN)/civic demo

up: setup
	$(BIN)/civic up

test: setup lint
	$(BIN)/pytest

test-fast: setup
	$(BIN)/pytest -m "not slow"

# the query API's load figures need wrk (HTTP) beside pgbench and psql (PostgreSQL's)
bench: setup
	@command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; } \
	  || echo "wrk could not be installed: the query API's load figures will be skipped"
	$(BIN)/python -m bench

# the portal's catalogue, a dataset page and the dashboard (desktop and phone) as PNGs, from
# the browser tests on their own test data: look at them before calling a page done
screenshots: setup
	CIVIC_SCREENSHOTS_DIR=$(CURDIR)/var/screenshots $(BIN)/pytest tests/api/test_portal_browser.py tests/civic_assets/report/test_transparency_report.py -m slow -q -p no:cacheprovider
	@ls $(CURDIR)/var/screenshots/*.png

# ruff, the type checker and the import contracts of ../shared/ARCHITECTURE.md; all three
# run and report before the target fails
lint: $(STAMP)
	@status=0; \
	echo "ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "mypy"; $(BIN)/mypy || status=1; \
	echo "lint-imports"; $(BIN)/lint-imports --no-logo || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs var
