# Two entry points for a fresh machine (see README):  make dashboard  |  make test
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8866

.PHONY: dashboard test bench setup system-deps clean lint docs wheel

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall when the package metadata changes.
$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	@# CHOLMOD is an optional accelerator: it builds only where SuiteSparse headers exist.
	-$(BIN)/pip install -q -e ".[fast]" || echo "note: scikit-sparse (CHOLMOD) not built; using scipy's solver"
	touch $@

setup: $(VENV)/.installed

system-deps:
	@bash scripts/install-system-deps

dashboard: system-deps setup
	$(BIN)/superpuddles dashboard --port $(PORT)

test: system-deps setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run_all.py

# Code health (CI runs these before the tests): ruff lint, mypy on the engine (config in pyproject.toml).
lint: system-deps setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# Documentation site in build/docs; any Sphinx warning is an error.
docs: system-deps setup
	$(BIN)/python -m sphinx -q -W --keep-going -b html -c docs . build/docs

# sdist and wheel in dist/
wheel: setup
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts build dist docs/api
