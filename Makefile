# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MOTCUA_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test lint typecheck imports i18n pytest messages clean bench bench-quick

$(STAMP): pyproject.toml
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
	$(BIN)/mypy src/motcua/core src/motcua/identity src/motcua/catalog src/motcua/dossiers

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

## Re-extract translatable strings into the English catalogue (needs gettext's xgettext)
messages: $(STAMP)
	cd src/motcua && ../../$(BIN)/motcua makemessages -l en --no-location --no-obsolete \
		--ignore 'tests/*'
	$(BIN)/python tools/check_translations.py --compile

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
