# joinedup — two commands: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STATIC := build/static
SASS_SRC := $(shell find src/joinedup/web/scss -name '*.scss')

.PHONY: demo test fuzz load lint layers typecheck migrations-check pytest-sqlite pytest-postgres static venv serve worker clean screenshots

demo: venv static
	$(BIN)/joinedup demo $(if $(EMPLOYEES),--employees $(EMPLOYEES),)

test: venv static lint layers typecheck migrations-check pytest-sqlite pytest-postgres
	@echo "make test: all stages passed"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements/base.txt requirements/dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "joinedup needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed: on Debian, run: apt-get install -y python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

static: $(STATIC)/.built

# GOV.UK Frontend and MOJ Frontend compiled from Sass without the GDS Transport font, plus htmx
# and Chart.js: served by the app. MOJ Frontend's Sass names GOV.UK Frontend by its path under
# node_modules, hence the second load path.
$(STATIC)/.built: package.json package-lock.json $(SASS_SRC)
	@command -v npm >/dev/null || tools/ensure-apt-package npm
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(STATIC)/css $(STATIC)/js $(STATIC)/govuk/assets $(STATIC)/images
	npx sass --quiet --load-path=node_modules --load-path=. --style=compressed --no-source-map \
	  src/joinedup/web/scss/app.scss $(STATIC)/css/app.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/js/
	cp node_modules/htmx.org/dist/htmx.min.js $(STATIC)/js/
	# MOJ Frontend's components (an ES module with GOV.UK Frontend's helpers inside it) and the
	# icons its stylesheet names.
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js $(STATIC)/js/
	cp node_modules/@ministryofjustice/frontend/moj/assets/images/icon-*.svg $(STATIC)/images/
	# Chart.js for the home page's charts (each beside a table of the same figures).
	cp node_modules/chart.js/dist/chart.umd.min.js $(STATIC)/js/
	touch $@

lint: venv
	$(BIN)/ruff check src tests tools conftest.py manage.py
	$(BIN)/ruff format --check src tests tools conftest.py manage.py

# The dependency graph is a contract (.importlinter): layers, a pure payroll engine, no cycles.
layers: venv
	PYTHONPATH=src $(BIN)/lint-imports --config .importlinter

typecheck: venv
	$(BIN)/mypy

migrations-check: venv
	JOINEDUP_ENV=test $(BIN)/joinedup makemigrations --check --dry-run

# The suite runs in one process per core, up to 4 (PYTEST_WORKERS=0 for one process). Tests marked
# with the same xdist_group share a process, so a class that seeds the whole demo seeds it once.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))
PYTEST = $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

pytest-sqlite: venv static
	JOINEDUP_ENV=test $(PYTEST) $(PYTEST_ARGS)

# A throwaway PostgreSQL cluster on loopback, started and removed by tools/with-postgres. The
# suite acts as a role that owns no table, with row-level security enforced (conftest.py).
pytest-postgres: venv static
	JOINEDUP_ENV=test JOINEDUP_ROW_LEVEL_SECURITY=1 $(BIN)/python tools/with-postgres -- $(PYTEST) $(PYTEST_ARGS)

# The API and import fuzzing of `make test` (tests/attack/) with more examples: 1,000 requests per
# API operation (fewer only where an operation's distinct requests run out first: one without
# parameters or body has 6, its 3 callers in 2 modes) and 500 generated files per import, on SQLite
# and on PostgreSQL with row-level security, drawn afresh each time (make test's are fixed).
# FUZZ_EXAMPLES=N and IMPORT_FUZZ_EXAMPLES=N for more; FUZZ_SELECT='EXPR' runs the tests whose
# names match pytest's -k EXPR (operation ids: FUZZ_SELECT=transfers), in chunks on a busy machine.
# build/test-results/api-fuzz.txt counts the requests each passing operation was sent.
FUZZ_EXAMPLES ?= 1000
IMPORT_FUZZ_EXAMPLES ?= 500
FUZZ_ENV = JOINEDUP_ENV=test JOINEDUP_FUZZ_RANDOM=1 JOINEDUP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
  JOINEDUP_IMPORT_FUZZ_EXAMPLES=$(IMPORT_FUZZ_EXAMPLES)
FUZZ_TESTS = tests/attack/test_api_fuzz.py tests/attack/test_import_fuzz.py $(if $(FUZZ_SELECT),-k '$(FUZZ_SELECT)',)
fuzz: venv
	$(FUZZ_ENV) $(BIN)/pytest $(FUZZ_TESTS)
	$(FUZZ_ENV) JOINEDUP_ROW_LEVEL_SECURITY=1 $(BIN)/python tools/with-postgres -- \
	  $(BIN)/pytest $(FUZZ_TESTS)

# The load test: the demo at 100,000 employees served by `joinedup serve` (gunicorn) on loopback
# and read by Locust users of four roles for 60 s, after 5 s of warm-up: per-page p50/p95/p99,
# requests/s and errors. The seeded database stays in build/load/ and the next run reuses it
# (seeding 100,000 takes minutes; delete the folder to seed afresh). DATABASE_URL for PostgreSQL.
LOAD_EMPLOYEES ?= 100000
LOAD_DURATION ?= 60s
LOAD_USERS ?= 10
load: venv static
	$(BIN)/joinedup bench load --employees $(LOAD_EMPLOYEES) --duration $(LOAD_DURATION) \
	  --users $(LOAD_USERS) --reuse

serve: venv static
	$(BIN)/joinedup serve

worker: venv
	$(BIN)/joinedup worker

clean:
	rm -rf $(VENV) build node_modules .mypy_cache .pytest_cache .ruff_cache .import_linter_cache .grimp_cache

# Each demo role's home page at 1280 and 375 px, for the README (docs/screenshots/), from a demo
# of its own in build/screenshots; Debian's chromium, as the browser tests use.
screenshots: venv static
	@command -v chromium >/dev/null || tools/ensure-apt-package chromium
	$(BIN)/python tools/screenshots.py $(if $(FRESH),--fresh,)
