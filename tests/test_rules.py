"""The detector rules as data: schema, Hyperscan compatibility and every example through both engines."""
from __future__ import annotations

import re

import pytest

from scanner import rules as rules_mod

RULES = rules_mod.parse_rule_files(rules_mod.rule_files())
PATTERN_RULES = [r for r in RULES if not r.structured]


def _engine_available() -> bool:
    try:
        import scanner.engine  # noqa: F401
    except ImportError:
        return False
    return True


def _hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def test_ids_unique_and_kebab_case():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for i in ids:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i), i


def test_at_least_200_providers():
    # counts every rule file, structured.yaml included
    providers = {r.provider for r in RULES}
    assert len(providers) >= 200, f"only {len(providers)} providers"


REQUIRED = """aws-access-key-id aws-secret-access-key stripe-secret-key stripe-restricted-key stripe-publishable-key
github-pat github-fine-grained-pat github-oauth-token github-app-token github-refresh-token gitlab-pat
slack-bot-token slack-user-token slack-webhook-url openai-api-key anthropic-api-key anthropic-admin-key
sendgrid-api-key google-api-key npm-token digitalocean-pat twilio-api-key railway-account-token
railway-project-token heroku-api-key postgres-url mysql-url mongodb-url redis-url amqp-url jwt
supabase-service-role-key supabase-anon-key private-key""".split()


def test_required_rule_ids_exist():
    ids = {r.id for r in RULES}
    assert not [i for i in REQUIRED if i not in ids]


@pytest.mark.parametrize("rule", PATTERN_RULES, ids=lambda r: r.id)
def test_rule_is_complete(rule):
    assert len(rule.positive) >= 3, "needs at least three positive examples"
    assert len(rule.negative) >= 3, "needs at least three negative examples"
    assert rule.keywords, "needs keywords"
    assert rule.impact and rule.description
    assert "secret" in rule.regex.groupindex
    if rule.validate:
        from detectors.validators import VALIDATORS
        assert rule.validate in VALIDATORS


@pytest.mark.parametrize("rule", PATTERN_RULES, ids=lambda r: r.id)
def test_keywords_occur_in_every_positive_match(rule):
    for example in rule.positive:
        for m in rule.regex.finditer(example):
            text = m.group(0).lower()
            assert any(k.lower() in text for k in rule.keywords), (rule.id, example)


@pytest.mark.skipif(not _hyperscan_available(), reason="hyperscan not installed")
@pytest.mark.parametrize("rule", PATTERN_RULES, ids=lambda r: r.id)
def test_pattern_compiles_in_hyperscan_prefilter(rule):
    import hyperscan

    db = hyperscan.Database()
    db.compile(expressions=[rule.pattern.encode()], ids=[0], elements=1, flags=[hyperscan.HS_FLAG_PREFILTER])


def _examples():
    for r in PATTERN_RULES:
        for i, ex in enumerate(r.positive):
            yield pytest.param(r, ex, True, id=f"{r.id}+{i}")
        for i, ex in enumerate(r.negative):
            yield pytest.param(r, ex, False, id=f"{r.id}-{i}")


_ENGINES: dict = {}


def _engine(use_hyperscan: bool):
    if use_hyperscan not in _ENGINES:
        from scanner.engine import Engine
        _ENGINES[use_hyperscan] = Engine(RULES, use_hyperscan=use_hyperscan)
    return _ENGINES[use_hyperscan]


@pytest.mark.skipif(not _engine_available(), reason="scanner.engine not available")
@pytest.mark.parametrize("use_hyperscan", [
    pytest.param(True, marks=pytest.mark.skipif(not _hyperscan_available(), reason="no hyperscan")),
    False,
], ids=["hyperscan", "python"])
@pytest.mark.parametrize("rule,example,expect", list(_examples()))
def test_example_through_engine(rule, example, expect, use_hyperscan):
    hits = _engine(use_hyperscan).scan_text(example, path="example.txt")
    found = [h for h in hits if h.rule_id == rule.id]
    if expect:
        assert found, f"{rule.id}: positive example not found: {example[:100]!r} (hits: {[h.rule_id for h in hits]})"
    else:
        assert not found, f"{rule.id}: negative example matched: {example[:100]!r}"


