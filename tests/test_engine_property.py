"""Issue 7.6: property tests. Redaction never returns a string that contains the secret,
and the Hyperscan engine and the pure-Python fallback report the same (rule, secret, line)
on random texts built from the rules' positive examples mixed with noise."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scanner.redact import redact
from scanner.rules import load_rules
from scanner.detect import detect

RULES = load_rules(use_cache=False)
PREFIXES = sorted({k for r in RULES for k in r.keywords})
EXAMPLES = sorted({p for r in RULES if r.pattern and not r.structured for p in r.positive if "\n" not in p})

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(secret=st.text(min_size=4, max_size=120), prefixes=st.lists(st.sampled_from(PREFIXES + ["", "a", "-----BEGIN"]),
                                                                     max_size=4))
def test_redaction_never_contains_the_secret(secret, prefixes):
    out = redact(secret, prefixes)
    assert secret not in out


@SETTINGS
@given(prefix=st.sampled_from(PREFIXES), body=st.text(min_size=0, max_size=60))
def test_redaction_of_prefixed_secrets(prefix, body):
    secret = prefix + body
    if len(secret) < 4:
        return
    assert secret not in redact(secret, [prefix])
    assert secret not in redact(secret, PREFIXES)


@pytest.fixture(scope="module")
def engines():
    from scanner.engine import Engine

    try:
        hs = Engine(RULES, use_hyperscan=True)
    except RuntimeError:
        pytest.skip("hyperscan is not installed")
    return hs, Engine(RULES, use_hyperscan=False)


NOISE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.text(alphabet="abcXYZ019_-=:\"' \t/+.", max_size=40),
    st.sampled_from(["\n", "\r\n", " ", "=", ": ", "\"", "'", "password = ", "token: ", "# ", "export ", "\t",
                     "secret=", "api_key=", "https://", "@", "\ufeff", "é", "\x00"]),
)
PIECE = st.one_of(st.sampled_from(EXAMPLES), NOISE, NOISE)


def _key(hits):
    return sorted({(h.rule_id, h.secret, h.line) for h in hits})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(PIECE, min_size=1, max_size=12), sep=st.sampled_from(["", "\n", " ", "\n\n"]))
def test_hyperscan_and_fallback_agree(engines, pieces, sep):
    hs, py = engines
    text = sep.join(pieces)
    data = text.encode("utf-8", "surrogatepass")
    assert _key((detect(hs, data, "f.txt")[0] or [])) == _key((detect(py, data, "f.txt")[0] or []))
    assert _key(hs.scan_text(text, "f.txt")) == _key(py.scan_text(text, "f.txt"))


def test_every_positive_example_agrees(engines):
    """Deterministic companion: each rule's positive examples, alone and embedded."""
    hs, py = engines
    for ex in EXAMPLES:
        for text in (ex, f"x = 1\n  value: {ex}  \nend\n"):
            assert _key(hs.scan_text(text)) == _key(py.scan_text(text)), ex


def _parent_by_walking(lines: list[str], j: int) -> int | None:
    """The definition: the nearest non-blank line at most _MAX_UP lines up, indented less."""
    from scanner.context import _MAX_UP, _blank, _indent

    for k in range(j - 1, max(-1, j - _MAX_UP - 1), -1):
        if not _blank(lines[k]) and _indent(lines[k]) < _indent(lines[j]):
            return k
    return None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["key:", "- item", "", "# note", "k = v", "[s]"])),
                min_size=1, max_size=900),
       st.lists(st.integers(0, 10_000), min_size=1, max_size=60))
def test_section_parents_shortcut_agrees_with_the_walk(rows, queries):
    """context._parent skips from a line to its known parent; the answer must be the one a
    line-by-line walk gives, whatever order the hits come in (the memo fills as they do)."""
    from scanner import context

    lines = [" " * (2 * ind) + text for ind, text in rows]
    for q in queries:
        j = q % len(lines)
        assert context._parent(lines, j, 0) == _parent_by_walking(lines, j), (j, lines[max(0, j - 5):j + 1])


MULTILINE_EXAMPLES = sorted({p for r in RULES if r.pattern and not r.structured for p in r.positive if "\n" in p})


def _in_cat_file_layout(contents: list[bytes]) -> tuple[bytes, list[tuple[int, int]]]:
    """Contents laid out as `git cat-file --batch` writes them, and each one's span."""
    import hashlib

    buf, spans = b"", []
    for c in contents:
        buf += hashlib.sha1(c).hexdigest().encode() + b" blob %d\n" % len(c)
        spans.append((len(buf), len(buf) + len(c)))
        buf += c + b"\n"
    return buf, spans


def _alone(hs, content: bytes) -> list:
    """The content's matches, matched whole and alone."""
    buf, spans = _in_cat_file_layout([content])
    got: dict = {}
    hs.match_spans(buf, spans, raw=got)
    return sorted(set(got.get(0, [])))


