#!/usr/bin/env bash
# make test-latest: the whole suite on the NEWEST versions pyproject.toml's ranges allow, in
# scratch environments (.venv-latest, and .venv-latest-py312 for librosa 1.x), then which
# packages differ from the locks. A maintainer runs it before `make lock`; CI does not (CI tests
# the locked versions, which are what learners get). Usage: tools/test_latest.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-python3}
VL=.venv-latest
T0=$SECONDS
echo "== [$((SECONDS - T0)) s] $VL: the newest versions within pyproject.toml's ranges (~1.5 min)"
rm -rf "$VL" .venv-latest-py312
"$PYTHON" -m venv "$VL"
"$VL/bin/python" -m pip install --quiet --upgrade pip
"$VL/bin/python" -m pip install --quiet --upgrade -e ".[dev]"
"$VL/bin/python" -m helpers.warmup >/dev/null
status=0
LATEST=1 V312=.venv-latest-py312 bash tools/test.sh "$VL" || status=$?
echo
echo "== [$((SECONDS - T0)) s] versions that differ from the locks (newest vs locked)"
"$VL/bin/python" tools/lock.py --diff "$VL" locks/dev.txt
if [ -x .venv-latest-py312/bin/python ]; then
  "$VL/bin/python" tools/lock.py --diff .venv-latest-py312 locks/test-py312.txt
fi
if [ "$status" = 0 ]; then
  echo "== test-latest passed: \`make lock\` would move the locks to these versions safely"
else
  echo "!! test-latest FAILED on the newest versions (exit $status): fix before \`make lock\`"
fi
exit "$status"
