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

import functools
import operator

import hashlib
import re
from dataclasses import dataclass, field, replace
from bisect import bisect_left, bisect_right

from scanner import context as ctxmod
from scanner.allow import line_allowed
from scanner.budget import OverBudget
from scanner.model import Hit, Rule
from detectors.generic import DOC, RULE_ID as GENERIC_RULE, comment_line, file_kind, secret_name
from detectors.lines import Lines
from detectors.memo import BoundedMemo
from detectors.placeholders import (digest_by_name, digest_of_neighbour, domain_verification, git_object_id, is_camel_name,
                                    is_code_member, is_code_name, is_pascal_name, is_placeholder, is_placeholder_text, is_word_chain,
                                    shannon_entropy)
from detectors.vocabulary import SECRET_WORDS

MULTILINE_WINDOW = 20000  # characters before a multi-line hit's end to look for its start
# the context key of a hit whose evidence is still to be read (Engine.known_hits)
DEFERRED = "_deferred"
# the generic detector's prefilter: lines where a secret-sounding name is assigned a value
from detectors.generic import CANDIDATE as GENERIC_CANDIDATE  # noqa: E402
# an encoded (base64 or %-escaped) value assigned to a secret-bearing name: worth decoding
DECODE_CANDIDATE = (
    r"(?i)(?:" + SECRET_WORDS + r"|dockerconfigjson|connection[_.\-]?string)[A-Za-z0-9_.\-]{0,64}[\"']?\s*(?::|=>|=)\s*(?:!!binary\s+)?[\"'`]?"
    r"(?:[A-Za-z0-9+/_\-]{24}|[^\s\"'`%]{0,200}%[0-9A-Fa-f]{2})"
)
# what a structured parser (detectors/structured) looks for in a file whose name alone does
# not decide: a Kubernetes `kind:`, an AWS key name, a Docker `"auth`, a GCP service account,
# a Maven `<password>`... each parser's marker in detectors/structured_registry.py. Matched
# with the rules, so config files without any are never decoded.
from detectors.structured_registry import MARKER as STRUCTURED_CANDIDATE  # noqa: E402
_ALLOW_MEMO: list = [None, {}]
GIANT_LINE = 65_536  # characters: a line this long is confirmed in windows (Engine._confirm_giant)
WINDOW_BEFORE = 16_384  # bytes before a match's end
WINDOW_AFTER = 2_048
# a window's end goes on to the end of the value it falls in, up to this many bytes more
WINDOW_RUN = 65_536
_VALUE_RUN = re.compile(rb"[^\s\"'`]*")
# after a type's name in a declaration, the declared parameter or variable: `OkHttpClientProvider
# clientProvider)` (spinnaker's PagerDutyConfig.groovy), `ApiKeyStore store = ...`
_DECLARED_AFTER = re.compile(r" [a-z_][A-Za-z0-9_]*\s*[,)=;]")
# a bare value that is code: a tuple opened on a name (mage-ai's `ConfigKey.SNOWFLAKE_PASSWORD:
# (VerboseConfigKey.SNOWFLAKE, 'password')`), or a method's call opened (`SNOWFLAKE_PASSWORD=
# profile.get('password')`, the value ending where its quoted argument starts)
_CODE_EXPRESSION = re.compile(r"^\([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+,?$|^\([A-Za-z_$][\w$]*,$|"
                              r"^[a-z_$][\w$]*(?:\.[a-z_$][\w$]*)+\($")


def allowed(lines: list[str], idx: int) -> bool:
    """An inline allow marker on the hit's line, or on the line before it. Memoised per
    line of the current text: a minified line can hold thousands of hits, and searching
    its megabytes once per hit was quadratic."""
    if _ALLOW_MEMO[0] is not lines:
        _ALLOW_MEMO[0], _ALLOW_MEMO[1] = lines, {}
    memo = _ALLOW_MEMO[1]
    got = memo.get(idx)
    if got is None:
        line = lines[idx] if idx < len(lines) else ""
        got = memo[idx] = line_allowed(line, lines[idx - 1] if idx > 0 else None)
    return got


def is_binary(data: bytes) -> bool:
    return is_binary_at(data, 0, len(data))


def is_binary_at(buf, st: int, en: int) -> bool:
    """is_binary of the content buf[st:en], read in place (a chunk's buffer of blobs)."""
    if buf.startswith((b"\xff\xfe", b"\xfe\xff"), st, en):
        return False  # UTF-16 with a BOM: decoded, not skipped
    return buf.find(b"\0", st, min(en, st + 8192)) >= 0


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    return data.decode("utf-8", "surrogateescape")


# A terminal's colour and cursor codes (ECMA-48's CSI: ESC [, parameter bytes, intermediate
# bytes, a final byte) in a captured log glue a letter to the token after them
# (`ESC[93msk-...`: the `m` defeats every rule's word boundary). They are blanked before
# matching, each byte a space, so that offsets, lines and columns stay where they were.
_TERMINAL_CODE = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]")


def blank_terminal_codes(buf: bytearray, lo: int = 0, hi: int | None = None) -> None:
    """Blank, in place, the terminal codes of buf[lo:hi] (a history chunk's buffer). Only
    called where an ESC byte is (a one-byte find is a memchr: 0.02 s over flask's 157 MB)."""
    for m in _TERMINAL_CODE.finditer(buf, lo, len(buf) if hi is None else hi):
        buf[m.start():m.end()] = b" " * (m.end() - m.start())


def without_terminal_codes(data: bytes) -> bytes:
    """data with its terminal codes blanked (data itself when it holds no ESC byte)."""
    if b"\x1b" not in data:
        return data
    return _TERMINAL_CODE.sub(lambda m: b" " * (m.end() - m.start()), data)


# a byte-order mark: such content is decoded before matching (Hyperscan matches bytes), but
# in a history's chunks, where a UTF-8 one is jumped over (pipeline._match_groups)
UTF8_BOM = b"\xef\xbb\xbf"
BOMS = (b"\xff\xfe", b"\xfe\xff", UTF8_BOM)