def _refine_examples():
    for r in PATTERN_RULES:
        for k, ref in enumerate(r.refine):
            ex = ref.get("examples") or {}
            for i, text in enumerate(ex.get("refined") or []):
                yield pytest.param(r, ref, text, True, id=f"{r.id}~{k}+{i}")
            for i, text in enumerate(ex.get("unrefined") or []):
                yield pytest.param(r, ref, text, False, id=f"{r.id}~{k}-{i}")


def test_every_refinement_has_examples_both_ways():
    refs = [(r.id, ref) for r in PATTERN_RULES for ref in r.refine]
    assert refs, "no rule refines a hit by its context"
    for rid, ref in refs:
        ex = ref.get("examples") or {}
        assert ex.get("refined") and ex.get("unrefined"), f"{rid}: a refinement needs refined and unrefined examples"


@pytest.mark.skipif(not _engine_available(), reason="scanner.engine not available")
@pytest.mark.parametrize("use_hyperscan", [
    pytest.param(True, marks=pytest.mark.skipif(not _hyperscan_available(), reason="no hyperscan")),
    False,
], ids=["hyperscan", "python"])
@pytest.mark.parametrize("rule,ref,text,refined", list(_refine_examples()))
def test_refine_example_through_engine(rule, ref, text, refined, use_hyperscan):
    """The rule still finds the value in every refinement example; in a `refined` one the
    hit carries the refinement's privilege and scope with its evidence, in an `unrefined`
    one it does not."""
    hits = [h for h in _engine(use_hyperscan).scan_text(text, path="example.txt") if h.rule_id == rule.id]
    assert hits, f"{rule.id}: refinement example not found at all: {text[:100]!r}"
    for k in ("privilege", "scope"):
        if ref.get(k):
            got = [h.context.get(k) for h in hits]
            if refined:
                assert all(g == ref[k] for g in got), f"{rule.id}: {k} {got}, want {ref[k]} in {text[:100]!r}"
                assert all(h.context.get(k + "_evidence") == ref["evidence"] for h in hits)
            else:
                assert not any(h.context.get(k + "_evidence") == ref["evidence"] for h in hits), text[:100]


def test_refine_schema_errors_are_one_line():
    base = {"id": "x-key", "provider": "x", "pattern": r"(?P<secret>xk_[a-z0-9]{20})", "keywords": ["xk_"]}
    bad = [
        ({"refine": {"context": "a"}}, "must be a list"),
        ({"refine": [{"context": "a", "privilege": "read"}]}, "'evidence'"),
        ({"refine": [{"context": "a", "evidence": "e"}]}, "a 'privilege' or a 'scope'"),
        ({"refine": [{"context": "a", "privilege": "all", "evidence": "e"}]}, "privilege must be"),
        ({"refine": [{"context": "a", "scope": "read", "evidence": "e"}]}, "scope must be"),
        ({"refine": [{"context": "a", "privilege": "read", "evidence": "e", "context_lines": 51}]}, "context_lines"),
        ({"refine": [{"context": "a", "privilege": "read", "evidence": "e", "when": 1}]}, "unknown key 'when'"),
        ({"refine": [{"context": "(", "privilege": "read", "evidence": "e"}]}, "bad regex"),
    ]
    for extra, msg in bad:
        with pytest.raises(rules_mod.RuleError, match=re.escape(msg)):
            rules_mod.rule_from_dict({**base, **extra}, "config")


@pytest.mark.parametrize("life", [0, -1, 2.5, True, "12", 24 * 366 + 1])
def test_lifetime_hours_must_be_a_whole_number_of_hours(life):
    base = {"id": "x-key", "provider": "x", "pattern": r"(?P<secret>xk_[a-z0-9]{20})", "keywords": ["xk_"]}
    with pytest.raises(rules_mod.RuleError, match="'lifetime_hours' must be a whole number"):
        rules_mod.rule_from_dict({**base, "lifetime_hours": life}, "config")
    assert rules_mod.rule_from_dict({**base, "lifetime_hours": 12}, "config").lifetime_hours == 12


