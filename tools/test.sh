#!/usr/bin/env bash
# The whole test suite (what `make test` and .ci/run run). Usage: tools/test.sh [VENV]
#  1. lint (ruff over code and notebooks) and notebook hygiene
#  2. pytest: unit tests + every notebook through nbval (+ the browser test when Chromium exists)
#  3. the same unit tests + notebooks on librosa 1.0 when a Python >= 3.12 is on the machine
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv}
PY="$VENV/bin/python"
# No MPLBACKEND here: notebook kernels must draw with the inline backend, as a learner's do
# (figures are rendered to PNG, so drawing errors fail the test); unit tests use Agg (conftest).
unset MPLBACKEND
export AUDIO_COURSE_STRICT=1 PYTHONHASHSEED=0
export NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$PWD/.numba-cache}"
JOBS=${TEST_JOBS:-auto}

echo "== lint"
"$PY" -m ruff check .
"$PY" -m nbqa ruff notebooks/
echo "== notebook hygiene"
"$PY" tools/nbtool.py check

if [ "${AUDIO_COURSE_CHROMIUM:-}" = none ]; then
  BROWSER_ARGS=(--ignore=tests/browser)
  echo "== browser test: SKIPPED - AUDIO_COURSE_CHROMIUM=none"
elif [ -n "${AUDIO_COURSE_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then
  BROWSER_ARGS=()
  echo "== browser test: enabled (JupyterLab + headless chromium, ~2 min; screenshots of failures in test-artifacts/browser/)"
else
  BROWSER_ARGS=(--ignore=tests/browser)
  echo "== browser test: SKIPPED - no chromium on this machine (sudo apt-get install chromium)"
fi

run_pytest() {  # $1 = python, rest = extra args
  local py=$1; shift
  "$py" -m pytest -q -n "$JOBS" --dist loadfile -p no:cacheprovider \
    --nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
    tests/ notebooks/ "$@"
}

echo "== pytest ($("$PY" -c 'import sys, librosa; print(f"Python {sys.version.split()[0]}, librosa {librosa.__version__}")'))"
run_pytest "$PY" "${BROWSER_ARGS[@]}"

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
  echo "== librosa 1.0 run SKIPPED: SKIP_PY312=1"
elif PY312=$(find_py312); then
  V312=.venv-py312
  if [ ! -f "$V312/.installed" ] || [ pyproject.toml -nt "$V312/.installed" ]; then
    echo "== creating $V312 with $PY312"
    "$PY312" -m venv "$V312"
    "$V312/bin/python" -m pip install --quiet --upgrade pip
    "$V312/bin/python" -m pip install --quiet -e ".[test]"
    touch "$V312/.installed"
  fi
  echo "== pytest ($("$V312/bin/python" -c 'import sys, librosa; print(f"Python {sys.version.split()[0]}, librosa {librosa.__version__}")'))"
  run_pytest "$V312/bin/python" --ignore=tests/browser
else
  echo "== librosa 1.0 run SKIPPED: no Python >= 3.12 found (install python3.12 to enable)"
fi
echo "== all checks passed"
