"""Structured credential files (detectors/structured): every structured rule's examples parsed
as whole files, exact positions and context for the main formats, the virtual-text helpers
(notebooks, Kubernetes Secrets, decoding) and hostile input."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from detectors.structured import (
    decoded_texts,
    is_structured_candidate,
    k8s_secret_texts,
    notebook_texts,
    scan_structured,
)
from detectors.structured._util import is_placeholder
from scanner import rules as rules_mod

STRUCTURED_YAML = Path(rules_mod.RULES_DIR) / "structured.yaml"
RULES = rules_mod.parse_rule_files([STRUCTURED_YAML])
ALL_IDS = {r.id for r in rules_mod.parse_rule_files(rules_mod.rule_files())}


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def _hits(path, text, rule_id=None):
    hs = scan_structured(path, text)
    return [h for h in hs if rule_id is None or h.rule_id == rule_id]


# --- the rule file itself ---------------------------------------------------------------

def test_every_rule_is_structured_and_complete():
    assert RULES
    for r in RULES:
        assert r.structured, r.id
        assert r.example_path, r.id
        assert len(r.positive) >= 3 and len(r.negative) >= 3, r.id
        assert r.impact and r.description and r.name, r.id


def test_structured_ids_do_not_shadow_regex_rules():
    # aws-secret-access-key (and pypi-token) are emitted by parsers but owned by the regex rules
    ids = {r.id for r in RULES}
    assert "aws-secret-access-key" not in ids
    assert "pypi-token" not in ids


@pytest.mark.parametrize("rule,i", [(r, i) for r in RULES for i in range(len(r.positive))],
                         ids=lambda x: x.id if hasattr(x, "id") else str(x))
def test_positive_examples(rule, i):
    hs = _hits(rule.example_path, rule.positive[i], rule.id)
    assert hs, f"{rule.id} positive #{i} produced no hit"
    for h in hs:
        assert h.secret and h.line >= 1 and h.column >= 1
        assert h.secret not in ("", None)


@pytest.mark.parametrize("rule,i", [(r, i) for r in RULES for i in range(len(r.negative))],
                         ids=lambda x: x.id if hasattr(x, "id") else str(x))
def test_negative_examples(rule, i):
    hs = _hits(rule.example_path, rule.negative[i], rule.id)
    assert not hs, f"{rule.id} negative #{i} produced {[(h.line, h.secret) for h in hs]}"


# --- positions and context --------------------------------------------------------------

KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- name: prod-eu
  cluster:
    server: https://k8s.prod-eu.acme.internal:6443
- name: dev
  cluster:
    server: https://127.0.0.1:6443
contexts:
- name: prod
  context:
    cluster: prod-eu
    user: deployer
    namespace: payments
- name: dev
  context:
    cluster: dev
    user: dev-admin
users:
- name: deployer
  user:
    token: QL05HA064GiIjHGb3CXlMaXZjljENUhJduRHHJEY
- name: dev-admin
  user:
    username: admin
    password: "Tq9vL2xR7mW4nK8z"
    client-key-data: {key}
""".replace("{key}", _b64("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBq9vL2xR7mW4nK8zTq9vL2xR7mW4nK8zoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n"))


def test_kubeconfig_lines_and_context():
    hs = {h.rule_id: h for h in scan_structured(".kube/config", KUBECONFIG)}
    assert set(hs) == {"kubeconfig-token", "kubeconfig-password", "kubeconfig-client-key"}
    tok = hs["kubeconfig-token"]
    assert (tok.line, tok.column) == (23, 12)
    assert tok.secret == "QL05HA064GiIjHGb3CXlMaXZjljENUhJduRHHJEY"
    assert tok.context["section"][0] == "prod"
    assert tok.context["host"] == "k8s.prod-eu.acme.internal"
    assert tok.context["key"] == "token"
    assert tok.context["namespace"] == "payments"
    pw = hs["kubeconfig-password"]
    assert (pw.line, pw.column) == (27, 16) and pw.secret == "Tq9vL2xR7mW4nK8z"
    assert pw.context["section"][0] == "dev" and pw.context["host"] == "127.0.0.1" and pw.context["user"] == "admin"
    key = hs["kubeconfig-client-key"]
    assert key.line == 28 and base64.b64decode(key.secret).startswith(b"-----BEGIN EC PRIVATE KEY")


@pytest.mark.parametrize("path", ["kubeconfig", "deploy/kubeconfig.yaml", "ci/admin.kubeconfig", ".kube/config"])
def test_kubeconfig_file_names(path):
    assert _hits(path, KUBECONFIG, "kubeconfig-token")


def test_netrc_lines_and_hosts():
    text = ("# work\n"
            "machine api.heroku.com\n"
            "  login ops@acme.io\n"
            "  password 6Yo4gfqrc5XlrWi0B26R08qzjI6GKFSu\n"
            "macdef init\n"
            "  password not-a-password-here\n"
            "\n"
            "machine github.com login bot password ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3\n")
    hs = _hits(".netrc", text, "netrc-password")
    assert [(h.line, h.column, h.context["host"], h.context["user"]) for h in hs] == [(8, 39, "github.com", "bot")]
    assert hs[0].secret == "ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3"
    assert _hits("_netrc", text, "netrc-password")
    # the Heroku CLI's entry is the account's API key, and rated as one
    (h,) = _hits(".netrc", text, "heroku-api-key")
    assert (h.line, h.column, h.context["host"]) == (4, 12, "api.heroku.com")


def test_structured_registry_drives_dispatch_and_marker():
    """Issue 14: the parsers and the engine's marker come from one registry."""
    import re
    from detectors.structured_registry import MARKER, PARSERS
    from scanner.engine import STRUCTURED_CANDIDATE
    assert STRUCTURED_CANDIDATE == MARKER
    for entry in PARSERS:
        assert entry.wants is None or entry.marker, entry.module  # content parsers need a marker
    # an auths map in any JSON file, a Secret in JSON or as an indented list item
    auths = '{"auths": {"registry.acme.io": {"auth": "ZGVwbG95OlZiOG5RMnhMcjVUa1c5bVo="}}}'
    assert re.search(MARKER, auths) and _hits("deploy/pull-secret.json", auths, "docker-config-auth")
    secret_list = ("apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n"
                   "    metadata: {name: db}\n    stringData:\n      DB_PASSWORD: Qz7vR2mXk9LpT4wN\n")
    assert re.search(MARKER, secret_list)
    (h,) = _hits("k8s/all.yaml", secret_list, "kubernetes-secret")
    assert h.line == 8
    assert not is_structured_candidate("src/app.py", auths)


