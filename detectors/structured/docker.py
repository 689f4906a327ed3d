"""Docker `config.json` (`auths: {host: {auth: base64(user:pass)}}`, `identitytoken`) and the
legacy `.dockercfg` (`{host: {auth, email}}`). The secret is the decoded password part of
`auth` (or the identity/registry token), located at the `auth` value in the file."""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import Lines, b64decode_any, ctx, is_placeholder, load_json, url_host


def _entries(data) -> list[tuple[str, dict]]:
    if not isinstance(data, dict):
        return []
    auths = data.get("auths")
    if isinstance(auths, dict):
        return [(h, v) for h, v in auths.items() if isinstance(v, dict)]
    # legacy .dockercfg: hosts at the top level
    return [(h, v) for h, v in data.items() if isinstance(v, dict) and ("auth" in v or "password" in v)]


def scan(text: str) -> list[Hit]:
    data = load_json(text)
    hits: list[Hit] = []
    lines = Lines(text)
    after: dict[tuple[str, str], int] = {}
    for host, entry in _entries(data):
        reg = url_host(host) or host
        user = entry.get("username") if isinstance(entry.get("username"), str) else None
        cands: list[tuple[str, str, str]] = []  # (key, raw value as in file, secret)
        auth = entry.get("auth")
        if isinstance(auth, str) and auth:
            raw = b64decode_any(auth)
            try:
                dec = raw.decode("utf-8") if raw is not None else ""
            except UnicodeDecodeError:
                dec = ""
            if ":" in dec:
                u, _, pw = dec.partition(":")
                user = user or u
                cands.append(("auth", auth, pw))
        for k in ("password", "identitytoken", "registrytoken"):
            v = entry.get(k)
            if isinstance(v, str) and v:
                cands.append((k, v, v))
        for key, raw_val, secret in cands:
            if not secret or is_placeholder(secret):
                continue
            # the same value under two registries is two places: search on from the last one
            rx = re.compile(r'"' + re.escape(key) + r'"\s*:\s*"' + re.escape(raw_val[:64]))
            m = rx.search(text, after.get((key, raw_val), 0)) or rx.search(text)
            if m:
                after[(key, raw_val)] = m.end()
            line, col = lines.pos(m.end() - min(len(raw_val), 64)) if m else (1, 1)
            hits.append(Hit("docker-config-auth", secret, line, col, ctx(key=key, host=reg, section=reg, user=user)))
    return hits
