"""Redaction and terminal escaping: the two gates every piece of repository content passes
before credfence shows it (terminal, hook output, report files, agent-file diffs).

Redaction (a secret never leaves the process whole unless ``--show-secrets``)
-----------------------------------------------------------------------------

``redact(secret: str, prefixes=()) -> str``
    The displayable form of ONE whole credential: its public prefix (the longest of
    ``prefixes`` it starts with, e.g. a rule's keywords ``sk_live_``), at most three more
    characters and never more than a quarter of the rest, then ``…``. A secret shorter
    than ``SHOW_MIN_LEN`` shows no character past its public prefix, and whatever is
    shown always leaves at least ``MIN_HIDDEN`` characters hidden (else nothing is shown:
    ``…``). A PEM block shows its armour line only.

``redact_line(line: str, secrets: Iterable[str]) -> str``
    ``line`` with every occurrence of every secret replaced by ``redact(...)`` of the
    WHOLE credential around it (the occurrence widened over the token characters on both
    sides, see ``whole_credential``), so that a secret captured as a slice of a longer
    token never leaves the rest of the token on screen. Multi-line secrets (PEM blocks)
    are matched line by line. Secrets shorter than 4 characters are ignored (they would
    mask ordinary words). This is the function to show a matched line "with the secret
    redacted in place"; escape the result with ``escape_terminal`` afterwards (escaping
    first would change the bytes the secret is looked up by).

``redact_text(text: str, secrets: Iterable[str] = (), detected=None) -> str``
    Multi-line text taken from a repository file (an agent file's diff): ``redact_line``
    on every line with ``secrets``, then every value assigned to a secret-sounding key
    (``"API_TOKEN": "…"``, ``password = …``, ``secret: …``) masked whatever it looks
    like, then every value ``detected(text)`` returns (the caller passes
    ``scanner.detect.secrets_in_text``: redaction does not depend on detection).

Fragments: ``MIN_SECRET_LEN`` (8) is the shortest secret a rule from the user's
configuration may report and the shortest secret whose hash a baseline may store
(``scanner/baseline.py``): a hash of a shorter value is reversed by trying every value,
and short overlapping captures of one token would rebuild it. Captures of configuration
rules are widened to the whole credential (``whole_credential``) before they become a
finding, so no rule can make credfence hash or show a slice of a token.

Terminal escaping
-----------------

``escape_terminal(s: str, keep_newlines: bool = False) -> str``
    ``s`` with every character a terminal would act on, or that hides or reorders text,
    made visible as a Python-style escape: C0 controls (``\\x1b``, ``\\x07``; ``\\n``,
    ``\\r``, ``\\t`` by name), DEL, C1 controls, bidirectional overrides and isolates,
    zero-width and other invisible format characters, line/paragraph separators, and lone
    surrogates: an undecodable file-name byte (held as ``\\udcXX`` by ``surrogateescape``)
    shows as the byte, ``\\xXX``. With ``keep_newlines``, ``\\n`` and ``\\t`` stay as they
    are (for multi-line blocks such as diffs). Backslashes are not doubled: the output is
    for people, not a round-trippable encoding (JSON reports carry exact names).

``TerminalSafeWriter(stream)``
    A file-like wrapper for the rich console: the SGR colour sequences rich writes pass,
    everything else goes through ``escape_terminal(keep_newlines=True)``. A safety net
    behind the per-field escaping the renderers do.

Names in machine formats
------------------------

``json_str(s) -> str``: ``s`` as valid Unicode (lone surrogates become U+FFFD).
``path_fields(path) -> dict``: ``{"path": json_str(path)}`` plus, when that lost bytes
(a file name that is not UTF-8), ``"path_b64"``: the name's exact bytes in base64.
``name_bytes(path) -> bytes``: the exact bytes of a name credfence holds as ``str``.
"""
from __future__ import annotations

import base64
import re
from typing import Callable, Iterable
from detectors.vocabulary import SECRET_WORDS

ELLIPSIS = "…"
MIN_SECRET_LEN = 8  # shortest secret a configuration rule may report or a baseline may hash
SHOW_MIN_LEN = 12  # shorter secrets show no character past their public prefix
MIN_HIDDEN = 8  # a redacted form always hides at least this many characters
_LINE_MIN = 4  # redact_line ignores shorter secrets

# ---------------------------------------------------------------------------- redaction