def test_the_marker_is_each_parser_s_own_key_not_a_common_word():
    """A structured marker sends a content to be confirmed whole, in every version of it in
    the history. `"auth` matched every package.json's `"author"` and `kind:` every
    Kubernetes manifest: getsentry/sentry-javascript's 24,147 package.json versions were
    each confirmed for nothing, and `"auth"` every AWS service model's list of signing
    schemes. A Docker config and a kubeconfig still carry theirs, and their credentials are
    still found."""
    import re
    from detectors.structured_registry import MARKER

    package_json = '{\n  "name": "@acme/core",\n  "author": "Acme",\n  "authors": ["x"]\n}\n'
    manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
    # an AWS service model (botocore's data in aws/aws-cli): its signing schemes, not a registry's auth
    service_model = '{\n  "metadata": {\n    "apiVersion": "2010-03-31",\n    "auth": ["aws.auth#sigv4"]\n  }\n}\n'
    for text in (package_json, manifest, service_model):
        assert not re.search(MARKER, text), text
    legacy = '{"https://index.docker.io/v1/": {"auth": "ZGVwbG95OlZiOG5RMnhMcjVUa1c5bVo=", "email": "a@b.c"}}'
    assert re.search(MARKER, legacy) and _hits(".dockercfg", legacy, "docker-config-auth")
    for kind in ("kind: Config", '"kind": "Config"', "kind: 'Config'"):
        assert re.search(MARKER, kind), kind


def test_gcp_service_account_line_and_project():
    rule = next(r for r in RULES if r.id == "gcp-service-account-key")
    (h,) = _hits("keys/sa.json", rule.positive[0], "gcp-service-account-key")
    assert h.line == 5
    assert h.secret.startswith("-----BEGIN PRIVATE KEY-----\nMIIEvQ")  # unescaped PEM
    assert h.secret.endswith("-----END PRIVATE KEY-----\n")
    assert h.context["section"][0] == "acme-prod"
    assert h.context["user"] == "deployer@acme-prod.iam.gserviceaccount.com"
    assert h.context["key_id"] == "3f1c2b7a9e8d6c5b4a3f2e1d0c9b8a7f6e5d4c3b"
    line = rule.positive[0].splitlines()[h.line - 1]
    assert line[h.column - 1:].startswith("-----BEGIN PRIVATE KEY-----")


def test_a_service_account_key_is_one_finding_not_two():
    """The private_key of a service-account file is a PEM key written with escaped newlines:
    the private-key rule read it escaped, the parser unescaped, and the same key was
    reported twice (firebase-admin-python's history). The service account's finding stays."""
    import random

    from scanner.detect import detect
    from scanner.engine import Engine
    from scanner.rules import load_rules

    rng = random.Random(5)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC" + "".join(rng.choice(alphabet) for _ in range(1550))
    pem = "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(body[i:i + 64] for i in range(0, len(body), 64)) + \
        "\\n-----END PRIVATE KEY-----\\n"
    sa = ('{\n  "type": "service_account",\n  "project_id": "acme-data",\n  "private_key_id": "0f1e2d3c",\n'
          f'  "private_key": "{pem}",\n  "client_email": "etl@acme-data.iam.gserviceaccount.com"\n}}\n')
    hits = detect(Engine(load_rules(), use_hyperscan=False), sa.encode(), "keys/etl.json")[0]
    assert [(h.rule_id, h.line) for h in hits] == [("gcp-service-account-key", 5)]
    # a PEM key alone, escaped in a JSON string, is still found
    alone = f'{{\n  "tls_key": "{pem}"\n}}\n'
    assert [h.rule_id for h in detect(Engine(load_rules(), use_hyperscan=False), alone.encode(), "cfg.json")[0]] \
        == ["private-key"]


