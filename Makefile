# make build: regenerate dist/ from decks/.  make test: lint, type-check, test, check dist/.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: build test check lint preview bench clean

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
	$(BIN)/deckforge build --check

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest -q
	$(BIN)/deckforge validate
	$(BIN)/deckforge build --check

preview: $(STAMP)
	$(BIN)/deckforge preview

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
