# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium chromium-driver redis-server nginx

.PHONY: run test test-fast system lint bench plotly-bundle messages

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[test]"
	touch $(STAMP)

# Debian packages: nginx (the front proxy of `delta87 serve`), headless Chromium + its driver (browser tests),
# redis-server (cache tests).
system:
	@if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null || ! command -v redis-server >/dev/null || ! PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null; then \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

run: $(STAMP) system
	$(BIN)/delta87 serve

# pytest-xdist: one worker per core (at most 4), each test module whole on one worker (its module fixtures once).
# The browser tests and the load tests of real servers (marker `serial`) run after the others, one at a time (two
# Chromiums on two cores time out; a load test beside another worker misses its deadlines); the exit status is
# the first failing step's.
PARALLEL := -n auto --maxprocesses 4 --dist loadfile

test: $(STAMP) system
	$(BIN)/python -m pytest -q $(PARALLEL) -m "not browser and not serial"; status=$$?; \
		$(BIN)/python -m pytest -q -m "browser or serial" && exit $$status

# The edit loop: everything but the browser tests, the slow ones (real servers, long variants) and those that
# build and read the real release (`pytest -m realdata` runs them).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q $(PARALLEL) -m "not browser and not slow and not realdata"

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Rebuild the partial plotly.js bundle (assets/vendor/plotly/plotly.min.js, committed) from npm; needs node + npm.
plotly-bundle:
	tools/plotly_bundle/build.sh

# Collect the interface strings marked in the code (babel.cfg) and merge them into the French and Spanish
# catalogues; translate the new entries in translations/*/LC_MESSAGES/messages.po (the app compiles them as it
# starts, and tests/test_i18n.py fails while any is missing or fuzzy).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext --no-location --sort-output -w 120 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete -w 120
