"""Checks that need code: checksums and decodable structure that reject look-alikes.

Each validator is ``fn(secret: str, match: re.Match) -> bool | dict``. Falsy rejects the
candidate, ``True`` accepts it, and a dict accepts it and is merged into the hit's context;
a ``"rule_id"`` key in that dict re-labels the hit (a JWT that is a Supabase key).
`VALIDATORS` maps the names used in the rule YAML (`validate: NAME`) to the functions.

Everything here is offline: no network call ever verifies a secret.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zlib
from urllib.parse import unquote

from detectors.placeholders import JWTIO_SIG, b64url_json, sample_claims, sample_jwt, signed_with_example_key
from detectors.vocabulary import SECRET_WORDS

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(n: int, width: int) -> str:
    digits = ""
    while n:
        n, d = divmod(n, 62)
        digits = _B62[d] + digits
    return digits.rjust(width, "0")


def github_checksum(body: str) -> str:
    """The 6-character base62 CRC32 GitHub appends to a token's 30-character body (also
    used to make valid-looking fake tokens in the demo and the tests)."""
    return _base62(zlib.crc32(body.encode("ascii", "replace")) & 0xFFFFFFFF, 6)


def _crc32_base62_ok(body: str, check: str) -> bool:
    return _base62(zlib.crc32(body.encode("ascii", "replace")) & 0xFFFFFFFF, len(check)) == check


def github_crc32(secret: str, match: re.Match | None = None) -> bool | dict:
    """GitHub's token format: PREFIX_ + 30 random base62 chars + 6-char base62 CRC32 of those 30.

    Applies to ghp_, gho_, ghu_, ghs_ and 36-char ghr_ tokens. Longer refresh tokens (ghr_
    with 76 chars) carry no documented checksum and are accepted on shape alone.
    """
    _, _, rest = secret.partition("_")
    if len(rest) != 36:
        return len(rest) > 36
    if _crc32_base62_ok(rest[:30], rest[30:]):
        return {"checksum": "valid"}
    return False


def npm_crc32(secret: str, match: re.Match | None = None) -> dict:
    """npm tokens (npm_ + 30 random + 6 base62 CRC32) use GitHub's checksum design.

    Annotates rather than rejects: fixtures and older tooling produce npm_ tokens without a
    valid checksum, and a miss costs more than a false alarm for a publish token. The
    context key lets reports rank an invalid checksum lower.
    """
    rest = secret[4:] if secret.startswith("npm_") else secret
    ok = len(rest) == 36 and _crc32_base62_ok(rest[:30], rest[30:])
    return {"checksum": "valid" if ok else "invalid"}


def crc32_suffix(secret: str, match: re.Match | None = None) -> dict:
    """Scannable tokens ending in a 6-char base62 CRC32 of the part between prefix and suffix
    (Vercel vcp_/vci_/vca_/vcr_/vck_). Annotates rather than rejects, like npm-crc32."""
    _, _, rest = secret.partition("_")
    ok = len(rest) > 6 and _crc32_base62_ok(rest[:-6], rest[-6:])
    return {"checksum": "valid" if ok else "invalid"}


# Supabase CLI's well-known local-development keys (iss "supabase-demo") are public
_WELL_KNOWN_ISS = {"supabase-demo"}


def jwt(secret: str, match: re.Match | None = None) -> bool | dict:
    """Decode header and payload (no signature check, but a sample's: signed_with_example_key);
    label Supabase keys by their claims."""
    parts = secret.split(".")
    if len(parts) != 3:
        return False
    header, payload = b64url_json(parts[0]), b64url_json(parts[1])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return False
    if signed_with_example_key(secret):
        return False
    if parts[2] == JWTIO_SIG or sample_claims(payload):
        return False
    iss = payload.get("iss")
    if isinstance(iss, str) and iss in _WELL_KNOWN_ISS:
        return False
    if str(payload.get("type", payload.get("typ", ""))).lower() == "csrf":
        # an anti-forgery token (Drone's, in the page it serves: `<meta name="csrf-token"
        # content="eyJ...">`, saved into nextcloud/android's history): it only proves a form
        # came from the page, and authenticates no one
        return False
    ctx: dict = {"jwt_alg": str(header.get("alg", ""))}
    for claim in ("iss", "sub", "role", "aud", "exp", "ref", "scope"):
        v = payload.get(claim)
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            ctx[f"jwt_{claim}"] = v
    role = payload.get("role")
    access = payload.get("a")
    if str(header.get("alg")).startswith("ed25519") and isinstance(payload.get("nats"), dict):
        # a NATS operator, account or user JWT (alg ed25519-nkey, v1 ed25519): signed claims
        # servers and resolvers are handed openly; a user connects by signing the server's
        # nonce with the user's nkey seed, unless the JWT says it is a bearer token
        if payload["nats"].get("bearer_token") is not True:
            ctx["rule_id"] = "nats-jwt"
            return ctx
    if header.get("alg") == "EdDSA" and access in ("rw", "ro") and isinstance(payload.get("id"), str):
        # Turso / libSQL database token: {"a": "rw"|"ro", "id": <database id>}
        ctx["jwt_a"] = access
        ctx["rule_id"] = "turso-token"
        if access == "ro":
            ctx["privilege"] = "read"
    elif iss == "supabase" and role == "service_role":
        ctx["rule_id"] = "supabase-service-role-key"
    elif role == "anon":
        ctx["rule_id"] = "supabase-anon-key"
    else:
        ctx["rule_id"] = "jwt"  # a supabase-* rule that matched a JWT of another kind
    return ctx


# NATS nkeys (github.com/nats-io/nkeys, strkey.go): base32 without padding of two prefix
# bytes, the 32-byte Ed25519 seed (or X25519 key) and a CRC-16 (XMODEM: polynomial 0x1021,
# start 0) of the 34 bytes before it, little-endian. A seed's first five bits say "seed" (18,
# the letter S), its next eight the kind of key (the second letter): operator, account,
# user, server, cluster or curve.
_NKEY_SEED_BITS = 18
_NKEY_KINDS = {14 << 3, 0, 20 << 3, 13 << 3, 2 << 3, 23 << 3}  # O, A, U, N, C, X


def _crc16_xmodem(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def nkey_crc16(secret: str, match: re.Match | None = None) -> bool | dict:
    """A NATS nkey seed (SO..., SA..., SU...): False unless its bytes say seed and a kind of
    key; then its checksum annotated, not required (hand-written samples fail it: confidence
    low, as for npm tokens)."""
    try:
        raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    except (binascii.Error, ValueError):
        return False
    if len(raw) != 36 or raw[0] >> 3 != _NKEY_SEED_BITS or (((raw[0] & 7) << 5) | (raw[1] >> 3)) not in _NKEY_KINDS:
        return False
    ok = _crc16_xmodem(raw[:34]) == raw[34] | raw[35] << 8
    return {"checksum": "valid" if ok else "invalid"}


def _macaroon_fields(raw: bytes) -> dict | None:
    """Parse a v2 binary macaroon (libmacaroons format) into location, identifier, caveats."""
    if not raw or raw[0] != 2:
        return None
    i, out = 1, {"caveats": []}
    section = 0
    cur: dict = {}

    def varint(j):
        shift = val = 0
        while j < len(raw):
            b = raw[j]
            j += 1
            val |= (b & 0x7F) << shift
            if not b & 0x80:
                return val, j
            shift += 7
        raise ValueError("truncated varint")

    try:
        while i < len(raw):
            field, i = varint(i)
            if field == 0:  # end of section
                if section == 0:
                    section = 1
                elif cur:
                    out["caveats"].append(cur)
                    cur = {}
                else:
                    section = 2  # end of caveats
                    break
                continue
            n, i = varint(i)
            data = raw[i:i + n]
            i += n
            if section == 0:
                out[{1: "location", 2: "identifier"}.get(field, f"f{field}")] = data
            else:
                cur[{1: "location", 2: "identifier", 4: "vid"}.get(field, f"f{field}")] = data
    except ValueError:
        return None
    return out


def pypi_macaroon(secret: str, match: re.Match | None = None) -> bool | dict:
    """PyPI API tokens are 'pypi-' + base64url(macaroon v2) with location https://pypi.org/ or test.pypi.org.

    Caveats are JSON; a project-restricted token names its projects, an account-wide one does not.
    """
    body = secret[5:] if secret.startswith("pypi-") else secret
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return False
    m = _macaroon_fields(raw)
    if not m:
        return False
    loc = m.get("location", b"")
    if b"pypi.org" not in loc:
        return False
    ctx: dict = {"pypi_index": "test" if b"test.pypi.org" in loc else "pypi"}
    scope = "account"
    for cav in m["caveats"]:
        ident = cav.get("identifier", b"")
        try:
            c = json.loads(ident)
        except ValueError:
            continue
        # legacy: {"version": 1, "permissions": {"projects": [...]}} or "user"
        # current: [1, [project names]] (ProjectName caveat), [0, exp, nbf] (Expiry), [3, id] (ProjectID)
        if isinstance(c, dict) and isinstance(c.get("permissions"), dict):
            scope = "project"
        elif isinstance(c, list) and c and c[0] in (1, 3):
            scope = "project"
    ctx["pypi_scope"] = scope
    return ctx


def luhn_free_hex(secret: str, match: re.Match | None = None) -> bool:
    """Reject hex-looking values that are obviously not random: all digits or all letters."""
    s = secret.lower()
    return not (s.isdigit() or s.isalpha())


_B64_RUN = re.compile(r"[A-Za-z0-9+/=]{16,}")
_ESCAPES = re.compile(r"\\+[nrt]")


def pem_body(secret: str, match: re.Match | None = None) -> bool | dict:
    """A PEM private key in any wrapping: plain, inside string literals joined with `+`,
    with escaped newlines (`\\n` in JSON, Java or YAML strings), or with a log prefix on
    every line. Accepts when the text between the armour lines is mostly base64 runs
    (wrapping characters aside) and long enough to hold a key: documentation stubs such as
    `-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----` are rejected."""
    head_end = secret.find("-----", 10)
    tail = secret.rfind("-----END")
    if head_end < 0 or tail <= head_end:
        return False
    body = _ESCAPES.sub(" ", secret[head_end + 5:tail])
    b64 = sum(map(len, _B64_RUN.findall(body)))
    # the characters that are not white space (str.split's white space is str.isspace's),
    # counted in C: a generator over each character took 25 us for a 880-character key,
    # this 1.2 (paramiko's history confirms 1,519 keys)
    dense = len("".join(body.split()))
    if b64 < 100 or b64 < 0.6 * dense:
        return False
    out = {"wrapped": True} if b64 < dense else {}
    if not _key_opening(secret[:head_end], body):
        out["unproven"] = True  # the armour of a key, around no key's bytes
    return out or True


# what the first base64 of a PEM key's body says: DER (PKCS#1 RSA, SEC 1 EC, DSA, PKCS#8
# plain or encrypted) opens with a SEQUENCE, byte 0x30, whose base64 is `M`; OpenSSH's own
# format opens with "openssh-key-v1\0". Other armours (PGP's packets, an encrypted legacy
# key's Proc-Type headers and ciphertext) are not read.
_DER_KINDS = ("", "RSA", "EC", "DSA", "ENCRYPTED")
_OPENSSH_OPENING = "b3BlbnNzaC1rZXktdjE"  # base64 of "openssh-key-v1"


def _key_opening(armour: str, body: str) -> bool:
    """Does the body start with what its armour's kind of key starts with? (True when the
    armour is one this does not read.) A body typed by hand or cut from a certificate
    (community.general's java_keystore examples) is shaped like a key and holds none."""
    kind = armour[armour.find("BEGIN") + 5:armour.rfind("PRIVATE")].strip()
    if "Proc-Type" in body or (kind not in _DER_KINDS and kind != "OPENSSH"):
        return True
    first = _B64_RUN.search(body)
    if first is None:
        return True
    # (a `//` comment on each line is in base64's alphabet: `//MIIJ...`)
    return first.group().lstrip("/").startswith(_OPENSSH_OPENING if kind == "OPENSSH" else "M")


def _b64decode(s: str) -> bytes | None:
    s = s.strip().rstrip("=")
    s = s[: len(s) - len(s) % 4] if len(s) % 4 == 1 else s
    try:
        return base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def b64_private_key(secret: str, match: re.Match | None = None) -> bool | dict:
    """Base64 (once or twice) of a PEM private key, or the base64 body of an OpenSSH key
    without its armour: accepted when decoding shows the key's header."""
    data: bytes | None = secret.encode()
    for depth in (1, 2):
        data = _b64decode(data.decode("ascii", "replace")) if data is not None else None
        if data is None:
            return False
        if data.startswith(b"-----BEGIN") and b"PRIVATE KEY" in data[:80] and b"-----END" in data and \
                not pem_body(data.decode("ascii", "replace")):
            return False  # the armour around no key: a documentation stub, base64-encoded
        if data.startswith(b"openssh-key-v1\0") or (data.startswith(b"-----BEGIN") and b"PRIVATE KEY" in data[:80]):
            return {"encoding": "base64" if depth == 1 else "base64x2"}
        if not data[:20].isascii():
            return False
    return False


# HTTP Basic's example credentials in RFC 2617 and RFC 7617 (section 2)
_RFC_EXAMPLES = {("Aladdin", "open sesame")}


def basic_auth(secret: str, match: re.Match | None = None) -> bool | dict:
    """HTTP Basic credentials: base64 of `user:password` with a printable user and a
    password that is not a placeholder."""
    if len(secret.rstrip("=")) % 4 == 1:
        return False
    raw = _b64decode(secret)
    if raw is None:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    user, sep, pw = text.partition(":")
    if not sep or not user or len(pw) < 3 or not text.isprintable():
        return False
    from detectors.placeholders import is_placeholder, metasyntactic
    if pw.lower() in ("password", "pass", "secret", "passwd") or (len(pw) >= 6 and is_placeholder(pw)):
        return False
    if metasyntactic(user + pw):
        return False  # a user and a password of metasyntactic words (`foo:bar`, `spam:eggs`)
    if (user, pw) in _RFC_EXAMPLES:
        # the standard's own example, quoted wherever the header is parsed or documented
        # (authelia's handler_verify.go, werkzeug's and tornado's tests): reported, as a
        # documentation example (low confidence, rated low)
        return {"user": user[:64], "doc": True}
    if all(ord(b) - ord(a) == 1 for a, b in zip(pw, pw[1:])):
        return False  # consecutive characters, `abc` or `1234`: a stand-in at any length
    return {"user": user[:64], "password_is_user": True} if pw == user else {"user": user[:64]}


def mixed_token(secret: str, match: re.Match | None = None) -> bool:
    """An opaque token: has both letters and digits, and is not a known sample JWT."""
    if not (any(c.isdigit() for c in secret) and any(c.isalpha() for c in secret)):
        return False
    if secret.startswith("eyJ") and secret.count(".") == 2:
        return bool(jwt(secret, match))
    if secret.startswith("eyJ") and secret.count(".") == 1 and sample_jwt(secret):
        # a JWT's header and claims without the signature: a sample's claims are a sample's
        # (gunicorn's parser benchmark sends jwt.io's, cut before the signature)
        return False
    return True


def random_token(secret: str, match: re.Match | None = None) -> bool:
    """A mixed token whose letters and digits turn four times or more, as a random one's do:
    what follows `Authorization:` under a scheme a provider names, or bare, can as well be
    code (`Authorization = new AuthorizationV2Header()`), whose names turn once or twice."""
    from detectors.generic import _LETTER_DIGIT  # (loaded by then: the workers import it first)

    return mixed_token(secret, match) and len(_LETTER_DIGIT.findall(secret)) >= 4


# a name in capitals, as a documentation writes the slots of a URL (Symfony Mailer's DSNs,
# `mailgun://KEY:DOMAIN@default`, `ses://ACCESS_KEY:SECRET_KEY@default`: kimai's .env.dist)
_CAPS_SLOT = re.compile(r"^[A-Z]{2,}(?:_[A-Z]{2,})*$")


# an e-mail address, the whole of a password (anonymous FTP's)
_MAIL_ADDRESS = re.compile(r"[^@\s:/]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# a URL's host a documentation writes for any host (apprise's `rocket://user:webhook@host`)
_SLOT_HOSTS = {"host", "hostname", "yourhost", "your-host", "your_host", "myhost", "my-host"}


def url_password(secret: str, match: re.Match | None = None) -> bool:
    """A URL's password part that is not a port number (`host:8080@...`), nor a slot a
    documentation names in capitals after a user that is one too, nor a word on the way to a
    host that is the word host."""
    if secret.isdigit() and len(secret) <= 5:
        return False
    if sum(c.isalnum() for c in (unquote(secret) if "%" in secret else secret)) < 2:
        # hardly a letter or a digit once decoded: a test of how a URL escapes its reserved
        # characters (couchdb's `http://u:p%3A%2F%5B%5D%40@[2001:db8::1]:81/db`, "p:/[]@")
        return False
    if "[" in secret and _OPTIONAL_PART.search(secret):
        return False  # a usage line's optional part (smart_open's `s3://key:secret@server[:port]@bucket`)
    groups = match.groupdict() if match is not None else {}
    user, host = groups.get("user"), groups.get("host")
    if host and host.lower() in _SLOT_HOSTS and secret.isalpha() and secret.islower():
        return False
    if user and user.lower() in ("anonymous", "ftp") and _MAIL_ADDRESS.fullmatch(unquote(secret)):
        return False  # anonymous FTP (RFC 1635): the password is, by convention, the user's e-mail address
    return not (user and _CAPS_SLOT.match(user) and _CAPS_SLOT.match(secret))


# a syntax's optional part in brackets, led by the punctuation that joins it to the URL
# (`[:port]`, `[/path]`), where a URL's usage line says what may follow a host
_OPTIONAL_PART = re.compile(r"\[[:/@.?#][A-Za-z_][\w-]*\]")


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32(secret: str, match: re.Match | None = None) -> bool | dict:
    """A Bech32 string (BIP-173: human-readable part, `1`, data, 6-character checksum), the
    encoding age documents for its secret keys (AGE-SECRET-KEY-1...). Every key age writes
    passes; one that fails was typed or altered by hand (a sample), so it is rejected."""
    low = secret.lower()
    hrp, sep, data = low.rpartition("1")
    if not sep or not hrp or len(data) < 6 or any(c not in _BECH32 for c in data):
        return False
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [_BECH32.index(c) for c in data]
    return {"checksum": "valid"} if _bech32_polymod(values) == 1 else False


# AWS account ids that hold no real key: the default account of the AWS emulators
# (LocalStack's 000000000000) and the example accounts of AWS's documentation (123456789012,
# also moto's default; 111122223333 and 444455556666 in the IAM guides)
_PLACEHOLDER_ACCOUNTS = {0, 123456789012, 111122223333, 444455556666}
_AWS_KEY_ID = re.compile(r"(?:AKIA|ASIA|ABIA|ACCA)([A-Z2-7]{16})")


def aws_key_account(key_id: str) -> int | None:
    """The AWS account an access key ID belongs to, when the ID says: IDs issued since about
    2019 carry it (the first bit of the base32-decoded body set, then the account's 40 bits),
    as `aws sts get-access-key-info` reports; older IDs (AKIAI..., AKIAJ...) do not."""
    m = _AWS_KEY_ID.match(key_id)
    if not m:
        return None
    raw = base64.b32decode(m.group(1))
    if not raw[0] & 0x80:
        return None
    return (int.from_bytes(raw[:6], "big") & 0x7FFFFFFFFF80) >> 7


# STS's longest session: GetSessionToken and GetFederationToken allow up to 129,600 seconds
# (AssumeRole 12 hours); an ASIA key ID names such temporary credentials
STS_MAX_HOURS = 36


def aws_real_account(secret: str, match: re.Match | None = None) -> bool | dict:
    """An access key ID, or a secret key written after one (the ID opens the match), that
    does not belong to an emulator's or AWS's documentation's account: keys that do were
    made up (LocalStack and moto write such keys into every test that talks to them).
    A temporary key (ASIA) is kept with its longest lifetime (`lifetime_hours`): blast
    rates one committed longer ago than that as expired."""
    key_id = secret if match is None or _AWS_KEY_ID.match(secret) else match.group(0)
    if aws_key_account(key_id) in _PLACEHOLDER_ACCOUNTS:
        return False
    if key_id.startswith("ASIA"):
        return {"lifetime_hours": STS_MAX_HOURS, "lifetime_from": "temporary STS credentials (ASIA key ID)"}
    return True


# a SAS's signed expiry (`se=`): ISO 8601 in UTC, a date or a date and time, percent-encoded
# or not (Azure Storage, "Create a service SAS": signedExpiry)
_SAS_EXPIRY = re.compile(r"[?&;]se=(\d{4}-\d{2}-\d{2})(?:T(\d{2})(?::|%3A)(\d{2})(?:(?::|%3A)(\d{2}))?)?", re.I)
_URL_EDGE_CHARS = " \t\r\n\f\v\"'<>`"
_URL_EDGE = re.compile(r"[\s\"'<>`]")
_URL_REACH = 4096  # characters either side of a signature read for its URL's se=


def azure_sas(secret: str, match: re.Match | None = None) -> bool | dict:
    """Every SAS is kept. When its URL gives a signed expiry (`se=`), the time is kept as
    `expires` (seconds since the epoch, UTC): a token past it is refused by Azure, and
    blast rates it so (a recorded download link, signed for an hour in 2025)."""
    if match is None:
        return True
    # the URL (or query) the signature belongs to, whatever order its fields take: back and
    # on to the nearest space, quote, bracket or other URL's scheme, within _URL_REACH
    # (C-speed searches: a minified line can hold thousands of signatures)
    text, start, end = match.string, match.start(), match.end()
    lo = max(0, start - _URL_REACH)
    lo = max([lo, text.rfind("://", lo, start)] + [text.rfind(c, lo, start) + 1 for c in _URL_EDGE_CHARS])
    edge = _URL_EDGE.search(text, end, end + _URL_REACH)
    hi = edge.start() if edge else min(len(text), end + _URL_REACH)
    nxt = text.find("://", end, hi)  # URLs run together with nothing between: the next one's
    se = _SAS_EXPIRY.search(text, lo, nxt if nxt >= 0 else hi)
    if se is None:
        return True
    from datetime import datetime, timezone

    try:
        day = datetime.strptime(se.group(1), "%Y-%m-%d")
        when = day.replace(hour=int(se.group(2) or 0), minute=int(se.group(3) or 0),
                           second=int(se.group(4) or 0), tzinfo=timezone.utc)
    except ValueError:
        return True
    return {"expires": when.timestamp(), "expires_from": "its se= signed expiry"}


_CRYPT64 = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def md5_crypt(password: bytes, salt: bytes, magic: bytes = b"$1$") -> bytes:
    """The MD5-based crypt(3) hash (`$1$`, and Apache's `$apr1$`, the same algorithm under
    another magic), as Poul-Henning Kamp's FreeBSD implementation defines it."""
    salt = salt[:8]
    alt = hashlib.md5(password + salt + password).digest()
    ctx = password + magic + salt
    for left in range(len(password), 0, -16):
        ctx += alt[:min(16, left)]
    n = len(password)
    while n:
        ctx += b"\0" if n & 1 else password[:1]
        n >>= 1
    final = hashlib.md5(ctx).digest()
    for i in range(1000):
        step = password if i & 1 else final
        if i % 3:
            step += salt
        if i % 7:
            step += password
        step += final if i & 1 else password
        final = hashlib.md5(step).digest()
    out = bytearray()
    for a, b, c in ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5), (None, None, 11)):
        v = (final[a] << 16 | final[b] << 8 | final[c]) if a is not None else final[c]
        for _ in range(4 if a is not None else 2):
            out.append(_CRYPT64[v & 0x3F])
            v >>= 6
    return magic + salt + b"$" + bytes(out)


