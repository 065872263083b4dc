# The two commands a newcomer needs: `make run` and `make test`.
# Both start with `make setup`, which is quick once everything is installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get

.PHONY: setup run test lint bench system-deps browser-deps clean

setup: $(STAMP) system-deps

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=77"
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# Debian's graphviz gives the `dot` and `neato` programs the diagrams need; git builds the
# history tests' repositories (orgpath itself reads git through pygit2, not the program).
system-deps:
	@command -v dot >/dev/null || { $(APT) update -qq && $(APT) install -y -qq graphviz; }
	@command -v git >/dev/null || { $(APT) update -qq && $(APT) install -y -qq git; }
	@pkg-config --exists cairo 2>/dev/null || \
		{ $(APT) update -qq && $(APT) install -y -qq libcairo2-dev pkg-config; }

# Browser tests drive Debian's chromium; the HTTP benchmark uses wrk.
browser-deps:
	@command -v chromium >/dev/null && command -v wrk >/dev/null || \
		{ $(APT) update -qq && $(APT) install -y -qq chromium wrk; }

run: setup
	$(BIN)/orgpath serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: setup browser-deps
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

bench: setup browser-deps
	for b in benchmarks/*.py; do case $$b in */make_org.py) ;; *) $(BIN)/python $$b || exit 1;; esac; done

clean:
	rm -rf $(VENV) build *.egg-info
