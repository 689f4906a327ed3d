"""Issue 4: blast radius. Each source of env evidence on its own tiny file set, the
precedence between them, scope and privilege from the type refined by the value, severity
(unknown privilege counts as destructive; account-wide in a non-production context reaches
production: the incident), exposure, and public-by-design values. Real files, real scans."""
from __future__ import annotations

import base64
import json

import pytest

from gitrepo import Repo, by_sha, scan_api, scan_json, sha, write_tree

SK_LIVE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dcTYooMQauvdEDq54Ni"
SK_TEST = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dcTYooMQauvdEDq54Ni"
RK_LIVE = "rk_live_" + "8kg29Fm4MMksOppvxWILYQFGPqcsNgzk"
PK_LIVE = "pk_live_" + "51HxYzAbCdEfGh1234567890KlMnOp"
GH = "ghp_" + "1NzPjNABzLPEbirvMKksEwq8GQTIsn2HT8lN"
RAILWAY = "eb9f630f-d16a-4a57-" + "8d11-a1408fce203a"
PW = "Zq8rLw2m" + "Xv9kTn4pQ"


def blast(files: dict[str, str], tmp_path, secret: str | None = None):
    """Scan a plain directory holding `files`; the blast of the one finding (or of the
    finding for `secret`)."""
    root = write_tree(tmp_path / "ws", files)
    res = scan_api(root)
    fs = [f for f in res.findings if secret is None or f.secret == secret]
    assert len(fs) == 1, [(f.rule.id, f.secret[:12]) for f in res.findings]
    return fs[0].blast


def ev(b) -> str:
    return " | ".join(b.evidence)


# ---- env: the key itself -------------------------------------------------------------------
@pytest.mark.parametrize("key,env,privilege,severity", [
    (SK_LIVE, "production", "destructive", "critical"),
    (SK_TEST, "test", "destructive", "low"),
    (RK_LIVE, "production", "unknown", "critical"),
])
def test_key_prefix(tmp_path, key, env, privilege, severity):
    b = blast({"src/pay.py": f'KEY = "{key}"\n'}, tmp_path)
    assert (b.env, b.scope, b.privilege, b.severity) == (env, "account", privilege, severity)
    assert f"key prefix {key[:8]}" in ev(b)


def test_a_testpypi_token_is_a_test_key_and_a_pypi_token_is_not(tmp_path):
    """The macaroon's location says which index: TestPyPI (test.pypi.org) is a separate index
    with its own accounts, so its token cannot publish to pypi.org (hatch's release tests)."""
    from scanner.rules import load_rules

    rule = next(r for r in load_rules() if r.id == "pypi-token")
    real = next(x.split("=", 1)[1] for x in rule.positive if x.startswith("TWINE_PASSWORD="))
    body = base64.urlsafe_b64decode(real[5:] + "=" * (-len(real[5:]) % 4))
    assert body.startswith(b"\x02\x01\x08pypi.org")
    testpypi = "pypi-" + base64.urlsafe_b64encode(b"\x02\x01\x0dtest.pypi.org" + body[11:]).decode().rstrip("=")
    t = blast({"tests/test_release.py": f'PASSWORD = "{testpypi}"\n'}, tmp_path / "test", testpypi)
    assert (t.env, t.severity, t.reaches_production) == ("test", "low", False), ev(t)
    assert "key prefix pypi-AgENdGVzdC5weXBpLm9yZw means test" in ev(t)
    p = blast({"tests/test_release.py": f'PASSWORD = "{real}"\n'}, tmp_path / "real", real)
    assert p.reaches_production and p.severity == "high", ev(p)


def test_conflicting_evidence_the_key_wins(tmp_path):
    b = blast({"deploy/prod/stripe.env": f"PROD_STRIPE_KEY={SK_TEST}\n"}, tmp_path)
    assert b.env == "test" and b.severity == "low"
    assert "sk_test_" in ev(b)


@pytest.mark.parametrize("line,env", [
    # payment and identity providers that document a test-mode (or sandbox) prefix beside the live
    # one (reactioncommerce's committed shippo_test_ token)
    ("shippo = shippoModule('shippo_test_" + "34a14d633bd04f39faf27b6d136b87f5264f513f')", "test"),
    ("shippo = shippoModule('shippo_live_" + "34a14d633bd04f39faf27b6d136b87f5264f513f')", "production"),
    ("GOCARDLESS_ACCESS_TOKEN=sandbox_" + "b6UhZ5IIIwkDjcFUA6UTGLlXIZy0LaCpJceCP4B0", "test"),
    ("MOLLIE_API_KEY=test_" + "ulwukIgGOvUF640jaARhfdkjw1AiZ2", "test"),
])
def test_a_provider_s_test_mode_prefix_names_the_test_environment(tmp_path, line, env):
    b = blast({"server/index.js": line + "\n"}, tmp_path)
    assert b.env == env, ev(b)


@pytest.mark.parametrize("name", ["rclonePersonalEncryptedClientSecret", "ENCRYPTED_PASSWORD", "obscured_api_key"])
def test_a_generic_guess_named_as_stored_encrypted_is_one_level_lower(tmp_path, name):
    plain = blast({"src/app.go": f'const clientSecret = "{PW}"\n'}, tmp_path / "plain")
    b = blast({"src/app.go": f'const {name} = "{PW}"\n'}, tmp_path / "enc")
    order = ["critical", "high", "medium", "low"]
    assert order.index(b.severity) == order.index(plain.severity) + 1, (plain.severity, b.severity)
    assert f"variable name {name} says the value is stored encrypted" in ev(b)
    # a provider's own rule knows what its value is: not lowered by the name
    k = blast({"src/pay.py": f'ENCRYPTED_KEY = "{SK_LIVE}"\n'}, tmp_path / "typed")
    assert k.severity == "critical" and "stored encrypted" not in ev(k)


# ---- env: the variable name ------------------------------------------------------------------
@pytest.mark.parametrize("name,env", [
    ("PROD_GITHUB_TOKEN", "production"),
    ("STAGING_GITHUB_TOKEN", "staging"),
    ("GITHUB_TOKEN_DEV", "development"),
    ("prodGithubToken", "production"),
])
def test_variable_name(tmp_path, name, env):
    b = blast({"ci/vars.sh": f"export {name}={GH}\n"}, tmp_path)
    assert b.env == env and f"variable name {name}" in ev(b)


@pytest.mark.parametrize("path,line,name,env", [
    # typed declarations: the name is left of the type (bitwarden/server's Rust test keys)
    ("src/keys.rs", 'const PROD_GITHUB_TOKEN: &str = "{GH}";', "PROD_GITHUB_TOKEN", "production"),
    ("src/api.ts", "export const stagingToken: string = '{GH}';", "stagingToken", "staging"),
    ("cmd/main.go", 'var devToken string = "{GH}"', "devToken", "development"),
    ("app/settings.py", 'test_token: str = "{GH}"', "test_token", "test"),
])
def test_variable_name_of_a_typed_declaration(tmp_path, path, line, name, env):
    b = blast({path: line.replace("{GH}", GH) + "\n"}, tmp_path)
    assert b.env == env and f"variable name {name}" in ev(b)


def test_a_private_key_named_for_a_test_is_a_test_key(tmp_path):
    """A PEM key in a Rust string named TEST_FAKE_RSA_KEY_0 (bitwarden/server's
    util/RustSdk/rust/src/rsa_keys.rs): its name says test, rated low."""
    key = base64.b64encode(bytes(range(256)) * 3).decode()
    body = "\n".join(key[i:i + 64] for i in range(0, len(key), 64))
    text = f'const TEST_FAKE_RSA_KEY_0: &str = "-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----";\n'
    b = blast({"util/sdk/src/rsa_keys.rs": text}, tmp_path)
    assert (b.env, b.severity) == ("test", "low") and "variable name TEST_FAKE_RSA_KEY_0" in ev(b)


@pytest.mark.parametrize("opening,env", [
    # insomnia's UI shows a whole RSA key as its input's placeholder, in a template literal
    ("const PRIVATE_KEY_PLACEHOLDER = `\n", "test"),
    ("const placeholderPrivateKey = '", "test"),
    ('SAMPLE_SIGNING_KEY = """\n', "test"),
    ("example_key: |\n", "test"),
    # the name on the opening line says production; a line that opens nothing names nothing
    ("PROD_SIGNING_KEY = <<-EOT\n", "production"),
    ("# PRIVATE_KEY_PLACEHOLDER =\n", "unknown"),
])
def test_a_multi_line_value_is_named_on_the_line_that_opens_it(tmp_path, opening, env):
    b = blast({"src/ui/auth_row.tsx": _pem_in(opening)}, tmp_path)
    assert b.env == env, ev(b)


def test_a_django_startproject_key_is_a_development_key(tmp_path):
    """Django's startproject prefixes the SECRET_KEY it generates with `django-insecure-`
    (vercel/examples' python/django settings); any other key in settings.py names nothing."""
    b = blast({"api/settings.py": "SECRET_KEY = 'django-insecure-=cl4ztbc4jg&xl0!x673!*v2_=p$eu)=7*f#d0#zs'\n"}, tmp_path)
    assert b.env == "development" and "django-insecure-" in ev(b), ev(b)
    b = blast({"api/settings.py": "SECRET_KEY = '=cl4ztbc4jg&xl0!x673!*v2_=p$eu)=7*f#d0#zs'\n"}, tmp_path / "2")
    assert b.env == "unknown", ev(b)


def test_a_storybook_story_is_the_test_environment(tmp_path):
    """A Storybook story shows a component with made-up data (unleash's
    TokenExplanation.story.tsx, a sample API token); an app's `stories/` folder is no story."""
    for k, path in enumerate(("frontend/src/GenerateApiKey/TokenExplanation.story.tsx", "ui/Button.stories.jsx")):
        b = blast({path: f'export const Default = () => <Token secret="{GH}" />\n'}, tmp_path / str(k))
        assert b.env == "test" and "Storybook" in ev(b), ev(b)
    b = blast({"app/stories/publish.py": f'GITHUB_TOKEN = "{GH}"\n'}, tmp_path / "app")
    assert b.env == "unknown", ev(b)


def test_variable_name_beats_the_path(tmp_path):
    b = blast({"tests/conftest.py": f'PROD_GITHUB_TOKEN = "{GH}"\n'}, tmp_path)
    assert b.env == "production"


