"""Blast radius: env, scope, privilege and severity for a finding, each with its evidence.

env comes from evidence only, strongest first: the key itself, the variable name, the
enclosing section, the host in a URL, the file path, local-only context. No evidence
means `unknown`: never guess. scope and privilege start from what the credential type can
do (rule data) and are refined by what the value and its surroundings say. Severity
combines the three; an account-wide credential found in a staging, development or unknown
context still reaches production, and the evidence says so: that is the incident.
"""
from __future__ import annotations

import os
import re
import time
from datetime import datetime, timezone

from detectors.vocabulary import STORYBOOK_FILE, TEST_COMPOUNDS, TEST_DOUBLES, TEST_FOLDER, TEST_KINDS
from scanner.model import SEVERITIES, Blast, Finding

# what a test's credential is called, joined to "test" or a test double's word in one
_CREDENTIAL_NOUNS = ("key", "keys", "cert", "certs", "secret", "token", "password", "pass", "pw", "pwd")
ENV_WORDS = {
    "production": {"prod", "production", "prd", "live", "prodn"},
    "staging": {"staging", "stage", "stg", "preprod", "uat", "qa"},
    # (and the tools that run a cluster or its services on a developer's machine: Tilt's
    # values, opal's helm/opal-server-chart/values-tilt.yaml; minikube's)
    "development": {"dev", "development", "develop", "local", "devel", "localdev", "localhost", "tilt", "minikube"},
    # an example or sample is not a deployment: `examples/server.key`, `SAMPLE_DB_URL`; nor is a
    # dummy, fake, stub or demo (triton-go's authentication/dummy.go), nor a project's
    # playground, the scratch app its developers try it in (auth0/node-auth0's playground/
    # creates a user test@test.com with a password written there), nor a quickstart, the
    # getting-started setup a project ships for trying it (ory/kratos' contrib/quickstart/ keys),
    # nor a sandbox, a provider's test environment or a project's demo site (django-oscar's
    # sandbox/settings/, a PAYPAL_SANDBOX_SECRET)
    "test": {"test", "tests", "testing", "testdata", "spec", "specs", "fixture", "fixtures", "mock", "mocks", "e2e",
             "example", "examples", "sample", "samples", "dummy", "fake", "fakes", "stub", "stubs", "demo", "demos",
             "playground", "playgrounds", "quickstart", "quickstarts", "sandbox", "sandboxes", "placeholder",
             "placeholders",
             # a database's seed data, the fixtures a new database is filled with (bitwarden/server's
             # util/Seeder/, Laravel's database/seeders/, Rails' db/seeds.rb)
             "seed", "seeds", "seeder", "seeders",
             # test folders named in one word (detectors.vocabulary.TEST_COMPOUNDS, TEST_DOUBLES)
             *(p + w for p in ("test", *TEST_DOUBLES) for w in TEST_COMPOUNDS),
             # and a test's credential named in one word (goreleaser's internal/http/testkey.pem)
             *(p + w for p in ("test", *TEST_DOUBLES) for w in _CREDENTIAL_NOUNS),
             # and a folder of one kind of test (dgraph's tlstest/mtls_internal/tls/live/: its
             # words below are the test cluster's, not a deployment's)
             *(k + t for k in TEST_KINDS for t in ("test", "tests"))},
}
_WORD_ENV = {w: env for env, words in ENV_WORDS.items() for w in words}
SENSITIVITY = {"production": 4, "staging": 3, "development": 2, "test": 1, "unknown": 0}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal", "db", "postgres", "postgresql",
               "mysql", "mariadb", "redis", "mongo", "mongodb", "rabbitmq", "database", "cache"}
SUPERUSERS = {"postgres", "root", "admin", "sa", "superuser", "master", "administrator", "rdsadmin",
              "azure_superuser", "cloudsqlsuperuser", "dba", "sysadmin", "system", "sys"}
_READONLY_USER = re.compile(r"(?i)(^|[_\-.])(ro|readonly|read_only|reader|read|viewer|replica|report|reporting)"
                            r"($|[_\-.])|readonly|reader$|_ro$")
