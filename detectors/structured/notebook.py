"""Jupyter notebooks: the cell sources (and text outputs) are JSON-escaped strings, so the
regex rules miss what spans an escape. `notebook_texts` un-escapes them into virtual texts the
engine scans with its regex rules; this module does not match credentials itself.

Each item is (first_line, text): `first_line` is the 1-based line of the .ipynb file where the
text's first line sits. In the usual nbformat layout (one JSON string per source line) virtual
line k (1-based) is file line `first_line + k - 1`; in a compact one-line notebook every line
maps to `first_line`, which is the best a JSON file allows.
"""
from __future__ import annotations

import json
import re

from ._util import Lines, load_json

_FIELD = re.compile(r'"(source|text|text/plain)"\s*:\s*')
_DEC = json.JSONDecoder()


def _joined(v) -> str | None:
    if isinstance(v, str):
        return v
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return "".join(v)
    return None


def _wanted(nb) -> list[str]:
    """The texts, in document order: each cell's source, then its text outputs."""
    out: list[str] = []
    for cell in nb.get("cells") or [] if isinstance(nb, dict) else []:
        if not isinstance(cell, dict):
            continue
        s = _joined(cell.get("source"))
        if s:
            out.append(s)
        for o in cell.get("outputs") or []:
            if not isinstance(o, dict):
                continue
            t = _joined(o.get("text"))
            if t:
                out.append(t)
            d = o.get("data")
            if isinstance(d, dict):
                t = _joined(d.get("text/plain"))
                if t:
                    out.append(t)
    return out


def notebook_texts(text: str) -> list[tuple[int, str]]:
    nb = load_json(text)
    if not isinstance(nb, dict):
        return []
    try:
        wanted = _wanted(nb)
    except Exception:
        return []
    from collections import Counter
    remaining = Counter(wanted)
    lines = Lines(text)
    result: list[tuple[int, str]] = []
    # walk the raw "source"/"text" fields in file order (nbformat sorts keys, so outputs come
    # before source) and keep those that decode to a wanted text
    for m in _FIELD.finditer(text):
        if not remaining:
            break
        try:
            val, _end = _DEC.raw_decode(text, m.end())
        except (ValueError, RecursionError):
            continue
        joined = _joined(val)
        if joined is None or remaining[joined] <= 0:
            continue
        remaining[joined] -= 1
        first = m.end()
        if isinstance(val, list):
            q = text.find('"', m.end())
            first = q if q != -1 else first
        result.append((lines.pos(first)[0], joined))
    for t, n in remaining.items():  # not located (odd escaping): report at line 1
        result.extend((1, t) for _ in range(n))
    return result
