"""Property tests: the managed-block merge never loses or reorders a user byte."""

from __future__ import annotations

import codecs

from hypothesis import given, settings, strategies as st

from scanner.agents import AGENTS
from scanner.agents._managed import BEGIN, END, decode, encode, merge_block, outside_block

PROPS = settings(max_examples=200, deadline=None)

line_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20).map(
    lambda s: s.replace("\n", "").replace("\r", "")
)
ending = st.sampled_from(["\n", "\r\n", "\r", ""])


@st.composite
def user_text(draw) -> str:
    lines = draw(st.lists(st.tuples(line_text, ending), max_size=12))
    text = "".join(a + b for a, b in lines)
    return text.replace(BEGIN, "").replace(END, "")


@st.composite
def file_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["utf8", "bom", "utf16le", "utf16be", "raw"]))
    if kind == "raw":
        return draw(st.binary(max_size=200))
    text = draw(user_text())
    if kind == "utf8":
        return text.encode("utf-8")
    if kind == "bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if kind == "utf16le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le", "surrogatepass")
    return codecs.BOM_UTF16_BE + text.encode("utf-16-be", "surrogatepass")


path_segment = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\n\r\x00"),
    min_size=1,
    max_size=10,
).filter(lambda s: s not in (".", "..") and s.strip() not in ("", ".", "*", "**"))
paths = st.lists(st.lists(path_segment, min_size=1, max_size=3).map("/".join), max_size=6)


@PROPS
@given(data=file_bytes())
def test_decode_encode_round_trip(data):
    assert encode(*decode(data)) == data


# body lines come from gitignore_escape (a leading "#" is escaped), so never a marker line
body_line = line_text.filter(lambda s: s.strip() not in (BEGIN, END))


@PROPS
@given(text=user_text(), body=st.lists(body_line, max_size=5), position=st.sampled_from(["end", "start"]))
def test_merge_keeps_user_text_and_is_idempotent(text, body, position):
    once = merge_block(text, body, position)
    assert outside_block(once) == text
    assert merge_block(once, body, position) == once
    # changing the block again keeps the user's text, and removing it restores it
    other = merge_block(once, body + ["/other"], position)
    assert outside_block(other) == text
    assert merge_block(other, None) == text


@PROPS
@given(data=file_bytes(), cred=paths, agent=st.sampled_from([n for n, s in AGENTS.items()
                                                            if s.file and not s.file.endswith((".json", ".toml"))]))
def test_gitignore_writer_keeps_bytes(tmp_path_factory, data, cred, agent):
    spec = AGENTS[agent]
    text, enc = decode(data)
    if BEGIN in text or END in text:
        return
    root = tmp_path_factory.mktemp("r")
    try:
        r = spec.render(root, data, sorted(set(cred)))
    except Exception as exc:  # only refusals of the whole-repo kind are acceptable
        assert "refusing" in str(exc)
        return
    if r.new is None:
        return
    new_text, new_enc = decode(r.new)
    assert new_enc == enc
    assert outside_block(new_text) == text
    again = spec.render(root, r.new, sorted(set(cred)))
    assert again.new == r.new
    if cred:
        spec.verify(root, r.new, sorted(set(cred)))