_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
# a name saying its value is stored encrypted (rclone's rclonePersonalEncryptedClientSecret,
# an encrypted_password): ciphertext, as dangerous as the key that decrypts it
_STORED_ENCRYPTED = {"encrypted", "obscured", "ciphertext"}
# a name that calls its own value a stand-in (1Password's shell-plugins tests: `const
# example_token = "dapi..."`; `fakeToken`, `DUMMY_SECRET`), unlike `test`, which names the
# environment a real credential may serve
_STAND_IN_NAME = {"example", "sample", "fake", "dummy", "bogus", "placeholder"}
# another project's code copied in: Go's vendor/ and Godeps/_workspace/, PHP's and Ruby's
# vendor/, third_party/ (minio's vendored triton-go keeps a dummy key, hydra's Godeps lib/pq
# its test server's key)
# (and NuGet's packages/<id>.<version>/ of a packages.config project: Radarr's
# packages/DotNetZip.1.9.1.8/lib/net20/Ionic.Zip.xml, the library's own documentation)
# (and a vendor folder with a qualifier: Mozilla's vendor-local/, pontoon's copy of pyOpenSSL's tests)
# (and a library's release copied whole into lib/, libs/, deps/ or external/, its version in its
# folder's name: fluent-bit's lib/mbedtls-2.16.3/library/certs.c, the library's sample keys)
_VENDORED = re.compile(r"(?:^|/)(vendor(?:[-_][a-z]+)?|third[_-]?party|Godeps/_workspace|packages/[A-Za-z][\w.-]*?\.\d+\.\d+(?:\.\d+){0,2}(?:-[\w.]+)?|"
                       r"(?:lib|libs|deps|external|extern)/[A-Za-z][\w.+]*?-v?\d+\.\d+(?:\.\d+){0,2}(?:-[\w.]+)?)/")
SCOPE_WORDS = {"account": "account-wide", "environment": "environment-bound", "unknown": "unknown-scope"}


def _loopback(host: str) -> bool:
    h = host.lower().strip("[]")
    # (SQL Server's own names for the local server: `(local)`, `.`, `.\SQLEXPRESS` and
    # LocalDB's `(localdb)\MSSQLLocalDB`, as its connection strings write them)
    return h in ("localhost", "::1", "(local)", ".") or h.startswith(("127.", "(localdb)", ".\\", "(local)\\")) \
        or h.endswith(".localhost")


def tokens(s: str) -> list[str]:
    return [t.lower() for t in _SPLIT.split(s) if t]


def _stand_in_name(key) -> str | None:
    """The word of a variable's name that calls its value a stand-in, when the name names no
    deployment (`PROD_SAMPLE_KEY` is not one)."""
    if not isinstance(key, str) or env_of_words(key) != "test":
        return None
    return next((t for t in tokens(key) if t in _STAND_IN_NAME), None)


def env_of_words(s: str) -> str | None:
    """The most sensitive environment a name's words mention, or None."""
    found = [_WORD_ENV[t] for t in tokens(s) if t in _WORD_ENV]
    return max(found, key=SENSITIVITY.get) if found else None


def _is_local_file(path: str) -> bool:
    low = path.lower()
    parts = low.split("/")
    name = parts[-1]
    # (a folder named for docker-compose holds the services a compose file starts: emqx's
    # .ci/docker-compose-file/mysql/certs/ for the CI's containers)
    # (and a folder named compose: mem0's openmemory/compose/opensearch.yml, one service each)
    # (and a Vagrant machine's provisioning: Sylius' etc/vagrant/shell_provisioner/, a local VM;
    # and a key file named insecure, the one a tool publishes for its local machines: Vagrant's
    # insecure_private_key, copied by PuPHPet's setups (FOSSBilling's puphpet/files/dot/ssh/),
    # laradock's workspace/insecure_id_rsa)
    return (name.startswith(("docker-compose", "compose.")) or "/.devcontainer/" in "/" + low
            or name in ("devcontainer.json", ".env.local", "vagrantfile") or name.startswith("insecure_")
            or any(p.startswith("docker-compose") or p in ("compose", "vagrant", ".vagrant") or _names_local_setup(p)
                   for p in parts[:-1]))


