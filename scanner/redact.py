"""Redaction: the only form in which a secret leaves the process unless --show-secrets."""
from __future__ import annotations

import re

ELLIPSIS = "…"


def redact(secret: str, prefixes: list[str] | tuple[str, ...] = ()) -> str:
    """A few leading characters of the public prefix, then an ellipsis.

    Never returns a string that contains the whole secret: at most a quarter of the
    non-prefix part, and at most three of its characters, are shown.
    """
    if not secret:
        return ELLIPSIS
    if secret.startswith("-----BEGIN"):
        # the armour line only: the body may follow a real newline or an escaped "\n"
        m = re.match(r"-----BEGIN[A-Z0-9 ]{0,40}-----", secret)
        return (m.group(0) if m else "-----BEGIN") + ELLIPSIS
    known = ""
    for p in sorted(prefixes, key=len, reverse=True):
        if p and len(p) < len(secret) and secret.lower().startswith(p.lower()):
            known = secret[: len(p)]
            break
    rest = len(secret) - len(known)
    extra = min(3, rest // 4)
    shown = secret[: len(known) + extra]
    if len(shown) >= len(secret):  # only possible for tiny secrets
        shown = ""
    return shown + ELLIPSIS
