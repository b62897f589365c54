# Two commands for a fresh machine (each creates its own virtual environment):
#   make demo   run the example DAGs offline against the TikTok emulator
#   make test   lint, type-check and run the test suite
# AIRFLOW_VERSION picks the Airflow release to install (CI runs 3.3.2 and 3.1.8).

PYTHON ?= python3
AIRFLOW_VERSION ?= 3.3.2
VENV ?= .venv-$(AIRFLOW_VERSION)
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "apache-airflow==$(AIRFLOW_VERSION)" -e ".[test]"
	touch $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check airflow_provider_tiktok tests example_dags benchmarks
	$(PY) -m mypy

test: lint
	$(PY) -m pytest tests $(PYTEST_ARGS)

demo: $(STAMP)
	$(PY) -m airflow_provider_tiktok.testing.demo example_dags

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf .venv-* build *.egg-info
