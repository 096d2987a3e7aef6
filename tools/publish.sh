#!/usr/bin/env bash
# Publishing: tools/publish.sh [VENV] slides|site|all   (make slides / make site / make test-publish)
#   slides  execute each notebook once (cached in build/executed), reveal.js decks -> build/slides
#   site    the same executed notebooks + glossary + lecturer's guide -> build/site (Sphinx)
#   all     both, then the browser checks: every slide fits 960x700, every site page loads with
#           its figures and audio, no traceback, every internal link resolves
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv}
WHAT=${2:-all}
PY="$VENV/bin/python"
unset MPLBACKEND
export PYTHONHASHSEED=0 AUDIO_COURSE_PUBLISH=1
export AUDIO_COURSE_PROGRESS=off  # executing notebooks for the slides/site records no verdict
T0=$SECONDS
phase() { echo "== [$((SECONDS - T0)) s] $*"; }
case "$WHAT" in
  slides) phase "slides (executes changed notebooks: ~2 min the first time)"
          "$PY" tools/publish.py slides ;;
  site)   phase "site (executes changed notebooks: ~2 min the first time)"
          "$PY" tools/publish.py site ;;
  all)    phase "slides and site (executes changed notebooks: ~2 min the first time)"
          "$PY" tools/publish.py all
          phase "browser checks of the slides and the site (~1 min)"
          "$PY" -m pytest -q -p no:cacheprovider -n "${TEST_JOBS:-auto}" --dist loadfile tests/publish ;;
  *) echo "usage: tools/publish.sh [VENV] slides|site|all" >&2; exit 2 ;;
esac
phase "done: open build/slides/NN_name.slides.html or build/site/index.html in a browser"