def redact(secret: str, prefixes: list[str] | tuple[str, ...] = ()) -> str:
    """A few leading characters of the public prefix, then an ellipsis (module docstring)."""
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
    n = len(secret)
    rest = n - len(known)
    extra = min(3, rest // 4, rest - MIN_HIDDEN) if n >= SHOW_MIN_LEN else 0
    shown = secret[: len(known) + max(0, extra)]
    if n - len(shown) < MIN_HIDDEN:
        shown = ""
    return shown + ELLIPSIS


# characters a credential token is made of: base64, base64url, hex, JWT dots; '=' only at
# its end (padding), so `KEY=value` does not widen into the key's name
_TOKEN_LEFT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/.~")
_TOKEN_RIGHT = _TOKEN_LEFT | {"="}


def whole_credential(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the whole token around text[start:end]: widened over token
    characters on both sides (a slice of a token stands for the token)."""
    while start > 0 and text[start - 1] in _TOKEN_LEFT:
        start -= 1
    n = len(text)
    while end < n and text[end] in _TOKEN_RIGHT:
        end += 1
    return start, end


def _needles(secrets: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for s in secrets:
        if not s:
            continue
        for part in s.replace("\\n", "\n").split("\n") if "\n" in s or "\\n" in s else (s,):
            part = part.strip()
            if len(part) >= _LINE_MIN:
                out.add(part)
    return sorted(out, key=len, reverse=True)


def _mask_spans(line: str, spans: list[tuple[int, int]]) -> str:
    """Replace each (merged) span by the redacted form of its text."""
    if not spans:
        return line
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        out.append(line[pos:s])
        out.append(redact(line[s:e]))
        pos = e
    out.append(line[pos:])
    return "".join(out)


def _secret_spans(line: str, needles: list[str]) -> list[tuple[int, int]]:
    spans = []
    for s in needles:
        i = line.find(s)
        while i >= 0:
            spans.append(whole_credential(line, i, i + len(s)))
            i = line.find(s, i + len(s))
    return spans


def redact_line(line: str, secrets: Iterable[str]) -> str:
    """`line` with every occurrence of each secret, as a whole credential, redacted."""
    return _mask_spans(line, _secret_spans(line, _needles(secrets)))


# a value assigned to a name that says it is secret: JSON/TOML/YAML/env/INI forms
_SECRET_KEY = (r"[A-Za-z0-9_.\-]*(?:" + SECRET_WORDS + r"|access[_.\-]?key|session|cookie|signature|dsn|"
               r"conn(?:ection)?[_.\-]?str(?:ing)?|bearer|jwt|webhook|salt|license)[A-Za-z0-9_.\-]*")
_KEYED_VALUE = re.compile(
    r"""(?ix)(?P<key>["']?""" + _SECRET_KEY + r"""["']?)\s*(?::|=>|=)\s*
        (?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"',;#}\]]+))""")


def _keyed_spans(line: str) -> list[tuple[int, int]]:
    spans = []
    for m in _KEYED_VALUE.finditer(line):
        for g in ("dq", "sq", "bare"):
            if m.group(g):
                spans.append((m.start(g), m.end(g)))
    return spans


def redact_text(text: str, secrets: Iterable[str] = (),
                detected: Callable[[str], list[str]] | None = None) -> str:
    """Multi-line repository text with known secrets, secret-keyed values and whatever
    `detected` finds redacted (module docstring)."""
    needles = list(secrets)
    if detected is not None and text:
        try:
            needles += detected(text)
        except Exception:  # noqa: BLE001 - redaction must not fail for want of the detectors
            pass
    needles = _needles(needles)
    lines = text.split("\n")
    return "\n".join(_mask_spans(ln, _secret_spans(ln, needles) + _keyed_spans(ln)) for ln in lines)


# ---------------------------------------------------------------------------- terminal

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\u3164\ufeff\uffa0\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]")
_UNSAFE_BLOCK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\u3164\ufeff\uffa0\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _esc(m: re.Match) -> str:
    ch = m.group(0)
    named = _NAMED.get(ch)
    if named:
        return named
    c = ord(ch)
    if 0xDC80 <= c <= 0xDCFF:  # an undecodable byte kept by surrogateescape: show the byte
        return f"\\x{c - 0xDC00:02x}"
    if c < 0x100:
        return f"\\x{c:02x}"
    if c < 0x10000:
        return f"\\u{c:04x}"
    return f"\\U{c:08x}"


def escape_terminal(s: str, keep_newlines: bool = False) -> str:
    """`s` with every control, invisible or reordering character as a visible escape."""
    if not isinstance(s, str):
        s = str(s)
    return (_UNSAFE_BLOCK if keep_newlines else _UNSAFE).sub(_esc, s)


_SGR = re.compile(r"(\x1b\[[0-9;]*m)")


class TerminalSafeWriter:
    """A stream for rich's Console: its colour codes pass, nothing else that a terminal
    would act on does (see escape_terminal)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, s: str) -> int:
        parts = _SGR.split(s)
        self._stream.write("".join(p if i % 2 else escape_terminal(p, keep_newlines=True)
                                   for i, p in enumerate(parts)))
        return len(s)

    def __getattr__(self, name):  # isatty, fileno, flush, encoding...
        return getattr(self._stream, name)


# ---------------------------------------------------------------------------- names

_SURROGATE = re.compile("[\ud800-\udfff]")


def name_bytes(path: str) -> bytes:
    """The exact bytes of a name held as str (undecodable bytes as surrogateescape)."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that was not a byte (UTF-16 content)
        return path.encode("utf-8", "surrogatepass")


def json_str(s: str) -> str:
    """`s` as valid Unicode for a JSON or SARIF document: lone surrogates become U+FFFD."""
    return _SURROGATE.sub("\ufffd", s) if isinstance(s, str) else s


def json_safe(obj):
    """A JSON-ready structure with every string (keys too) made valid Unicode."""
    if isinstance(obj, str):
        return json_str(obj)
    if isinstance(obj, list):
        return [json_safe(x) for x in obj]
    if isinstance(obj, tuple):
        return [json_safe(x) for x in obj]
    if isinstance(obj, dict):
        return {json_safe(k): json_safe(v) for k, v in obj.items()}
    return obj


def path_fields(path: str, key: str = "path") -> dict:
    """{key: valid-Unicode name} plus {key + "_b64": exact bytes} when the name is not UTF-8."""
    shown = json_str(path)
    if shown == path:
        return {key: path}
    return {key: shown, key + "_b64": base64.b64encode(name_bytes(path)).decode("ascii")}