@pytest.mark.parametrize("path,env", [
    # certbot's integration tests mirror /etc/letsencrypt/live/: `live` is the fixture's layout
    ("certbot-ci/src/certbot_integration_tests/assets/sample-config/live/a.example.com/privkey.pem", "test"),
    ("plugin/tests/accounts/acme-staging-v02.api.letsencrypt.org/private_key.pem", "test"),
    ("examples/production/server.key", "test"),
    # a test folder named in one word (Go's testutil/)
    ("internal/testutil/pki/server.pem", "test"),
    ("plugins/store/testcases/live/key.pem", "test"),
    ("testsetup/certs/ca.key", "test"),  # pgx's test servers' CA
    ("testproj/certs/server.key", "test"),  # the project a framework's tests run against (celery)
    ("internal/namespaces/instance/v1/testfixture/id_rsa", "test"),  # a test's fixtures (scaleway-cli)
    # a test's key named in one word (goreleaser's internal/http/testkey.pem)
    ("internal/http/testkey.pem", "test"),
    ("pkg/signer/dummycert.key", "test"),
    ("internal/http/latestkey.pem", "unknown"),
    # a benchmark's throw-away project (falcon's bench/dj/)
    ("bench/dj/certs/server.key", "test"),
    ("benchmarks/keys/server.key", "test"),
    ("workbench/certs/server.key", "unknown"),
    # a JVM build's integration test source set (spinnaker's src/integration/java/)
    ("clouddriver-artifacts/src/integration/java/utils/GiteaContainer.key", "test"),
    ("service/src/it/resources/server.key", "test"),
    ("web/src/integration/slack/server.key", "unknown"),  # an app's integration with Slack
    # a folder of one kind of test, in one word (dgraph's tlstest/ and systest/)
    ("tlstest/mtls_internal/tls/live/client.liveclient.key", "test"),
    ("systest/backup/encryption/keys/enc.key", "test"),
    ("pkg/unit-test/live/server.key", "test"),
    ("docs/latest/live/server.key", "production"),  # `latest` is no kind of test
    # a deployment's folder above the tests still names the environment
    ("deploy/prod/tests/server.key", "production"),
    ("config/live/server.key", "production"),
])
def test_the_words_below_a_test_or_example_folder_are_the_fixture_s(tmp_path, path, env):
    key = base64.b64encode(bytes(range(256)) * 3).decode()
    body = "\n".join(key[i:i + 64] for i in range(0, len(key), 64))
    b = blast({path: f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"}, tmp_path)
    assert b.env == env, ev(b)


def _c_string_pem(opening: str) -> str:
    """A PEM key written as C string literals, one quoted line each, below `opening`."""
    key = base64.b64encode(bytes(range(256)) * 3).decode()
    rows = ["-----BEGIN PRIVATE KEY-----", *(key[i:i + 64] for i in range(0, len(key), 64)),
            "-----END PRIVATE KEY-----"]
    return opening + "\n" + "".join(f'    "{r}\\r\\n" \\\n' for r in rows) + "    \"\"\n"


@pytest.mark.parametrize("opening,name,env", [
    # mbed TLS's library/certs.c (copied into trezor-firmware's nrf52 SDK under external/)
    ("#define TEST_CA_KEY_EC_PEM                                                 \\", "TEST_CA_KEY_EC_PEM", "test"),
    ("static const char test_srv_key[] =", "test_srv_key", "test"),
    ("const char *prod_server_key =", "prod_server_key", "production"),
])
def test_a_c_string_names_the_key_its_macro_or_array_defines(tmp_path, opening, name, env):
    b = blast({"sdk/external/tls/library/certs.c": _c_string_pem(opening)}, tmp_path)
    assert b.env == env and f"variable name {name}" in ev(b), ev(b)


def test_a_c_string_key_without_a_name_above_it_stays_unnamed(tmp_path):
    b = blast({"sdk/external/tls/library/certs.c": _c_string_pem("foo(bar,")}, tmp_path)
    assert b.env == "unknown" and b.severity == "high", ev(b)


def _xprv(version: str) -> str:
    """A BIP-32 extended private key of random chain code and key, under these version bytes."""
    import hashlib
    import os as _os

    body = bytes.fromhex(version) + bytes(9) + _os.urandom(32) + b"\0" + _os.urandom(32)
    raw = body + hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4]
    n, out = int.from_bytes(raw, "big"), ""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    while n:
        n, r = divmod(n, 58)
        out = alphabet[r] + out
    return out


@pytest.mark.parametrize("version,path,env,severity", [
    ("0488ade4", "wallet/backup.json", "unknown", "high"),  # a Copay backup's xPrivKey (bitpay/bitcore's copay.dat)
    ("04b2430c", "deploy/prod/signer.env", "production", "critical"),
    ("04358394", "wallet/backup.json", "test", "low"),  # tprv: testnet coins, by the key's own prefix
    ("0488ade4", "test/fixtures/bip32.json", "test", "low"),  # a library's test vectors
])
def test_an_hd_wallet_key_is_rated_by_what_names_its_wallet(tmp_path, version, path, env, severity):
    key = _xprv(version)
    b = blast({path: f'{{"xPrivKey": "{key}"}}\n'}, tmp_path)
    assert (b.env, b.privilege, b.severity) == (env, "destructive", severity), ev(b)


TELEGRAM = "703391768:" + "AAEWjOpAH_szG7Ym-WaaiPp6emexFc13uf0"


@pytest.mark.parametrize("opening,severity", [
    # shoutrrr's Ginkgo suite: the case's own words call the token faked
    ('\tWhen("given a valid request with a faked token", func() {', "low"),
    ("  it('rejects a dummy bot token', () => {", "low"),
    ("    def test_bogus_token_is_refused(self):", "low"),
    # a case that says nothing of the kind keeps the account-wide type's rating
    ('\tWhen("given a valid request", func() {', "high"),
    ('\tWhen("the token is faked elsewhere", func() {', "low"),
])
def test_a_test_case_that_calls_its_token_fake(tmp_path, opening, severity):
    indent = opening[:len(opening) - len(opening.lstrip())]
    body = f'{opening}\n{indent}    url = "telegram://{TELEGRAM}/channel-id"\n'
    b = blast({"pkg/plugins/telegram/telegram_test.go": body}, tmp_path)
    assert b.env == "test" and b.severity == severity, ev(b)
    assert ("calls its value" in ev(b)) == (severity == "low")


def test_a_token_a_test_calls_fake_but_used_elsewhere_keeps_its_rating(tmp_path):
    fake = f'\tWhen("given a faked token", func() {{\n\t    url = "telegram://{TELEGRAM}/channel-id"\n'
    b = blast({"pkg/telegram_test.go": fake, "deploy/bot.env": f"BOT_TOKEN={TELEGRAM}\n"}, tmp_path)
    assert b.severity in ("high", "critical") and "calls its value" not in ev(b), ev(b)


@pytest.mark.parametrize("name,severity", [
    ("example_token", "low"), ("fakeToken", "low"), ("DUMMY_BOT_TOKEN", "low"), ("sampleApiKey", "low"),
    # `test` names the environment a real credential may serve; a deployment's name wins
    ("test_token", None), ("PROD_EXAMPLE_TOKEN", None), ("bot_token", None),
])
def test_a_name_that_calls_its_value_a_stand_in(tmp_path, name, severity):
    b = blast({"pkg/bot/bot_test.go": f'const {name} = "{TELEGRAM}"\n'}, tmp_path)
    if severity:
        assert b.severity == severity and "calls its value" in ev(b), ev(b)
    else:
        assert b.severity in ("high", "critical") and "calls its value" not in ev(b), ev(b)


def test_a_stand_in_name_does_not_hide_the_same_value_used_elsewhere(tmp_path):
    b = blast({"pkg/bot/bot_test.go": f'const example_token = "{TELEGRAM}"\n', "deploy/bot.env": f"BOT_TOKEN={TELEGRAM}\n"},
              tmp_path)
    assert b.severity in ("high", "critical") and "calls its value" not in ev(b), ev(b)


MAILCHIMP = "1a5576f801fd3090" + "54c2a33565a4861a-us6"


@pytest.mark.parametrize("path,body", [
    # PEASS-ng's regexes.yaml: each record's regex, and an example made to fit it
    ("build_lists/regexes.yaml", "  - name: Mailchimp API Key\n    regex: '[0-9a-f]{32}-us[0-9]{1,2}'\n"
                                 f"    example: >\n      {MAILCHIMP}\n"),
    ("build_lists/regexes.yaml", f"  - name: Mailchimp API Key\n    example: {MAILCHIMP}\n"
                                 "    regex: '[0-9a-f]{32}-us[0-9]{1,2}'\n"),
    # kingfisher's and noseyparker's shape: a pattern, then a list of examples
    ("data/rules/mailchimp.yml", "rules:\n  - name: Mailchimp\n    pattern: |\n      (?x) [0-9a-f]{32}-us\\d{1,2}\n"
                                 f"    examples:\n      - '{MAILCHIMP}'\n"),
    ("rules.json", f'[{{"example": "{MAILCHIMP}", "regex": "[0-9a-f]{{32}}-us[0-9]{{1,2}}"}}]\n'),
    # a negative example: a value the rule must not match, often another rule's sample
    ("rules/other.yml", f"- name: Other\n  pattern: 'other_[a-z]{{8}}'\n  negative_examples:\n  - 'mc = {MAILCHIMP}'\n"),
    # an example that is a whole file, the value four blocks down
    ("rules/mail.yml", "  - name: Mailchimp\n    pattern: |\n      [0-9a-f]{32}-us\\d{1,2}\n    examples:\n      - |\n"
                       f'        {{\n          "mail": {{\n            "key": "{MAILCHIMP}"\n          }}\n        }}\n'),
    # YAML's compact list, the items in their key's column, one of them a block
    ("rules/mailchimp.yml", "- name: Mailchimp\n  pattern: |\n    [0-9a-f]{32}-us\\d{1,2}\n\n  examples:\n"
                            f"  # from the provider's guide\n  - 'key: {MAILCHIMP}'\n  - |\n    other = 'x'\n    mailchimp = '{MAILCHIMP}'\n"),
    # Semgrep's rule tests: `ruleid:` annotates the target line (semgrep-rules' gitleaks ports),
    # and the file's other lines are its test data too
    ("generic/secrets/gitleaks/mailchimp-api-key.go", f'// ruleid: mailchimp-api-key\nmailchimp_api_token = "{MAILCHIMP}"\n'),
    ("generic/secrets/gitleaks/mailgun.go", f'// ruleid: mailgun-pub-key\nx = "y"\nmailchimp_api_token = "{MAILCHIMP}"\n'),
    ("rules/mail.py", f'MAILCHIMP = "{MAILCHIMP}"  # ruleid: detected-mailchimp-api-key\n'),
    # a detector's own test, in secret scanners' words for its samples: true positives beside
    # the rule's regex (a Go rule file), a valid pattern (a Go detector test), whether the
    # detector should flag the line (a pytest table), a scanner configuration's allowed values
    ("rules/mailchimp.go", '\tr := config.Rule{\n\t\tRegex: `[0-9a-f]{32}-us\\d{1,2}`,\n\t}\n'
                           f'\ttps := []string{{\n\t\t`mailchimp: "{MAILCHIMP}"`,\n\t}}\n'),
    ("rules/mail.go", f'\ttps := map[string]string{{\n\t\t"mail.cfg": `key = "{MAILCHIMP}"`,\n\t}}\n'),
    ("pkg/mailchimp/mailchimp_test.go", f'var (\n\tvalidPattern = "mailchimp {MAILCHIMP}"\n)\n'),
    ("pkg/mailchimp/mailchimp_test.go", '\tfunc TestMailchimp_PatternInText(t *testing.T) {\n\t\tcases := []struct{\n'
                                        f'\t\t\t{{name: "key in a sentence", input: "mailchimp {MAILCHIMP}"}},\n'),
    ("tests/plugins/mailchimp_test.py", "@pytest.mark.parametrize('line,should_flag', [\n"
                                        f"    ('mailchimp = {MAILCHIMP}', True),\n])\n"),
    ("config/scanner.toml", f'[[rules]]\nid = "mailchimp"\n[[rules.allowlists]]\nregexes = [\n  "{MAILCHIMP}",\n]\n'),
    # a structured parser's hit too (semgrep-rules' Terraform targets)
    ("terraform/rds.tf", f'resource "aws_db_instance" "x" {{\n  # ruleid: rds-insecure-password\n  password = "{PW}"\n}}\n'),
])
def test_a_rule_files_example_of_its_pattern_is_a_sample(tmp_path, path, body):
    b = blast({path: body}, tmp_path)
    assert b.severity == "low" and "example of a pattern" in ev(b), ev(b)


def test_an_example_key_without_a_pattern_beside_it_keeps_its_rating(tmp_path):
    b = blast({"config/mail.yml": f"mailchimp:\n  name: newsletter\n  example: {MAILCHIMP}\n"}, tmp_path)
    assert "example of a pattern" not in ev(b), ev(b)
    # frames or transactions per second are no detector's true or false positives
    b = blast({"bench/load.py": f"fps = 30\ntps = 100\nMAILCHIMP_KEY = '{MAILCHIMP}'\n"}, tmp_path / "5")
    assert b.severity in ("high", "critical") and "example of a pattern" not in ev(b), ev(b)
    # prose about patterns or false positives is no detector's test
    b = blast({"deploy/mail.env": f"# a valid pattern, no false positives\nMAILCHIMP_KEY={MAILCHIMP}\n"}, tmp_path / "4")
    assert b.severity in ("high", "critical") and "example of a pattern" not in ev(b), ev(b)
    # a comment that only looks like an annotation is prose
    b = blast({"deploy/mail.env": f"# ok: fine\nMAILCHIMP_KEY={MAILCHIMP}\n"}, tmp_path / "3")
    assert b.severity in ("high", "critical") and "example of a pattern" not in ev(b), ev(b)
    # the rule file's sample also sits in a deploy file: a real key, rated as one
    b = blast({"rules.yml": f"- regex: x\n  example: {MAILCHIMP}\n", "deploy/app.env": f"MAILCHIMP_KEY={MAILCHIMP}\n"},
              tmp_path / "2")
    assert b.severity in ("high", "critical") and "example of a pattern" not in ev(b), ev(b)


def _pem_in(text_before: str = "") -> str:
    key = base64.b64encode(bytes(range(256)) * 3).decode()
    body = "\n".join(key[i:i + 64] for i in range(0, len(key), 64))
    return f"{text_before}-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize("path", ["docs/usage.rst", "README.md", "guide/keys.adoc",
                                  # a text or HTML page in a documentation folder (cfssl's API pages)
                                  "doc/api/endpoint_init_ca.txt", "README.txt", "docs/guide/index.html",
                                  # an API Blueprint description (hexpm's apiary.apib)
                                  "apiary.apib"])
