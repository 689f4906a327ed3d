"""The matching engine: Hyperscan candidates are a cheap superset, confirmed in Python.

A rule whose Hyperscan prefilter fires on ordinary code (a lookaround that gated an
alternative, dropped by the prefilter) does not change results, but it puts a Python
regex on every line of every blob: these tests keep the hot path cold."""
from __future__ import annotations

import base64
import random
import re
import string
import uuid

import pytest

from scanner.engine import Engine
from scanner.rules import load_rules
from scanner.detect import detect


@pytest.fixture(scope="module")
def engine():
    try:
        return Engine(load_rules(), use_hyperscan=True)
    except RuntimeError:
        pytest.skip("hyperscan is not available on this machine")


def ordinary_code(n: int, seed: int = 3) -> bytes:
    """Lines that look like a real code base: identifiers, UUIDs, commit ids, checksums,
    base64 blobs in fixtures, URLs, numbers; no credential and no credential name."""
    r = random.Random(seed)
    words = ["user", "order", "cart", "item", "price", "total", "config", "client", "session", "handler",
             "request", "response", "cache", "retry", "limit", "offset", "page", "query", "invoice", "status"]
    hexs = "0123456789abcdef"
    out = []
    for _ in range(n):
        a, b = r.choice(words), r.choice(words)
        out.append(r.choice([
            f"    {a}_id = \"{uuid.UUID(int=r.getrandbits(128))}\"",
            f"    commit = \"{''.join(r.choice(hexs) for _ in range(40))}\"  # {a} schema",
            f"  checksum: sha256:{''.join(r.choice(hexs) for _ in range(64))}",
            f"  data: {''.join(r.choice(string.ascii_letters + string.digits + '+/') for _ in range(76))}",
            f"def {a}_{b}({a}, limit={r.randrange(1000)}):",
            f"    return requests.get(f\"https://api.example.com/{a}/{{{b}}}\", timeout=10)",
            f"const {a}{b.title()} = await fetch(`/api/{a}/${{id}}`);",
        ]))
    return ("\n".join(out) + "\n").encode()


def test_no_rule_prefilter_fires_on_ordinary_code(engine):
    data = ordinary_code(5000)
    ends, generic, decode, _marker = engine._sort_matches(engine._hs_matches(data))
    noisy = {engine.regex_rules[i].id: len(offs) for i, offs in ends.items() if len(offs) > 25}
    assert not noisy, f"rules whose Hyperscan prefilter fires on ordinary code: {noisy}"


def test_hyperscan_and_fallback_agree_on_ordinary_code_with_a_planted_key(engine):
    data = ordinary_code(400) + b'HEROKU_API_KEY=3f0c9d2e-8b1a-4c6d-9e2f-7a5b3c1d0e9f\n'
    fallback = Engine(engine.rules, use_hyperscan=False)
    got_hs = {(h.rule_id, h.secret, h.line) for h in (detect(engine, data, "app.py")[0] or [])}
    got_py = {(h.rule_id, h.secret, h.line) for h in (detect(fallback, data, "app.py")[0] or [])}
    assert got_hs == got_py
    assert ("heroku-api-key", "3f0c9d2e-8b1a-4c6d-9e2f-7a5b3c1d0e9f", 401) in got_hs


@pytest.mark.parametrize("use_hyperscan", [True, False])
def test_generic_secret_examples(use_hyperscan):
    """generic.yaml's examples through the whole engine (its rule has no pattern of its own:
    candidates come from the engine's name pass, values from detectors/generic.py)."""
    rules = load_rules()
    try:
        eng = Engine(rules, use_hyperscan=use_hyperscan)
    except RuntimeError:
        pytest.skip("hyperscan is not available on this machine")
    rule = next(r for r in rules if r.id == "generic-secret")
    assert len(rule.positive) >= 3 and len(rule.negative) >= 3
    for line in rule.positive:
        assert any(h.rule_id == "generic-secret" for h in eng.scan_text(line + "\n", "settings.py")), line
    for line in rule.negative:
        assert not any(h.rule_id == "generic-secret" for h in eng.scan_text(line + "\n", "settings.py")), line


