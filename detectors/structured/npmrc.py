"""`.npmrc`: `//registry/:_authToken=`, `_auth=`, `_password=`. Values starting `npm_` are
left to the regex rule `npm-token` (not reported twice); `${VAR}` references are skipped."""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import ctx, is_placeholder, split_lines

_LINE = re.compile(r"^\s*(?://(?P<reg>[^\s:]+(?::\d+)?[^\s:]*)/?:)?(?P<key>_authToken|_auth|_password|_authtoken)\s*=\s*(?P<val>.*?)\s*$")
_USER = re.compile(r"^\s*(?://(?P<reg>[^\s:]+(?::\d+)?[^\s:]*)/?:)?(?:username|email)\s*=\s*(?P<val>\S+)")
_REGISTRY = re.compile(r"^\s*registry\s*=\s*(?:https?:)?//(?P<host>[^/\s:]+)")


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    default_host = None
    users: dict[str | None, str] = {}
    found = []
    for i, raw in enumerate(split_lines(text)):
        if raw.lstrip().startswith(("#", ";")):
            continue
        m = _REGISTRY.match(raw)
        if m:
            default_host = m.group("host")
            continue
        m = _USER.match(raw)
        if m:
            users[(m.group("reg") or "").split("/")[0] or None] = m.group("val")
            continue
        m = _LINE.match(raw)
        if not m:
            continue
        val, col = m.group("val"), m.start("val") + 1
        if len(val) >= 2 and val[0] == val[-1] and val[0] in "'\"":
            val, col = val[1:-1], col + 1
        if not val or val.startswith("npm_") or is_placeholder(val):
            continue
        host = (m.group("reg") or "").split("/")[0] or None
        found.append((val, i + 1, col, m.group("key"), host))
    for val, line, col, key, host in found:
        h = host or default_host
        hits.append(Hit("npmrc-auth", val, line, col, ctx(key=key, host=h, section=h, user=users.get(host))))
    return hits
