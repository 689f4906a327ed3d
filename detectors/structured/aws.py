"""AWS shared credentials/config files: secret keys and session tokens, per profile.

`aws_secret_access_key` is reported as `aws-secret-access-key`, the id of the regex rule, so
the two findings merge into one; `aws_session_token` as `aws-session-token`.
"""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import ctx, ini_items, is_placeholder

_RULES = {"aws_secret_access_key": "aws-secret-access-key", "aws_session_token": "aws-session-token"}
# AWS documents a secret access key as 40 characters of base64's alphabet; anything else under
# that name (`aws_secret_access_key = ec2_secret_key,` in a script read as INI) is not one
_SECRET_KEY = re.compile(r"[A-Za-z0-9/+]{40}")
# a session token STS issues is a long run of base64 (hundreds of characters); a name in a
# library's fixture (`aws_session_token = complete_creds_with_token_token`, aws-sdk-go's
# testdata/shared_config) is not one
_SESSION_TOKEN = re.compile(r"[A-Za-z0-9/+=]{40,}")


def _profile(section: str | None) -> str | None:
    if section is None:
        return None
    s = section.strip()
    if s.startswith("profile "):
        s = s[len("profile "):].strip()
    return s.strip("'\"")


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    key_ids: dict[str | None, str] = {}
    found = []
    for section, key, value, line, col in ini_items(text):
        k = key.lower()
        prof = _profile(section)
        if k == "aws_access_key_id":
            key_ids[prof] = value
        rule = _RULES.get(k)
        if rule == "aws-secret-access-key" and not _SECRET_KEY.fullmatch(value or ""):
            continue
        if rule == "aws-session-token" and not _SESSION_TOKEN.fullmatch(value or ""):
            continue
        if rule and value and not is_placeholder(value, shared=rule != "aws-session-token") and " " not in value:
            found.append((rule, value, line, col, key, prof))
    for rule, value, line, col, key, prof in found:
        hits.append(Hit(rule, value, line, col, ctx(key=key, section=prof, profile=prof,
                                                    access_key_id=key_ids.get(prof))))
    return hits
