"""A private key's certificates say whose key it is (scanner/certs.py, detectors/x509.py): a
key whose own file or folder holds certificates issued only to reserved names (localhost, a
loopback address, example.com, .test) is a local or test server's, in the work tree and in the
history; one certificate for any other name leaves the key as it was. The certificates here
were made with `openssl req -x509` (EC P-256) for these tests; a certificate is public."""
from __future__ import annotations

import base64
import os

import pytest

from gitrepo import Repo, scan_api, write_tree

# CN=example.com (O=Some Corp), no extensions: redis-py's stunnel certificates' shape
EXAMPLE_CERT = """-----BEGIN CERTIFICATE-----
MIIBqzCCAVGgAwIBAgIUcT7Xxc4FLdDQfsZs2UH/yVQoyrcwCgYIKoZIzj0EAwIw
KjESMBAGA1UECgwJU29tZSBDb3JwMRQwEgYDVQQDDAtleGFtcGxlLmNvbTAgFw0y
NjEyMDUwMDM4MjVaGA8yMTI2MTExMTAwMzgyNVowKjESMBAGA1UECgwJU29tZSBD
b3JwMRQwEgYDVQQDDAtleGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABG4ChNhJ2lZeXw7YeGfLUnxVT6KTB4uxGdtH1wHi0pYpOqrMEkc0GkOw7fjM
eGE9u1HCgf82kWKEDGCo2ghM8V2jUzBRMB0GA1UdDgQWBBSEiyP3TmmVotCjhXTW
YK+UMwIl1zAfBgNVHSMEGDAWgBSEiyP3TmmVotCjhXTWYK+UMwIl1zAPBgNVHRMB
Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIHzxIcKIymOMDCwwwZLtpuSKX5tN
pyXIKFBJjQpsgP1oAiEA6C8xaAXMCS2g9m10dmVlr6Fv078Jj7iD7a/r9aGFiCY=
-----END CERTIFICATE-----"""
# CN=Test CA (a name, not a host), subjectAltName DNS:localhost, IP:127.0.0.1, IP:::1
LOCAL_CERT = """-----BEGIN CERTIFICATE-----
MIIBqjCCAVCgAwIBAgIUK10vTZ/Z77HeAlSxPsE4jIxjixswCgYIKoZIzj0EAwIw
EjEQMA4GA1UEAwwHVGVzdCBDQTAgFw0yNjEyMDUwMDM4MjVaGA8yMTI2MTExMTAw
MzgyNVowEjEQMA4GA1UEAwwHVGVzdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABG4ChNhJ2lZeXw7YeGfLUnxVT6KTB4uxGdtH1wHi0pYpOqrMEkc0GkOw7fjM
eGE9u1HCgf82kWKEDGCo2ghM8V2jgYEwfzAdBgNVHQ4EFgQUhIsj905plaLQo4V0
1mCvlDMCJdcwHwYDVR0jBBgwFoAUhIsj905plaLQo4V01mCvlDMCJdcwDwYDVR0T
AQH/BAUwAwEB/zAsBgNVHREEJTAjgglsb2NhbGhvc3SHBH8AAAGHEAAAAAAAAAAA
AAAAAAAAAAEwCgYIKoZIzj0EAwIDSAAwRQIhAJ3llta01/+2tmn9Exh2JfwxCwkb
9ReehuK7u/8zdODEAiB0TnvRuwRQvqCQnL7AJ4RMzLguKV+R6rH+mhDUeEVGsg==
-----END CERTIFICATE-----"""
# CN=RootCA and CN=Client: a CA's and a client certificate's names, no host's
ROOT_CA_CERT = """-----BEGIN CERTIFICATE-----
MIIBeTCCAR+gAwIBAgIUYKI5mQZQuNjeFVueXQnwkXJG98QwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGUm9vdENBMCAXDTI2MTIwNTAxMTUzM1oYDzIxMjYxMTExMDEx
NTMzWjARMQ8wDQYDVQQDDAZSb290Q0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AARuAoTYSdpWXl8O2Hhny1J8VU+ikweLsRnbR9cB4tKWKTqqzBJHNBpDsO34zHhh
PbtRwoH/NpFihAxgqNoITPFdo1MwUTAdBgNVHQ4EFgQUhIsj905plaLQo4V01mCv
lDMCJdcwHwYDVR0jBBgwFoAUhIsj905plaLQo4V01mCvlDMCJdcwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBdC1BPrTupS0mvRfXnUJxmzPWE9yHd
qeHChlppLbGfaQIhANDhSfyuffiOxLr9SssU2vBqa/t8MolBiyGankYI9PpU
-----END CERTIFICATE-----"""
CLIENT_CERT = """-----BEGIN CERTIFICATE-----
MIIBdTCCARygAwIBAgIUVvUhsRer8CEXywiaB1JzvxAdofkwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGQ2xpZW50MCAXDTI2MTIwNTAxMTUzM1oYDzIxMjYxMTExMDEx
NTMzWjARMQ8wDQYDVQQDDAZDbGllbnQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AARuAoTYSdpWXl8O2Hhny1J8VU+ikweLsRnbR9cB4tKWKTqqzBJHNBpDsO34zHhh
PbtRwoH/NpFihAxgqNoITPFdo1AwTjAdBgNVHQ4EFgQUhIsj905plaLQo4V01mCv
lDMCJdcwHwYDVR0jBBgwFoAUhIsj905plaLQo4V01mCvlDMCJdcwDAYDVR0TAQH/
BAIwADAKBggqhkjOPQQDAgNHADBEAiB4EZOtFopKrqKkry+0w/5Xq+RpRSq4MIuW
5GxaPPx7qwIgECXiwNK4AqjAxGr+nPDCAv+Jo6tQWe5EvQGm9ej13CQ=
-----END CERTIFICATE-----"""
# CN=api.acme-corp.io, subjectAltName DNS:api.acme-corp.io, DNS:*.test
REAL_CERT = """-----BEGIN CERTIFICATE-----
MIIBszCCAVigAwIBAgIUUOlKisGsXnNPojK4XUhGmBli8iMwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQYXBpLmFjbWUtY29ycC5pbzAgFw0yNjEyMDUwMDM4MjVaGA8y
MTI2MTExMTAwMzgyNVowGzEZMBcGA1UEAwwQYXBpLmFjbWUtY29ycC5pbzBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABG4ChNhJ2lZeXw7YeGfLUnxVT6KTB4uxGdtH
1wHi0pYpOqrMEkc0GkOw7fjMeGE9u1HCgf82kWKEDGCo2ghM8V2jeDB2MB0GA1Ud
DgQWBBSEiyP3TmmVotCjhXTWYK+UMwIl1zAfBgNVHSMEGDAWgBSEiyP3TmmVotCj
hXTWYK+UMwIl1zAPBgNVHRMBAf8EBTADAQH/MCMGA1UdEQQcMBqCEGFwaS5hY21l
LWNvcnAuaW+CBioudGVzdDAKBggqhkjOPQQDAgNJADBGAiEA7+hF4u0G7hcYTSWT
TYRUGQbgqOBOsY6LdWo6OVoq9UMCIQC9ePS3lpJ4WSMKNsMmeNuFjxAK/iv4nCZp
6Q+si0DuMg==
-----END CERTIFICATE-----"""


