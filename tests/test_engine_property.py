"""Issue 7.6: property tests. Redaction never returns a string that contains the secret,
and the Hyperscan engine and the pure-Python fallback report the same (rule, secret, line)
on random texts built from the rules' positive examples mixed with noise."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
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