def _matched_against_bases(hs, buf, spans) -> tuple[dict, list]:
    """Three contents (a base, a version of it, a version of that) matched with their
    bases in one call, as within a group of blobs (span index -> matches); and the second
    matched against the first from an earlier call, as from an earlier group (its matches)."""
    together: dict = {}
    hs.match_spans(buf, spans, bases={1: 0, 2: 1}, raw=together)
    base_raw: dict = {}
    hs.match_spans(buf, spans[:1], raw=base_raw)
    apart: dict = {}
    hs.match_spans(buf, spans[1:2], bases={0: (*spans[0], base_raw.get(0, []))}, raw=apart)
    return together, apart.get(0, [])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_content_matched_where_it_differs_from_its_base_gets_every_match(engines, data):
    """A version stored as a delta is matched only around what it changed over its base
    (Engine.match_spans' bases); the rest of its matches are the base's, moved. They must
    be exactly the matches of the version matched whole, alone: secrets before, after,
    inside and across the edit, edits that insert, delete or replace, near a secret or
    not, multi-line keys included."""
    import random as stdrandom

    from scanner import engine as engine_mod

    hs, _ = engines
    rng = stdrandom.Random(data.draw(st.integers(0, 2 ** 32), label="seed"))
    words = ["def", "return", "value", "config", "items", "for", "in", "if", "print", "self", "data", "x = 1"]
    lines = ["    " + " ".join(rng.choice(words) for _ in range(rng.randint(2, 10))) for _ in range(1400)]
    secret = st.one_of(st.sampled_from(EXAMPLES), st.sampled_from(MULTILINE_EXAMPLES))
    secrets = data.draw(st.lists(secret, min_size=1, max_size=6), label="secrets")
    for s in secrets:
        lines.insert(rng.randrange(len(lines)), rng.choice(["", "TOKEN = ", "password: ", "key="]) + s)
    base = "\n".join(lines).encode()
    # edit at, in or just after a secret (or anywhere): where a cut in the wrong place shows
    anchors = [base.find(s.encode()) + k * len(s.encode()) // 2 for s in secrets for k in (0, 1, 2)]
    at = data.draw(st.sampled_from(anchors + [rng.randrange(len(base))]), label="edit near")
    at = min(max(at + data.draw(st.sampled_from([0, 0, -1, 1, -2, 2, -30, 30]), label="offset"), 0), len(base))
    cut = data.draw(st.sampled_from([0, 1, 2, 7, 60, 3000, 20_000]), label="deleted")
    put = data.draw(st.one_of(st.sampled_from(["", "\n", " ", "x", "-", "# note\n", "password = 'hunter2-q" + "7" * 20 + "'\n"]),
                              secret), label="inserted")
    version = base[:at] + put.encode() + base[at + cut:]
    # and a version of that version, edited elsewhere: its base is itself an edited content
    at2 = rng.randrange(len(version))
    again = version[:at2] + rng.choice([b"", b"\n", b"y = 2\n"]) + version[at2 + rng.choice([0, 1, 5, 500]):]
    buf, spans = _in_cat_file_layout([base, version, again])
    together, apart = _matched_against_bases(hs, buf, spans)
    # (a match reaching further back than EDIT_MARGIN is outside the geometry's contract, as
    # in the test below: an edit that broke a PuTTY key's header left Hyperscan's prefilter
    # form of the rule, whose bounded repeats it leaves unbounded, matching from another
    # key's header 15 kB before, which the 40-line rule itself would not take)
    got = {k: _within_the_margin(hs, c, together.get(k, [])) for k, c in ((1, version), (2, again))}
    assert got[1] == _within_the_margin(hs, version, apart) == _within_the_margin(hs, version, _alone(hs, version))
    assert got[2] == _within_the_margin(hs, again, _alone(hs, again))
    # and the cut was made: most of the version was not matched again
    with memoryview(buf) as view:
        (a_st, a_en), (b_st, b_en) = spans[:2]
        assert engine_mod._edit_window(buf, view, a_st, a_en - a_st, b_st, b_en - b_st) is not None


DISCORD = "OvePJpFQvn0PrA5PwrG2vsWk.xFIB39.BZvSIfigqJJBmQaFoVQcFnIsOeIooNwYTAXxis"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_context_gated_rule_in_an_edited_content_is_found_as_in_the_whole(engines, data):
    """A rule matched through its context (Discord's bot token, near a `bot`) is looked for
    in an edited content only where it changed, when its base was looked in and held none
    of the rule's own pattern (Engine._ungate's `only`, the base in `gate_free`). The
    version's matches after ungate must be those of the version matched whole and alone,
    with its base in the same call or from an earlier one: tokens and contexts before, in
    and after the edit, a base with a token, a base without a context."""
    import random as stdrandom

    hs, _ = engines
    rng = stdrandom.Random(data.draw(st.integers(0, 2 ** 32), label="seed"))
    lines = [f"    value_{k} = compute(items, {k})" for k in range(2500)]
    for _ in range(data.draw(st.integers(0, 4), label="contexts in the base")):
        lines.insert(rng.randrange(len(lines)), "    bot = make_bot()")
    if data.draw(st.booleans(), label="a token in the base"):  # with its context, or without
        lines[rng.randrange(len(lines)):0] = [f"    TOKEN = '{DISCORD}'"] + ["    bot = make_bot()"] * rng.randint(0, 1)
    base = "\n".join(lines).encode()
    at = rng.randrange(len(base))
    cut = data.draw(st.sampled_from([0, 1, 40, 3000]), label="deleted")
    put = data.draw(st.sampled_from(["", "\n", f"TOKEN = '{DISCORD}'\n", "# a discord bot\n",
                                     f"# bot\nTOKEN = '{DISCORD}'\n", f"{DISCORD}"]), label="inserted")
    version = base[:at] + put.encode() + base[at + cut:]
    buf, spans = _in_cat_file_layout([base, version])
    alone_buf, alone_spans = _in_cat_file_layout([version])
    alone = sorted(set(hs.match_spans(alone_buf, alone_spans).get(0, [])))
    free: set = set()
    together = hs.match_spans(buf, spans, bases={1: 0}, gate_free=free)
    assert sorted(set(together.get(1, []))) == alone
    base_raw: dict = {}
    base_free: set = set()
    hs.match_spans(buf, spans[:1], raw=base_raw, gate_free=base_free)
    apart = hs.match_spans(buf, spans[1:2], bases={0: (*spans[0], base_raw.get(0, []), 0 in base_free)})
    assert sorted(set(apart.get(0, []))) == alone
    # a base with a context and no token is one the version can be looked in only where it changed
    assert (0 in base_free) == (b"bot = make_bot" in base and DISCORD.encode() not in base)


def test_an_edit_right_after_a_match_is_seen_by_the_byte_after_it(engines):
    """A match ending where the unchanged start ends looks at the first changed byte (its
    \\b): an AWS key ID followed by a newline in the base, by a letter in the version, is a
    match in the base only. The version must not take it from the base."""
    hs, _ = engines
    filler = "".join(f"    value = {k} + items\n" for k in range(3000)).encode()
    key = b"AKIA" + b"Q3ZB7XKP2MNR4TWV"
    base = filler[:40_000] + b"aws = " + key + b"\n" + filler[40_000:]
    version = filler[:40_000] + b"aws = " + key + b"x\n" + filler[40_000:]
    buf, spans = _in_cat_file_layout([base, version])
    got: dict = {}
    hs.match_spans(buf, spans, bases={1: 0}, raw=got)
    ends_in_base = {to for _, to in got.get(0, [])}
    ends_in_version = {to for _, to in got.get(1, [])}
    key_end = 40_000 + len(b"aws = ") + len(key)
    assert key_end in ends_in_base and key_end not in ends_in_version


@pytest.mark.parametrize("suffix", [8191, 8192, 8193, 8194, 9000])
def test_a_match_at_the_content_s_end_is_kept_whatever_the_unchanged_end_s_length(engines, suffix):
    """The window's end and the inherited end meet exactly: an unchanged end one byte longer
    than EDIT_MARGIN put the last kept offset one byte before the content's end, with no
    inherited end to give a match ending there (a token at the end of a file without a
    newline, below an insertion)."""
    from scanner.engine import EDIT_MARGIN

    assert EDIT_MARGIN == 8192
    hs, _ = engines
    token = b"ghp_" + b"1NzPjNABzLPEbirvMKksEwq8GQTIsn2HT8lN"
    at = 24576  # where the first difference is found exactly (a block boundary of _common_run)
    tail = b"TOKEN = " + token
    lines = b"".join(b"    value = %d + items\n" % k for k in range(3000))
    base = lines[:at + suffix - len(tail)] + tail  # `suffix` unchanged bytes after the insertion
    version = base[:at] + b"    inserted = 1\n" + base[at:]
    buf, spans = _in_cat_file_layout([base, version])
    got: dict = {}
    hs.match_spans(buf, spans, bases={1: 0}, raw=got)
    alone_buf, alone_spans = _in_cat_file_layout([version])
    whole: dict = {}
    hs.match_spans(alone_buf, alone_spans, raw=whole)
    assert any(to == len(version) for _, to in whole.get(0, [])), "the token's match ends at the content's end"
    assert sorted(set(got.get(1, []))) == sorted(set(whole.get(0, [])))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_content_edited_in_several_places_gets_every_match(engines, data):
    """Edits spread through a long content (a header changed, a function rewritten in the
    middle, tests appended): its matches must be exactly those of the content matched
    whole, secrets in, beside and across each edit and moved further along the content
    than in the base; the base itself edited in several places."""
    import random as stdrandom

    hs, _ = engines
    rng = stdrandom.Random(data.draw(st.integers(0, 2 ** 32), label="seed"))
    words = ["def", "return", "value", "config", "items", "for", "in", "if", "print", "self", "data", "x = 1"]
    lines = ["    " + " ".join(rng.choice(words) for _ in range(rng.randint(2, 10))) + f"  # {k}" for k in range(4000)]
    secret = st.one_of(st.sampled_from(EXAMPLES), st.sampled_from(MULTILINE_EXAMPLES))
    secrets = data.draw(st.lists(secret, min_size=1, max_size=8), label="secrets")
    for s in secrets:
        lines.insert(rng.randrange(len(lines)), rng.choice(["", "TOKEN = ", "password: ", "key="]) + s)
    base = "\n".join(lines).encode()

    def edited(content: bytes, n: int) -> bytes:
        # at, in or just after a secret (where a stretch's edge in the wrong place shows), or anywhere
        anchors = [content.find(s.encode()) + k * len(s.encode()) // 2 for s in secrets for k in (0, 1, 2)]
        edits = []
        for _ in range(n):
            at = data.draw(st.sampled_from([a for a in anchors if a >= 0] + [rng.randrange(len(content))] * 3))
            at = min(max(at + data.draw(st.sampled_from([0, 0, -1, 1, -2, 2, -30, 30])), 0), len(content))
            cut = data.draw(st.sampled_from([0, 1, 2, 60, 3000, 20_000]))
            put = data.draw(st.one_of(st.sampled_from(["", "\n", "x", "-", "# note\n"]), secret))
            edits.append((at, cut, put))
        for at, cut, put in sorted(edits, reverse=True):  # from the end: earlier offsets stay put
            content = content[:at] + put.encode() + content[at + cut:]
        return content

    version = edited(base, data.draw(st.integers(2, 5), label="edits"))
    again = edited(version, data.draw(st.integers(1, 3), label="edits again"))
    buf, spans = _in_cat_file_layout([base, version, again])
    together, apart = _matched_against_bases(hs, buf, spans)
    # (a match reaching further back than EDIT_MARGIN, as Hyperscan's prefilter form of a
    # multi-line rule's bounded repeats can, is outside the geometry's contract)
    got = {k: _within_the_margin(hs, c, together.get(k, [])) for k, c in ((1, version), (2, again))}
    assert got[1] == _within_the_margin(hs, version, apart) == _within_the_margin(hs, version, _alone(hs, version))
    assert got[2] == _within_the_margin(hs, again, _alone(hs, again))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_binary_contents_between_the_spans_are_jumped_over_and_change_no_match(engines, data, monkeypatch):
    """Binary blobs in a chunk (Engine.match_spans' `unmatched`: detect skips them) are not
    matched at all, before, between and after edited contents and their bases: each text
    content keeps exactly the matches it has matched alone, and Hyperscan is never given a
    byte of a binary one (each holds secrets its rules would find)."""
    import random as stdrandom

    from scanner import engine as engine_mod

    hs, _ = engines
    rng = stdrandom.Random(data.draw(st.integers(0, 2 ** 32), label="seed"))
    words = ["def", "return", "value", "config", "items", "for", "in", "if", "print", "self", "data", "x = 1"]
    lines = ["    " + " ".join(rng.choice(words) for _ in range(rng.randint(2, 10))) for _ in range(1400)]
    for s in data.draw(st.lists(st.sampled_from(EXAMPLES), min_size=1, max_size=4), label="secrets"):
        lines.insert(rng.randrange(len(lines)), "TOKEN = " + s)
    base = "\n".join(lines).encode()
    at = rng.randrange(len(base))
    version = base[:at] + data.draw(st.sampled_from(EXAMPLES), label="inserted").encode() + base[at:]
    binary = b"\x89PNG\r\n\x1a\n\0\0" + "\n".join(EXAMPLES[:40]).encode()
    texts = [base, version]
    # where the binary contents go: before, between and after the two texts
    layout = data.draw(st.permutations(["b0", "t0", "b1", "t1", "b2"]), label="layout")
    contents = [texts[int(x[1])] if x[0] == "t" else binary for x in layout]
    buf, all_spans = _in_cat_file_layout(contents)
    spans = [sp for sp, x in zip(all_spans, layout) if x[0] == "t"]
    text_at = [int(x[1]) for x in layout if x[0] == "t"]  # which text each span holds
    unmatched = [sp for sp, x in zip(all_spans, layout) if x[0] == "b"]
    bases = {text_at.index(1): text_at.index(0)} if text_at.index(0) < text_at.index(1) else {}
    scanned = []
    real_scan = engine_mod._hs_scan
    monkeypatch.setattr(engine_mod, "_hs_scan",
                        lambda db, view, cb: (scanned.append((db is hs._hs, bytes(view))), real_scan(db, view, cb)))
    got: dict = {}
    hs.match_spans(buf, spans, bases=bases, raw=got, unmatched=unmatched)
    monkeypatch.undo()
    for k, t in enumerate(text_at):
        assert _within_the_margin(hs, texts[t], got.get(k, [])) == _within_the_margin(hs, texts[t], _alone(hs, texts[t]))
    assert not any(binary[8:200] in chunk for _, chunk in scanned)
    # (the rules' own database, matching the buffer; the context-gated rules' database reads text contents again)
    assert sum(len(chunk) for whole, chunk in scanned if whole) <= len(buf) - len(unmatched) * len(binary)


def _within_the_margin(hs, content: bytes, matches: list) -> list:
    """The matches a scan of their last EDIT_MARGIN bytes, the byte before and the byte
    after finds: those an edited content's geometry (_edit_window) promises to keep."""
    from scanner.engine import EDIT_MARGIN

    padded = content + b"\n"  # git's newline after a content
    kept = []
    for i, to in sorted(set(matches)):
        start = max(0, to - EDIT_MARGIN - 1)
        ends: set = set()
        hs._hs.scan(padded[start:to + 1], match_event_handler=lambda j, _f, end, _fl, _c, ends=ends: ends.add((j, end)))
        if (i, to - start) in ends:
            kept.append((i, to))
    return kept


CONTEXT_WORDS = ["bot", "[bot]", "dependabot[bot]", "both", "robot", "Discord", "discord_bot", "BOT_TOKEN", "vault",
                 "Vault", "s.", "bottle", "token:", "="]
GATED_SECRETS = ["OvePJpFQvn0PrA5PwrG2vsWk.xFIB39.BZvSIfigqJJBmQaFoVQcFnIsOeIooNwYTAXxis",
                 "Mho0LZmqjkuCEpOS3Xr1TYv6ag.vDaH7H.53Nb8HOykgXYyoP06KQctqAaTRD", "s.rKieN4QrCIu1isc4UxdJDJmA",
                 "s.Tl4GjUQg1AoeaSYeUXzENOjq", "NzwPunvjhZ0FH4k8JNPu0CwZ.rJeCzW"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.one_of(st.sampled_from(CONTEXT_WORDS), st.sampled_from(GATED_SECRETS), NOISE),
                              max_size=5), min_size=1, max_size=60))