def _key() -> str:
    body = base64.b64encode(bytes(range(256)) * 3).decode()
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return "-----BEGIN " + f"PRIVATE KEY-----\n{lines}\n-----END " + "PRIVATE KEY-----\n"


def _key_finding(res):
    keys = [f for f in res.findings if f.rule.id == "private-key"]
    assert len(keys) == 1, [(f.rule.id, f.locations[0].path) for f in res.findings]
    return keys[0]


def _evidence(f) -> str:
    return " | ".join(f.blast.evidence)


# ---- reading certificates ------------------------------------------------------------------
def test_host_names_are_the_subject_s_host_names_and_the_alternative_names():
    from detectors.x509 import certificates, host_names

    assert [host_names(d) for d in certificates(EXAMPLE_CERT.encode())] == [["example.com"]]
    # "Test CA" names no host
    assert [host_names(d) for d in certificates(LOCAL_CERT.encode())] == [["localhost", "127.0.0.1", "::1"]]
    assert [sorted(set(host_names(d))) for d in certificates(REAL_CERT.encode())] == [["*.test", "api.acme-corp.io"]]
    both = certificates((EXAMPLE_CERT + "junk\n" + REAL_CERT).encode())
    assert len(both) == 2


def test_a_name_that_is_no_dns_name_is_no_host():
    """A CA's `RootCA`, a client's `Client`, a compose service's `authn-server`: no host a
    client would look up, so they neither make nor spoil a folder of reserved names."""
    from detectors.x509 import certificates, host_names

    assert [host_names(d) for d in certificates((ROOT_CA_CERT + CLIENT_CERT).encode())] == [[], []]


