#!/usr/bin/env python3
"""Generate a labelled accuracy set: fresh random credentials in providers' documented shapes.

    python bench/make_labelled.py [OUT] [--seed 2024] [--copies 2]

OUT defaults to bench/out/labelled. The tokens are generated at run time from a fixed seed and
never committed: only this generator is. They are NOT taken from credfence's rules or their
examples (that would measure credfence against itself); each shape below is written from the
provider's own documentation of its token format (prefix, length, alphabet, checksum), noted
beside it. Every positive is embedded in a realistic line of config or code (dotenv, YAML, JSON,
Python, shell, ...) in its own small file; the negatives (placeholders, documentation examples,
templates, environment lookups, hashes, UUIDs, the jwt.io sample, lockfile integrity hashes,
random base64 that is not a credential) go in separate files, as many as the positives.

OUT/tree/ is the data the tools scan (a git repository with one commit, so git-aware tools see the
same files as tools that walk the directory). OUT/labels.json, outside the scanned tree, lists
every labelled line: {"file" (relative to tree/), "line", "end_line", "label": "positive" |
"negative", "kind", "provider", "secret_sha256" (positives)}. A line not listed carries nothing.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import shutil
import string
import subprocess
import uuid
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
UP = string.ascii_uppercase
LO = string.ascii_lowercase
DIG = string.digits
ALNUM = UP + LO + DIG
B62 = DIG + UP + LO
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class G:
    """Random pieces, from one seeded generator."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)

    def s(self, alphabet: str, n: int) -> str:
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def crc62(self, body: str) -> str:
        crc, out = zlib.crc32(body.encode()) & 0xFFFFFFFF, ""
        while crc:
            crc, d = divmod(crc, 62)
            out = B62[d] + out
        return out.rjust(6, "0")

    def bech32(self, hrp: str, nbytes: int) -> str:
        """BIP-173 Bech32 of nbytes random bytes: data in 5-bit groups, then the 6-character
        checksum (the encoding age uses for its keys)."""
        cs = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
        acc = bits = 0
        data = []
        for x in self.r.randbytes(nbytes):
            acc, bits = (acc << 8) | x, bits + 8
            while bits >= 5:
                bits -= 5
                data.append((acc >> bits) & 31)
        if bits:
            data.append((acc << (5 - bits)) & 31)
        chk = 1
        for v in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data + [0] * 6:
            top, chk = chk >> 25, (chk & 0x1FFFFFF) << 5 ^ v
            for i, g in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
                chk ^= g if (top >> i) & 1 else 0
        chk ^= 1
        return hrp + "1" + "".join(cs[d] for d in data) + "".join(cs[(chk >> 5 * (5 - i)) & 31] for i in range(6))

    def b64(self, n: int) -> str:
        return base64.b64encode(self.r.randbytes(n)).decode()

    def b64url(self, n: int) -> str:
        return base64.urlsafe_b64encode(self.r.randbytes(n)).decode().rstrip("=")

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self.r.randbytes(16), version=4))


def _jwt(g: G, payload: dict) -> str:
    enc = lambda o: base64.urlsafe_b64encode(json.dumps(o, separators=(",", ":")).encode()).decode().rstrip("=")  # noqa: E731
    return f"{enc({'alg': 'HS256', 'typ': 'JWT'})}.{enc(payload)}.{g.b64url(32)}"


def _pem(g: G, kind: str) -> str:
    body = base64.b64encode(g.r.randbytes(48 * 20)).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {kind}-----", *lines, f"-----END {kind}-----"])


def _macaroon(g: G) -> str:
    """A version-2 binary macaroon as PyPI mints them: location, uuid identifier, one caveat, signature."""
    def field(t: int, data: bytes) -> bytes:
        assert len(data) < 128
        return bytes([t, len(data)]) + data
    caveat = b'{"version": 1, "permissions": "user"}'
    raw = (b"\x02" + field(1, b"pypi.org") + field(2, g.uuid().encode()) + b"\x00"
           + field(2, caveat) + b"\x00" + b"\x00" + field(6, g.r.randbytes(32)))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Token shapes, from each provider's documentation of its format:
#   (provider, kind, variable name, generator)
SHAPES = [
    # AWS IAM user access key: "AKIA" + 16 upper-case alphanumerics; secret key 40 chars base64
    # alphabet (AWS IAM User Guide, "Managing access keys"; IAM API reference AccessKey type)
    # (a key id alone is not a usable credential: the pair is written on two lines, as users do)
    ("aws", "aws-access-key", "AWS_ACCESS_KEY_ID",
     lambda g: [("AWS_ACCESS_KEY_ID", "AKIA" + g.s(UP + "234567", 16)), ("AWS_SECRET_ACCESS_KEY", g.s(B64, 40))]),
    # GitHub: ghp_/gho_/ghu_/ghs_/ghr_ + 30 base62 + 6-char base62 CRC32 (GitHub blog "Behind
    # GitHub's new authentication token formats", 2021)
    ("github", "github-pat", "GITHUB_TOKEN", lambda g: (lambda b: f"ghp_{b}{g.crc62(b)}")(g.s(ALNUM, 30))),
    ("github", "github-app-token", "GH_INSTALLATION_TOKEN", lambda g: (lambda b: f"ghs_{b}{g.crc62(b)}")(g.s(ALNUM, 30))),
    ("github", "github-oauth", "GITHUB_OAUTH_TOKEN", lambda g: (lambda b: f"gho_{b}{g.crc62(b)}")(g.s(ALNUM, 30))),
    # fine-grained PAT: github_pat_ + 22 base62 + "_" + 59 base62 (GitHub docs, token formats)
    ("github", "github-fine-grained-pat", "GH_PAT", lambda g: f"github_pat_{g.s(ALNUM, 22)}_{g.s(ALNUM, 59)}"),
    # GitLab personal access token: "glpat-" + 20 chars [0-9A-Za-z_-] (GitLab docs, token prefixes)
    ("gitlab", "gitlab-pat", "GITLAB_TOKEN", lambda g: "glpat-" + g.s(URLSAFE, 20)),
    # Slack bot token xoxb-<team id digits>-<bot id digits>-<24 alnum> (Slack API, token types)
    ("slack", "slack-bot-token", "SLACK_BOT_TOKEN",
     lambda g: f"xoxb-{g.s(DIG, 12)}-{g.s(DIG, 13)}-{g.s(ALNUM, 24)}"),
    # Slack incoming webhook https://hooks.slack.com/services/T.../B.../<24 alnum> (Slack API docs)
    ("slack", "slack-webhook", "SLACK_WEBHOOK_URL",
     lambda g: f"https://hooks.slack.com/services/T{g.s(UP + DIG, 10)}/B{g.s(UP + DIG, 10)}/{g.s(ALNUM, 24)}"),
    # Stripe secret / restricted keys: sk_live_ / rk_live_ + base62 (Stripe docs, API keys)
    ("stripe", "stripe-secret-key", "STRIPE_SECRET_KEY", lambda g: "sk_live_" + g.s(ALNUM, 99)),
    ("stripe", "stripe-restricted-key", "STRIPE_RESTRICTED_KEY", lambda g: "rk_live_" + g.s(ALNUM, 99)),
    # Square production access token: "EAAA" + 60 chars [A-Za-z0-9_-] (Square developer docs)
    ("square", "square-access-token", "SQUARE_ACCESS_TOKEN", lambda g: "EAAA" + g.s(URLSAFE, 60)),
    # OpenAI project key: "sk-proj-" + long url-safe body containing "T3BlbkFJ" (OpenAI platform keys page)
    ("openai", "openai-api-key", "OPENAI_API_KEY",
     lambda g: f"sk-proj-{g.s(URLSAFE, 74)}T3BlbkFJ{g.s(URLSAFE, 74)}"),
    # Anthropic: "sk-ant-api03-" + 93 url-safe + "AA" (Anthropic console key format)
    ("anthropic", "anthropic-api-key", "ANTHROPIC_API_KEY", lambda g: f"sk-ant-api03-{g.s(URLSAFE, 93)}AA"),
    # Hugging Face user access token: "hf_" + 34 letters (Hugging Face docs, security tokens)
    ("huggingface", "hf-token", "HF_TOKEN", lambda g: "hf_" + g.s(UP + LO, 34)),
    # Groq: "gsk_" + 52 alphanumerics (GroqCloud console keys)
    ("groq", "groq-api-key", "GROQ_API_KEY", lambda g: "gsk_" + g.s(ALNUM, 52)),
    # Replicate: "r8_" + 37 alphanumerics (Replicate account API tokens)
    ("replicate", "replicate-token", "REPLICATE_API_TOKEN", lambda g: "r8_" + g.s(ALNUM, 37)),
    # Google API key: "AIza" + 35 chars [0-9A-Za-z_-] (Google Cloud docs, API keys)
    ("gcp", "google-api-key", "GOOGLE_API_KEY", lambda g: "AIza" + g.s(URLSAFE, 35)),
    # npm granular/automation token: "npm_" + 30 base62 + 6 CRC32 (npm docs, access tokens; GitHub format)
    ("npm", "npm-token", "NPM_TOKEN", lambda g: (lambda b: f"npm_{b}{g.crc62(b)}")(g.s(ALNUM, 30))),
    # PyPI API token: "pypi-" + a base64url version-2 macaroon for location pypi.org, so it starts
    # "pypi-AgEIcHlwaS5vcmc" (PyPI help "API tokens"; Warehouse issues macaroons with pymacaroons)
    ("pypi", "pypi-token", "PYPI_TOKEN", lambda g: "pypi-" + _macaroon(g)),
    # Docker Hub personal access token: "dckr_pat_" + 27 url-safe (Docker docs, access tokens)
    ("docker", "dockerhub-pat", "DOCKERHUB_TOKEN", lambda g: "dckr_pat_" + g.s(URLSAFE, 27)),
    # SendGrid: "SG." + 22 url-safe + "." + 43 url-safe (Twilio SendGrid docs, API keys)
    ("sendgrid", "sendgrid-api-key", "SENDGRID_API_KEY", lambda g: f"SG.{g.s(URLSAFE, 22)}.{g.s(URLSAFE, 43)}"),
    # Twilio API key SID "SK" + 32 hex and auth token 32 hex beside account SID "AC" + 32 hex (Twilio docs)
    ("twilio", "twilio-api-key", "TWILIO_API_KEY",
     lambda g: [("TWILIO_API_KEY", "SK" + g.s(HEX, 32)), ("TWILIO_API_SECRET", g.s(ALNUM, 32))]),
    # Mailgun private API key: "key-" + 32 hex (Mailgun docs, API keys)
    ("mailgun", "mailgun-api-key", "MAILGUN_API_KEY", lambda g: "key-" + g.s(HEX, 32)),
    # Shopify Admin API access token: "shpat_" + 32 hex (Shopify dev docs, access tokens)
    ("shopify", "shopify-token", "SHOPIFY_ACCESS_TOKEN", lambda g: "shpat_" + g.s(HEX, 32)),
    # DigitalOcean personal access token: "dop_v1_" + 64 hex (DigitalOcean docs, token formats)
    ("digitalocean", "do-token", "DIGITALOCEAN_TOKEN", lambda g: "dop_v1_" + g.s(HEX, 64)),
    # Doppler service token: "dp.st." + environment + "." + 40 alnum (Doppler docs, token formats)
    ("doppler", "doppler-service-token", "DOPPLER_TOKEN", lambda g: f"dp.st.prd.{g.s(ALNUM, 40)}"),
    # HashiCorp Vault service token: "hvs." + ~90 url-safe (Vault docs, token prefixes since 1.10)
    ("vault", "vault-token", "VAULT_TOKEN", lambda g: "hvs." + g.s(URLSAFE, 91)),
    # Terraform Cloud API token: 14 alnum + ".atlasv1." + 67 alnum (HCP Terraform docs, API tokens)
    ("terraform", "tfc-token", "TFE_TOKEN", lambda g: f"{g.s(ALNUM, 14)}.atlasv1.{g.s(ALNUM, 67)}"),
    # Pulumi access token: "pul-" + 40 hex (Pulumi docs, access tokens)
    ("pulumi", "pulumi-token", "PULUMI_ACCESS_TOKEN", lambda g: "pul-" + g.s(HEX, 40)),
    # Sentry user auth token: "sntryu_" + 64 hex (Sentry docs, auth tokens)
    ("sentry", "sentry-user-token", "SENTRY_AUTH_TOKEN", lambda g: "sntryu_" + g.s(HEX, 64)),
    # Grafana service account token: "glsa_" + 32 alnum + "_" + 8 hex (Grafana docs, service accounts)
    ("grafana", "grafana-sa-token", "GRAFANA_TOKEN", lambda g: f"glsa_{g.s(ALNUM, 32)}_{g.s(HEX, 8)}"),
    # New Relic user API key: "NRAK-" + 27 upper alnum (New Relic docs, API keys)
    ("newrelic", "newrelic-user-key", "NEW_RELIC_API_KEY", lambda g: "NRAK-" + g.s(UP + DIG, 27)),
    # Linear personal API key: "lin_api_" + 40 alnum (Linear developers, API keys)
    ("linear", "linear-api-key", "LINEAR_API_KEY", lambda g: "lin_api_" + g.s(ALNUM, 40)),
    # PlanetScale service token / password: "pscale_tkn_" / "pscale_pw_" + 43 url-safe (PlanetScale docs)
    ("planetscale", "planetscale-password", "PLANETSCALE_PASSWORD", lambda g: "pscale_pw_" + g.s(URLSAFE, 43)),
    # Supabase secret API key: "sb_secret_" + random suffix (Supabase docs, "Understanding API keys")
    ("supabase", "supabase-secret-key", "SUPABASE_SECRET_KEY", lambda g: f"sb_secret_{g.s(URLSAFE, 22)}_{g.s(ALNUM, 8)}"),
    # CircleCI personal token: "CCIPAT_" + base58 UUID (22) + "_" + 40 hex (CircleCI changelog, token format)
    ("circleci", "circleci-pat", "CIRCLECI_TOKEN", lambda g: f"CCIPAT_{g.s(B58, 22)}_{g.s(HEX, 40)}"),
    # Buildkite API access token: "bkua_" + 40 hex (Buildkite docs, API access tokens)
    ("buildkite", "buildkite-token", "BUILDKITE_API_TOKEN", lambda g: "bkua_" + g.s(HEX, 40)),
    # Databricks personal access token: "dapi" + 32 hex (Databricks docs, PATs)
    ("databricks", "databricks-pat", "DATABRICKS_TOKEN", lambda g: "dapi" + g.s(HEX, 32)),
    # Postman API key: "PMAK-" + 24 hex + "-" + 34 hex (Postman docs, API keys)
    ("postman", "postman-api-key", "POSTMAN_API_KEY", lambda g: f"PMAK-{g.s(HEX, 24)}-{g.s(HEX, 34)}"),
    # Telegram bot token: bot id digits + ":" + 35 url-safe (Telegram Bot API, authorizing your bot)
    ("telegram", "telegram-bot-token", "TELEGRAM_BOT_TOKEN", lambda g: f"{g.s(DIG, 10)}:AA{g.s(URLSAFE, 33)}"),
    # age secret key: Bech32 of 32 random bytes, human-readable part AGE-SECRET-KEY-, upper case
    # (age specification: 58 characters after "1", the last 6 a checksum)
    ("age", "age-secret-key", "SOPS_AGE_KEY", lambda g: g.bech32("age-secret-key-", 32).upper()),
    # Datadog API key: 32 hex, no prefix: only meaningful beside its name (Datadog docs, API keys)
    ("datadog", "datadog-api-key", "DD_API_KEY", lambda g: g.s(HEX, 32)),
    # Azure Storage account key: 64 random bytes base64 (88 chars) in a connection string (Azure docs)
    ("azure", "azure-storage-key", "AZURE_STORAGE_CONNECTION_STRING",
     lambda g: f"DefaultEndpointsProtocol=https;AccountName=st{g.s(LO + DIG, 10)};AccountKey={g.b64(64)};"
               "EndpointSuffix=core.windows.net"),
    # database connection URLs with a password (libpq, MySQL, MongoDB, Redis URI formats)
    ("postgres", "postgres-url", "DATABASE_URL",
     lambda g: f"postgresql://app_rw:{g.s(ALNUM, 24)}@db-{g.s(LO, 6)}.internal:5432/app"),
    ("mongodb", "mongodb-url", "MONGODB_URI",
     lambda g: f"mongodb+srv://svc:{g.s(ALNUM, 20)}@cluster0.{g.s(LO + DIG, 5)}.mongodb.net/prod"),
    ("redis", "redis-url", "REDIS_URL", lambda g: f"redis://default:{g.s(ALNUM, 32)}@cache-{g.s(LO, 5)}.internal:6379/0"),
    # a signed JWT used as a service credential
    ("jwt", "jwt-service-token", "SERVICE_ROLE_TOKEN",
     lambda g: _jwt(g, {"iss": "auth", "sub": g.uuid(), "role": "service_role", "iat": 1700000000})),
]

