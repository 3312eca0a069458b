# Two commands do all set-up on a fresh machine: `make chat` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CONFIG ?= config.yaml

.PHONY: chat test run web lint browser bench resilience validate coverage clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

chat: $(VENV)/.installed
	$(PY) -m bot chat --config $(CONFIG)

run: $(VENV)/.installed
	$(PY) -m bot run --config $(CONFIG)

# The web chat only, on http://localhost:8080/ (keys from the environment: see docs/web.md).
web: $(VENV)/.installed
	$(PY) -m bot web --config $(CONFIG)

validate: $(VENV)/.installed
	$(PY) -m bot validate --config $(CONFIG)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

# Debian's chromium and chromedriver, for the web chat's browser tests (installed if missing).
browser:
	.ci/browser

test: $(VENV)/.installed-test lint browser
	$(PY) -m pytest -q

# Branch coverage of bot/, subprocesses included (the bot run as a real process).
coverage: $(VENV)/.installed-test
	rm -rf .coverage && mkdir -p .coverage
	$(PY) -m coverage run -m pytest -q
	$(PY) -m coverage combine -q
	$(PY) -m coverage report

bench: $(VENV)/.installed-test
	$(PY) -m bench

# The resilience suite at full size (kill -9 at 20 moments among 200 parents, a flaky Bot API for
# 100 parents, hostile input and YAML); `make test` runs the same tests at a size that takes a minute.
resilience: $(VENV)/.installed-test
	RESILIENCE=1 $(PY) -m pytest -q tests/test_resilience.py tests/test_outbox.py tests/test_validate.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