def test_lines_found_from_the_rule_s_side_are_those_the_context_windows_give(engines, rows):
    """ungate looks for a context-gated rule's own pattern and keeps the lines with a
    context within context_lines; it must keep exactly the lines the windows opened
    around each context match keep (_ungate_by_windows): secrets near, far from and
    without a context, at the content's edges, several to a line."""
    hs, _ = engines
    assert hs._gate_db is not None
    text = "\n".join(" ".join(row) for row in rows)
    data = text.encode("utf-8", "surrogatepass")
    buf, spans = _in_cat_file_layout([b"x = 1\n", data, b"y = 2"])  # another content either side
    st_, en = spans[1]
    raw: dict = {}
    hs.match_spans(buf, spans, raw=raw)
    matches = raw.get(1, [])
    assert sorted(set(hs.ungate(buf, st_, en, matches))) == sorted(set(hs._ungate_by_windows(buf, st_, en, matches)))


# the placeholder test's word and template forms, looked for only where their literal is
_FRAGMENTS = ["example", "ExAmPlE", "placeholder", "change_me", "Change-This", "replaceme", "your-api",
              "YOUR_OWN", "insert_key", "dummy", "redacted", "sample_token", "Fake-Secret", "not_a_real",
              "NOT-A-REAL", "xxxx", "XxXx", "****", "0000000000", "1234567", "abcdefg", "QWERTY",
              "random_chars", "Random-String", "your", "sample", "fake", "not", "rand",
              "\u017fample_key", "\u212aey", "\u0130nsert_key", "\u0131nsert_your",  # Unicode case folds
              "${x}", "{{ x }}", "}}", "<name>", "< >", "%(name)s", "%(x", "$(cmd)", "$HOME", "%PATH%",
              "...", "\u2026", "$", "%", "<", "{", ".."]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=6).map("".join))
