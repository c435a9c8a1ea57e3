# Pilotage — the two commands are `make run` and `make test`; see README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
PORT ?= 8000

.PHONY: run test e2e fuzz lint fmt install messages compilemessages migrate seed bench load clean

# The environment, rebuilt whenever the lock changes.
$(BIN)/.installed: pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(BIN)/uv sync --quiet --frozen --inexact --python $(BIN)/python
	@touch $@

install: $(BIN)/.installed

# Compiled catalogues are build output: made from the committed .po files.
compilemessages: install
	@cd $(CURDIR) && $(BIN)/python manage.py compilemessages --ignore=.venv -v 0

messages: install
	$(BIN)/python manage.py makemessages -l fr -l en --ignore=.venv --ignore=var --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo

# Web, Celery worker and beat together; Ctrl-C stops all three.
run: compilemessages seed
	@$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo
	@echo "  Pilotage is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (local demo only): pmo, pm, pm2, exec — password: $${DEMO_PASSWORD:-pilotage-demo}"
	@echo "  API docs: http://127.0.0.1:$(PORT)/api/docs/   Stop: Ctrl-C"
	@echo
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev --no-colour start --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Test settings always: an inherited DJANGO_SETTINGS_MODULE would beat pytest's own.
test: lint compilemessages
	DJANGO_SETTINGS_MODULE=pmo.settings.test scripts/test-services.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

# Only the browser tests (Debian's Chromium, installed by test-services.sh when missing).
e2e: compilemessages
	DJANGO_SETTINGS_MODULE=pmo.settings.test scripts/test-services.sh $(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

# The fuzzed API (tests/fuzz) at length: FUZZ_EXAMPLES cases per operation, and with
# FUZZ_COVERAGE=1 every boundary and wrong type of every field too (hours, not minutes).
FUZZ_EXAMPLES ?= 100
fuzz: compilemessages
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DJANGO_SETTINGS_MODULE=pmo.settings.test scripts/test-services.sh $(BIN)/python -m pytest tests/fuzz $(PYTEST_ARGS)

# Timings of list pages and endpoints at BENCH_PROJECTS projects, as JSON in bench/results/.
BENCH_PROJECTS ?= 1000
bench: install
	DJANGO_SETTINGS_MODULE=pmo.settings.test scripts/test-services.sh $(BIN)/python bench/run.py --projects $(BENCH_PROJECTS)
	DJANGO_SETTINGS_MODULE=pmo.settings.test scripts/test-services.sh $(BIN)/python bench/packs.py --sizes 50 200

# gunicorn with the production settings under LOAD_USERS simulated users for LOAD_SECONDS, on
# loopback; figures in bench/results/load.json, non-zero exit on any error. Always on throwaway
# servers: the run loads its data into the database it is given.
LOAD_USERS ?= 20
LOAD_SECONDS ?= 60
load: install compilemessages
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u DJANGO_SETTINGS_MODULE \
		scripts/test-services.sh $(BIN)/python bench/load.py --users $(LOAD_USERS) --duration $(LOAD_SECONDS)

clean:
	rm -rf var .pytest_cache
