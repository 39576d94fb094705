# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-unit test-integration bench soak fuzz simulate migrate replay-outbox clean

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

# Benchmarks (issue: measured speed through the whole system); writes bench/results.json and bench/README.md.
bench: $(STAMP)
	$(PY) -m bench

# The larger fault-injection run (kill -9 of every process, broker loss and replay), with its figures.
soak: $(STAMP)
	$(PY) -m pytest -m soak -p no:cacheprovider

# The fuzz through the gateway with 200 generated cases per operation (make test runs 25).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=200 $(PY) -m pytest tests/security/test_fuzz.py -p no:cacheprovider

# A seeded county year driven through the gateway of a running stack (make run in another terminal).
simulate: $(STAMP)
	$(PY) -m devstack simulate $(if $(SCALE),--scale $(SCALE)) $(if $(SEED),--seed $(SEED))

migrate: $(STAMP)
	$(PY) -m devstack migrate

# make replay-outbox SERVICE=referral [SINCE=2026-11-01T00:00:00]
replay-outbox: $(STAMP)
	$(PY) -m devstack replay-outbox $(SERVICE) $(if $(SINCE),--since $(SINCE))

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
