"""dotenv files (`.env`, `.env.*`, `*.env`): `KEY=value` lines whose KEY sounds secret and whose
value is a literal with some entropy (not empty, not a placeholder, not `$REF`). Generic: rated
below provider-specific rules."""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import ctx, entropy, is_placeholder, split_lines

_LINE = re.compile(r"""^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(?P<val>.*?)\s*$""")
SECRET_NAME = re.compile(
    r"(?i)pass(?:word|wd|phrase)|(?:^|_)pwd$|secret|token|api_?key|private_?key|credential|(?:^|_)auth(?!or)|"
    r"access_?key|signing_?key|encryption_?key|master_?key|(?:^|_)key$|_sas$|connection_?string")
_NOT_SECRET_NAME = re.compile(
    r"(?i)public|publishable|anon_?key|(?:^|_)ids?$|user(?:name)?$|_url$|_uri$|_host$|_port$|_file$|_path$|_dir$|"
    r"enabled$|expir|_ttl$|timeout|length$|_type$|_name$|_domain$|_region$|_endpoint$|_header$|algorithm|"
    r"issuer$|audience$|_method$|_mode$|_version$|_provider$|_count$|_limit$|_size$|_prefix$|_dsn$")


def _value(raw: str) -> tuple[str, int] | None:
    """(value, offset into raw) with quotes and trailing comments removed."""
    if not raw:
        return None
    if raw[0] in "'\"`":
        q = raw[0]
        end = raw.find(q, 1)
        if end == -1:
            return None  # multi-line quoted value: not a single token
        return raw[1:end], 1
    v = re.split(r"\s+#", raw, maxsplit=1)[0].strip()
    return v, 0


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for i, raw in enumerate(split_lines(text)):
        if "=" not in raw or raw.lstrip().startswith("#"):
            continue
        m = _LINE.match(raw)
        if not m:
            continue
        key = m.group("key")
        if not SECRET_NAME.search(key) or _NOT_SECRET_NAME.search(key):
            continue
        got = _value(m.group("val"))
        if not got:
            continue
        val, off = got
        if (len(val) < 8 or " " in val or val.startswith(("$", "/", "./", "~", "http://", "https://"))
                and "@" not in val):
            continue
        if val.isdigit() or val.lower() in ("true", "false", "yes", "no") or is_placeholder(val):
            continue
        if entropy(val) < 2.8:
            continue
        hits.append(Hit("dotenv-secret", val, i + 1, m.start("val") + off + 1, ctx(key=key)))
    return hits
