# sammachip — see README.md. Every target sets up what it needs (venv, packages) first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/sammachip
PYTEST_ARGS ?=

.PHONY: run test test-postgres test-browser lint format bench migrate demo clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

migrate: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py load_geography --province 40
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

run: demo
	@echo "เปิด http://$(HOST):$(PORT)/ — ระบบเจ้าหน้าที่ http://$(HOST):$(PORT)/admin/"
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# Browser tests drive Debian's chromium (/usr/bin/chromium) through Playwright; .ci/run installs it.
test-browser: $(STAMP)
	SAMMACHIP_REQUIRE_BROWSER=1 $(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	@echo "No benchmarks yet: they arrive with the search, Excel and deployment issues."

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
