"""Decoding (issue 8 item 3): base64 and URL-encoded values in secret-bearing contexts are
decoded so the engine can scan the decoded text once more with its regex rules.

`decoded_texts(text)` returns (line, decoded_text) pairs, line 1-based in `text`; every
decoded line belongs to that one line. A value is decoded only when it sits in a secret-bearing
context: right after a secret-sounding key (`password`, `token`, `secret`, `auth`, `*_key`,
`credentials`, `config` ...), after a `data:`/`value:` key, or inside a YAML `data:` /
`stringData:` / `binaryData:` block. Decoded text is decoded again up to `max_depth` levels;
the total decoded size is capped at `max_len` characters.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from ._util import b64decode_any, printable_text, split_lines
from detectors.memo import BoundedMemo
from detectors.vocabulary import SECRET_WORDS

# a candidate line in a text with a data block: a long base64-ish run, or a %XX escape. What
# _run_lines finds in bytes, at C speed; the regex is its definition (the tests compare them)
_PRE = re.compile(r"[A-Za-z0-9+/_\-]{24}|%[0-9A-Fa-f]{2}")
# a key is tried only where a run of name characters starts (its leading digits, dots and
# dashes skipped, as a start within the run would): tried at every character of a run, a
# minified bundle's 80,000-character lines cost 0.15 s each (sequelize's history holds 34
# versions of Yarn's 3 MB release bundle; five of its lines took 5.1 s, now 0.065)
_ASSIGN = re.compile(r"""(?<![A-Za-z0-9_.\-])[0-9.\-]*(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?::|=|=>)\s*"""
                     r"""(?:!!binary\s+)?["'`]?(?P<val>[^\s"'`,;<>{}()\[\]]{8,})""")
_KEY = re.compile(
    r"(?i)" + SECRET_WORDS + r"|private|"
    r"(?:^|[_.\-])key(?:$|[_.\-])|key$|config|cfg|dockerconfigjson|^data$|^value$|^payload$|connection")
_VAL = re.compile(r"""[:=][ \t]*(?:!!binary[ \t]+)?["'`]?(?:[A-Za-z0-9+/_\-]{24}|[^\s"'`%]{0,200}%[0-9A-Fa-f]{2})""")
_B64 = re.compile(r"^(?:[A-Za-z0-9+/]{24,}={0,2}|[A-Za-z0-9_\-]{24,}={0,2})$")
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_BLOCK_PARENT = re.compile(r"^\s*(?:data|stringData|binaryData|secrets?|credentials)\s*:\s*(?:#.*)?$")
_MAX_CANDIDATES = 2000


def _in_data_block(lines: list[str], idx: int) -> bool:
    line = lines[idx]
    indent = len(line) - len(line.lstrip())
    if indent == 0:
        return False
    for j in range(idx - 1, max(-1, idx - 500), -1):
        s = lines[j]
        if not s.strip() or s.lstrip().startswith("#"):
            continue
        lead = len(s) - len(s.lstrip())
        if lead < indent:
            return bool(_BLOCK_PARENT.match(s))
    return False


def _decode_value(val: str) -> str | None:
    if _B64.match(val) and not re.fullmatch(r"[0-9a-fA-F]+", val):
        raw = b64decode_any(val)
        if raw is not None:
            return printable_text(raw)
        return None
    if _PCT.search(val):
        dec = unquote(val)
        return dec if dec != val else None
    return None


def _candidates(text: str) -> list[tuple[int, str]]:
    # cheap pre-check: an assignment of a long base64-ish or %-escaped value; inside YAML data
    # blocks (where the key name says nothing) any long base64 run
    if "data:" in text or "Data:" in text:
        idxs = _run_lines(text)
    else:
        idxs = _matching_lines(text, _VAL)
    out: list[tuple[int, str]] = []
    lines = split_lines(text) if idxs else []
    for idx in idxs:
        out += _line_candidates(lines, idx)
        if len(out) >= _MAX_CANDIDATES:
            return out[:_MAX_CANDIDATES]
    return out


def _matching_lines(text: str, rx: re.Pattern) -> list[int]:
    """The (0-based) lines where rx matches, each looked for from its line's start."""
    first = rx.search(text)
    if first is None:
        return []
    from ._util import Lines
    where = Lines(text)
    starts = where.starts
    out: list[int] = []
    pm = first
    while pm is not None:
        idx = where.index_of(pm.start())
        out.append(idx)
        if idx + 1 >= len(starts):
            break
        pm = rx.search(text, starts[idx + 1])  # each line once: on to the next line's first match
    return out


# _PRE's base64-ish characters as "a", any other byte a space, the newline kept
_RUN_MASK = bytes(0x61 if chr(b) in "+/_-" or (chr(b).isascii() and chr(b).isalnum()) else 0x0A if b == 0x0A else 0x20
                  for b in range(256))
_RUN = b"a" * 24
_PCT_BYTES = re.compile(rb"%[0-9A-Fa-f]{2}")


def _run_lines(text: str) -> list[int]:
    """_matching_lines(text, _PRE), found in bytes: the runs of 24 base64-ish characters
    by find() in a mask of the text, the %XX escapes by a search that starts at a literal.
    Python's regex tried the run at every character: a Helm chart's values.yaml (179 kB,
    300 candidate lines, decoded whole at each of its 449 versions in argo-helm's history)
    took 4.3 ms, this 0.6."""
    data = text.encode("utf-8", "surrogatepass")  # ASCII byte for byte; any other character, bytes over 0x7F
    mask = data.translate(_RUN_MASK)
    found: set[int] = set()
    line = counted = 0
    p = mask.find(_RUN)
    while p >= 0:
        line += mask.count(b"\n", counted, p)
        counted = p
        found.add(line)
        nl = mask.find(b"\n", p)
        if nl < 0:
            break
        p = mask.find(_RUN, nl + 1)
    line = counted = 0
    for m in _PCT_BYTES.finditer(data):
        line += data.count(b"\n", counted, m.start())
        counted = m.start()
        found.add(line)
    return sorted(found)


def _line_candidates(lines: list[str], idx: int) -> list[tuple[int, str]]:
    """Decoded values assigned on lines[idx] under a secret-bearing key or in a data block."""
    line = lines[idx]
    if len(line) > 100_000:
        return []
    out: list[tuple[int, str]] = []
    in_block = None  # _in_data_block, looked for once, when a value's key does not say
    for secret_key, dec in _line_values(line):
        if not secret_key:
            if in_block is None:
                in_block = _in_data_block(lines, idx)
            if not in_block:
                continue
        out.append((idx + 1, dec))
    return out


# a line -> its values that decode (_line_values), for 4 M characters of lines: a text decoded
# whole at each version of a file (a Helm chart's values.yaml) holds the same lines again
_LINE_VALUES = BoundedMemo(4_000_000)


def _line_values(line: str) -> tuple[tuple[bool, str], ...]:
    """(whether its key is secret-sounding, the decoded text) of each value assigned on the
    line that decodes to some text, in order; remembered per line."""
    got = _LINE_VALUES.get(line)
    if got is None:
        found = []
        for m in _ASSIGN.finditer(line):
            val = m.group("val")
            if _B64.match(val) or _PCT.search(val):
                dec = _decode_value(val)
                if dec and dec.strip():
                    found.append((bool(_KEY.search(m.group("key"))), dec))
        got = _LINE_VALUES.keep(line, tuple(found), len(line) + sum(len(d) for _, d in found) + 60)
    return got


def line_values(line: str) -> list[str]:
    """Every value on the line that decoded_lines could decode, whatever key it is under
    and whatever block the line sits in: a superset of what it decodes there."""
    if len(line) > 100_000:
        return []
    return [dec for _, dec in _line_values(line)]


def decoded_lines(lines: list[str], idxs, max_depth: int = 2, max_len: int = 64 * 1024) -> list[tuple[int, str]]:
    """Like decoded_texts, for the candidate lines the engine's single pass found (0-based
    indexes): the whole text is never re-read in Python."""
    first: list[tuple[int, str]] = []
    for idx in sorted(idxs):
        if 0 <= idx < len(lines):
            first += _line_candidates(lines, idx)
        if len(first) >= _MAX_CANDIDATES:
            break
    out: list[tuple[int, str]] = []
    budget = max_len
    for line, dec in first:
        if len(dec) > budget:
            break
        budget -= len(dec)
        out.append((line, dec))
        if max_depth > 1:  # a value encoded twice: decode once more, within the same budget
            for _l, dec2 in decoded_texts(dec, max_depth - 1, budget):
                out.append((line, dec2))
    return out


def decoded_texts(text: str, max_depth: int = 2, max_len: int = 64 * 1024) -> list[tuple[int, str]]:
    result: list[tuple[int, str]] = []
    seen: set[tuple[int, str]] = set()
    budget = max_len
    frontier: list[tuple[int, str]] = [(0, text)]  # (line in the original text, or 0 for the text itself)
    for _depth in range(max(0, max_depth)):
        nxt: list[tuple[int, str]] = []
        for base_line, t in frontier:
            try:
                cands = _candidates(t)
            except Exception:  # never raise on odd input
                cands = []
            for line, dec in cands:
                orig = base_line or line
                if (orig, dec) in seen:
                    continue
                if len(dec) > budget:
                    return result
                budget -= len(dec)
                seen.add((orig, dec))
                result.append((orig, dec))
                nxt.append((orig, dec))
        if not nxt:
            break
        frontier = nxt
    return result
