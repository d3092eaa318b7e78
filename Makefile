# Podium: `make run` serves the demo, `make test` runs the suite. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install dev run test lint typecheck format clean test-services bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

run: install
	mkdir -p var
	$(BIN)/podium demo --host $(HOST) --port $(PORT)
	$(BIN)/podium serve --host $(HOST) --port $(PORT)

# the whole suite, behind the strict gates (ruff, mypy strict on src/) that keep it readable
test: lint typecheck test-services
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's Chromium for the browser tests and a Redis server for the multi-process tests:
# installed (as root, with apt-get) and started when missing
test-services:
	./scripts/test-services

# load scenarios against real servers, as ratios to a baseline measured in the same run;
# the table is printed and bench/results/ gets the JSON (docs/performance.md)
bench: dev
	$(BIN)/python -m bench all

lint: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: dev
	$(BIN)/mypy

format: dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
