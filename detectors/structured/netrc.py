"""`.netrc` / `_netrc`: `machine HOST login USER password PASS` (tokens may span lines)."""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import Lines, ctx, is_placeholder

# hosts whose .netrc password is a provider's own credential, rated as that provider's: the
# Heroku CLI stores the account's API key for api.heroku.com and git.heroku.com (Heroku Dev
# Center, "CLI Authentication")
PROVIDER_HOSTS = {"api.heroku.com": "heroku-api-key", "git.heroku.com": "heroku-api-key"}

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\S+')


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    lines = Lines(text)
    toks = []
    in_macdef = False
    # tokenise, skipping comments and macdef bodies (which end at a blank line)
    text_lines = text.splitlines(keepends=True)
    offset = 0
    for raw in text_lines:
        if in_macdef:
            if not raw.strip():
                in_macdef = False
            offset += len(raw)
            continue
        stripped = raw.lstrip()
        if stripped.startswith("#"):
            offset += len(raw)
            continue
        for m in _TOKEN.finditer(raw):
            toks.append((m.group(0), offset + m.start()))
            if m.group(0) == "macdef":
                in_macdef = True
        offset += len(raw)
    machine = user = None
    i = 0
    pending: list[tuple[str, int]] = []

    def flush():
        for pw, at in pending:
            line, col = lines.pos(at)
            rule = PROVIDER_HOSTS.get((machine or "").lower(), "netrc-password")
            hits.append(Hit(rule, pw, line, col, ctx(key="password", host=machine, user=user, section=machine)))
        pending.clear()

    while i < len(toks):
        t, at = toks[i]
        if t in ("machine", "default"):
            flush()
            machine, user = (toks[i + 1][0] if t == "machine" and i + 1 < len(toks) else None), None
            i += 2 if t == "machine" else 1
            continue
        if t in ("login", "password", "account") and i + 1 < len(toks):
            v, vat = toks[i + 1]
            if len(v) >= 2 and v[0] == v[-1] == '"':
                v, vat = v[1:-1].replace('\\"', '"'), vat + 1
            if t == "login":
                user = v
            elif t == "password" and not is_placeholder(v):
                pending.append((v, vat))
            i += 2
            continue
        i += 1
    flush()
    return hits
