"""Matching: every rule in one Hyperscan database, confirmed in Python on the hit's line.

Hyperscan (compiled with HS_FLAG_PREFILTER, so it may over-report but never misses)
says which rules fire on which lines of a blob in one pass; only those (rule, line) pairs
run the rule's Python regex, then the checks that need code: placeholder rejection,
entropy, nearby context, validators, allow markers. Where Hyperscan cannot load, a
pure-Python path finds candidate lines by the rules' keywords instead; both paths feed
the same confirmation step, so they report the same hits (the tests run both).

The compiled database is cached on disk keyed by a hash of the patterns.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right

from scanner import context as ctxmod
from scanner.model import Hit, Rule
from scanner.placeholders import is_placeholder, shannon_entropy

MULTILINE_WINDOW = 20000  # characters before a multi-line hit's end to look for its start
GENERIC_RULE = "generic-secret"
# lines where a secret-sounding name is assigned a value: candidates for detect-secrets'
# keyword plugin (the only place generic secrets come from)
GENERIC_CANDIDATE = (
    r"(?i)(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_\-.]?key|apikey|auth[_\-.]?key|"
    r"credential|private[_\-.]?key|access[_\-.]?key|client[_\-.]?secret)[A-Za-z0-9_.\-]*[\"']?\s*(?:=|:|=>)"
)
_ALLOW = ("credfence: allow", "credfence:allow", "pragma: allowlist secret", "gitleaks:allow")
_ALLOW_NEXT = ("pragma: allowlist nextline secret",)


def allowed(lines: list[str], idx: int) -> bool:
    """An inline allow marker on the hit's line, or on the line before it."""
    line = lines[idx].lower() if idx < len(lines) else ""
    if any(m in line for m in _ALLOW):
        return True
    if idx > 0:
        prev = lines[idx - 1].lower()
        return any(m in prev for m in _ALLOW + _ALLOW_NEXT)
    return False


def is_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a BOM: decoded, not skipped
    return b"\0" in head


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "surrogateescape")


class _Lines:
    """Line lookups over one text, built lazily: most texts have no hit at all."""

    def __init__(self, text: str):
        self.text = text
        self._starts: list[int] | None = None
        self._lines: list[str] | None = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._starts = starts
        return self._starts

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def index_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1


