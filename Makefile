# Two commands do all set-up (see README):
#   make lab    create .venv with the course + JupyterLab (light), open the course
#   make test   add the test tools to .venv, run every check (lint, hygiene, unit tests,
#               notebooks, browser when Chromium exists, librosa 1.0 on Python >= 3.12)
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

.PHONY: lab test test-publish slides site binder-check colab-check strip lint bench clean

$(VENV)/bin/python:
	@echo "== creating $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip

# The learner's environment: the course and JupyterLab (about 1 min and ~0.7 GB on a fresh
# machine), then librosa's numba kernels compiled once so the first notebook cell is fast.
$(VENV)/.lab: pyproject.toml | $(VENV)/bin/python
	@echo "== installing the course + JupyterLab into $(VENV) (about 1 minute on a fresh machine)"
	@$(PIP) install --progress-bar on -e ".[lab]" | $(QUIET_SATISFIED)
	@echo "== compiling librosa's kernels once (about 25 s the first time)"
	$(VENV)/bin/python -m helpers.warmup
	@touch $@

# The contributor's additions: test, browser, Dask and publishing tools (about 1 more minute).
$(VENV)/.dev: pyproject.toml $(VENV)/.lab
	@echo "== installing the test and publishing tools into $(VENV) (about 1 minute)"
	@$(PIP) install --progress-bar on -e ".[dev]" | $(QUIET_SATISFIED)
	@touch $@

# JupyterLab refuses to run as root unless told (containers, CI boxes): allow it there only.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(VENV)/.lab
	$(VENV)/bin/jupyter lab --port $(PORT) $(ROOT_FLAG) notebooks/00_overview.ipynb

test: $(VENV)/.dev
	bash tools/test.sh $(VENV)

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

bench: $(VENV)/.dev
	$(VENV)/bin/python benchmarks/first_run.py
	$(VENV)/bin/python benchmarks/extract.py
	$(VENV)/bin/python benchmarks/sliders.py
	$(VENV)/bin/python benchmarks/long_clip.py

clean:
	rm -rf $(VENV) .venv-py312 .venv-binder .venv-colab build .pytest_cache .ruff_cache \
	  .hypothesis .jupyter_cache
