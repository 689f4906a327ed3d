"""GCP service-account key files (JSON with "type": "service_account").

The secret reported is the `private_key` value (the unescaped PEM text): it is the credential
itself, and the same value is what a PEM rule would see. `private_key_id` is only an identifier
(it is listed in the IAM console), so it goes to the context as `key_id`, not as the secret.
The line/column point at the private_key value in the file.
"""
from __future__ import annotations

import re

from scanner.model import Hit

from ._util import Lines, ctx, is_placeholder, load_json

_PEM_BODY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END [A-Z ]*PRIVATE KEY-----")
_KEY_AT = re.compile(r'"private_key"\s*:\s*"')


def _pem_ok(pem: str) -> bool:
    m = _PEM_BODY.search(pem)
    if not m:
        return False
    body = "".join(m.group(1).split())
    return len(body) >= 64 and not is_placeholder(body)


def scan(text: str) -> list[Hit]:
    data = load_json(text)
    docs = data if isinstance(data, list) else [data]
    hits: list[Hit] = []
    lines = Lines(text)
    search_from = 0
    for d in docs:
        if not isinstance(d, dict) or d.get("type") != "service_account":
            continue
        pem = d.get("private_key")
        if not isinstance(pem, str) or not _pem_ok(pem):
            continue
        m = _KEY_AT.search(text, search_from)
        if m:
            search_from = m.end()
            line, col = lines.pos(m.end())
        else:
            line, col = 1, 1
        project = d.get("project_id") if isinstance(d.get("project_id"), str) else None
        email = d.get("client_email") if isinstance(d.get("client_email"), str) else None
        key_id = d.get("private_key_id") if isinstance(d.get("private_key_id"), str) else None
        hits.append(Hit("gcp-service-account-key", pem, line, col,
                        ctx(key="private_key", section=project, host=None, user=email,
                            project_id=project, client_email=email, key_id=key_id)))
    return hits
