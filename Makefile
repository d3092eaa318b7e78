# Podium: `make run` serves the demo, `make test` runs the suite. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

CHROMIUM := /usr/bin/chromium

.PHONY: install dev run test lint typecheck format clean chromium

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
	$(BIN)/podium demo
	$(BIN)/podium serve --host $(HOST) --port $(PORT)

# the whole suite, behind the strict gates (ruff, mypy strict on src/) that keep it readable
test: lint typecheck chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# the browser tests drive Debian's Chromium (never a browser downloaded by Playwright)
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "make: installing Debian's chromium for the browser tests"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -q chromium >/dev/null 2>&1 || \
				{ apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } || \
				{ echo "make: could not install chromium with apt-get" >&2; exit 1; }; \
		else \
			echo "make: the browser tests need $(CHROMIUM); install it with" \
				"'sudo apt-get install chromium' and run make test again" >&2; \
			exit 1; \
		fi; \
	fi

lint: dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: dev
	$(BIN)/mypy

format: dev
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
