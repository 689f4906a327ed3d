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
    lines = Lines(text)
    result: list[tuple[int, str]] = []
    pos = 0
    for want in wanted:
        # find the next "source"/"text" field in the raw file that decodes to this text
        line = None
        for m in _FIELD.finditer(text, pos):
            try:
                val, end = _DEC.raw_decode(text, m.end())
            except ValueError:
                continue
            if _joined(val) == want:
                first = m.end()
                if isinstance(val, list):
                    q = text.find('"', m.end())
                    first = q if q != -1 else first
                line = lines.pos(first)[0]
                pos = end
                break
        result.append((line or 1, want))
    return result