# rows checked by crypt_cleartext in a process, each once (the versions of a file repeat
# them): a hash costs a thousand MD5 rounds (about a millisecond), and a hostile or huge dump
# of hashes must not cost a millisecond a row without end; past the budget a row is kept
# as found (reported, not rated down)
CRYPT_BUDGET = 2000
_CRYPT_SEEN: dict[tuple, bool] = {}


# the "user" of a row that is the name of the field the hash is stored in, maybe as a
# configuration path and qualified (grav's `$config->get('system.security.default_hash',
# '$2y$10$...')`: the hash its login check verifies against when there is no user)
_FIELD_NAME_NOT_USER = re.compile(r"(?i)^(?:[\w-]+\.)*(?:" + SECRET_WORDS +
                                  r"|(?:[a-z]+_)?(?:password_?)?(?:hash|digest|crypt)(?:ed)?(?:_?password)?)$")


def crypt_cleartext(secret: str, match: re.Match | None = None) -> bool | dict:
    """A user and an MD5-crypt hash in one row (password-hash-row): when the "user" is the
    hash's cleartext, the row is a hashing library's known-answer test or an account whose
    password is its name (`password_is_user`; blast rates it low). Other crypt formats are
    kept as they are (their algorithms are not computed here)."""
    if match is None:
        return True
    groups = match.groupdict()
    if _FIELD_NAME_NOT_USER.match(groups.get("user") or groups.get("user2") or ""):
        # a field's name and its value, not a row's user: pocketbase's documented
        # `record.SetRaw("password", "$2a$10$...")` (a hash alone under a name is not reported)
        return False
    user, salted = groups.get("user2"), groups.get("secret2")
    if not user or not salted:
        return True
    magic = b"$apr1$" if "$apr1$" in match.group(0) else b"$1$"
    key = (user, magic, salted)
    same = _CRYPT_SEEN.get(key)
    if same is None:
        if len(_CRYPT_SEEN) >= CRYPT_BUDGET:
            return True  # a dump of thousands of rows: past the budget, each is kept as found
        salt = salted.split("$", 1)[0].encode()
        try:
            same = md5_crypt(user.encode(), salt, magic) == magic + salted.encode()
        except UnicodeEncodeError:
            same = False
        _CRYPT_SEEN[key] = same
    return {"user": user, "password_is_user": True, "cleartext_beside": True} if same else True


