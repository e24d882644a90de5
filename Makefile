# Two commands a new user needs: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint sample bench lab clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

data/sample/.complete: $(STAMP)
	$(BIN)/pcc sample-data --out data/sample

sample: data/sample/.complete

report: data/sample/.complete
	$(BIN)/pcc run --config data/sample/pcc.yaml --quarter latest

test: $(STAMP)
	$(BIN)/ruff check pccanalysis tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pccanalysis tests bench

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lab: $(STAMP)
	$(BIN)/pcc lab

clean:
	rm -rf $(VENV) data/sample outputs/* .pcc-cache .pytest_cache
