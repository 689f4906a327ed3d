#!/usr/bin/env bash
# The lowest Python the README names (3.10): install credfence in its own venv and run the
# whole suite there, so a 3.11-only import cannot slip in again (`re._parser`, imported
# only when Hyperscan's database is compiled, crashed every cold first scan on 3.10 while
# the command-line tests alone passed on a warm cache). Its own empty cache directory, so
# that the cold paths run too.
set -euo pipefail
cd "$(dirname "$0")/.."
py=""
for c in python3.10 "$HOME/.pyenv/versions/3.10"*/bin/python3.10; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
        py=$(command -v "$c"); break
    fi
done
if [ -z "$py" ]; then
    echo "py310: SKIPPED, no Python 3.10 on this machine (install python3.10 to run the command-line tests on it)"
    exit 0
fi
[ -x .venv-py310/bin/python ] || "$py" -m venv .venv-py310
.venv-py310/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' --config-settings editable_mode=compat
echo "py310: the whole suite on $(.venv-py310/bin/python --version)"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
CREDFENCE_CACHE_DIR="$cache" .venv-py310/bin/python -m pytest -n 2 -p no:cacheprovider -q "$@"
