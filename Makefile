# `make dev` and `make test` are all the set-up a fresh machine needs:
# both build .venv first (on Python 3.13, Lambda's runtime, where the machine has it).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON_FOR_VENV := $(shell PYENV_VERSION=3.13.0 python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null || command -v python3)
STAMP := $(VENV)/.installed
# SAM CLI lives in its own venv: it pins boto3, click and cfn-lint exactly (pyproject's `sam` group).
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_STAMP := $(SAM_VENV)/.installed
# checkov too: it pins boto3 1.35 and packaging 23 (pyproject's `checkov` group).
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

.PHONY: install sam checkov browser dev test unit integration fuzz lint format bench bench-bytecode bench-instructions bench-search bench-publish bench-load bench-site openapi request-schema build validate deploy deploy-site clean

install: $(STAMP)

$(STAMP): pyproject.toml functions/requirements.txt
	test -x $(BIN)/python || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

sam: $(SAM_STAMP)

# A tool's own venv from one pyproject group: $(call tool_venv,VENV,GROUP).
define tool_venv
	test -x $(1)/bin/python || $(PYTHON_FOR_VENV) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade "pip>=25.1"
	$(1)/bin/python -m pip install --quiet --group $(2)
	touch $(1)/.installed
endef

$(SAM_STAMP): pyproject.toml
	$(call tool_venv,$(SAM_VENV),sam)

checkov: $(CHECKOV_STAMP)

$(CHECKOV_STAMP): pyproject.toml
	$(call tool_venv,$(CHECKOV_VENV),checkov)

# Browser tests drive Debian's Chromium headless shell (Playwright's own headless browser,
# half the CPU of chromium --headless); chromium is for looking at pages and `bench-site`.
# Playwright cannot download its own browser here. Without root (or apt-get) this says what
# to install instead of failing.
BROWSER_PACKAGES := chromium-headless-shell chromium
browser:
	@command -v chromium-headless-shell >/dev/null && command -v chromium >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES); \
	else \
		echo "make browser: install Debian's $(BROWSER_PACKAGES) (sudo apt-get install -y $(BROWSER_PACKAGES)) for the browser tests"; \
	fi

# Options go through ARGS: make dev ARGS="--reload --port 3001"
dev: $(STAMP)
	$(BIN)/clinic dev $(ARGS)

# pytest-xdist workers: 2 for a 2-core machine of your own (the unit tests take about a
# third less time); JOBS=0 runs in one process, faster when other work keeps the cores busy.
JOBS ?= 2

# Test runs keep compiled bytecode (pytest's rewritten test modules too) even where the
# environment sets PYTHONDONTWRITEBYTECODE, as container images often do: without it every
# test process and local-stack worker compiles the project's modules again, seconds of CPU
# each. (`sam build` and `clinic dev --reload` leave __pycache__ out; git ignores it.)
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

# The suite runs `sam build`, `sam validate` and `sam local generate-event`.
# loadfile: a module's tests share one worker, so its module fixtures (sam build) run once.
# --no-loadscope-reorder: files are handed out in collection order, the longest first
# (tests/integration/conftest.py), not by test count, which left the one-test fuzz last.
test: $(STAMP) $(SAM_STAMP) $(CHECKOV_STAMP) browser
	$(PYTEST) -n $(JOBS) --dist loadfile --no-loadscope-reorder

# loadfile here too: a file's tests share a worker, so its imports and module fixtures
# are paid once (a tenth less CPU than handing out single tests). Its checkov test needs
# checkov's own venv, which the first run builds (about 30 s).
unit: $(STAMP) $(CHECKOV_STAMP)
	$(PYTEST) tests/unit -n $(JOBS) --dist loadfile

# Starts the local stack in a subprocess; also runs sam build and generate-event.
integration: $(STAMP) $(SAM_STAMP) browser
	$(PYTEST) tests/integration

# Schemathesis against a running `make dev` (schemathesis.toml: every operation, phase and
# check but unsupported_method); `make test` runs the same against its own local stack.
# The staff routes get an admin's token from that stack's pool (moto at AWS=).
API ?= http://127.0.0.1:3000
AWS ?= http://127.0.0.1:5000
fuzz: $(STAMP)
	token=$$(PYTHONPATH=. $(BIN)/python -m tests.fuzz.staff_token $(AWS)) && \
	CLINIC_FUZZ_STAFF_TOKEN=$$token PYTHONPATH=. \
		$(BIN)/schemathesis run $(API)/openapi.json --url $(API) --include-path-regex '^/'

# pyright checks benchmarks/ too, so it needs the bench group's packages.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/pyright --project pyproject.toml

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python benchmarks/cold_start.py

# A cold start from the bundle as Lambda runs it (read-only), with and without its bytecode.
bench-bytecode: $(STAMP)
	$(BIN)/python benchmarks/bytecode.py $(ARGS)

# The CPU work of each cold answer in instructions (valgrind): steady where wall times move.
# Debian's valgrind, as `browser` installs chromium (as root, with apt-get).
bench-instructions: $(STAMP)
	@command -v valgrind >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind; }
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python benchmarks/instructions.py $(ARGS)

# The index's size and a cold first search at 1,000 and 10,000 articles against a baseline
# revision (about 5 minutes); ARGS=--engines: tantivy against SQLite FTS5 (about 2 minutes).
bench-search: $(STAMP)
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python benchmarks/search.py $(ARGS)

# clinic publish at 1,000 and 10,000 articles: full, unchanged, incremental; S3 calls.
bench-publish: $(STAMP)
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python benchmarks/publish.py $(ARGS)

# 8 clients for 30 s against the local stack (an article, a search, the form).
bench-load: $(STAMP)
	$(BIN)/python benchmarks/load.py $(ARGS)

# Bytes per page and time to the article's text in Chromium, on the local stack.
bench-site: $(STAMP) browser
	$(BIN)/python benchmarks/site.py $(ARGS)

openapi: $(STAMP)
	$(BIN)/clinic openapi --output openapi.json

# The request's schema as AppointmentsFunction checks it, from schemas.AppointmentRequest:
# run after changing the model (a unit test says when the file is not the model's).
request-schema: $(STAMP)
	$(BIN)/clinic openapi --request-schema --output functions/clinic_api/appointments/request_schema.json

# sam resolves `python3.13` through pyenv on machines that manage Pythons with it.
build: $(SAM_STAMP)
	PYENV_VERSION=3.13.0 $(SAM) build

# The template as CloudFormation and cfn-lint read it (samconfig.toml sets lint = true).
validate: $(SAM_STAMP)
	$(SAM) validate --lint

# Deploy with the same SAM CLI (the first time `make deploy ARGS=--guided`), then the
# site: an unchanged stack is no failure, so an edit to site/ alone still deploys.
# STACK: the stack sam deploys (samconfig.toml's stack_name, unless --guided chose another).
STACK ?= clinic-backend
deploy: build $(STAMP)
	$(SAM) deploy --no-fail-on-empty-changeset $(ARGS)
	$(MAKE) deploy-site

# site/ only: render it for the stack, upload what changed, invalidate it at the edge.
deploy-site: $(STAMP)
	$(BIN)/clinic site deploy --stack $(STACK)

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam .pytest_cache .ruff_cache