def test_the_placeholder_words_and_slots_are_found_where_the_regexes_find_them(text):
    """detectors.placeholders looks for its words and template slots only in a text that
    holds one of their literals (an ASCII text lower-cased; any other text goes to the
    regex): it must answer as the case-blind regexes do, on any text."""
    from detectors import placeholders as ph

    assert ph._has_word(text) == (ph._WORDS.search(text) is not None)
    assert ph._has_template(text) == (ph._TEMPLATE.search(text) is not None)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_placeholder_word_form_holds_its_literal(data):
    """Each of _WORDS' forms holds the literal _has_word looks for first, in any case: a
    form added without a leading literal fails here, not in a scan."""
    import re

    from detectors import placeholders as ph

    assert all(ph._WORD_LEADS)
    k = data.draw(st.integers(0, len(ph._WORD_FORMS) - 1))
    text = data.draw(st.from_regex(re.compile(ph._WORD_FORMS[k], re.I), fullmatch=True))
    assert ph._WORD_LEADS[k] in text.lower() or not text.isascii(), (ph._WORD_FORMS[k], text)


def _doc_lines_by_regex(text: str, lang: str) -> set[int]:
    """The oracle for doc_line_set: every delimiter met left to right by one regex, a span
    of lines kept when it opens and closes on different lines (what detectors.generic did
    before it looked with find())."""
    import re

    rx = re.compile(r'"""|\'\'\'') if lang == "py" else re.compile(r"/\*|\*/")
    out: set[int] = set()
    opened = None
    for m in rx.finditer(text):
        d = m.group(0)
        if opened is None:
            if d != "*/":
                opened = (m.start(), "*/" if d == "/*" else d)
        elif d == opened[1]:
            a, b = text.count("\n", 0, opened[0]), text.count("\n", 0, m.start())
            if b > a:
                out.update(range(a, b + 1))
            opened = None
    return out


