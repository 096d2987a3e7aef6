# Two commands do all set-up (see README):
#   make lab    create .venv with the course + JupyterLab (light), open the course
#   make test   add the test tools to .venv, run every check (lint, hygiene, unit tests,
#               notebooks, browser when Chromium exists, librosa 1.0 on Python >= 3.12)
# Both install exactly the versions in locks/ (README "Locked versions"). Maintainers:
#   make test-latest   the whole suite on the newest versions the ranges allow (scratch venvs)
#   make lock          resolve locks/*.txt and environment.yml again (uv)
#   make margins       every named mistake of every exercise check >= 3 tolerances from the answer
# Publishing (after `make test`; README "Publishing"):
#   make slides        executed reveal.js decks -> build/slides/
#   make site          the course website (Sphinx + myst-nb) -> build/site/
#   make test-publish  slides + site + the browser checks of both (CI runs it)
#   make binder-check  Binder's environment.yml + postBuild in a fresh venv, every notebook run
#   make colab-check   Colab's runtime package set + the notebooks' set-up cell, every notebook run
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8888
PIP     = $(VENV)/bin/python -m pip
# pip's own progress, without the "Requirement already satisfied" noise
QUIET_SATISFIED = { grep --line-buffered -v -E "^Requirement already satisfied" || true; }

.PHONY: lab test lock test-latest test-publish slides site binder-check colab-check strip lint bench clean margins

$(VENV)/bin/python:
	@echo "== creating $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip

# The learner's environment: the course and JupyterLab (about 1 min and ~0.7 GB on a fresh
# machine), then librosa's numba kernels compiled once so the first notebook cell is fast.
# Every version comes from the lock (locks/lab.txt, made by `make lock`); the course itself is
# installed editable on top, with --no-deps so nothing outside the lock is resolved.
$(VENV)/.lab: locks/lab.txt pyproject.toml | $(VENV)/bin/python
	@echo "== installing the course + JupyterLab into $(VENV) from locks/lab.txt (about 1 minute on a fresh machine)"
	@$(PIP) install --progress-bar on -r locks/lab.txt | $(QUIET_SATISFIED)
	@$(PIP) install --quiet --no-deps -e .
	@echo "== compiling librosa's kernels once (about 25 s the first time)"
	$(VENV)/bin/python -m helpers.warmup
	@touch $@

# The contributor's additions: test, browser, Dask and publishing tools (about 1 more minute).
$(VENV)/.dev: locks/dev.txt pyproject.toml $(VENV)/.lab
	@echo "== installing the test and publishing tools into $(VENV) from locks/dev.txt (about 1 minute)"
	@$(PIP) install --progress-bar on -r locks/dev.txt | $(QUIET_SATISFIED)
	@$(PIP) install --quiet --no-deps -e .
	@touch $@

# JupyterLab refuses to run as root unless told (containers, CI boxes): allow it there only.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(VENV)/.lab
	$(VENV)/bin/jupyter lab --port $(PORT) $(ROOT_FLAG) notebooks/00_overview.ipynb

test: $(VENV)/.dev
	bash tools/test.sh $(VENV)

# Maintainers: resolve every lock again (newest versions within pyproject's ranges; needs PyPI),
# after `make test-latest` has shown that those versions pass. Commit locks/ and environment.yml.
lock: $(VENV)/.dev
	$(VENV)/bin/python tools/lock.py

# Maintainers: the whole suite on the newest versions pyproject's ranges allow, in scratch
# environments (.venv-latest, .venv-latest-py312), printing which packages differ from the locks.
# Not part of .ci/run: CI tests what learners get (the locks).
test-latest: $(VENV)/.dev
	bash tools/test_latest.sh $(PYTHON)

test-publish: $(VENV)/.dev
	bash tools/publish.sh $(VENV) all

slides: $(VENV)/.dev
	bash tools/publish.sh $(VENV) slides

site: $(VENV)/.dev
	bash tools/publish.sh $(VENV) site

binder-check: $(VENV)/.dev
	$(VENV)/bin/python tools/env_check.py binder

colab-check: $(VENV)/.dev
	$(VENV)/bin/python tools/env_check.py colab

strip: $(VENV)/.dev
	$(VENV)/bin/python tools/nbtool.py strip

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/nbqa ruff notebooks/

# every named mistake of every declarative check >= 3 tolerances from the right answer
margins: $(VENV)/.dev
	$(VENV)/bin/python tools/margins.py

bench: $(VENV)/.dev
	$(VENV)/bin/python benchmarks/first_run.py
	$(VENV)/bin/python benchmarks/extract.py
	$(VENV)/bin/python benchmarks/sliders.py
	$(VENV)/bin/python benchmarks/long_clip.py

clean:
	rm -rf $(VENV) .venv-py312 .venv-binder .venv-colab .venv-latest .venv-latest-py312 build .pytest_cache .ruff_cache \
	  .hypothesis .jupyter_cache
