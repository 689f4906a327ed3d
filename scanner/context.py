"""Evidence read from the content around a hit: the name it is assigned to, the enclosing
section, the host of a URL. Computed once per hit (hits are rare), never per line.

The blast-radius stage (blast.py) turns this evidence into labels; this module only reads.
"""
from __future__ import annotations

import re

# `NAME = "`, `NAME: `, `"name": "`, `name=`, `--name `, `NAME := ` immediately left of the secret
_LEFT_KEY = re.compile(r"""([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:=>|:=|=|:|\s)\s*["'`]?\s*$""")
_LINE_KEY = re.compile(r"""^\s*(?:export\s+|set\s+|\$env:)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:=>|:=|=|:)""")
_INI_HEADER = re.compile(r"^\s*\[{1,2}\s*([^\]]+?)\s*\]{1,2}\s*$")
# a key that opens a block: YAML `name:`, and (fix: JSON and HCL/Python nesting gave no section
# evidence) JSON `"name": {`, HCL/Python `name = {`
_YAML_PARENT = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z0-9_.\-\"' ]+?)\s*(?::\s*[{\[]?|=\s*[{\[])\s*(?:#.*)?$")
_DOC_SEP = re.compile(r"^(?:---|\.\.\.)(?:\s.*)?$")
_NAMESPACE = re.compile(r"^\s*(namespace|project_id|project|cluster|context|environment|env|stage)\s*[:=]\s*[\"']?([A-Za-z0-9_.\-]+)")
_URL_HOST = re.compile(r"://(?:[^@/\s\"']*@)?\[?([A-Za-z0-9_.\-]+)")
_MAX_UP = 400  # lines to look upward for a section


def _key_near(line: str, col: int) -> str | None:
    prefix = line[:col]
    # a URL's credentials: the key is the name the whole URL is assigned to
    if "://" in prefix:
        prefix = prefix[: prefix.rfind("://")]
        prefix = re.sub(r"[A-Za-z0-9+.\-]*$", "", prefix)
    m = _LEFT_KEY.search(prefix)
    if m:
        return m.group(1)
    m = _LINE_KEY.match(line)
    return m.group(1) if m else None


def _sections(lines: list[str], idx: int) -> list[str]:
    """Enclosing INI/TOML headers and YAML parent keys, innermost first, plus
    file-level namespace/project markers."""
    out: list[str] = []
    line = lines[idx]
    indent = len(line) - len(line.lstrip())
    for j in range(idx - 1, max(-1, idx - _MAX_UP), -1):
        s = lines[j]
        if not s.strip() or s.lstrip().startswith("#"):
            continue
        m = _INI_HEADER.match(s)
        if m:
            out.append(m.group(1))
            break  # an INI section ends the search: nothing above encloses it
        lead = len(s) - len(s.lstrip())
        if lead < indent:
            m = _YAML_PARENT.match(s)
            if m:
                out.append(m.group(2).strip("\"' "))
                indent = lead
        if indent == 0 and out:
            break
    return out


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip())


def _blank(s: str) -> bool:
    t = s.strip()
    return not t or t.startswith(("#", ";", "//"))


def _parent(lines: list[str], j: int, lo: int) -> int | None:
    """Index of the line that opens the block holding lines[j] (by indentation), or None."""
    ind = _indent(lines[j])
    for k in range(j - 1, lo - 1, -1):
        if not _blank(lines[k]) and _indent(lines[k]) < ind:
            return k
    return None


def _ini_section(lines: list[str], j: int, lo: int) -> int | None:
    for k in range(j - 1, lo - 1, -1):
        if _INI_HEADER.match(lines[k]):
            return k
    return None


def _markers(lines: list[str], idx: int) -> list[str]:
    """namespace/project/environment markers that apply to the hit at lines[idx].

    Fix: markers were read from every line within 400 above and 50 below, so the namespace of
    another YAML document (`---`) or the `environment:` of a sibling CI job labelled the hit.
    Now a marker counts only in the hit's own YAML document, in its own INI/TOML section
    (or above every section header), and at document level (indent 0, or directly under a
    top-level key such as k8s `metadata:`) or inside a block that encloses the hit."""
    lo, hi = max(0, idx - _MAX_UP), min(len(lines), idx + 50)
    for k in range(idx - 1, lo - 1, -1):
        if _DOC_SEP.match(lines[k]):
            lo = k + 1
            break
    for k in range(idx + 1, hi):
        if _DOC_SEP.match(lines[k]):
            hi = k
            break
    hit_section = _ini_section(lines, idx, lo)
    ancestors: set[int] = set()
    p = _parent(lines, idx, lo) if lines[idx].strip() else None
    while p is not None:
        ancestors.add(p)
        p = _parent(lines, p, lo)
    out = []
    for j in range(lo, hi):
        m = _NAMESPACE.match(lines[j])
        if not m:
            continue
        sec = _ini_section(lines, j, lo)
        if sec is not None and sec != hit_section:
            continue  # another INI/TOML section
        if _indent(lines[j]) > 0:
            par = _parent(lines, j, lo)
            if par is not None and _indent(lines[par]) > 0 and par not in ancestors:
                continue  # inside a sibling block (another CI job, another service)
        out.append(m.group(2))
    return out


def extract(lines: list[str], idx: int, col: int, groups: dict | None = None) -> dict:
    """Evidence around the hit at lines[idx], character column col (0-based)."""
    line = lines[idx] if 0 <= idx < len(lines) else ""
    ctx: dict = {}
    if len(line) > 4096:  # a minified line: only the immediate neighbourhood means anything
        start = max(0, col - 200)
        line, col = line[start: col + 200], col - start
    key = _key_near(line, col)
    if key:
        ctx["key"] = key
    if groups:
        for k, v in groups.items():
            if v and k != "secret":
                ctx[k] = v
    if "host" not in ctx:
        m = _URL_HOST.search(line, max(0, col - 200))
        if m:
            ctx["host"] = m.group(1)
    if len(lines) > 1:
        secs = _sections(lines, idx)
        marks = _markers(lines, idx)
        if secs:
            ctx["section"] = secs
        if marks:
            ctx["markers"] = marks
    return ctx