# texts dense in delimiters and their overlaps (`*/*`, `/*/`, `""""`), and in newlines
_DELIMITED = st.lists(st.sampled_from(["/*", "*/", "/", "*", '"""', "'''", '"', "'", "\n", "x", " "]),
                      max_size=30).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_DELIMITED, st.sampled_from(["app.js", "lib.c", "main.go", "mod.py"]), st.integers(0, 3))
def test_doc_lines_found_with_find_are_those_the_regex_finds(text, path, pad):
    """doc_line_set (find() for each delimiter, spans of lines) and is_doc_line (the
    delimiters around one line, the spans up to the last line asked about in Python) give
    each line the answer the delimiters' regex gives, in a text or in a content inside a
    larger buffer."""
    from detectors import generic as g

    lang = g._file_lang(path)
    want = _doc_lines_by_regex(text, lang)
    lines = text.count("\n") + 1
    assert [i in g.doc_line_set(text, lang) for i in range(lines)] == [i in want for i in range(lines)]
    buf = bytearray(b"/*\n" * pad + text.encode() + b"\n*/")  # delimiters outside the content
    st_, en = 3 * pad, 3 * pad + len(text.encode())
    assert [i in g.doc_line_set(buf, lang, st_, en) for i in range(lines)] == [i in want for i in range(lines)]
    starts = [st_] + [i + 1 for i in range(st_, en) if buf[i] == 0x0A]
    for last in (starts[-1], starts[len(starts) // 2]):
        memo: list = []
        got = [g.is_doc_line(buf, path, st_, en, a, last, memo) for a in starts if a <= last]
        assert got == [i in want for i in range(len(got))], (text, last)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab\n\r\u2028\u00e9\x0c", max_size=40))
def test_line_starts_are_the_offsets_after_each_newline(text):
    """Lines.starts (summed from the lines' lengths) and pos() give what a walk over the
    text's "\\n" gives: no other line break (\\r, U+2028, a form feed) starts a line."""
    from detectors.lines import Lines

    want = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]
    where = Lines(text)
    assert where.starts == want
    for off in range(len(text)):
        line = sum(1 for s in want if s <= off)
        assert where.pos(off) == (line, off - want[line - 1] + 1)


# pieces of texts for the decoder's candidate lines: runs of base64-ish characters around the
# length that counts, %-escapes whole and cut, other characters, lone surrogates, line breaks
_RUN_PIECES = st.lists(st.one_of(
    st.sampled_from(["A" * 23, "a" * 24, "Zz09+/_-" * 3, "Qm" * 13, "%2F", "%zz", "%4", "%", "\n", "\r\n", "\r", " ",
                     ":", "=", "data:", "\u00e9", "\u2028", "\udc80", "\x00"]),
    st.text(alphabet="ab+/_-%3F\n .", max_size=30)), max_size=14).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_RUN_PIECES)
def test_the_decoder_s_candidate_lines_found_in_bytes_are_the_regex_s(text):
    """_run_lines (a mask of the text's bytes, find() and a literal-led search) gives the
    lines that _PRE, searched line by line as the decoder did, gives: the same lines for any
    text, non-ASCII characters and lone surrogates included."""
    from detectors.structured import decode as D

    assert D._run_lines(text) == D._matching_lines(text, D._PRE)


