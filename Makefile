# Clustering in Türkiye registry. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# PostgreSQL used for the second test run when one answers there.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/clusters
# Migrate every database of the settings: the registry's, and with SQLite the
# hits database beside it (initiatives/routers.py).
MIGRATE = for db in $$($(MANAGE) shell --no-imports -c "from django.conf import settings; print(*settings.DATABASES)"); do $(MANAGE) migrate --no-input --database $$db || exit 1; done
# Settings for commands that need no real secret (checks, static files).
CHECK_ENV := DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz

.DEFAULT_GOAL := help
.PHONY: help run serve test lint check browser test-sqlite test-postgres install install-dev screenshots clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (set PYTHON=python3.x)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## Create .venv and install the runtime requirements

install-dev: $(VENV)/.installed-dev ## Create .venv and install runtime + test requirements

run: install ## Migrate, load the seed, and serve on http://127.0.0.1:8000 (SQLite)
	export DJANGO_DEBUG=1; $(MIGRATE)
	DJANGO_DEBUG=1 $(MANAGE) load_seed
	DJANGO_DEBUG=1 $(MANAGE) collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=1 $(MANAGE) create_local_editor
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

serve: install ## Production settings under gunicorn on SQLite, http://127.0.0.1:8000
	@test -n "$$DJANGO_SECRET_KEY" || { echo "Set DJANGO_SECRET_KEY first (production settings refuse to start without it)"; exit 1; }
	$(MIGRATE)
	$(MANAGE) load_seed
	$(MANAGE) collectstatic --no-input --verbosity 0
	DJANGO_SECURE_COOKIES=$${DJANGO_SECURE_COOKIES:-0} DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-0} $(BIN)/gunicorn -c gunicorn.conf.py clusters_site.wsgi

lint: install-dev ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install-dev ## Django system checks, missing migrations, static files
	$(CHECK_ENV) $(MANAGE) check --fail-level WARNING
	$(CHECK_ENV) $(MANAGE) makemigrations --check --dry-run
	$(CHECK_ENV) $(MANAGE) collectstatic --no-input --verbosity 0

browser: ## Install Debian's Chromium for the browser tests when it is missing
	@if [ -x /usr/bin/chromium ]; then \
		echo "Chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Debian's Chromium at /usr/bin/chromium:"; \
		echo "  sudo apt-get install chromium"; \
		exit 1; \
	fi

test-sqlite: install-dev browser ## pytest on SQLite (a file database under var/)
	$(BIN)/pytest

test-postgres: install-dev browser ## pytest on PostgreSQL at 127.0.0.1:5432 (PG_TEST_URL)
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

test: lint check test-sqlite ## Everything: lint, checks, tests on SQLite, then PostgreSQL if it answers
	@if $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2)' 2>/dev/null; then \
		echo "PostgreSQL answers at 127.0.0.1:5432: running the suite again on it"; \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "No PostgreSQL at 127.0.0.1:5432: PostgreSQL run skipped"; \
	fi

screenshots: install-dev browser ## PNGs of home, list, initiative, admin import preview (desktop, phone) in screenshots/; README copies in docs/
	$(BIN)/pytest tests/browser/screenshots.py -q -p no:cacheprovider
	mkdir -p docs
	cp screenshots/list-desktop.png docs/list.png
	cp screenshots/initiative-desktop.png docs/initiative.png
	@echo "Screenshots in screenshots/; docs/list.png and docs/initiative.png updated"

clean: ## Remove the virtualenv, collected static files and caches (keeps var/)
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
