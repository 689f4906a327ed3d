"""PostgreSQL password file (`~/.pgpass`, `pgpass.conf`): `host:port:database:user:password`
per line, `\\:` and `\\\\` escaped (PostgreSQL docs, libpq "The Password File"). The user
rates the privilege (postgres is a superuser) and the host the environment, as for a URL."""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import ctx, is_placeholder, split_lines

_FIELD = re.compile(r"(?:\\.|[^:\\])*")


def _fields(line: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    while pos <= len(line):
        m = _FIELD.match(line, pos)
        out.append((m.group(0).replace("\\:", ":").replace("\\\\", "\\"), pos))
        pos = m.end() + 1
    return out


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for i, line in enumerate(split_lines(text)):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        f = _fields(line)
        if len(f) != 5:
            continue
        (host, _), (port, _), (db, _), (user, _), (pw, col) = f
        if not pw or is_placeholder(pw):
            continue
        hits.append(Hit("pgpass-password", pw, i + 1, col + 1,
                        ctx(key="password", host=None if host == "*" else host, user=user,
                            section=None if db == "*" else db)))
    return hits
