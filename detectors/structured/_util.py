"""Small helpers shared by the structured-file parsers: placeholders, positions, safe loading.

Stdlib + PyYAML only. Nothing here executes or imports repository content.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter

MAX_PARSE = 2 * 1024 * 1024  # bytes of text we are willing to hand to a JSON/YAML parser

try:  # the lead's shared placeholder filter, when it exists
    from scanner.placeholders import is_placeholder as _shared_is_placeholder
except Exception:  # pragma: no cover - fallback keeps the package standalone
    _shared_is_placeholder = None

_PH_EXACT = {
    "", "changeme", "change_me", "change-me", "password", "passwd", "secret", "token", "none", "null",
    "nil", "true", "false", "undefined", "example", "dummy", "test", "todo", "tbd", "xxx", "redacted",
    "data+omitted", "omitted", "hidden", "masked", "placeholder", "your_password", "your-password",
}
_PH_RE = re.compile(
    r"(?i)^<.*>$|^\[.*\]$|\$\{|\{\{|\}\}|^\$[A-Za-z_(]|^%[A-Za-z_]+%$|example|placeholder|changeme|change_me|"
    r"dummy|redacted|your[_-]|^x{3,}|xxxx|\*\*\*|^\.\.\.|…|not[_-]?a[_-]?real|fake[_-]?(?:key|token|secret|password)"
)
_REPEAT_ONLY = re.compile(r"^(.)\1*$")


def is_placeholder(value: str, prefixes: tuple[str, ...] = (), shared: bool = True) -> bool:
    """True for values that are evidently not live credentials (templates, docs, masks).
    shared=False skips scanner.placeholders (its repeated-character test rejects real AWS
    session tokens, which contain runs of '/')."""
    v = (value or "").strip().strip("'\"")
    if v.lower() in _PH_EXACT or _REPEAT_ONLY.match(v) or _PH_RE.search(v):
        return True
    if not shared:
        return len(v) < 6
    if _shared_is_placeholder is not None:
        try:
            return bool(_shared_is_placeholder(v, prefixes))
        except Exception:
            return False
    return len(v) < 6


def entropy(s: str) -> float:
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


class Lines:
    """Offset <-> (line, column) conversion, both 1-based, computed lazily."""

    def __init__(self, text: str):
        self.text = text
        self._starts: list[int] | None = None

    def pos(self, offset: int) -> tuple[int, int]:
        if self._starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._starts = starts
        import bisect
        idx = bisect.bisect_right(self._starts, offset) - 1
        return idx + 1, offset - self._starts[idx] + 1


def b64decode_any(value: str) -> bytes | None:
    """Standard or URL-safe base64 (padding optional); None when it is not base64."""
    v = "".join(value.split())
    if not v or len(v) % 4 == 1:
        return None
    pad = "=" * (-len(v) % 4)
    try:
        if "-" in v or "_" in v:
            if "+" in v or "/" in v:
                return None
            return base64.urlsafe_b64decode(v + pad)
        return base64.b64decode(v + pad, validate=True)
    except (binascii.Error, ValueError):
        return None


def printable_text(raw: bytes, min_ratio: float = 0.95) -> str | None:
    """UTF-8 text that is mostly printable, else None."""
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not s:
        return None
    ok = sum(1 for c in s if c.isprintable() or c in "\n\r\t")
    return s if ok / len(s) >= min_ratio else None


def load_json(text: str):
    if len(text) > MAX_PARSE:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError, TypeError):
        return None


def compose_yaml_all(text: str) -> list:
    """YAML documents as node graphs (positions kept, aliases NOT expanded): safe against
    alias bombs because callers only follow fixed paths. [] on any error."""
    if len(text) > MAX_PARSE:
        return []
    import yaml
    # the pure-Python loader on purpose: libyaml's composer recurses in C and overflows the
    # stack (segfault) on deeply nested input; Python raises RecursionError, which we catch
    try:
        return [d for d in yaml.compose_all(text, Loader=yaml.SafeLoader) if d is not None]
    except Exception:  # yaml.YAMLError, RecursionError, ValueError on odd input
        return []


# --- YAML node helpers (operate on yaml.nodes without constructing Python objects) ---

def ymap(node) -> list[tuple]:
    """(key_node, value_node) pairs of a mapping node, [] otherwise."""
    import yaml
    if isinstance(node, yaml.MappingNode):
        return [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    return []


def yget(node, key: str):
    for k, v in ymap(node):
        if k.value == key:
            return v
    return None


def yseq(node) -> list:
    import yaml
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def ystr(node) -> str | None:
    import yaml
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
        return node.value
    return None


def ypos(node) -> tuple[int, int]:
    """1-based (line, column) where a scalar's value text starts."""
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    style = getattr(node, "style", None)
    if style in ('"', "'"):
        col += 1
    elif style in ("|", ">"):
        line, col = line + 1, 1  # block scalar: content starts on the next line
        try:
            buf = node.start_mark.buffer
            if buf:
                # column of the first content character
                nl = buf.find("\n", node.start_mark.index)
                j = nl + 1
                while j < len(buf) and buf[j] == " ":
                    j += 1
                col = j - nl
        except Exception:
            pass
    return line, col


def url_host(url: str) -> str | None:
    m = re.match(r"^\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//(?:[^@/\s]*@)?\[?([A-Za-z0-9_.\-]+)", url or "")
    if m:
        return m.group(1)
    m = re.match(r"^\s*([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)(?::\d+)?(?:/|$)", url or "")
    return m.group(1) if m else None


def ctx(key=None, section=None, host=None, user=None, **extra) -> dict:
    """Hit context. `section` is a list of enclosing names, innermost first (the shape
    scanner/context.py produces and scanner/blast.py reads); a single name is wrapped."""
    if isinstance(section, str):
        section = [section]
    if section:
        seen: list[str] = []
        for s in section:
            if s and isinstance(s, str) and s not in seen:
                seen.append(s)
        section = seen
    d = {"key": key, "section": section, "host": host, "user": user}
    d.update(extra)
    return {k: v for k, v in d.items() if v not in (None, "", [])}


_INI_SECTION = re.compile(r"^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$")
_INI_ITEM = re.compile(r"^(\s*)([A-Za-z0-9_.\-]+)\s*[=:]\s?[ \t]*(.*?)\s*$")


def ini_items(text: str):
    """Tolerant INI reader: yields (section, key, value, line, column), 1-based positions
    of the value. Comments (# ;) and continuation lines are skipped; unquoted values kept."""
    section = None
    for i, raw in enumerate(text.splitlines()):
        s = raw.strip()
        if not s or s[0] in "#;":
            continue
        m = _INI_SECTION.match(raw)
        if m:
            section = m.group(1)
            continue
        m = _INI_ITEM.match(raw)
        if not m:
            continue
        value = m.group(3)
        col = m.start(3) + 1
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value, col = value[1:-1], col + 1
        yield section, m.group(2), value, i + 1, col