AWS_CREDENTIALS = """\
[default]
aws_access_key_id = AKIAQL05HA064GIIJHGB
aws_secret_access_key = fzjsQGMrb9h+ImB+LK777pzNk8cL6j5IXAAjlsHU

[prod]
aws_access_key_id=AKIAXG4JDPMRCXGGCJBW
aws_secret_access_key=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
aws_session_token=IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJGMEQCIH87q7J58m1CiAhzCueQpBenQtYh5Xj8T

[sandbox]
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""


@pytest.mark.parametrize("path", [".aws/credentials", "home/me/.aws/credentials", ".aws/config", "ci/aws.ini"])
def test_aws_credentials_profiles(path):
    hs = _hits(path, AWS_CREDENTIALS)
    got = [(h.rule_id, h.line, h.context["section"][0]) for h in hs]
    assert got == [("aws-secret-access-key", 3, "default"), ("aws-secret-access-key", 7, "prod"),
                   ("aws-session-token", 8, "prod")]
    assert hs[0].column == 25 and hs[0].secret == "fzjsQGMrb9h+ImB+LK777pzNk8cL6j5IXAAjlsHU"
    assert hs[1].context["access_key_id"] == "AKIAXG4JDPMRCXGGCJBW"


def test_aws_config_profile_prefix():
    text = "[profile staging]\nregion = eu-west-1\naws_secret_access_key = qJoUD/+Ydua+5ZMs1SWOpQaPRYpzbLGViYXjU2Jg\n"
    (h,) = _hits(".aws/config", text)
    assert h.context["section"][0] == "staging"


def test_pypirc_token_uses_pypi_token_rule():
    text = "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcCJGE4ZjQ1OWQ1LWI2NzktNGFjYi1iYTQ2LWM5ZDhhNzk2YmQ3OQ\n"
    hs = _hits(".pypirc", text)
    assert [(h.rule_id, h.line, h.context["section"][0], h.context["host"]) for h in hs] == [
        ("pypi-token", 3, "pypi", "upload.pypi.org")]


@pytest.mark.parametrize("path", [".coveralls.yml", "sub/.coveralls.yaml"])
def test_coveralls_config_token_is_the_coveralls_rule_s(path):
    # coveralls-python's documented file: no provider named beside the value
    text = "# Coveralls\nservice_name: travis-pro\nrepo_token: 'Hq7ZtR2mXk9LpT4wNb3VcJ6sYd8Fg1Ae0'\nparallel: true\n"
    assert [(h.rule_id, h.secret, h.line, h.column, h.context["key"], h.context["service"]) for h in _hits(path, text)] == [
        ("coveralls-repo-token", "Hq7ZtR2mXk9LpT4wNb3VcJ6sYd8Fg1Ae0", 3, 14, "repo_token", "travis-pro")]
    # coveralls-ruby's other key; a stand-in and a value from the environment are not tokens
    assert [h.line for h in _hits(path, "repo_secret_token: Wn6pY1cRt8bKs3HqZx5Vt2LmQ9\n")] == [1]
    assert _hits(path, "repo_token: <your repo token>\n") == []
    assert _hits(path, "repo_token: ${COVERALLS_REPO_TOKEN}\n") == []
    assert _hits("coveralls.yml.example", text) == []  # the name decides: no other file is parsed as it


def test_npmrc_skips_npm_tokens_and_reports_host():
    text = ("//registry.npmjs.org/:_authToken=npm_QL05HA064GiIjHGb3CXlMaXZjljENUhJduRH\n"
            "//npm.pkg.github.com/:_authToken=ghp_rCaqx9vJupc94tnwlavyfErGPmpGXafq0fjz\n")
    hs = _hits(".npmrc", text)
    assert [(h.rule_id, h.line, h.column, h.context["host"]) for h in hs] == [
        ("npmrc-auth", 2, 34, "npm.pkg.github.com")]


def test_docker_config_decodes_password():
    text = json.dumps({"auths": {"registry.prod.acme.io": {"auth": _b64("deploybot:Xg4JdpmrcXgGCJbW56eC")}}}, indent=2)
    (h,) = _hits(".docker/config.json", text, "docker-config-auth")
    assert h.secret == "Xg4JdpmrcXgGCJbW56eC"
    assert h.context["user"] == "deploybot" and h.context["host"] == "registry.prod.acme.io"
    assert h.line == 4
    # any other config.json without auths is not a docker config
    assert not _hits("config.json", '{"name": "app", "auth": false}')


def test_maven_settings_servers_in_comments_are_samples_and_lines_stay_put():
    """Maven's settings.xml template comments its sample servers out: not read. A server after
    a comment keeps its line; a comment left open runs to the end, as XML reads it."""
    server = "<server>\n  <id>acme</id>\n  <password>Vb8nQ2xLr5TkW9mZ</password>\n</server>\n"
    text = "<servers>\n<!-- a sample\n" + server + "-->\n" + server + "</servers>\n"
    (h,) = _hits("settings.xml", text, "maven-server-password")
    assert (h.line, h.column) == (10, 13)
    assert not _hits("settings.xml", "<servers>\n<!-- <!-- <!--\n" + server + "</servers>\n")


def test_git_credentials():
    text = "https://deploy:ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3@github.com\nhttps://gitlab.com\n"
    (h,) = _hits(".git-credentials", text)
    assert (h.rule_id, h.line, h.column, h.context["host"], h.context["user"]) == (
        "git-credentials", 1, 16, "github.com", "deploy")


def test_terraform_sections_and_interpolations():
    text = ('provider "aws" {\n'
            '  region     = "eu-west-1"\n'
            '  access_key = "AKIAQL05HA064GIIJHGB"\n'
            '  secret_key = "fzjsQGMrb9h+ImB+LK777pzNk8cL6j5IXAAjlsHU"\n'
            '  token      = var.session_token\n'
            '}\n'
            'resource "aws_db_instance" "prod" {\n'
            '  tags = {\n'
            '    Name = "db"\n'
            '  }\n'
            '  password = "${var.db_password}"\n'
            '  master_password = "Pr0d-Db-9xQ2vL7mK4tZ"\n'
            '}\n')
    hs = _hits("infra/main.tf", text, "terraform-secret")
    assert [(h.line, h.context["key"], h.context["section"][0]) for h in hs] == [
        (4, "secret_key", "aws"), (12, "master_password", "aws_db_instance.prod")]
    tfvars = 'region = "eu-west-1"\ndb_password = "Pr0d-Db-9xQ2vL7mK4tZ"\napi_token = "${TOKEN}"\n'
    hs = _hits("env/prod.tfvars", tfvars, "terraform-secret")
    assert [(h.line, h.column, h.context["key"]) for h in hs] == [(2, 16, "db_password")]


@pytest.mark.parametrize("text", [
    'variable "db_password" {\n  type = string\n  default = "Pr0d-Db-9xQ2vL7mK4tZ"\n}\n',
    'variable "region" {\n  default = "Pr0d-Db-9xQ2vL7mK4tZ"\n}\n',  # a default, not a secret's
    'variable "db_password" {\n  default = "${var.x}"\n}\nvariable "region" {\n  default = "eu-west-1"\n}\n',
    'resource "aws_db_instance" "prod" {\r\n  "master_password" = "Pr0d-Db-9xQ2vL7mK4tZ" # set by hand\r\n}\r\n',
    'resource "x" "y" {\r  password = "Pr0d-Db-9xQ2vL7mK4tZ"\r}\r',  # old Mac line ends
    'locals {\u2028  api_token = "Tq9vL2xR7mW4nK8zPq3s"\u2028}\n',  # a line break only splitlines sees
    'resource "x" "y" {\n  description = "the password of the database"\n  tags = { Name = "db" }\n}\n',
])
def test_terraform_quick_answer_is_the_walks(text):
    """The parser first asks each distinct line what it can lead to (remembered across
    versions) and walks a version's lines only when a hit is possible: its answer must be
    the walk's, version after version, whatever the line breaks."""
    from detectors.structured import terraform

    for _ in range(2):  # the second time from the remembered lines
        assert [(h.secret, h.line, h.context) for h in terraform.scan(text)] == \
            [(h.secret, h.line, h.context) for h in terraform._walk(text)]


def test_terraform_names_about_a_secret_and_urls_with_stand_in_passwords():
    """hashicorp/vault-guides: a role's name under `aws_auth_iam_role` (auth is a secret word,
    role is what the name holds) and a connection string whose URL's password is a stand-in
    are not secrets; a URL with a real password still is."""
    text = ('variable "aws_auth_iam_role" {\n  default = "NoRole"\n}\n'
            'variable "db_connection_string" {\n  default = "postgres://USERNAME:PASSWORD@URL"\n}\n'
            'variable "db_url_secret" {\n  default = "postgres://username:password@host:port/database"\n}\n'
            'variable "db_connection_string_prod" {\n  default = "postgres://app:Tq9vL2xR7mW4nK8z@db.acme.io/app"\n}\n')
    hs = _hits("ops/variables.tf", text, "terraform-secret")
    assert [(h.line, h.secret) for h in hs] == [(11, "postgres://app:Tq9vL2xR7mW4nK8z@db.acme.io/app")]


