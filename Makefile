# The two commands of the README: `make run` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast lint build clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: set up, take the port, build the store from the registry (keeping user edits), serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/energy-planner serve --build

## test: set up, lint, type-check, validate the shipped data and run the whole test suite
test: $(STAMP) lint browser
	$(BIN)/energy-planner validate
	$(BIN)/python -m pytest

## test-fast: lint, type-check and the tests not marked slow, one worker per core (pytest-xdist): the edit-test loop
test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -m "not slow" -q -n auto

# The map tests drive Debian's Chromium headless (a test tool's own browser download fails offline);
# a CJK font so the saved screenshot shows the Chinese labels.
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || { apt-get update -q && \
		apt-get install -y -q --no-install-recommends chromium fonts-wqy-microhei; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

build: $(STAMP)
	$(BIN)/energy-planner build

clean:
	rm -rf $(VENV) var