def _names_local_setup(folder: str) -> bool:
    """A folder whose words are docker and compose, however joined: the services a compose
    file starts on this machine (oathkeeper's `.docker_compose/jwks.json`). Not a folder
    whose words merely include Vagrant's name (`vagrant-cloud/`, HashiCorp's hosted boxes)."""
    words = tokens(folder)
    return "docker" in words and "compose" in words


def _fixture_folder(path: str) -> str | None:
    """The first folder of the path that names tests or examples (`tests/`,
    `certbot_integration_tests/`, `sample-config/`), when no folder above it names a
    deployment: what lies below is that fixture's own layout, whatever its words say
    (certbot's test configuration mirrors /etc/letsencrypt/live/, whose `live` read as
    production and made its sample keys critical). A deployment's word above it still
    counts (`deploy/prod/tests/` is production's)."""
    parts = path.split("/")[:-1]
    for k, part in enumerate(parts):
        # (a folder's one word may be written in two: argo-workflows' manifests/quick-start/)
        if any(_WORD_ENV.get(t) == "test" for t in tokens(part)) or \
                _WORD_ENV.get(part.lower().replace("-", "").replace("_", "")) == "test":
            return None if env_of_words("/".join(parts[:k])) else "/".join(parts[:k + 1])
    return None


def _reserved_certificate(ctx: dict) -> tuple[int, str, str] | None:
    """A key whose certificates (in its file or folder: scanner/certs.py) are issued only to
    reserved names serves this machine (localhost) or a test (example.com, .test)."""
    hosts = ctx.get("cert_hosts")
    if not hosts:
        return None
    from detectors.x509 import reserved_kind

    kinds = {reserved_kind(h) for h in hosts}
    if None in kinds:
        return None
    env = "development" if "local" in kinds else "test"
    shown = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
    name = str(ctx.get("cert_file", "")).rsplit("/", 1)[-1]
    return 1, env, f"the certificates in its file or folder ({name}) are issued only to {shown}: reserved names, " \
                   f"a {'local' if env == 'development' else 'test'} server's key"


def location_env(finding: Finding, path: str, ctx: dict) -> tuple[int, str, str] | None:
    """(strength, env, evidence) from one location, strongest source first."""
    key = ctx.get("key")
    host = ctx.get("host")
    if host and _loopback(host):
        # a credential for this machine's own service reaches no other, whatever the
        # variable is called (faraday's test script: LIVE_PROXY=http://user:pw@localhost:port);
        # as strong as a variable's name, so the same secret named production elsewhere wins
        return 5, "development", f"host {host} is this machine (loopback): the credential reaches no other"
    if key:
        env = env_of_words(key)
        if env:
            return 5, env, f"variable name {key} names {env}"
    # a test's or an example's file is laid out as that fixture needs: its sections and
    # markers name no deployment, as its folders' words do not (bruno's request fixtures set
    # a variable `environment: production` beside the bearer token they parse); a test's
    # class (`class TestOpaqueReprFallback`) still says test
    fixture = _fixture_folder(path)
    for sec in list(ctx.get("section") or []) + list(ctx.get("markers") or []):
        env = env_of_words(str(sec))
        if env and not (fixture and env != "test"):
            return 4, env, f"enclosing section or namespace '{sec}' names {env}"
    host = ctx.get("host")
    if host:
        if host.lower() in LOCAL_HOSTS or host.startswith("127."):
            return 3, "development", f"host {host} is local"
        env = env_of_words(host)
        if env:
            return 3, env, f"host {host} names {env}"
    # another project's code first: its folders' words are its own (Kubernetes' source tree
    # staging/src/k8s.io/..., vendored by every operator, names no staging environment of ours)
    vendored = _VENDORED.search(path)
    if vendored:
        return 2, "test", f"path {path} is vendored third-party code ({vendored.group(1)}/): another project's fixture"
    if ctx.get("test_code"):
        return 2, "test", f"{path} holds it in its unit tests' module (Rust's #[cfg(test)])"
    if fixture:
        return 2, "test", f"path {path} is under a test or example folder ({fixture}/)"
    from detectors.generic import is_doc_snippet, is_prose_doc  # here: the guard's hook imports this module

    if is_prose_doc(path):
        # a key pasted into prose (PyJWT's docs/usage.rst shows four PEM keys) is the
        # document's example, whatever the document is about; a variable name, a section or
        # a host above still says more, and an account-wide type still reaches production
        return 2, "test", f"{path} is prose documentation: a value shown there is an example"
    if is_doc_snippet(path):
        return 2, "test", f"{path} is a file the documentation's pages include: a value shown there is an example"
    env = env_of_words(path)
    if env:
        return 2, env, f"path {path} names {env}"
    folder = TEST_FOLDER.search(path)
    if folder:
        return 2, "test", f"path {path} is under a test folder ({folder.group(1) or folder.group(2)}/)"
    if STORYBOOK_FILE.search(path):
        return 2, "test", f"{path} is a Storybook story: a component shown with made-up data"
    cert = _reserved_certificate(ctx)
    if cert:  # after the path, and weaker than it in any other place: it never raises a test key
        return cert
    if ctx.get("doc"):
        # the same in a docstring or a documentation comment's example (panva/jose's JSDoc
        # `@example` blocks write out the PKCS#8 key they import), when the path names nothing
        return 1, "test", "shown in a docstring or a documentation comment: an example"
    if _is_local_file(path):
        return 1, "development", f"{path} is local-only configuration (compose/devcontainer/vagrant)"
    return None


