"""`.git-credentials`: one `scheme://user:token@host` URL per line (credential-store helper)."""
from __future__ import annotations

import re
from urllib.parse import unquote

from scanner.model import Hit

from ._util import ctx, is_placeholder, split_lines

# the host follows the line's last `@`: a hand-written entry may leave an `@` of the user
# name (an e-mail address) or of the password unencoded, and git reads it the same way
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<user>[^:/\s]*)(?::(?P<pw>\S+))?@(?P<host>[^/\s:?#@]+)")


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for i, raw in enumerate(split_lines(text)):
        for m in _URL.finditer(raw):
            pw = m.group("pw")
            user = unquote(m.group("user"))
            col = m.start("pw") + 1
            if pw is None:  # token-only form: https://TOKEN@host
                pw, user, col = m.group("user"), None, m.start("user") + 1
            secret = unquote(pw)
            if not secret or is_placeholder(secret):
                continue
            hits.append(Hit("git-credentials", secret, i + 1, col,
                            ctx(key="password", host=m.group("host"), section=m.group("host"), user=user)))
    return hits
