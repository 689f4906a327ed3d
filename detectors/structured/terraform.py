"""Terraform `*.tf` / `*.tfvars`: literal strings assigned to secret-sounding attributes
(`password`, `token`, `secret_key`, `access_key` ...), in provider/backend/resource blocks, in
`variable` defaults whose name is secret-sounding, and at the top level of tfvars.

A literal's value is judged as the generic detector judges one under a secret's name
(detectors.generic.value_ok: not a path, a weak word, a name). Only quoted string literals
count: expressions (`var.x`, `local.y`) and interpolations
(`${...}`) are references, not secrets. An AWS access key id (AKIA/ASIA...) under `access_key`
is left to the regex rule `aws-access-key-id`; other `access_key`s (azurerm backend storage
keys, Alibaba, ...) are secrets.
"""
from __future__ import annotations

import re

from scanner.model import Hit

from detectors.generic import names_something_else, password_like, secret_name, value_ok

from ._util import ctx, is_placeholder, split_lines

_ATTR = re.compile(r'^\s*"?(?P<key>[A-Za-z_][A-Za-z0-9_\-]*)"?\s*[=:]\s*"(?P<val>(?:[^"\\]|\\.)*)"\s*,?\s*(?:#.*|//.*)?$')
_BLOCK = re.compile(r'^\s*(?P<type>[A-Za-z_][A-Za-z0-9_\-]*)((?:\s+"[^"]*"|\s+[A-Za-z_][A-Za-z0-9_\-]*)*)\s*\{\s*$')
_OPEN_INLINE = re.compile(r'^\s*[A-Za-z_][A-Za-z0-9_\-]*\s*=\s*\{\s*$')
SECRET_ATTR = re.compile(
    r"(?i)(?:^|_)(?:password|passwd|passphrase|secret|token|api_?key|access_key|secret_key|private_key|"
    r"client_secret|credentials?|auth|sas|connection_string|signing_key|master_key|account_key|shared_key)(?:$|_)|"
    r"password$|secret$|token$")
_NOT_SECRET_ATTR = re.compile(r"(?i)(?:_id|_name|_arn|_file|_path|_length|_ttl|_type|_version|_enabled|_url)$|"
                              r"^(?:sensitive|description|type)$|key_vault|_rotation")
_AKID = re.compile(r"^(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}$")
# an upper-case word under a name that is not a password's: one of the attribute's allowed
# values (`iam_auth = "REQUIRED"`), not a secret
_CONSTANT = re.compile(r"^[A-Z]+(?:_[A-Z]+)*$")
# a URL's credentials (`postgres://USERNAME:PASSWORD@URL`): the password is what is judged
_URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+.\-]*://[^:@/\s]*:([^@/\s]*)@")


# a file's name or path: the google provider's and the gcs backend's `credentials` take the
# path of a service account's key file or its content (`credentials = "account.json"`,
# external-secrets' `"../secrets/gcloud-service-account-key.json"`); the path is no secret
_FILE_REF = re.compile(r"^(?:~?/|\.{1,2}/)?(?:[\w.@-]+/)*[\w@-][\w.@-]*\.(?:json|pem|key|p12|pfx|crt|cer|der|jks|"
                       r"keystore|txt|ya?ml|toml|ini|env|cfg|conf|ppk|asc|gpg)$")


# an AWS resource's name (a Secrets Manager secret's or a KMS key's ARN, where the secret is
# kept: gpt-researcher's `variable "webui_pipieline_credentials" { default = "arn:aws:secretsmanager:..." }`)
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:\S+$")


def _literal_secret(val: str) -> bool:
    """A literal value that can be a secret: not a placeholder, a file's path nor a
    resource's ARN, and, for a URL with credentials, not one whose password is a placeholder."""
    if not val or "${" in val or "%{" in val or is_placeholder(val) or _FILE_REF.match(val) or \
            val.startswith("arn:") and _ARN.match(val):
        return False
    url = _URL_PASSWORD.match(val)
    return not (url and is_placeholder(url.group(1)))


# what the line-by-line walk below can report at all, asked of each distinct line once per
# process (a file's versions repeat most of their lines): a line assigning a secret-sounding
# key a literal that can be a secret, a `default` assigned such a literal, a variable block
# whose name sounds like a secret. A version with no line of the first kind, nor of the two
# others together, has no hit; most versions of a module's .tf files have none, and walking
# their lines was 86 % of the workers' time on terraform-aws-vpc's history (1.41 s against
# betterleaks' 0.67). Both split lines the same way (split_lines: at \n alone).
_LITERAL = re.compile(r'^\s*"?([A-Za-z_][A-Za-z0-9_\-]*)"?\s*[=:]\s*"((?:[^"\\]|\\.)*)"')
_VARIABLE = re.compile(r"^\s*variable\b")
_SECRET_LITERAL, _DEFAULT_LITERAL, _SECRET_VARIABLE = 1, 2, 4
_SEEN: set[str] = set()  # the lines asked about
_KINDS: dict[str, int] = {}  # those of them of a kind above, and their kinds
_MAX_LINES = 50_000  # then forgotten, and learnt again (a few MB)


