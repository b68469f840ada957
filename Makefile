# Segretariato Sociale for Odoo — the two commands are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8069
export PORT

.PHONY: help setup run test lint format i18n bench bench-booking loadtest stop reset clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup:  ## install what is missing: system packages, Odoo 18.0 source, .venv/
	@bash scripts/setup.sh

run: setup  ## Odoo with the addons and demo data at http://localhost:$(PORT)
	@bash scripts/run.sh

test: setup lint  ## every test (module, end-to-end, browser) on a throwaway database
	@bash scripts/test.sh $(ARGS)

# hooks to skip, e.g. `make lint PENDING=pylint-odoo-optional` (none by default)
PENDING ?=

lint: setup  ## OCA 18.0 checks via pre-commit: ruff, pylint-odoo, oca-checks-*, prettier, eslint, README.rst
	@# every file git would commit, new ones included (--all-files sees tracked files only)
	@SKIP=$(PENDING) .venv/bin/pre-commit run --show-diff-on-failure --color=always \
		--files $$(git ls-files --cached --others --exclude-standard)

format: setup  ## apply the fixes make lint asks for (ARGS="files" to limit them): ruff, prettier, eslint, README.rst
	@bash scripts/format.sh $(ARGS)

i18n: setup  ## refresh each addon's .pot and merge it into i18n/it.po
	@bash scripts/i18n.sh

bench: setup  ## benchmarks (printed figures; not part of make test)
	@bash bench/run_core.sh

bench-booking: setup  ## the booking benchmark: 28 days of free slots, against OCA resource_booking
	@bash bench/run_booking.sh

loadtest: setup  ## Locust against 4 workers on an Ambito-sized database (STEPS, STEP_TIME, REUSE; see bench/README.md)
	@bash bench/run_load.sh

stop:  ## stop the embedded PostgreSQL clusters
	@bash scripts/pg.sh stop

reset: stop  ## drop the `make run` database (its cluster and files) and start over next time
	@rm -rf .local/pg-run .local/data .local/run-db.hash

clean: stop  ## remove .venv/ and .local/ (the Odoo cache is kept)
	@rm -rf .venv .local
