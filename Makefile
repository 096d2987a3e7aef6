# Two commands do all set-up (see README):
#   make lab    create .venv, install the course, open it in JupyterLab
#   make test   create .venv, install the course, run every check (lint, notebooks, unit,
#               nbval, browser when Chromium exists, librosa 1.0 on Python >= 3.12 when present)
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8888

.PHONY: lab test strip lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e ".[dev]"
	touch $@

# JupyterLab refuses to run as root unless told (containers, CI boxes): allow it there only.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab --port $(PORT) $(ROOT_FLAG) notebooks/00_overview.ipynb

test: $(VENV)/.installed
	bash tools/test.sh $(VENV)

strip: $(VENV)/.installed
	$(VENV)/bin/python tools/nbtool.py strip

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/nbqa ruff notebooks/

bench: $(VENV)/.installed
	$(VENV)/bin/python benchmarks/extract.py
	$(VENV)/bin/python benchmarks/sliders.py

clean:
	rm -rf $(VENV) .venv-py312 .pytest_cache .ruff_cache .hypothesis
