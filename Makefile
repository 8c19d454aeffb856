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
# The lock (requirements/*.txt, made by uv from pyproject.toml; see README): every Python
# package at an exact version with its hashes. pip installs from it with --no-deps, so
# nothing outside the lock can slip in. pip itself is pinned here.
PIP_VERSION := 26.3
UV_VERSION  := 0.13.8
LOCK_RUNTIME := requirements/requirements-runtime.txt
LOCK_TEST    := requirements/requirements-test.txt
export PIP_NO_INPUT := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The `briefing` subcommand `make build` runs. Switch to `build` once rendering
# exists (or override: `make build BRIEFING_BUILD=build`).
BRIEFING_BUILD ?= build
BRIEFING_ARGS  ?=
PYTEST_ARGS    ?=

.PHONY: venv build system-deps-runtime system-deps-test npm-deps test-deps lint test clean \
	lock test-latest

# --- Python environment -------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-run only when the lock or pyproject.toml is newer than the stamp. pip-sync's job
# (removing what the lock no longer lists) is done by `make clean`.
$(VENV)/.installed: $(LOCK_RUNTIME) pyproject.toml | $(BIN)/python
	$(PIP) install pip==$(PIP_VERSION)
	$(PIP) install --require-hashes --no-deps -r $(LOCK_RUNTIME)
	$(PIP) install --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(LOCK_TEST) $(VENV)/.installed
	$(PIP) install --require-hashes --no-deps -r $(LOCK_TEST)
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

# Refresh the lock to the newest versions pyproject.toml allows (then run `make test`
# and commit requirements/ on its own). uv lives in its own venv, outside the lock.
lock:
	test -x .venv-lock/bin/uv || { $(PYTHON) -m venv .venv-lock && \
		.venv-lock/bin/python -m pip install uv==$(UV_VERSION); }
	.venv-lock/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes \
		--upgrade --extra test pyproject.toml -o $(LOCK_TEST)
	.venv-lock/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes \
		--constraints $(LOCK_TEST) pyproject.toml -o $(LOCK_RUNTIME)

# Drift on purpose: the newest versions pyproject.toml allows, in a venv of their own,
# against the whole suite. Not part of CI; run it before `make lock`.
test-latest: test-deps
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --upgrade pip
	.venv-latest/bin/python -m pip install --upgrade -e '.[test]'
	.venv-latest/bin/python -m pip freeze --exclude-editable > .venv-latest/freeze.txt
	BRIEFING_UNLOCKED=1 .venv-latest/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .venv-latest .venv-lock tools/node_modules .pytest_cache .mypy_cache .ruff_cache *.egg-info
	find . -name __pycache__ -type d -not -path './.git/*' -prune -exec rm -rf {} +
