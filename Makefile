# `make dev` and `make test` are all the set-up a fresh machine needs:
# both build .venv first (on Python 3.13, Lambda's runtime, where the machine has it).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON_FOR_VENV := $(shell PYENV_VERSION=3.13.0 python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null || command -v python3)
STAMP := $(VENV)/.installed

.PHONY: install dev test unit integration lint format bench openapi build clean

install: $(STAMP)

$(STAMP): pyproject.toml functions/requirements.txt
	test -x $(BIN)/python || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

dev: $(STAMP)
	$(BIN)/clinic dev

test: $(STAMP)
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python benchmarks/cold_start.py

openapi: $(STAMP)
	$(BIN)/clinic openapi --output openapi.json

# sam resolves `python3.13` through pyenv on machines that manage Pythons with it.
build:
	PYENV_VERSION=3.13.0 sam build

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache .ruff_cache
