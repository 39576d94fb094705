# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-unit test-integration migrate replay-outbox clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m devstack run

test: $(STAMP)
	$(PY) -m pytest

test-unit: $(STAMP)
	$(PY) -m pytest -m "not integration"

test-integration: $(STAMP)
	$(PY) -m pytest -m integration

migrate: $(STAMP)
	$(PY) -m devstack migrate

# make replay-outbox SERVICE=referral [SINCE=2026-11-01T00:00:00]
replay-outbox: $(STAMP)
	$(PY) -m devstack replay-outbox $(SERVICE) $(if $(SINCE),--since $(SINCE))

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
