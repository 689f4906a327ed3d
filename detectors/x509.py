"""The host names a PEM certificate is issued to, and whether they are names no public
deployment can have (RFC 2606's and RFC 6761's reserved names, loopback addresses).

A private key whose certificates, in its own file or beside it, are issued only to such
names serves a test or local server: redis-py's docker/stunnel/keys/ (issued to
example.com by its create_certs.sh, "snake oil certificates" in its README), a
`localhost.key` beside `localhost.crt`. scanner/certs.py finds those certificates; this
module only reads them. DER is read as far as the subject's common names and the
subjectAltName extension's DNS names and IP addresses (RFC 5280, 4.1 and 4.2.1.6);
anything malformed gives no names.
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import re

_PEM_CERT = re.compile(rb"-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([A-Za-z0-9+/=\s]{64,}?)"
                       rb"-----END (?:X509 |TRUSTED )?CERTIFICATE-----")
_CN = b"\x55\x04\x03"  # id-at-commonName, 2.5.4.3
_SAN = b"\x55\x1d\x11"  # id-ce-subjectAltName, 2.5.29.17
_DNS_NAME, _IP_ADDRESS = 0x82, 0x87  # GeneralName's [2] dNSName and [7] iPAddress, implicit
# a common name that is a DNS name: dotted, or localhost. A CA's "Some Corp Root CA" or
# "RootCA", a client certificate's "Client" and a compose service's "authn-server" name no
# host a client would look up (emqx's etc/certs/ beside its localhost server certificate);
# an address in the common name is read as one
_HOSTNAME = re.compile(r"^(?:\*\.)?(?:[A-Za-z0-9_-]+\.)+[A-Za-z0-9_-]+\.?$|^localhost$", re.I)
# top-level names reserved for tests, examples and local use (RFC 2606, RFC 6761, RFC 6762's .local)
_RESERVED_TLDS = {"test", "example", "invalid", "localhost", "local"}
_EXAMPLE_DOMAINS = {"example.com", "example.net", "example.org"}


def certificates(data: bytes) -> list[bytes]:
    """The DER bytes of each PEM certificate in data."""
    out = []
    for m in _PEM_CERT.finditer(data):
        try:
            out.append(base64.b64decode(b"".join(m.group(1).split()), validate=True))
        except (binascii.Error, ValueError):
            continue
    return out


def _tlv(der: bytes, i: int, end: int) -> tuple[int, int, int]:
    """(tag, first byte of the value, end of the value) of the DER element at i."""
    if i + 2 > end:
        raise ValueError("truncated")
    tag, n = der[i], der[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        if not 0 < k <= 4 or i + k > end:
            raise ValueError("bad length")
        n = int.from_bytes(der[i:i + k], "big")
        i += k
    if i + n > end:
        raise ValueError("truncated")
    return tag, i, i + n


def _children(der: bytes, start: int, end: int):
    i = start
    while i < end:
        tag, a, b = _tlv(der, i, end)
        yield tag, a, b
        i = b


def host_names(der: bytes) -> list[str]:
    """The subject's common names that are host names, and the subjectAltName's DNS names
    and IP addresses, of one DER certificate ([] when it cannot be read)."""
    try:
        _, a, b = _tlv(der, 0, len(der))  # Certificate
        _, ta, tb = _tlv(der, a, b)  # tbsCertificate
        fields = list(_children(der, ta, tb))
        if fields and fields[0][0] == 0xA0:  # [0] version
            fields = fields[1:]
        if len(fields) < 6:
            return []
        names: list[str] = []
        _, sa, sb = fields[4]  # serialNumber, signature, issuer, validity, then subject
        for _, ra, rb in _children(der, sa, sb):  # each RelativeDistinguishedName (a SET)
            for _, qa, qb in _children(der, ra, rb):  # AttributeTypeAndValue
                parts = list(_children(der, qa, qb))
                if len(parts) == 2 and der[parts[0][1]:parts[0][2]] == _CN:
                    cn = der[parts[1][1]:parts[1][2]].decode("utf-8", "replace")
                    if _HOSTNAME.match(cn):
                        names.append(cn)
        for tag, ea, eb in fields[6:]:
            if tag != 0xA3:  # [3] extensions
                continue
            _, xa, xb = _tlv(der, ea, eb)
            for _, e1, e2 in _children(der, xa, xb):
                parts = list(_children(der, e1, e2))
                if not parts or der[parts[0][1]:parts[0][2]] != _SAN:
                    continue
                _, ga, gb = _tlv(der, parts[-1][1], parts[-1][2])  # the OCTET STRING's GeneralNames
                for gt, va, vb in _children(der, ga, gb):
                    if gt == _DNS_NAME:
                        names.append(der[va:vb].decode("ascii", "replace"))
                    elif gt == _IP_ADDRESS and vb - va in (4, 16):
                        names.append(str(ipaddress.ip_address(der[va:vb])))
        return names
    except (ValueError, IndexError):
        return []


def reserved_kind(host: str) -> str | None:
    """'local' for this machine's names (localhost, loopback, an mDNS .local name),
    'example' for a name reserved for tests and documentation (example.com, .test,
    .example, .invalid), None for any other name."""
    h = host.lower().rstrip(".")
    if h.startswith("*."):
        h = h[2:]
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        ip = None
    if ip is not None:
        return "local" if ip.is_loopback or ip.is_unspecified else None
    labels = h.split(".")
    if labels[-1] in ("localhost", "local"):
        return "local"
    if labels[-1] in _RESERVED_TLDS or ".".join(labels[-2:]) in _EXAMPLE_DOMAINS:
        return "example"
    return None
