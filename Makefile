# Rete QuBì: `make run` starts the platform with demo data, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test migrate seed install clean bench fuzz chaos

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m deploy.local

test: $(STAMP)
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "make test: the single sign-on tests run a real OpenID Provider on Node.js, the accessibility tests axe-core and the OpenAPI lint Redocly's CLI from npm: install node and npm (apt-get install nodejs npm)"; exit 1; }
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

chaos: $(STAMP)
	$(BIN)/python -m bench.chaos --seconds $${CHAOS_SECONDS:-40} $${CLUSTER:+--cluster $$CLUSTER}

fuzz: $(STAMP)
	QUBI_FUZZ_EXAMPLES=$${QUBI_FUZZ_EXAMPLES:-100} $(BIN)/python -m pytest -q tests/test_fuzz.py

migrate: $(STAMP)
	$(BIN)/qubi-admin migrate

seed: $(STAMP)
	$(BIN)/qubi-admin seed

clean:
	rm -rf $(VENV) var .pytest_cache