_YAML_PIECES = st.lists(st.sampled_from([
    "data:", "  data:", "stringData:", "metadata:", "secrets:", "  # note", "", "kind: Secret",
    "  password: ", "  token = ", "  name: ", "    icon: ", '  "api_key": "', "  key => ", "digest: ",
    "cGFzc3dvcmQ6IGh1bnRlcjIgYW5kIG1vcmU=", "c2VjcmV0LXZhbHVlLWZvci10ZXN0cw==", "0123456789abcdef" * 4,
    "dXNlcjpwYXNz" * 3, "a%2Fb%3Dc%40d", "%zz%4", "\u00e9\u00e9", "\udc80", "  ", ",", '"']), max_size=10).map("".join)


def _line_candidates_as_before(lines: list[str], idx: int) -> list[tuple[int, str]]:
    """The oracle: detectors.structured.decode's _line_candidates before its values were
    remembered per line (each value's key tested, then its block, then decoded)."""
    from detectors.structured import decode as D

    out = []
    line = lines[idx]
    if len(line) > 100_000:
        return out
    for m in D._ASSIGN.finditer(line):
        val = m.group("val")
        if not (D._B64.match(val) or D._PCT.search(val)):
            continue
        if not (D._KEY.search(m.group("key")) or D._in_data_block(lines, idx)):
            continue
        dec = D._decode_value(val)
        if dec and dec.strip():
            out.append((idx + 1, dec))
    return out


@settings(max_examples=800, deadline=None)
@given(st.lists(_YAML_PIECES, max_size=8))
def test_the_decoder_s_values_remembered_per_line_decode_as_before(lines):
    """_line_candidates and line_values, which remember a line's decodable values, give
    what the decoder gave when it looked at each line afresh, seen twice (the memo's answer
    the second time)."""
    from detectors.structured import decode as D

    for _ in range(2):
        for idx in range(len(lines)):
            assert D._line_candidates(lines, idx) == _line_candidates_as_before(lines, idx)
            want = [dec for m in D._ASSIGN.finditer(lines[idx])
                    if (D._B64.match(m.group("val")) or D._PCT.search(m.group("val")))
                    for dec in [D._decode_value(m.group("val"))] if dec and dec.strip()]
            assert D.line_values(lines[idx]) == want


_WRAPPING = st.sampled_from(["\\n", "\n", "\r\n", " ", "\t", "\x0b", "\x1c", "\x85", "\u00a0", "\u2028", "\u3000",
                             "\u200b", '" +', "...", "-----", "", "+/="])


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["MIIEow", "QUJD" * 8, "QUJD" * 16, "x"]), _WRAPPING, _WRAPPING),
                max_size=12).map(lambda parts: "".join(a + b + c for a, b, c in parts)))
def test_the_pem_body_check_counts_the_characters_as_a_walk_over_each_does(body):
    """pem_body's count of the characters that are not white space (str.split's white space)
    is the count a walk over each character with str.isspace gives, whatever the wrapping."""
    import re

    from detectors.validators import pem_body

    def as_before(secret: str):
        head_end = secret.find("-----", 10)
        tail = secret.rfind("-----END")
        if head_end < 0 or tail <= head_end:
            return False
        inner = re.sub(r"\\+[nrt]", " ", secret[head_end + 5:tail])
        b64 = sum(len(r) for r in re.findall(r"[A-Za-z0-9+/=]{16,}", inner))
        dense = sum(1 for c in inner if not c.isspace())
        if b64 < 100 or b64 < 0.6 * dense:
            return False
        return {"wrapped": True} if b64 < dense else True

    def accepted(r):  # None: rejected; else whether the body is wrapped
        return None if not r else bool(isinstance(r, dict) and r.get("wrapped"))

    secret = "-----BEGIN RSA PRIVATE KEY-----" + body + "-----END RSA PRIVATE KEY-----"
    assert accepted(pem_body(secret)) == accepted(as_before(secret))


# lines a settings file holds, each quiet on its own, and lines with a secret on them
# (a value ending in EXAMPLE is a stand-in; with that end changed, its first 60 characters are
# the base's: the candidate, `password =`, ends well before the change)
LONG_VALUE = "Xk9mQ2vLp7zR4aB6cD8eF0gH1iJ3kL5mN7oP9qR2sT4uV6wX8yZ0aB2cD4eF6gH8iJ0kL"
QUIET_ROWS = [f'password = "{LONG_VALUE}EXAMPLE"', 'password = "weakpass"', "token = get_token(request)",
              'api_key: "{{ .Values.key }}"',
              'DATABASE_URL = "postgres://user:changeme@localhost/db"', "x = 1", "", "# a note", "def f():",
              "    return 2", 'url = "https://example.com/path"', "secret = None"]
STRONG = ['password = "Xk9#mQ2vLp7zR4"',
          'DATABASE_URL = "postgres://app:Xk9mQ2vLp7zR4@db.internal/app"',  # credfence: allow (a test value)
          "token = 'ghp_" + "Xk9mQ2vLp7zR4aB6cD8eF0gH1iJ3kL5mN7oP"[:36] + "'"]


def _certified_and_version(hs, base_rows: list[str], version_rows: list[str], path: str):
    """The two contents in cat-file layout, the base confirmed once (as the scan confirms a
    content the memos do not know yet) and then certified by known_hits, and the version's
    matches: (buf, spans, certificate or None, the version's matches)."""
    from scanner.detect import detect

    buf, spans = _in_cat_file_layout(["\n".join(base_rows).encode(), "\n".join(version_rows).encode()])
    m = hs.match_spans(buf, spans)
    base = bytes(buf[spans[0][0]:spans[0][1]])
    detect(hs, base, path)
    cert: list = []
    hs.known_hits(buf, *spans[0], m.get(0, []), path, certify=cert)
    return buf, spans, (cert[0] if cert else None), m.get(1, [])


