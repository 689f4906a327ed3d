"""Maven `settings.xml` (`<servers><server><id/><username/><password/>`, also
`<passphrase>` for a private key) and `settings-security.xml` (`<master>`, the key that
decrypts the `{...}` encrypted passwords). Parsed with a regex over elements, never an XML
library: no entity expansion, no external fetches."""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import Lines, ctx, is_placeholder

_SERVER = re.compile(r"<server>(.*?)</server>", re.S)
_ELEM = re.compile(r"<(id|username|password|passphrase)>\s*([^<]*?)\s*</\1>")
_MASTER = re.compile(r"<master>\s*([^<\s]+)\s*</master>")
_NOT_NEWLINE = re.compile(r"[^\n]")


def _without_comments(text: str) -> str:
    """The text with each XML comment blanked, its line breaks kept (what follows stays where
    it was): Maven's own settings.xml template, copied into many images and repositories,
    shows a <server> with `repouser`/`repopwd` and a passphrase "optional; leave empty if not
    used." inside one, as a commented-out sample. A comment left open runs to the end, as XML
    reads it. Found with str.find, once through the text: a regex's lazy `<!--.*?-->` would
    read to the end again from every unclosed `<!--`."""
    out, pos = [], 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        end = len(text) if end < 0 else end + 3
        out += [text[pos:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    lines = Lines(text)
    if "<!--" in text:
        text = _without_comments(text)
    for m in _SERVER.finditer(text):
        fields = {e.group(1): (e.group(2), m.start(1) + e.start(2)) for e in _ELEM.finditer(m.group(1))}
        sid = fields.get("id", (None, 0))[0]
        user = fields.get("username", (None, 0))[0]
        for key in ("password", "passphrase"):
            val, at = fields.get(key, ("", 0))
            if not val or val.startswith("${") or is_placeholder(val):
                continue
            line, col = lines.pos(at)
            hits.append(Hit("maven-server-password", val, line, col,
                            ctx(key=key, section=sid, user=user, encrypted=val.startswith("{") and val.endswith("}"))))
    if "<settingsSecurity>" in text:
        for m in _MASTER.finditer(text):
            val = m.group(1)
            if is_placeholder(val):
                continue
            line, col = lines.pos(m.start(1))
            hits.append(Hit("maven-master-password", val, line, col, ctx(key="master")))
    return hits