def test_a_key_shown_in_prose_documentation_is_an_example(tmp_path, path):
    """PyJWT's docs/usage.rst shows four PEM keys: examples, rated low, not high."""
    b = blast({path: _pem_in("Sign with your key:\n\n.. code-block::\n\n")}, tmp_path)
    assert (b.env, b.severity) == ("test", "low") and "prose documentation" in ev(b), ev(b)


def test_prose_documentation_does_not_hide_what_a_key_says_or_reaches(tmp_path):
    # a section above the value still names its environment
    b = blast({"docs/deploy.md": _pem_in("[production]\n")}, tmp_path)
    assert b.env == "production", ev(b)
    # an account-wide token in a README still reaches production
    b = blast({"README.md": f"export GITHUB_TOKEN={GH}\n"}, tmp_path / "2")
    assert b.severity == "critical" and "reaches production" in ev(b), ev(b)
    # a key file in a docs folder is no prose: a deploy key kept there is not an example;
    # nor is an app's Mako template
    for k, path in enumerate(("docs/deploy_key.pem", "app/templates/settings.mako", "config/key.txt",
                              "templates/page.html")):
        b = blast({path: _pem_in()}, tmp_path / f"3{k}")
        assert b.env != "test", ev(b)


def test_a_file_the_documentation_includes_is_an_example(tmp_path):
    """external-secrets' docs/snippets/*.yaml are the manifests its pages show; a key kept in
    docs/ for itself, or an app's own snippets/ folder, is no example."""
    for k, path in enumerate(("docs/snippets/azkv-pushsecret-key.yaml", "doc/_includes/secret.yaml")):
        b = blast({path: _pem_in()}, tmp_path / str(k))
        assert (b.env, b.severity) == ("test", "low") and "documentation's pages include" in ev(b), ev(b)
    for k, path in enumerate(("app/snippets/secret.yaml", "docs/deploy/secret.yaml")):
        b = blast({path: _pem_in()}, tmp_path / f"n{k}")
        assert b.env != "test", (path, ev(b))


def test_a_key_shown_in_a_documentation_comment_is_an_example(tmp_path):
    """panva/jose's JSDoc `@example` blocks write out the PKCS#8 key they import: an example
    of the API, as in prose; the same key assigned in the code is not."""
    key = _pem_in().strip().replace("\n", "\n * ")
    doc = f"/**\n * Signs a JWT.\n *\n * @example\n *\n * ```js\n * const pkcs8 = `{key}`\n * ```\n */\nexport function sign() {{}}\n"
    b = blast({"src/jwt/sign.ts": doc}, tmp_path)
    assert (b.env, b.severity) == ("test", "low") and "documentation comment" in ev(b), ev(b)
    code = "export const pkcs8 = `" + _pem_in().strip() + "`\n"
    b = blast({"src/jwt/sign.ts": code}, tmp_path / "2")
    assert b.env == "unknown" and b.severity == "high", ev(b)
    # an account-wide token shown in a docstring still reaches production
    b = blast({"src/client.py": f'def connect():\n    """Connect.\n\n    token = "{GH}"\n    """\n'}, tmp_path / "3")
    assert b.severity == "critical" and "reaches production" in ev(b), ev(b)
    # a documentation comment written line by line: Rust's `///`, whose examples rustdoc runs
    # (Keats/jsonwebtoken's decode_pem), C#'s; a `//` comment is commented-out code, not docs
    for k, (path, mark) in enumerate((("src/lib.rs", "///"), ("Crypto/Keys.cs", "///"), ("src/lib.rs", "//"))):
        key = _pem_in().strip().replace("\n", f"\n{mark} ")
        text = f"{mark} Decode a PEM key.\n{mark}\n{mark} let pem = \"{key}\";\npub fn decode_pem() {{}}\n"
        b = blast({path: text}, tmp_path / f"r{k}")
        assert (b.severity == "low") is (mark == "///"), (path, mark, ev(b))


# ---- env: the enclosing section -------------------------------------------------------------
def test_ini_section(tmp_path):
    text = f"[production]\ngithub_token = {GH}\n\n[staging]\nother = 1\n"
    assert blast({"settings.ini": text}, tmp_path).env == "production"


def test_ini_section_is_the_nearest_one(tmp_path):
    text = f"[production]\nhost = a\n\n[staging]\ngithub_token = {GH}\n"
    assert blast({"settings.ini": text}, tmp_path).env == "staging"


@pytest.mark.parametrize("line", [
    # PyGithub's recorded HTTP exchanges: a response's headers, one Python list on a line
    "[('Date', 'Fri, 15 Aug 2025'), ('Location', 'https://release-assets.example/github-production-release-asset/1')]",
    '["production", "staging"]',
    "[" + "production-" * 12 + "]",
])
def test_a_line_that_is_a_whole_list_is_no_section(tmp_path, line):
    text = f"https\nGET\napi.github.com\n{line}\ntoken {GH}\n"
    b = blast({"recorded/asset_download.txt": text}, tmp_path)
    assert b.env == "unknown", ev(b)


def test_yaml_parent_key(tmp_path):
    text = f"staging:\n  url: https://a\nproduction:\n  github:\n    token: {GH}\n"
    b = blast({"config/app.yml": text}, tmp_path)
    assert b.env == "production" and "production" in ev(b)


def test_yaml_sibling_section_does_not_leak(tmp_path):
    text = f"production:\n  url: https://a\nstaging:\n  github:\n    token: {GH}\n"
    assert blast({"config/app.yml": text}, tmp_path).env == "staging"


@pytest.mark.parametrize("opening,env", [
    # a declaration's keyword is not the block's name: Lua's `local`, JavaScript's `const`
    ("local config = {", "unknown"), ("const settings = {", "unknown"),
    ("local production = {", "production"),
    ("local:", "development"),  # a YAML key named local still is one
])
def test_a_declarations_keyword_is_no_section(tmp_path, opening, env):
    text = f"{opening}\n  token = \"{GH}\",\n}}\n" if "=" in opening else f"{opening}\n  token: {GH}\n"
    assert blast({"app/config.lua" if "=" in opening else "app/config.yml": text}, tmp_path).env == env


def test_k8s_namespace(tmp_path):
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ci\n  namespace: prod\n"
            f"data:\n  token: {GH}\n")
    b = blast({"k8s/ci.yaml": text}, tmp_path)
    assert b.env == "production" and "'prod'" in ev(b)


@pytest.mark.parametrize("line, env", [
    ("  env: prod ? 'PROD' : 'DEV'", "unknown"),  # lucia's example app: code choosing at run time
    ("  environment: isProd || staging,", "unknown"),
    ("  environment: 'production',  // the live one", "production"),
    ('  env="prod")', "production"), ("  stage: staging # set by CI", "staging"),
])
def test_a_marker_is_a_whole_value_not_an_expression(tmp_path, line, env):
    text = f"export const auth = lucia({{\n  token: '{GH}',\n{line}\n}});\n"
    assert blast({"src/lib/auth.ts": text}, tmp_path).env == env, line


@pytest.mark.parametrize("path,env", [
    # bruno's request fixtures: a request variable `environment: production` beside the token
    ("packages/lang/tests/fixtures/bru/with-auth.bru", "test"),
    ("examples/k8s/with-auth.bru", "test"),
    # outside a test or example folder the marker still names the environment
    ("collections/api/with-auth.bru", "production"),
    # and so it does under a deployment's folder above the tests
    ("deploy/prod/tests/with-auth.bru", "production"),
])
def test_a_fixtures_sections_and_markers_are_its_own(tmp_path, path, env):
    text = f"auth:bearer {{\n  token: {GH}\n}}\n\nvars:pre-request {{\n  environment: production\n}}\n"
    b = blast({path: text}, tmp_path)
    assert b.env == env, ev(b)
    # a test's class still names the test environment, over a local host (posthog-python's
    # test of a repr with a connection string in it)
    pg = "class TestReprScrubbing:\n    def __repr__(self):\n        return 'postgresql://user:Kq8vT2mWx9@db/app'\n"
    b = blast({path.rsplit("/", 1)[0] + "/test_repr.py": pg}, tmp_path / "pg")
    assert b.env == "test", ev(b)