def test_a_folder_of_a_ca_a_localhost_server_and_a_client(tmp_path):
    """emqx's apps/emqx/etc/certs/: cacert.pem (RootCA), cert.pem (localhost), client-cert.pem
    (Client) and their keys: a local server's."""
    root = write_tree(tmp_path / "ws", {"etc/certs/key.pem": _key(), "etc/certs/cacert.pem": ROOT_CA_CERT,
                                        "etc/certs/cert.pem": LOCAL_CERT, "etc/certs/client-cert.pem": CLIENT_CERT})
    f = _key_finding(scan_api(root))
    assert f.blast.env == "development", _evidence(f)
    # with the CA and the client alone, nothing names a host: nothing changes
    root = write_tree(tmp_path / "ws2", {"etc/certs/key.pem": _key(), "etc/certs/cacert.pem": ROOT_CA_CERT,
                                         "etc/certs/client-cert.pem": CLIENT_CERT})
    f = _key_finding(scan_api(root))
    assert f.blast.env == "unknown", _evidence(f)


def test_a_malformed_certificate_gives_no_names():
    from detectors.x509 import certificates, host_names

    der = certificates(LOCAL_CERT.encode())[0]
    for n in range(len(der)):  # every truncation, and every byte flipped, reads or gives [] (never raises)
        assert isinstance(host_names(der[:n]), list)
        assert isinstance(host_names(der[:n] + bytes([der[n] ^ 0xFF]) + der[n + 1:]), list)
    assert host_names(b"") == [] and host_names(b"\x30\x84\xff\xff\xff\xff") == []
    assert certificates(b"-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----") == []


@pytest.mark.parametrize("host,kind", [
    ("localhost", "local"), ("db.localhost", "local"), ("127.0.0.1", "local"), ("127.8.9.1", "local"),
    ("::1", "local"), ("0.0.0.0", "local"), ("printer.local", "local"),
    ("example.com", "example"), ("www.example.org", "example"), ("*.example.net", "example"),
    ("redis.test", "example"), ("x.example", "example"), ("nowhere.invalid", "example"),
    ("api.acme-corp.io", None), ("example.com.evil.io", None), ("myexample.com", None), ("10.0.0.5", None),
    ("redis-py-server", None), ("192.168.1.10", None), ("LOCALHOST", "local"),
])
def test_reserved_names(host, kind):
    from detectors.x509 import reserved_kind

    assert reserved_kind(host) == kind


# ---- the work tree --------------------------------------------------------------------------
@pytest.mark.parametrize("cert,env", [(EXAMPLE_CERT, "test"), (LOCAL_CERT, "development")])
def test_a_key_beside_certificates_for_reserved_names_serves_a_test_or_local_server(tmp_path, cert, env):
    root = write_tree(tmp_path / "ws", {"docker/stunnel/keys/server-key.pem": _key(),
                                        "docker/stunnel/keys/server-cert.pem": cert,
                                        "docker/stunnel/README": "snake oil"})
    f = _key_finding(scan_api(root))
    assert f.blast.env == env, _evidence(f)
    assert "certificates in its file or folder (server-cert.pem) are issued only to" in _evidence(f)
    assert f.blast.severity in ("low", "medium")


def test_a_certificate_never_raises_what_the_path_says(tmp_path):
    """axios' test/unit/adapters/key.pem beside a certificate for localhost stays a test key
    (not a development one); a key in prose documentation stays the document's example."""
    root = write_tree(tmp_path / "ws", {"test/unit/adapters/key.pem": _key(), "test/unit/adapters/cert.pem": LOCAL_CERT})
    f = _key_finding(scan_api(root))
    assert (f.blast.env, f.blast.severity) == ("test", "low"), _evidence(f)