# The last word of a name that says its value identifies something (Snyk's VS Code setting
# `snyk.advanced.organization`, `SNYK_ORG_ID`, `statuspage_page_id`) rather than
# authenticates: an organization's, a project's or a page's UUID looks like the token.
_ID_WORDS = frozenset({"id", "ids", "uuid", "guid", "org", "organization", "organisation", "project", "team",
                       "workspace", "tenant", "group", "page"})
_SECRET_WORD = re.compile(r"(?i)" + SECRET_WORDS + r"|key")


def named_token(secret: str, m) -> bool:
    """A bare value recognised only next to a provider's name (a UUID after `snyk...:`) is
    the token unless that name ends in a word naming an identifier and holds no word of a
    secret: `SNYK_TOKEN` and `OPSGENIE_API_KEY` are tokens, `SNYK_ORG_ID` and
    `snyk.advanced.organization` are not."""
    from detectors.generic import name_words  # (loaded by then: the workers import it first)

    try:
        name = m.string[m.start():m.start("secret")]
    except (IndexError, AttributeError):
        return True
    words = name_words(name)
    if not words or _SECRET_WORD.search(name):
        return True
    return words[-1] not in _ID_WORDS


_NX_CLOUD = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\|(read-only|read-write|read)")


def nx_cloud_token(secret: str, match: re.Match | None = None) -> bool | dict:
    """An Nx Cloud CI access token is base64 of "<workspace token's UUID>|<access>". Nx
    Cloud's documentation (CI Access Tokens) gives two accesses: read-only tokens read the
    shared remote cache and write only to an isolated one (the kind public repositories
    commit to nx.json), read-write tokens write task results other machines replay."""
    raw = _b64decode(secret)
    m = _NX_CLOUD.fullmatch(raw) if raw else None
    if not m:
        return False
    if m.group(1) == b"read-write":
        return {"privilege": "write",
                "privilege_evidence": "a read-write token: its task results land in the cache every CI run replays"}
    return {"privilege": "read",
            "privilege_evidence": "a read-only token: it reads the remote cache, and writes only to an isolated one"}


