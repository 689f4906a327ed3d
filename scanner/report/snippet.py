"""The matched line, with every secret on it redacted in place, and lines around it: what
text, hook, audit and HTML reports show so a user can judge a finding without seeing it.

One place renders a line for a report (`show_line`): the secrets of every finding are
replaced by their redacted forms, control characters are escaped, long lines are cut
around the match. A line whose secret does not appear on it literally (decoded from
base64, or parsed from an encoded field) is not shown: the encoded form is the secret.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.model import Finding, Location

MAX_WIDTH = 160
HIDDEN_ENCODED = "(the value is encoded on this line: not shown)"
HIDDEN = "(not shown)"
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Line:
    number: int
    text: str  # redacted and escaped: safe to print
    hit: bool  # the matched line itself


def escape_controls(s: str) -> str:
    try:
        from scanner.redact import escape_terminal  # the content-safety work's one function
    except ImportError:
        return _CTRL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256
                         else f"\\u{ord(m.group(0)):04x}", s)
    return escape_terminal(s)


def redact_line(line: str, secrets: list[tuple[str, str]]) -> str:
    """Every (secret, redacted) of `secrets` replaced in `line`, longest first."""
    for secret, red in secrets:
        if secret and secret in line:
            line = line.replace(secret, red)
    return line


class Snippets:
    """Lines of the places findings were seen, read once per file or blob. Worktree files
    are read from disk beneath the root, index and history blobs from git, standard input
    from the scan result."""

    def __init__(self, result, findings: list[Finding], show_secrets: bool = False):
        self.root = result.root
        self.texts = getattr(result, "texts", {}) or {}
        self.show = show_secrets
        self._lines: dict[tuple, list[str] | None] = {}
        # every secret of the report, longest first; single lines of multi-line secrets too
        pairs = {(f.secret, f.redacted) for f in findings if f.secret}
        self.secrets = sorted(pairs, key=lambda p: -len(p[0]))
        self.secret_lines = {ln.strip() for f in findings if "\n" in f.secret
                             for ln in f.secret.split("\n")[1:] if len(ln.strip()) >= 8}
        self.encoded: dict[tuple, set[int]] = {}
        self._by_key: dict[tuple, list] = {}
        for f in findings:
            for loc in f.locations:
                self._by_key.setdefault(self._key(loc), []).append((f, loc))
        self._reader = None

    def _key(self, loc: Location) -> tuple:
        if loc.kind in ("history", "staged") and loc.blob:
            return ("blob", loc.blob)
        return (loc.kind, loc.path)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _data(self, key: tuple):
        if key[0] == "blob":
            from scanner.sources.history import BlobReader

            if self._reader is None:
                self._reader = BlobReader(self.root)
            for _, d in self._reader.read([key[1]]):
                return d
            return None
        if key[0] == "stdin":
            return self.texts.get(key[1])
        if key[0] == "worktree" and not key[1].startswith("/"):
            from scanner.sources.workspace import read_file

            return read_file(self.root, key[1])[0]
        return None

    def _read(self, key: tuple) -> list[str] | None:
        if key in self._lines:
            return self._lines[key]
        try:
            data = self._data(key)
        except Exception:  # noqa: BLE001 - a snippet is an extra: never fail the report over it
            self.close()
            data = None
        lines = None
        if data is not None:
            from scanner.engine import decode

            lines = decode(bytes(data)).split("\n")
            if len(lines) > 1 and lines[-1] == "":
                lines.pop()  # the file's final newline
            # lines holding a hit whose value is not literally there (decoded, parsed)
            for f, loc in self._by_key.get(key, ()):
                if 1 <= loc.line <= len(lines):
                    first = f.secret.split("\n", 1)[0]
                    if not first or first not in lines[loc.line - 1]:
                        self.encoded.setdefault(key, set()).add(loc.line)
        self._lines[key] = lines
        return lines

    def show_line(self, raw: str, column: int = 1) -> str:
        """One line made safe to print: secrets redacted, controls escaped, cut to width."""
        text = raw.rstrip("\r")
        if not self.show:
            if text.strip() in self.secret_lines:
                return HIDDEN
            text = redact_line(text, self.secrets)
        if len(text) > MAX_WIDTH:
            start = max(0, min(column - 1 - MAX_WIDTH // 3, len(text) - MAX_WIDTH))
            text = ("…" if start else "") + text[start:start + MAX_WIDTH] + ("…" if start + MAX_WIDTH < len(text) else "")
        return escape_controls(text)

    def safe(self, text: str) -> str:
        """A short string from the scanned content (a path): secrets redacted, controls escaped."""
        return escape_controls(text if self.show else redact_line(text, self.secrets))

    def around(self, loc: Location, context: int = 0) -> list[Line]:
        """The matched line of `loc` and `context` lines either side; [] when unreadable."""
        key = self._key(loc)
        lines = self._read(key)
        if lines is None or not (1 <= loc.line <= len(lines)):
            return []
        hidden = self.encoded.get(key, set())
        out = []
        for n in range(max(1, loc.line - context), min(len(lines), loc.line + context) + 1):
            if n in hidden and not self.show:
                text = HIDDEN_ENCODED
            else:
                text = self.show_line(lines[n - 1], loc.column if n == loc.line else 1)
            out.append(Line(n, text, n == loc.line))
        return out

    def matched(self, loc: Location) -> str | None:
        """The matched line alone, safe to print, or None when it cannot be read."""
        got = self.around(loc, 0)
        return got[0].text if got else None