def test_a_certificate_never_raises_what_another_place_says(tmp_path):
    """google-auth's key in my/ (beside a certificate for localhost) and in offload_sample/
    (an example folder): the example's place rates it, not the certificate's."""
    repo = Repo(tmp_path / "r")
    repo.commit("a", {"my/rsa_key.pem": _key(), "my/cert.pem": LOCAL_CERT, "README": "x"})
    repo.commit("b", {"my/rsa_key.pem": None, "my/cert.pem": None, "offload_sample/rsa_key.pem": _key()})
    repo.commit("c", {"offload_sample/rsa_key.pem": None})
    f = _key_finding(scan_api(repo.path))
    assert len(f.locations) == 2 and (f.blast.env, f.blast.severity) == ("test", "low"), _evidence(f)


def test_a_key_and_its_certificate_in_one_file(tmp_path):
    root = write_tree(tmp_path / "ws", {"deploy/tls/bundle.pem": LOCAL_CERT + _key()})
    f = _key_finding(scan_api(root))
    assert f.blast.env == "development", _evidence(f)


@pytest.mark.parametrize("files", [
    {"srv/tls/server.crt": REAL_CERT},  # a real name
    {"srv/tls/a.crt": EXAMPLE_CERT, "srv/tls/b.crt": REAL_CERT},  # one real name among reserved ones
    {"srv/tls/notes.txt": EXAMPLE_CERT},  # not a certificate's file name
    {"srv/other/server.crt": EXAMPLE_CERT},  # another folder
    {},
])
def test_any_other_name_or_no_certificate_beside_it_changes_nothing(tmp_path, files):
    root = write_tree(tmp_path / "ws", {"srv/tls/server.key": _key(), **files})
    f = _key_finding(scan_api(root))
    assert f.blast.env == "unknown", _evidence(f)
    assert "certificates in its file or folder" not in _evidence(f)


def test_a_certificate_linked_from_outside_the_root_is_not_read(tmp_path):
    outside = tmp_path / "outside.crt"
    outside.write_text(EXAMPLE_CERT)
    root = write_tree(tmp_path / "ws", {"srv/tls/server.key": _key()})
    os.symlink(outside, root / "srv/tls/server.crt")
    f = _key_finding(scan_api(root))
    assert f.blast.env == "unknown", _evidence(f)


def test_a_folder_of_many_certificates_is_read_only_so_far(tmp_path):
    """At most MAX_CERT_FILES certificate files per folder, the key's own file first: a folder
    of thousands (a CA's issued certificates, or a repository made to slow the scan) costs a
    bounded read."""
    from scanner.certs import MAX_CERT_FILES, _first

    names = sorted(f"c{i:04d}.pem" for i in range(500)) + ["server.pem"]
    picked = _first(sorted(names), "server.pem")
    assert picked[0] == "server.pem" and len(picked) == MAX_CERT_FILES
    files = {f"tls/c{i:04d}.crt": EXAMPLE_CERT for i in range(200)}
    root = write_tree(tmp_path / "ws", {"tls/server.pem": LOCAL_CERT + _key(), **files})
    f = _key_finding(scan_api(root))
    assert f.blast.env == "development", _evidence(f)  # the key's own certificate was read


# ---- the history ----------------------------------------------------------------------------
@pytest.mark.parametrize("cert,env,severities", [(EXAMPLE_CERT, "test", ("low",)),
                                                  (REAL_CERT, "unknown", ("high", "critical"))])
def test_a_key_only_the_history_holds_is_judged_by_its_folder_in_its_commit(tmp_path, cert, env, severities):
    repo = Repo(tmp_path / "r")
    repo.commit("tls", {"ops/tls/server.key": _key(), "ops/tls/server.crt": cert, "README": "x"})
    repo.commit("gone", {"ops/tls/server.key": None, "ops/tls/server.crt": None})
    f = _key_finding(scan_api(repo.path))
    assert {loc.kind for loc in f.locations} == {"history"}
    assert f.blast.env == env and f.blast.severity in severities, _evidence(f)


def test_a_scanned_subdirectory_s_history_key(tmp_path):
    """History paths are the scanned folder's; git's tree is the top level's."""
    repo = Repo(tmp_path / "r")
    repo.commit("tls", {"svc/ops/tls/server.key": _key(), "svc/ops/tls/server.crt": LOCAL_CERT, "README": "x"})
    repo.commit("gone", {"svc/ops/tls/server.key": None, "svc/ops/tls/server.crt": None, "svc/app.py": "x = 1\n"})
    f = _key_finding(scan_api(repo.path / "svc"))
    assert [loc.path for loc in f.locations] == ["ops/tls/server.key"]
    assert f.blast.env == "development", _evidence(f)