def classify(finding: Finding, history_only_note: str | None = None) -> Blast:
    rule = finding.rule
    secret = finding.secret
    b = Blast(scope=rule.scope, privilege=rule.privilege)
    ev = b.evidence
    env_source_is_key = False

    # ---- env ------------------------------------------------------------------------------
    for prefix, env in rule.env_from_secret.items():
        if secret.startswith(prefix) or (prefix.startswith("$") and prefix in secret):
            b.env = env
            env_source_is_key = True
            ev.append(f"key prefix {prefix} means {env}")
            break
    if not env_source_is_key:
        best: tuple[int, int, str, str] | None = None
        for loc, ctx in zip(finding.locations, finding.contexts):
            r = location_env(finding, loc.path, ctx)
            if r and (best is None or (r[0], SENSITIVITY[r[1]]) > (best[0], best[1])):
                best = (r[0], SENSITIVITY[r[1]], r[1], r[2])
        if best:
            b.env = best[2]
            ev.append(best[3])

    # ---- scope and privilege: type facts, refined by the value ------------------------------
    ev.append(f"{rule.name}: {SCOPE_WORDS[rule.scope]} by type, privilege {rule.privilege} by type")
    for prefix, scope in rule.scope_from_secret.items():
        if secret.startswith(prefix):
            b.scope = scope
            ev.append(f"key prefix {prefix} means scope {scope}")
            break
    for prefix, priv in rule.privilege_from_secret.items():
        if secret.startswith(prefix):
            b.privilege = priv
            ev.append(f"key prefix {prefix} means privilege {priv}")
            break
    ctx0 = _merged_context(finding)
    user = ctx0.get("user")
    if user and rule.provider in ("postgres", "postgresql", "mysql", "mongodb", "redis", "database", "mssql",
                                  "amqp", "rabbitmq", "generic") or (user and "url" in rule.id):
        u = user.lower()
        if u in SUPERUSERS:
            b.privilege = "destructive"
            ev.append(f"database user '{user}' is a superuser")
        elif _READONLY_USER.search(u):
            b.privilege = "read"
            ev.append(f"database user '{user}' is read-only by name")
    if ctx0.get("jwt_role"):
        ev.append(f"JWT role claim '{ctx0['jwt_role']}'")
    for k in ("privilege", "scope"):
        v = ctx0.get(k)
        if v and v in ({"destructive", "write", "read", "unknown"} if k == "privilege" else {"account", "environment", "unknown"}):
            setattr(b, k, v)
            ev.append(f"{k} {v}: {ctx0.get(k + '_evidence', 'from the credential itself')}")

    # ---- severity -----------------------------------------------------------------------------
    # a carrier rule (a password in a URL or connection string, an Authorization header) knows
    # no provider either: rated one level lower, as a generic finding is
    b.severity, b.reaches_production = _severity(b, env_source_is_key, rule.generic or rule.carrier)
    reach = None
    if b.reaches_production and b.env != "production":
        where = {"staging": "a staging context", "development": "a development context",
                 "unknown": "a context that names no environment", "test": "a test context"}[b.env]
        reach = f"found in {where}, but this token type is account-wide: it reaches production"
        ev.append(reach)
    statuses = {loc.status for loc in finding.locations if loc.kind == "worktree"}
    kinds = {loc.kind for loc in finding.locations}
    if "ignored" in statuses:
        ev.append("in a git-ignored file: invisible to git, readable by every agent")
    if history_only_note:
        ev.append(history_only_note)
    # a credential left in history or in an ignored file is one more to rotate, except one for
    # a test or a local development service (a compose file's `db`), which rotating does not protect
    if b.severity not in ("critical", "info") and b.env not in ("test", "development") and \
            ("ignored" in statuses or kinds == {"history"}):
        b.severity = _bump(b.severity, cap="high")
    key = ctx0.get("key")
    if rule.generic and isinstance(key, str) and b.severity not in ("info", "low") and \
            _STORED_ENCRYPTED.intersection(tokens(key)):
        # a guess from the name alone, and the name says the value is not the secret itself
        b.severity = _lower(b.severity)
        ev.append(f"variable name {key} says the value is stored encrypted: as dangerous as the key "
                  "that decrypts it, rated one level lower")
    said = ctx0.get("said_not_secret")
    if rule.generic and isinstance(said, str) and b.severity not in ("info", "low"):
        # a guess from the name alone, beside the code's own word that it is no secret
        # (gcsfs's `not_secret = {"client_id": ..., "client_secret": ...}`): reported, rated low
        b.severity = "low"
        ev.append(f"the code beside it calls it no secret ('{said}'): rated low, reported for review")
    fake = ctx0.get("test_says_fake")
    if isinstance(fake, str) and b.severity not in ("info", "low") and \
            all(c.get("test_says_fake") for c in finding.contexts):
        # the test's own description calls the value a stand-in (shoutrrr's `When("given a valid
        # request with a faked token", ...)`), wherever it is: any rule, an account-wide type too
        b.severity = "low"
        ev.append(f"the test case around it calls its value {fake}: a stand-in, rated low")
    if ctx0.get("pattern_example") and b.severity not in ("info", "low") and \
            all(c.get("pattern_example") for c in finding.contexts):
        # a rule file's sample of what its pattern matches (a secret scanner's own list, a rule
        # test's annotated target), made to fit the pattern, wherever it is: any rule, an
        # account-wide type too
        b.severity = "low"
        ev.append("given as the example of a pattern beside it, a rule test's target or a detector test's "
                  "sample (a scanner's rule files and tests): a sample, rated low")
    named = _stand_in_name(ctx0.get("key"))
    if named and b.severity not in ("info", "low") and all(_stand_in_name(c.get("key")) for c in finding.contexts):
        # what the code calls the value, wherever it is: any rule, an account-wide type too
        b.severity = "low"
        ev.append(f"variable name {ctx0.get('key')} calls its value {named}: a stand-in, rated low")
    expired = _expired(finding, ctx0)
    if expired:
        # rejected by the service whatever it could once reach: no longer "reaches production"
        if reach:
            ev.remove(reach)
        b.reaches_production = False
        ev.append(expired)
        if b.severity not in ("low", "info"):
            b.severity = "low"
    if (ctx0.get("password_is_user") or user and secret.lower() == user.lower()) and b.severity not in ("low", "info"):
        # a role created with its own name as its password, Basic max:max: an image's default
        # or a documentation's example account, not a password anyone chose; reported, rated low
        b.severity = "low"
        if ctx0.get("cleartext_beside"):
            ev.append(f"the row's first value ({user}) is the hash's cleartext: a hashing test vector, "
                      "or an account whose password is its name; rated low")
        else:
            ev.append(f"the password is the user's name ({user}): a default or example account, rated low")
    if finding.confidence == "low" and b.severity not in ("low", "info"):
        # a generic guess or a documentation example: reported for review, never above low
        b.severity = "low"
        ev.append("low confidence (a generic guess or a documentation example): rated low, reported for review")
    variant = ctx0.get("hand_made_variant")
    if variant and b.severity not in ("low", "info"):
        b.severity = "low"
        ev.append(f"the same token as another of this provider's here ({variant}) but for a few characters, "
                  "or cut short: a test's hand-made variants, not issued tokens; rated low")
    if rule.public:
        b.severity = "info"
    return b


