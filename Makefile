# Portail des clauses sociales d'insertion — set-up, demo and tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
DEMO_PASSWORD ?= demo-insertion-49

.PHONY: install demo test quality format clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# The demo is served as in production (DEBUG off: the portal's French error pages, never Django's debug page),
# over plain HTTP on 127.0.0.1, with e-mails printed in the terminal.
# The second factor stays off unless asked for: `EXIGER_DOUBLE_FACTEUR=true make demo`.
EXIGER_DOUBLE_FACTEUR ?= false
DEMO_ENV := DEBUG=false SECRET_KEY=demo-seulement-pas-un-secret ALLOWED_HOSTS=127.0.0.1,localhost \
	SECURE_SSL_REDIRECT=false SECURE_COOKIES=false HSTS_SECONDS=0 EMAIL_URL=consolemail:// \
	EXIGER_DOUBLE_FACTEUR=$(EXIGER_DOUBLE_FACTEUR)

demo: install
	DEBUG=true $(MANAGE) migrate --noinput
	DEBUG=true $(MANAGE) load_territoires
	DEBUG=true $(MANAGE) load_demo --password "$(DEMO_PASSWORD)"
	$(DEMO_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

quality: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djlint templates --lint
	DEBUG=true $(MANAGE) makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: quality
	$(VENV)/bin/pytest --create-db

clean:
	rm -rf $(VENV) db.sqlite3