def test_terraform_settings_named_like_secrets_are_not_secrets():
    """getmoto/moto's RDS proxy: an `auth` block's scheme and an upper-case allowed value
    under a name holding `auth` are settings; a password stays a password whatever its case."""
    text = ('resource "aws_db_proxy" "main" {\n  auth {\n    auth_scheme = "SECRETS"\n'
            '    iam_auth    = "REQUIRED"\n    password    = "HUNTERTWOX"\n  }\n}\n')
    hs = _hits("infra/proxy.tf", text, "terraform-secret")
    assert [(h.line, h.secret) for h in hs] == [(5, "HUNTERTWOX")]


def test_terraform_the_namespace_a_credential_lives_in_is_no_secret():
    """terraform-google-kubernetes-engine's ACM module: the namespace and the name of the
    Secret holding git credentials are names; the credential itself would be reported."""
    text = ('module "acm" {\n  operator_credential_namespace = "config-management-system"\n'
            '  operator_credential_name      = "git-creds"\n  git_credential = "Tq9vL2xR7mW4nK8z"\n}\n')
    hs = _hits("modules/acm/main.tf", text, "terraform-secret")
    assert [(h.line, h.secret) for h in hs] == [(4, "Tq9vL2xR7mW4nK8z")]


def test_terraform_values_are_judged_as_the_generic_detector_judges_them():
    """cloudposse/terraform-aws-components: under a secret's name, an SSM parameter's path,
    a word naming a Kubernetes Secret, `default`, and a token validity's units in a map are
    not secrets; a random value beside them still is."""
    text = ('variable "github_netrc_ssm_path_token" {\n  type = string\n  default = "/github/token"\n}\n'
            'variable "ssm_github_api_key" {\n  default = "/argocd/github/api_key"\n}\n'
            'variable "kube_secret" {\n  default = "tailscale"\n}\n'
            'variable "datadog_api_secret_key" {\n  default = "default"\n}\n'
            'variable "client_token_validity_units" {\n  type = any\n  default = {\n'
            '    access_token  = "minutes"\n    refresh_token = "days"\n  }\n}\n'
            'variable "datadog_api_key" {\n  default = "Tq9vL2xR7mW4nK8zPq3s"\n}\n')
    hs = _hits("modules/eks/variables.tf", text, "terraform-secret")
    assert [(h.line, h.secret) for h in hs] == [(22, "Tq9vL2xR7mW4nK8zPq3s")]


@pytest.mark.parametrize("path", [".env", ".env.production", "config/prod.env", "deploy/.env.local"])
def test_dotenv_file_names(path):
    (h,) = _hits(path, "APP=shop\nDB_PASSWORD=Tq9vL2xR7mW4nK8z\n", "dotenv-secret")
    assert (h.line, h.column, h.context["key"]) == (2, 13, "DB_PASSWORD")


def test_a_template_env_file_holds_stand_ins():
    """The FastAPI full-stack template ships a .env whose every secret is `changethis`, and a
    URL built from them (`postgresql://postgres:${POSTGRES_PASSWORD}@localhost/app`): the
    values to change, not credentials. A real value beside them is still found."""
    text = ("SECRET_KEY=changethis\nFIRST_SUPERUSER_PASSWORD=changethis\nPOSTGRES_PASSWORD=changethis\n"
            "DATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@localhost:5432/app\n"
            "FLOWER_BASIC_AUTH=admin:changethis\nSENTRY_TOKEN=Tq9vL2xR7mW4nK8z\n")
    assert [h.secret for h in scan_structured(".env", text)] == ["Tq9vL2xR7mW4nK8z"]


def test_ordinary_files_are_not_candidates():
    src = 'PASSWORD = "Tq9vL2xR7mW4nK8z"\nprint("kind: Config users:")\n'
    for path in ("app.py", "src/index.ts", "README.md", "Makefile", "docs/guide.txt", "values.yaml"):
        assert scan_structured(path, src) == []
    assert not is_structured_candidate("app.py", src)
    assert not is_structured_candidate("deploy/values.yaml", "replicas: 3\nimage: nginx\n")
    assert is_structured_candidate(".env", "")


@pytest.mark.parametrize("value", ["", "changeme", "password", "xxxxxxxxxxxx", "<your-token>", "${TOKEN}",
                                   "{{ .Values.x }}", "your-api-key", "AKIAIOSFODNN7EXAMPLE", "example",
                                   "dummy", "***", "aaaaaaaaaa", "REDACTED", "DATA+OMITTED",
                                   # a template's reference in braces (.NET Aspire, C#, str.format)
                                   "{GeneratePassword}", "{postgres.inputs.password}",
                                   # "change me" spelt with digits for letters
                                   "ch4ngeMe~", "r3plac3_m3",
                                   # words naming the secret that goes there
                                   "access_secret", "client-secret-value",
                                   # base64 of a sentence, of a JWT's header alone
                                   "dGhpcyBpcyBhIGZha2UgYmVhcmVyIHRva2VuIQ==", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
                                   # a slot's name in Pascal case; metasyntactic words, once or repeated
                                   "AppSecret", "ServicePassword", "foobar", "bazbazbaz", "foo_bar_baz1", "SpamEggs",
                                   # as a server reads it, %-escapes decoded; a word in a syntax's brackets
                                   "bar%25baz", "my%2Dsecret", "password]]", "[token]",
                                   # the writer saying what goes there, before a made-up tail
                                   "RANDOMCHARS----CWufYlGyjPc", "random-string-Kq8vT2mW", "RandomCharacters7Tq9",
                                   # a run of filler after a few characters, however long
                                   "Kq8vT2" + "x" * 70, "sk_live_" + "0" * 60])