def test_refined_hit_is_rated_by_its_refinement():
    """A Firebase web config's API key is reported, as read access (medium), not critical;
    the same key assigned alone keeps the type's rating."""
    from scanner.blast import classify
    from scanner.model import Finding, Location

    eng = _engine(False)
    rule = eng.by_id["google-api-key"]
    texts = {"refined": rule.refine[0]["examples"]["refined"][0], "alone": rule.refine[0]["examples"]["unrefined"][0]}
    sev = {}
    for name, text in texts.items():
        h = next(h for h in eng.scan_text(text, path="web/src/app.js") if h.rule_id == rule.id)
        f = Finding(rule=rule, secret=h.secret, locations=[Location("worktree", "web/src/app.js", h.line, h.column, status="tracked")],
                    contexts=[h.context])
        f.confidence = "high"
        b = classify(f)
        sev[name] = (b.severity, b.privilege)
    assert sev["refined"] == ("medium", "read")
    assert sev["alone"] == ("critical", "unknown")


def test_validators():
    import zlib
    from detectors import validators as v

    body = "q7Fm2ZtLw9KxR4pNc8VbH3yJd6GsT1"
    crc = v._base62(zlib.crc32(body.encode()) & 0xFFFFFFFF, 6)
    assert v.github_crc32(f"ghp_{body}{crc}", None)
    assert not v.github_crc32(f"ghp_{body}{'0' * 6 if crc != '000000' else '111111'}", None)
    jwtio = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
             ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
    assert not v.jwt(jwtio, None)
    assert not v.jwt("eyJhbGciOiJIUzI1NiJ9.eyJub3QganNvbg.c2ln", None)
    assert v.npm_crc32(f"npm_{body}{crc}", None) == {"checksum": "valid"}
    assert v.npm_crc32(f"npm_{body}zzzzzz", None) == {"checksum": "invalid"}
    supa = v.jwt("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJvbGUiOiJzZXJ2aWNlX3JvbGUifQ.c2lnbmF0dXJlc2lnbmF0dXJl", None)
    assert supa["rule_id"] == "supabase-service-role-key" and supa["jwt_role"] == "service_role"