PEM_KINDS = [("rsa", "RSA PRIVATE KEY"), ("openssh", "OPENSSH PRIVATE KEY"), ("ec", "EC PRIVATE KEY")]


# ----- how a credential is written into a file: (file name pattern, lines before, line template)

def embed(g: G, var: str, value) -> tuple[str, list[str], int, int]:
    """A small realistic file holding `value` (a string, or [(name, value), ...] written on consecutive
    lines); returns (suffix, lines, first and last 1-based line of the credential)."""
    pairs = value if isinstance(value, list) else [(var, value)]
    V, X = "\x00VAR\x00", "\x00VALUE\x00"
    suffix, lines, line = _embed(g, V, X)
    i = line - 1

    def fill(text: str, name: str, val: str = "") -> str:
        return text.replace(V.lower(), name.lower()).replace(V, name).replace(X, val)

    rows = [fill(lines[i], n, v) for n, v in pairs]
    other = [fill(ln, pairs[0][0]) for ln in lines]
    return suffix, other[:i] + rows + other[i + 1:], line, line + len(rows) - 1


def _embed(g: G, var: str, value: str) -> tuple[str, list[str], int]:
    style = g.r.choice(["dotenv", "yaml", "json", "python", "shell", "js", "toml", "docker-compose"])
    low = var.lower()
    if style == "dotenv":
        return ".env", ["# service configuration", "APP_ENV=production", "LOG_LEVEL=info", f"{var}={value}",
                        "PORT=8080"], 4
    if style == "yaml":
        return ".yaml", ["service:", "  name: billing", "  replicas: 2", "credentials:", f"  {low}: \"{value}\"",
                         "timeout: 30"], 5
    if style == "json":
        return ".json", ["{", '  "name": "worker",', '  "region": "eu-west-1",', f'  "{low}": "{value}",',
                         '  "retries": 3', "}"], 4
    if style == "python":
        return ".py", ["import os", "", "DEBUG = False", f"{var} = \"{value}\"", "", "def client():",
                       f"    return connect(token={var})"], 4
    if style == "shell":
        return ".sh", ["#!/usr/bin/env bash", "set -euo pipefail", f"export {var}=\"{value}\"",
                       "./deploy --env production"], 3
    if style == "js":
        return ".js", ["'use strict';", "const config = {", "  region: 'us-east-1',", f"  {low}: '{value}',",
                       "};", "module.exports = config;"], 4
    if style == "toml":
        return ".toml", ["[service]", "name = \"sync\"", "", "[service.auth]", f"{low} = \"{value}\""], 5
    return ".yml", ["services:", "  app:", "    image: app:1.4", "    environment:", f"      - {var}={value}",
                    "    restart: always"], 5