def test_placeholders(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["Tq9vL2xR7mW4nK8z", "ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3",
                                   # an ODBC value quoted in braces, and one with digits that may be a password
                                   "{Tq9v;L2xR7m}", "{Tq9vL2xR7mW4}", "h4ck3r-Tq9vL2",
                                   # weak passwords, not stand-ins (noseyparker's and CredSweeper's examples)
                                   "super$ecret", "PaS5w0rD2#",
                                   # a name and a number is a weak password; a word that starts like foo is a word
                                   "fred1984", "football", "barbecue22", "Kq8vFooBarT2mW", "Kq8v%21T2mWx9",
                                   # a long token whose run of one character is its encoding's (STS)
                                   "FwoGZXIvYXdzEOnV6ye//////////wEa9P3pFIEH9FzHZfJrBniKpdY8txzLkm30fde4bhIl"])
def test_not_placeholders(value):
    assert not is_placeholder(value)


# --- virtual texts for the engine ---------------------------------------------------------

def _notebook() -> str:
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "some text"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {},
             "outputs": [{"name": "stdout", "output_type": "stream", "text": ["token is ghp_abc\n"]}],
             "source": ["import os\n", "key = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n", "print(key)"]},
            {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [], "source": "x = 1"},
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1)


def test_notebook_texts_line_mapping():
    text = _notebook()
    lines = text.splitlines()
    got = notebook_texts(text)
    assert [t for _, t in got] == ["# Title\nsome text", "token is ghp_abc\n",
                                   'import os\nkey = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\nprint(key)', "x = 1"]
    for first_line, vt in got:
        # each virtual line k sits at file line first_line + k - 1 (one JSON string per line)
        for k, vline in enumerate(vt.splitlines()):
            assert json.dumps(vline)[1:-1] in lines[first_line - 1 + k], (first_line, k, vline)
    src_line = got[2][0] + 1  # the key = ... line
    assert "sk_live_4eC39HqLyjWDarjtT1zdp7dc" in lines[src_line - 1]


def test_notebook_texts_compact_and_not_scanned_as_structured():
    text = json.dumps(json.loads(_notebook()))  # one line
    got = notebook_texts(text)
    assert len(got) == 4 and all(line == 1 for line, _ in got)
    assert scan_structured("analysis.ipynb", text) == []


K8S_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: app
  namespace: production
type: Opaque
data:
  DATABASE_URL: {url}
  username: YWRtaW4=
  DB_PASSWORD: {pw}
  bad: '!!!notbase64'
stringData:
  GITHUB_TOKEN: ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3