def _expired(finding: Finding, ctx0: dict) -> str | None:
    """The evidence that the credential can no longer work, or None: a JSON Web Token past
    its exp claim (a Postman collection's bearer token from 2018), an Azure SAS past its se=
    (a recorded download link), a temporary key first committed longer ago than it lives
    (`lifetime_hours`: an ASIA key ID, and the secret beside it; or the rule's own, a type
    that lives hours at most whoever issued it)."""
    exp, exp_from = ctx0.get("jwt_exp"), "its exp claim"
    if exp is None:
        exp, exp_from = ctx0.get("expires"), ctx0.get("expires_from") or "its expiry"
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        if 0 < exp < time.time():
            when = datetime.fromtimestamp(exp, timezone.utc).date().isoformat()
            return f"expired on {when} ({exp_from}): services that check expiry reject it"
        return None
    hours, life_from = ctx0.get("lifetime_hours"), ctx0.get("lifetime_from")
    if hours is None and finding.rule.lifetime_hours:
        hours, life_from = finding.rule.lifetime_hours, f"a {finding.rule.name} (its provider's longest lifetime)"
    first = min((loc.date for loc in finding.locations if loc.kind == "history" and loc.date), default=None)
    if not isinstance(hours, int) or isinstance(hours, bool) or not first:
        return None  # only on disk: no date says when it was issued
    try:  # issued no later than its first commit, and valid `hours` at most after that
        since = datetime.fromisoformat(first).timestamp()
    except ValueError:
        return None
    if since + hours * 3600 >= time.time():
        return None
    return f"{life_from or 'a temporary credential'}, valid {hours} hour{'s' if hours != 1 else ''} at most, " \
           f"first committed on {first[:10]}: expired"


