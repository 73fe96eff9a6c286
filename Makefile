# make build: regenerate dist/ from decks/.  make test: lint, type-check, test, check dist/.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: build test check lint preview bench bench-build docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/deckforge build

check: $(STAMP)
	$(BIN)/deckforge validate
	$(BIN)/deckforge lint --strict
	$(BIN)/deckforge build --check

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest -q
	$(BIN)/deckforge validate
	$(BIN)/deckforge lint --strict
	$(BIN)/deckforge build --check

# Time `deckforge validate` and `lint` on the shipped decks (cold process and in-process).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_validate.py

# Build at scale: `deckforge build` cold, no-op and after one edit, against plain genanki.
bench-build: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py --sizes 1000,10000,50000,100000 --repeat 3
	$(BIN)/python benchmarks/bench_build.py --sizes 50000 --plain --cards-per-file 1000 --repeat 3 --out benchmarks/out/plain

# Regenerate docs/cli.md (from --help) and docs/schema.md (from schema/); tests check both.
docs: $(STAMP)
	DECKFORGE_UPDATE_DOCS=1 $(BIN)/python -m pytest -q tests/test_docs.py

preview: $(STAMP)
	$(BIN)/deckforge preview

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