def _known(hits):
    return None if hits is None else sorted((h.rule_id, h.secret, h.line, h.column) for h in hits)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_lines_a_quiet_base_shares_are_skipped_and_change_nothing(engines, data):
    """known_hits told which of a version's lines its base holds unchanged (certify,
    unchanged_lines) answers as it does looking at every line: rows replaced, inserted or
    deleted, and values changed in place on a line whose candidate ends before the change
    (the line is not the base's any more, though the match is where it was)."""
    from scanner.engine import unchanged_lines

    hs, _ = engines
    rows = data.draw(st.lists(st.sampled_from(QUIET_ROWS), min_size=1, max_size=50), label="base")
    version = list(rows)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        k = data.draw(st.integers(0, len(version)), label="at")
        how = data.draw(st.sampled_from(["replace", "insert", "delete", "value"]), label="how")
        row = data.draw(st.sampled_from(QUIET_ROWS + STRONG), label="row")
        if how == "insert" or k == len(version):
            version.insert(k, row)
        elif how == "delete":
            del version[k]
        elif how == "replace":
            version[k] = row
        elif "EXAMPLE" in version[k]:
            version[k] = version[k].replace("EXAMPLE", "qT5wZ2")
        elif " = " in version[k]:
            version[k] = version[k].split(" = ")[0] + ' = "Xk9#mQ2vLp7zR4"'
    path = data.draw(st.sampled_from(["app/settings.py", "config/app.yaml", "README.md"]), label="path")
    buf, spans, cert, matches = _certified_and_version(hs, rows, version, path)
    if cert is None or not matches:
        return
    unchanged = (cert, *unchanged_lines(buf, spans[0], *spans[1]))
    told = hs.known_hits(buf, *spans[1], matches, path, unchanged=unchanged)
    assert _known(told) == _known(hs.known_hits(buf, *spans[1], matches, path))


@pytest.mark.parametrize("quiet, edited, secret", [
    # the end of a stand-in value changed: the candidate, `password =`, ends 60 characters
    # before the change, in the start the two contents share
    (f'password = "{LONG_VALUE}EXAMPLE"', f'password = "{LONG_VALUE}qT5wZ2"', LONG_VALUE + "qT5wZ2"),
    # the name's start changed (`reset_password` names no secret): the candidate ends in
    # the end the two share
    ('reset_password = "Xk9mQ2vLp7zR4"', 'password = "Xk9mQ2vLp7zR4"', "Xk9mQ2vLp7zR4"),
])
def test_a_line_changed_beside_its_candidate_is_looked_at_again(engines, monkeypatch, quiet, edited, secret):
    """A quiet line of the base becomes one with a secret, changed before or after its
    candidate, which stays where it was: the line is new and is judged; the forty quiet
    lines around it, shared with the base, are not looked up."""
    import scanner.engine as engine_module
    from scanner.engine import unchanged_lines

    hs, _ = engines
    rows = [f"{quiet}  # {k}" if k % 2 else "token = get_token(request)" for k in range(41)]
    version = list(rows)
    version[21] = f"{edited}  # 21"
    buf, spans, cert, matches = _certified_and_version(hs, rows, version, "app/settings.py")
    assert cert is not None
    looked: list = []
    real = engine_module._generic_known
    monkeypatch.setattr(engine_module, "_generic_known", lambda line, path: looked.append(line) or real(line, path))
    told = hs.known_hits(buf, *spans[1], matches, "app/settings.py",
                         unchanged=(cert, *unchanged_lines(buf, spans[0], *spans[1])))
    assert [(h.secret, h.line) for h in told] == [(secret, 22)]
    assert version[21] in looked and len(looked) < 8


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_unchanged_lines_are_the_base_s_lines(data):
    """Every line unchanged_lines calls shared, before `before` or after `after`, is the
    base's line at that offset (plus `shift` after): edits anywhere, at a line's start or
    end, inserted, deleted, several in a content of a few or many lines."""
    from scanner.engine import unchanged_lines

    words = st.sampled_from(["alpha", "beta", "x = 1", "password = 'p'", "", "    return", "#", "é"])
    rows = data.draw(st.lists(st.lists(words, max_size=6).map(" ".join), min_size=1, max_size=300), label="rows")
    base = "\n".join(rows).encode()
    version = base
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(version)), label="at")
        if data.draw(st.booleans(), label="at a line's start") and b"\n" in version[:at]:
            at = version.rfind(b"\n", 0, at) + 1
        cut = data.draw(st.integers(0, 40), label="cut")
        put = data.draw(st.sampled_from([b"", b"X", b"\n", b"reset_", b"# note\n"]), label="put")
        version = version[:at] + put + version[at + cut:]
    if version == base:
        return
    buf = b"head\n" + base + b"\n" + version + b"\n"
    a_st = 5
    st_, en = a_st + len(base) + 1, a_st + len(base) + 1 + len(version)
    before, after, shift = unchanged_lines(buf, (a_st, a_st + len(base)), st_, en)
    # both newlines (known_hits reads a match's line from where it ends: on or before a
    # newline at `before`, its line is there whole)
    assert before == -1 or version[before:before + 1] == b"\n"
    assert after == len(version) or version[after:after + 1] == b"\n"
    lines, pos = [], 0
    for line in version.split(b"\n"):
        lines.append((pos, pos + len(line)))  # (start, its newline's offset or the end)
        pos += len(line) + 1
    for lo, hi in lines:
        if hi <= before:  # ends, its newline included, at or before `before`
            assert version[lo:hi + 1] == base[lo:hi + 1]
        if lo > after:  # starts after `after`: its newline, or the content's end, too
            end = hi + 1 if hi < len(version) else hi
            assert version[lo:end] == base[lo + shift:end + shift]
            assert lo - 1 + shift >= 0 and base[lo - 1 + shift:lo + shift] == b"\n"