_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def extended_private_key(secret: str, match: re.Match | None = None) -> bool | dict:
    """A BIP-32 extended private key (xprv, and SLIP-132's tprv, yprv, zprv...) is
    Base58Check of 78 bytes: version, depth, parent fingerprint, child number, chain code,
    and key data that for a private key is 0x00 and the 32-byte key; the last four bytes
    are the first four of the double SHA-256 of the rest. Every key a wallet exports
    passes; one that fails was typed, cut or altered by hand (a sample), so it is rejected."""
    n = 0
    for ch in secret:
        k = _BASE58.find(ch)
        if k < 0:
            return False
        n = n * 58 + k
    if n >= 1 << (82 * 8):
        return False
    raw = n.to_bytes(82, "big")
    body, check = raw[:78], raw[78:]
    if hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] != check or body[45] != 0:
        return False
    return {"checksum": "valid"}


VALIDATORS = {
    "github-crc32": github_crc32,
    "npm-crc32": npm_crc32,
    "crc32-suffix": crc32_suffix,
    "jwt": jwt,
    "nkey-crc16": nkey_crc16,
    "pypi-macaroon": pypi_macaroon,
    "mixed-hex": luhn_free_hex,
    "pem-body": pem_body,
    "b64-private-key": b64_private_key,
    "basic-auth": basic_auth,
    "mixed-token": mixed_token,
    "random-token": random_token,
    "url-password": url_password,
    "bech32": bech32,
    "aws-real-account": aws_real_account,
    "azure-sas": azure_sas,
    "crypt-cleartext": crypt_cleartext,
    "named-token": named_token,
    "nx-cloud-token": nx_cloud_token,
    "extended-private-key": extended_private_key,
}