PAIR_LINES = 3  # a key's other parts are written beside it: an ID, its secret, a session token


def share_lifetimes(findings: list[Finding]) -> None:
    """A secret written within PAIR_LINES lines of a provider's temporary key (an ASIA key
    ID's `lifetime_hours`), in the same file of the same commit, is that key's other half
    (AWS's secret access key has no mark of its own) and shares its lifetime, in place."""
    temporary: dict[tuple, dict] = {}  # (provider, kind, commit, path, line) -> the key's context
    for f in findings:
        for loc, ctx in zip(f.locations, f.contexts):
            if ctx.get("lifetime_hours") and loc.line is not None:
                temporary.setdefault((f.rule.provider, loc.kind, loc.commit, loc.path, loc.line), ctx)
    if not temporary:
        return
    for f in findings:
        if not f.contexts or any(c.get("lifetime_hours") for c in f.contexts):
            continue
        key = next((temporary[k] for loc in f.locations if loc.line is not None
                    for k in ((f.rule.provider, loc.kind, loc.commit, loc.path, loc.line + d)
                              for d in range(-PAIR_LINES, PAIR_LINES + 1)) if k in temporary), None)
        if key is not None:
            f.contexts[0] = {**f.contexts[0], "lifetime_hours": key["lifetime_hours"],
                             "lifetime_from": f"beside {key.get('lifetime_from')}"}


# a token's hand-made variants: how many of a same-length token's characters may differ
VARIANT_SHARE = 4  # at most a quarter (and two), or one is the other cut short or extended
_TOKEN_LIKE = re.compile(r"^[A-Za-z0-9_+.\-]{20,200}$")


