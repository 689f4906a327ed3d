"""Kubernetes `Secret` manifests: `data:` values are base64, `stringData:` plain.

`k8s_secret_texts` returns (line of the key, "KEY=decoded value", context) for the engine to
scan with its regex rules; the whole decoded value belongs to that line. `scan` emits
`kubernetes-secret` hits for values under secret-sounding keys, and `docker-config-auth` hits
for `.dockerconfigjson` / `.dockercfg` payloads.
"""
from __future__ import annotations

import re

from scanner.model import Hit

from . import docker
from ._util import b64decode_any, compose_yaml_all, ctx, declaring, is_placeholder, printable_text, yget, ymap, ypos, yseq, ystr
from detectors.generic import lower_name
from detectors.vocabulary import SECRET_WORDS

SECRET_KEY = re.compile(
    r"(?i)" + SECRET_WORDS + r"|private|"
    r"(?:^|[_.\-])key(?:$|[_.\-])|key$|^key|\.pem$|\.p12$|\.jks$|keystore|dsn$|connection[_-]?string")
# the names beside a secret (iSCSI CHAP's node.session.auth.username_in, user2, host_out)
_NOT_SECRET_KEY = re.compile(r"(?i)(?:^|[_.\-])(?:user(?:name)?|host|port|id|url|uri|crt|cert|ca|pub|public)"
                             r"(?:[_.\-]?(?:in|out|\d{1,2}))?$|\.crt$|^ca\.")
# an S3-compatible store's access key is the user half of its pair (MinIO's documentation:
# the access key is the user name, the secret key its password): one that is a lower-case
# name (`enterprise-metrics`, `minio`: generic.lower_name) is that name, not a generated key ID
_ACCESS_KEY = re.compile(r"(?i)access[_.\-]?key$")
# a certificate or a public key, whatever the key it is under is named (telepresence's
# `crt.pem`, beside its `key.pem`): public material, sent to every peer
_PUBLIC_PEM = re.compile(r"^(?:\s*-----BEGIN (?:X509 |TRUSTED )?(?:CERTIFICATE|PUBLIC KEY)-----[A-Za-z0-9+/=\s]*"
                         r"-----END (?:X509 |TRUSTED )?(?:CERTIFICATE|PUBLIC KEY)-----)+\s*$")
# the documents of a multi-document manifest worth composing: a Secret, or a List of them
WANTED = declaring("Secret", "List")


def _items(text: str):
    """(namespace, name, type, key, raw value, decoded str|None, bytes|None, line, col, is_data)"""
    docs = []
    for top in compose_yaml_all(text, WANTED):  # a manifest, or a `kind: List` of them
        docs += [top] + [d for d in yseq(yget(top, "items"))] if ystr(yget(top, "kind")) == "List" else [top]
    for doc in docs:
        if ystr(yget(doc, "kind")) != "Secret":
            continue
        meta = yget(doc, "metadata")
        ns, name, typ = ystr(yget(meta, "namespace")), ystr(yget(meta, "name")), ystr(yget(doc, "type"))
        for field, is_data in (("data", True), ("stringData", False)):
            for k, v in ymap(yget(doc, field)):
                raw = ystr(v)
                if raw is None or not raw.strip():
                    continue
                line = k.start_mark.line + 1
                col = ypos(v)[1] if v.start_mark.line == k.start_mark.line else 1
                if is_data:
                    b = b64decode_any(raw)
                    if b is None:
                        continue
                    s = printable_text(b)
                else:
                    b, s = None, raw
                yield ns, name, typ, k.value, raw, s, b, line, col, is_data


def k8s_secret_texts(text: str) -> list[tuple[int, str, dict]]:
    out = []
    for ns, name, typ, key, _raw, s, _b, line, _col, _is_data in _items(text):
        if s is None:
            continue
        out.append((line, f"{key}={s}", ctx(key=key, section=ns, namespace=ns, secret_name=name, secret_type=typ)))
    return out


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for ns, name, typ, key, raw, s, _b, line, col, _is_data in _items(text):
        c = ctx(key=key, section=ns, namespace=ns, secret_name=name, secret_type=typ)
        if key in (".dockerconfigjson", ".dockercfg") and s:
            for h in docker.scan(s):
                h.line, h.column = line, col
                h.context = {**h.context, **{k: v for k, v in c.items() if k != "key"}, "key": key}
                hits.append(h)
            continue
        if not SECRET_KEY.search(key) or _NOT_SECRET_KEY.search(key):
            continue
        secret = s.strip() if s is not None else "".join(raw.split())
        if len(secret) < 6 or is_placeholder(secret) or _ACCESS_KEY.search(key) and lower_name(secret) or \
                secret.startswith("-----BEGIN ") and _PUBLIC_PEM.match(secret):
            continue
        hits.append(Hit("kubernetes-secret", secret, line, col, c))
    return hits