# ----- negatives: values that look like credentials but are not (one per file)

def negatives(g: G) -> list[tuple[str, str, list[str], int]]:
    """(kind, suffix, lines, line) of things a scanner must not report."""
    out = []

    def add(kind, suffix, lines, line):
        out.append((kind, suffix, lines, line))

    add("aws-doc-example", ".md", ["# Configure", "", "Set `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` as in the AWS docs."], 3)
    add("aws-doc-example-secret", ".md", ["Example:", "", "    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"], 3)
    add("placeholder-angle", ".env", ["# fill in", "OPENAI_API_KEY=<your-openai-api-key>"], 2)
    add("placeholder-xxx", ".env", ["STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxx"], 1)
    add("placeholder-changeme", ".yaml", ["database:", "  password: changeme"], 2)
    add("placeholder-ellipsis", ".md", ["Your token looks like `ghp_...`; keep it out of git."], 1)
    add("template-shell", ".sh", ["#!/bin/sh", "export GITHUB_TOKEN=\"${GITHUB_TOKEN}\"", "gh release create"], 2)
    add("template-jinja", ".yaml", ["env:", "  SLACK_BOT_TOKEN: \"{{ vault_slack_bot_token }}\""], 2)
    add("template-actions", ".yml", ["steps:", "  - run: deploy", "    env:", "      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}"], 4)
    add("env-lookup-python", ".py", ["import os", "API_KEY = os.environ[\"ANTHROPIC_API_KEY\"]"], 2)
    add("env-lookup-getenv", ".py", ["import os", "token = os.getenv(\"HF_TOKEN\", \"\")"], 2)
    add("env-lookup-node", ".js", ["const key = process.env.SENDGRID_API_KEY;"], 1)
    add("git-sha", ".md", [f"Fixed in commit {g.s(HEX, 40)}."], 1)
    add("sha256-checksum", ".txt", [f"{g.s(HEX, 64)}  dist/app-1.4.2.tar.gz"], 1)
    add("uuid-request-id", ".json", ["{", f'  "request_id": "{g.uuid()}",', '  "status": "ok"', "}"], 2)
    add("uuid-trace", ".log", [f"2024-05-01T10:00:00Z INFO trace_id={g.uuid()} handled GET /health"], 1)
    # the sample token shown on jwt.io (public, documented everywhere)
    add("jwt-io-sample", ".md", ["Example header:", "", "    Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"], 3)
    add("lockfile-integrity", ".json", ["{", '  "node_modules/left-pad": {', '    "version": "1.3.0",',
        f'    "integrity": "sha512-{g.b64(64)}"', "  }", "}"], 4)
    add("random-base64-image", ".css", [f".logo {{ background: url(data:image/png;base64,{g.b64(90)}); }}"], 1)
    add("random-base64-fixture", ".py", [f"PAYLOAD = \"{g.b64(48)}\"  # compressed test payload"], 1)
    add("public-key", ".pub", [f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{g.b64(24)[:43]} deploy@ci"], 1)
    add("stripe-publishable", ".js", [f"const stripe = Stripe('pk_live_{g.s(ALNUM, 99)}');"], 1)
    add("test-password-name", ".py", ["def test_login():", "    assert login('alice', password='password123') is False"], 2)
    add("css-colour-hex", ".css", [".btn { color: #a3b2c1; border-color: #ffffff; }"], 1)
    add("semver-and-hash", ".txt", [f"version=2.14.0+build.{g.s(HEX, 12)}"], 1)
    add("docker-digest", ".yml", ["image:", f"  ref: python@sha256:{g.s(HEX, 64)}"], 2)
    add("password-from-vault", ".py", ["db_password = vault.read('secret/data/db')['password']"], 1)
    add("localhost-default-url", ".md", ["DATABASE_URL=postgres://user:password@localhost:5432/app"], 1)
    add("redacted-log", ".log", ["2024-05-01 auth ok token=sk-****************abcd user=42"], 1)
    add("aws-arn", ".json", ['{"Role": "arn:aws:iam::123456789012:role/deploy"}'], 1)
    add("npm-package-name", ".json", ['{"dependencies": {"npm_token_helper": "^1.0.0"}}'], 1)
    add("openapi-example", ".yaml", ["components:", "  securitySchemes:", "    bearer:", "      type: http",
        "      bearerFormat: JWT", "      description: \"Use: Bearer <token>\""], 6)
    add("repeated-chars", ".env", ["GITLAB_TOKEN=glpat-aaaaaaaaaaaaaaaaaaaa"], 1)
    add("example-in-test-name", ".py", ["EXAMPLE_KEY = \"AKIAIOSFODNN7EXAMPLE\"  # from the AWS documentation"], 1)
    add("k8s-secret-ref", ".yaml", ["env:", "  - name: DB_PASSWORD", "    valueFrom:", "      secretKeyRef:",
        "        name: db", "        key: password"], 6)
    add("hex-color-table", ".json", ['{"palette": ["0f172a", "1e293b", "334155", "475569"]}'], 1)
    add("mac-address", ".txt", ["eth0 ether 02:42:ac:11:00:02"], 1)
    add("commented-rotated-note", ".md", ["The old Slack token was rotated; see the vault entry `slack/bot`."], 1)
    add("google-fonts-url", ".html", ['<link href="https://fonts.googleapis.com/css2?family=Inter&display=swap" rel="stylesheet">'], 1)
    add("random-id-uuid-db", ".sql", [f"INSERT INTO tenants (id, name) VALUES ('{g.uuid()}', 'acme');"], 1)
    add("base64-hello", ".yaml", ["data:", "  greeting: aGVsbG8gd29ybGQ="], 2)
    add("md5-etag", ".txt", [f"ETag: \"{g.s(HEX, 32)}\""], 1)
    add("bcrypt-fixture-name", ".md", ["Passwords are stored hashed (bcrypt cost 12); never log them."], 1)
    add("json-schema-secret", ".json", ['{"properties": {"api_key": {"type": "string", "minLength": 32}}}'], 1)
    add("terraform-var-ref", ".tf", ['provider "github" {', "  token = var.github_token", "}"], 2)
    add("dotenv-empty", ".env", ["SENTRY_AUTH_TOKEN=", "DD_API_KEY="], 1)
    add("makefile-var", ".mk", ["deploy:", "\tcurl -H \"Authorization: Bearer $(API_TOKEN)\" $(URL)"], 2)
    add("python-type-hint", ".py", ["def connect(api_key: str, secret: str | None = None) -> Client: ..."], 1)
    add("integrity-yarn", ".lock", ["left-pad@^1.3.0:", "  version \"1.3.0\"",
        f"  integrity sha1-{g.b64(20)}"], 3)
    add("pem-public-cert", ".pem", ["-----BEGIN CERTIFICATE-----", g.b64(48), g.b64(48), "-----END CERTIFICATE-----"], 2)
    return out


def build(base: Path, seed: int, copies: int) -> dict:
    """Write BASE/tree (the repository the tools scan) and BASE/labels.json (outside it)."""
    g = G(seed)
    if base.exists():
        shutil.rmtree(base)
    out = base / "tree"
    (out / "pos").mkdir(parents=True)
    (out / "neg").mkdir(parents=True)
    labels = []
    n = 0
    for _ in range(copies):
        for provider, kind, var, gen in SHAPES:
            value = gen(g)
            suffix, lines, line, end = embed(g, var, value)
            n += 1
            name = f"pos/{n:03d}_{provider}{suffix}" if suffix != ".env" else f"pos/{n:03d}_{provider}/.env"
            p = out / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("\n".join(lines) + "\n")
            first = value[0][1] if isinstance(value, list) else value
            labels.append({"file": name, "line": line, "end_line": end, "label": "positive", "kind": kind,
                           "provider": provider, "secret_sha256": hashlib.sha256(first.encode()).hexdigest(),
                           "companions_sha256": [hashlib.sha256(v.encode()).hexdigest()
                                                 for _, v in (value[1:] if isinstance(value, list) else [])]})
        for short, armour in PEM_KINDS:
            n += 1
            pem = _pem(g, armour)
            name = f"pos/{n:03d}_{short}_key.pem"
            (out / name).write_text(pem + "\n")
            labels.append({"file": name, "line": 1, "end_line": len(pem.splitlines()), "label": "positive",
                           "kind": f"private-key-{short}", "provider": "private-key",
                           "secret_sha256": hashlib.sha256(pem.encode()).hexdigest()})
    n_pos = len(labels)
    # as many negatives as positives: cycle through the kinds with fresh random parts
    i = 0
    while sum(1 for x in labels if x["label"] == "negative") < n_pos:
        negs = negatives(g)
        for kind, suffix, lines, line in negs:
            if sum(1 for x in labels if x["label"] == "negative") >= n_pos:
                break
            i += 1
            name = f"neg/{i:03d}_{kind}{suffix}" if suffix != ".env" else f"neg/{i:03d}_{kind}/.env"
            p = out / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("\n".join(lines) + "\n")
            labels.append({"file": name, "line": line, "end_line": line, "label": "negative", "kind": kind})
    (base / "labels.json").write_text(json.dumps({"seed": seed, "copies": copies, "root": "tree",
                                                   "labels": labels}, indent=1))
    # a git repository, so that git-aware tools see every file (nothing here is ignored)
    env_git = ["git", "-C", str(out), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
               "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    subprocess.run([*env_git, "add", "-A", "pos", "neg"], check=True)
    subprocess.run([*env_git, "commit", "-q", "-m", "labelled set"], check=True)
    return {"positives": n_pos, "negatives": len(labels) - n_pos, "providers": len({x.get("provider") for x in labels
                                                                                   if x["label"] == "positive"})}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, default=HERE / "out" / "labelled")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--copies", type=int, default=2, help="fresh tokens per shape (default 2)")
    a = ap.parse_args()
    info = build(a.out, a.seed, a.copies)
    print(f"{a.out / 'tree'}: {info['positives']} positives ({info['providers']} providers), {info['negatives']} "
          f"negatives; labels in {a.out / 'labels.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
