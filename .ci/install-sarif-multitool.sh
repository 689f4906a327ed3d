#!/usr/bin/env bash
# Install Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool, which pulls the
# platform binary package @microsoft/sarif-multitool-linux) into .ci/npm, for
# tests/test_sarif.py. Idempotent; prints exactly one line; never fails the CI run:
# without npm (or without the network) the SARIF validation test is skipped.
set -u
cd "$(dirname "$0")/.." || exit 0
prefix=.ci/npm
native="$prefix/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
shim="$prefix/node_modules/.bin/sarif-multitool"
if [ -x "$native" ] || { [ "$(uname -s)" != Linux ] && [ -x "$shim" ]; }; then
    echo "sarif-multitool: already installed in $prefix"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "sarif-multitool: npm not found, SARIF Multitool validation will be skipped"
    exit 0
fi
log=$(mktemp)
if npm install --no-audit --no-fund --prefix "$prefix" @microsoft/sarif-multitool >"$log" 2>&1; then
    # npm >= 11 may not run the package's postinstall (chmod u+x): do it ourselves.
    [ -f "$native" ] && chmod u+x "$native"
    echo "sarif-multitool: installed in $prefix"
else
    echo "sarif-multitool: npm install failed, validation will be skipped: $(tail -n 1 "$log")"
fi
rm -f "$log"
exit 0