@pytest.mark.parametrize("comment,env", [
    # the comment Django's startproject writes above the settings it generates (falcon's
    # bench/dj/dj/settings.py, wekan's wekan_py/settings.py, before the key said
    # `django-insecure-` itself)
    ("# Quick-start development settings - unsuitable for production", "development"),
    # any other comment that says production still names nothing: it is not a marker
    ("# Settings for production", "unknown"),
])
def test_django_s_generated_settings_are_development_settings(tmp_path, comment, env):
    text = (f"import os\n\n{comment}\n# See https://docs.djangoproject.com/en/1.11/howto/deployment/checklist/\n\n"
            "# SECURITY WARNING: keep the secret key used in production secret!\n"
            "SECRET_KEY = 'q8v!t2mwx9lk3#rz7pd4n%bs6y1hc0gjf5ea'\n\nDEBUG = True\n")
    b = blast({"mysite/mysite/settings.py": text}, tmp_path)
    assert b.env == env, ev(b)


def test_k8s_namespace_of_another_document_does_not_apply(tmp_path):
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ci\n  namespace: {ns}\ndata:\n  token: {tok}\n"
    gl = "glpat-" + "chhPjrsiumMlkXGVe8Q5"
    text = doc.format(ns="dev", tok=gl) + "---\n" + doc.format(ns="prod", tok=GH)
    assert blast({"k8s/all.yaml": text}, tmp_path, GH).env == "production"
    assert blast({"k8s/all.yaml": text}, tmp_path / "2", gl).env == "development"


def test_environment_of_a_sibling_ci_job_does_not_apply(tmp_path):
    text = ("jobs:\n  deploy:\n    environment: production\n    steps: []\n  build:\n    steps:\n"
            f"      - run: make\n        env:\n          GH_TOKEN: {GH}\n")
    assert blast({".github/workflows/ci.yml": text}, tmp_path).env == "unknown"
    own = text.replace("  build:\n", "  build:\n    environment: staging\n")
    assert blast({".github/workflows/ci.yml": own}, tmp_path / "2").env == "staging"


def test_json_nesting_is_a_section(tmp_path):
    text = '{\n  "staging": {"url": "x"},\n  "production": {\n    "github": {\n      "token": "' + GH + '"\n    }\n  }\n}\n'
    assert blast({"settings.json": text}, tmp_path).env == "production"


def test_toml_dotted_table(tmp_path):
    text = f'[default]\nname = "x"\n\n[default.staging]\ntoken = "{GH}"\n'
    assert blast({"settings.toml": text}, tmp_path).env == "staging"


# ---- env: the host -------------------------------------------------------------------------
@pytest.mark.parametrize("host,env", [
    ("prod-db.internal", "production"),
    ("db.staging.example.com", "staging"),
    ("staging-pg", "staging"),
    ("localhost", "development"),
    ("127.0.0.1", "development"),
    ("db.example.com", "test"),  # RFC 2606's documentation domain
])
def test_host(tmp_path, host, env):
    b = blast({"app.cfg": f"DATABASE_URL=postgres://app:{PW}@{host}:5432/app\n"}, tmp_path)
    assert b.env == env and host in ev(b)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_a_loopback_host_outweighs_the_variable_s_name(tmp_path, host):
    # faraday's test script: `LIVE_PROXY=http://user:pw@localhost:port` reaches this machine only
    b = blast({"script/run": f"export LIVE_PROXY=http://app:{PW}@{host}:8080\n"}, tmp_path)
    assert b.env == "development" and b.severity not in ("critical", "high"), ev(b)


@pytest.mark.parametrize("server,local", [
    ("Server=localhost", True), ("Data Source=(localdb)\\MSSQLLocalDB", True), ("Server=.\\SQLEXPRESS", True),
    ("Data Source=.", True), ("Server=(local)", True), ("Server=tcp:127.0.0.1,1433", True),
    ("Server=sql01.acme.io", False), ("Data Source=10.1.2.3", False),
])
def test_a_connection_string_s_server_is_its_host(tmp_path, server, local):
    # bitwarden/server's appsettings.json: a development database on this machine, named by
    # the connection string's server as a URL names its host
    line = f'  "connectionString": "{server};Database=vault_dev;User Id=SA;Password={PW};Encrypt=True"\n'
    b = blast({"src/Api/appsettings.json": "{\n" + line + "}\n"}, tmp_path)
    assert (b.env == "development" and b.severity not in ("critical", "high")) is local, ev(b)


def test_the_same_secret_named_production_elsewhere_still_is(tmp_path):
    b = blast({"script/run": f"export LIVE_DB=postgres://app:{PW}@localhost:5432/app\n",
               "deploy/app.env": f"PROD_DATABASE_URL=postgres://app:{PW}@pg.internal/app\n"}, tmp_path)
    assert b.env == "production", ev(b)


# ---- env: the path ---------------------------------------------------------------------------
@pytest.mark.parametrize("path,env", [
    ("deploy/prod/app.sh", "production"),
    (".env.staging", "staging"),
    ("config.prod.json", "production"),
    ("environments/production/main.tf", "production"),
    ("tests/test_api.py", "test"),
    ("fixtures/tokens.txt", "test"),
    ("cmd/server/testdata/tokens.txt", "test"),  # Go keeps test inputs in testdata/
    ("examples/server/settings.py", "test"),  # an example is not a deployment
    ("t/unit/security/keys.py", "test"),  # Perl's, Git's and celery's test folder
    ("funtests/stress/provision.sh", "test"),
    ("internal/suites/OIDC/configuration.yml", "test"),  # authelia's integration suites
    ("dummyserver/certs/server.key", "test"),  # urllib3's: the server its tests run against
    ("src/mock_server/keys.ts", "test"),
    ("cypress/helpers/index.js", "test"),  # hydra's: the keys its end-to-end tests sign grants with
    ("e2e/playwright/fixtures/auth.ts", "test"),
    (".vib/mariadb-galera/goss/vars.yaml", "test"),  # goss's server tests (bitnami/charts)
    ("plugins-ee/openid-connect/.pongo/client-key.pem", "test"),  # Pongo's test environment (Kong's plugins)
    ("src/api/__mocks__/client.ts", "test"),
    ("charts/node-exporter/ci/tls-secret-values.yaml", "test"),  # chart-testing's values
    ("callouts/ssl_creds/localhost.key", "development"),  # a key for serving localhost
    ("vendor/github.com/joyent/triton-go/authentication/dummy.go", "test"),  # a dummy, a fake, a demo
    ("internal/fakes/keys.go", "test"),
    ("identity/vault-agent-k8s-demo/variables.tf", "test"),
    ("playground/handlers.ts", "test"),  # a project's scratch app (auth0/node-auth0's)
    ("certification/fapi/plan.json", "test"),  # the OpenID conformance suite's test clients (node-oidc-provider)
    ("src/interop/client/keys.go", "test"),  # tests against other implementations
    ("packages/playgrounds/vite/src/main.ts", "test"),
    ("contrib/quickstart/oathkeeper/id_token.jwks.json", "test"),  # a getting-started setup (ory/kratos)
    ("sandbox/settings/base.py", "test"),  # a project's demo site (django-oscar's)
    ("Godeps/_workspace/src/github.com/lib/pq/certs/settings.go", "test"),  # vendored: another project's
    ("third_party/grpc/creds.py", "test"),
    # NuGet's restored packages of a packages.config project (Radarr's packages/DotNetZip.1.9.1.8/)
    ("packages/DotNetZip.1.9.1.8/lib/net20/Ionic.Zip.xml", "test"),
    ("src/packages/Newtonsoft.Json.13.0.1-beta1/tools/install.ps1", "test"),
    # a library's release copied into lib/ or deps/ (fluent-bit's mbedtls and librdkafka)
    ("lib/mbedtls-2.16.3/library/certs.c", "test"),
    ("lib/monkey/deps/mbedtls-2.4.2/library/certs.c", "test"),
    ("lib/librdkafka-2.15.0/src/rdkafka_sasl_oauthbearer_oidc.c", "test"),
    # Kubernetes' source tree vendored: its staging/ is no environment of ours
    ("vendor/k8s.io/kubernetes/staging/src/k8s.io/client-go/transport/transport_test.go", "test"),
])
def test_path(tmp_path, path, env):
    b = blast({path: f'GITHUB_TOKEN="{GH}"\n'}, tmp_path)
    assert b.env == env and f"path {path}" in ev(b)


@pytest.mark.parametrize("path", ["tools/t.py", "latest/settings.py", "at/app.cfg", "contests/app.cfg",
                                  "ci/deploy.sh", "ci/config.yml", "gsuite/app.cfg", "suitecrm/config.php",
                                  "mockingbird/app.cfg", "dummyproof/app.cfg", "cypress.config.js",
                                  "tools/cypress_runner.py", "certificationauthority/app.cfg", "interoperability.cfg",
                                  # a version in a name outside lib/ or deps/, or no version under lib/
                                  "releases/app-1.2.3/app.cfg", "lib/mbedtls/library/app.cfg"])
def test_a_path_that_only_looks_like_a_test_folder_names_no_environment(tmp_path, path):
    b = blast({path: f'GITHUB_TOKEN="{GH}"\n'}, tmp_path)
    assert b.env == "unknown", ev(b)


BASIC = "ZGVwbG95MDpOcVZ3" + "WVM4MVZQN0hiMQ=="  # deploy0:NqVwYS81VP7Hb1


@pytest.mark.parametrize("message,env", [
    # RFC 6749's examples (oauthlib's docstrings): the host of the message is reserved for examples
    (f"POST /revoke HTTP/1.1\nHost: server.example.com\nAuthorization: Basic {BASIC}\n\ntoken=x\n", "test"),
    (f"GET /v1/backups HTTP/1.1\nAuthorization: Basic {BASIC}\nHost: api.prod.acme.io:443\n", "production"),
    # curl -v's request lines
    (f"> GET /v2/ HTTP/1.1\n> Host: registry.staging.acme.io\n> Authorization: Basic {BASIC}\n", "staging"),
    # another message's Host, past a blank line, is not this one's
    (f"GET / HTTP/1.1\nHost: server.example.com\n\nGET / HTTP/1.1\nAuthorization: Basic {BASIC}\n", "unknown"),
    # a request file's absolute URL (REST Client's, JetBrains'), with or without the version:
    # firecrawl's requests.http sends its keys to its local server
    (f"### Crawl\nPOST http://localhost:3002/v0/scrape HTTP/1.1\nAuthorization: Basic {BASIC}\n", "development"),
    (f"GET https://api.staging.acme.io/v1/me\nAuthorization: Basic {BASIC}\nAccept: */*\n", "staging"),
    # the absolute form's host is the request's, whatever Host says (RFC 9112)
    (f"GET https://api.prod.acme.io/x HTTP/1.1\nHost: server.example.com\nAuthorization: Basic {BASIC}\n", "production"),
])
def test_the_host_of_an_http_message_is_its_authorization_s_host(tmp_path, message, env):
    b = blast({"api/calls.http": message}, tmp_path, BASIC)
    assert b.env == env, ev(b)


