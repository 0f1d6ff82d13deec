# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
export MOTCUA_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test lint typecheck imports i18n pytest messages clean bench bench-quick bench-documents lock

$(STAMP): pyproject.toml
	@# WeasyPrint (the signed PDFs) needs Pango and HarfBuzz's subsetter from the system.
	@{ ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset; } || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq $(SYSTEM_LIBS) >/dev/null; \
		else echo "Install first: apt-get install $(SYSTEM_LIBS)"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

## Run the platform on SQLite with the Hà Nội demo data at http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/motcua demo

## Quality gates, then the whole suite (set DATABASE_URL to run it on PostgreSQL)
test: lint typecheck imports i18n pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests tools bench

typecheck: $(STAMP)
	$(BIN)/mypy src/motcua/core src/motcua/identity src/motcua/catalog src/motcua/dossiers \
		src/motcua/documents src/motcua/payments src/motcua/feedback src/motcua/surveys \
		src/motcua/reporting src/motcua/plans src/motcua/opendata src/motcua/datacatalog src/motcua/ckan \
		src/motcua/waitroom

imports: $(STAMP)
	$(BIN)/lint-imports

i18n: $(STAMP)
	$(BIN)/python tools/check_translations.py

pytest: $(STAMP)
	$(BIN)/python -m pytest -n $${PYTEST_WORKERS:-auto} --cov --cov-report=term:skip-covered -q

## The benchmark suite (docs/benchmarks.md): its own PostgreSQL and Redis, 5 million dossiers,
## every scenario next to its baseline; the table, and bench/results/latest.json
bench: $(STAMP)
	$(BIN)/python -m bench.run

## The same in a few minutes on small data (CI's smoke test; no thresholds): bench/results/quick.json
bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

## What a signed document costs: render, sign, verify, each beside a baseline (docs/documents.md)
bench-documents: $(STAMP)
	$(BIN)/python -m bench.documents

## Re-extract translatable strings into the English catalogue (needs gettext's xgettext)
messages: $(STAMP)
	cd src/motcua && ../../$(BIN)/motcua makemessages -l en --no-location --no-obsolete \
		--ignore 'tests/*'
	$(BIN)/python tools/check_translations.py --compile

## Re-pin the production install (docs/production.md): every runtime and production
## dependency at one version, with its hashes, in requirements/production.txt
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --generate-hashes --extra production --strip-extras \
		--no-emit-find-links --no-emit-index-url --output-file requirements/production.txt \
		pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