def test_nats_nkey_seeds_are_checked_and_nats_jwts_are_claims():
    """A NATS nkey seed: base32 of two prefix bytes (seed, kind of key), 32 bytes and a
    CRC-16 (nats-io/nkeys); the docs' own credentials-file sample passes, one character
    changed fails the checksum (kept, confidence low), a wrong kind is not a seed. A NATS
    JWT (alg ed25519-nkey) is a claims document, unless its claims make it a bearer token."""
    import base64
    import json
    from detectors import validators as v

    docs_seed = "SUAOY5JZ2WJKVR4UO2KJ2P3SW6FZFNWEOIMAXF4WZEUNVQXXUOKGM55CYE"
    assert v.nkey_crc16(docs_seed) == {"checksum": "valid"}
    assert v.nkey_crc16(docs_seed[:20] + ("A" if docs_seed[20] != "A" else "B") + docs_seed[21:]) == \
        {"checksum": "invalid"}
    assert v.nkey_crc16("SAZKBFPSB6JZKZIM7E4AXDW3EJFGWJEKD2JE5D6QVYXBVFESUMYF6GFUP4") is False  # no such kind
    assert v.nkey_crc16(docs_seed[:-2]) is False  # 35 bytes

    def token(header: dict, payload: dict) -> str:
        enc = [base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=") for p in (header, payload)]
        return ".".join(enc + ["c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"])

    nats = {"typ": "JWT", "alg": "ed25519-nkey"}
    account = {"iss": "OC6Q", "sub": "ACERT", "nats": {"type": "account", "version": 2}}
    assert v.jwt(token(nats, account))["rule_id"] == "nats-jwt"
    assert v.jwt(token({"typ": "jwt", "alg": "ed25519"}, {"type": "user", "nats": {"pub": {}}}))["rule_id"] == "nats-jwt"
    bearer = {"sub": "UDUK", "nats": {"type": "user", "bearer_token": True}}
    assert v.jwt(token(nats, bearer))["rule_id"] == "jwt"
    assert v.jwt(token({"typ": "JWT", "alg": "HS256"}, account))["rule_id"] == "jwt"  # not NATS's signature


def test_jwtio_sample_claims_whole_or_cut_down_are_a_sample():
    """jwt.io's sample payload, with claims added or some left out, is the sample; a payload
    that gives any claim another value, or adds one to a cut-down sample, is a token."""
    import base64
    import json
    from detectors import validators as v

    def token(payload: dict) -> str:
        enc = [base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
               for p in ({"alg": "HS256", "typ": "JWT"}, payload)]
        return ".".join(enc + ["dozjgNryP4J3jVmNHluKJe2vncyz4h4SH6FSS7YOKIx"])

    for sample in ({"sub": "1234567890"}, {"sub": "1234567890", "name": "John Doe"}, {"iat": 1516239022},
                   {"sub": "1234567890", "name": "John Doe", "iat": 1516239022, "admin": True}):
        assert not v.jwt(token(sample)), sample
    for claims in ({"sub": "1234567891"}, {"sub": "1234567890", "role": "admin"}, {"name": "John Doe", "iat": 1716239022},
                   {}):
        assert v.jwt(token(claims)), claims


def test_jwt_claims_of_metasyntactic_words_are_a_tests():
    """Every string claim made of foo, bar and the like (a URL's scheme and top-level domain
    aside) is a test's token (couchdb's jwtf tests sign `{"iss": "https://foo.com", "kid":
    "bar"}`); one real word among them, or no string claim at all, is a token."""
    import base64
    import json
    from detectors import validators as v

    def token(payload: dict) -> str:
        enc = [base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
               for p in ({"alg": "RS256", "typ": "JWT"}, payload)]
        return ".".join(enc + ["bi87lkEeOblTbZEh6FkmOSg3mCkqu2xcYJpJb3So29agyJkkidu3N"])

    for sample in ({"iss": "https://foo.com", "iat": 0, "exp": 10 ** 13, "kid": "bar"}, {"sub": "foobar"},
                   {"iss": "spam", "aud": "eggs"}):
        assert not v.jwt(token(sample)), sample
    for claims in ({"iss": "https://accounts.acme-payments.com", "kid": "bar"}, {"iat": 0, "exp": 10 ** 13},
                   {"sub": "foo", "scope": ["admin"]}):
        assert v.jwt(token(claims)), claims


def test_an_anti_forgery_jwt_is_no_credential():
    """Drone serves its CSRF token as a JWT `{"text": <user>, "type": "csrf"}` in a meta tag of
    its pages (one saved into nextcloud/android's history): it authenticates no one. A token
    of another type, or without one, is a token."""
    import base64
    import json
    from detectors import validators as v

    def token(payload: dict) -> str:
        enc = [base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
               for p in ({"alg": "HS256", "typ": "JWT"}, payload)]
        return ".".join(enc + ["prE2Gl0jW5KkCmDdlV117apFcLwaMiJOe1j0OQscQ7x"])

    for claims in ({"text": "alice", "type": "csrf"}, {"sub": "alice", "typ": "CSRF"}):
        assert not v.jwt(token(claims)), claims
    for claims in ({"text": "alice", "type": "user"}, {"text": "alice", "type": "sess"}, {"sub": "alice"}):
        assert v.jwt(token(claims)), claims


@pytest.mark.parametrize("password,found", [
    ("p%3A%2F%5B%5D%40", False),  # "p:/[]@": how a URL escapes its reserved characters
    ("%21%40", False),
    ("p%40ssw0rd", True),
    ("Kq7vLm2%21xR9", True),
])
def test_a_url_password_of_escaped_punctuation_is_a_parsers_test(password, found):
    from detectors import validators as v

    assert v.url_password(password, None) is found


@pytest.mark.parametrize("password,found", [
    ("secret@server[:port]", False),  # smart_open's `s3://key:secret@server[:port]@bucket/object`
    ("pass@host[/path]", False),
    ("Kq7[vLm2]xR9", True),  # brackets in a password, no syntax's optional part
    ("Kq7vLm2[:]xR9", True),
])
def test_a_url_password_holding_a_usage_lines_optional_part_is_its_syntax(password, found):
    from detectors import validators as v

    assert v.url_password(password, None) is found


def test_aws_key_ids_name_their_account():
    """The account an access key ID carries (the published decoding, checked against the
    worked example `ASIAY34FZKBOKMUTVV7A` -> 609629065308); IDs older than the encoding carry
    none; the emulators' and AWS's documentation's accounts are not real ones."""
    from detectors import validators as v

    assert v.aws_key_account("ASIAY34FZKBOKMUTVV7A") == 609629065308
    assert v.aws_key_account("AKIAIOSFODNN7EXAMPLE") is None  # AKIAI...: before the encoding
    assert v.aws_key_account("AKIAQAAAAAAAO5623WZ6") == 0  # LocalStack's account
    assert not v.aws_real_account("AKIAQAAAAAAAO5623WZ6")
    assert not v.aws_real_account("AKIARZPUZDIKB6LXIUVD")  # 123456789012
    assert v.aws_real_account("AKIAVQJXXVBO4OYQVJPJ") and v.aws_real_account("AKIAJDULPKHCC4KGTYVA")


def test_relabel_targets_exist():
    """The jwt validator re-labels hits into these rules; they must exist."""
    ids = {r.id for r in RULES}
    for target in ("jwt", "supabase-service-role-key", "supabase-anon-key", "turso-token", "nats-jwt"):
        assert target in ids, target


@pytest.mark.parametrize("rule", PATTERN_RULES, ids=lambda r: r.id)
def test_no_catastrophic_backtracking(rule):
    import time

    texts = []
    for k in rule.keywords[:2]:
        texts += [(k + "A" * 3000) * 3, (k + "=") * 1000, k + ("aB3-_." * 800), (k + " ") * 2000]
    start = time.perf_counter()
    for text in texts:
        for _ in rule.regex.finditer(text):
            pass
    assert time.perf_counter() - start < 1.0


def test_weak_prefix_rules_say_what_makes_them_real():
    """Issue 15: a rule whose literal prefix is short (`md-`, `hf_`, `pa-`: four characters
    or fewer) matches code and CSS too (MkDocs' `--md-primary-fg-color--light` was a
    Mandrill key). Each such rule declares in `requires` what makes a match real, and has it:
    the provider named nearby (context), a random body (entropy), a checksum, or a structure
    of fixed segments."""
    import re as _re

    from scanner.rules import load_rules

    missing = []
    for r in load_rules(use_cache=False):
        if not r.pattern or r.generic or not r.keywords:
            continue
        if not _re.match(r"^(?:\\b|\(\?<!\[[^\]]*\]\))?\(\?P<secret>", r.pattern):
            continue
        if min(len(k) for k in r.keywords) > 4:
            continue
        if not r.requires:
            missing.append(r.id)
        assert "context" not in r.requires or r.context, r.id
        assert "entropy" not in r.requires or r.entropy, r.id
        assert "checksum" not in r.requires or r.validate, r.id
    assert not missing, missing


def test_rules_from_the_cache_are_the_rules_the_files_give(tmp_path, monkeypatch):
    """load_rules' cache holds entries checked when it was written, and builds them without
    checking again: the rules it gives must equal those parsed from the files, and the
    cache key must change with the loader's own code (whose checks the entries passed)."""
    from scanner import rules as rules_mod

    monkeypatch.setenv("CREDFENCE_CACHE_DIR", str(tmp_path))
    fresh = rules_mod.load_rules(use_cache=False)
    rules_mod.load_rules()  # writes the cache
    assert list(tmp_path.glob("rules-*.json"))
    def described(rules):  # (the fresh rules carry their compiled regexes, the cached compile theirs on use)
        return [(rules_mod.rule_to_dict(r), r.family) for r in rules]

    assert described(rules_mod.load_rules()) == described(fresh)
    files = rules_mod.rule_files()
    key = rules_mod.files_digest(files)
    monkeypatch.setattr(rules_mod, "__file__", str(tmp_path / "rules.py"))
    (tmp_path / "rules.py").write_text("# another loader\n")
    (tmp_path / "model.py").write_text("# another Rule\n")
    assert rules_mod.files_digest(files) != key


# a positive example that is one assignment, `name = value` or `name: value`: its name, its
# operator and the rest (an identifier's name, quoted or not; the operator's own spaces)
_ASSIGNMENT = re.compile(r"""^(?P<name>\s*(?:export\s+)?["']?[A-Za-z_][\w.-]*["']?)[ ]?(?P<op>=>|:=|=|:)[ ]?(?P<rest>\S.*)$""")


def _aligned_examples():
    for r in PATTERN_RULES:
        for i, ex in enumerate(r.positive):
            m = _ASSIGNMENT.match(ex) if "\n" not in ex else None
            if m and "_" in m["name"]:
                yield pytest.param(r, m, id=f"{r.id}+{i}")


@pytest.mark.skipif(not _engine_available(), reason="scanner.engine not available")
@pytest.mark.parametrize("rule,m", list(_aligned_examples()))
def test_aligned_assignment_found(rule, m):
    """`terraform fmt`, gofmt and hand-aligned PHP arrays or YAML maps line the operators
    (or the values) of neighbouring assignments up with runs of spaces: a rule's name and
    value may stand that far apart (an Azure DevOps PAT in a .tfvars was missed)."""
    engine = _engine(_hyperscan_available())
    for text in (f"{m['name']}{' ' * 13}{m['op']} {m['rest']}", f"{m['name']}{m['op']}{' ' * 13}{m['rest']}"):
        found = [h for h in engine.scan_text(text, path="example.txt") if h.rule_id == rule.id]
        assert found, f"{rule.id}: aligned assignment not found: {text[:120]!r}"


def _json_pairs():
    # every one-assignment positive example (_ASSIGNMENT) written as a JSON member, and every
    # example that already holds one: `"name": "value"`
    for r in PATTERN_RULES:
        for i, ex in enumerate(r.positive):
            if "\n" in ex or "\\" in ex:
                continue
            m = _ASSIGNMENT.match(ex)
            if m and "_" in m["name"]:
                name = m["name"].strip().removeprefix("export").strip().strip("\"'")
                value = m["rest"].strip().rstrip(",;").strip("\"'")
                yield pytest.param(r, f'{{"{name}": "{value}"}}', id=f"{r.id}+{i}")
            elif re.search(r"""(?<![\w"])"[A-Za-z_][\w.-]*"\]?\s*(?::|=>|=)""", ex):
                yield pytest.param(r, ex, id=f"{r.id}+{i}")


@pytest.mark.skipif(not _engine_available(), reason="scanner.engine not available")
@pytest.mark.parametrize("rule,example", list(_json_pairs()))
def test_a_json_document_inside_a_string_is_read(rule, example):
    """A pair a rule reads as JSON it reads written inside a string, every quote escaped: `"{\\"aws_secret_access_key\\":
    \\"...\\"}"` in a Java test, a curl -d payload (CredSweeper's samples: salt.py,
    password_TRUE); the secret ends before the escape of its closing quote."""
    engine = _engine(_hyperscan_available())
    want = {h.secret for h in engine.scan_text(example, path="example.txt") if h.rule_id == rule.id}
    if not want:
        pytest.skip("not read as JSON either")
    escaped = example.replace('"', '\\"')
    got = {h.secret for h in engine.scan_text(escaped, path="example.txt") if h.rule_id == rule.id}
    assert got == want, (rule.id, escaped[:120], got)


@pytest.mark.skipif(not _engine_available(), reason="scanner.engine not available")
@pytest.mark.parametrize("text,secret,host", [
    ("MONGO_URI=mongodb+srv://orders:Kq7@vLm2!xR9@cluster0.x8k2pq.mongodb.net/orders", "Kq7@vLm2!xR9",
     "cluster0.x8k2pq.mongodb.net"),
    ("DATABASE_URL=postgres://app:pW9@x#@db.internal:5432/app", None, None),  # '#' ends the authority
    ("DATABASE_URL=postgres://app:Vb7qLm2XkP9w@db.internal/app@2024", "Vb7qLm2XkP9w", "db.internal"),
    ("REDIS_URL=redis://:Zt4@Qm8#kL@cache.internal:6379/0", None, None),
])
def test_url_password_ends_at_the_authoritys_last_at(text, secret, host):
    """A URL's user information ends at the last '@' of its authority (before any '/', '?'
    or '#'), as WHATWG's URL parser and Python's urllib read it: a password with an
    unescaped '@' is taken whole, not cut at its first '@' (and then dropped for a host
    that is not one)."""
    hits = [h for h in _engine(_hyperscan_available()).scan_text(text, path="app.env") if h.rule_id.endswith("-url")]
    if secret is None:
        assert not hits or all("#" not in h.secret for h in hits)
    else:
        assert [(h.secret, h.context.get("host")) for h in hits] == [(secret, host)]


@pytest.mark.skipif(not _engine_available(), reason="scanner.engine not available")
@pytest.mark.parametrize("text,rule_id,found", [
    # seed data's Gravatar hash, the MD5 of the e-mail beside it, next to a Drone token's name
    ("insert into users values (1, 'ops@drone.example', 'drone_token', "
     "'2c9d7a5ee4e7e9a3bfd5e3b0fd6a48f0', '2013-09-16');", "drone-token", False),
    ("insert into users values (1, 'ops@drone.example', 'drone_token', "
     "'Kq8vT2mWx9Lp3nRzYb7cD4eF6gH1jJ5k', '2013-09-16');", "drone-token", True),
    # a filler that repeats one unit, after a real prefix
    ("AWS_ACCESS_KEY_ID=AKIAFUZZFUZZFUZZFUZZ", "aws-access-key-id", False),
    ("AWS_ACCESS_KEY_ID=AKIAABCDABCDABCDABCD", "aws-access-key-id", False),
    ("AWS_ACCESS_KEY_ID=AKIA4QZTH7MWB2PXJ6NR", "aws-access-key-id", True),
    # runs of one character each, typed as a filler (acme.sh's usage of its Vultr script)
    ("VULTR_API_KEY=000011112222333344445555666677778888", "vultr-api-key", False),
    ("VULTR_API_KEY=0000111122223333444455556666777788Q8", "vultr-api-key", True),
    # each character said twice, five times or more (opsdroid's docs; FIPS-197's AES plaintext)
    ("VULTR_API_KEY=00112233445566778899AABBCCDDEEFF0011", "vultr-api-key", False),
    ("VULTR_API_KEY=00112233445566778899AABBCC" + "DDEEFF0Q11", "vultr-api-key", True),
])
def test_digest_of_a_neighbour_and_a_repeated_filler_are_not_secrets(text, rule_id, found):
    import hashlib

    if "ops@drone.example" in text and not found:  # the hash is the e-mail's, as seed data writes it
        text = text.replace("2c9d7a5ee4e7e9a3bfd5e3b0fd6a48f0", hashlib.md5(b"ops@drone.example").hexdigest())
    hits = [h for h in _engine(_hyperscan_available()).scan_text(text, path="db/seed.sql") if h.rule_id == rule_id]
    assert bool(hits) == found, (text, hits)


@pytest.mark.skipif(not _engine_available(), reason="scanner.engine not available")
@pytest.mark.parametrize("text,found", [
    # a DNS TXT record's proof of domain ownership, published for anyone to read
    ('  rrdatas = ["twilio-domain-verification=9c1e0b7f3a5d4e6f8a2b1c0d9e8f7a6b"]', False),
    ("twilio_verify: TWILIO-DOMAIN-VERIFICATION=9c1e0b7f3a5d4e6f8a2b1c0d9e8f7a6b", False),
    # the same value once as the record and once as a token is still a token
    ('twilio-domain-verification=9c1e0b7f3a5d4e6f8a2b1c0d9e8f7a6b TWILIO_AUTH_TOKEN="9c1e0b7f3a5d4e6f8a2b1c0d9e8f7a6b"', True),
    ("TWILIO_AUTH_TOKEN=9c1e0b7f3a5d4e6f8a2b1c0d9e8f7a6b  # not a verification= record", True),
])
def test_a_domain_verification_record_is_not_a_token(text, found):
    """A provider's domain-verification value is published in DNS; the Twilio rule read
    firezone's `twilio-domain-verification=<32 hex>` TXT record as an account's auth token."""
    hits = [h for h in _engine(_hyperscan_available()).scan_text(text, path="dns.tf") if h.rule_id == "twilio-auth-token"]
    assert bool(hits) == found, (text, hits)


@pytest.mark.skipif(not _engine_available(), reason="scanner.engine not available")
@pytest.mark.parametrize("form,found", [
    ("- [particle](https://github.com/scikit-hep/particle/blob/{h}/pyproject.toml#L1-L3)", False),
    ("particle: see https://gitlab.com/acme/particle/-/tree/{h}/src", False),
    ("particle https://raw.githubusercontent.com/acme/particle/{h}/setup.py", False),
    ("- uses: particle-iot/compile-action@{h}", False),
    ("particle-sdk @ git+https://github.com/acme/particle@{h}", False),
    ("PARTICLE_ACCESS_TOKEN={h}", True),
    ("curl https://api.particle.io/v1/devices?access_token={h}", True),
    # named as a commit once, written alone after: the second one is read
    ("particle /blob/{h}/ then PARTICLE_TOKEN={h}", True),
])
def test_a_commits_name_in_a_link_or_a_pin_is_not_a_token(form, found):
    """A 40-hex value that the line uses only as a git commit's name (a link to a file at a
    commit, an action or a requirement pinned to one) is no 40-hex token: hatch's users page."""
    import secrets

    text = form.format(h=secrets.token_hex(20))
    hits = [h for h in _engine(_hyperscan_available()).scan_text(text, path="docs/users.md")
            if h.rule_id == "particle-access-token"]
    assert bool(hits) == found, (text, hits)


@pytest.mark.parametrize("line, found", [
    ('"snyk.advanced.organization": "92c55a61-0e4f-4d21-8b3a-944445555666",', False),  # Snyk's VS Code setting
    ("SNYK_ORG_ID=8e36c8ab-2bd9-4421-afd6-5f7add7d7a20", False),
    ("snykProjectId: 8e36c8ab-2bd9-4421-afd6-5f7add7d7a20", False),
    ("opsgenie_team_id: ffa67f89-5a41-453e-a8da-530bef096317", False),
    ("SNYK_TOKEN=8e36c8ab-2bd9-4421-afd6-5f7add7d7a20", True),
    ("snyk: 8e36c8ab-2bd9-4421-afd6-5f7add7d7a20", True),
    ("SNYK_AUTH_ORG_ID=8e36c8ab-2bd9-4421-afd6-5f7add7d7a20", True),  # a secret's word: kept
    ("OPSGENIE_API_KEY=ffa67f89-5a41-453e-a8da-530bef096317", True),  # credfence: allow (made up for this test)
    ("CODECOV_TOKEN=0b5c1e2a-7d3f-4e8a-9b6c-1f2e3d4c5b6a", True),  # credfence: allow (made up for this test)
])
def test_a_bare_uuid_under_a_name_that_says_identifier_is_no_token(line, found):
    """A bare UUID recognised only beside a provider's name (detectors.validators.named_token):
    under a name ending in a word for an identifier (an organization, a project, a team, an
    ID) it names that thing, not a token, unless the name also holds a secret's word."""
    from scanner.engine import Engine

    engine = Engine([r for r in rules_mod.load_rules() if r.validate == "named-token"])
    assert bool(engine.scan_text(line + "\n", "config/settings.json")) is found
