# Shouhou: the two commands are `make demo` (set up and run on SQLite with demo data) and
# `make test` (every test, lint included). Everything installs into ./.venv.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The README's commands run on a developer's machine: DEBUG on, development keys. Without it the
# settings are production (DEBUG off; SECRET_KEY and CUSTOMER_LINK_SECRET required).
export DJANGO_ENV ?= development

.PHONY: install demo run test test-fast test-browser lint types types-baseline format bench messages jobs check-deploy clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

## make demo: migrate, seed the demo organisation, print the login, run the server
demo: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Shouhou is running at http://$(HOST):$(PORT)/"
	@echo "  Log in as: manager / demo12345   (other demo users: clerk, desk, finance,"
	@echo "  callcentre, tech1, merchant1; admin / demo12345 for /admin/)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

run: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: lint, then every test (browser tests too when Debian's chromium is installed)
test: install lint
	$(BIN)/pytest -q -n auto

test-fast: install
	$(BIN)/pytest -q -m "not browser"

test-browser: install
	$(BIN)/pytest -q -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory types

## make types: mypy (strict on core and workdays); errors not in mypy-baseline.txt fail, and so
## does a baseline entry that is fixed (run `make types-baseline` to shrink the file then)
types: install
	$(BIN)/mypy --no-error-summary | $(BIN)/mypy-baseline filter --no-colors

types-baseline: install
	$(BIN)/mypy --no-error-summary | $(BIN)/mypy-baseline sync

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: benchmarks printing JSON (PostgreSQL with DATABASE_URL=..., else SQLite)
bench: install
	$(BIN)/python -m bench

## make jobs: run the periodic jobs in one process (the embedded scheduler)
jobs: install
	$(BIN)/python manage.py runjobs

## make check-deploy: Django's deployment checklist with production settings (as CI runs it)
check-deploy: install
	DJANGO_ENV=production DEBUG=false \
	SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
	CUSTOMER_LINK_SECRET=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
	ALLOWED_HOSTS=shouhou.example.com \
	$(BIN)/python manage.py check --deploy

messages:
	for d in shouhou/*/locale; do (cd $$(dirname $$d) && ../../$(BIN)/python ../../manage.py compilemessages -v0); done

clean:
	rm -rf $(VENV) var staticfiles