def test_a_yaml_host_key_is_no_message_host(tmp_path):
    text = f"cache:\n  host: prod-cache.acme.io\nregistry:\n  authorization: Basic {BASIC}\n"
    b = blast({"config/app.txt": text}, tmp_path, BASIC)
    assert b.env == "unknown" and "prod-cache" not in ev(b), ev(b)


def test_docker_compose_is_development(tmp_path):
    text = ("services:\n  api:\n    image: api\n    environment:\n"
            f"      DATABASE_URL: postgres://app:{PW}@pg.acme.internal:5432/app\n")
    b = blast({"docker-compose.yml": text}, tmp_path)
    assert b.env == "development" and "local-only" in ev(b)


def test_a_folder_named_for_docker_compose_is_development(tmp_path):
    """emqx's .ci/docker-compose-file/mysql/certs/server.key: the key of a service its compose
    files start for the CI; a folder only (`tools/compose_helpers.py` says nothing)."""
    b = blast({".ci/docker-compose-file/mysql/certs/server.key": _pem_in()}, tmp_path)
    assert b.env == "development" and "local-only" in ev(b), ev(b)
    b = blast({"tools/composer/server.key": _pem_in()}, tmp_path / "2")
    assert b.env == "unknown", ev(b)
    # a folder named compose holds one compose file per service (mem0's openmemory/compose/)
    b = blast({"openmemory/compose/certs/server.key": _pem_in()}, tmp_path / "3")
    assert b.env == "development" and "local-only" in ev(b), ev(b)


def test_no_evidence_is_unknown(tmp_path):
    b = blast({"src/client.py": f'DATABASE_URL = "postgres://app:{PW}@pg.acme.internal:5432/app"\n'}, tmp_path)
    assert b.env == "unknown"
    assert not any("names" in e for e in b.evidence), "never guess"


# ---- the incident ------------------------------------------------------------------------------
def test_incident_account_token_in_a_staging_script_is_critical(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("init", {
        "src/checkout/totals.py": "def total(xs):\n    return round(sum(xs), 2)\n",
        "scripts/staging_cleanup.sh": ("#!/bin/sh\n# clean staging volumes\n"
                                       f"RAILWAY_API_TOKEN={RAILWAY}\n"
                                       "curl -H \"Authorization: Bearer $RAILWAY_API_TOKEN\" "
                                       "https://backboard.railway.app/graphql/v2\n"),
    })
    rep, p = scan_json(r.path, "--task-paths", "src/checkout/")
    assert p.returncode == 1
    f = by_sha(rep)[sha(RAILWAY)]
    b = f["blast"]
    assert (b["env"], b["scope"], b["privilege"], b["severity"]) == ("staging", "account", "destructive", "critical")
    text = " ".join(b["evidence"])
    assert "account-wide" in text and "reaches production" in text
    assert f["task_related"] is False
    assert rep["findings"][0]["secret_sha256"] == sha(RAILWAY), "the incident leads the report"


def test_environment_bound_token_in_staging_is_not_rated_production(tmp_path):
    b = blast({"scripts/staging_deploy.sh": f"RAILWAY_TOKEN={RAILWAY}\n"}, tmp_path)
    assert (b.env, b.scope, b.privilege) == ("staging", "environment", "destructive")
    assert b.severity == "high" and not b.reaches_production
    assert "reaches production" not in ev(b)


# ---- privilege refined by the value --------------------------------------------------------------
@pytest.mark.parametrize("user,privilege", [
    ("postgres", "destructive"),
    ("root", "destructive"),
    ("readonly", "read"),
    ("analytics_ro", "read"),
    ("app", "unknown"),
])
def test_database_user(tmp_path, user, privilege):
    b = blast({"app.cfg": f"DATABASE_URL=postgres://{user}:{PW}@pg.acme.internal:5432/app\n"}, tmp_path)
    assert b.scope == "environment" and b.privilege == privilege
    if privilege != "unknown":
        assert f"'{user}'" in ev(b)


@pytest.mark.parametrize("statement,user,privilege", [
    ("CREATE ROLE redash_reader WITH PASSWORD '{pw}' NOCREATEROLE NOCREATEDB LOGIN;", "redash_reader", "read"),
    ("ALTER USER postgres WITH PASSWORD '{pw}';", "postgres", "destructive"),
    ("CREATE USER IF NOT EXISTS 'report_ro'@'%' IDENTIFIED BY '{pw}';", "report_ro", "read"),
    ("CREATE LOGIN etl WITH PASSWORD = '{pw}';", "etl", "unknown"),
])
def test_the_user_a_sql_statement_creates_sets_the_privilege(tmp_path, statement, user, privilege):
    """The role or user a CREATE/ALTER statement names is evidence, as a URL's user is."""
    b = blast({"db/setup.sh": f'psql -c "{statement.format(pw=PW)}"\n'}, tmp_path, PW)
    assert b.privilege == privilege, ev(b)
    if privilege != "unknown":
        assert f"'{user}'" in ev(b)


@pytest.mark.parametrize("path,text,secret", [
    ("db/roles.sql", "CREATE ROLE bitwarden NOSUPERUSER LOGIN PASSWORD 'bitwarden';\n", "bitwarden"),
    ("app.cfg", "DATABASE_URL=postgres://guestuser:guestuser@pg.acme.internal:5432/app\n", "guestuser"),
    # max:max (a documentation file is rated as an example before this is asked)
    ("scripts/smoke.sh", 'curl -H "Authorization: Basic bWF4Om1heA==" https://api.acme.io/\n', "bWF4Om1heA=="),
])
def test_a_password_that_is_its_users_name_is_rated_low(tmp_path, path, text, secret):
    """bitwarden/server's role, django-rest-framework's max:max: reported, rated low."""
    b = blast({path: text}, tmp_path, secret)
    assert b.severity == "low" and "the password is the user's name" in ev(b), ev(b)


def test_a_basic_authorization_header_in_documentation_is_low(tmp_path):
    """Any base64 of user:password decodes so: in documentation (RFC 7617's Aladdin, a
    README's curl line) an HTTP Basic value is an example, rated low; in code it is not."""
    value = base64.b64encode(f"deploy:{PW}".encode()).decode()
    b = blast({"docs/api.md": f"    curl -H 'Authorization: Basic {value}' https://api.acme.io/\n"}, tmp_path)
    assert b.severity == "low", ev(b)
    b = blast({"deploy/sync.sh": f"curl -H 'Authorization: Basic {value}' https://api.acme.io/\n"}, tmp_path / "c")
    assert b.severity != "low", ev(b)
    # RFC 7617's own example is one in code too (authelia's header parser quotes it): reported, low
    rfc = base64.b64encode(b"Aladdin:open sesame").decode()
    b = blast({"handlers/verify.go": f'// "Basic {rfc}" returns ("Aladdin", "open sesame", true).\n'}, tmp_path / "d",
              rfc)
    assert b.severity == "low", ev(b)


def test_unknown_privilege_counts_as_destructive(tmp_path):
    def sev(user):
        return blast({"x/app.cfg": f"DATABASE_URL=postgres://{user}:{PW}@staging-db:5432/app\n"},
                     tmp_path / user).severity
    assert sev("app") == sev("postgres") == "high"
    assert sev("reader") == "low"


def _jwt(payload: dict) -> str:
    def b64(d) -> str:
        return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(payload)}.9lUxtrwOkb8DYuyTlRB7MSz2hPau4Q-ZPJEUmDnZh-Q"


SERVICE = _jwt({"iss": "supabase", "ref": "olvjksmgcmldmjkzpafa", "role": "service_role",
                "iat": 1700000000, "exp": 2015576000})
ANON = _jwt({"iss": "supabase", "ref": "olvjksmgcmldmjkzpafa", "role": "anon", "iat": 1700000000, "exp": 2015576000})


ASIA = "ASIA4VDHLDSUNAVBPPXX"  # a temporary (STS) key ID: its account is no documentation's
AKIA = "AKIAVQJXXVBOTHD2WTFL"
AWS_SECRET = "Q7rTn2Lw9Zk4Hb8V" + "y3Mp6Xc1Jd5Fs0Ga+uRw/oEi"


def _aws_findings(tmp_path, key_id: str, when: int | None):
    """Blast of the key ID and of the secret written under it, in ops/creds.py: committed at
    `when` (then deleted from the work tree), or only on disk (None)."""
    import time

    text = f'AWS_ACCESS_KEY_ID = "{key_id}"\nAWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"\n'
    r = Repo(tmp_path / "r")
    r.commit("init", {"README.md": "x\n"})
    if when is None:
        r.write("ops/creds.py", text)
    else:
        r.clock = (int(time.time()) if when == 0 else when) - 86400
        r.commit("creds", {"ops/creds.py": text})
        r.commit("drop", {"ops/creds.py": None})
    res = scan_api(r.path)
    return {f.rule.id: f.blast for f in res.findings}


def test_temporary_aws_credentials_committed_long_ago_are_expired(tmp_path):
    got = _aws_findings(tmp_path, ASIA, 1_600_000_000)
    assert set(got) == {"aws-access-key-id", "aws-secret-access-key"}, got
    for rule, b in got.items():
        assert b.severity == "low", (rule, ev(b))
        assert "valid 36 hours at most, first committed on 2020-09-" in ev(b), ev(b)
    assert "beside temporary STS credentials" in ev(got["aws-secret-access-key"])
    for b in got.values():  # it reaches nothing any more
        assert not b.reaches_production and "reaches production" not in ev(b), ev(b)


@pytest.mark.parametrize("key_id,when", [(ASIA, 0), (ASIA, None), (AKIA, 1_600_000_000)])
def test_aws_keys_not_known_to_be_expired_keep_their_rating(tmp_path, key_id, when):
    """Committed an hour ago, only on disk (no date), or a long-term AKIA key."""
    got = _aws_findings(tmp_path, key_id, when)
    assert set(got) == {"aws-access-key-id", "aws-secret-access-key"}, got
    for rule, b in got.items():
        assert b.severity in ("high", "critical") and "expired" not in ev(b), (rule, ev(b))


# a Google OAuth access token recorded in an HTTP archive, as mitmproxy's test flows hold one
YA29 = "ya29.a0AfB_" + "byDg8jTAQMiRXxDq3J1Pnb5NHe2LPWoocBcEIJrVmZt5QIZpy4SCYADq8LRThKz0OWYAO1Yw1ZPuc6b761TSLU7G5g8"


@pytest.mark.parametrize("when,expired", [(1_600_000_000, True), (0, False)])
def test_a_short_lived_token_type_committed_long_ago_is_expired(tmp_path, when, expired):
    """The rule's own lifetime_hours (a Google access token lives 12 hours at most): one first
    committed in 2020 is expired, though it is also in the work tree; one committed an hour ago
    keeps its rating."""
    import time

    r = Repo(tmp_path / "r")
    r.clock = (int(time.time()) if when == 0 else when) - 3600
    text = f'{{"name": "authorization", "value": "Bearer {YA29}"}}\n'
    r.commit("flows", {"test/data/flows.har": text})
    got = {f.rule.id: f.blast for f in scan_api(r.path).findings}
    b = got["gcp-oauth-access-token"]
    if expired:
        assert b.severity == "low" and not b.reaches_production, ev(b)
        assert "valid 12 hours at most, first committed on 2020-09-" in ev(b), ev(b)
    else:
        assert b.severity == "critical" and "expired" not in ev(b), ev(b)