def _value_may_be_secret(name: str, val: str) -> bool:
    """The value judged as the generic detector judges one under a secret's name (a path,
    a weak word, a name, a unit: cloudposse's `default = "/github/token"`, an SSM
    parameter's path, and `access_token = "minutes"` in a token validity's units), but for
    two things this parser reads itself: a URL's password (_literal_secret) and an
    upper-case word, an allowed value unless the name is a password's (`iam_auth =
    "REQUIRED"`, `password = "HUNTERTWOX"`)."""
    word = secret_name(name) or "secret"
    if _URL_PASSWORD.match(val):
        return True
    if _CONSTANT.match(val):
        return password_like(word)
    return value_ok(name, val, word)


def _secret_sounding(name: str) -> bool:
    return bool(SECRET_ATTR.search(name)) and not _NOT_SECRET_ATTR.search(name) and not names_something_else(name)


def _kind(line: str) -> int:
    m = _LITERAL.match(line)
    if m:
        key, val = m.groups()
        if key == "default":
            return _DEFAULT_LITERAL if _literal_secret(val) else 0
        return _SECRET_LITERAL if _secret_sounding(key) and _literal_secret(val) else 0
    if _VARIABLE.match(line):
        b = _BLOCK.match(line)
        if b and not _OPEN_INLINE.match(line) and _secret_sounding(_block_label(b)):
            return _SECRET_VARIABLE
    return 0


def _may_hit(text: str) -> bool:
    lines = set(split_lines(text))
    if len(_SEEN) > _MAX_LINES:
        _SEEN.clear()
        _KINDS.clear()
    for line in lines.difference(_SEEN):
        _SEEN.add(line)
        k = _kind(line)
        if k:
            _KINDS[line] = k
    kinds = 0
    for line in lines.intersection(_KINDS.keys()) if _KINDS else ():
        kinds |= _KINDS[line]
    return bool(kinds & _SECRET_LITERAL) or kinds & (_DEFAULT_LITERAL | _SECRET_VARIABLE) == _DEFAULT_LITERAL | _SECRET_VARIABLE


def _block_label(m: re.Match) -> str:
    labels = re.findall(r'"([^"]*)"|([A-Za-z_][A-Za-z0-9_\-]*)', m.group(2) or "")
    return ".".join(a or b for a, b in labels)


def scan(text: str) -> list[Hit]:
    if not _may_hit(text):
        return []
    return _walk(text)


def _walk(text: str) -> list[Hit]:
    hits: list[Hit] = []
    stack: list[tuple[str, str | None]] = []  # (block type, label) for each open brace
    for i, raw in enumerate(split_lines(text)):
        s = raw.strip()
        if not s or s.startswith(("#", "//")):
            continue
        m = _BLOCK.match(raw)
        if m and not _OPEN_INLINE.match(raw):
            stack.append((m.group("type"), _block_label(m) or None))
            continue
        m = _ATTR.match(raw)
        if m:
            key, val = m.group("key"), m.group("val")
            block = stack[-1] if stack else (None, None)
            name_for_check = key
            if block[0] == "variable" and key == "default":
                name_for_check = block[1] or ""
            if (SECRET_ATTR.search(name_for_check) and not _NOT_SECRET_ATTR.search(name_for_check)
                    and not names_something_else(name_for_check) and _literal_secret(val)
                    and not (key == "access_key" and _AKID.match(val))
                    and _value_may_be_secret(name_for_check, val)):
                section = None
                for t, lab in reversed(stack):
                    if t in ("provider", "backend", "resource", "data", "module", "variable"):
                        section = f"{t}.{lab}" if t in ("variable", "data", "module") and lab else (lab or t)
                        break
                if stack and section is None:
                    section = stack[0][1] or stack[0][0]
                hits.append(Hit("terraform-secret", val.replace('\\"', '"'), i + 1, m.start("val") + 1,
                                ctx(key=name_for_check, section=section,
                                    block=stack[-1][0] if stack else None)))
            continue
        opens, closes = s.count("{"), s.count("}")
        if opens > closes:
            stack.extend([("{", None)] * (opens - closes))
        elif closes > opens:
            del stack[len(stack) - min(len(stack), closes - opens):]
    return hits
