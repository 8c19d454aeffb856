# briefing — set-up, lint and test entry points.
#   make test     fresh machine (as root, no stdin) -> system deps, venv, lint, pytest
#   make build    runtime system deps, venv, then `briefing $(BRIEFING_BUILD)`

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
export PIP_NO_INPUT := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The `briefing` subcommand `make build` runs. Switch to `build` once rendering
# exists (or override: `make build BRIEFING_BUILD=build`).
BRIEFING_BUILD ?= build
BRIEFING_ARGS  ?=
PYTEST_ARGS    ?=

.PHONY: venv build system-deps-runtime system-deps-test npm-deps test-deps lint test clean

# --- Python environment -------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-run only when pyproject.toml is newer than the stamp.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

venv: $(VENV)/.installed

# --- system and npm tools -----------------------------------------------------

system-deps-runtime:
	bash scripts/system-deps.sh runtime

system-deps-test:
	bash scripts/system-deps.sh test

npm-deps: system-deps-test
	bash scripts/npm-deps.sh

# --- entry points -------------------------------------------------------------

build: system-deps-runtime venv
	$(BIN)/briefing $(BRIEFING_BUILD) $(BRIEFING_ARGS)

test-deps: system-deps-test $(VENV)/.installed-test npm-deps

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

test: test-deps lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) tools/node_modules .pytest_cache .mypy_cache .ruff_cache *.egg-info
	find . -name __pycache__ -type d -not -path './.git/*' -prune -exec rm -rf {} +
