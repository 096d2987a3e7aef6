#!/usr/bin/env bash
# The whole test suite (what `make test` and .ci/run run). Usage: tools/test.sh [VENV]
#  1. lint (ruff over code and notebooks), notebook hygiene, generated files up to date
#  2. librosa 0.11 (this venv): unit tests, solutions notebooks through nbval, and the learner
#     notebooks in the real browser (JupyterLab + Chromium; the browser run replaces nbval for
#     them, so no notebook runs twice) - or through nbval when there is no Chromium
#  3. librosa 1.0 (Python >= 3.12, .venv-py312): unit tests + every notebook through nbval
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv}
PY="$VENV/bin/python"
# No MPLBACKEND here: notebook kernels must draw with the inline backend, as a learner's do
# (figures are rendered to PNG, so drawing errors fail the test); unit tests use Agg (conftest).
unset MPLBACKEND
export AUDIO_COURSE_STRICT=1 PYTHONHASHSEED=0
export AUDIO_COURSE_PROGRESS="${TMPDIR:-/tmp}/audio-course-test-progress-$$.json"; trap 'rm -f "$AUDIO_COURSE_PROGRESS"' EXIT  # verdicts of notebook kernels: never ~/.audio_course
JOBS=${TEST_JOBS:-auto}
T0=$SECONDS
phase() { echo "== [$((SECONDS - T0)) s] $*"; }

phase "lint and hygiene (~15 s)"
"$PY" -m ruff check .
"$PY" -m nbqa ruff notebooks/
"$PY" tools/nbtool.py check
"$PY" tools/nbtool.py sync --check
"$PY" tools/lock.py --check

if [ "${AUDIO_COURSE_CHROMIUM:-}" = none ]; then
  BROWSER=0; echo "   browser test: SKIPPED - AUDIO_COURSE_CHROMIUM=none"
elif [ -n "${AUDIO_COURSE_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then
  BROWSER=1
else
  BROWSER=0; echo "   browser test: SKIPPED - no chromium on this machine (sudo apt-get install chromium)"
fi

run_pytest() {  # $1 = python, rest = test paths and extra args
  local py=$1; shift
  "$py" -m pytest -q -n "$JOBS" --dist loadfile -p no:cacheprovider \
    --nbval-lax --nbval-current-env --nbval-cell-timeout=600 "$@"
}
versions() { "$1" -c 'import sys, librosa; print(f"Python {sys.version.split()[0]}, librosa {librosa.__version__}")'; }

"$PY" -m helpers.warmup >/dev/null  # no-op when the cache is warm (make installs warm it)
if [ "$BROWSER" = 1 ]; then
  phase "pytest on $(versions "$PY"): unit tests, solutions notebooks, learner notebooks in JupyterLab + Chromium (~4 min)"
  run_pytest "$PY" tests/ notebooks/solutions/ --ignore=tests/publish
else
  phase "pytest on $(versions "$PY"): unit tests and every notebook through nbval (~3 min)"
  run_pytest "$PY" tests/ notebooks/ --ignore=tests/browser --ignore=tests/publish
fi

# --- librosa 1.0 needs Python >= 3.12: run the same suite there when an interpreter exists ---
find_py312() {
  local c v
  for c in python3.12 python3.13; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    v=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12(\.[0-9]+)?$' | tail -n 1 || true)
    if [ -n "$v" ] && [ -x "$(pyenv root)/versions/$v/bin/python3" ]; then
      echo "$(pyenv root)/versions/$v/bin/python3"; return 0
    fi
  fi
  return 1
}
if [ "${SKIP_PY312:-0}" = 1 ]; then
  phase "librosa 1.0 run SKIPPED: SKIP_PY312=1"
elif PY312=$(find_py312); then
  V312=${V312:-.venv-py312}
  LOCK312=locks/test-py312.txt
  STAMP="$(sha256sum "$LOCK312" | cut -c1-16)"
  if [ "${LATEST:-0}" = 1 ]; then STAMP=latest; fi
  if [ "$(cat "$V312/.installed" 2>/dev/null)" != "$STAMP" ]; then
    phase "creating $V312 with $PY312 (about 1.5 min)"
    rm -rf "$V312"
    "$PY312" -m venv "$V312"
    "$V312/bin/python" -m pip install --quiet --upgrade pip
    if [ "${LATEST:-0}" = 1 ]; then  # make test-latest: the newest versions the ranges allow
      "$V312/bin/python" -m pip install --quiet --upgrade -e ".[test,dask]"
    else                             # everything else: exactly the lock
      "$V312/bin/python" -m pip install --quiet -r "$LOCK312"
      "$V312/bin/python" -m pip install --quiet --no-deps -e .
    fi
    "$V312/bin/python" -m helpers.warmup
    echo "$STAMP" > "$V312/.installed"
  fi
  phase "pytest on $(versions "$V312/bin/python"): unit tests and every notebook through nbval (~3 min)"
  run_pytest "$V312/bin/python" tests/ notebooks/ --ignore=tests/browser --ignore=tests/publish
else
  phase "librosa 1.0 run SKIPPED: no Python >= 3.12 found (install python3.12 to enable)"
fi
phase "all checks passed; versions tested:"
for v in "$PY" ${V312:+"$V312/bin/python"}; do
  "$v" -c 'import importlib.metadata as m, sys
print("   Python %s:" % sys.version.split()[0], ", ".join("%s %s" % (p, m.version(p)) for p in
      ("librosa", "numpy", "scipy", "numba", "matplotlib", "soundfile", "ipywidgets", "scikit-learn")))'
done
