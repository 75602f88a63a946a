# cjm developer tasks. Start with: make install && make test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

# Every Python package of development and CI, with exact versions and hashes: `make lock` refreshes it.
LOCK := requirements/dev.lock
LOCK_ARGS := pyproject.toml requirements/build.in --extra dev --universal --python-version 3.10 --generate-hashes

.PHONY: install system-deps test test-latest lock lint format bench bench-evidence goldens schema fuzz clean

install: system-deps $(VENV)/.installed

# the lock is complete, so --no-deps lets nothing unlocked in; cjm itself is built from the locked setuptools
$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	@if [ -f tests/browser/package.json ]; then (cd tests/browser && npm ci --no-audit --no-fund --silent); fi
	@touch $@

test:
	$(PY) -m pytest -q -n 2

# Resolve the newest versions pyproject.toml allows into the lock (review the diff, then `make install test`).
lock:
	test -x .lock-tools/bin/uv || ($(PYTHON) -m venv .lock-tools && .lock-tools/bin/pip install --quiet uv)
	.lock-tools/bin/uv pip compile $(LOCK_ARGS) --upgrade --quiet -o $(LOCK)

# The suite against the newest versions pyproject.toml allows, in a throw-away environment: drift found on purpose.
test-latest: system-deps
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	$(PYTHON) -m venv "$$dir/venv" && \
	"$$dir/venv/bin/pip" install --quiet --upgrade pip && \
	"$$dir/venv/bin/pip" install --quiet --upgrade --upgrade-strategy eager -e '.[dev]' && \
	"$$dir/venv/bin/pip" list --format freeze --exclude cjm | tr A-Z_ a-z- | sort > "$$dir/latest" && \
	grep -E '^[A-Za-z]' $(LOCK) | sed 's/ .*//' | tr A-Z_ a-z- | sort -u > "$$dir/locked" && \
	echo "newer than the lock:" && (comm -23 "$$dir/latest" "$$dir/locked" | sed 's/^/  /'; true) && \
	"$$dir/venv/bin/python" -m pytest -q -n 2 -p no:cacheprovider

lint:
	$(VENV)/bin/ruff check cjm tests bench
	$(VENV)/bin/ruff format --check cjm tests bench
	$(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff check --fix cjm tests bench
	$(VENV)/bin/ruff format cjm tests bench

schema:
	$(VENV)/bin/cjm schema -o schemas/journey.schema.json
	$(VENV)/bin/cjm schema --catalog -o schemas/catalog.schema.json

goldens:
	CJM_UPDATE_GOLDENS=1 $(PY) -m pytest -q -n 2 -m "not browser" tests

bench:
	$(PY) bench/run.py

# cjm evidence on 10M events, side by side with pm4py (AGPL: only in the benchmark's own environment)
bench-evidence:
	test -x bench/evidence/.venv/bin/python || python3 -m venv bench/evidence/.venv
	bench/evidence/.venv/bin/pip install --quiet -r bench/evidence/requirements.txt
	bench/evidence/.venv/bin/python bench/evidence/run.py --cjm $(VENV)/bin/cjm

# libFuzzer adds inputs to its corpus folder, so it works on a scratch copy of the corpus
fuzz:
	$(PY) -m pip install --quiet atheris
	mkdir -p .fuzz/corpus && cp tests/corpus/invalid/*.yaml tests/corpus/valid/*.yaml examples/*.yaml .fuzz/corpus/
	$(PY) tests/fuzz/fuzz_loader.py -max_total_time=$${FUZZ_SECONDS:-300} -rss_limit_mb=2048 -timeout=10 -artifact_prefix=.fuzz/ .fuzz/corpus

clean:
	rm -rf $(VENV) .lock-tools site build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
