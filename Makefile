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

# The sample is remade when the code that writes it changes (it is deterministic).
SAMPLE_CODE := $(wildcard pccanalysis/sample/*.py) pccanalysis/config.py

data/sample/.complete: $(STAMP) $(SAMPLE_CODE)
	$(BIN)/pcc sample-data --out data/sample --force

sample: data/sample/.complete

report: data/sample/.complete
	$(BIN)/pcc run --config data/sample/pcc.yaml --quarter latest

test: $(STAMP)
	$(BIN)/ruff check pccanalysis tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pccanalysis tests bench

bench: $(STAMP)
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_indicators.py
	$(BIN)/python bench/bench_run.py
	$(BIN)/python bench/bench_national.py

lab: $(STAMP)
	$(BIN)/pcc lab

clean:
	rm -rf $(VENV) data/sample outputs/* .pcc-cache .pytest_cache