def test_generic_detector_imports_nothing_heavy():
    """Every worker process imports the generic detector: it needs no network or
    verification library (detect-secrets, which it once wrapped, imports `requests` at
    start-up; its keyword plugin is no longer used: see README, "Dependencies")."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from detectors.generic import generic_hits\n"
            "hits = generic_hits('db_password = \"Zq8vN2rT5wXy\"', 1, 'settings.py')\n"
            "assert [h.rule_id for h in hits] == ['generic-secret'], hits\n"
            "assert not {'urllib3', 'requests', 'detect_secrets'} & set(sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def _quiet(engine, data: bytes, path: str, markers_matter: bool = False) -> bool:
    m = engine.match_spans(data, [(0, len(data))]).get(0, [])
    return engine.known_quiet(data, 0, len(data), m, path, markers_matter)


@pytest.mark.parametrize("line, path, judged_at_once", [
    # a rule's candidate the rule rejects (a placeholder password in a URL)
    (b"url = 'postgresql://scott:tiger@localhost/test'\n", "lib/test/config.py", False),
    # a generic candidate the keyword check rejects, in a language with docstrings: a
    # generic line is judged by known_hits itself, from its bytes, the first time it is met
    (b"    secret = self.load_secret()\n", "lib/engine/base.py", True),
])
def test_a_rejected_line_makes_the_next_version_quiet(engine, line, path, judged_at_once):
    """A history holds hundreds of versions of a file: a candidate line already confirmed
    and rejected is not confirmed again (known_quiet), but only that line: a version that
    adds a real secret beside it is still confirmed and found."""
    from scanner.detect import detect

    v1 = b"import os\n" + line + b"x = 1\n"
    assert _quiet(engine, v1, path) == judged_at_once
    assert detect(engine, v1, path)[0] == []
    v2 = b"import os\n\n" + line + b"y = 2\n"  # the same line, moved
    assert _quiet(engine, v2, path)
    key = b"sk_" + b"live_4eC39HqLyjWDarjtT1zdp7dc"  # built here: the self-scan reads this file
    v3 = v2 + b"STRIPE = '" + key + b"'\n"
    assert not _quiet(engine, v3, path)
    assert detect(engine, v3, path)[0]


def test_a_line_taken_from_the_memo_gives_the_hits_confirming_it_gives(engine):
    """Two generic values on one line, one holding the other (`password=` and
    `password_bytes=` of the same word): confirming keeps the first only, and so must the
    next version of the file, whose line is taken from the memo (known_hits). When only
    confirming dropped the second, which version of a file was confirmed (the order the
    workers took their chunks in) decided where a secret was first reported."""
    from scanner.detect import detect

    path = "docs/api/types.py"
    line = b"    model = Model(password='Hq7vRt2kP9mW', password_bytes=b'Hq7vRt2kP9mWBytes')\n"
    v1 = b"import os\n" + line
    v2 = b"import os\nimport sys\n" + line
    want = sorted((h.rule_id, h.secret, h.line) for h in detect(engine, v2, path)[0])
    assert [s for _, s, _ in want] == ["Hq7vRt2kP9mW"]
    assert detect(engine, v1, path)[0]
    m = engine.match_spans(v2, [(0, len(v2))]).get(0, [])
    known = engine.known_hits(v2, 0, len(v2), m, path, False)
    assert known is not None, "the moved line was not taken from the memo: the test would prove nothing"
    assert sorted((h.rule_id, h.secret, h.line) for h in known) == want


@pytest.mark.parametrize("before", [b"x = 1\n", b"# credfence: allow\n", b""])
@pytest.mark.parametrize("path", ["conf/payments.py", "docs/payments.md"])
def test_new_lines_judged_where_they_stand_give_what_confirming_gives(engine, before, path):
    """Lines never seen before with a generic candidate, in and out of a docstring, after
    an allow marker or not, and a placeholder: known_hits judges each where it stands,
    and gives the hits confirming the whole content gives."""
    from scanner.detect import detect

    # built here (the self-scan reads this file), and new to the engine in every case: a
    # line met before is taken from the memo instead
    tag = b"%02d" % (len(before) + 40 * path.endswith(".md"))
    secret = b"Zq8vN2rT5wXy7LmK9pQsV3" + tag
    pw = b"Hq7vRt2kP9mW" + b"x4" + tag
    body = (b"import os\n" + before + b"api_secret = '" + secret + b"'\n" +
            # a bare value is a guess in prose, not in code (in a .md file, prose both)
            b'def f():\n    """Example:\n\n    password = ' + pw + b'\n    """\n' +
            b"password = " + pw + b"\n" + b"api_token = 'your-token-here'\n")
    want = sorted((h.rule_id, h.secret, h.line, h.column) for h in detect(engine, body, path)[0])
    assert (secret.decode() in [s for _, s, *_ in want]) == (before != b"# credfence: allow\n")
    assert len([s for _, s, *_ in want if s == pw.decode()]) == (2 if path.endswith(".md") else 1)
    m = engine.match_spans(body, [(0, len(body))]).get(0, [])
    known = engine.known_hits(body, 0, len(body), m, path, False)
    assert known is not None, "the content was confirmed, not judged line by line: the test would prove nothing"
    assert sorted((h.rule_id, h.secret, h.line, h.column) for h in known) == want


def test_a_secret_on_a_line_never_judged_is_confirmed_now_not_deferred(engine):
    """A content whose generic candidate line was never judged in this process and holds a
    secret is most likely that secret's first version, whose evidence the report keeps:
    known_hits says so (first_seen), and the caller confirms it whole now rather than
    deferring its evidence to a second detection at the end. Once judged, the next version's
    line is known, and not first seen."""
    from scanner.detect import detect

    tag = b"%06d" % (id(engine) % 1_000_000)  # new to this engine's memo
    v1 = b"import os\napi_secret = 'Wq3vN8rT5zXy7LmK9pQs" + tag + b"'\n"
    m = engine.match_spans(v1, [(0, len(v1))]).get(0, [])
    first: list[int] = []
    known = engine.known_hits(v1, 0, len(v1), m, "conf/first.py", False, first_seen=first)
    assert first == [v1.index(b"api_secret")] and [h.line for h in known] == [2]
    assert detect(engine, v1, "conf/first.py")[0]
    v2 = b"import os\nimport sys\n" + v1.split(b"\n", 1)[1]
    m = engine.match_spans(v2, [(0, len(v2))]).get(0, [])
    first = []
    known = engine.known_hits(v2, 0, len(v2), m, "conf/first.py", False, first_seen=first)
    assert known and [h.line for h in known] == [3] and not first


def test_a_line_rejected_for_its_context_is_quiet_only_with_the_same_context(engine):
    """A rule that needs context (an ODBC password needs a server on its line) rejects a
    line by its regex, the allow marker on the line before it and the lines its context
    looks at: the next version is quiet only where all of those are the same."""
    from scanner.detect import detect

    path = "app/settings.py"
    body = b"a = 1\nb = 2\nc = 3\nconn_opts = 'password=changeme;'\nd = 4\n"
    assert detect(engine, b"import os\n" + body, path)[0] == []
    assert _quiet(engine, b"import sys\nimport os\n" + body, path)
    assert not _quiet(engine, b"import os\n" + body.replace(b"c = 3", b"# credfence:allow"), path)


def test_a_line_rejected_before_is_not_confirmed_again_unless_what_it_depended_on_changed():
    """Engine.confirm skips a line a rule has rejected (_rule_quiet). In this order: a
    Twilio key rejected without its context, then the same line with "twilio" above it
    (found: a rule with context is quiet only with the same lines around it); a GitHub
    token accepted, then the same line after an allow marker (nothing), then without the
    marker (found again: a line the marker silenced is not one the rule rejected)."""
    from scanner.detect import detect

    engine = Engine(load_rules(), use_hyperscan=True)  # its own memo: the order is the test
    twilio = b"SK" + uuid.uuid4().hex.encode()
    pat = b"ghp_" + b"R2G0yvrW1rQbSplQau4p826L2obEie1X" + b"i1RO"  # built here: the self-scan reads this file
    path = "conf/keys.ini"

    def found(data: bytes) -> list:
        return sorted((h.rule_id, h.line, h.column) for h in detect(engine, data, path)[0])

    assert found(b"[keys]\nservice = " + twilio + b"\n") == []
    assert found(b"[keys]\nservice = " + twilio + b"\nx = 1\n") == []
    assert found(b"[keys]\n# twilio\nservice = " + twilio + b"\n") == [("twilio-api-key", 3, 11)]
    assert found(b"a = 1\ntoken = " + pat + b"\n") == [("github-pat", 2, 9)]
    assert found(b"a = 1\n# credfence: allow\ntoken = " + pat + b"\n") == []
    assert found(b"a = 1\nb = 2\n\ntoken = " + pat + b"\n") == [("github-pat", 4, 9)]


def test_hyperscan_matches_an_unbounded_form_of_a_group_repeat_and_finds_what_the_rule_does():
    """_prefilter_form leaves a bounded repeat of a group unbounded for Hyperscan (a superset:
    a prefilter may over-report, never miss), and only that: class repeats, escaped or
    bracketed parentheses and exact counts keep their bounds."""
    from scanner.engine import _prefilter_form

    assert _prefilter_form(r"(?:a|%[0-9A-F]{2}){1,64}@") == r"(?:a|%[0-9A-F]{2}){1,}@"
    assert _prefilter_form(r"(ab){2,3}?x") == r"(ab){2,}?x"
    for same in (r"x[a-z]{1,20}y", r"\){1,5}", r"x[)]{1,9}y", r"[^]{]{1,4}", r"(ab){3}", r"[\]){1,2}]"):
        assert _prefilter_form(same) == same
    for p in (r"(?:[^:/?#\s]|%[0-9A-Fa-f]{2}){1,64}:", r"(x|yz){0,10}q"):
        loose, strict = re.compile(_prefilter_form(p)), re.compile(p)
        for text in ("abc:", "a%41b:", "x" * 70 + ":", "yzyzq", "x" * 12 + "q", "q"):
            if strict.search(text):
                assert loose.search(text), (p, text)


def _prefilter_db(pattern: str):
    """A Hyperscan database of the pattern's prefilter form alone, compiled as the engine's."""
    import hyperscan

    from scanner.engine import _prefilter_form

    db = hyperscan.Database()
    db.compile(expressions=[_prefilter_form(pattern).encode()], ids=[0], elements=1,
               flags=[hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_MULTILINE])
    return db


def test_a_leading_class_repeat_is_matched_from_its_last_character_with_every_end_the_rule_has():
    """_prefilter_form cuts a repeat of one character class that starts a pattern to its
    last character, and the \\b before it (a run of digits before a one-character literal
    kept Hyperscan busy at every digit of the code). Hyperscan must still end a match
    within every match of the rule's regex (where it ends, or earlier when its last repeat
    was cut to its least: _tail_at_its_least): a superset of matches, not of lines only. A
    class whose first `]` is a member, a repeat that may be empty, and a repeat after other
    text keep their form."""
    import random


    from scanner.engine import _prefilter_form

    facebook = r"\b(?P<secret>[0-9]{15,17}\|(?:[0-9a-f]{32}|[A-Za-z0-9_-]{27}))(?![A-Za-z0-9_|-])"
    assert _prefilter_form(facebook) == r"(?P<secret>[0-9]\|(?:[0-9a-f]{32}|[A-Za-z0-9_-]{27}))(?![A-Za-z0-9_|-])"
    assert _prefilter_form(r"(?i)\b(?:[a-f0-9]{32}-us[0-9]{1,2})\b") == r"(?i)(?:[a-f0-9]-us[0-9]{1})"
    assert _prefilter_form(r"\d{3,}x") == r"\dx"
    for same in (r"[^]{2}]x", r"[]a]{2}x", r"[a]{0,5}x", r"a[0-9]{5}", r"^[0-9]{5}x", r"(?x)[0-9]{5} x"):
        assert _prefilter_form(same) == same, same
    rng = random.Random(7)
    patterns = [facebook, r"\b(?P<secret>[0-9]{1,5}-[A-Za-z0-9]{64})(?![A-Za-z0-9_-])",
                r"(?i)\b(?P<secret>[a-f0-9]{32}-us[0-9]{1,2})\b", r"\b([a-z]{2,4}|q)z[0-9]"]
    for p in patterns:
        db = _prefilter_db(p)
        strict = re.compile(p)
        alphabet = "0123456789abcdefAZ_-|.z q\n"
        for k in range(300):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 200)))
            if k % 3 == 0:  # one the rule takes, in noise
                text += "9672990631544518|7A_PXgaUg0_ggzSc94jJH5s5p4E 1-" + "k9" * 32 + " " + "ab" * 16 + "-us2 abz1"
            ends: set = set()
            db.scan(text.encode(), match_event_handler=lambda _i, _f, to, _fl, _c, ends=ends: ends.add(to))
            # (ASCII text: character and byte offsets agree)
            for m in strict.finditer(text):
                assert any(m.start() < e <= m.end() for e in ends), (p, text, m)


def test_a_varying_last_repeat_is_matched_to_its_least_and_once_per_token():
    """_prefilter_form cuts a last repeat of one character that varies in length to its
    least, and the lookahead or \b after it: Hyperscan reports every end of a match, and a
    JWT's `[A-Za-z0-9_-]{16,}` signature was a callback per character (java-jwt's tests: 1.2
    M of them for 16 MB of history). Still a match within every match of the rule, on its
    last line; a repeat that can take a newline, that may be empty, or that is fixed keeps
    its form."""
    import random


    from scanner.engine import _prefilter_form

    jwt = r"\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])"
    assert _prefilter_form(jwt) == r"\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16})"
    assert _prefilter_form(r"key=\w+$") == r"key=\w{1}"
    assert _prefilter_form(r"pw: .{4,40}") == r"pw: .{4}"
    assert _prefilter_form(r"t=[\w-]{20,}") == r"t=[\w-]{20}"
    # what may be absent after it goes first (base64's padding: a private key's base64 was a
    # callback per character of every base64 certificate, 13 M of them in linkerd2's history)
    b64 = r"\b(?P<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{40,}={0,2})(?![A-Za-z0-9+/=])"
    assert _prefilter_form(b64) == r"\b(?P<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{40})"
    assert _prefilter_form(r"b=[a-z0-9]{6,8}/?\.?") == r"b=[a-z0-9]{6}"
    for same in (r"foo[^\n]{3,}", r"foo[\s\S]{3,}", r"a[a-z]{0,5}", r"ab?", r"a\?", r"a+(?:=b)?", r"k[a-z]{3,}s?",
                 r"k[a-z]{3,}\x41{0,2}", r"k[a-z]{3,}a\\\?", r"(?s)a.{3,}", r"(?is)a.{3,}", r"k[\x00-\x7f]{3,}",
                 r"k[\t-~]{3,}",
                 r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b", r"(?:-[a-z]{4,})+", r"x[a-z]{3,}\\)"):
        assert _prefilter_form(same) == same, same
    rng = random.Random(11)
    for p in (jwt, r"(?i)\b(?P<secret>tok_[a-z0-9]{20,40})\b", r"(?m)^pw=[A-Za-z0-9+/]{8,}$", r"u:[a-z]+@h", b64):
        db = _prefilter_db(p)
        strict = re.compile(p)
        for k in range(300):
            text = "".join(rng.choice("abcdefz019AZ_-./+=: \n") for _ in range(rng.randint(1, 120)))
            if k % 3 == 0:
                text += " eyJhbGciOiJI.eyJzdWIiOiIx." + "Q9" * rng.randint(8, 40) + "\npw=" + "aB3/" * 5 + \
                        "\ntok_" + "z7" * rng.randint(10, 20) + " u:abc@h LS0tLS1CRUdJTi" + "Zm9v" * rng.randint(9, 30) + \
                        "=" * rng.randint(0, 3)
            ends: list = []
            db.scan(text.encode(), match_event_handler=lambda _i, _f, to, _fl, _c, ends=ends: ends.append(to))
            found = list(strict.finditer(text))
            for m in found:
                assert any(m.start() < e <= m.end() for e in ends), (p, text, m)
            if p == jwt:
                assert len(ends) <= len(found) * 2 + text.count("eyJ") ** 2, (len(ends), text)


def test_a_last_group_after_the_secret_is_left_out_when_it_only_lengthens_a_match():
    """_prefilter_form leaves out a group that ends the pattern after its secret and a sign
    (a URL's host after `user:password@`), when it repeats something a varying number of
    times and cannot hold a newline: Hyperscan reported an end at every character of every
    host (320 k of sqlalchemy's 480 k callbacks). Every match of the rule's regex must still
    hold an end of Hyperscan's, on its last line; a group of fixed words, one that may hold a
    newline, one holding the secret, or one after a letter keeps its place."""
    import random


    from scanner.engine import _prefilter_form
    from scanner.rules import load_rules

    url = r"(?i)\b(?:postgres(?:ql)?)://(?P<user>[^:/?#@\s]+):(?P<secret>[^/?#\s\"'`]{3,200})@(?P<host>[A-Za-z0-9_.\-]{1,253}|\[[0-9a-fA-F:]+\])"
    assert _prefilter_form(url) == url[:url.index("(?P<host>")]
    for same in (r"key=(?P<secret>[a-z0-9]{32})", r"t/(?P<secret>[a-z0-9]{16})/(?:telemetry|rpc)\b",
                 r"u:(?P<secret>[a-z]{4})@(?P<host>[a-z.\s]+)", r"u:(?P<secret>[a-z]{4})@(?P<host>[^ ]+)",
                 r"u:(?P<secret>[a-z]{4})x(?P<host>[a-z]+|\[[0-9:]+\])", r"u:(?P<secret>[a-z]{4}@(?P<host>[a-z]+|\[[0-9:]+\]))"):
        assert _prefilter_form(same) == same, same
    by_id = {r.id: r.pattern for r in load_rules()}
    assert "(?P<host>" not in _prefilter_form(by_id["url-credentials"])
    rng = random.Random(5)
    for p in (url, by_id["url-credentials"], by_id["mysql-url"]):
        db = _prefilter_db(p)
        strict = re.compile(p)
        for k in range(300):
            text = "".join(rng.choice("abz09:/@.-_ \n") for _ in range(rng.randint(1, 120)))
            if k % 2 == 0:
                host = rng.choice(["localhost", "db.example.internal", "[::1]", "h", "x" * rng.randint(1, 70)])
                text += f" postgresql://scott:t1ger-{k}@{host}:5432/test mysql://u:pw{k}x@{host}\n"
            ends: list = []
            db.scan(text.encode(), match_event_handler=lambda _i, _f, to, _fl, _c, ends=ends: ends.append(to))
            for m in strict.finditer(text):
                last_line = text.rfind("\n", 0, m.end()) + 1
                assert any(max(m.start(), last_line) < e <= m.end() for e in ends), (p, text, m)


# ---- a rule matched through its context (prefilter: context) ------------------------------
DISCORD = "OvePJpFQvn0PrA5PwrG2vsWk.xFIB39.BZvSIfigqJJBmQaFoVQcFnIsOeIooNwYTAXxis"


def _discord_text(gap: int, before: bool = True, filler: str = "x = compute(value)") -> bytes:
    """A Discord-shaped token `gap` lines from a line naming Discord (above or below it)."""
    near = ["# the discord client"] + [filler] * (gap - 1) if gap else []
    lines = ["import os", filler] + (near if before else []) + \
        [f"TOKEN = '{DISCORD}'" + ("  # discord" if gap == 0 else "")] + \
        (list(reversed(near)) if not before else []) + [filler, "print(TOKEN)"]
    return ("\n".join(lines) + "\n").encode()


def _discord_ends(engine, matches) -> list[int]:
    n = len(engine.regex_rules)
    return sorted(to for i, to in matches or [] if i < n and engine.regex_rules[i].id == "discord-bot-token")


def test_the_discord_rule_is_matched_through_its_context(engine):
    """The mechanism is on: without it this test would pass vacuously below."""
    ids = [engine.regex_rules[i].id for i in engine._gates.values()]
    assert "discord-bot-token" in ids
    assert engine.by_id["discord-bot-token"].prefilter == "context"


@pytest.mark.parametrize("gap", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("before", [True, False])
def test_a_gated_rule_finds_what_the_pure_python_engine_finds(engine, gap, before):
    """A hit needs its context within context_lines (2 for Discord): the token is found
    up to 2 lines from the word, above or below, and not at 3, by both engines, through
    one content (detect) and through many in one buffer (match_spans)."""
    py = Engine(load_rules(), use_hyperscan=False)
    data = _discord_text(gap, before)
    want = sorted((h.rule_id, h.line) for h in detect(py, data, "bot.py")[0] if h.rule_id == "discord-bot-token")
    got = sorted((h.rule_id, h.line) for h in detect(engine, data, "bot.py")[0] if h.rule_id == "discord-bot-token")
    assert got == want
    assert bool(want) == (gap <= 2)
    other = b"unrelated = 1\n"
    buf = other + data + other
    spans = [(0, len(other) - 1), (len(other), len(other) + len(data) - 1), (len(other) + len(data), len(buf) - 1)]
    gated = _discord_ends(engine, engine.match_spans(buf, spans).get(1))
    line_of = {data.count(b"\n", 0, max(0, to - 1)) + 1 for to in gated}
    assert {line for _, line in want} <= line_of


def test_a_context_in_the_content_before_does_not_open_the_gate(engine):
    """The lines a context match opens stop at its content's edges: a token in the next
    blob, one line after `discord`, is not a candidate there."""
    first = b"# discord\n"
    second = f"TOKEN = '{DISCORD}'\n".encode()
    buf = first + second
    m = engine.match_spans(buf, [(0, len(first) - 1), (len(first), len(buf) - 1)])
    assert not _discord_ends(engine, m.get(1))


def test_a_gate_window_is_remembered_and_gives_the_same_lines(engine):
    data = _discord_text(1)
    first = engine._hs_matches(data)
    again = engine._hs_matches(b"other = 2\n" + data)
    shift = len(b"other = 2\n")
    want = _discord_ends(engine, first)
    assert want and [to - shift for to in _discord_ends(engine, again)] == want


@pytest.mark.parametrize("extra, msg", [
    ({"prefilter": "keywords"}, "prefilter must be 'context'"),
    ({"prefilter": "context", "requires": []}, "needs requires: [context]"),
    ({"prefilter": "context", "multiline": True}, "one-line pattern"),
])
def test_the_loader_refuses_a_prefilter_the_rule_cannot_have(extra, msg):
    from scanner.rules import RuleError, rule_from_dict

    d = {"id": "x-token", "provider": "x", "pattern": r"\b(?P<secret>[MNO][A-Za-z0-9]{30})\b",
         "context": "(?i)xcorp", "requires": ["context"], **extra}
    with pytest.raises(RuleError, match=re.escape(msg)):
        rule_from_dict(d, "test")


def test_two_context_matches_near_the_start_each_open_their_own_lines(engine):
    """Two lines naming Discord at the top of a content: their windows both start at the
    content's first line, but the second reaches one line further, where the token is."""
    py = Engine(load_rules(), use_hyperscan=False)
    data = f"# discord\n# a discord bot\nx = 1\nTOKEN = '{DISCORD}'\n".encode()
    want = [(h.rule_id, h.line) for h in detect(py, data, "bot.py")[0] if h.rule_id == "discord-bot-token"]
    got = [(h.rule_id, h.line) for h in detect(engine, data, "bot.py")[0] if h.rule_id == "discord-bot-token"]
    assert want == [("discord-bot-token", 4)] and got == want


def test_an_openssh_key_block_is_one_credential(engine):
    """The first body line of every OpenSSH key is base64 of "openssh-key-v1", which the
    base64-encoded key rule looks for; inside the block it is the same key, not a second."""
    rnd = random.Random(7)
    body = base64.b64encode(b"openssh-key-v1\0" + bytes(rnd.randrange(256) for _ in range(400))).decode()
    block = "\n".join(["-----BEGIN OPENSSH PRIVATE KEY-----", *(body[i:i + 70] for i in range(0, len(body), 70)),
                       "-----END OPENSSH PRIVATE KEY-----"])
    hits = engine.scan_text("key:\n" + block + "\n", "deploy/id_ed25519")
    assert [(h.rule_id, h.line) for h in hits] == [("private-key", 2)]
    alone = engine.scan_text("SSH_KEY_B64=" + body + "\n", "ci/env")  # the body alone, no block: still found
    assert [h.rule_id for h in alone] == ["private-key-base64"]


def test_a_giant_line_is_confirmed_around_its_matches(engine):
    """A line longer than GIANT_LINE (a built site's search index, a minified bundle) is
    confirmed in windows around Hyperscan's matches: the same hits, at the same columns
    (non-ASCII text before them), as confirming the whole line; a context far away on the
    line no longer counts; an allow marker on the line still does."""
    from scanner.engine import GIANT_LINE

    if not engine.hyperscan:
        pytest.skip("windows come from Hyperscan's match offsets")
    token = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dcTYooMQauvdEDq54NiTphI7jx"
    filler = '{"t": "Größe 日本語 text", "u": "https://example.org/a"}, ' * 2000
    line = "[" + filler + f'{{"token": "{token}"}}, ' + filler + f'{{"k": "{token[::-1]}"}}]'
    assert len(line) > GIANT_LINE
    hits = [h for h in engine.scan_text(line + "\n", "site/search/index.json") if h.rule_id.startswith("stripe")]
    assert [(h.line, h.column, h.secret) for h in hits] == [(1, line.index(token) + 1, token)]
    whole = Engine(load_rules(), use_hyperscan=False).scan_text(line + "\n", "site/search/index.json")
    assert [(h.rule_id, h.column) for h in whole if h.rule_id.startswith("stripe")] == \
        [(h.rule_id, h.column) for h in hits]
    # ODBC's password=... needs a key=value; pair beside it: 1 MB away on the line is not beside it
    odbc = "Server=db1;Database=app; " + "x" * 1_000_000 + " password=Zq8vN2rT5wXy;"
    assert not [h for h in engine.scan_text(odbc + "\n", "site/search/index.json") if h.rule_id == "odbc-connection-string"]
    assert not engine.scan_text(line + "  // credfence: allow\n", "site/search/index.json")


def test_a_rule_hyperscan_refuses_leaves_the_others_on_hyperscan(tmp_path, monkeypatch):
    """The database is compiled with every pattern at once; when Hyperscan refuses one (a
    configured rule whose pattern can match nothing at all), each is tried alone to find
    it, and only that rule falls back to its keywords and Python regex."""
    monkeypatch.setenv("CREDFENCE_CACHE_DIR", str(tmp_path))  # a cold cache: compiled here
    odd = {"id": "zq-optional-token", "provider": "zq", "pattern": r"(?P<secret>(?:zqtok_[a-z0-9]{24})?)",
           "keywords": ["zqtok_"]}
    pytest.importorskip("hyperscan")
    rules = load_rules(extra_rules=[odd], use_cache=False)  # a few of them: probing all takes 15 s
    eng = Engine([r for r in rules if r.id in ("heroku-api-key", "stripe-secret-key", odd["id"])], use_hyperscan=True)
    odd_index = next(i for i, r in enumerate(eng.regex_rules) if r.id == "zq-optional-token")
    assert eng.hyperscan and eng._hs_fallback == [odd_index]
    data = ordinary_code(50) + b'ZQ = "zqtok_k3v9x2m7q1w8e4r6t0y5u2i9"\nHEROKU_API_KEY=3f0c9d2e-8b1a-4c6d-9e2f-7a5b3c1d0e9f\n'
    found = {h.rule_id for h in detect(eng, data, "app.py")[0] or []}
    assert {"zq-optional-token", "heroku-api-key"} <= found


def test_a_kubernetes_secret_value_is_one_finding(engine):
    """A Secret's `data:` value is read by the Kubernetes parser (decoded) and by the generic
    detector (as written): one credential, reported once, by the parser."""
    value = base64.b64encode(b"Zx9#mQ2pLk7vRt4w").decode()
    data = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-admin\ntype: Opaque\n"
            f"data:\n  password: {value}\n").encode()
    hits = detect(engine, data, "k8s/db-admin-secret.yaml")[0] or []
    assert [(h.rule_id, h.line, h.secret) for h in hits] == [("kubernetes-secret", 7, "Zx9#mQ2pLk7vRt4w")]


def test_a_damaged_cache_of_the_gated_rules_database_is_compiled_again(tmp_path, monkeypatch):
    """The gated rules' own database (Engine.ungate) is cached beside the main one; a cache
    entry cut short is compiled again and replaced, not taken for good as a reason to open
    a window at every context match."""
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("CREDFENCE_CACHE_DIR", str(tmp_path))
    rules = [r for r in load_rules() if r.id in ("discord-bot-token", "vault-legacy-token", "stripe-secret-key")]
    assert Engine(rules, use_hyperscan=True)._gate_db is not None
    [gated] = list(tmp_path.glob("*-gated.db"))
    gated.write_bytes(gated.read_bytes()[:40])
    again = Engine(rules, use_hyperscan=True)
    assert again._gate_db is not None and len(gated.read_bytes()) > 40
    text = "discord bot\nTOKEN = OvePJpFQvn0PrA5PwrG2vsWk.xFIB39.BZvSIfigqJJBmQaFoVQcFnIsOeIooNwYTAXxis\n"
    assert [h.rule_id for h in again.scan_text(text, "bot.py")] == ["discord-bot-token"]


def test_a_second_scan_running_at_once_gets_its_own_scratch(engine):
    """Hyperscan refuses a scratch space another scan holds (ScratchInUseError) before it
    reports any match. A scan started while another runs on the same database, here from
    the first one's match callback, gets a new scratch and finds what it finds alone, and
    the first scan goes on to its end."""
    hs = pytest.importorskip("hyperscan")
    if not engine.hyperscan:
        pytest.skip("Hyperscan did not load")
    from scanner.engine import _hs_scan

    key = b'STRIPE_KEY = "sk_live_' + b"4eC39HqLyjWDarjtT1zdp7dcTYooMQauvdEDq54Ni" + b'"\n'
    data = ordinary_code(20) + key + ordinary_code(20, seed=5) + key
    alone, raw = engine._hs_matches(data), []
    engine._hs.scan(data, match_event_handler=lambda i, _f, to, _fl, _c: raw.append((i, to)))
    with pytest.raises(hs.ScratchInUseError):  # what the engine used to end the whole scan with
        engine._hs.scan(data, match_event_handler=lambda *_: engine._hs.scan(data, match_event_handler=lambda *_: None))
    outer, inner = [], []

    def on_match(i, _frm, to, _flags, _ctx):
        outer.append((i, to))
        if len(outer) == 1:
            inner.extend(engine._hs_matches(data))

    _hs_scan(engine._hs, data, on_match)
    assert inner == alone and outer == raw
    assert engine._hs_matches(data) == alone  # the database's new scratch serves the next scans


@pytest.mark.parametrize("inside, reported", [
    ("XXxx", True),       # base64 holds a case-blind `xxxx` once in 650 keys: CI failed on one
    ("dUMmy", True),      # a word in no one's casing is chance
    ("xxxxxxxxxxxxxxxx", False),  # a filler is a run
    ("EXAMPLE", False), ("Dummy", False), ("redacted", False),
])
def test_a_key_body_s_words_are_a_writer_s_not_chance(engine, inside, reported):
    """The placeholder words in a key's body count when a person wrote them: in one case,
    and x's as a run longer than four."""
    r = random.Random(inside)
    alphabet = string.ascii_letters + string.digits + "+/"
    lines = ["".join(r.choice(alphabet) for _ in range(64)) for _ in range(6)]
    lines[0] = "MIIEow" + lines[0][6:]
    lines[2] = lines[2][:20] + inside + lines[2][20 + len(inside):]
    pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----\n"
    hits, _ = detect(engine, pem.encode(), "deploy/server.key")
    assert any(h.rule_id == "private-key" for h in hits) is reported


@pytest.mark.parametrize("value, placeholder", [
    ("sk_live_4eC39HqLyjWDarjtT1zdXxXx7dc", False),  # x's in no one's casing: chance
    ("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", True), ("sk_live_XXXX4eC39HqLyjWDarjtT1zd", True),
    ("sk_live_4eC39HqLyjWDarjtyourAPIkey", True),  # a one-line value's slot words keep any casing
])
def test_a_one_line_value_s_x_filler_is_of_one_case(value, placeholder):
    from detectors.placeholders import is_placeholder
    assert is_placeholder(value, ["sk_live_"]) is placeholder


@pytest.mark.parametrize("password, reported", [
    ("&lt;your 40 char token&gt;", False),  # octokit.rb's YARD pages of its README's `<your 40 char token>`
    ("&lt;YOUR_TOKEN&gt;", False), ("&#60;token&#62;", False),
    ("Zq8rLw2m&amp;Xv9kTn4pQ", True),  # an escaped character in a real password changes nothing
])
def test_a_value_on_a_generated_html_page_is_judged_as_the_page_shows_it(engine, password, reported):
    page = f'<pre class="code"><code>machine api.github.com\n  login defunkt\n  password {password}\n</code></pre>\n'
    hits, _ = detect(engine, page.encode(), "file.README.html")
    assert any(h.rule_id == "netrc-entry" for h in hits) is reported, [(h.rule_id, h.secret) for h in hits]


@pytest.mark.parametrize("value, placeholder", [
    # a writer saying what goes there (external-secrets' documented Secret manifests)
    ("the secret password", True), ("token value", True), ("**access token goes here**", True),
    ("**Private key value**, use |- for multiline", True),
    ("correct horse battery staple", False),  # a passphrase names no secret
    ("Zq8rLw2m Xv9kTn4pQ token", False),  # nor is a value with a random part a description
    # a JSON value none of whose strings can be a secret, plain or base64-encoded
    ('{"foo":"bar"}', True),
    (base64.b64encode(b'{"verifier":{"salt":"example"},"encCredentials":{"kid":"example","data":"example"},'
                      b'"version":"2","uniqueKey":{"key_ops":["encrypt","decrypt"],"kty":"oct"}}').decode(), True),
    ('{"type":"service_account","private_key_id":"8d4f2a1b9c3e7f60a5b4c3d2e1f0a9b8c7d6e5f4"}', False),
    (base64.b64encode(b'{"username":"admin","password":"Zq8rLw2mXv9kTn4pQ"}').decode(), False),
    # the documentation's slot for an access key (zalando/postgres-operator's minio ConfigMap,
    # base64 of YOURACCESSKEY); a weak password is no slot (leaky-repo's production MongoDB URL)
    ("YOURACCESSKEY", True), ("testpass", False), ("test1234", False),
    # a slot named with the secret's word joined to what it is (BrowserStack's documented
    # `curl -u "BROWSERSTACK_USERNAME:BROWSERSTACK_ACCESSKEY"`); a word that merely ends in one is no slot
    ("BROWSERSTACK_ACCESSKEY", True), ("SAUCE_APIKEY", True), ("monkey", False), ("whiskey", False),
    # whole references: Symfony's parameters, Apple's altool references; a percent sign inside
    # a random value is no reference
    ("%mailer_password%", True), ("%env(resolve:DATABASE_URL)%", True), ("@keychain:AC_PASSWORD", True),
    ("@env:FL_NOTARIZE_PASSWORD", True), ("Zq8r%Lw2m%Xv9kTn4pQ7", False), ("@envZq8rLw2mXv9kTn4pQ", False),
    ('{"transport":["mautic.transport.sparkpost"]}', True), ('{"password":"Zq8r.Lw2m.Xv9k"}', False),
    # a braced name and its format, or an example of its value (Radarr's naming tokens)
    ("{absolute:000}", True), ("{x:.2f}", True), ("{TvdbId:12345}", True), ("{Zq8r:Lw2m}", False),
    # a translation's word for the password or the key, where a URL's help text puts it
    ("kennwort", True), ("MotDePasse", True), ("chave_aws", True), ("Zq8rKennwortLw2", False),
    # written in its own alphabet (Mayan EDMS' Spanish catalogue, `usuario:contraseña@servidor`)
    ("contraseña", True), ("hasło", True), ("пароль", True), ("contraseña2024x", False),
    # words that say the value is not safe to use (atuin's k8s Secret); Django's generated
    # development key says so too, and is a key
    ("seriously-insecure", True), ("insecure_password1", True), ("NotSecure", True),
    ("django-insecure-4k!w%(q8z=m2x$(v7r^p0t&y9_u3n*s6e+l1o#h-j5c)b", False), ("unsafeZq8rLw2mXv9k", False),
    # an early Argo workflow template's parameter, whole
    ("%%inputs.parameters.REG_PASSWORD%%", True), ("Zq8r%%Lw2m%%Xv9k", False),
    # "my" and words run together before the secret's word (octokit.js' docs,
    # `Authorization: token mypersonalaccesstoken123`); a random middle is no description
    ("mypersonalaccesstoken123", True), ("yourslackbottoken", True), ("myq8zk3wtoken", False),
    ("topmonkey", False), ("xmypersonalaccesstoken", False),
])
def test_a_value_that_describes_itself_or_holds_no_secret(value, placeholder):
    from detectors.placeholders import is_placeholder
    assert is_placeholder(value) is placeholder


@pytest.mark.parametrize("value, placeholder", [
    # a provider token whose part after its prefix is one part said twice (doctl's test
    # token, 32 hex digits doubled); a random one is a token; without a prefix the value is
    # left to the other checks
    ("dop_v1_" + "a7bbe7e8af7411ec912e47a270a2ee78" * 2, True),
    ("dop_v1_" + "a7bbe7e8af7411ec912e47a270a2ee78c0d5f1b29e6a4873d1c9b0e2f4a6c8e1", False),
])
def test_a_provider_token_whose_body_repeats_is_a_stand_in(value, placeholder):
    from detectors.placeholders import is_placeholder
    assert is_placeholder(value, ["dop_v1_"]) is placeholder


def test_a_man_page_s_escaped_hyphens_are_hyphens():
    """rclone.1's `api_key = your\\-api\\-key\\-generated\\-in\\-the\\-console` is its docs' slot."""
    from detectors.placeholders import is_placeholder
    assert is_placeholder(r"your\-api\-key\-generated\-in\-the\-console")
    assert not is_placeholder(r"Zq8r\-Lw2mXv9k\-Tn4pQ7d")


def test_a_password_word_written_in_latin_1_is_read_as_the_word(engine):
    # mplayer's translated help in mpv's history is Latin-1: the n with a tilde of
    # "contraseña" reaches the rules as an escaped byte, and the URL's slot is still a stand-in
    slot = b'"http://usuario:contrase\xf1a@servidor/archivo\\n"\n'
    assert detect(engine, slot, "help/help_mp-es.h")[0] == []
    # a random password holding such a byte is still one
    real = b'url = "http://admin:Xk9mQ2\xf1vLp7@db.internal/x"\n'
    assert [h.rule_id for h in detect(engine, real, "conf/app.py")[0]] == ["url-credentials"]