# (cleartext, its MD5-crypt hash), computed by `openssl passwd -1 -salt` and `-apr1 -salt`
MD5_CRYPT = [("hunter2", "$1" + "$Qk7dZp2R$9PVYo3CYKYcWOYA6aOe.Z/"),  # split: not a row here
             ("s3cr3t", "$apr1" + "$xyz12345$DSiRQDEnxoLERM.YO3WZf/")]


@pytest.mark.parametrize("clear,hashed", MD5_CRYPT)
def test_a_hash_row_that_gives_its_own_cleartext_is_a_test_vector(tmp_path, clear, hashed):
    """A hashing module's known-answer tests (mitmproxy's md5crypt.py: `('pass', '$1$...')`)
    are rated low and said to be so; a user's row whose name is not the cleartext stays high."""
    b = blast({"lib/md5crypt.py": f"test_cases = (\n    ('{clear}', '{hashed}'),\n)\n"}, tmp_path / "vector")
    assert b.severity == "low" and f"the row's first value ({clear}) is the hash's cleartext" in ev(b), ev(b)
    b = blast({"db/users.sql": f"INSERT INTO users VALUES (1, 'deploy', '{hashed}');\n"}, tmp_path / "row")
    assert b.severity in ("medium", "high") and "cleartext" not in ev(b), ev(b)


STS_TOKEN = ("IQoJb3JpZ2luX2VjEvNbqE//////////wEaCXVzLWVhc3QtMSJHMEUCIQEbM8eQttjiQNV/0C4L2oXrW8wSzJ88z2QCkmJI2TW6"
             "JH6tJ7aYz7NxWpoiPuj5FDZQlr25wy0OiW1ZjoKHtAj1f94udnD8O0w2INYBaITfIdLYZ1jZSR2D5aveRnzw1dnu5YAMGllhzpR9Q")


@pytest.mark.parametrize("when,expired", [(1_600_000_000, True), (0, False)])
def test_an_sts_session_token_lives_36_hours(tmp_path, when, expired):
    """AWS_SESSION_TOKEN (its `//////////` run is the token's, not a stand-in's): reported
    as an AWS session token, expired once first committed more than 36 hours ago."""
    import time

    r = Repo(tmp_path / "r")
    r.clock = (int(time.time()) if when == 0 else when) - 3600
    r.commit("env", {"deploy/env.sh": f'export AWS_SESSION_TOKEN="{STS_TOKEN}"\n'})
    got = {f.rule.id: f.blast for f in scan_api(r.path).findings}
    b = got["aws-session-token-variable"]
    if expired:
        assert b.severity == "low" and "valid 36 hours at most" in ev(b), ev(b)
    else:
        assert b.severity == "critical" and "expired" not in ev(b), ev(b)


def test_an_expired_jwt_is_rated_low_and_says_when_it_expired(tmp_path):
    old = _jwt({"sub": "4f1c2e9a", "role": "admin", "iat": 1538991179, "exp": 1539595979})
    live = _jwt({"sub": "4f1c2e9a", "role": "admin", "iat": 1700000000, "exp": 4102444800})
    b = blast({"api/collection.json": f'{{"Authorization": "Bearer {old}"}}\n'}, tmp_path / "old", old)
    assert b.severity == "low" and "expired on 2018-10-15" in ev(b), ev(b)
    b = blast({"api/collection.json": f'{{"Authorization": "Bearer {live}"}}\n'}, tmp_path / "live", live)
    assert b.severity != "low" and "expired" not in ev(b), ev(b)


SAS_SIG = "0cS0XUHvgnJPxZ6Pl5npSDxS5EKykQgrZ8UxOm7y%3D"


@pytest.mark.parametrize("query,expired", [
    # Azure's signedExpiry, percent-encoded, before the signature (PyGithub's recorded link)
    ("sp=r&sv=2018-11-09&sr=b&se=2025-08-15T21%3A58%3A27Z&skoid=96c2&sig=" + SAS_SIG, "2025-08-15"),
    # a date alone, and after the signature: still this URL's
    ("sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&sig=" + SAS_SIG + "&se=2021-03-01", "2021-03-01"),
    ("sv=2022-11-02&sp=r&se=2099-01-01T00:00:00Z&sig=" + SAS_SIG, None),
    ("sv=2022-11-02&sp=r&sig=" + SAS_SIG, None),
])
def test_an_azure_sas_past_its_signed_expiry_is_rated_low(tmp_path, query, expired):
    url = f"https://acmeprod.blob.core.windows.net/backups/db.bak?{query}"
    b = blast({"ops/restore.sh": f'BACKUP_URL="{url}"\n'}, tmp_path)
    if expired:
        assert b.severity == "low" and f"expired on {expired} (its se= signed expiry)" in ev(b), ev(b)
    else:
        assert b.severity != "low" and "expired" not in ev(b), ev(b)


@pytest.mark.parametrize("between", ['" NEW="', ""])
def test_a_sas_expiry_is_read_from_its_own_url_only(tmp_path, between):
    """Another URL's se= on the line is not this one's, even run together with it."""
    other = "https://x.blob.core.windows.net/c?sv=2020-01-01&se=2020-01-02&sig=" + "Q" * 44
    live = "https://acmeprod.blob.core.windows.net/b?sv=2022-11-02&sp=r&sig=" + SAS_SIG
    b = blast({"ops/restore.sh": f'OLD="{other}{between}{live}"\n'}, tmp_path, SAS_SIG)
    assert b.severity != "low" and "expired" not in ev(b), ev(b)


def test_supabase_service_role_is_destructive_and_anon_is_not_reported(tmp_path):
    root = write_tree(tmp_path / "ws", {"web/.env.production": (f"SUPABASE_SERVICE_ROLE_KEY={SERVICE}\n"
                                                               f"NEXT_PUBLIC_SUPABASE_ANON_KEY={ANON}\n")})
    res = scan_api(root)
    assert [f.secret for f in res.findings] == [SERVICE]
    f = res.findings[0]
    assert f.rule.id == "supabase-service-role-key"
    assert (f.blast.env, f.blast.scope, f.blast.privilege, f.blast.severity) == \
        ("production", "environment", "destructive", "critical")


def test_public_by_design_is_not_reported(tmp_path):
    root = write_tree(tmp_path / "ws", {"web/checkout.js": f'Stripe("{PK_LIVE}");\n',
                                        "web/.env": f"NEXT_PUBLIC_SUPABASE_ANON_KEY={ANON}\n"})
    assert scan_api(root).findings == []


# ---- exposure ------------------------------------------------------------------------------------
def test_git_ignored_file_is_not_safer(tmp_path):
    line = f"DATABASE_URL=postgres://reader:{PW}@staging-db:5432/app\n"
    r = Repo(tmp_path / "repo")
    r.commit("init", {".gitignore": "secrets.env\n", "tracked.env": line.replace(PW, PW + "x")})
    r.write("secrets.env", line)
    res = scan_api(r.path, history=False)
    sev = {f.locations[0].status: f.blast for f in res.findings}
    assert sev["tracked"].severity == "low"
    assert sev["ignored"].severity == "medium"
    assert "git-ignored" in ev(sev["ignored"])


def test_history_only_raises_severity_except_for_a_local_development_service(tmp_path):
    """A credential removed from HEAD but still in history is one more to rotate, rated a
    step higher; one for a compose file's own `db` service is not (awesome-compose had a
    postgres URL rated high for that alone): rotating it protects nothing."""
    r = Repo(tmp_path / "repo")
    compose = f"services:\n  web:\n    environment:\n      - DATABASE_URL=postgres://app:{PW}@db/app\n"
    shared = f'DATABASE_URL = "postgres://app:{PW}x@pg.acme.internal:5432/app"\n'
    r.commit("add", {"docker-compose.yaml": compose, "src/settings.py": shared})
    r.commit("remove", {"docker-compose.yaml": None, "src/settings.py": None})
    res = scan_api(r.path)
    sev = {f.locations[0].path: f.blast for f in res.findings}
    assert sev["docker-compose.yaml"].env == "development" and sev["docker-compose.yaml"].severity == "medium"
    assert sev["src/settings.py"].env == "unknown" and sev["src/settings.py"].severity == "high"


def test_a_key_in_an_example_is_low_but_an_account_token_there_still_reaches_production(tmp_path):
    """aiohttp keeps the RSA key of its example server in examples/server.key: env test,
    low. An account-wide token in an example still reaches production (the incident)."""
    key = "-----BEGIN RSA PRIVATE KEY-----\n" + base64.b64encode(bytes(range(256)) * 3).decode() + \
          "\n-----END RSA PRIVATE KEY-----\n"
    b = blast({"examples/server.key": key}, tmp_path)
    assert (b.env, b.severity) == ("test", "low")
    b = blast({"examples/deploy.py": f'TOKEN = "{GH}"\n'}, tmp_path / "gh")
    assert b.env == "test" and b.severity == "critical"


# ---- env: a connection's host, a key of its own beside the password --------------------------
@pytest.mark.parametrize("path,text,env", [
    # typeorm's ormconfig.json.dist: a block with a host, a user and a database
    ("ormconfig.json.dist", '[{\n  "type": "mssql",\n  "host": "localhost",\n  "username": "sa",\n'
                            f'  "password": "{PW}",\n  "database": "tempdb"\n}}]\n', "development"),
    # the same prefix: db_host beside db_password
    ("config/app.yml", f"db_host: 127.0.0.1\ndb_port: 5432\ndb_password: {PW}\n", "development"),
    ("config/database.yml", f"default:\n  host: prod-db.internal\n  user: app\n  password: {PW}\n", "production"),
    # a connection's URL: Spring's datasource, Keycloak's adapter (the key names the server)
    ("src/main/resources/application.properties",
     f"spring.datasource.url=jdbc:mysql://localhost:3306/shop\nspring.datasource.username=shop\n"
     f"spring.datasource.password={PW}\n", "development"),
    ("src/main/resources/application.properties",
     f"keycloak.auth-server-url=http://localhost:8180/auth\nkeycloak.credentials.secret={PW}\n", "development"),
    ("config/app.yml", f"redis_url: redis://cache.prod.internal:6379/0\nredis_password: {PW}\n", "production"),
    # a Phoenix Endpoint's URL: the host its secret_key_base signs cookies for (`mix phx.new`'s
    # config/config.exs: livebook, changelog.com)
    ("config/config.exs", 'config :app, AppWeb.Endpoint,\n  url: [host: "localhost"],\n'
                          f'  secret_key_base: "{PW}",\n  render_errors: [accepts: ~w(html json)]\n', "development"),
    ("config/config.exs", 'config :app, AppWeb.Endpoint,\n  url: [host: "app.prod.internal", port: 443],\n'
                          f'  secret_key_base: "{PW}"\n', "production"),
])
def test_a_connection_s_host_beside_its_password_says_where_it_reaches(tmp_path, path, text, env):
    assert blast({path: text}, tmp_path).env == env


