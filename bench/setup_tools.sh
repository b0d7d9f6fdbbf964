#!/bin/sh
# Install what bench/ compares ladderdocs with; none of it is a dependency of ladderdocs.
#   sh bench/setup_tools.sh [VENV]     (default VENV: ~/.cache/ladderdocs-bench/venv)
# - Hugo from Debian's own package (apt-get, as root), for build_bench.py --hugo;
# - a throwaway virtualenv with MkDocs (build_bench.py --mkdocs) and two native Markdown
#   parsers next to markdown-it-py (parser_bench.py). Each is optional: what fails to install
#   is reported and skipped, and the benches leave out what they cannot find.
set -u
VENV="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/ladderdocs-bench/venv}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v hugo >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y hugo || { apt-get update && apt-get install -y hugo; } || echo "hugo: not installed"
    else
        echo "hugo: run as root, or: sudo apt-get install -y hugo"
    fi
fi
command -v hugo >/dev/null 2>&1 && hugo version

python3 -m venv "$VENV" || exit 1
"$VENV/bin/pip" install -q --upgrade pip >/dev/null 2>&1
# The same markdown-it-py as ladderdocs uses, so the parser comparison is like for like.
"$VENV/bin/pip" install -q "$HERE" || echo "ladderdocs: not installed in $VENV"
for package in mkdocs markdown-it-pyrs cmarkgfm; do
    "$VENV/bin/pip" install -q "$package" || echo "$package: not installed"
done
"$VENV/bin/pip" list 2>/dev/null | grep -i -E '^(mkdocs|markdown[-_]it[-_a-z]*|cmarkgfm|ladderdocs) '
echo "tools venv: $VENV"
