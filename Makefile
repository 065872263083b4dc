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

.PHONY: setup run test lint bench system-deps browser-deps node-deps vendor clean

setup: $(STAMP) system-deps

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=77"
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# Debian's graphviz gives the `dot` and `neato` programs the diagrams need; git builds the
# history tests' repositories (orgpath itself reads git through pygit2, not the program).
# redis-server and nginx run the cluster test (tests/test_cluster.py, docs/deploy.md): the
# test starts its own on loopback; the packages' system services are not needed.
# qpdf checks the structure of the PDFs orgpath writes itself (tests/test_paged_pdf.py).
system-deps:
	@command -v dot >/dev/null || { $(APT) update -qq && $(APT) install -y -qq graphviz; }
	@command -v git >/dev/null || { $(APT) update -qq && $(APT) install -y -qq git; }
	@pkg-config --exists cairo 2>/dev/null || \
		{ $(APT) update -qq && $(APT) install -y -qq libcairo2-dev pkg-config; }
	@command -v redis-server >/dev/null && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null || \
		{ $(APT) update -qq && $(APT) install -y -qq redis-server nginx; }
	@command -v qpdf >/dev/null || { $(APT) update -qq && $(APT) install -y -qq qpdf; }

# Browser tests drive Debian's chromium; the HTTP benchmark uses wrk.
browser-deps:
	@command -v chromium >/dev/null && command -v wrk >/dev/null || \
		{ $(APT) update -qq && $(APT) install -y -qq chromium wrk; }

# npm packages pinned in package-lock.json: the explorer's d3-zoom (vendored, see `vendor`),
# and for tests and benchmarks only: axe-core and the d3-org-chart baseline.
node-deps:
	@command -v npm >/dev/null || { $(APT) update -qq && $(APT) install -y -qq npm; }
	@test -d node_modules/d3-zoom || npm ci --no-audit --no-fund

# d3-zoom and the d3 modules it needs, in load order, as one file with their licences.
D3_ZOOM_PARTS = d3-dispatch d3-selection d3-color d3-interpolate d3-ease d3-timer d3-transition d3-drag d3-zoom
vendor: node-deps
	mkdir -p orgpath/static/vendor
	for p in $(D3_ZOOM_PARTS); do cat node_modules/$$p/dist/$$p.min.js; echo; done \
		> orgpath/static/vendor/d3-zoom.bundle.min.js
	for p in $(D3_ZOOM_PARTS); do echo "== $$p $$(node -p "require('./node_modules/$$p/package.json').version") =="; \
		cat node_modules/$$p/LICENSE; echo; done > orgpath/static/vendor/d3-zoom.bundle.LICENSE

run: setup
	$(BIN)/orgpath serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: setup browser-deps node-deps
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

bench: setup browser-deps node-deps
	for b in benchmarks/*.py; do case $$b in */make_org.py) ;; *) $(BIN)/python $$b || exit 1;; esac; done

clean:
	rm -rf $(VENV) build *.egg-info