""".format(url=_b64("postgres://app:Pr0d9xQ2vL7m@prod-db.acme.internal:5432/app"), pw=_b64("Pr0d-Db-9xQ2vL7mK4tZ"))


def test_k8s_secret_texts():
    got = k8s_secret_texts(K8S_SECRET)
    assert [(line, t) for line, t, _ in got] == [
        (8, "DATABASE_URL=postgres://app:Pr0d9xQ2vL7m@prod-db.acme.internal:5432/app"),
        (9, "username=admin"),
        (10, "DB_PASSWORD=Pr0d-Db-9xQ2vL7mK4tZ"),
        (13, "GITHUB_TOKEN=ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3"),
    ]
    assert got[0][2]["section"][0] == "production" and got[0][2]["key"] == "DATABASE_URL"


def test_k8s_secret_hits():
    hs = _hits("k8s/app-secret.yaml", K8S_SECRET, "kubernetes-secret")
    assert [(h.line, h.context["key"], h.secret) for h in hs] == [
        (10, "DB_PASSWORD", "Pr0d-Db-9xQ2vL7mK4tZ"),
        (13, "GITHUB_TOKEN", "ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3")]
    assert all(h.context["section"][0] == "production" for h in hs)


def test_k8s_secret_user_names_are_not_secrets():
    """An iSCSI CHAP Secret (Kubernetes' documented type) names the mutual-CHAP user
    `node.session.auth.username_in`: a user name, whatever `auth` says; its password is one."""
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: chap-secret\ntype: kubernetes.io/iscsi-chap\n"
            "data:\n  node.session.auth.username_in: " + _b64("initiator-user7") + "\n"
            "  node.session.auth.password_in: " + _b64("Vq8tL2rXw9kP4s") + "\n")
    assert [(h.context["key"], h.secret) for h in _hits("k8s/chap.yaml", text, "kubernetes-secret")] == [
        ("node.session.auth.password_in", "Vq8tL2rXw9kP4s")]


def test_k8s_secret_access_key_named_in_words_is_the_user():
    """An S3-compatible store's access key is the user half of its pair: one that is a
    lower-case name (grafana/helm-charts' MinIO Secret, `enterprise-metrics`) is not
    reported; a generated key ID is, and so is the secret key beside it."""
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: minio\ndata:\n"
            "  accesskey: " + _b64("enterprise-metrics") + "\n"
            "  secretkey: " + _b64("Vq8tL2rXw9kP4s") + "\n"
            "  access_key: " + _b64("AKIAQYLPMN5HKS7ALM2X") + "\n")
    assert [(h.context["key"], h.secret) for h in _hits("k8s/minio.yaml", text, "kubernetes-secret")] == [
        ("secretkey", "Vq8tL2rXw9kP4s"), ("access_key", "AKIAQYLPMN5HKS7ALM2X")]


def test_k8s_secret_of_minios_documented_default_is_not_reported():
    """MinIO's documented default root user and password, `minioadmin`, in a Secret's
    stringData (juicefs' CI StorageClass secret) is a default, not a secret; another value
    beside it is."""
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: juicefs-secret\nstringData:\n"
            "  access-key: minioadmin\n  secret-key: minioadmin\n  meta-password: Vq8tL2r" + "Xw9kP4s\n")
    assert [(h.context["key"], h.secret) for h in _hits("chaos/sc.yaml", text, "kubernetes-secret")] == [
        ("meta-password", "Vq8tL2r" + "Xw9kP4s")]


def test_k8s_secret_certificate_is_public_whatever_its_key_is_named():
    """telepresence's agent-injector Secret: a certificate under `crt.pem` (or a public key)
    is sent to every peer, not a secret; a token beside it is."""
    body = base64.b64encode(bytes(range(256)) * 3).decode()
    cert = "-----BEGIN CERTIFICATE-----\n" + "\n".join(body[i:i + 64] for i in range(0, len(body), 64)) + \
        "\n-----END CERTIFICATE-----\n"
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: injector\ndata:\n"
            "  crt.pem: " + _b64(cert) + "\n  ca.pem: " + _b64(cert + cert) + "\n"
            "  pub.pem: " + _b64(cert.replace("CERTIFICATE", "PUBLIC KEY")) + "\n"
            "  token: " + _b64("Vq8tL2r" + "Xw9kP4s") + "\n")
    assert [(h.context["key"], h.secret) for h in _hits("k8s/injector.yaml", text, "kubernetes-secret")] == [
        ("token", "Vq8tL2r" + "Xw9kP4s")]


def test_k8s_dockerconfigjson_secret():
    dcj = json.dumps({"auths": {"ghcr.io": {"auth": _b64("bot:ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3")}}})
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n  namespace: prod\n"
            "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " + _b64(dcj) + "\n")
    (h,) = _hits("regcred.yaml", text)
    assert (h.rule_id, h.line, h.secret) == ("docker-config-auth", 8, "ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3")
    assert h.context["host"] == "ghcr.io" and h.context["section"][0] == "prod"


def test_decoded_texts_base64_in_secret_context():
    token = "ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3"
    text = ("name: app\n"
            f"description: {_b64('just some harmless words here')}\n"
            f"API_TOKEN={_b64(token)}\n"
            f'  "password": "{_b64("Pr0d-Db-9xQ2vL7mK4tZ-long")}",\n')
    got = decoded_texts(text)
    assert (3, token) in got
    assert (4, "Pr0d-Db-9xQ2vL7mK4tZ-long") in got
    assert not any(line == 2 for line, _ in got)  # not a secret-bearing key


def test_decoded_texts_data_block_urlsafe_and_depth():
    inner = json.dumps({"auths": {"ghcr.io": {"auth": _b64("bot:ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3")}}})
    urlsafe = base64.urlsafe_b64encode(b"sk_live_4eC39HqLyjWDarjtT1zdp7dc?>>?").decode()
    text = ("kind: Secret\n"
            "data:\n"
            f"  .dockerconfigjson: {_b64(inner)}\n"
            f"  other.cfg: {urlsafe}\n")
    got = decoded_texts(text)
    assert (3, inner) in got
    assert (3, "bot:ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3") in got  # second level
    assert (4, "sk_live_4eC39HqLyjWDarjtT1zdp7dc?>>?") in got
    assert (3, "bot:ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3") not in decoded_texts(text, max_depth=1)


def test_decoded_texts_url_encoded():
    text = "REDIS_PASSWORD=p%40ss%3AW0rd%2F9xQ2vL7m\nhomepage=https%3A%2F%2Facme.io\n"
    assert decoded_texts(text) == [(1, "p@ss:W0rd/9xQ2vL7m")]


def test_decoded_texts_rejects_binary_and_is_bounded():
    import os
    rnd = base64.b64encode(os.urandom(48)).decode()
    assert decoded_texts(f"SECRET_KEY={rnd}\n") == []
    assert decoded_texts("plain text without anything long\n") == []
    big = "".join(f"TOKEN_{i}={_b64('x' * 20 + str(i) + 'ghp_' + 'a1b2' * 10)}\n" for i in range(500))
    got = decoded_texts(big, max_len=2000)
    assert sum(len(t) for _, t in got) <= 2000


# --- hostile and malformed input ----------------------------------------------------------

YAML_BOMB = """\
kind: Config
users: &u
- name: a
  user: {token: x}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
contexts: *i
clusters: *i
"""

MALFORMED = [
    '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE',  # truncated JSON
    "\x00\x01\x02\xff\xfe garbage \x00 kind: Config\nusers: [\x00",
    YAML_BOMB,
    "kind: Secret\ndata: [" * 5000,
    "[" * 100000,
    "{" * 100000,
    "kind: Config\nusers:\n" + "- " * 5000 + "x\n",
    "kind: Secret\ndata:\n  password: \"unterminated\n",
    "machine",
    "machine a login",
    "password",
    "[default\naws_secret_access_key",
    'provider "aws" {{{{\n  password = "unterminated\n}}}}}}}\n',
    "export =\n=\n'''\n",
    '{"auths": {"x": {"auth": "%%%not base64%%%"}}}',
    '{"auths": []}',
    '{"cells": 5}',
    '{"cells": [{"source": 7, "outputs": 3}]}',
]
PATHS = [".kube/config", "sa.json", ".aws/credentials", ".netrc", ".pypirc", ".npmrc", ".docker/config.json",
         ".git-credentials", "secret.yaml", "main.tf", "prod.tfvars", ".env", "x.ipynb", "config", "kubeconfig", ".coveralls.yml"]


@pytest.mark.parametrize("text", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_input_never_raises(text):
    for path in PATHS:
        hs = scan_structured(path, text)
        assert isinstance(hs, list)
    assert isinstance(notebook_texts(text), list)
    assert isinstance(k8s_secret_texts(text), list)
    assert isinstance(decoded_texts(text), list)


def test_yaml_bomb_is_not_expanded():
    assert scan_structured(".kube/config", YAML_BOMB) == []
    assert k8s_secret_texts(YAML_BOMB.replace("kind: Config", "kind: Secret")) == []


def test_oversized_input_is_not_parsed():
    big = '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n' + "A" * (3 * 1024 * 1024)
    assert scan_structured("sa.json", big + '\\n-----END PRIVATE KEY-----\\n"}') == []


def test_structured_rule_ids_known_to_the_rule_set():
    """Every id a parser can emit is defined by some rule file (pypi-token may still be pending)."""
    from detectors.structured import STRUCTURED_RULE_IDS
    missing = [i for i in STRUCTURED_RULE_IDS if i not in ALL_IDS and i != "pypi-token"]
    assert not missing


def test_virtual_texts_dispatch():
    from detectors.structured import virtual_texts
    nb = virtual_texts("a/b.ipynb", _notebook())
    assert [v.text for v in nb] == [t for _, t in notebook_texts(_notebook())]
    assert not any(v.one_line for v in nb)
    k8s = virtual_texts("deploy/secret.yaml", K8S_SECRET)
    assert k8s[0][0] == 8 and k8s[0][1].startswith("DATABASE_URL=postgres://") and k8s[0].one_line
    assert k8s[0][2]["section"][0] == "production"
    dec = virtual_texts("app/settings.py", f'API_TOKEN = "{_b64("ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3")}"\n')
    assert dec == [(1, "ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3", {}, True)]
    assert virtual_texts("app.py", "x = 1\nname = 'averyveryverylongidentifiername_here'\n") == []


# ---- the Kubernetes kinds a text declares (structured_registry.kinds) --------------------------
_WS = st.sampled_from(["", " ", "  ", "\t", "\n", " \n  "])
_Q = st.sampled_from(["", '"', "'"])
_KIND_LINE = st.builds(lambda *p: "".join(p), st.sampled_from(["", "  ", "        ", "\n", "- ", "  - ", "x "]), _Q,
                       st.sampled_from(["kind", "Kind", "kinds"]), _Q, _WS, st.sampled_from([":", "=", ""]), _WS, _Q,
                       st.sampled_from(["Secret", "Config", "ConfigMap", "List", "secret"]), _Q,
                       st.sampled_from(["", ",", " ,", " # x"]), _WS)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_KIND_LINE, st.sampled_from(["\n", "data:\n", "apiVersion: v1\n", "{", "}"])), max_size=8))
def test_kinds_is_the_whole_pattern_found_where_it_starts(pieces):
    """kinds() looks for the end of its pattern first, then reads the whole text: it must
    give what the whole pattern alone gives, for any text (a match may span lines, start
    after blank lines or sit in a list item)."""
    from detectors.structured_registry import _KIND, kinds

    text = "".join(pieces)
    assert kinds(text) == {m.group(1) for m in _KIND.finditer(text)}


@pytest.mark.parametrize("text,expected", [
    ("apiVersion: v1\nkind: Secret\ndata:\n  a: b\n", {"Secret"}),
    ("items:\n  - kind: Secret\n  - kind: Config\n", {"Secret", "Config"}),
    ('{\n  "kind": "Secret",\n  "data": {}\n}\n', {"Secret"}),
    ("kind: ConfigMap\n", set()),
    ("kind:\n  Secret\n", {"Secret"}),
    ("a Helm index: no kind here, only descriptions of a Secret\n" * 50, set()),
])
def test_kinds_examples(text, expected):
    from detectors.structured_registry import kinds

    assert kinds(text) == expected


# --- line numbers: counted at "\n" alone, as git and the engine count them -----------------

_PW = "".join(("Xk29vLq8", "ZrT4mW7pJ3nB"))  # built here: the self-scan reads this file


@pytest.mark.parametrize("path,text,line", [
    (".env", f"A=1\fB=2\u2028C=3\nDB_PASSWORD={_PW}\n", 2),
    (".npmrc", "; \f page\u2028\n//registry.npmjs.org/:_authToken=Tq9vL2xR7mW4nK8zPq3sXk29vLq8\n", 2),
    (".pgpass", f"# \f\u2028 page\ndb.acme.io:5432:app:app:{_PW}\n", 2),
    (".git-credentials", f"\f\u2028\x1c\nhttps://alice:{_PW}@github.com\n", 2),
    (".aws/credentials", "[default]\x0b\f\naws_access_key_id = AKIA2E0A8F3B244C9986\n"
                         f"aws_secret_access_key = Tq9vL2xR7mW4nK8zPq3s{_PW}\n", 3),
    (".pypirc", f"[distutils]\f\u2028\nindex-servers = pypi\n[pypi]\nusername = alice\npassword = {_PW}\n", 5),
    ("main.tf", 'locals {\f\u2028\n  api_token = "Tq9vL2xR7mW4nK8zPq3s"\n}\n', 2),
])
def test_line_based_parsers_count_lines_at_newlines_alone(path, text, line):
    """A form feed (Emacs page breaks), a vertical tab, U+2028 or a file separator inside a
    line is not a line break to git, editors or the engine; str.splitlines splits there,
    and put a .env file's hit a line below the generic detector's for the same value. The
    same text with CRLF line ends gives the same lines."""
    for t in (text, text.replace("\n", "\r\n")):
        hs = scan_structured(path, t)
        assert [h.line for h in hs] == [line], (path, t)


def test_decoded_values_are_read_on_their_own_line():
    """The decoder found a candidate's line with the engine's line index and read it from
    str.splitlines' list: after a form feed it read the line before, missing the value."""
    yaml_text = ("apiVersion: v1\nkind: Secret\n# \f page\u2028\nmetadata:\n  name: s\ndata:\n"
                 f"  password: {_b64(_PW)}\n")
    conf = f"# \f\u2028\nDB_PASSWORD_B64={_b64('postgres://u:' + _PW + '@h/db')}\n"
    assert decoded_texts(yaml_text) == [(7, _PW)]
    assert decoded_texts(conf) == [(2, f"postgres://u:{_PW}@h/db")]


def test_every_structured_hit_is_on_the_line_holding_it():
    """Every rule's positive examples, with LF and CRLF line ends: a hit's line, counted at
    "\\n", holds (the first line of) its secret wherever the secret is in the text."""
    from detectors.lines import split_lines

    checked = 0
    for r in RULES:
        for ex in r.positive:
            for text in (ex, ex.replace("\n", "\r\n")):
                lines = split_lines(text)
                for h in scan_structured(r.example_path, text):
                    if h.secret not in text:  # decoded, or assembled from several fields
                        continue
                    checked += 1
                    assert 0 < h.line <= len(lines) and h.secret.split("\n")[0] in lines[h.line - 1], (r.id, text)
    assert checked >= 50


# --- a text is decoded whole only when it declares a Secret -----------------------------------

_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: thanosrulers.monitoring.coreos.com
spec:
  versions:
  - schema:
      openAPIV3Schema:
        properties:
          secretKey:
            description: The environment variable `AWS_SECRET_ACCESS_KEY` is used.
            properties:
              kind:
                description: SecretKeySelector selects a key of a Secret.
          caBundle: QWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3ODkw
"""


def test_only_a_text_that_declares_a_secret_has_its_data_decoded_whole(monkeypatch):
    """A manifest that mentions `kind:` and a Secret without declaring one (a
    CustomResourceDefinition's schema: 800 kB at each of hundreds of versions in
    kube-prometheus) is not decoded whole; a Secret's data still is, and found."""
    import detectors.structured as structured
    from scanner.detect import detect
    from scanner.engine import Engine
    from scanner.rules import load_rules

    engine = Engine(load_rules())
    asked: list[str] = []
    real = structured.virtual_texts
    monkeypatch.setattr(structured, "virtual_texts", lambda path, text: asked.append(path) or real(path, text))
    assert detect(engine, _CRD.encode(), "manifests/setup/thanosrulerCustomResourceDefinition.yaml")[0] == []
    assert asked == []
    hits, _ = detect(engine, K8S_SECRET.encode(), "k8s/app-secret.yaml")
    assert asked == ["k8s/app-secret.yaml"]
    assert {"Pr0d-Db-9xQ2vL7mK4tZ", "ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3"} <= {h.secret for h in hits}


def test_the_kinds_and_documents_kept_are_the_text_s_own():
    """kinds() and compose_yaml_all() keep the last text's answer: each text asked in turn,
    the same one again or another with the same characters, gets its own."""
    from detectors.structured._util import compose_yaml_all
    from detectors.structured_registry import kinds

    secret, config = "kind: Secret\ndata: {}\n", "kind: Config\nusers: []\n"
    for text, kind in [(secret, {"Secret"}), (secret, {"Secret"}), (config, {"Config"}), ("".join(["kind: Sec", "ret\n"]),
                                                                                          {"Secret"}), (_CRD, set())]:
        assert kinds(text) == kind
        docs = compose_yaml_all(text)
        assert [d.value[0][1].value for d in docs] == [*kind] or not kind


@pytest.mark.parametrize("text, found", [
    ("apiVersion: v1\nkind: Secret\n---\nkind: Config\n", {"Secret", "Config"}),
    ("items:\n  - kind: Secret\n", {"Secret"}), ('{\n  "kind": "Secret",\n}', {"Secret"}),
    ("xkind: Secret\n", set()), ("            kind: Secret\n", set()),  # deeper than 8: a field's, not a manifest's
    ("kind: SecretStore\n", set()), ("# kind: Secret\n", set()), ("a: 1\n  kind: 'Config'  \r\nb", {"Config"}),
])
def test_the_kinds_a_text_declares_are_read_at_its_lines_starts(text, found):
    from detectors.structured_registry import kinds
    assert kinds(text) == frozenset(found)


# --- multi-document YAML: only the wanted documents composed ------------------------------

_OTHER_DOCS = [
    "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    x\n    --- not a marker\n  b: '{}'\n",
    "# a comment only\n",
    "kind: Deployment\nspec:\n  template: &t\n    containers: [{name: a, image: 'b:1'}]\n  again: *t\n",
    "kind: Service\n...\n",
    "",
]
_WANTED_DOCS = [
    K8S_SECRET,
    "kind: !!str Secret\nstringData:\n  token: &t \"ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3\"\n  again: *t\n",
    "apiVersion: v1\nkind: List\nitems:\n  - kind: Secret\n    data:\n      password: {}\n".format(_b64("Pr0d-Db-9xQ2vL7mK4tZ")),
    "kind: Secret\ndata:\n  cert: |\n    {}\n".format(_b64("Pr0d-Db-9xQ2vL7mK4tZ")),
]


def _nodes(doc) -> list:
    """Every node of a composed document with its marks' lines and columns, in a fixed order."""
    import yaml

    out, seen, stack = [], set(), [doc]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append((type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column,
                    node.end_mark.line, node.end_mark.column, node.value if isinstance(node, yaml.ScalarNode) else None))
        if isinstance(node, yaml.MappingNode):
            stack += [x for pair in node.value for x in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return out


@settings(max_examples=120, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from(_OTHER_DOCS + _WANTED_DOCS), st.sampled_from(["---\n", "--- \n", "---\n\n"])),
                      min_size=1, max_size=8), first_marker=st.booleans())
def test_a_multi_document_text_s_wanted_documents_are_those_of_the_whole(parts, first_marker):
    """compose_yaml_all(text, wanted) composes only the documents `wanted` finds, each alone:
    they must be the whole text's documents of those kinds, every node at the same line and
    column, and the Secret parser's hits those it finds in the whole text composed at once."""
    from detectors.structured import _util, k8s_secret
    from detectors.structured._util import compose_yaml_all

    import yaml
    from hypothesis import assume

    wanted_pattern = k8s_secret.WANTED
    text = "".join(marker + doc for doc, marker in parts)
    if not first_marker:
        text = text.split("\n", 1)[1]  # the first document without its `---`
    try:  # (a text PyYAML cannot read whole: test_a_broken_document_loses_only_itself)
        list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        assume(False)
    whole = [_nodes(d) for d in _util._compose(text)]
    wanted = [_nodes(d) for d in compose_yaml_all(text, k8s_secret.WANTED)]

    def of_kind(docs):  # (a text of one document is composed whatever its kind)
        return [n for n in docs if any(v in ("Secret", "List") for *_, v in n)]

    assert of_kind(wanted) == of_kind(whole)
    hits = sorted((h.rule_id, h.secret, h.line, h.column) for h in k8s_secret.scan(text))
    k8s_secret.WANTED = None  # the whole text composed at once
    try:
        assert hits == sorted((h.rule_id, h.secret, h.line, h.column) for h in k8s_secret.scan(text))
    finally:
        k8s_secret.WANTED = wanted_pattern


@given(parts=st.lists(st.sampled_from(["---", "-", "\n", "\r", " ", "\t", "%", "a"]), max_size=16))
@example(parts=["a", "\n", "---", "\r", "a"])
@example(parts=["---", "\t", "\n", "---"])
@example(parts=["a", "\n", "---", "-", "\n", "%"])
def test_document_starts_and_directives_are_the_lines_yaml_reads_so(parts):
    """_doc_starts and _has_directive (str.find) agree with the `^` patterns in re.M they
    replace: a `---` line is `---` then a blank or the line's end, a directive a `%` line."""
    import re

    from detectors.structured._util import _doc_starts, _has_directive

    text = "".join(parts)
    assert _doc_starts(text) == [m.start() for m in re.finditer(r"^---(?=[ \t\r\n]|$)", text, re.M)]
    assert _has_directive(text) == bool(re.search(r"^%", text, re.M))


def test_a_broken_document_loses_only_itself():
    """A multi-document text with one document PyYAML cannot read: the Secret after it is
    still found, at its line (composed at once, the error lost every document)."""
    from detectors.structured import k8s_secret

    text = "kind: Deployment\nspec: [1, 2\n---\n" + K8S_SECRET
    hits = {h.secret: h.line for h in k8s_secret.scan(text)}
    assert hits.get("ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3") == 3 + K8S_SECRET.split("\n").index(
        "  GITHUB_TOKEN: ghp_R08qzjI6GKFSufrdZSlB5er8bOfZqfM2oeq3") + 1