def _giant_windows_one_by_one(raw: bytes, rels: list[int]) -> list[list[int]]:
    """_giant_windows' definition: each end's window on its own (its value run measured from
    its own start), the overlapping ones joined."""
    from scanner.engine import _giant_windows

    spans: list[list[int]] = []
    for rel in rels:
        (a, b), = _giant_windows(raw, [rel])
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    return spans


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_giant_line_s_windows_are_each_match_s_own(data):
    """A giant line's windows (engine._giant_windows) carry each window's end to the end of
    the value it falls in, measuring a run once for all the ends inside it: the windows are
    those of measuring each end's run on its own, on lines of runs shorter than WINDOW_RUN
    and longer, delimiters and multi-byte characters, ends dense and sparse (the windows'
    sizes scaled down, so that the one-by-one reading stays quick)."""
    import scanner.engine as E

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(E, "WINDOW_BEFORE", 64)
        mp.setattr(E, "WINDOW_AFTER", 16)
        mp.setattr(E, "WINDOW_RUN", 256)
        pieces = data.draw(st.lists(st.tuples(st.sampled_from([b"A", b"\xc3\xa9", b"/", b"\xe6\x97\xa5"]),
                                              st.sampled_from([1, 7, 30, 100, 250, 300, 900]),
                                              st.sampled_from([b" ", b'"', b"'", b"`", b"\n", b""])),
                                    min_size=1, max_size=8))
        raw = b"".join(unit * max(1, size // len(unit)) + stop for unit, size, stop in pieces)
        step = data.draw(st.sampled_from([1, 3, 17, 80, 400]))
        first = data.draw(st.integers(1, len(raw)))
        rels = sorted(set(range(first, len(raw) + 1, step)) |
                      set(data.draw(st.lists(st.integers(1, len(raw)), max_size=5))))
        assert E._giant_windows(raw, rels) == _giant_windows_one_by_one(raw, rels)


def test_a_giant_line_s_value_run_is_read_once(monkeypatch):
    """Thousands of matches on one unbroken run (base64 or path data on a built page) read
    the run about once, not once per match: the bytes _giant_windows hands the run's regex
    stay within the line's length, where measuring each match's run from its own end read
    64 KB per match."""
    import scanner.engine as E

    raw = b'{"d": "' + b"M10,20L30,40" * 100_000 + b'"}'
    rels = list(range(100, len(raw), 400))
    read = []
    real = E._VALUE_RUN

    class Counting:
        def match(self, s, pos, endpos):
            m = real.match(s, pos, endpos)
            read.append(m.end() - pos)
            return m

    expected = _giant_windows_one_by_one(raw, rels)
    monkeypatch.setattr(E, "_VALUE_RUN", Counting())
    assert E._giant_windows(raw, rels) == expected
    assert sum(read) < 2 * len(raw) + E.WINDOW_RUN


_KEYS = ["password", "Password", "token", "Token", "secret", "api_key", "PASSWD", "clientSecret", "pwd"]
_VALUES = ['"Xk9vQ2mZ7pL4wqR8"', "'hunter2hunter2'", "Xk9vQ2mZ7pL4wqR8", "s3cr3t!Pa55w0rd", '"a"', "Str", "new"]


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.one_of(st.sampled_from(_KEYS), st.sampled_from(_VALUES),
                                st.sampled_from(["::", ":", " :: ", ": ", "=", " = ", ":=", "=>", "(", ")", ", ",
                                                 " ", "::Str(", "::new(", "let x = ", "# ", "// ", "$"])),
                      min_size=2, max_size=9),
       path=st.sampled_from(["src/lib.rs", "app/config.py", "lib/a.php", "config/app.yml", "docs/setup.adoc",
                             "README.md", "settings.ini", "run.sh", "Main.java", "a.hs", "notes.txt"]))
def test_a_line_only_a_path_separator_made_a_candidate_has_no_generic_hit(parts, path):
    """The generic candidate (detectors.generic.CANDIDATE) is what hands a line to the
    keyword check: a line it misses is never judged. It leaves out a secret-sounding name
    followed by a path's separator (`Token::Str`, `Password::hash`, `token :: String`): every
    line that only such a colon made a candidate (the pattern with any colon matches it,
    the pattern as it is does not) holds nothing generic_hits finds, in any kind of file."""
    import re

    from detectors.generic import CANDIDATE, generic_hits

    line = "".join(parts)
    # (a name run into a quoted value, `Token"..."`, is read as a pair in prose and is no
    # candidate either way: a question of its own, left out here)
    assume(not re.search("(?:" + "|".join(_KEYS) + ")[\"']", line))
    any_colon = CANDIDATE.replace(":(?:[^:]|$)", ":")
    assert any_colon != CANDIDATE
    if re.search(any_colon, line, re.ASCII) and not re.search(CANDIDATE, line, re.ASCII):
        assert not generic_hits(line, 1, path), line


@pytest.mark.parametrize("line, candidate", [
    ('Token::Str("Xk9vQ2mZ7pL4wqR8"),', False),
    ("$hash = Password::hash($input);", False),
    ("password :: String", False),
    ("let token = Token::new(x);", True),  # `token =`
    ('token: "Xk9vQ2mZ7pL4wqR8"', True),
    ('password := "Xk9vQ2mZ7pL4wqR8"', True),
    ("token:", True),
    ("api_key:\n", True),
])
def test_a_path_separator_after_a_secret_name_is_no_candidate(engines, line, candidate):
    """A colon followed by another after a secret-sounding name is a path's separator, not
    a key's: no generic candidate, in Hyperscan's database and in Python's regex alike; a
    key's colon (at the end of its line too, and Go's `:=`) still is one."""
    import re

    from detectors.generic import CANDIDATE

    assert bool(re.search(CANDIDATE, line, re.ASCII)) is candidate
    for eng in engines:
        found = eng.candidates(data=line.encode() + b"\n").generic_lines
        assert bool(found) is candidate, (eng.hyperscan, line)
