"""Inline allow markers: `credfence: allow`, and those users already have in their code
(detect-secrets' `pragma: allowlist secret`, `gitleaks:allow`, `kingfisher:ignore`,
`trufflehog:ignore`, GitGuardian's `ggignore` (its own tests mark their fixtures so), and the
markers that silence the hard-coded credential checks of gosec and bandit, `#nosec` and
golangci-lint's `nolint:gosec`: cloudflared's Sentry DSN is `//nolint:gosec // ... safe to be
public`), on the hit's line or the line before."""
from __future__ import annotations

import re

_MARKER = re.compile(
    r"credfence\s*:\s*allow"
    r"|pragma\s*:\s*allowlist[ \t-]+(?:nextline[ \t-]+)?secret"
    r"|gitleaks\s*:\s*allow"
    r"|kingfisher\s*:\s*ignore"
    r"|trufflehog\s*:\s*ignore"
    r"|(?<![\w.])ggignore\b"
    r"|#\s*nosec\b"
    r"|nolint\s*:\s*(?:[\w-]+,)*gosec\b",
    re.IGNORECASE,
)
_TOOLS = ("credfence", "pragma", "gitleaks", "kingfisher", "trufflehog", "ggignore", "nosec", "gosec")
# a line longer than _WHOLE is searched in windows around its tools' names: a marker starts at
# most _BEFORE characters before its tool's name (`nolint:` and a list of linters before
# gosec) and ends within _AFTER after it (`pragma: allowlist nextline secret`)
_WHOLE, _BEFORE, _AFTER = 4096, 256, 64


def has_allow_marker(line: str) -> bool:
    """True when `line` carries an inline allow marker (see the module docstring)."""
    if not line:
        return False
    low = line.lower()
    if "allow" not in low and "ignore" not in low and "nosec" not in low and "gosec" not in low:
        return False
    # the marker's tool names first, at C speed: the case-blind regex ran at a few MB/s on
    # a built site's one-line search index, which says "allow" in its prose
    if not any(w in low for w in _TOOLS):
        return False
    if len(line) <= _WHOLE:
        return _MARKER.search(line) is not None
    # a long line is searched only around each tool's name: dplyr's pkgdown search.json, one
    # line of 883 kB saying "pragma" once, took 64 ms a version, 70 % of its history scan
    for w in _TOOLS:
        i = low.find(w)
        while i >= 0:
            if _MARKER.search(line, max(0, i - _BEFORE), i + len(w) + _AFTER):
                return True
            i = low.find(w, i + 1)
    return False


def line_allowed(line: str, previous_line: str | None = None) -> bool:
    """A hit on `line` is suppressed by a marker on that line or on the line before."""
    return has_allow_marker(line) or (previous_line is not None and has_allow_marker(previous_line))
