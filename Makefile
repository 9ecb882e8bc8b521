# Two entry points (see README): `make run` sets everything up and serves the site; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# A local copy of Reuters-21578 (folder or .tar.gz) instead of downloading it, e.g. ../shared/corpora/reuters21578
REUTERS_FROM ?=
PYTEST_ARGS ?=

.PHONY: install run index serve shell test test-fast lint bench clean package-smoke api-check

$(BIN)/news-search: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint,cluster]'
	touch $@

install: $(BIN)/news-search

run: install
	$(BIN)/news-search setup
	$(BIN)/news-search corpus fetch reuters21578 $(if $(REUTERS_FROM),--from $(REUTERS_FROM),)
	$(BIN)/news-search index
	$(BIN)/news-search serve --port $(PORT)

index: install
	$(BIN)/news-search index

serve: install
	$(BIN)/news-search serve --port $(PORT)

# A shell with the virtualenv active, so `news-search ...` works as typed (exit to leave).
shell: install
	@echo "news-search is on PATH in this shell (.venv/bin); type exit to leave."
	@bash --init-file $(BIN)/activate -i

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the tests marked slow (Reuters integration, real browsers, gunicorn under load).
test-fast: install
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# ruff (lint rules and formatting) over all Python; mypy over search/ and web/ (configured in pyproject.toml).
lint: install
	$(BIN)/ruff check search web tests bench
	$(BIN)/ruff format --check search web tests bench
	$(BIN)/mypy

# schemathesis (all its checks) against /api/openapi.json on the Procfile's gunicorn over the web test index;
# part of `make test` too. SCHEMATHESIS_SEED=<n> explores other requests than CI's.
api-check: install
	$(BIN)/python -m pytest tests/web/test_api_conformance.py $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/entity_quality.py
	$(BIN)/python bench/index_speed.py
	$(BIN)/python bench/search_speed.py --index-dir bench/out/index
	$(BIN)/python bench/web_load.py --index-dir bench/out/index

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts bench/out

# The wheel as anyone installs it (fresh virtualenv, no extras): index, search and serve one article per
# format. Needs NLTK_DATA (e.g. NLTK_DATA=../shared/nltk_data make package-smoke); no .venv needed.
package-smoke:
	PYTHON=$(PYTHON) bash .ci/package-smoke
