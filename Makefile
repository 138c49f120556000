# The quick start: `make demo`, `make test`. Needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

# No process we start may phone home (Prefect server analytics, client tracking).
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: install install-dev demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run the install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/followup demo

test: install-dev
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/api_cpu.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