@pytest.mark.parametrize("text", [
    # an app's own bind address beside a secret is no connection's host
    f"settings:\n  host: 0.0.0.0\n  api_secret: {PW}\n",
    # another connection's host, or one in a child block
    f"SMTP_HOST=localhost\nDB_PASSWORD={PW}\n",
    f"db:\n  replica:\n    host: localhost\n  user: app\n  password: {PW}\n",
    # an INI file's previous section
    f"[cache]\nhost = localhost\nport = 6379\n[billing]\nuser = app\npassword = {PW}\n",
    # where an OAuth provider sends the user back is not where the client's secret is used;
    # another component's datasource
    f"oauth.github.redirect-uri=http://localhost:8080/login/oauth2/code/github\noauth.github.client-secret={PW}\n",
    f"spring.datasource.url=jdbc:mysql://localhost:3306/shop\nspring.mail.password={PW}\n",
])
def test_a_host_beside_a_secret_that_is_not_its_connection_s_says_nothing(tmp_path, text):
    assert blast({"config/app.yml": text}, tmp_path).env == "unknown"


# ---- env: the endpoint a block of credentials is sent to -------------------------------------
@pytest.mark.parametrize("path,text,env", [
    # grafana/agent's agent-local-config.yaml: a Grafana Cloud key under remote_write's
    # basic_auth; the endpoint names production, whatever the file's name says
    ("cmd/agent/agent-local-config.yaml",
     "metrics:\n  configs:\n    - name: default\n      remote_write:\n"
     "      - url: https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push\n"
     f"        basic_auth:\n          username: 297344\n          password: {PW}\n", "production"),
    # the same block's key after it, and Alertmanager's http_config around basic_auth
    ("deploy/alertmanager.yml",
     "receivers:\n  - name: ops\n    webhook_configs:\n      - http_config:\n          basic_auth:\n"
     f"            password: {PW}\n        url: http://localhost:9093/hook\n", "development"),
    ("otel/config.yaml",
     "exporters:\n  otlphttp:\n    endpoint: https://otlp.staging.acme.io\n    headers:\n"
     f"      api-key: {PW}\n", "staging"),
])
def test_a_credentials_block_is_for_the_endpoint_its_parent_names(tmp_path, path, text, env):
    assert blast({path: text}, tmp_path).env == env


@pytest.mark.parametrize("text", [
    # another list item's endpoint; a URL beside a block that is no credentials' block
    "remote_write:\n  - url: https://prometheus-prod-01.grafana.net/api/prom/push\n  - name: other\n"
    f"    basic_auth:\n      password: {PW}\n",
    "service:\n  url: https://api.prod.acme.io\n  database:\n"
    f"    password: {PW}\n",
])
def test_an_endpoint_outside_the_credentials_block_s_own_parent_says_nothing(tmp_path, text):
    assert blast({"config/app.yml": text}, tmp_path).env == "unknown"



_RUST = """use std::str::FromStr;

pub const DEFAULT: &str = "postgres://app:{pw}1@db.internal.acme.io/app";

#[cfg(not(test))]
mod live {{
    pub const URL: &str = "postgres://app:{pw}2@db2.internal.acme.io/app";
}}

#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn parses() {{
        let url = format!("{{}}", "postgres://app:{pw}3@db3.internal.acme.io/app");
        assert!(url.len() > 0);
    }}
}}

#[cfg(all(test, feature = "mysql"))]
mod mysql_tests {{
    const URL: &str = "mysql://app:{pw}4@db4.internal.acme.io/app";
}}

pub const AFTER: &str = "postgres://app:{pw}5@db5.internal.acme.io/app";
"""


def test_a_rust_unit_test_module_s_values_are_test_values(tmp_path):
    """Rust keeps unit tests in the source file, in a #[cfg(test)] module (launchbadge/sqlx's
    URL parser tests: a Postgres URL of user `username` at `hostname`): a value there is a test's,
    whatever the file's path says; one outside the module, or in a #[cfg(not(test))] one, is not."""
    root = write_tree(tmp_path / "ws", {"src/options/parse.rs": _RUST.format(pw=PW)})
    env = {f.secret[-1]: (f.blast.env, " | ".join(f.blast.evidence)) for f in scan_api(root).findings}
    assert sorted(env) == ["1", "2", "3", "4", "5"], env
    assert {k for k, (e, why) in env.items() if e == "test" and "#[cfg(test)]" in why} == {"3", "4"}, env


def test_rust_test_module_spans():
    from detectors.generic import in_rust_test_module

    lines = _RUST.format(pw=PW).split("\n")
    inside = [i + 1 for i in range(len(lines)) if in_rust_test_module(i + 1, "src/a.rs", lines)]
    tests_at = lines.index("#[cfg(test)]") + 1
    mysql_at = lines.index('#[cfg(all(test, feature = "mysql"))]') + 1
    # each module from its attribute to its closing brace, nothing between or after them
    assert inside == list(range(tests_at, tests_at + 10)) + list(range(mysql_at, mysql_at + 4)), inside
    assert lines[tests_at + 8] == "}" and lines[mysql_at + 2] == "}"
    assert not any(in_rust_test_module(i + 1, "src/a.py", lines) for i in range(len(lines)))
    # `mod tests;` (its tests in another file): the next module is no test module
    other = ["#[cfg(test)]", "mod tests;", "mod live {", '    const URL: &str = "x";', "}"]
    assert not any(in_rust_test_module(i + 1, "src/b.rs", other) for i in range(len(other)))
    assert not in_rust_test_module(1, "", other) and not in_rust_test_module(1, None, other)


def test_a_vagrant_machine_s_provisioning_is_development(tmp_path):
    """Sylius' etc/vagrant/shell_provisioner/: the setup of a local virtual machine, as a
    Vagrantfile is; a folder merely named for it is not."""
    b = blast({"etc/vagrant/shell_provisioner/certs/server.key": _pem_in()}, tmp_path)
    assert b.env == "development" and "local-only" in ev(b), ev(b)
    b = blast({"tools/vagrant-cloud/certs/server.key": _pem_in()}, tmp_path / "2")
    assert b.env == "unknown", ev(b)


def test_a_folder_named_for_docker_compose_however_joined_is_local(tmp_path):
    """oathkeeper's `.docker_compose/jwks.json`: the keys of the containers a compose file
    starts on this machine, as a docker-compose/ folder's are; docker alone is not."""
    for i, folder in enumerate((".docker_compose", "docker_compose_files", "ci/compose.docker")):
        b = blast({f"{folder}/certs/server.key": _pem_in()}, tmp_path / str(i))
        assert b.env == "development" and "local-only" in ev(b), (folder, ev(b))
    b = blast({"docker/certs/server.key": _pem_in()}, tmp_path / "d")
    assert b.env == "unknown", ev(b)


def test_a_test_folder_s_word_written_in_two_is_still_its_word(tmp_path):
    """argo-workflows' manifests/quick-start/: the getting-started setup, as a quickstart/ is."""
    b = blast({"manifests/quick-start/base/httpbin/certs/server.key": _pem_in()}, tmp_path)
    assert b.env == "test" and "quick-start/" in ev(b), ev(b)
    b = blast({"manifests/quick_starts/certs/server.key": _pem_in()}, tmp_path / "2")
    assert b.env == "test", ev(b)
    b = blast({"manifests/quick-fix/certs/server.key": _pem_in()}, tmp_path / "3")
    assert b.env == "unknown", ev(b)


def test_a_database_s_seed_data_is_a_fixture(tmp_path):
    """bitwarden/server's util/Seeder/: the users and keys a new database is filled with; a
    word below it (`qa-free-account.json`) names no deployment of its own."""
    text = f'    ApiKey = "{PW}",\n'
    b = blast({"util/Seeder/Factories/UserSeeder.cs": text}, tmp_path)
    assert b.env == "test" and "Seeder" in ev(b), ev(b)
    b = blast({"util/Seeder/Seeds/fixtures/ciphers/qa-free-account.json": f'{{"password": "{PW}"}}\n'}, tmp_path / "2")
    assert b.env == "test", ev(b)


@pytest.mark.parametrize("marker,env", [
    # a framework's own variable for the environment (bagisto's `.env copy`, Laravel's APP_ENV)
    ("APP_ENV=local", "development"), ("NODE_ENV=production", "production"),
    ("ASPNETCORE_ENVIRONMENT=Staging", "staging"),
    # only the whole line, upper case, is the marker: another variable's value names nothing
    ("APP_NAME=local", "unknown"), ("app_env_note=local", "unknown"),
])
def test_a_framework_s_environment_variable_names_the_file_s_environment(tmp_path, marker, env):
    text = f"APP_NAME=Shop\n{marker}\nDB_PASSWORD={PW}\n"
    b = blast({"config/.env copy": text}, tmp_path)
    assert b.env == env, ev(b)


def test_a_ci_job_s_run_mode_is_no_environment(tmp_path):
    """lago-api's linters workflow starts the app with `RAILS_ENV: production` and a throwaway
    SECRET_KEY_BASE: the mode a CI run uses, not the deployment the key belongs to."""
    text = (f"jobs:\n  linters:\n    env:\n      RAILS_ENV: production\n      SECRET_KEY_BASE: {PW}\n"
            "    steps: []\n")
    b = blast({".github/workflows/linters.yml": text}, tmp_path)
    assert b.env == "unknown", ev(b)


def test_a_vendor_folder_with_a_qualifier_is_vendored(tmp_path):
    """pontoon's vendor-local/: Mozilla's folder of copied libraries, pyOpenSSL's test keys
    among them; its `local` names no development environment of ours."""
    b = blast({"vendor-local/lib/python/OpenSSL/test/certs/server.key": _pem_in()}, tmp_path)
    assert b.env == "test" and "vendored" in ev(b), ev(b)


def test_vagrant_s_published_insecure_key_is_local(tmp_path):
    """Vagrant's insecure_private_key, the key its documentation publishes for every box
    (FOSSBilling's puphpet/files/dot/ssh/): a local machine's key by name."""
    b = blast({"puphpet/files/dot/ssh/insecure_private_key": _pem_in()}, tmp_path)
    assert b.env == "development" and "local-only" in ev(b), ev(b)


@pytest.mark.parametrize("comment,env", [
    # a comment right above the value saying it must be changed for production (meltano's
    # api/config.py): the development default
    ("# Change this value in production", "development"),
    ("// TODO: replace this key before going to production", "development"),
    # or replaced with one's own (AgentGPT's settings.py)
    ("# Make sure you update this with your own secret key", "development"),
    ("# PUT YOUR OWN SECRET KEYBASE HERE", "development"),
    ("# Replace with your values", "development"),
    # (zero-to-jupyterhub's manifest, a proxy token made with pwgen)
    ("# Please generate a new one for your own deployment!", "development"),
    ("# you do not need to replace this with your own", "unknown"),
    # a comment that says it must not be changed, or Django's warning, says nothing of the kind
    ("# do not change this in production", "unknown"),
    ("# SECURITY WARNING: keep the secret key used in production secret!", "unknown"),
])
def test_a_comment_saying_to_change_the_value_for_production(tmp_path, comment, env):
    text = f"import os\n\n{comment}\nSECRET_KEY = \"{PW}\"\n\nDEBUG = False\n"
    b = blast({"app/config.py": text}, tmp_path)
    assert b.env == env, ev(b)
    # the comment above another value says nothing of this one
    far = f"import os\n\n{comment}\nDEBUG = False\nLOG = 1\nLEVEL = 2\n\nSECRET_KEY = \"{PW}\"\n"
    assert blast({"app/config.py": far}, tmp_path / "far").env == "unknown"


