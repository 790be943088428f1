# crm_performance: the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
export ODOO_SRC ?= /opt/odoo19

.PHONY: demo test setup lint bench clean

demo: ## a local Odoo with the module, demo data, appraisals and the payroll sheet
	@bash tools/demo.sh

test: ## every test: lint, clean install, addon tests (pytest-odoo), RPC and sync tests
	@bash tools/test.sh

setup: ## venv, Python packages, PostgreSQL, Chromium (idempotent; run by demo and test)
	@bash tools/setup.sh

lint:
	@bash tools/lint.sh

bench: ## benchmarks at the small size (see bench/README.md)
	@bash bench/run.sh

clean: ## remove the venv and local Odoo state (databases are kept)
	rm -rf .venv .odoo
