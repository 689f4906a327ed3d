"""Generic secrets: values assigned to secret-sounding names, from detect-secrets' keyword
plugin and its heuristic filters, run only on the candidate lines the engine hands over.

detect-secrets reads quoted assignments in code and YAML; shell and dotenv assignments
(`export API_TOKEN=...`) it leaves alone, so those get a stricter check of our own: a
secret-sounding name, no template or reference, and enough entropy to be random.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
import types
from functools import lru_cache

from scanner.model import Hit
from scanner.placeholders import is_placeholder, shannon_entropy

RULE_ID = "generic-secret"
MIN_LEN = 8
MIN_ENTROPY = 3.0
_NAME = re.compile(r"(?i)(pass(word|wd|phrase)?|pwd|secret|token|api[_\-.]?key|apikey|auth[_\-.]?key|credential|"
                   r"private[_\-.]?key|access[_\-.]?key|client[_\-.]?secret)")
_NOT_SECRET_NAME = re.compile(r"(?i)(_type|_name|_id|_url|_uri|_path|_file|_field|_length|_len|_prefix|"
                              r"_header|_policy|_format|_expir\w*|_ttl|_count|_hash|_regex|_pattern|_label|_hint|"
                              r"_endpoint|_version|_mode|_kind|_key_name|_env|_var|_placeholder|_validator|_sha1|_sha256|_sha512|_md5|"
                              r"_digest|_checksum|_fingerprint|_redacted|_masked)$")
_SHELL = re.compile(r"""^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*[:=]\s*(["']?)([^\s"'`;#]{8,256})\2\s*(?:#.*)?$""")
_REFERENCE = re.compile(r"^(?:\$|%|@|&|\*|os\.|env\.|process\.env|ENV\[|getenv|settings\.|config\.|self\.|this\.|"
                        r"[a-z_][a-z0-9_]*\(|[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_]|true$|false$|null$|none$|nil$)", re.I)


class _DeferredImport(types.ModuleType):
    """A module imported on first use of one of its attributes. detect-secrets imports
    `requests` at the top of its plugin base for live verification, which credfence never
    asks for; importing it cost each worker process two tenths of a second."""

    def __getattr__(self, attr: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


@lru_cache(maxsize=1)
def _detectors():
    if "requests" not in sys.modules:
        sys.modules["requests"] = _DeferredImport("requests")
    from detect_secrets.filters import heuristic
    from detect_secrets.plugins.keyword import KeywordDetector

    filters = (heuristic.is_sequential_string, heuristic.is_potential_uuid, heuristic.is_templated_secret,
               heuristic.is_prefixed_with_dollar_sign)
    return KeywordDetector(), filters


def prepare() -> None:
    """Import detect-secrets now (five hundredths of a second), before the first generic candidate."""
    _detectors()


_FILE_NAME = re.compile(r"^[\w.\-/]*\.(?:json|ya?ml|txt|baseline|py|js|ts|env|cfg|ini|toml|pem|key|crt|cer|p12|pfx|"
                        r"jks|keystore|gpg|asc|lock|log|md|sh|conf)$", re.I)
_WEAK = re.compile(r"(?i)^(?:pass(?:word|wd)?|passw0rd|p@ssw0rd|secret|token|changeit|letmein|admin|root|test|"
                   r"qwerty|welcome|default|guest|user)[\d!@#$%_\-]*$")


def _plausible(name: str, value: str) -> bool:
    if len(value) < MIN_LEN or len(value) > 256:
        return False
    if _FILE_NAME.match(value) or _WEAK.match(value):  # a file name, or a documentation-grade password
        return False
    if _NOT_SECRET_NAME.search(name or ""):
        return False
    if _REFERENCE.match(value) or is_placeholder(value):
        return False
    if shannon_entropy(value) < MIN_ENTROPY:
        return False
    # prose, paths and identifiers are not passwords
    if " " in value or value.count("/") > 2 or value.replace("_", "").replace("-", "").isalpha() and value.islower():
        return False
    return True


def generic_hits(line: str, line_no: int, path: str = "") -> list[Hit]:
    if len(line) > 4096:
        return []
    kd, filters = _detectors()
    out: list[Hit] = []
    name_m = _NAME.search(line)
    if not name_m:
        return out
    fname = os.path.basename(path) or "file.txt"
    try:
        found = kd.analyze_line(filename=fname, line=line, line_number=line_no)
    except Exception:  # detect-secrets on odd input: fall back to our own check
        found = set()
    values = [s.secret_value for s in found if s.secret_value]
    if not values:
        m = _SHELL.match(line)
        if m and _NAME.search(m.group(1)):
            values = [m.group(3)]
    for v in values:
        col = line.find(v)
        key_m = re.search(r"([A-Za-z_][A-Za-z0-9_.\-]*)[\"']?\s*(?:=>|:=|=|:)\s*[\"'`]?\s*$", line[:max(col, 0)])
        name = key_m.group(1) if key_m else name_m.group(0)
        if col < 0 or not _NAME.search(name) or not _plausible(name, v):
            continue
        if re.match(r"""["'`]?\s*\+""", line[col + len(v):]):
            continue  # "abc" + "def": a fragment of a concatenated string, not a value
        if any(f(secret=v) for f in filters):
            continue
        out.append(Hit(RULE_ID, v, line_no, col + 1, {}))
    return out