def test_a_commented_out_multi_line_value_is_named_on_its_commented_opening_line(tmp_path):
    """argo-helm's values.yaml: `# sample-ssh-key: |` above a commented-out PEM key."""
    commented = "".join("    # " + ln + "\n" for ln in _pem_in().splitlines())
    b = blast({"charts/argo-cd/values.yaml": "  sshKeys:\n    # sample-ssh-key: |\n" + commented}, tmp_path)
    assert b.env == "test" and "sample-ssh-key" in ev(b), ev(b)
    # a comment above that opens nothing names nothing
    b = blast({"charts/argo-cd/values.yaml": "  sshKeys:\n    # sample keys are below\n" + commented},
              tmp_path / "2")
    assert b.env == "unknown", ev(b)


def test_a_key_file_named_insecure_is_a_local_machine_s(tmp_path):
    """laradock's workspace/insecure_id_rsa: the key a tool publishes for its local machines."""
    b = blast({"workspace/insecure_id_rsa": _pem_in()}, tmp_path)
    assert b.env == "development" and "local-only" in ev(b), ev(b)
    b = blast({"workspace/id_rsa_insecurely_kept": _pem_in()}, tmp_path / "2")
    assert b.env == "unknown", ev(b)


_GUESSED = "Wq7Zr" + "K2vLx9pNc4TbYh8Md"  # a made-up value under a secret's name


@pytest.mark.parametrize("text", [
    # gcsfs's installed-app OAuth client, in a mapping named for what it is
    'not_secret = {"client_id": "1234-abc.apps.googleusercontent.com",\n'
    f'              "client_secret": "{_GUESSED}"}}\n',
    # a comment after it, a comment right above it
    f'CLIENT_SECRET = "{_GUESSED}"  # not really a secret: the desktop app ships it\n',
    f'# This is not a secret; every install has it\nCLIENT_SECRET = "{_GUESSED}"\n',
    f'NON_SECRET_DEFAULTS:\n  api_secret: {_GUESSED}\n',
    # not sensitive (garden's analytics keys)
    f"// These keys aren't sensitive, so we ship them\nSEGMENT_API_KEY = \"{_GUESSED}\"\n",
    f'NON_SENSITIVE_DEFAULTS = {{\n    "api_token": "{_GUESSED}",\n}}\n',
])
def test_a_guess_the_code_calls_no_secret_is_rated_low(tmp_path, text):
    b = blast({"app/config.py" if "=" in text else "app/config.yaml": text}, tmp_path)
    assert b.severity == "low" and "calls it no secret" in ev(b), ev(b)


@pytest.mark.parametrize("text", [
    # a comment about the line above it, not about the secret
    f'# the user name is not a secret\nDB_USER = "admin"\nDB_PASSWORD = "{_GUESSED}"\n',
    # words that are not about the value
    f'# do not commit secrets here\nDB_PASSWORD = "{_GUESSED}"\n',
    f'DB_PASSWORD = "{_GUESSED}"  # keep secret\n',
    f'API_TOKEN = "{_GUESSED}"  # the comparison is not sensitive to timing\n',
    # code that tests for no secret (pritunl's radius.py reads one when none is set)
    f'if not secret:\n    secret = "{_GUESSED}"\n',
])
def test_words_about_something_else_leave_a_guess_as_it_is(tmp_path, text):
    b = blast({"app/config.py": text}, tmp_path)
    assert b.severity == "medium" and "no secret" not in ev(b), ev(b)


def test_a_provider_s_key_stays_what_it_is_whatever_the_comment_says(tmp_path):
    b = blast({"app/config.py": f'STRIPE = "{SK_LIVE}"  # not a secret\n'}, tmp_path)
    assert b.severity == "critical", ev(b)


@pytest.mark.parametrize("path", ["helm/opal-server-chart/values-tilt.yaml", "deploy/minikube/secret.yaml"])
def test_a_local_cluster_tool_s_values_are_development(tmp_path, path):
    """opal's values-tilt.yaml: the values Tilt deploys to a developer's own cluster."""
    b = blast({path: "env:\n  PRIVATE_KEY: |\n" + "".join("    " + ln + "\n" for ln in _pem_in().splitlines())}, tmp_path)
    assert b.env == "development", ev(b)


# ---- privilege: what an Nx Cloud CI access token says of itself -------------------------------
@pytest.mark.parametrize("access,privilege", [("read-only", "read"), ("read", "read"), ("read-write", "write")])
def test_an_nx_cloud_token_s_access_sets_its_privilege(tmp_path, access, privilege):
    """The token is base64 of its workspace token's UUID and its access (ghostfolio's nx.json
    kept a read-only one, as Nx Cloud's guide lets public repositories do)."""
    token = base64.b64encode(f"5f0c9a1e-7b2d-4c3e-9a8f-1d2e3f4a5b6c|{access}".encode()).decode()
    b = blast({"nx.json": '{\n  "tasksRunnerOptions": {"default": {"options": {"accessToken": "' + token + '"}}}\n}\n'},
              tmp_path, token)
    assert b.privilege == privilege


# ---- a public-by-design rule's places of a value another rule reports ------------------------
_ALG = "5c0e7a19d2b8" + "4f63a91e0d47b2c83f5e"


def test_a_value_a_public_rule_saw_is_a_place_of_the_credential_another_rule_reports(tmp_path):
    """botpress pushed its docs' index with its Algolia admin key (`jekyll algolia push`)
    and put the same key in its docsearch() call: both are places of the admin key."""
    root = write_tree(tmp_path / "ws", {
        "docs/Makefile": f"index:\n\tALGOLIA_API_KEY={_ALG} bundle exec jekyll algolia push\n",
        "docs/assets/search.js": f"docsearch({{\n  apiKey: '{_ALG}',\n  indexName: 'acme-docs',\n}});\n",
    })
    fs = [f for f in scan_api(root).findings if f.secret == _ALG]
    assert [f.rule.id for f in fs] == ["algolia-admin-key"]
    assert sorted(loc.path for loc in fs[0].locations) == ["docs/Makefile", "docs/assets/search.js"]


def test_a_value_a_public_rule_saw_is_not_reported_from_a_generic_guess_elsewhere(tmp_path):
    root = write_tree(tmp_path / "ws", {
        "website/docusaurus.config.js": f"  algolia: {{\n    apiKey: '{_ALG}',\n    indexName: 'acme',\n  }},\n",
        "scripts/search.py": f'API_KEY = "{_ALG}"\n',
    })
    assert not [f for f in scan_api(root).findings if f.secret == _ALG]


# ---- a token's hand-made variants ---------------------------------------------------------------
_SBP = "sbp_04fee3d26b63d9a3" + "557c72a1b9902cbb8412c836"
_SBP2 = "sbp_9a1c7e42f0b85d36" + "e2a4c19f07b3d58e6a2f41c9"  # another token, made anew


def test_tokens_edited_from_one_another_are_a_test_s_variants(tmp_path):
    """supabase/supavisor's just-in-time access tests: one token, a few characters changed,
    its start replaced (critical each, account-wide by type, before)."""
    cases = [_SBP, _SBP[:-3] + "000", "sbp_aaaa00" + _SBP[10:]]
    text = "".join(f'    {{"auth": "{c}", "expected_role": "postgres"}},\n' for c in cases)
    root = write_tree(tmp_path / "ws", {"priv/jit/server.py": "testCases = [\n" + text + "]\n"})
    fs = [f for f in scan_api(root).findings if f.rule.id == "supabase-access-token"]
    assert len(fs) == 3 and {f.blast.severity for f in fs} == {"low"}
    assert any("hand-made variants" in e for e in fs[0].blast.evidence)


def test_a_sandbox_key_and_its_live_form_cut_from_it_are_variants(tmp_path):
    """checkout-sdk-python's tests build an SDK with a sandbox key and with the same key
    without `sbox_` (critical each before: account-wide, in a test folder)."""
    body = "m73dzbpy7cf3gfd46xr4yj5xo4e"
    text = (f"def test_sandbox():\n    CheckoutSdk.builder().secret_key('sk_sbox_{body}')\n\n\n"
            f"def test_production():\n    CheckoutSdk.builder().secret_key('sk_{body}')\n")
    root = write_tree(tmp_path / "ws", {"tests/checkout_sdk_test.py": text})
    fs = {f.secret: f.blast for f in scan_api(root).findings if f.rule.id == "checkout-secret-key"}
    assert {s: b.severity for s, b in fs.items()} == {f"sk_sbox_{body}": "low", f"sk_{body}": "low"}
    assert fs[f"sk_sbox_{body}"].env == "test" and "key prefix sk_sbox_ means test" in ev(fs[f"sk_sbox_{body}"])


def test_two_tokens_made_anew_are_no_variants(tmp_path):
    root = write_tree(tmp_path / "ws", {"deploy/tokens.env": f"SUPABASE_ACCESS_TOKEN={_SBP}\nSUPABASE_CI_TOKEN={_SBP2}\n"})
    fs = [f for f in scan_api(root).findings if f.rule.id == "supabase-access-token"]
    assert len(fs) == 2 and {f.blast.severity for f in fs} == {"critical"}


@pytest.mark.parametrize("a,b,same", [
    ("dop_v1_53918d3cd735062ca6ea7914", "dop_v1_53918d3cd735062ca6ea791427", True),  # cut short
    ("dop_v1_53918d3cd735062ca6ea7914", "doo_v1_53918d3cd735062ca6ea7914", True),
    ("sbp_04fee3d26b63d9a3557c72a1", "sbp_9a1c7e42f0b85d36e2a4c19f", False),
    ("sbp_04fee3d26b63d9a3557c72a1", "sbp_04fee3d26b63d9a3557c72a1", False),  # one token, not two
    # a few characters put in or taken out in one place (checkout-sdk-python's sandbox key, `sbox_` cut out)
    ("sk_sbox_" + "m73dzbpy7cf3gfd46xr4yj5xo4e", "sk_" + "m73dzbpy7cf3gfd46xr4yj5xo4e", True),
    ("sk_sbox_" + "3qpejgruq6bb5bjuqasy7mir5ay", "sk_" + "m73dzbpy7cf3gfd46xr4yj5xo4e", False),
    # many characters put in: no hand edit of one token
    ("sbp_04fee3d26b63d9a3557c72a1", "sbp_04fee3d2" + "9a1c7e42f0b85d36e2a4c1" + "6b63d9a3557c72a1", False),
])
def test_variants_are_few_characters_apart_or_one_the_other_cut_short(a, b, same):
    from scanner.blast import _variants

    assert _variants(a, b) is same