@dataclass
class Candidates:
    rule_lines: dict[int, set[int]] = field(default_factory=dict)  # rule index -> 0-based lines
    generic_lines: set[int] = field(default_factory=set)
    decode_lines: set[int] = field(default_factory=set)  # encoded values under secret-bearing keys
    needs_text: bool = False  # some rules are matched by keywords on the text
    structured_hint: bool = False  # a structured parser's marker (STRUCTURED_CANDIDATE) is present
    # rule index -> byte end offsets of its Hyperscan matches (for lines too long to confirm whole)
    rule_ends: dict[int, set[int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.rule_lines or self.generic_lines or self.needs_text)


def _secret_group(m: re.Match) -> str:
    """The group holding the secret: `secret`, or for patterns whose alternatives cannot
    share one group, the first of `secret2`, `secret3`... that matched."""
    if m.group("secret") is not None:
        return "secret"
    return next((k for k, v in m.groupdict().items() if k.startswith("secret") and v is not None), "secret")


def _secret_of(m: re.Match) -> str | None:
    """The secret a match holds. A value read up to an escaped closing quote, `\\"` (a JSON
    document inside a string: scanner/rules.py's escaped_quotes_too), ends before the escape."""
    g = _secret_group(m)
    secret = m.group(g)
    if secret and secret[-1] == "\\" and m.string[m.end(g):m.end(g) + 1] in ("\"", "'") \
            and not secret.endswith("\\\\"):
        return secret[:-1]
    return secret


CONFIG_FAMILY = "config"  # rules from the user's .credfence.yaml / pyproject.toml


def _whole_capture(text: str, m: re.Match) -> tuple[str | None, int]:
    """A configuration rule's capture as the whole credential around it, or None when
    that is shorter than MIN_SECRET_LEN: a rule written to capture short or overlapping
    slices of a token would otherwise get each slice shown and hashed (issue 13)."""
    from scanner.redact import MIN_SECRET_LEN, whole_credential

    g = _secret_group(m)
    s, e = whole_credential(text, m.start(g), m.end(g))
    if e - s < MIN_SECRET_LEN:
        return None, s
    return text[s:e], s


def regex_of(rule: Rule) -> re.Pattern:
    if rule.regex is None:
        from scanner.rules import compile_rule

        compile_rule(rule)
    return rule.regex


class Engine:
    def __init__(self, rules: list[Rule], use_hyperscan: bool | None = None, generic: bool = True):
        self.rules = rules
        self.by_id = {r.id: r for r in rules}
        self.regex_rules = [r for r in rules if r.pattern]
        self.generic = generic and GENERIC_RULE in self.by_id  # the generic detector's rule data is loaded
        # providers' public prefixes (`ABSKQmVkcm9ja0FQSUtleS`, `sk_live_`): a value that is
        # nothing but one of them carries no secret, whatever name it is assigned to
        self._prefixes = {k.lower() for r in rules if not r.generic for k in r.keywords if len(k) >= 4}
        self._kw: list[tuple[str, list[int]]] = []
        self._always: list[int] = []
        self._hs = None
        self._hs_fallback: list[int] = []  # rules Hyperscan cannot compile: keyword path
        # Hyperscan id -> rule index of the rules matched through their context (ungate)
        self._gates: dict[int, int] = {}
        self._first_gate = len(self.regex_rules) + 3  # their ids: after the rules' and the three markers'
        self._gate_db = None  # those rules' own patterns, looked for where a context is (ungate)
        self._narrow: bool | None = None  # _gates_narrow's answer, once worked out
        # (rule index, line or window of lines) -> where the rule matched in it (ungate)
        self._gate_memo = BoundedMemo(8_000_000)
        self.hyperscan = False
        self.over_budget: set[str] = set()  # configuration rules over their time budget
        # what this engine's rules rejected (keys by rule index: _rule_line_quiet)
        self._rule_quiet: set = set()
        self._rule_hits: dict[tuple[int, str], tuple] = {}  # (rule index, line) -> what it found there
        # (line, path) -> decoding it finds nothing; 8 M characters of lines at most
        self._decode_memo = BoundedMemo(8_000_000)
        self._rule_quiet_chars = 0
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

        pats = [r.pattern for r in self.regex_rules] + [GENERIC_CANDIDATE, DECODE_CANDIDATE, STRUCTURED_CANDIDATE]
        gate_of = {i: r.context for i, r in enumerate(self.regex_rules)
                   if r.prefilter == "context" and r.context and not r.multiline}
        # the salt names how the database is compiled: a change there must not reuse a cache
        digest = hashlib.sha256(("\0".join(pats + [f"gate {i} {c}" for i, c in gate_of.items()]) +
                                 hyperscan.__version__ + _HS_BUILD).encode()).hexdigest()[:24]
        name = f"hs-{digest}.db"
        meta = cache.load_json(name + ".json")
        blob = cache.load_bytes(name)
        if blob is not None and meta is not None:
            try:
                db = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
                self._hs_ids = meta["ids"]
                self._hs_fallback = meta["fallback"]
                self._gates = {int(g): i for g, i in meta["gates"].items()}
                db.scratch = hyperscan.Scratch(db)
                self._gate_db = self._load_gate_db(name)
                return db
            except Exception:
                pass
        ids, exprs, bad = [], [], []
        gates: dict[int, int] = {}
        # MULTILINE: a rule's ^ and $ are line anchors, as when its regex confirms a line
        flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_MULTILINE

        def compiles(p: str) -> bool:
            if _buffer_anchored(p):  # \A or \Z: true of every line in Python, of one place in a buffer
                return False
            try:
                probe = hyperscan.Database()
                _interruptible(functools.partial(probe.compile, expressions=[p.encode()], ids=[0], elements=1,
                                                 flags=[flags]))
            except Exception:
                return False
            return True

        def build(probe: bool):
            for done in (ids, exprs, bad, gates):  # what a first try filled
                done.clear()
            for i, p in enumerate(pats):
                gate = gate_of.get(i)
                if gate is not None and not _buffer_anchored(gate) and (not probe or compiles(gate)):
                    gid = len(pats) + len(gates)  # matched through its context (ungate)
                    gates[gid] = i
                    ids.append(gid)
                    exprs.append(_prefilter_form(gate).encode())
                    continue
                if _buffer_anchored(p) or (probe and not compiles(p)):
                    bad.append(i)
                    continue
                ids.append(i)
                exprs.append(_prefilter_form(p).encode())
            db = hyperscan.Database()
            _interruptible(lambda: db.compile(expressions=exprs, ids=ids, elements=len(exprs), flags=[flags] * len(exprs)))
            return db

        # every pattern at once first: Hyperscan's error does not say which pattern it
        # failed on, so only then is each compiled alone to find it (404 probes were 14 of
        # a cold start's 20 s; the one database, 5)
        try:
            db = build(probe=False)
        except Exception:
            try:
                db = build(probe=True)
            except Exception:
                return None
        self._hs_ids = ids
        self._hs_fallback = [i for i in bad if i < len(self.regex_rules)]
        self._gates = gates
        cache.store_bytes(name, hyperscan.dumpb(db))
        cache.store_json(name + ".json", {"ids": ids, "fallback": self._hs_fallback, "gates": gates})
        self._gate_db = self._load_gate_db(name)
        return db

    def _load_gate_db(self, name: str):
        """A small database of the own patterns of the rules matched through their context
        (ids: rule indexes), from the cache or compiled; None when there are none or
        Hyperscan cannot compile them (ungate then opens a window at each context match)."""
        import hyperscan

        from scanner import cache

        rules = sorted(set(self._gates.values()))
        if not rules:
            return None
        name = name.replace(".db", "-gated.db")
        blob = cache.load_bytes(name)
        if blob is not None:
            try:
                db = hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
                db.scratch = hyperscan.Scratch(db)
                return db
            except Exception:
                pass  # a damaged cache entry: compiled again below, and replaced
        try:
            db = hyperscan.Database()
            exprs = [_prefilter_form(self.regex_rules[k].pattern).encode() for k in rules]
            flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_MULTILINE
            _interruptible(lambda: db.compile(expressions=exprs, ids=rules, elements=len(exprs),
                                              flags=[flags] * len(exprs)))
        except Exception:
            return None
        cache.store_bytes(name, hyperscan.dumpb(db))
        return db

    def _hs_matches(self, data) -> list[tuple[int, int]]:
        """(pattern id, end offset) of every prefilter match in data: ids below
        len(regex_rules) are rules, then GENERIC_, DECODE_ and STRUCTURED_CANDIDATE."""
        out: list[tuple[int, int]] = []
        add = out.append

        def on_match(i, _frm, to, _flags, _ctx):
            add((i, to))

        _hs_scan(self._hs, data, on_match)
        return self.ungate(data, 0, len(data), out) if self._gates else out

    def _sort_matches(self, matches) -> tuple[dict[int, set[int]], list[int], list[int], bool]:
        """rule index -> byte end offsets, end offsets of generic candidates, end offsets
        of encoded values under secret-bearing keys (worth decoding), and whether a
        structured parser's marker is present."""
        found: dict[int, set[int]] = {}
        generic: list[int] = []
        decode_hint: list[int] = []
        marker = False
        n = len(self.regex_rules)
        for i, to in matches:
            if i < n:
                found.setdefault(i, set()).add(to)
            elif i == n:
                generic.append(to)
            elif i == n + 1:
                decode_hint.append(to)
            else:
                marker = True
        return found, generic, decode_hint, marker

    @property
    def concatenation_safe(self) -> bool:
        """Can many contents be matched in one buffer (match_spans)? Yes when Hyperscan
        matches every rule: no pattern is anchored to a buffer (\\A and \\Z send a rule to
        the keyword path) and ^ and $ are line anchors, which hold at a content's edges
        since git puts a newline before and after each."""
        return bool(self.hyperscan and not self._kw and not self._always)

    def match_spans(self, buf, spans: list[tuple[int, int]], lo: int = 0, hi: int | None = None,
                    bases: dict[int, tuple] | None = None,
                    raw: dict[int, list[tuple[int, int]]] | None = None,
                    gate_free: set[int] | None = None,
                    unmatched: list[tuple[int, int]] = ()) -> dict[int, list[tuple[int, int]]]:
        """One Hyperscan pass over buf[lo:hi], which holds many contents, at the given
        (start, end) spans (offsets from lo) in order, each followed by a newline (git
        cat-file's layout). Returns, for each span index with matches, its (pattern id, end
        offset within the span). No pattern is anchored, so a content's own matches are all
        found; a match that began in the bytes before a span is a spurious candidate the
        rule's regex drops.

        bases: for some span indexes, the content earlier in buf that git stored this one
        as a delta against (mostly another version of the same file): the index of an
        earlier span, or (start, end, its matches before ungate, as `raw` gives them, and
        whether it is in `gate_free`), offsets from lo. Only the bytes the content changed
        over its base, with EDIT_MARGIN bytes either side, are matched; the matches in the
        unchanged start and end are the base's (_edit_window, _inherited). raw: filled with
        every span's matches before ungate, for the spans to come. gate_free: filled with
        the spans where ungate looked for the context-gated rules' own patterns and found
        none; an edited content whose base is one is looked in only where it changed.
        unmatched: (start, end) offsets from lo, in order, of contents between the spans
        that are not matched at all (binary ones, which detect skips)."""
        starts = [s for s, _ in spans]
        out: dict[int, list[tuple[int, int]]] = {}
        # the span of the previous match (matches mostly come in order), and the end
        # offsets kept there: all, or an edited content's between its two cuts (_edit_window)
        last = [-1, 0, 0, -1, 0]
        gated: set[int] = set()  # spans with a match of a rule's context (ungate)
        first_gate = self._first_gate
        region = [0]  # the offset from lo of the region being scanned
        edits: dict[int, tuple] = {}

        def on_match(i, _frm, to, _flags, _ctx):
            to += region[0]
            k, st, en, keep_lo, keep_hi = last
            if not (st < to <= en):
                k = bisect_right(starts, to - 1) - 1
                if k < 0:
                    return
                st, en = spans[k]
                if to > en:
                    return
                e = edits.get(k)
                keep_lo, keep_hi = (e[2], e[3]) if e else (-1, en)
                last[:] = (k, st, en, keep_lo, keep_hi)
            if not (keep_lo < to - st <= keep_hi):
                return  # an edited content's match the base gives (or a cut window's artefact)
            got = out.get(k)
            if got is None:
                out[k] = [(i, to - st)]
            else:
                got.append((i, to - st))
            if i >= first_gate:
                gated.add(k)

        with memoryview(buf) as view, view[lo:hi] as window:
            cut = 0  # where the next region to scan starts
            # in order: (start, span index, None) of each edited content, and (start, None,
            # end) of each unmatched one, which the scan jumps over
            cuts = [(spans[k][0], k, None) for k in sorted(bases)] if bases else []
            if unmatched:
                cuts = sorted(cuts + [(st, None, en) for st, en in unmatched], key=lambda c: c[0])
            for st, k, skip_to in cuts:
                if k is None:
                    region[0] = cut
                    _hs_scan(self._hs, window[cut:st], on_match)
                    cut = skip_to
                    continue
                st, en = spans[k]
                base = bases[k]
                a_st, a_en = spans[base] if isinstance(base, int) else base[:2]
                geometry = _edit_window(buf, view, lo + a_st, a_en - a_st, lo + st, en - st)
                if geometry is None:
                    continue
                w0, w1, keep_lo, keep_hi = geometry
                region[0] = cut
                _hs_scan(self._hs, window[cut:st], on_match)
                cut = st + w0  # the unchanged start is skipped; the base, before st, is all matched
                if isinstance(base, int):
                    a_matches = out.get(base, [])
                    if base in edits:
                        a_matches = edits[base][4] + a_matches + edits[base][5]
                else:
                    a_matches = base[2]
                edits[k] = (w0, w1, keep_lo, keep_hi, *_inherited(a_matches, a_en - a_st, en - st, geometry))
                last[0] = -1  # the span's kept offsets changed
                if w1 < en - st:
                    region[0] = cut
                    _hs_scan(self._hs, window[cut:st + w1], on_match)
                    cut = en
            region[0] = cut
            _hs_scan(self._hs, window[cut:], on_match)
            for k, (_, _, _, _, before, after) in edits.items():
                got = before + out.get(k, []) + after
                if got:
                    out[k] = got
                    if any(i >= first_gate for i, _ in before) or any(i >= first_gate for i, _ in after):
                        gated.add(k)
                else:
                    out.pop(k, None)
        if raw is not None:
            raw.update(out)
        free: set[int] = set()
        for k in sorted(gated):  # a base before the contents stored against it
            st, en = spans[k]
            e = edits.get(k)
            only = None  # where the gated rules' own patterns can be
            if e is not None and self._gates_narrow():
                base = bases[k]
                if (base in free) if isinstance(base, int) else (len(base) > 3 and base[3]):
                    only = (lo + st + e[0], lo + st + e[1])
            got, none_found = self._ungate(buf, lo + st, lo + en, out[k], only)
            if none_found:
                free.add(k)
            if got:
                out[k] = got
            else:
                del out[k]
        if gate_free is not None:
            gate_free.update(free)
        return out

    def ungate(self, buf, st: int, en: int, matches: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The matches of the content buf[st:en] with each match of a rule's context (a rule
        with `prefilter: context`, whose pattern has no literal Hyperscan can start from:
        Discord's bot token made Hyperscan 1.4 times slower on code) replaced by a match of
        that rule on every line within its context_lines of a context match where the
        rule's regex matches the line, as confirm() would run it: a hit needs its context on
        a line within context_lines (_accept), so these are all the lines it can be on.

        Those lines are found from the other side: the rule's own pattern is looked for in
        the content (a small database of these rules alone, at over 1 GB/s), and each line
        where it matches is kept if a context match is within context_lines of it. A
        context can be common where the rule's secret never is ("dependabot[bot]" on
        every line of a changelog: fastapi's release notes, hundreds of versions of 700 kB,
        had 460k context matches and no token, and a window opened at each was a quarter of
        the scan's time)."""
        return self._ungate(buf, st, en, matches)[0]

    def _ungate(self, buf, st: int, en: int, matches: list[tuple[int, int]],
                only: tuple[int, int] | None = None) -> tuple[list[tuple[int, int]], bool]:
        """ungate, and whether the rules' own database found nothing in the content.
        only: the part of buf where their patterns can match at all (an edited content
        whose base held none: Engine.match_spans), else the whole content is looked in.
        fastapi's release notes hold a context on most lines, and each of hundreds of 700 kB
        versions was looked in whole: 1.4 GB of its history's 1.9 GB of Hyperscan input."""
        if self._gate_db is None:
            return self._ungate_by_windows(buf, st, en, matches), False
        first_gate = self._first_gate
        out = [m for m in matches if m[0] < first_gate]
        if len(out) == len(matches):
            return out, False
        tokens: list[tuple[int, int]] = []
        look_from, look_to = only or (st, en)
        shift = look_from - st  # a token's end, from the content's start

        def on_match(k, _frm, to, _flags, _ctx):
            tokens.append((k, to + shift))

        with memoryview(buf) as view, view[look_from:look_to] as content:
            _hs_scan(self._gate_db, content, on_match)
        if not tokens:  # most often: the context is there, the secret's shape is not
            return out, True
        contexts: dict[int, list[int]] = {}  # rule index -> offsets in buf of its context matches, in order
        for i, to in matches:
            if i >= first_gate:
                contexts.setdefault(self._gates[i], []).append(st + max(0, to - 1))
        for near in contexts.values():
            near.sort()
        seen: set[tuple[int, int]] = set()  # (rule, line start) already judged
        for k, to in tokens:
            if k not in contexts:
                continue
            pos = st + max(0, to - 1)
            a = buf.rfind(b"\n", st, pos) + 1 or st
            if (k, a) in seen:
                continue
            seen.add((k, a))
            b = buf.find(b"\n", pos, en)
            b = en if b < 0 else b
            rule = self.regex_rules[k]
            w0, w1, _ = _lines_around(buf, st, en, a, b, rule.context_lines, rule.context_lines)
            near = contexts[k]
            j = bisect_left(near, w0)
            if j == len(near) or near[j] > w1:  # (w1: the last line's newline, or the content's end)
                continue  # no context within context_lines of this line
            if self._gate_line(k, bytes(buf[a:b])):
                out.append((k, a - st + 1))
        return out, False

    def _gates_narrow(self) -> bool:
        """Does every rule matched through its context match at most EDIT_MARGIN / 2 bytes?
        Then an edited content holds a match of one only where it changed over its base,
        or where its base held one (the margins take the match and its lookarounds)."""
        narrow = self._narrow
        if narrow is None:
            sre_parse = _sre_parse()
            try:
                narrow = all(sre_parse.parse(self.regex_rules[k].pattern).getwidth()[1] <= EDIT_MARGIN // 2
                             for k in set(self._gates.values()))
            except Exception:
                narrow = False
            self._narrow = narrow
        return narrow

    def _gate_line(self, k: int, line: bytes) -> bool:
        """Does rule k's regex match the line (or run over its time budget)? Remembered."""
        found = self._gate_memo.get((k, line))
        if found is None:
            found = self._gate_memo.keep((k, line), self._gate_lines(self.regex_rules[k], line), len(line) + 60)
        return bool(found)

    def _ungate_by_windows(self, buf, st: int, en: int, matches: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """ungate without the rules' own database: the lines of a window of context_lines
        around each context match, each window's remembered (a file's versions repeat them)."""
        out: list[tuple[int, int]] = []
        seen: set[tuple[int, int, int]] = set()  # windows of lines already opened
        for i, to in matches:
            k = self._gates.get(i)
            if k is None:
                out.append((i, to))
                continue
            rule = self.regex_rules[k]
            pos = st + max(0, to - 1)
            a = buf.rfind(b"\n", st, pos) + 1 or st
            b = buf.find(b"\n", pos, en)
            a, b, _ = _lines_around(buf, st, en, a, en if b < 0 else b, rule.context_lines, rule.context_lines)
            if (k, a, b) in seen:  # (a window cut at the content's start can end further down)
                continue
            seen.add((k, a, b))
            window = bytes(buf[a:b])
            found = self._gate_memo.get((k, window))
            if found is None:
                found = self._gate_memo.keep((k, window), self._gate_lines(rule, window), len(window) + 60)
            out += [(k, a - st + rel + 1) for rel in found]
        return out

    @staticmethod
    def _gate_lines(rule: Rule, window: bytes) -> tuple[int, ...]:
        """Offsets in the window of the lines where the rule's regex matches (every line
        when the regex is over its time budget: confirm() then drops the rule)."""
        rx = regex_of(rule)
        found, rel = [], 0
        for line in window.split(b"\n"):
            try:
                if rx.search(line.decode("utf-8", "surrogateescape")):
                    found.append(rel)
            except OverBudget:
                found.append(rel)
            rel += len(line) + 1
        return tuple(found)

    def _candidate_lines_keywords(self, text: str, lines: Lines, idxs_kw) -> dict[int, set[int]]:
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
    def candidates(self, data: bytes | None = None, text: str | None = None) -> Candidates:
        """One pass over the content: which rules may fire on which lines. With Hyperscan
        the bytes are enough, so content without candidates is never decoded."""
        c = Candidates()
        if self.hyperscan and data is None and text is not None:
            # Text only (a UTF-16 or BOM file, decoded): with Hyperscan loaded, the keyword
            # path below knows only the rules Hyperscan cannot compile, so every other rule
            # was silently skipped for such files (issue 7). Match the text's UTF-8 instead:
            # it has the same newlines, so the same line numbers.
            data = _utf8(text)
        if self.hyperscan and data is not None:
            return self.candidates_from_matches(data, self._hs_matches(data))
        if text is None:
            text = decode(data)
        lines = Lines(text)
        c.rule_lines = self._candidate_lines_keywords(text, lines, self._kw)
        generic_re, decode_re, structured_re = _python_prefilters()
        if self.generic:
            c.generic_lines = {lines.index_of(m.start()) for m in generic_re.finditer(text)}
        c.decode_lines = {lines.index_of(m.start()) for m in decode_re.finditer(text)}
        c.structured_hint = structured_re.search(text) is not None
        c.needs_text = True
        return c

    def candidates_from_matches(self, data: bytes, matches: list[tuple[int, int]]) -> Candidates:
        """Candidates from Hyperscan matches (_hs_matches, or one span of match_spans)."""
        c = Candidates(needs_text=bool(self._kw or self._always))
        if matches:
            ends, gen_ends, dec_ends, c.structured_hint = self._sort_matches(matches)
            if ends or gen_ends or dec_ends:
                # bytes and text have the same newlines
                line_of = _line_counter(data, [o for offs in ends.values() for o in offs] + gen_ends + dec_ends)
                c.rule_lines = {i: {line_of(o) for o in offs} for i, offs in ends.items()}
                c.rule_ends = ends
                c.generic_lines = {line_of(o) for o in gen_ends}
                c.decode_lines = {line_of(o) for o in dec_ends}
        return c

    def known_quiet(self, buf, st: int, en: int, matches: list[tuple[int, int]], path: str,
                    markers_matter: bool = True) -> bool:
        """Would confirming the content buf[st:en] (UTF-8, no byte-order mark), whose
        Hyperscan matches these are, surely find nothing? Yes when every match is a
        generic candidate on a line that, with this path, the keyword check judges to
        hold no secret (_GENERIC_MEMO, judged here if need be), or a rule's candidate on a
        line that rule has already rejected (_rule_quiet: the line alone, or for a rule
        with context the line with the window of lines around it, _context_window): then
        no rule, decoder or parser has anything to look at, and decoding and splitting the whole
        content (most of the work for the hundreds of versions of a test file that holds a
        password or a database URL) is spared. A structured parser's marker counts only
        when `markers_matter` (a parser may apply to the path). The line is cut from the
        bytes as confirm() would cut it from the decoded text."""
        return self.known_hits(buf, st, en, matches, path, markers_matter) == []

    def known_hits(self, buf, st: int, en: int, matches: list[tuple[int, int]], path: str,
                   markers_matter: bool = True, unchanged: tuple | None = None,
                   certify: list | None = None, first_seen: list | None = None) -> list[Hit] | None:
        """The hits confirming the content buf[st:en] would give, when every rule's
        candidate is on a line already judged: known_quiet's lines, lines a rule without
        context accepted (_rule_hits: such a rule's hits depend on the line alone, and on
        no allow marker on the line before, which is checked here), and encoded values
        whose decoding finds nothing (_decode_quiet); else None. The generic candidates'
        lines are judged here when they are new (_generic_known_here: their hits depend on
        the line, the path and whether it sits in a docstring, found from the bytes).
        Their evidence is left to be read (context DEFERRED): it depends on the lines
        around the hit, and only the first blob that brought a secret into a path keeps its evidence in the
        report (findings._first_introductions), so it is read for those alone
        (scan._fill_deferred). The hundreds of versions of a test file holding a URL with
        a password were each decoded, split and confirmed again.

        certify: when given, and every candidate of the content sits on a line whose quiet
        holds whatever the rest of the content is (a rule without context, a decoded value,
        a generic guess judged alike in and out of a docstring), the set of its matches is
        appended to it. unchanged: for a later version of such a content with the same
        path, (that set, before, after, shift) from unchanged_lines: a match the base had
        at the same place, on a line the two share, is on a line known quiet and is not
        looked at again (serde's test files: thousands of `Token::` lines in each of
        hundreds of versions, each line cut out, decoded and looked up every time).

        first_seen: when given, the start of each line that this process had never judged
        and that holds a hit is appended to it: a secret met for the first time, whose
        evidence the report will most likely keep (the caller confirms such a content now)."""
        n = len(self.regex_rules)
        if self._kw or self._always or not matches:
            return None
        if unchanged is not None:
            base_ends, before, after, shift = unchanged
        local = certify is not None and not self.over_budget  # every candidate's line quiet on its own, so far
        done: set[tuple[int, int]] = set()
        found_at: list[tuple[int, tuple]] = []  # (line start, (rule, secret, column) of each hit there)
        generic: list[tuple[int, str]] = []  # (line start, line) of the generic candidates
        # the line of the last match, buf[a:b] (b: its newline or the content's end), and its
        # text once read: matches come in order, two in three on a line already found
        a = b = -1
        line = None
        for i, to in matches:
            if unchanged is not None and ((to <= before + 1 and (i, to) in base_ends) or
                                          (to > after + 1 and (i, to + shift) in base_ends)):
                continue
            if i == n + 2 and not markers_matter:
                local = False
                continue
            if i == n + 2 or (i == n and not self.generic):
                return None
            pos = st + max(0, to - 1)
            if not a <= pos <= b:
                a = buf.rfind(b"\n", st, pos) + 1 or st
                b = buf.find(b"\n", pos, en)
                b = en if b < 0 else b
                line = None
            if (i, a) in done:
                continue
            done.add((i, a))
            if line is None:
                line = buf[a:b].decode("utf-8", "surrogateescape")
            if i == n:
                generic.append((a, line))  # judged below, once the rules' hits are known
            elif i == n + 1:
                if not self._decode_quiet(line, path):
                    return None
            elif self.regex_rules[i].id in self.over_budget:
                return None
            elif self.regex_rules[i].context and (i, line) not in self._rule_quiet:
                local = False  # quiet, if at all, for the lines around it
                if _context_window(buf, st, en, a, b, i, self.regex_rules[i]) not in self._rule_quiet:
                    return None
            elif (i, line) not in self._rule_quiet:
                rule = self.regex_rules[i]
                found = self._rule_hits.get((i, line))
                if found is not None:
                    # accepted on its own: still so unless the line before now carries an allow marker
                    if _allowed_here(buf, st, a, ""):
                        return None
                    found_at.append((a, found))
                elif not rule.context or _context_window(buf, st, en, a, b, i, rule) not in self._rule_quiet:
                    return None
        # as confirm() does: a line a rule explains, or that an allow marker covers, has no
        # generic guess; nor has a value that is only a provider's public prefix
        taken = {a for a, _ in found_at}  # lines are told apart by where they start
        docs: list = []  # is_doc_line's spans of the content, found once if a line needs them
        last = max((a for a, _ in generic), default=st)  # where the last candidate's line starts
        for a, line in generic:
            if a in taken:
                continue
            found = _generic_known(line, path)
            if found is None:
                unseen = first_seen is not None and _GENERIC_MEMO.get(_generic_key(line, path)) is None
                found = _generic_known_here(buf, st, en, a, line, path, docs, last)
                if found and unseen and not _allowed_here(buf, st, a, line):
                    first_seen.append(a)
                # judged now: its answer may hang on a docstring around it
                local = local and _generic_known(line, path) == ()
            if not found or _allowed_here(buf, st, a, line):
                local = local and not found  # (an allow marker is the content's, not the line's)
                continue
            found_at.append((a, tuple(_kept_generic(found, _SECRET_OF_TUPLE, self._prefixes))))
        line_of = _line_counter(buf, [a + 1 for a, _ in found_at], st)
        hits = [Hit(rid, secret, line_of(a + 1) + 1, col, {DEFERRED: True})
                for a, found in found_at for rid, secret, col in found]
        if hits:
            mark_generated(self, hits, buf, path, st, en)
        elif local and not found_at:
            certify.append(set(matches))
        return hits

    def _decode_quiet(self, line: str, path: str) -> bool:
        """Would decoding the values on this line (scanner/detect.py's rescan of encoded
        values) find nothing, whatever key or block they are in? Every value the line
        holds is decoded, twice deep, and scanned; the answer is remembered per (line,
        path): fastapi's release notes, 3,000 versions of 700 kB, were each decoded and
        split again for one unchanged line holding a long token-like value."""
        key = (line, path)
        got = self._decode_memo.get(key)
        if got is None:
            from detectors.structured.decode import decoded_texts, line_values

            got = self._decode_memo.keep(key, not any(
                self.scan_text(t, path) for dec in line_values(line) for t in [dec] + [t for _, t in decoded_texts(dec, 1)]),
                len(line) + len(path) + 60)
        return got

    def _rule_line_hits(self, key: tuple[int, str], hits: list[Hit]) -> None:
        """Remember what a rule without context found on a line (its hits depend on the
        line alone, and on no allow marker on the line before: known_hits checks that)."""
        if self._rule_quiet_chars > 8_000_000:
            self._rule_quiet.clear()
            self._rule_hits.clear()
            self._rule_quiet_chars = 0
        if key not in self._rule_hits:
            self._rule_hits[key] = tuple((h.rule_id, h.secret, h.column) for h in hits)
            self._rule_quiet_chars += len(key[1]) + 60

    def _rule_line_quiet(self, key: tuple) -> None:
        """Remember (rule index, line) or (rule index, the line's index in its window, the
        window of lines the rule's context looks at) as rejected; 8 M characters at most."""
        if self._rule_quiet_chars > 8_000_000:
            self._rule_quiet.clear()
            self._rule_hits.clear()
            self._rule_quiet_chars = 0
        if key not in self._rule_quiet:
            self._rule_quiet.add(key)
            self._rule_quiet_chars += len(key[-1]) + 60

    def scan_text(self, text: str, path: str = "") -> list[Hit]:
        """The regex rules and the generic detector on a text (no structured parsers, no
        decoding: scanner/detect.py is the whole detection of a file or blob)."""
        data = _utf8(text) if self.hyperscan else None  # a lone surrogate must not raise
        return dedupe(self.confirm(text, self.candidates(data, text), path), self.by_id)

    def confirm(self, text: str, cand: Candidates, path: str = "") -> list[Hit]:
        """Run the rules' own regexes and checks on the candidate lines (not deduplicated:
        the caller applies `dedupe` once to everything found in a content). A line a rule
        has already rejected (_rule_quiet: for a rule with context, with the same lines
        around it) is not confirmed again: a version of a test file holding a hundred
        tokens is confirmed for its one new line (4,400 of java-jwt's 6,800 line checks)."""
        lines = Lines(text)
        rule_lines = {i: set(ls) for i, ls in cand.rule_lines.items()}
        if self.hyperscan and (self._kw or self._always):
            for i, ls in self._candidate_lines_keywords(text, lines, self._kw).items():
                rule_lines.setdefault(i, set()).update(ls)
        for i in self._always:
            rule_lines[i] = set(range(len(lines.starts)))
        hits: list[Hit] = []
        # line index -> [its allow marker (None until a rule finds something there), where it
        # starts in bytes, its bytes] for lines over GIANT_LINE, worked out once for every rule
        # with a match there
        giant: dict[int, list] = {}
        for i, lset in rule_lines.items():
            rule = self.regex_rules[i]
            if rule.id in self.over_budget:
                continue
            try:
                if rule.multiline:
                    found = self._confirm_multiline(rule, lines, lset)
                else:
                    found = []
                    # a rule judges a line by the line, the allow marker on the line
                    # before it, and (a rule with context) the lines around it: a line it
                    # rejects is remembered with what it depended on, and a later version
                    # of the file that has nothing else is not confirmed again (known_quiet)
                    for li in sorted(lset):
                        if li < len(lines.lines):
                            line = lines.lines[li]
                            if len(line) > GIANT_LINE and cand.rule_ends.get(i):
                                # (the allow marker too, looked for once a rule finds something
                                # there: the windows' own checks would push the line out of
                                # allowed()'s one-text memo, and most giant lines hold no hit,
                                # while the search reads the whole line, once per version of a
                                # built site's page)
                                if li not in giant:
                                    giant[li] = [None, *_line_bytes(lines, li)]
                                entry = giant[li]
                                if entry[0]:
                                    continue
                                start, raw = entry[1], entry[2]
                                if raw is None:  # a lone surrogate (UTF-16 text): the whole line, as before
                                    got = self._confirm(rule, lines, li, line)
                                else:
                                    got = self._confirm_giant(rule, li, start, raw, cand.rule_ends[i])
                                if got and entry[0] is None:
                                    entry[0] = allowed(lines.lines, li)
                                if got and not entry[0]:
                                    found += got
                                continue
                            if (i, line) in self._rule_quiet:
                                continue  # rejected before: no hit, whatever is around it
                            window = _window_key(i, rule, lines.lines, li) if rule.context else None
                            if window is not None and window in self._rule_quiet:
                                continue
                            got = self._confirm(rule, lines, li, line)
                            if got and not rule.context and not allowed(lines.lines, li):
                                self._rule_line_hits((i, line), got)
                            if not got:
                                if not rule.context and not allowed(lines.lines, li) or \
                                        regex_of(rule).search(line) is None:
                                    self._rule_line_quiet((i, line))
                                elif window is not None:
                                    self._rule_line_quiet(window)
                            found += got
            except OverBudget:
                # a configuration rule too slow to run (scanner/budget.py): skipped from
                # now on; the scan drops its findings and reports it once by id
                self.over_budget.add(rule.id)
                continue
            hits += found
        # a line a provider rule already explains needs no generic guess (and skipping it
        # spares the pre-commit hook the generic detector's import in the common case)
        remaining = sorted(cand.generic_lines - {h.line - 1 for h in hits}) if self.generic else []
        if remaining:
            for li in remaining:
                # (generic_hits reads no line over 4096 characters: a minified line's allow
                # marker is not looked for again)
                if li < len(lines.lines) and len(lines.lines[li]) <= 4096 and not allowed(lines.lines, li):
                    found = _generic_cached(lines.lines[li], li + 1, path, lines.lines)
                    for h in _kept_generic(found, _SECRET_OF_HIT, self._prefixes):
                        h.context = {**ctxmod.extract(lines.lines, li, h.column - 1), **h.context}
                        hits.append(h)
        if hits and path and path.endswith(".rs"):
            from detectors.generic import in_rust_test_module

            for h in hits:
                if in_rust_test_module(h.line, path, lines.lines):
                    h.context["test_code"] = True  # a unit test's value (scanner/blast.py)
        for h in hits:
            rule = self.by_id.get(h.rule_id)
            if rule is None or h.context.get("doc"):
                continue
            if _under_an_examples_heading(lines.lines, h, path):
                h.context["doc"] = True  # a command's help text: "Examples:", then the commands
            elif not rule.generic:
                # a URL with a password, a key or a connection string in a docstring or a
                # text block (Ansible's RETURN samples) is an example of the API, like a
                # generic value there: scanner/confidence.py rates it low unless a checksum
                # or a structure (a PEM block) vouches for it
                from detectors.generic import in_doc_block

                if in_doc_block(h.line, path, lines.lines) or _after_an_example_word(lines.lines, h):
                    h.context["doc"] = True
        return hits

    def _confirm(self, rule: Rule, lines: Lines, li: int, line: str, base_col: int = 0) -> list[Hit]:
        out = []
        if rule.keywords and not rule.multiline:
            # every match holds a keyword: a cheap gate in front of a prefilter hit
            low = lines.lower(li)
            if not any(k.lower() in low for k in rule.keywords):
                return []
        for m in regex_of(rule).finditer(line):
            secret = _secret_of(m)
            if not secret or _inside_a_word(line, m.start()) or _name_runs_into_a_word(line, m.start(), rule.keywords):
                continue
            col = m.start(_secret_group(m))
            if rule.family == CONFIG_FAMILY:
                secret, col = _whole_capture(line, m)
                if secret is None:
                    continue
            if not self._accept(rule, secret, lines.lines, li):
                continue
            end = m.end(_secret_group(m))
            if ((line[end:end + 1] in (".", "(", "[", ")", ",") or _DECLARED_AFTER.match(line, end))
                    and is_code_name(secret)) \
                    or is_code_member(secret) or \
                    (len(secret) >= 20 and not _chosen_by_a_person(rule) and
                     (is_pascal_name(secret) or is_camel_name(secret, 3) or is_word_chain(secret))) or \
                    _a_sibling_setting(rule, secret) or _member_holding_it(secret) or \
                    (secret[0] == "(" or secret[-1] == "(") and _CODE_EXPRESSION.match(secret):
                # `freshdeskApiKey = ConfigurationManager.AppSettings[...]`: a name in code,
                # followed by its member or its call, or an argument followed by the next or
                # the call's end (openobserve's `generateDestinationUrl("pagerduty",
                # pagerdutyCredentials)`), or a type followed by the name it
                # declares, not a token (every provider rule); an
                # object's member, `self.oracle_password`; a long name of words in Pascal or
                # camel case, or in lower case joined by `_` or `-`, where a machine-made token
                # would be (`use semaphore::{Semaphore, SemaphorePermit, OwnedSemaphorePermit}`;
                # netbird's `var creationToSemaphore, semaphoreToSignaling, ...`); a tuple or a
                # call opened on names (_CODE_EXPRESSION)
                continue
            extra = self._validate(rule, secret, m)
            if extra is None:
                continue
            groups = {k: v for k, v in m.groupdict().items() if not k.startswith("secret") and v}
            ctx = ctxmod.extract(lines.lines, li, col, groups)
            if str(ctx.get("key", "")).lower() in _UI_HINT_KEYS:
                continue  # the hint an empty input shows: what such a value looks like
            rule_id = rule.id
            if isinstance(extra, dict):
                rule_id = extra.pop("rule_id", rule_id)
                ctx.update(extra)
            if rule.refine:
                _refine(rule, lines.lines, li, ctx)
            out.append(Hit(rule_id, secret, li + 1, base_col + col + 1, ctx))
        return out

    def _confirm_giant(self, rule: Rule, li: int, start: int, raw: bytes, ends: set[int]) -> list[Hit]:
        """A rule on a line longer than GIANT_LINE characters (a minified bundle, a built
        site's search index, a JSON dump) is tried on windows around its Hyperscan matches
        (`ends`: byte offsets in the content), not on the whole line: whole-line confirming
        of one 2.3 MB line took 2 s, and pydantic's gh-pages branch holds thousands of
        versions of such files. A window reaches WINDOW_BEFORE bytes before a match's end,
        more than any one-line secret, and WINDOW_AFTER after it; a rule's context is looked
        for in the window (lines around a one-line file mean nothing). Not remembered per
        line (known_quiet): the next version is confirmed the same way. The caller has
        checked the line's allow marker; `raw` is the line's bytes, from `start` in the content."""
        spans = _giant_windows(raw, sorted(to - start for to in ends if 0 < to - start <= len(raw)))
        out: list[Hit] = []
        col = pos = 0  # characters of the line before spans' start, and that start in bytes
        for a, b in spans:
            col += len(raw[pos:a].decode("utf-8", "surrogateescape"))
            pos = a
            window = raw[a:b].decode("utf-8", "surrogateescape")
            for h in self._confirm(rule, Lines(window), 0, window, col):
                h.line = li + 1
                out.append(h)
        return out

    def _confirm_multiline(self, rule: Rule, lines: Lines, lset: set[int]) -> list[Hit]:
        out = []
        done_until = -1
        text = lines.text
        for li in sorted(lset):
            end = lines.starts[li + 1] if li + 1 < len(lines.starts) else len(text)
            if end <= done_until:
                continue
            start = lines.starts[lines.index_of(max(0, end - MULTILINE_WINDOW))]
            for m in regex_of(rule).finditer(text, start, end):
                secret = _secret_of(m)
                s_at = m.start(_secret_group(m))
                if secret and rule.family == CONFIG_FAMILY:
                    secret, s_at = _whole_capture(text, m)
                s_li = lines.index_of(s_at)
                # the same checks as a one-line hit, but the placeholder test only on the
                # key's words when the secret is a key's body, which can hold long runs of one
                # letter ("AAAAAAAA"); a short one-line secret (a .netrc password) gets them all
                strict = "\n" not in secret and len(secret) <= _ONE_LINE_SECRET
                if not secret or not self._accept(rule, secret, lines.lines, s_li, strict=strict):
                    continue
                extra = self._validate(rule, secret, m)
                if extra is None:
                    continue
                col = s_at - lines.starts[s_li]
                ctx = ctxmod.extract(lines.lines, s_li, col)
                rule_id = rule.id
                if isinstance(extra, dict):
                    rule_id = extra.pop("rule_id", rule_id)
                    ctx.update(extra)
                if rule.refine:
                    _refine(rule, lines.lines, s_li, ctx)
                out.append(Hit(rule_id, secret, s_li + 1, col + 1, ctx))
            done_until = end
        return out

    def _accept(self, rule: Rule, secret: str, lines: list[str], li: int, strict: bool = True) -> bool:
        if is_placeholder(secret, rule.keywords) if strict else is_placeholder_text(secret):
            return False
        if rule.entropy and shannon_entropy(secret) < rule.entropy:
            return False
        line = lines[li]
        if digest_of_neighbour(secret, line) or digest_by_name(secret, line) or git_object_id(secret, line) or \
                domain_verification(secret, line):
            return False
        if rule.context and rule.context_regex is None:
            regex_of(rule)
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


def _a_sibling_setting(rule: Rule, secret: str) -> bool:
    """Is the value another setting of the same provider, named in lower-case words after
    the provider's keyword? A rule that takes a value after a comma (a call's arguments)
    read meltano's list of Snowflake settings, `'snowflake_password', 'snowflake_database'`,
    as a password; a machine-made token after its prefix holds more than words."""
    if not secret.islower() or not secret.isascii():
        return False
    low = secret.lower()
    return any(k.isalpha() and low.startswith(k.lower()) and _SETTING_WORDS.match(low, len(k)) is not None
               for k in rule.keywords)


_SETTING_WORDS = re.compile(r"(?:[_.-][a-z]{2,})+$")


# an object's member in code: identifiers joined by dots
_MEMBER_PATH = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$")


def _member_holding_it(secret: str) -> bool:
    """Is the value an object's member named for a secret, which holds the secret in the
    program (`password = userInfo.password;` in a webpack bundle's JavaScript, read by the
    connection string rule), not the secret? A typed password is seldom identifiers joined by
    dots, the last one a secret's name."""
    return "." in secret and _MEMBER_PATH.match(secret) is not None and \
        secret_name(secret.rsplit(".", 1)[1]) is not None


# a form field's placeholder, the grey text an empty input shows (HTML's `placeholder`
# attribute, a UI library's prop): an example of the value's shape, written for every user
# to see (plane's GitLab settings form, `placeholder: "gloas-f79c..."`, a critical GitLab token)
_UI_HINT_KEYS = {"placeholder", "placeholdertext", "placeholder_text", "inputplaceholder"}


def _chosen_by_a_person(rule: Rule) -> bool:
    """Whether the rule's secret may be one a person chose, which may be words: a carrier's (a
    URL's or a command line's password, a header) or one whose pattern takes any characters
    but a few (a negated class: the database URLs' passwords, Snowflake's). The others take
    a provider's token, which no machine makes of words."""
    return rule.carrier or "(?P<secret>[^" in rule.pattern


def _refine(rule: Rule, lines: list[str], li: int, ctx: dict) -> None:
    """The first of the rule's refinements whose context is within its lines of the hit
    sets the hit's privilege and/or scope, with its evidence (scanner/blast.py reads them):
    a Firebase web app's API key is sent to every browser, a storage download token reads
    one file. The lines read stay inside the window the evidence is remembered by
    (context.extract), so a hit whose evidence is read again later gets the same answer.
    (The rule was compiled, its refinements with it, before its regex matched: regex_of.)"""
    for ref, regex in zip(rule.refine, rule.refine_regexes):
        n = ref.get("context_lines", 0)
        if any(regex.search(s) for s in lines[max(0, li - n):li + n + 1]):
            for k in ("privilege", "scope"):
                if ref.get(k):
                    ctx[k] = ref[k]
                    ctx[k + "_evidence"] = ref["evidence"]
            return


# the longest secret a multi-line rule takes for a password rather than a key's body (an
# RSA key's base64 is 1,600 characters and more, an Ed25519 PuTTY key's several lines)
_ONE_LINE_SECRET = 256
_HS_BUILD = ("prefilter+multiline, \\A/\\Z to keywords, group repeats unbounded, context gates,"
             " a leading class repeat from its last character, a varying last repeat at its least"
             " after an optional sign, escape or class, a last group after the secret")
_GROUP_REPEAT = re.compile(r"\{(\d+),(\d+)\}")
# a pattern's start: flags, a \b, group openings, then a repeat of one character class at
# least once (`\b(?P<secret>[0-9]{15,17}`); not a class that starts with `]` or `^]`,
# whose first `]` is a member
_LEADING_REPEAT = re.compile(r"(\(\?[ims]+\))?(?:\\b)?((?:\(\?P<\w+>|\(\?:|\((?!\?))*)"
                             r"(\[(?!\^?\])\^?(?:\\.|[^\]\\])+\]|\\[dwsDWS])\{[1-9]\d*(?:,\d*)?\}")


def _prefilter_form(pattern: str) -> str:
    """The pattern Hyperscan matches for a rule: the rule's own, with every bounded repeat
    of a group (`(?:a|%[0-9A-F]{2}){1,64}`) left unbounded (`{1,}`), and a repeat of one
    character class that starts the pattern matched from its last character
    (`\\b(?P<secret>[0-9]{15,17}\\|...` as `(?P<secret>[0-9]\\|...`). Both give a superset
    of the rule's matches ending where they end, so a prefilter still (the rule's regex
    bounds it again on the candidate line). A repeat of an alternation made Hyperscan
    follow every URL of a text for up to 64 steps: fastapi's release notes, hundreds of
    versions of 700 kB of links, were matched at 220 MB/s, at 340 MB/s without (code
    elsewhere: unchanged, 590-720 MB/s). A leading run of digits before a one-character
    literal (Facebook's app id and `|`, TrueNAS's key id and `-`) kept an automaton
    running at every digit: the whole database matched 86 MB of code (sqlalchemy, fastapi,
    flask, sympy and requests at HEAD) in 0.160-0.166 s, in 0.131-0.147 s with both cut."""
    lead = _LEADING_REPEAT.match(pattern)
    if lead:
        pattern = (lead.group(1) or "") + lead.group(2) + lead.group(3) + pattern[lead.end():]
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" or c == "[":  # an escape, or a class, copied as they are
            j = i + 2 if c == "\\" else _class_end(pattern, i)
            out.append(pattern[i:j])
            i = j
            continue
        if c == "{" and out and out[-1] == ")":
            m = _GROUP_REPEAT.match(pattern, i)
            if m:
                out.append("{%s,}" % m.group(1))
                i = m.end()
                continue
        out.append(c)
        i += 1
    return _tail_at_its_least("".join(out))


def _class_end(pattern: str, i: int) -> int:
    """Where the character class opened at pattern[i] (`[`) ends: after its `]` (`[^]...]`
    and `[]...]`: a first ] is a member), or the pattern's end."""
    i += 1
    for lead in ("^", "]"):
        if pattern.startswith(lead, i):
            i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
        elif pattern[i] == "]":
            return i + 1
        else:
            i += 1
    return len(pattern)


# a pattern's end that matches no character: a lookaround without groups inside, \b, $
_ZERO_WIDTH_END = re.compile(r"(?:\(\?<?[=!](?:\\.|\[(?:\\.|[^\]\\])*\]|[^()\[\\])*\)|\\b|\$)$")
# a repeat of one character, as a class or an escape, a varying number of times, at the end
_VARYING_TAIL = re.compile(r"(\[(?!\^)(?:\\.|[^\]\\])+\]|\\[wdS]|(?<!\\)\.)(?:\{(\d+),(\d*)\}|\+)\??$")
# one character, as a class, an escape or a sign, that may be absent, at the end
_OPTIONAL_TAIL = re.compile(r"(?:\[\^?(?:\\.|[^\]\\])+\]|\\.|[^\w\\()\[\]{}?*+|.^$])(?:\{0,\d*\}|\?|\*)\??$")
# what in a class may stand for a newline (an escape of it, a category, a code or a range)
_NEWLINE_IN_CLASS = re.compile(r"\\[nsWDx0u]|\\[^\]\\A-Za-z]-|\\[A-Za-z]-(?=.)|[^\\]-\\")
# an inline flag group that turns on DOTALL: `(?s)`, `(?is)`, `(?s:...)`
_DOTALL_FLAG = re.compile(r"\(\?[a-zA-Z]*s[a-zA-Z]*[:)]")


def _tail_at_its_least(pattern: str) -> str:
    """The pattern with a last repeat of one character that varies in length (`[A-Za-z0-9_-]{16,}`
    a JWT's signature ends with, `{20,300}`, `+`) cut to its least (`{16}`), and what it was
    followed by that matches no character (`(?![A-Za-z0-9_-])`, `\b`) dropped, when that
    character cannot be a newline: still a superset of the rule's matches, each one now
    ending within the rule's match on its last line. Hyperscan reports every end offset of
    a match: a JWT was a callback per character of its signature, three rules over
    (java-jwt's history: 1.2 M callbacks for 16 MB, most of its scan), now one."""
    end = len(pattern)
    while True:
        m = _ZERO_WIDTH_END.search(pattern, 0, end)
        if not m:
            break
        end = m.start()
    head = _without_last_group(pattern[:end])
    if head is not None:
        return _tail_at_its_least(head)
    closing = 0
    while end > closing and pattern[end - closing - 1] == ")" and (end - closing < 2 or pattern[end - closing - 2] != "\\"):
        closing += 1
    body = pattern[:end - closing]
    while True:  # what may be absent at the end (base64's `={0,2}`) is not needed for a match
        optional = _OPTIONAL_TAIL.search(body)
        if not optional or not _compiles(body[:optional.start()] + ")" * closing):
            break  # (one read wrongly, inside a longer escape such as `\x41{0,2}`, leaves a broken pattern)
        body = body[:optional.start()]
    m = _VARYING_TAIL.search(body)
    if not m or _DOTALL_FLAG.search(pattern):
        return pattern
    atom, least, most = m.group(1), m.group(2), m.group(3)
    if atom.startswith("[") and _NEWLINE_IN_CLASS.search(atom[1:-1]):
        return pattern
    if least is None:
        least = "1"  # `+`
    elif most and int(most) <= int(least) or least == "0":
        return pattern  # fixed, or may be absent: as it was
    return body[:m.start()] + atom + "{" + least + "}" + ")" * closing


# a sign (not a letter, digit or regex syntax), or an escaped one, at the end
_SIGN_END = re.compile(r"(?:[^\w\\()\[\]{}?*+|.^$]|\\[^\w])$")


def _without_last_group(pattern: str) -> str | None:
    """The pattern without the group that ends it, when that group comes after the rule's
    secret (a `secret` group before it, none inside), right after a sign, and none of its
    matches can hold a newline: a URL's host after `user:password@`. Still a superset of the
    rule's matches, each ending within the rule's match on its last line, and one end per
    `@` instead of one per character of the host (three URL rules over sqlalchemy's history:
    320 k of its 480 k Hyperscan callbacks). None otherwise."""
    if not pattern.endswith(")"):
        return None
    opens: list[int] = []
    start = None
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" or c == "[":  # an escape or a class: no group starts or ends there
            i = i + 2 if c == "\\" else _class_end(pattern, i)
            continue
        if c == "(":
            opens.append(i)
        elif c == ")":
            if not opens:
                return None
            at = opens.pop()
            if i == n - 1:
                start = at
        i += 1
    if start is None or opens:
        return None
    head, group = pattern[:start], pattern[start:]
    if "(?P<secret>" not in head or "(?P<secret>" in group or not _SIGN_END.search(head) \
            or not _repeats_a_varying_number(group) or _may_hold_a_newline(group) or not _compiles(head):
        return None
    return head


def _repeats_a_varying_number(pattern: str) -> bool:
    """Does the pattern repeat something a varying number of times (each count an end
    Hyperscan reports), rather than only choose among fixed words?"""
    sp = _sre_parse()
    try:
        tree = sp.parse(pattern)
    except Exception:
        return False

    def walk(items) -> bool:
        for op, av in items:
            if op in (sp.MAX_REPEAT, sp.MIN_REPEAT) and (av[0] != av[1] or walk(av[2])):
                return True
            if op is sp.SUBPATTERN and walk(av[-1]) or op is sp.BRANCH and any(walk(b) for b in av[1]):
                return True
        return False

    return walk(tree)


def _may_hold_a_newline(pattern: str) -> bool:
    """Can a match of the pattern hold a newline? True when unsure (a dot, which DOTALL may
    let take one, a lookaround, a reference, anything not read here)."""
    sp = _sre_parse()
    try:
        tree = sp.parse(pattern)
    except Exception:
        return True
    nl = ord("\n")
    takes_nl = {sp.CATEGORY_SPACE, sp.CATEGORY_NOT_DIGIT, sp.CATEGORY_NOT_WORD}

    def in_class(items) -> bool:
        hit = any(op is sp.LITERAL and av == nl or op is sp.RANGE and av[0] <= nl <= av[1]
                  or op is sp.CATEGORY and av in takes_nl for op, av in items)
        return hit != any(op is sp.NEGATE for op, _ in items)

    def walk(items) -> bool:
        for op, av in items:
            if op is sp.LITERAL:
                found = av == nl
            elif op is sp.NOT_LITERAL:
                found = av != nl
            elif op is sp.IN:
                found = in_class(av)
            elif op in (sp.MAX_REPEAT, sp.MIN_REPEAT):
                found = walk(av[2])
            elif op is sp.SUBPATTERN:
                found = walk(av[-1])
            elif op is sp.BRANCH:
                found = any(walk(b) for b in av[1])
            elif op is sp.AT:
                found = False
            else:
                found = True
            if found:
                return True
        return False

    return walk(tree)


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


@functools.cache
def _python_prefilters() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The generic, decoding and structured candidates as Python regexes, for the keyword
    path (no Hyperscan, or a text Hyperscan was not given): compiled on first use, since a
    scan with Hyperscan seldom takes that path, and compiling them was 6 ms of every run's
    start."""
    return (re.compile(GENERIC_CANDIDATE, re.ASCII), re.compile(DECODE_CANDIDATE, re.ASCII),
            re.compile(STRUCTURED_CANDIDATE))


def _hs_scan(db, data, on_match) -> None:
    """db.scan(data) with the database's own scratch space. Hyperscan needs one scratch per
    scan running at a time (a thread, or a scan started from a match callback) and refuses
    a scratch it finds in use (HS_SCRATCH_IN_USE) before reporting any match. The scan then
    gets a new scratch, kept as the database's, and runs again: once, in CI, the history scan
    of a four-file repository ended with ScratchInUseError, and no second scanning context
    could be found in this code or made to recur in 1,700 runs."""
    try:
        db.scan(data, match_event_handler=on_match)
    except Exception as e:
        import hyperscan

        if not isinstance(e, hyperscan.ScratchInUseError):
            raise
        db.scratch = hyperscan.Scratch(db)  # the old one is not freed while in use (hs_free_scratch refuses)
        db.scan(data, match_event_handler=on_match)


def _interruptible(fn):
    """fn() in a thread while the main thread waits in short joins: Hyperscan's compiler
    (seconds, cold cache, a new rule in the configuration) is C code that Ctrl-C cannot
    stop, but it releases the GIL, so the waiting main thread takes the KeyboardInterrupt
    within a tenth of a second (issue 13). Off the main thread, a plain call."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return fn()
    out: list = []

    def run():
        try:
            out.append((True, fn()))
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            out.append((False, e))

    t = threading.Thread(target=run, daemon=True)
    t.start()
    while t.is_alive():
        t.join(0.1)
    ok, value = out[0]
    if not ok:
        raise value
    return value


def _sre_parse():
    """Python's regex parser module (re._parser since 3.11, sre_parse before)."""
    try:
        import re._parser as sre_parse  # Python 3.11+
    except ImportError:  # Python 3.10
        import sre_parse  # type: ignore[no-redef]
    return sre_parse


def _buffer_anchored(pattern: str) -> bool:
    """Does the pattern use \\A or \\Z? (Decided on the parsed pattern, so escapes and
    character classes do not count; a pattern Python cannot parse counts as anchored.)"""
    sre_parse = _sre_parse()
    buffer_anchors = (sre_parse.AT_BEGINNING_STRING, sre_parse.AT_END_STRING)

    def walk(sub) -> bool:
        for op, av in sub:
            if op is sre_parse.AT and av in buffer_anchors:
                return True
            for x in (av if isinstance(av, (list, tuple)) else [av]):
                if isinstance(x, sre_parse.SubPattern) and walk(x):
                    return True
                if isinstance(x, (list, tuple)) and any(isinstance(y, sre_parse.SubPattern) and walk(y) for y in x):
                    return True
        return False

    if "\\A" not in pattern and "\\Z" not in pattern:
        return False
    try:
        return walk(sre_parse.parse(pattern))
    except Exception:
        return True


# An edited content (Engine.match_spans' bases) is matched from EDIT_MARGIN bytes before its
# first changed byte to EDIT_MARGIN bytes after its last: every match up to this long is
# found as a whole scan finds it (a longer one must lie within the changed bytes and the
# margins). 8 KB holds an RSA 8192 or a PGP private key block. Below EDIT_SAVING bytes
# skipped, a content is matched whole: a cut costs a scan call and the comparisons.
EDIT_MARGIN = 8192
EDIT_SAVING = 8192
EDITED_FROM = 2 * EDIT_MARGIN + EDIT_SAVING  # bytes: a smaller content is matched whole


def _edit_window(buf, view, a: int, na: int, b: int, n: int) -> tuple[int, int, int, int] | None:
    """Where to match the content buf[b:b+n], given its delta base buf[a:a+na]: (w0, w1,
    keep_lo, keep_hi), offsets in the content, when skipping its unchanged start and end
    is worth it, else None. Hyperscan matches [w0, w1) and keeps the matches ending in
    (keep_lo, keep_hi]; the others are the base's (_inherited). Exact for every match up to
    EDIT_MARGIN bytes long: one ending at or before keep_lo lies in the unchanged start,
    with the byte after it (a lookahead); one ending after keep_hi begins after the last
    changed byte; one ending between begins at or after w0. w0 is moved back to a line's
    start where one is near, so that ^ and \\b at the window's edge see what a whole scan
    sees."""
    if n < EDITED_FROM:
        return None
    p = _common_run(buf, view, a, b, min(n, na), False)
    s = _common_run(buf, view, a + na, b + n, min(n, na) - p, True)
    keep_lo = p - 1
    keep_hi = n - s + EDIT_MARGIN
    w0 = max(0, p - EDIT_MARGIN)
    if w0:
        line = buf.rfind(b"\n", max(b, b + w0 - EDIT_MARGIN), b + w0)
        w0 = line + 1 - b if line >= 0 else w0
    w1 = keep_hi + 1
    if w1 >= n:  # no unchanged end worth skipping: every match to the end is the window's
        w1 = keep_hi = n
    if w0 + n - w1 < EDIT_SAVING:
        return None
    return w0, w1, keep_lo, keep_hi


def _giant_windows(raw: bytes, rels: list[int]) -> list[list[int]]:
    """The windows [a, b) of a giant line's bytes `raw` that Engine._confirm_giant confirms
    for the matches ending at `rels` (sorted offsets in the line, each in 1..len(raw)): from
    WINDOW_BEFORE bytes before each end to WINDOW_AFTER after it, carried on to the end of
    the value it falls in (up to WINDOW_RUN bytes more), never splitting a UTF-8 character,
    overlapping ones joined."""
    spans: list[list[int]] = []
    # the value run measured last: bytes [run_from, run_to) hold no delimiter. A window's end
    # inside it goes on from run_to, not again from its own start: thousands of matches on
    # one line of base64 or path data each measured the same 64 KB run (Textualize/rich's
    # benchmark page: 0.5 s for one rule on one 1.1 MB line)
    run_from = run_to = -1
    n = len(raw)
    for rel in rels:
        a, b = max(0, rel - WINDOW_BEFORE), min(n, rel + WINDOW_AFTER)
        if b < n:  # never inside a value: a prefilter's end may come early in it (_tail_at_its_least)
            if not run_from <= b <= run_to:  # (b never decreases: the ends are sorted)
                run_from = run_to = b
            run_to = b = _VALUE_RUN.match(raw, run_to, min(n, b + WINDOW_RUN)).end()
        while a < n and 0x80 <= raw[a] < 0xC0:  # never split a UTF-8 character
            a += 1
        while b < n and 0x80 <= raw[b] < 0xC0:
            b += 1
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    return spans


def _inherited(base_matches: list, na: int, n: int, geometry: tuple) -> tuple[list, list]:
    """The base's matches a content of n bytes keeps from its unchanged start and end
    (_edit_window's geometry), moved to the content's offsets."""
    _, w1, keep_lo, keep_hi = geometry
    shift = na - n
    before = [m for m in base_matches if m[1] <= keep_lo] if keep_lo > 0 else []
    after = [(i, to - shift) for i, to in base_matches if to - shift > keep_hi] if w1 < n else []
    return before, after


def unchanged_lines(buf, base: tuple[int, int], st: int, en: int) -> tuple[int, int, int]:
    """(before, after, shift) for Engine.known_hits' `unchanged`: the content buf[st:en]
    and an earlier one buf[base[0]:base[1]] it was stored against share every line that
    ends (its newline included) at or before offset `before`, and every line that starts
    after offset `after` (offsets in the content; before -1, or after its size, when
    there is none), each at its offset plus `shift` in the earlier one. The common start
    and end are measured as _edit_window measures them, to within 64 bytes (a few lines
    more looked at, never one less)."""
    a_st, a_en = base
    n, na = en - st, a_en - a_st
    with memoryview(buf) as view:
        p = _common_run(buf, view, a_st, st, min(n, na), False, 256, 64)
        s = _common_run(buf, view, a_en, en, min(n, na) - p, True, 256, 64)
    last = buf.rfind(b"\n", st, st + p)  # the start's lines end at its last newline
    first = buf.find(b"\n", en - s, en)  # the end's lines start after its first newline
    return (last - st if last >= 0 else -1), (first - st if first >= 0 else n), na - n


def _common_run(buf, view, a: int, b: int, n: int, backwards: bool, step: int = EDIT_MARGIN,
                within: int = 512) -> int:
    """A lower bound, within `within` bytes, of the length of the longest common start
    (or, backwards, end) of buf[a:a+n] and buf[b:b+n] (backwards: of the n bytes ending at
    a and at b); 0 when it is under `step` (EDIT_MARGIN: where it makes no difference to
    _edit_window). Compared in doubling blocks from `step` at C speed (startswith on a
    memoryview: no copy), then halved in the block that differs. A shorter run than the
    true one only means more bytes matched (or lines looked at, unchanged_lines)."""
    same = buf.endswith if backwards else buf.startswith

    def equal(off: int, k: int) -> bool:
        if backwards:
            return same(view[b - off - k:b - off], 0, a - off)
        return same(view[b + off:b + off + k], a + off)

    done = 0
    while done < n:
        k = min(step, n - done)
        if not equal(done, k):
            while done and k > within:  # the first difference is within the next k bytes
                h = k // 2
                if equal(done, h):
                    done += h
                    k -= h
                else:
                    k = h
            return done
        done += k
        step *= 2
    return done


# prose introducing an example, before a value on its line: an API's documentation written in
# its code (meilisearch's OpenAPI text, "Example: `Authorization: Bearer 8fec...`"), or markup
# that opens one (an AWS service model's documentation: "<examples> <queryrequest> ...
# &AWSAccessKeyId=AKIA...", aws/aws-cli's botocore data; C#'s `/// <example>`)
# (after a word's edge, or after an escaped newline in a string: a JSON description's "...\nExample:")
# (or "Example below." or "Example auth header:", before a request in a Swagger description's
# Markdown: the Bot Framework's Direct Line API, "Example below.\r\n\r\n```\r\n...
# Authorization: Bearer ...")
_EXAMPLE_WORD = re.compile(r"(?i)(?:\b|\\[nt])(?:example(?:\s+[a-z-]+){0,3}\s*:|examples?\s+below\b|e\.g\.|for example\b|for instance\b)|<examples?>")
EXAMPLE_WORD_REACH = 4096  # characters before a hit that _after_an_example_word reads


# a line that is a heading introducing examples, up to its string's closing quote and call:
# a CLI's help text (`console.log('  Examples:');`, `echo "Examples:"`, an epilog's "Examples:\n")
_EXAMPLES_HEADING = re.compile(r"(?i)(?:^|[\s'\"`#*/-])examples?\s*:\s*(?:\\n)?['\"`]?\s*[)\];,]*\s*$")
EXAMPLES_HEADING_LINES = 3  # how far above a hit such a heading still introduces it


# a comment's line that introduces what follows in the same comment as an example
# ("# ...perform a curl command, replacing with suitable values, similar to this:" above
# "# curl ... -u admin:xabiquo", ansible community.general's inventory scripts; "// For
# instance:" above a connection string, pulumi/examples)
_INTRO_WORDS = r"(?i)\b(?:for (?:example|instance)|e\.g\.|similar to (?:this|the following)|like (?:this|so)|as follows)\b"
_EXAMPLE_INTRO = re.compile(_INTRO_WORDS + r"[^\n]{0,80}:\s*$")
# a comment right above a value's key that calls the value an example (a Helm chart's
# parameter comment, bitnami's concourse chart: "## Example value taken from <the upstream
# chart>", then `hostKey: |-` and a private key), and how many of its lines are read
_EXAMPLE_VALUE = re.compile(r"(?i)\bexample values?\b")
EXAMPLE_VALUE_COMMENT_LINES = 6
# a key line that opens a block holding the value on the lines below: YAML's `key: |-`, `key: >`
_BLOCK_KEY = re.compile(r"^\s*[\w.\-\"']+\s*:\s*(?:[|>][+\-]?\d*)?\s*$")


def _under_an_examples_heading(lines: list[str], h: Hit, path: str) -> bool:
    """Is one of the few lines above the hit's a heading that introduces examples, or, for a
    hit in a comment (as the file's language reads one), a line of the same comment that
    introduces an example, or, for a hit outside one, the comment right above its key that
    calls it an example value (_comment_above_calls_it_an_example)?"""
    hit_in_comment = in_comment = 0 < h.line <= len(lines) and comment_line(lines[h.line - 1], path)
    if path and file_kind(path) == DOC and _block_after_an_example_intro(lines, h):
        return True
    for j in range(h.line - 2, max(-1, h.line - 2 - EXAMPLES_HEADING_LINES), -1):
        if j >= len(lines) or len(lines[j]) > 4096:
            continue
        if _EXAMPLES_HEADING.search(lines[j]):
            return True
        if in_comment:
            if not comment_line(lines[j], path):
                in_comment = False  # the comment starts below: what is above it introduces nothing
            elif _EXAMPLE_INTRO.search(lines[j]):
                return True
    return not hit_in_comment and _comment_above_calls_it_an_example(lines, h, path)


EXAMPLE_BLOCK_LINES = 24  # how far below its intro an example in prose can run
# a paragraph of prose that introduces an example: its last sentence, over lines joined
_PROSE_INTRO = re.compile(_INTRO_WORDS + r".{0,200}:$")


def _block_after_an_example_intro(lines: list[str], h: Hit) -> bool:
    """In prose, is the hit in an example that a paragraph ending "for example ...:"
    introduces (_PROSE_INTRO), after a blank line, within EXAMPLE_BLOCK_LINES lines? An
    RFC's "For example, the client makes the following HTTP request (with extra line breaks
    for display purposes only):", then the request, a blank line, its body (pomerium's
    .docs/RFC/). A paragraph ending in a full stop is prose: the example ended there."""
    j = h.line - 2
    limit = max(-1, j - EXAMPLE_BLOCK_LINES)
    while j > limit:
        while j > limit and j < len(lines) and lines[j].strip():
            j -= 1  # up the block
        blank = 0
        while j > limit and j < len(lines) and not lines[j].strip():
            j, blank = j - 1, blank + 1
        if j <= limit or j >= len(lines) or not blank or len(lines[j]) > 4096:
            return False
        end = lines[j].rstrip()
        if end.endswith(":"):
            return bool(_PROSE_INTRO.search(" ".join(lines[k].strip() for k in range(max(0, j - 3), j + 1))))
        if end.endswith("."):
            return False
    return False


def _comment_above_calls_it_an_example(lines: list[str], h: Hit, path: str) -> bool:
    """Does the comment right above the hit's line, or above the key line that opens the
    block the hit starts (`hostKey: |-`), call the value an example (_EXAMPLE_VALUE)?"""
    j = h.line - 2
    if 0 <= j < len(lines) and _BLOCK_KEY.match(lines[j]):
        j -= 1
    for k in range(j, max(-1, j - EXAMPLE_VALUE_COMMENT_LINES), -1):
        if k >= len(lines) or len(lines[k]) > 4096 or not comment_line(lines[k], path):
            return False
        if _EXAMPLE_VALUE.search(lines[k]):
            return True
    return False


def _after_an_example_word(lines: list[str], h: Hit) -> bool:
    """Does the hit's line say, at most EXAMPLE_WORD_REACH characters before it, that an
    example follows? (A long line too: a service model's documentation is one JSON string.)"""
    if not 0 < h.line <= len(lines):
        return False
    end = max(0, h.column - 1)
    return bool(_EXAMPLE_WORD.search(lines[h.line - 1], max(0, end - EXAMPLE_WORD_REACH), end))


def _inside_a_word(line: str, at: int) -> bool:
    """Does a match starting at `at` begin inside a lower-case word? A provider's name
    matched case-insensitively inside another word is not that name: Etsy's in
    `setSystemInstruction`, whose 24 letters after `: mock...` read as an Etsy key
    (google-gemini/gemini-cli). A name starting a word, a snake-case part or a camel-case
    part (`ETSY_KEY`, `myEtsyKey`), or after a capital (Java's `-Dsonar.login=`), is
    one; patterns that start with a prefix or a boundary of their own never start so."""
    return at > 0 and line[at].islower() and (line[at - 1].islower() or line[at - 1].isdigit())


def _name_runs_into_a_word(line: str, at: int, keywords: list[str]) -> bool:
    """Does the provider's name matched at `at` end inside a camel-case word that began within
    it? `sumOfExposures` holds Sumo's name case-insensitively, but its `O` starts the word
    `Of`: not Sumo's setting. A brand's own capitals end with the name (`GitHubClientSecret`,
    `sendGridKey`), a name without one inside (`SUMO_KEY`, `sumologic`) is whole, and so is
    a prefix with capitals of its own (a JWT's `eyJ`)."""
    for k in keywords:
        end = at + len(k)
        name = line[at:end]
        if name.lower() != k.lower():
            continue
        if end < len(line) and line[end].islower():
            return any(name[i - 1].islower() and name[i].isupper() and not (k[i - 1].islower() and k[i].isupper())
                       for i in range(1, len(name)))
        return False
    return False


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")  # undecodable bytes back as they were
    except UnicodeEncodeError:  # other lone surrogates (e.g. from a UTF-16 decode)
        return text.encode("utf-8", "surrogatepass")


# (line, the path's class) -> [docstring_may_matter, hits outside a docstring, hits inside
# one], the last two None until computed; forgotten whenever it holds 8 M characters of lines
_GENERIC_MEMO = BoundedMemo(8_000_000)
_PATH_CLASS: dict[str, tuple] = {}  # path -> detectors.generic.path_class(path)


def _generic_key(line: str, path: str) -> tuple:
    """_GENERIC_MEMO's key: the line and what generic judging reads of its path."""
    cls = _PATH_CLASS.get(path)
    if cls is None:
        from detectors.generic import path_class

        if len(_PATH_CLASS) > 200_000:  # paths are few, but a library caller's process goes on
            _PATH_CLASS.clear()
        cls = _PATH_CLASS[path] = path_class(path)
    return line, cls


def _generic_cached(line: str, line_no: int, path: str, lines: list[str]) -> list[Hit]:
    """generic_hits for one line, judged once per (line, path, in a docstring) in a process:
    a history holds hundreds of versions of a file, whose unchanged lines are the same
    candidates again (the keyword check on them was a sixth of sqlalchemy's history scan).
    Its hits depend on those three alone, apart from the line number they carry."""
    from detectors.generic import in_docstring

    got = _generic_judged(line, path, lambda: in_docstring(line, line_no, path, lines, may_matter=True))
    return [replace(h, line=line_no, context=dict(h.context)) for h in got]


def _generic_judged(line: str, path: str, in_doc) -> list[Hit]:
    """The memo's generic hits for the line with this path, or with any path of its class
    (detectors.generic.path_class; line number 1; the caller copies them), judged now if
    they are not known yet. `in_doc()` says whether the line sits in a docstring, asked
    only where that may matter: whether it may, depends on (line, path class) alone and is
    remembered too (lexing the line to ask was a third of sqlalchemy's history scan). The
    memo is dropped whenever it holds 8 M characters of lines."""
    from detectors.generic import docstring_may_matter, generic_hits

    key = _generic_key(line, path)
    ent = _GENERIC_MEMO.get(key)
    if ent is None:
        # [docstring may matter, hits out of a docstring, hits in one, _generic_known's answer once fixed]
        ent = _GENERIC_MEMO.keep(key, [docstring_may_matter(line, path), None, None, None], len(line) + 100)
    doc = ent[0] and in_doc()
    got = ent[2 if doc else 1]
    if got is None:
        got = ent[2 if doc else 1] = generic_hits(line, 1, path, docstring=doc)
        if ent[0] and ent[2 if not doc else 1] is None:
            # judged both ways at once: a line that holds nothing either way is known
            # empty (known_quiet) without finding the docstrings of the next version
            ent[2 if not doc else 1] = generic_hits(line, 1, path, docstring=not doc)
    return got


def _line_bytes(lines: Lines, li: int) -> tuple[int, bytes | None]:
    """(the byte offset where line li starts in the content, its bytes) as Hyperscan saw
    them, or (0, None) when the text does not encode back (a lone surrogate)."""
    try:
        return (len(lines.text[:lines.starts[li]].encode("utf-8", "surrogateescape")),
                lines.lines[li].encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return 0, None


def _window_key(i: int, rule: Rule, lines: list[str], li: int) -> tuple:
    """The key confirm() remembers a rejected line of rule i with context by: the line's
    place in its window and the window, max(1, context_lines) lines before it and
    context_lines after it (_context_window cuts the same from the bytes)."""
    lo = max(0, li - max(1, rule.context_lines))
    return (i, li - lo, "\n".join(lines[lo:li + rule.context_lines + 1]))


def _context_window(buf, st: int, en: int, a: int, b: int, i: int, rule: Rule) -> tuple:
    """The key confirm() remembers a rejected line of a rule with context by, cut from the
    bytes: the line buf[a:b] of the content buf[st:en] with max(1, context_lines) lines
    before it and context_lines after it (fewer at the content's edges)."""
    a, b, k = _lines_around(buf, st, en, a, b, max(1, rule.context_lines), rule.context_lines)
    return (i, k, bytes(buf[a:b]).decode("utf-8", "surrogateescape"))


def _lines_around(buf, st: int, en: int, a: int, b: int, up: int, down: int) -> tuple[int, int, int]:
    """(start, end, lines gone up) of the line buf[a:b] of the content buf[st:en] with `up`
    lines before it and `down` after it, fewer at the content's edges."""
    k = 0
    for _ in range(up):
        if a <= st:
            break
        a = buf.rfind(b"\n", st, a - 1) + 1 or st
        k += 1
    for _ in range(down):
        if b >= en:
            break
        nxt = buf.find(b"\n", b + 1, en)
        b = nxt if nxt >= 0 else en
    return a, b, k


def _allowed_here(buf, st: int, a: int, line: str) -> bool:
    """allowed() for the line starting at buf[a] of the content starting at buf[st], whose
    text is `line`, cut from the bytes: an allow marker on it or on the line before."""
    prev = None
    if a > st:
        b = buf.rfind(b"\n", st, a - 1) + 1
        prev = bytes(buf[max(b, st):a - 1]).decode("utf-8", "surrogateescape")
    return line_allowed(line, prev)


_SECRET_OF_HIT = operator.attrgetter("secret")
_SECRET_OF_TUPLE = operator.itemgetter(1)


def _kept_generic(found, secret_of, prefixes: frozenset | set) -> list:
    """What a scan keeps of one line's generic hits, in order: not a provider's bare public
    prefix, and not a value that holds, or is held by, one kept before it (`password=x`
    beside `password_bytes=b'xBytes'`). One place for confirm() and known_hits(): when
    only confirm() applied the second test, a version of a file taken from the memo had
    one finding more than the same content confirmed, and which version of a file was
    confirmed, so where a secret was first reported, changed from run to run."""
    kept: list = []
    for item in found:
        s = secret_of(item)
        if s.lower() in prefixes or any(s in secret_of(o) or secret_of(o) in s for o in kept):
            continue
        kept.append(item)
    return kept


def _generic_known(line: str, path: str) -> tuple | None:
    """(rule, secret, column) of each generic hit on the line with this path, when
    _generic_cached has judged it and its answer does not depend on whether the line sits
    in a docstring (judged both ways alike, or a path where docstrings do not matter);
    else None."""
    ent = _GENERIC_MEMO.get(_generic_key(line, path))
    if ent is None or ent[1] is None:
        return None
    if ent[3] is not None:  # a line met again (most are): the answer, which no later judging changes
        return ent[3]
    out = tuple((h.rule_id, h.secret, h.column) for h in ent[1])
    if ent[0] and (ent[2] is None or tuple((h.rule_id, h.secret, h.column) for h in ent[2]) != out):
        return None
    ent[3] = out
    return out


def _generic_known_here(buf, st: int, en: int, a: int, line: str, path: str, docs: list, last: int) -> tuple:
    """(rule, secret, column) of each generic hit confirm() would find on the line that
    starts at buf[a] in the content buf[st:en] (with this path), judged now if need be,
    and in or out of a docstring as in_docstring would place it there (is_doc_line, with
    `docs` its memo and `last` where the last line asked about starts). (A version of a
    file with one new line holding a candidate was confirmed whole for it: 821 of
    fastapi's 880 confirmations.)"""
    if len(line) > 4096:
        return ()  # confirm() reads no such line, nor does generic_hits

    def in_doc() -> bool:
        from detectors.generic import is_doc_line

        return is_doc_line(buf, path, st, en, a, last, docs)

    return tuple((h.rule_id, h.secret, h.column) for h in _generic_judged(line, path, in_doc))


def mark_generated(engine: Engine, hits: list, data, path: str, start: int = 0, end: int | None = None) -> None:
    """Mark the generic hits of a generated source file (detectors.generic.is_generated_code,
    read from the content data[start:end], one of many in a buffer: never past its end, where
    the next content's head is): scanner/confidence.py rates them low."""
    from detectors.generic import GENERATED_HEAD, is_generated_code

    generic = [h for h in hits if engine.by_id.get(h.rule_id) is not None and engine.by_id[h.rule_id].generic]
    stop = start + GENERATED_HEAD if end is None else min(end, start + GENERATED_HEAD)
    if generic and is_generated_code(bytes(data[start:stop]), path):
        for h in generic:
            h.context["generated"] = True


def _line_counter(data, offsets, start: int = 0):
    """line_of(to) for every `to` in offsets: the 0-based line, counted from `start`, of a
    match ending just before offset `to`, counted by bytes.count between the sorted
    offsets (C speed), not looked up in a list of every newline offset built in Python:
    that list was a fifth of a history scan's CPU on a repository whose blobs often
    mention a password (sqlalchemy)."""
    lines: dict[int, int] = {}
    off, n = start, 0
    for to in sorted(set(offsets)):
        pos = max(start, to - 1)
        n += data.count(b"\n", off, pos)
        off = pos
        lines[to] = n
    return lines.__getitem__


def _b64_text(value: str) -> str | None:
    """The text a base64 value encodes, as the structured parsers decode it, else None."""
    from detectors.structured._util import b64decode_any, printable_text

    raw = b64decode_any(value)
    return printable_text(raw) if raw else None


def dedupe(hits: list[Hit], rules: dict[str, Rule]) -> list[Hit]:
    """One hit per (line, secret). Where two rules report the same value, the more specific
    one wins, whatever order they ran in: a provider rule over a generic one, a rule that
    needed nearby context (a Clerk key next to "clerk") over one that did not (any sk_live_),
    then the rule id, so the result never depends on rule order."""
    def rank(h: Hit) -> tuple:
        r = rules.get(h.rule_id)
        # a carrier rule (Authorization header, URL password) yields to a provider's
        return (bool(r and r.generic), bool(r and r.carrier), not (r and r.context), h.rule_id)

    seen: dict[tuple[int, str], Hit] = {}
    for h in hits:
        # a key written with escaped newlines (a JSON string) is the same key as the one a
        # parser unescaped: a service-account file's private_key was reported twice
        k = (h.line, h.secret.replace("\\n", "\n").strip() if "-----" in h.secret else h.secret)
        if k not in seen or rank(h) < rank(seen[k]):
            seen[k] = h
    # a generic hit on a value another rule reports decoded (a Kubernetes Secret's base64
    # `data:` value, read by its parser) is that credential again
    decoded = {(h.line, h.secret) for h in seen.values() if not (rules.get(h.rule_id) and rules[h.rule_id].generic)}
    if decoded:
        seen = {k: h for k, h in seen.items()
                if not (rules.get(h.rule_id) and rules[h.rule_id].generic and (h.line, _b64_text(h.secret)) in decoded)}
    # a part of a block another hit holds whole (an OpenSSH key's first body line, which
    # is also base64 of "openssh-key-v1") is that credential again, not a second one
    blocks = [(h.line, h.line + h.secret.count("\n"), h.secret) for h in seen.values() if "\n" in h.secret]
    if blocks:
        seen = {k: h for k, h in seen.items()
                if not any(a <= h.line <= b and h.secret != s and h.secret in s for a, b, s in blocks)}
    return sorted(seen.values(), key=lambda h: (h.line, h.column, h.rule_id))
