# sammachip — see README.md. Every target sets up what it needs (venv, packages) first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/sammachip
PYTEST_ARGS ?=
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadfile
BENCH_ARGS ?=

# The lock: every package, transitive ones and the build backend included, pinned with hashes.
# requirements.txt is production's (pyproject.toml's dependencies), requirements-dev.txt adds the
# dev extra; `make lock` regenerates both from pyproject.toml (LOCK_ARGS=--upgrade to move pins).
LOCK := requirements-dev.txt
PIP_TOOLS := $(VENV)/pip-tools
LOCK_ARGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(PIP_TOOLS)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --build-deps-for=editable \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)

.PHONY: run test test-postgres test-browser lint format bench deploy-check migrate demo clean lock

$(STAMP): $(LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	touch $(STAMP)

# pip-tools lives in its own virtualenv (inside .venv, so `make clean` removes it), not among the
# project's packages.
lock:
	test -x $(PIP_TOOLS)/bin/pip-compile || $(PYTHON) -m venv $(PIP_TOOLS)
	test -x $(PIP_TOOLS)/bin/pip-compile || $(PIP_TOOLS)/bin/pip install --quiet pip-tools==7.6.2
	$(PIP_COMPILE) --output-file requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --output-file requirements-dev.txt pyproject.toml

migrate: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py load_geography --province 40
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

# The server and the background job worker (manage.py db_worker) together; Ctrl-C stops both.
run: demo
	@echo "เปิด http://$(HOST):$(PORT)/ — ระบบเจ้าหน้าที่ http://$(HOST):$(PORT)/admin/"
	DJANGO_DEBUG=1 $(PY) deploy/run-dev.py $(HOST):$(PORT)

# Two workers (pytest-xdist), each test file whole on one (tests/conftest.py); TEST_WORKERS=0
# runs in one process. HYPOTHESIS_PROFILE=ci replays every fuzz example (.ci/run does).
test: $(STAMP)
	$(PY) -m pytest -m "not browser" $(XDIST) $(PYTEST_ARGS)

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not browser" $(XDIST) $(PYTEST_ARGS)

# Browser tests drive Debian's chromium (/usr/bin/chromium) through Playwright; .ci/run installs it.
test-browser: $(STAMP)
	SAMMACHIP_REQUIRE_BROWSER=1 $(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every bench/*.py, gathered into one table (printed and written to docs/benchmarks.md).
# The load test needs PostgreSQL (PG_URL's server) and wrk (apt-get install wrk).
bench: $(STAMP)
	PG_URL=$(PG_URL) $(PY) bench/run.py $(BENCH_ARGS)

# Production configuration: collectstatic with the manifest storage, gunicorn settings, JSON
# logs, the nginx site (when nginx is installed), the backup scripts' syntax, check --deploy.
deploy-check: $(STAMP)
	bash -n deploy/backup.sh
	bash -n deploy/restore.sh
	$(PY) -m pytest -q tests/deploy/test_config.py tests/sammachip/test_settings.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts .hypothesis
