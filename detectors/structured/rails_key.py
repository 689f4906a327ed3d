"""Rails master key (`config/master.key`, `config/credentials/<env>.key`): the whole file is
the 32-hex key that decrypts `config/credentials*.yml.enc` (Rails guides, "Securing Rails
Applications", Custom Credentials). The environment comes from the key's file name."""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import ctx, is_placeholder

_KEY = re.compile(r"\A\s*([0-9a-f]{32})\s*\Z")


def scan(text: str) -> list[Hit]:
    m = _KEY.match(text)
    if not m or is_placeholder(m.group(1)):
        return []
    line = text.count("\n", 0, m.start(1)) + 1
    return [Hit("rails-master-key", m.group(1), line, 1, ctx(key="master.key"))]
