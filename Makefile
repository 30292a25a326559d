# Filia: two commands work on a fresh machine from nothing but python3:
#   make demo   builds a demo database and opens Filia on it
#   make test   runs the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test rules bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/filia demo $(DEMO_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q $(TEST_ARGS)

# every rule of the specs -> its tests -> passed/failed (untested ones too), with a count per prefix;
# outcomes from the last `make test` run (the suite runs first when there is none)
SPEC ?= $(firstword $(wildcard ../shared/spec ../../shared/spec))
rules: $(STAMP)
	test -f rules-report.json || $(BIN)/python -m pytest -n 2 --dist loadgroup -q
	$(BIN)/python -m tests.rules_report rules-report.json $(if $(SPEC),--spec $(SPEC))

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info rules-report.json