class Engine:
    def __init__(self, rules: list[Rule], use_hyperscan: bool | None = None, generic: bool = True):
        self.rules = rules
        self.by_id = {r.id: r for r in rules}
        self.regex_rules = [r for r in rules if r.regex is not None]
        self.generic = generic and GENERIC_RULE in self.by_id
        self._generic_re = re.compile(GENERIC_CANDIDATE, re.ASCII)
        self._kw: list[tuple[str, list[int]]] = []
        self._always: list[int] = []
        self._hs = None
        self._hs_fallback: list[int] = []  # rules Hyperscan cannot compile: keyword path
        self.hyperscan = False
        if use_hyperscan is not False:
            self._hs = self._load_hyperscan()
            self.hyperscan = self._hs is not None
            if use_hyperscan and not self.hyperscan:
                raise RuntimeError("hyperscan is not available")
        self._build_keywords(range(len(self.regex_rules)) if not self.hyperscan else self._hs_fallback)

    # ---- candidate search -------------------------------------------------------------
    def _build_keywords(self, idxs) -> None:
        kw: dict[str, list[int]] = {}
        for i in idxs:
            r = self.regex_rules[i]
            if not r.keywords:
                self._always.append(i)
            for k in {k.lower() for k in r.keywords}:
                kw.setdefault(k, []).append(i)
        self._kw = sorted(kw.items())

    def _load_hyperscan(self):
        try:
            import hyperscan
        except Exception:  # ImportError, or a broken shared library
            return None
        from scanner import cache

        pats = [r.pattern for r in self.regex_rules] + [GENERIC_CANDIDATE]
        digest = hashlib.sha256(("\0".join(pats) + hyperscan.__version__).encode()).hexdigest()[:24]
        name = f"hs-{digest}.db"
        meta = cache.load_json(name + ".json")
        blob = cache.load_bytes(name)
        if blob is not None and meta is not None:
            try:
                db = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
                self._hs_ids = meta["ids"]
                self._hs_fallback = meta["fallback"]
                db.scratch = hyperscan.Scratch(db)
                return db
            except Exception:
                pass
        ids, exprs, bad = [], [], []
        for i, p in enumerate(pats):
            try:
                probe = hyperscan.Database()
                probe.compile(expressions=[p.encode()], ids=[0], elements=1, flags=[hyperscan.HS_FLAG_PREFILTER])
            except Exception:
                bad.append(i)
                continue
            ids.append(i)
            exprs.append(p.encode())
        try:
            db = hyperscan.Database()
            db.compile(expressions=exprs, ids=ids, elements=len(exprs),
                       flags=[hyperscan.HS_FLAG_PREFILTER] * len(exprs))
        except Exception:
            return None
        self._hs_ids = ids
        self._hs_fallback = [i for i in bad if i < len(self.regex_rules)]
        cache.store_bytes(name, hyperscan.dumpb(db))
        cache.store_json(name + ".json", {"ids": ids, "fallback": self._hs_fallback})
        return db

    def _candidates_hs(self, data: bytes) -> tuple[dict[int, set[int]], list[int]]:
        """rule index -> byte end offsets, and end offsets of generic candidates."""
        found: dict[int, set[int]] = {}
        generic: list[int] = []
        n = len(self.regex_rules)

        def on_match(i, _frm, to, _flags, _ctx):
            if i == n:
                generic.append(to)
            else:
                found.setdefault(i, set()).add(to)
            return False

        self._hs.scan(data, match_event_handler=on_match)
        return found, generic

    def _candidate_lines_keywords(self, text: str, lines: _Lines, idxs_kw) -> dict[int, set[int]]:
        low = text.lower()
        out: dict[int, set[int]] = {}
        for k, idxs in idxs_kw:
            pos = low.find(k)
            if pos < 0:
                continue
            line_ids: set[int] = set()
            while pos >= 0:
                li = lines.index_of(pos)
                line_ids.add(li)
                # jump to the next line: one candidate per line is enough
                nxt = lines.starts[li + 1] if li + 1 < len(lines.starts) else len(low)
                pos = low.find(k, nxt)
            for i in idxs:
                out.setdefault(i, set()).update(line_ids)
        return out

    # ---- scanning ----------------------------------------------------------------------
    def scan_bytes(self, data: bytes, path: str = "") -> list[Hit]:
        return self.scan_text(decode(data), path, data if self.hyperscan and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) else None)

    def scan_text(self, text: str, path: str = "", data: bytes | None = None) -> list[Hit]:
        lines = _Lines(text)
        rule_lines: dict[int, set[int]] = {}
        generic_lines: set[int] = set()
        if self.hyperscan:
            if data is None:
                data = text.encode("utf-8", "surrogateescape")
            ends, gen_ends = self._candidates_hs(data)
            if ends or gen_ends:
                # byte offsets -> line numbers; bytes and text have the same newlines
                nl = _newlines(data)

                def line_of(to: int) -> int:  # `to` is one past the last byte of the match
                    return bisect_left(nl, max(0, to - 1))
                for i, offs in ends.items():
                    rule_lines[i] = {line_of(o) for o in offs}
                generic_lines = {line_of(o) for o in gen_ends}
            if self._kw or self._always:
                for i, ls in self._candidate_lines_keywords(text, lines, self._kw).items():
                    rule_lines.setdefault(i, set()).update(ls)
        else:
            rule_lines = self._candidate_lines_keywords(text, lines, self._kw)
            if self.generic:
                generic_lines = {lines.index_of(m.start()) for m in self._generic_re.finditer(text)}
        for i in self._always:
            rule_lines[i] = set(range(len(lines.starts)))

        hits: list[Hit] = []
        for i, lset in rule_lines.items():
            rule = self.regex_rules[i]
            if rule.multiline:
                hits += self._confirm_multiline(rule, lines, lset)
            else:
                for li in sorted(lset):
                    hits += self._confirm(rule, lines, li, lines.lines[li])
        if self.generic and generic_lines:
            from detectors.generic import generic_hits

            taken = {(h.line, h.secret) for h in hits}
            for li in sorted(generic_lines):
                if li < len(lines.lines) and not allowed(lines.lines, li):
                    for h in generic_hits(lines.lines[li], li + 1, path):
                        if (h.line, h.secret) in taken or any(h.line == o.line and (h.secret in o.secret or o.secret in h.secret) for o in hits):
                            continue
                        h.context = ctxmod.extract(lines.lines, li, h.column - 1)
                        hits.append(h)
        return _dedupe(hits)

    def _confirm(self, rule: Rule, lines: _Lines, li: int, line: str, base_col: int = 0) -> list[Hit]:
        out = []
        for m in rule.regex.finditer(line):
            secret = m.group("secret")
            if not secret:
                continue
            if not self._accept(rule, secret, lines.lines, li):
                continue
            extra = self._validate(rule, secret, m)
            if extra is None:
                continue
            col = m.start("secret")
            groups = {k: v for k, v in m.groupdict().items() if k != "secret" and v}
            ctx = ctxmod.extract(lines.lines, li, col, groups)
            rule_id = rule.id
            if isinstance(extra, dict):
                rule_id = extra.pop("rule_id", rule_id)
                ctx.update(extra)
            out.append(Hit(rule_id, secret, li + 1, base_col + col + 1, ctx))
        return out

    def _confirm_multiline(self, rule: Rule, lines: _Lines, lset: set[int]) -> list[Hit]:
        out = []
        done_until = -1
        text = lines.text
        for li in sorted(lset):
            end = lines.starts[li + 1] if li + 1 < len(lines.starts) else len(text)
            if end <= done_until:
                continue
            start = lines.starts[lines.index_of(max(0, end - MULTILINE_WINDOW))]
            for m in rule.regex.finditer(text, start, end):
                secret = m.group("secret")
                s_li = lines.index_of(m.start("secret"))
                if not secret or allowed(lines.lines, s_li):
                    continue
                if rule.entropy and shannon_entropy(secret) < rule.entropy:
                    continue
                extra = self._validate(rule, secret, m)
                if extra is None:
                    continue
                col = m.start("secret") - lines.starts[s_li]
                ctx = ctxmod.extract(lines.lines, s_li, col)
                rule_id = rule.id
                if isinstance(extra, dict):
                    rule_id = extra.pop("rule_id", rule_id)
                    ctx.update(extra)
                out.append(Hit(rule_id, secret, s_li + 1, col + 1, ctx))
            done_until = end
        return out

    def _accept(self, rule: Rule, secret: str, lines: list[str], li: int) -> bool:
        if is_placeholder(secret, rule.keywords):
            return False
        if rule.entropy and shannon_entropy(secret) < rule.entropy:
            return False
        if rule.context_regex is not None:
            lo, hi = max(0, li - rule.context_lines), min(len(lines), li + rule.context_lines + 1)
            if not any(rule.context_regex.search(s) for s in lines[lo:hi]):
                return False
        return not allowed(lines, li)

    def _validate(self, rule: Rule, secret: str, m: re.Match):
        """None rejects; True or a dict of extra context accepts."""
        if not rule.validate:
            return True
        from detectors.validators import VALIDATORS

        fn = VALIDATORS.get(rule.validate)
        if fn is None:
            return True
        res = fn(secret, m)
        if not res:
            return None
        return dict(res) if isinstance(res, dict) else True


def _newlines(data: bytes) -> list[int]:
    out = []
    find = data.find
    i = find(b"\n")
    while i >= 0:
        out.append(i)
        i = find(b"\n", i + 1)
    return out


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per (line, secret); where two rules report overlapping values on a line,
    the provider-specific one wins over the generic one."""
    seen: dict[tuple[int, str], Hit] = {}
    for h in hits:
        k = (h.line, h.secret)
        if k not in seen:
            seen[k] = h
    return sorted(seen.values(), key=lambda h: (h.line, h.column, h.rule_id))
