"""Small helpers shared by the structured-file parsers: placeholders, positions, safe loading.

Stdlib + PyYAML only. Nothing here executes or imports repository content.
"""
from __future__ import annotations

import base64
import binascii
import json
import re

from detectors.lines import Lines, split_lines  # noqa: F401 - the parsers' line index and lines
from detectors.placeholders import is_config_placeholder as is_placeholder  # noqa: F401 - one home
from detectors.placeholders import shannon_entropy as entropy  # noqa: F401 - one entropy

MAX_PARSE = 2 * 1024 * 1024  # bytes of text we are willing to hand to a JSON/YAML parser

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


_COMPOSED: tuple = (None, None, [])  # the last text and `wanted` compose_yaml_all composed, and its documents


def _doc_starts(text: str) -> list[int]:
    """Where each line that starts a YAML document begins: `---`, then a space or the line's
    end (PyYAML's own test). Found with str.find, not a `^` pattern in
    re.M, which tries every position of the text (argo-cd's 2 MB install manifests, in
    thousands of versions: 17 ms a version, half of its history scan)."""
    out = [0] if text.startswith("---") and text[3:4] in ("", " ", "\t", "\r", "\n") else []
    i = text.find("\n---")
    while i >= 0:
        if text[i + 4:i + 5] in ("", " ", "\t", "\r", "\n"):
            out.append(i + 1)
        i = text.find("\n---", i + 4)
    return out


def _has_directive(text: str) -> bool:
    """A line starting with `%` (`%YAML`, `%TAG`): it belongs to the document after it."""
    return text.startswith("%") or "\n%" in text


def declaring(*kinds: str) -> re.Pattern:
    """compose_yaml_all's `wanted` for a parser of these kinds: a `kind:` naming one of them
    (quoted or not, JSON or YAML, a tag or an anchor before it), anywhere in a document."""
    return re.compile(r"""kind["']?\s*:\s*(?:[!&]\S*\s+){0,2}["']?(?:%s)\b""" % "|".join(kinds))


def compose_yaml_all(text: str, wanted: re.Pattern | None = None) -> list:
    """YAML documents as node graphs (positions kept, aliases NOT expanded): safe against
    alias bombs because callers only follow fixed paths, and never change the nodes (the
    last text's documents are kept: a Kubernetes Secret is composed for its parser, then
    again for its decoded data, at each of its versions). [] on any error.

    wanted: in a text of several documents (`---` lines), only those whose text it finds
    are composed, each on its own (its marks' lines counted from the text's start), and
    one that fails takes only itself: a generated install manifest of hundreds of
    resources holds one Secret (linkerd2's, in thousands of versions: composing every
    document was a quarter of its history scan)."""
    global _COMPOSED
    last = _COMPOSED  # (read once: a thread replacing it meanwhile cannot mix two texts' documents)
    if last[0] is text and last[1] is wanted:
        return last[2]
    if len(text) > MAX_PARSE:
        return []
    starts = _doc_starts(text) if wanted is not None else []
    if starts and starts[0]:
        starts.insert(0, 0)  # a first document without its `---`
    if len(starts) < 2 or _has_directive(text):
        docs = _compose(text)
    else:
        docs, line, at = [], 0, 0
        for st, en in zip(starts, starts[1:] + [len(text)]):
            if wanted.search(text, st, en):
                line += text.count("\n", at, st)
                at = st
                docs += [_lines_from(d, line) for d in _compose(text[st:en])]
    _COMPOSED = (text, wanted, docs)
    return docs


def _compose(text: str) -> list:
    import yaml
    # the pure-Python loader on purpose: libyaml's composer recurses in C and overflows the
    # stack (segfault) on deeply nested input; Python raises RecursionError, which we catch
    try:
        return [d for d in yaml.compose_all(text, Loader=yaml.SafeLoader) if d is not None]
    except Exception:  # yaml.YAMLError, RecursionError, ValueError on odd input
        return []


def _lines_from(doc, line: int):
    """The document composed from a text's part starting at `line` (0-based), its nodes'
    marks moved down by that many lines (each mark once: nodes and aliases share them).
    Their `index` and `buffer` stay the part's (ypos reads them together)."""
    import yaml

    if not line:
        return doc
    seen: set[int] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for mark in (node.start_mark, node.end_mark):
            if mark is not None and id(mark) not in seen:
                seen.add(id(mark))
                mark.line += line
        if isinstance(node, yaml.MappingNode):
            stack += [x for pair in node.value for x in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return doc


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
    for i, raw in enumerate(split_lines(text)):
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
