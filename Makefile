# Build / CI entry points. Every target is idempotent.
#   make venv   create .venv and install the project with the dev extra
#   make run    development server on http://127.0.0.1:5000 (seeded demo data)
#   make test   system packages + npm test tools (axe-core) + PostgreSQL + Redis + pytest on 2 workers  (PYTEST_ARGS="-k foo -x",
#               PYTEST_WORKERS=1 for one process)
#   make lint   ruff, mypy, import-linter
#   make bench  run every bench/*.py
#   make rush   the registration rush in the production shape against pgbench: one table
#               (bench/rush_all.py; RUSH_ARGS="--count 3000 --workers 4")
#   make clean  remove SQLite files and build artefacts (keeps .venv)

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test
.DELETE_ON_ERROR:

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)

DATABASE_URL_TEST ?= postgresql://postgres@127.0.0.1:5432/test
export DATABASE_URL_TEST
PYTEST_ARGS ?=
# The suite runs on this many worker processes (each test takes the next free one).
PYTEST_WORKERS ?= 2

.PHONY: venv run test lint bench rush clean

venv: $(STAMP)

$(PY):
	@test -n "$(PYTHON)" || { echo "make: no python3.11/python3 found" >&2; exit 1; }
	"$(PYTHON)" -m venv $(VENV)

# Reinstalls only when pyproject.toml changes (or the stamp is missing).
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

run: venv
	$(PY) -m registration.devserver

test: venv
	bash scripts/setup-system.sh
	bash scripts/setup-node.sh
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-redis.sh
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy domain registration
	$(VENV)/bin/lint-imports

bench: venv
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "bench: no bench/*.py scripts"; exit 0; fi; \
	for s in "$${scripts[@]}"; do echo "== $$s"; $(PY) "$$s"; done

RUSH_ARGS ?=
rush: venv
	bash scripts/ensure-postgres.sh
	$(PY) bench/rush_all.py $(RUSH_ARGS)

clean:
	rm -f instance/*.sqlite instance/*.sqlite-* instance/*.sqlite3 instance/*.sqlite3-*
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache bench/out
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
