#!/usr/bin/env bash
# Install the AI coding agents' own code that credfence's agent tests run offline:
#   npm  @anthropic-ai/claude-code (with its platform binary), @openai/codex (with its
#        platform package), @google/gemini-cli-core, ignore   -> .ci/npm/agents
#        cline's bundle (npm pack, nothing run)                -> .ci/npm/cline
#   PyPI aider-chat (no dependencies: the tests import only its ignore logic) -> .venv
#   apt  bubblewrap, socat (the sandboxes of Codex and Claude Code)
# Idempotent and fast on re-runs (a stamp per step). Never fails the CI run: a package
# that cannot be installed is reported with the reason, and the tests that need it skip.
set -u
cd "$(dirname "$0")/.." || exit 0
prefix=.ci/npm/agents
mkdir -p "$prefix"
say() { echo "install-agents: $*"; }

# ---- apt: bubblewrap + socat
if command -v bwrap >/dev/null 2>&1 && command -v socat >/dev/null 2>&1; then
    say "bubblewrap and socat: present"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log=$(mktemp)
    if { apt-get install -y -q bubblewrap socat || { apt-get update -q && apt-get install -y -q bubblewrap socat; }; } >"$log" 2>&1; then
        say "bubblewrap and socat: installed"
    else
        say "bubblewrap/socat: apt-get failed, sandbox tests will skip: $(tail -n 1 "$log")"
    fi
    rm -f "$log"
else
    say "bubblewrap/socat: not installed and apt-get unavailable (not root?), sandbox tests will skip"
fi

# ---- npm packages (pinned: the tests assert the behaviour of these versions)
NPM_PKGS="@anthropic-ai/claude-code@2.1.332 @openai/codex@0.171.0 @google/gemini-cli-core@0.61.0"
stamp="$prefix/.installed"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$NPM_PKGS" ]; then
    say "npm agents: already installed in $prefix"
elif ! command -v npm >/dev/null 2>&1; then
    say "npm not found: the Claude Code, Codex, Gemini and npm-ignore tests will skip"
else
    ok=""
    for pkg in $NPM_PKGS; do
        log=$(mktemp)
        if npm install --no-audit --no-fund --prefix "$prefix" "$pkg" >"$log" 2>&1; then
            ok="$ok $pkg"
        else
            say "npm install $pkg failed, its tests will skip: $(tail -n 1 "$log")"
        fi
        rm -f "$log"
    done
    say "npm installed:${ok:- nothing}"
    [ "$ok" = " $NPM_PKGS" ] && echo "$NPM_PKGS" >"$stamp"
fi

# ---- npm cline 2.18.0 (the CLI that bundles the VS Code extension's core): only its bundle's
# text is read (tests/agents_real/cline_ignore.mjs takes ClineIgnoreController out of it), so
# it is fetched with `npm pack`, no dependency installed and no install script run
CLINE_PKG="cline@2.18.0"
cline_dir=.ci/npm/cline
if [ -f "$cline_dir/.installed" ] && [ "$(cat "$cline_dir/.installed")" = "$CLINE_PKG" ]; then
    say "cline: already unpacked in $cline_dir"
elif ! command -v npm >/dev/null 2>&1; then
    say "npm not found: the Cline test will skip"
else
    rm -rf "$cline_dir" && mkdir -p "$cline_dir"
    log=$(mktemp)
    if tgz=$(cd "$cline_dir" && npm pack --silent "$CLINE_PKG" 2>"$log") && tar -xzf "$cline_dir/$tgz" -C "$cline_dir" package/dist/lib.mjs package/package.json 2>>"$log"; then
        rm -f "$cline_dir/$tgz"
        echo "$CLINE_PKG" >"$cline_dir/.installed"
        say "cline: unpacked in $cline_dir"
    else
        say "npm pack $CLINE_PKG failed, the Cline test will skip: $(tail -n 1 "$log")"
    fi
    rm -f "$log"
fi

# ---- PyPI aider-chat, with the exact oslex and pathspec it pins, in a directory of its own
# (never the project's venv: aider pins another pathspec). The test imports aider.repo there.
py=.venv/bin/python
pytarget=.ci/npm/py-aider
AIDER_PKGS="aider-chat==0.86.2 oslex==0.1.3 pathspec==1.0.4"
if [ -x "$py" ]; then
    if [ -f "$pytarget/.installed" ] && [ "$(cat "$pytarget/.installed")" = "$AIDER_PKGS" ]; then
        say "aider-chat: already installed in $pytarget"
    else
        log=$(mktemp)
        if "$py" -m pip install -q --disable-pip-version-check --no-deps --upgrade --target "$pytarget" $AIDER_PKGS >"$log" 2>&1; then
            echo "$AIDER_PKGS" >"$pytarget/.installed"
            say "aider-chat: installed in $pytarget"
        else
            say "aider-chat: pip install failed, the aider test will skip: $(tail -n 1 "$log")"
        fi
        rm -f "$log"
    fi
fi
exit 0
