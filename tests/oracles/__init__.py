"""Reference implementations the tests hold deckforge's fast paths to."""
