# compliant-scraper: every set-up step lives here, so a fresh machine needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-deps test lint typecheck pytest demo bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,cluster]"
	touch $(STAMP)

lint: install
	$(BIN)/ruff check compliant_scraper tests bench
	$(BIN)/ruff format --check compliant_scraper tests bench

typecheck: install
	$(BIN)/mypy

# redis-server and PostgreSQL from Debian's packages, for the cluster tests (idempotent).
system-deps:
	.ci/system-deps

pytest: install system-deps
	$(BIN)/pytest -q

test: lint typecheck pytest

demo: install
	$(BIN)/python -m compliant_scraper.demo demo-output

bench: install
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