def mark_hand_made_variants(findings: list[Finding]) -> None:
    """Two tokens of one provider that are the same but for a few characters, or one the
    other cut short or extended, were edited by hand from one another: a test's cases
    (supabase/supavisor's just-in-time access tests, `sbp_04fee3d2...c836`, `...c000`,
    `sbp_aaaa00d2...`, `sbp_112233d2...`; doctl's `dop_v1_` token beside its `doo_v1_`,
    truncated and extended forms). A provider's generator makes each token's random part
    anew, so no two issued tokens share most of their characters. Provider rules only, and
    tokens only: a URL, a header or a connection string (a carrier's) shares its fixed
    parts with the next. Each such finding's first context says so (classify rates it low)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.rule.generic and not f.rule.carrier and f.contexts and _TOKEN_LIKE.match(f.secret) \
                and not f.secret.startswith("eyJ"):
            groups.setdefault(f.rule.provider, []).append(f)
    for group in groups.values():
        # (pairwise: 150 tokens of one provider are 11,175 pairs, 35 ms; a provider's hundreds of
        # tokens in one scan are no test's cases)
        if len(group) < 2 or len(group) > 150:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if _variants(a.secret, b.secret):
                    for f, other in ((a, b), (b, a)):
                        if "hand_made_variant" not in f.contexts[0]:
                            f.contexts[0] = {**f.contexts[0], "hand_made_variant": other.secret[:4] + "…"}


def _variants(a: str, b: str) -> bool:
    if a == b:
        return False
    if len(a) != len(b):
        short, long_ = (a, b) if len(a) < len(b) else (b, a)
        if long_.startswith(short):
            return True
        # the same but for a few characters put in or taken out in one place: their common
        # start and end hold all of the shorter (checkout-sdk-python's tests build an SDK with
        # `sk_sbox_m73d...` and with `sk_m73d...`, the sandbox key with its `sbox_` taken out)
        start = len(os.path.commonprefix([short, long_]))
        end = len(os.path.commonprefix([short[start:][::-1], long_[start:][::-1]]))
        return start + end == len(short) and len(long_) - len(short) <= max(2, len(long_) // VARIANT_SHARE)
    differ = sum(1 for x, y in zip(a, b) if x != y)
    return differ <= max(2, len(a) // VARIANT_SHARE)


def _merged_context(f: Finding) -> dict:
    out: dict = {}
    for c in f.contexts:
        for k, v in c.items():
            out.setdefault(k, v)
    return out


_MATRIX = {
    "production": {"destructive": "critical", "write": "high", "read": "medium"},
    "unknown": {"destructive": "high", "write": "medium", "read": "low"},
    "staging": {"destructive": "high", "write": "medium", "read": "low"},
    "development": {"destructive": "medium", "write": "low", "read": "low"},
    "test": {"destructive": "low", "write": "low", "read": "low"},
}


def _severity(b: Blast, env_from_key: bool, generic: bool) -> tuple[str, bool]:
    priv = "destructive" if b.privilege == "unknown" else b.privilege  # unknown counts as destructive
    reaches = b.env == "production" or (b.scope == "account" and (b.env != "test" or not env_from_key))
    eff = "production" if reaches else b.env
    sev = _MATRIX[eff][priv]
    if generic:
        sev = _lower(sev)
    return sev, reaches


def _bump(sev: str, cap: str = "critical") -> str:
    i = SEVERITIES.index(sev)
    return SEVERITIES[max(i - 1, SEVERITIES.index(cap))] if i > SEVERITIES.index(cap) else sev


def _lower(sev: str) -> str:
    i = SEVERITIES.index(sev)
    return SEVERITIES[min(i + 1, len(SEVERITIES) - 2)]  # never below low for a real credential


def why_line(f: Finding) -> str:
    """One line for the terminal report: what it is, where, and what it can do."""
    b = f.blast
    paths = f.worktree_paths or sorted({loc.path for loc in f.locations})
    where = paths[0] + (f" (+{len(paths) - 1} more)" if len(paths) > 1 else "")
    scope = {"account": "account-wide ", "environment": ""}.get(b.scope, "")
    s = f"{scope}{f.rule.name} in {where}"
    if f.task_related is False:
        s += ", outside the task"
    impact = f.rule.impact or ("can act on production" if b.reaches_production else "")
    if impact:
        s += f": it {impact}"
    return s
