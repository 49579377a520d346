# The two commands of the README: `make run` and `make test`. Each creates .venv, installs what
# it needs and migrates; nothing else has to be run first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate lint format clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

run: migrate
	DEBUG=1 $(PY) manage.py seed_demo
	@# The demo's first signed checkpoint, for /public/checkpoints/; not fatal (a var/ left
	@# from another database is reported rolled back, and the server still starts).
	-DEBUG=1 $(PY) manage.py make_checkpoint
	@echo ""
	@echo "双随机、一公开 监管平台: http://$(HOST):$(PORT)/"
	@echo ""
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite on SQLite; the PostgreSQL pass and the browser tests run from .ci/run.
test: install-dev
	$(PY) -m pytest -m "not browser" -p no:cacheprovider

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var/test-*
