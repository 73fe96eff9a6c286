# make build: regenerate dist/ from decks/.  make test: lint, type-check, test, check dist/.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: build test check lint preview bench bench-build docs clean compat

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

# Older Anki engines (the versions the shipped decks support), each in a venv of its own: the
# released Google PMLE deck, today's build over it, and a deck of every item type (tests/compat/).
COMPAT_VERSIONS = 2.1.50 23.12.1
compat: $(STAMP)
	rm -rf build/compat && mkdir -p build/compat/decks/items
	$(BIN)/python -c "import sys; sys.path.insert(0, 'tests'); import helpers; print(helpers.ITEMS)" \
		> build/compat/decks/items/items.yaml
	printf 'id: items\nname: Items\n' > build/compat/decks/items/deck.yaml
	$(BIN)/deckforge --decks build/compat/decks --dist build/compat/dist build
	for v in $(COMPAT_VERSIONS); do \
		test -x build/anki-$$v/bin/python || { $(PYTHON) -m venv build/anki-$$v && \
			build/anki-$$v/bin/python -m pip install --quiet "anki==$$v"; } && \
		build/anki-$$v/bin/python tests/compat/old_anki_import.py \
			tests/fixtures/release-2026-12/google-pmle.apkg dist/google-pmle.apkg \
			build/compat/dist/items.apkg || exit 1; \
	done

preview: $(STAMP)
	$(BIN)/deckforge preview

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
