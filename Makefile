# cjm developer tasks. Start with: make install && make test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: install system-deps test lint format bench bench-evidence goldens schema fuzz clean

install: system-deps $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@if [ -f tests/browser/package.json ]; then (cd tests/browser && npm install --no-audit --no-fund --silent); fi
	@touch $@

# Graphviz draws the SVG/PNG/PDF maps; Chromium checks the rendered pages in tests;
# a Java runtime runs the Spark SQL of `cjm evidence sql` in tests (PySpark).
system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing with apt-get"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "please install:$$missing (e.g. brew install graphviz chromium)"; \
	  fi; \
	fi

test:
	$(PY) -m pytest -q -n 2

lint:
	$(VENV)/bin/ruff check cjm tests bench
	$(VENV)/bin/ruff format --check cjm tests bench
	$(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff check --fix cjm tests bench
	$(VENV)/bin/ruff format cjm tests bench

schema:
	$(VENV)/bin/cjm schema -o schemas/journey.schema.json

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
	rm -rf $(VENV) site build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
