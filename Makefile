# Gridline: `make run` starts the demo, `make test` runs the tests (README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Demo defaults; production sets its own environment (README, "Production").
DEMO_ENV := DJANGO_DEBUG=true

.PHONY: run test lint venv deps-dev messages bench bench-faults clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed.
$(VENV)/.deps: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.deps-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.deps

venv: $(VENV)/.deps

deps-dev: $(VENV)/.deps-dev

run: $(VENV)/.deps
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo "Gridline on http://127.0.0.1:8000/ (Ctrl-C stops the web server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(DEMO_ENV) $(BIN)/celery -A config worker --beat -Q celery,scan --loglevel INFO --concurrency 1 & \
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload; \
	wait

test: $(VENV)/.deps-dev
	$(BIN)/pytest $(PYTEST_ARGS)

# The production environment for the deployment checklist (tests/config/test_deploy_check.py
# uses the same variables); the key is a placeholder of production length, not a secret.
DEPLOY_CHECK_ENV := DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY=deploy-check-placeholder-0123456789-abcdefghij-KLMNOPQRST \
	DJANGO_ALLOWED_HOSTS=gridline.example.com DJANGO_SECURE_COOKIES=true \
	DJANGO_SECURE_SSL_REDIRECT=true DJANGO_SECURE_PROXY_SSL_HEADER=true

lint: $(VENV)/.deps-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .
	DJANGO_SECRET_KEY=lint $(BIN)/python manage.py check
	DJANGO_SECRET_KEY=lint $(BIN)/python manage.py makemigrations --check --dry-run
	env $(DEPLOY_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

# The benchmark (issue #9; bench/run.py): DROPS and refills a database whose name contains
# "bench". `make bench ARGS=--quick` is the 2-minute smoke run.
BENCH_DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/gridline_bench
bench: $(VENV)/.deps
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.run $(ARGS)

# The burst under faults (bench/faults/): its own PostgreSQL and Redis, which it restarts.
bench-faults: $(VENV)/.deps
	$(BIN)/python -m bench.faults --results bench/RESULTS.md $(ARGS)

# Re-extract the UI strings and compile the catalogues (needs GNU gettext).
messages: $(VENV)/.deps-dev
	$(DEMO_ENV) $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf var
