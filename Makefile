# cjm developer tasks. Start with: make install && make test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

# The lock: every Python package of development and CI, exact versions and hashes (`make lock` refreshes it).
LOCK := requirements.txt
LOCK_ARGS := pyproject.toml requirements/build.in --extra dev --universal --python-version 3.10 --generate-hashes

.PHONY: install system-deps test test-latest lock lint format bench bench-evidence goldens schema messages fuzz clean set-repository vscode-extension

install: system-deps $(VENV)/.installed

# the lock is complete, so --no-deps lets nothing unlocked in; cjm itself is built from the locked setuptools
$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	@if [ -f tests/browser/package.json ]; then (cd tests/browser && npm ci --no-audit --no-fund --silent); fi
	@touch $@

# Graphviz draws the flow (flow-svg/png/pdf); Chromium draws the map's PDF and PNG and checks the pages in tests;
# poppler-utils (pdftoppm, pdfinfo) rasterises those PDFs in tests;
# a Java runtime runs the Spark SQL of `cjm evidence sql` in tests (PySpark).
system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
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

# Point every URL of the tree at the repository that publishes cjm (release checklist, CONTRIBUTING.md):
# the constant cjm.project.REPOSITORY, then every tracked file that names it. make set-repository REPO=acme/cjm
set-repository:
	@echo "$(REPO)" | grep -Eq '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$$' || { echo "usage: make set-repository REPO=owner/name"; exit 2; }
	@old=$$($(PY) -c "from cjm.project import REPOSITORY; print(REPOSITORY)"); \
	git grep -lF "$$old" -- . ':!tests/browser' ':!tests/test_repository_slug.py' | xargs sed -i "s#$$old#$(REPO)#g"; \
	echo "every $$old is now $(REPO); review with git diff"

schema:
	$(VENV)/bin/cjm schema -o schemas/journey.schema.json
	$(VENV)/bin/cjm schema --catalog -o schemas/catalog.schema.json
	$(VENV)/bin/cjm schema --evidence -o schemas/evidence.schema.json

# The map's labels in every language: extract them from the code and templates (Babel), merge them into
# each cjm/render/locale/LANG/LC_MESSAGES/cjm.po for translators, and compile the .mo files cjm ships.
LOCALE := cjm/render/locale
messages:
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --project cjm \
	  --copyright-holder "the cjm authors" -o $(LOCALE)/cjm.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(LOCALE)/cjm.pot -d $(LOCALE) -D cjm
	$(VENV)/bin/pybabel compile --statistics -d $(LOCALE) -D cjm

goldens:
	CJM_UPDATE_GOLDENS=1 $(PY) -m pytest -q -n 2 -m "not browser" tests

bench:
	$(PY) bench/run.py

# cjm evidence on 10M events, side by side with pm4py (AGPL: only in the benchmark's own environment)
bench-evidence:
	test -x bench/evidence/.venv/bin/python || python3 -m venv bench/evidence/.venv
	bench/evidence/.venv/bin/pip install --quiet -r bench/evidence/requirements.txt
	bench/evidence/.venv/bin/python bench/evidence/run.py --cjm $(VENV)/bin/cjm

# The VS Code extension packaged with the official tool (@vscode/vsce, locked in editors/vscode/package-lock.json):
# editors/vscode/cjm.vsix, for "Extensions: Install from VSIX...". Needs Node.js 20 or later and npm.
VSCODE := editors/vscode

vscode-extension: $(VSCODE)/node_modules/.installed
	cp LICENSE $(VSCODE)/LICENSE
	cd $(VSCODE) && npm run --silent package

$(VSCODE)/node_modules/.installed: $(VSCODE)/package.json $(VSCODE)/package-lock.json
	cd $(VSCODE) && npm ci --no-audit --no-fund --silent
	@touch $@

# Coverage-guided fuzzing (not in CI): one atheris harness per untrusted input, tests/fuzz/fuzz_<target>.py.
# atheris lives in its own environment, .fuzz/venv (the lock's packages plus atheris), never in .venv.
# FUZZ_TARGETS picks harnesses, FUZZ_SECONDS the time of each, FUZZ_ARGS adds libFuzzer flags (-max_len=N, -dict=FILE;
# not -fork, which atheris does not support); crashes land in .fuzz/<target>/crash-*, kept between runs.
# libFuzzer adds inputs to its corpus folder, so each target works on a scratch copy of its seeds.
FUZZ_VENV := .fuzz/venv
FUZZ_TARGETS ?= loader mermaid mapping evidence config
ATHERIS := atheris==3.0.0

$(FUZZ_VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(FUZZ_VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(FUZZ_VENV)/bin/python -m pip install --quiet $(ATHERIS)
	@touch $@

fuzz: system-deps $(FUZZ_VENV)/.installed
	@status=0; for target in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$target ($${FUZZ_SECONDS:-300} s)"; \
	  rm -rf .fuzz/$$target/corpus && mkdir -p .fuzz/$$target/corpus && \
	  $(FUZZ_VENV)/bin/python -c 'import shutil, sys; from tests.fuzz.targets import seeds; [shutil.copy(p, sys.argv[1]) for p in seeds(sys.argv[2])]' .fuzz/$$target/corpus $$target && \
	  PYTHONPATH=. $(FUZZ_VENV)/bin/python tests/fuzz/fuzz_$$target.py -max_total_time=$${FUZZ_SECONDS:-300} \
	    -rss_limit_mb=2048 -timeout=10 -artifact_prefix=.fuzz/$$target/ $(FUZZ_ARGS) .fuzz/$$target/corpus || status=1; \
	done; exit $$status

clean:
	rm -rf $(VENV) .lock-tools site build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
