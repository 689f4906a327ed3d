"""Issue 17: credentials carried in wrappings and structured files, found through the real scan
of a real git repository, with the confidence and blast rating each finding carries."""
from __future__ import annotations

import base64
import secrets
import string

from tests.gitrepo import Repo, by_sha, github_pat, scan_json, sha

_ALNUM = string.ascii_letters + string.digits


def _rand(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _pem_lines(n: int = 6) -> list[str]:
    """A key's base64 lines: DER's SEQUENCE (`MII...`) first, as every PKCS#1 and PKCS#8 key opens."""
    lines = [_rand(64, _ALNUM + "+/") for _ in range(n)]
    lines[0] = "MIIEow" + lines[0][6:]
    return lines


def test_wrapped_private_keys_confidence_and_carriers(tmp_path):
    body = _pem_lines()
    java = ('String key = "-----BEGIN RSA PRIVATE KEY-----\\n" +\n'
            + "".join(f'    "{x}\\n" +\n' for x in body) + '    "-----END RSA PRIVATE KEY-----";\n')
    log = ("#6 0.245 -----BEGIN PRIVATE KEY-----\n" + "".join(f"#6 0.245 {x}\n" for x in _pem_lines())
           + "#6 0.245 -----END PRIVATE KEY-----\n")
    pem_b64 = base64.b64encode(("-----BEGIN EC PRIVATE KEY-----\n" + "\n".join(_pem_lines(3))).encode()).decode()
    gh = github_pat()
    pw = _rand(16)
    basic = base64.b64encode(f"deploy:{pw}".encode()).decode()
    stub = 'doc = "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----"\n'
    repo = Repo(tmp_path / "r")
    repo.commit("add", {
        "src/Keys.java": java,
        "ci/build.log": log,
        "k8s/tls.yaml": f"tls.key: {pem_b64}\n",
        "scripts/release.sh": f'export GH_TOKEN={gh}\ncurl -H "Authorization: Basic {basic}" https://nexus.acme.io/\n',
        "docs/keys.md": stub,
        "dev/settings.py": f'DATABASE = "mysql://app:{_rand(14)}@localhost/app"\n',
    })
    report, _ = scan_json(repo.path, "--no-history")
    found = {(f["rule"], f["locations"][0]["path"]): f for f in report["findings"]}
    for path in ("src/Keys.java", "ci/build.log"):
        f = found[("private-key", path)]
        assert f["confidence"] == "high"
    assert found[("private-key-base64", "k8s/tls.yaml")]["confidence"] == "high"
    assert not any(p == "docs/keys.md" for _, p in found)  # a documentation stub is no key
    # a checksummed GitHub token is high confidence; a Basic header decodes to its password
    assert by_sha(report)[sha(gh)]["confidence"] == "high"
    b = found[("http-basic-auth", "scripts/release.sh")]
    assert b["confidence"] == "high" and "Basic" not in b["secret_redacted"]
    # a password in a localhost URL is reported, rated development, one level below a provider's
    db = found[("mysql-url", "dev/settings.py")]
    assert db["blast"]["env"] == "development"


def test_carrier_yields_to_provider_and_is_rated_lower(tmp_path):
    gh = github_pat()
    pw = _rand(16)
    repo = Repo(tmp_path / "r")
    repo.commit("add", {
        "deploy/call.sh": f'curl -H "Authorization: Bearer {gh}" https://api.github.com/user\n',
        "deploy/ftp.sh": f"lftp ftp://backup:{pw}@files.acme.io/\n",
    })
    report, _ = scan_json(repo.path, "--no-history")
    rules = {f["rule"] for f in report["findings"]}
    assert "github-pat" in rules and "http-bearer-token" not in rules  # the provider keeps the value
    (ftp,) = [f for f in report["findings"] if f["rule"] == "url-credentials"]
    # unknown env, unknown privilege: high for a provider rule, one level lower for a carrier
    assert ftp["blast"]["severity"] == "medium"


def test_structured_by_content_and_provider_blast(tmp_path):
    key = _rand(32, "0123456789abcdef")
    auth = base64.b64encode(f"ci:{_rand(18)}".encode()).decode()
    repo = Repo(tmp_path / "r")
    repo.commit("add", {
        "deploy/pull-secret.json": '{"auths": {"registry.acme.io": {"auth": "%s"}}}\n' % auth,
        ".netrc": f"machine api.heroku.com\n  login ops@acme.io\n  password {key}\n",
        "config/master.key": _rand(32, "0123456789abcdef") + "\n",
        ".pgpass": f"db.acme.io:5432:orders:postgres:{_rand(16)}\n",
    })
    report, _ = scan_json(repo.path, "--no-history")
    got = {f["rule"]: f for f in report["findings"]}
    assert got["docker-config-auth"]["locations"][0]["path"] == "deploy/pull-secret.json"
    heroku = got["heroku-api-key"]  # the .netrc entry carries Heroku's blast radius
    assert heroku["blast"]["scope"] == "account" and heroku["blast"]["privilege"] == "destructive"
    assert "rails-master-key" in got
    assert got["pgpass-password"]["blast"]["privilege"] == "destructive"  # postgres is a superuser


def test_every_place_of_a_credential_is_a_location(tmp_path):
    """A value one file carries in a provider's format and another under a bare name is one
    credential with both places; one auth under two registries of a Docker config is two."""
    secret = _rand(40, _ALNUM + "/+")
    auth = base64.b64encode(f"_token:{_rand(30)}".encode()).decode()
    repo = Repo(tmp_path / "r")
    repo.commit("add", {
        "cloud/credentials": f"[default]\naws_access_key_id = AKIA{_rand(16, string.ascii_uppercase + '234567')}\n"
                             f"aws_secret_access_key = {secret}\n",
        ".bash_profile": f"export S3_SECRET_ACCESS_KEY={secret}\n",
        ".docker/config.json": '{"auths": {\n "https://index.docker.io/v1/": {\n  "auth": "%s"\n },\n'
                               ' "https://registry.acme.io/": {\n  "auth": "%s"\n }\n}}\n' % (auth, auth),
    })
    report, _ = scan_json(repo.path, "--no-history")
    f = by_sha(report)[sha(secret)]
    assert f["rule"] == "aws-secret-access-key"
    assert {(loc["path"], loc["line"]) for loc in f["locations"]} == {("cloud/credentials", 3), (".bash_profile", 1)}
    assert not any(g["rule"] == "generic-secret" and g["secret_sha256"] == sha(secret) for g in report["findings"])
    d = next(g for g in report["findings"] if g["rule"] == "docker-config-auth")
    assert sorted(loc["line"] for loc in d["locations"]) == [3, 6]


def test_a_key_s_armour_around_no_key_s_bytes_is_not_proven(tmp_path):
    """DER keys open with a SEQUENCE (base64 `M`) and OpenSSH's with "openssh-key-v1": a body
    typed by hand or cut from a certificate (community.general's java_keystore examples) is
    still reported, but the armour vouches for nothing: an Ansible module's EXAMPLES block
    is documentation, rated low, where a real key there stays high."""
    typed = ["DBVF" + x[4:] for x in _pem_lines()[:1]] + _pem_lines()[1:]
    real = _pem_lines()

    def module(lines: list[str]) -> str:
        return ("EXAMPLES = r\'\'\'\n- name: keystore\n  java_keystore:\n    private_key: |\n"
                "      -----BEGIN RSA PRIVATE KEY-----\n" + "".join(f"      {x}\n" for x in lines)
                + "      -----END RSA PRIVATE KEY-----\n\'\'\'\n")

    commented = ("// -----BEGIN RSA PRIVATE KEY-----\n" + "".join(f"//{x}\n" for x in _pem_lines())
                 + "// -----END RSA PRIVATE KEY-----\n")
    ssh = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(_pem_lines()) + "\n-----END OPENSSH PRIVATE KEY-----\n"
    repo = Repo(tmp_path / "r")
    repo.commit("add", {"plugins/modules/typed.py": module(typed), "plugins/modules/real.py": module(real),
                        "deploy/id_ed25519": ssh, "syslog/target.go": commented})
    report, _ = scan_json(repo.path, "--no-history")
    found = {f["locations"][0]["path"]: f for f in report["findings"] if f["rule"] == "private-key"}
    assert found["plugins/modules/typed.py"]["confidence"] == "low"
    assert found["plugins/modules/typed.py"]["blast"]["severity"] == "low"
    assert found["plugins/modules/real.py"]["confidence"] == "high"
    assert found["deploy/id_ed25519"]["confidence"] != "high"  # an OpenSSH armour around DER-looking bytes
    assert found["syslog/target.go"]["confidence"] == "high"  # a key commented out line by line is one
