"""Values that have the shape of a credential but are documentation, templates or fixtures.

Applied to every candidate secret, whatever rule found it, so rules need not repeat it.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import itertools
import json
import math
import re
from collections import Counter
from urllib.parse import unquote

from detectors.vocabulary import CODE_OBJECTS, PASSWORD_WORDS_ABROAD

# a template's slot: ${name}, {{ name }}, <name>, Python's %(name)s, a shell's $(command),
# $NAME, %NAME%, an ellipsis. `%(` and `$(` alone were taken for slots: 3.7 % of the keys
# Django's startproject draws from letters, digits and !@#$%^&*(-_=+) hold one (20,000 drawn)
# (and Crowdin's in-context placeholder, `crwdns1692:0crwdne1692:0`, a pseudo-language's
# string in a translated file: snipe-it's resources/lang/aa-ER/)
# Whole values only: Symfony's container parameters and its environment variables (`'%mailer_password%'`,
# `%env(DATABASE_URL)%`: mautic's config.php), Argo's early workflow templates' parameters
# (`-p %%inputs.parameters.REG_PASSWORD%%`: argo-workflows' .argo/), Apple's altool and notarytool password references
# (`-p @env:FL_NOTARIZE_PASSWORD`, `@keychain:AC_PASSWORD`: fastlane), TeamCity's reference to a
# secure value its server keeps (`password("env.VPN_PASSWORD", "credentialsJSON:<uuid>")`:
# packer's .teamcity/ Kotlin settings), Concourse's variables, which its credential manager fills
# (`((registry.password))`, `((vault:path.field))`), a Windows batch file's variable expanded
# late with a substitution or a substring (`!AZURE_CONTAINER_SASTOKEN:%%3A=:!`: azure-iot-
# sdk-python's old C build scripts; `!TOKEN:~0,8!`); a name in double angle brackets, digits
# and all (wrangler's test stand-ins `<<funfetti-auth-jwt2>>`). Anywhere: PHP's braced
# interpolation in a double-quoted string (`"{$auth[0]}:{$auth[1]}"`, mautic's curl call). A
# whole value that a page's server side writes: PHP's `<?= $token->generate() ?>` (concretecms'
# views), ERB's, JSP's and EJS's `<%= ... %>`. Anywhere: Ruby's (and CoffeeScript's, Elixir's,
# Spring's expression language's) `#{...}` (a Chef recipe's `PASSWORD '#{node['postgresql']['password']}'`:
# sous-chefs/postgresql; or one a quote inside it cut at the value's end, `'#{node['postgresql']...`
# read as `#{node[`), an expression of names, not any characters between braces: WordPress's
# salts draw from every printable character, and one held `#{D[-t>yIUZ8...` (leaky-repo's
# wp-config.php); and Swift's `\\(...)` (vapor's `"vapor:session-cookie:\\(cookieName)"`).
_TEMPLATE = re.compile(r"^<\?(?:=|php\s)[^\n]*\?>$|^<%[=-]?[^\n]*%>$|"
                       r"#\{[A-Za-z_@$](?:[\w.:@$'\"\[\]() ,+*/-]*\}|[\w.:@$]*[\[(]?$)|\\\([A-Za-z_][\w.:'\"\[\] ,+*/-]*\)|"
                       r"crwdns\d+:\d+crwdne\d+:\d+|\$\{|\{\{|\}\}|<[A-Za-z_ -]+>|%\([A-Za-z_][\w.-]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|"
                       r"\$\([A-Za-z_][\w./= -]*\)|^\$[A-Za-z_]|%[A-Z_]+%|\.\.\.|…|\{\$[A-Za-z_]|"
                       r"^%(?:env\([\w:.-]+\)|[A-Za-z_][\w.-]*)%$|^%%[A-Za-z_][\w.-]*%%$|^@(?:env|keychain):[\w.-]+$|"
                       r"^credentialsJSON:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$|^\(\([\w./:-]+\)\)$|"
                       r"^![A-Za-z_]\w{2,}:(?:~-?\d+(?:,-?\d+)?|[^!=\s]*=[^!\s]*)!$|^<<[A-Za-z][\w.-]*>>$")
_WORD_FORMS = (
    "example", "placeholder", r"change[_-]?(?:me|this)", r"replace[_-]?(?:me|this)",
    r"your[_-]?(?:api|secret|token|key|password|own|access)", r"insert[_-]?(?:your|key|token)", "dummy", "redacted",
    r"sample[_-]?(?:key|token|secret)", r"fake[_-]?(?:key|token|secret|pass|pwd)", r"not[_-]?a[_-]?real", "xxxx",
    r"\*\*\*\*", "0000000000", "1234567", "abcdefg", "qwerty",
    # where the writer says what goes there: PHPMailer's `'clientSecret' => 'RANDOMCHARS-----...'`
    r"random[_-]?(?:chars|characters|string)",
    # a payment provider's documented test value (Checkout.com's `pay_tok_SPECIMEN-000`)
    "specimen",
    # or that it must go: JHipster's `my-secret-key-which-should-be-changed-in-production...`
    r"should[_-]?be[_-]?changed", r"must[_-]?be[_-]?changed",
    # or when it must be changed (aws-doc-sdk-examples' Flask config, `SECRET_KEY =
    # "change-for-production!"`; `replace-in-production`, `change_before_deploy`)
    r"change[_-]?(?:it[_-]?)?(?:for|in|before|on)[_-]?(?:prod|deploy|release)",
    r"replace[_-]?(?:it[_-]?)?(?:for|in|before|on)[_-]?(?:prod|deploy|release)",
)
_WORDS = re.compile("(?i)" + "|".join(_WORD_FORMS))
# the literal each form starts with: an ASCII text holding none of them, lower-cased, has no
# match, which `in` tells at C speed; the case-blind alternation tried every form at every
# character (261 us on a 1.7 kB private key, a quarter of python-jose's history scan)
_WORD_LEADS = tuple(re.match(r"(?:[a-z0-9]|\\\*)+", f).group(0).replace("\\", "") for f in _WORD_FORMS)


# what each of _TEMPLATE's forms holds: a text with none of them has no template slot
_TEMPLATE_MARKS = ("$", "{{", "}}", "<", "%", "!", "...", "\u2026", "crwdns", "@env:", "@keychain:", "credentialsJSON:", "((", "#{", "\\(")


def _has_template(s: str) -> bool:
    """_TEMPLATE.search(s), without the regex where none of its forms' marks is there."""
    return any(m in s for m in _TEMPLATE_MARKS) and _TEMPLATE.search(s) is not None


def _has_word(s: str) -> bool:
    """_WORDS.search(s), without the regex where none of the words can be there (for a
    non-ASCII text, the regex: its case folding knows more than str.lower)."""
    if s.isascii():
        low = s.lower()
        if not any(w in low for w in _WORD_LEADS):
            return False
    return _WORDS.search(s) is not None


_REPEAT = re.compile(r"(.)\1{7,}")
# a unit of two to four characters said four times or more in a row: FUZZFUZZFUZZ, abababab,
# 12341234 (no service's random token repeats itself; a filler does)
_PERIODIC = re.compile(r"(.{2,4}?)\1{3,}")
# a value made of nothing but the words for a secret, a possessive or an intensifier and a
# short number: mysecretpassword (the postgres image's documented example), supersecret,
# my_secret_key, secretpassword (two words at least: pass123 in a .netrc is a weak password,
# not a stand-in; nor is testpass, leaky-repo's production MongoDB URL's). Whatever it
# unlocks, it is written as a stand-in.
_PREFIX = r"(?:my|your|our|the|some|super|very|top|dev|local|default)"
# (and the words a translation puts in a URL's place for them: Duplicati's localised help,
# `ftp://benutzername:kennwort@hostname/ordner`, `ssh://username:MotDePasse@hostname`,
# `s3://identifiant_aws:clef_aws@...`, `kullaniciadi:parola@klasor`)
# A word written in a legacy 8-bit encoding (Latin-1, as old C sources' translated messages
# are: mplayer's help_mp-es.h in mpv's history, `http://usuario:contrase\xf1a@servidor/`) is
# read with its byte escaped where its letter was (a lone surrogate, U+DC80-U+DCFF, as
# contents are decoded; U+FFFD where a decoder replaced it): each accented letter's
# alternatives take those too.
_LEGACY_BYTE = "\ufffd\udc80-\udcff"
_ABROAD_8BIT = re.sub(r"\(\?:([^\x00-\x7f])\|", lambda m: f"(?:{m.group(1)}|[{_LEGACY_BYTE}]|",
                      PASSWORD_WORDS_ABROAD)
_SECRET_WORD = (r"(?:secret|password|passw0rd|passwd|pass|pwd|pw|token|key|" + _ABROAD_8BIT +
                r"|clef|cl(?:é|e)|clave|llave|chave|chiave|schl(?:ü|ue)ssel|sleutel|nyckel|klucz|avain)")
_STAND_IN = re.compile(rf"(?i)^(?:(?:{_PREFIX}[_\-.]?)+{_SECRET_WORD}|{_SECRET_WORD}[_\-.]?{_SECRET_WORD})"
                       rf"(?:[_\-.]?{_SECRET_WORD})*[_\-.]?\d{{0,4}}!?$")
# the same with words between, run together in lower case: octokit's docs,
# `auth: "mypersonalaccesstoken123"` (each word's own case or a separator is read by the
# word checks below; a run of letters without either is read only after such a prefix)
_STAND_IN_RUN = re.compile(rf"^{_PREFIX}[a-z]{{2,24}}?{_SECRET_WORD}\d{{0,4}}$")
# a value of words that says it is not safe to use (atuin's k8s Secret, `ATUIN_DB_PASSWORD:
# seriously-insecure`; `insecure-password`, `unsafe_secret`), or that it is for development
# alone (homebox's Taskfile, `dev-only-pepper-not-for-production-use-32b+`): the writer's
# stand-in. Words only, and the length it must have (`32b`): Django's generated development
# key, `django-insecure-` and fifty random characters, is a key (reported as development's,
# scanner/context.py)
_SAYS_INSECURE = re.compile(r"(?i)insecure|unsecure|unsafe|not[_\-.]?secure|not[_\-. ]for[_\-. ]prod|"
                            r"(?:dev|development|local|testing)[_\-. ]only")
_WORDS_ONLY = re.compile(r"^[A-Za-z]+(?:[_\-. ](?:[A-Za-z]+|\d{1,4}[A-Za-z]{0,5}))*[_\-.]?\d{0,4}[!+]?$")
# a name in single braces: a template's or a manifest's reference (C#'s `{GeneratePassword}`,
# .NET Aspire's `{postgres.inputs.password}`, Python's str.format, `{args[3]}` in an f-string,
# or indexed by an expression: browser-use's `f'<secret>{secret_to_key[m.group(0)]}</secret>'`),
# not an ODBC-quoted value, which needs braces only around `;`, `=` or braces; one with digits
# and no dot or index may be a password
_BRACED_NAME = re.compile(r"^\{[A-Za-z_][\w:-]*(?:\.[A-Za-z_][\w:-]*|\[\w+\]|\[[\w'\"][\w.'\"()]{0,40}\])*\}$")
# a braced name with a format after a colon: a naming scheme's token, as str.format and
# .NET's composite formatting write it (Radarr's `{absolute:000}`, `{x:.2f}`, `{n,5:N2}`)
# (or an example of the value after the colon: Prowlarr's `{TvdbId:12345}`, `{ImdbId:tt1234567}`)
_FORMAT_SLOT = re.compile(r"^\{[A-Za-z_][A-Za-z_ ]*(?:,-?\d{1,3})?:(?:[0#<>^=+ ,.\-]*\d{0,3}(?:\.\d{1,2})?[A-Za-z%]?|"
                          r"[a-z]{0,2}\d{1,10})\}$")
# digits and symbols written for the letters they look like (ch4ngeMe: _leet_stand_in)
_LEET = str.maketrans("4@3105$7", "aaeiosst")
# only these of _WORDS: all of them on the de-leeted text cost one CredSweeper positive
_CHANGE_ME = re.compile(r"(?i)change[_-]?(?:me|this)|replace[_-]?(?:me|this)")
# (a 1 may stand for an i or an l, and the spelling may be loose: `acc35` and `53KR3T`)
_LEET_BUT_1 = str.maketrans("4@305$7", "aaeosst")
_CREDENTIAL_NAME = re.compile(r"(?i)(?:acc?ess?|c[1il]{2}ent)[_-]?(?:token|se?[ck]ret)")
# lower-case words naming a secret, as a documentation writes where one goes
# (`s3://access_key:access_secret@host:port/bucket`, appwrite's variables.php), after the
# length it must have, maybe (coolify's .env template: `32-character-long-secret-key`); or
# joined by a slash, a form's label for either (gitness' `passToken: Password/Token`)
# (the secret's word may be joined to what it is, as BrowserStack's and Sauce Labs' docs write
# `curl -u "BROWSERSTACK_USERNAME:BROWSERSTACK_ACCESSKEY"`: ably-js' karma.conf.js)
# (letters of any alphabet, as the words abroad are written: Mayan EDMS' Spanish catalogue,
# `transporte://usuario:contraseña@servidor:puerto/virtual_host`)
_NAMED_SLOT = re.compile(rf"(?i)^(?:\d{{1,3}}[_\-])?(?=(?:[^\W\d]|[\-/{_LEGACY_BYTE}])+$)(?:(?:[a-z]+[_\-/])*{_SECRET_WORD}(?:[_\-/][a-z]+)*|"
                         rf"(?:[a-z]+[_\-/])+(?:access|api|auth|client|private|secret){_SECRET_WORD})$")
# the same in camel or Pascal case, ending in the secret's word: jumpserver's
# `http://esUser:esPassword@esHost`, `ClientId:ClientSecret` encoded in a Basic header
_CAMEL_SLOT = re.compile(r"^[A-Za-z][a-z]*(?:[A-Z][a-z]+)*(?:Secret|Password|Passwd|Pass|Pwd|Token|Key)$")
# nothing but the metasyntactic words programmers put where any value would do (RFC 3092's
# foo, bar, baz, qux...; Python's spam and eggs; Japanese hoge, fuga, piyo), once or
# repeated, with a short number: `mongodb://fred:foobar@localhost`, `password = "barbarbar"`
_META_WORD = r"(?:foo|bar|baz|qux|quux|corge|grault|garply|waldo|fred|plugh|xyzzy|thud|spam|eggs|hoge|fuga|piyo)"
_METASYNTACTIC = re.compile(rf"(?i)^(?:{_META_WORD}[^A-Za-z0-9]?){{2,8}}\d{{0,4}}$")
_ONE_METASYNTACTIC = re.compile(rf"(?i)^(?:{_META_WORD}[^A-Za-z0-9]?){{1,8}}\d{{0,4}}$")


def metasyntactic(s: str, least: int = 2) -> bool:
    """Nothing but the metasyntactic words (`foobar`, `spam_eggs`), as _METASYNTACTIC; with
    least=1, one of them alone too (`bar`: a claim's value, not a password)."""
    return bool((_ONE_METASYNTACTIC if least == 1 else _METASYNTACTIC).match(s))


def b64url_json(part: str):
    """A JWT part (base64url without padding) decoded as JSON, or None."""
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


# the token on jwt.io's front page, pasted into countless READMEs and tests
_JWTIO_PAYLOAD = {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}
# payloads of the samples in popular JWT libraries' READMEs (PyJWT, joserfc, jose ...)
_DOC_PAYLOADS = ({"some": "payload"}, {"k": "value"}, {"foo": "bar"}, {"hello": "world"}, {"test": "test"})


def _jwtio_claims(payload: dict) -> bool:
    """jwt.io's sample claims, whole, with more beside them, or cut down (bruno's test
    fixtures sign `{"sub": "1234567890"}` alone): a sample's, not a user's."""
    if all(payload.get(k) == v for k, v in _JWTIO_PAYLOAD.items()):
        return True
    return bool(payload) and all(k in _JWTIO_PAYLOAD and _JWTIO_PAYLOAD[k] == v for k, v in payload.items())


# the words of a URL that say nothing of its host: what is left of `https://foo.com` is `foo`
# (and RFC 2606's `example`, beside the metasyntactic words)
_URL_WORDS = {"http", "https", "www", "com", "org", "net", "io"}


def _metasyntactic_claims(payload: dict) -> bool:
    """Every claim that is a string is made of metasyntactic words, and there is one at least:
    a test's token (couchdb's jwtf tests sign `{"iss": "https://foo.com", "kid": "bar", ...}`)."""
    texts = [v for v in payload.values() if isinstance(v, str)]
    if not texts or any(not isinstance(v, (str, int, float)) for v in payload.values()):
        return False
    for text in texts:
        words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w and w not in _URL_WORDS]
        if not words or any(w != "example" and not metasyntactic(w, 1) for w in words):
            return False
    return True


def sample_claims(payload: dict) -> bool:
    """jwt.io's claims, a JWT library README's sample payload, or metasyntactic words."""
    return _jwtio_claims(payload) or payload in _DOC_PAYLOADS or _metasyntactic_claims(payload)


def sample_jwt(secret: str) -> bool:
    """A JWT, whole or cut before its signature, whose claims are a sample's (sample_claims):
    what any rule or guess that takes it, under whatever name, is to drop (jwt-go's
    hmac_example_test.go, `tokenString := "eyJ..."` of `{"foo": "bar", "nbf": ...}`)."""
    parts = secret.split(".")
    if len(parts) not in (2, 3) or not secret.startswith("eyJ"):
        return False
    payload = b64url_json(parts[1])
    return isinstance(payload, dict) and sample_claims(payload)


# after a provider's prefix, a body of nothing but lower-case words joined by - or _ (three
# words at least): a value a person wrote where the provider issues random characters, as a
# test fixture sets into its own throw-away server (python-gitlab's functional tests give
# their GitLab container `glpat-` + "python-gitlab-token_", the 20 characters the format
# needs). A random body of 20 base62 characters has no digit and no capital about once in
# ten million; one that also splits into words, never.
_WORDY_BODY = re.compile(r"^(?:[a-z]{2,}[_\-]){2,}[a-z]{2,}[_\-]?$")


def is_word_chain(v: str) -> bool:
    """Lower-case words joined by `-` or `_`, three at least (_WORDY_BODY): a name, where a
    provider's rule that takes a bare value after the provider's word saw one (syft's CPE
    dictionary, `cpe:2.3:a:ibm:change_and_configuration_management_database`, was an IBM
    Cloud API key)."""
    return bool(_WORDY_BODY.match(v))


# the token everybody pastes from jwt.io's front page
JWTIO_SIG = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
# keys a provider publishes for automated tests, which pass every check and protect nothing:
# Google's reCAPTCHA v2 test site key and secret key (developers.google.com/recaptcha/docs/faq,
# "I'd like to run automated tests with reCAPTCHA"), committed in many apps' development settings;
# and the fixed keys of Microsoft's local emulators, the same on every install: Azurite's and the
# legacy Storage Emulator's devstoreaccount1 key (learn.microsoft.com, storage-use-azurite,
# "Well-known storage account and key") and the Azure Cosmos DB emulator's key (cosmos-db/emulator,
# "Authenticate requests"), in every test suite that runs against them (DataDog's dd-trace-py);
# and the bot token of the example response in Slack's API reference for oauth.v2.access (its
# "Slack Softball Team"), copied into the clients' tests and constants (grafana/oncall's
# SLACK_OAUTH_ACCESS_RESPONSE)
_PUBLISHED_TEST_KEYS = frozenset({
    "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI", "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
    "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
})
# the random part of AWS's documented example keys (the IAM User Guide's AKIAIOSFODNN7EXAMPLE
# and AKIAI44QH8DHBEXAMPLE, their secret keys wJalrXUtnFEMI/... and je7MtGbClwBF/...), which
# tests keep with the EXAMPLE tail changed (checkov's `AKIAIOSFODNN7EXAMAAA`)
_DOCUMENTED_KEY_STEMS = ("AKIAIOSFODNN7", "AKIAI44QH8DHB", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvb")
# a known word cut by punctuation is still that word: pgx's comment on a malformed URI,
# `postgres://u:sec:ret@h`, whose password is "sec:ret"
_SQUEEZE = re.compile(r"[^A-Za-z0-9]+")
_KNOWN = {"password", "secret", "token", "apikey", "api_key", "none", "null", "true", "false", "undefined",
          "string", "pass", "passwd", "test", "admin", "root", "postgres", "user", "username",
          # the database's name as its password, as postgres is: Oracle's container images' default;
          # MinIO's documented default root user and password (juicefs' CI StorageClass)
          "oracle", "minioadmin"}


def shannon_entropy(s: str) -> float:
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def _sequential(s: str) -> bool:
    run = 1
    for a, b in zip(s, s[1:]):
        run = run + 1 if ord(b) - ord(a) == 1 else 1
        if run >= 6:
            return True
    return False


# the keys JWT libraries' and tutorials' samples are signed with (PyJWT's and python-jose's
# READMEs `secret`, jwt.io's `your-256-bit-secret`, express-jwt's `shhhhh`): a token that
# verifies with one is a sample anyone can make, not a credential someone was issued
_EXAMPLE_HMAC_KEYS = (b"secret", b"your-256-bit-secret", b"your-384-bit-secret", b"your-512-bit-secret",
                      b"key", b"secret-key", b"secret_key", b"secretkey", b"mysecret", b"my-secret",
                      b"my_secret", b"mysecretkey", b"shhhhh", b"shhhhhhared-secret", b"changeme", b"test",
                      b"supersecret", b"super-secret", b"your-secret-key", b"s3cr3t", b"jwt-secret", b"jwt_secret",
                      b"keyboard cat", b"password",
                      # Supabase's local development secret, the same for every `supabase start`
                      # (its CLI's docs and config), and its self-hosting .env.example's: the anon
                      # and service_role keys signed with them are public defaults (supabase/cli)
                      b"super-secret-jwt-token-with-at-least-32-characters-long",
                      b"your-super-secret-jwt-token-with-at-least-32-characters-long")
_HMAC_ALGS = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}
_JWT_SHAPE = re.compile(r"^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16,}$")


@functools.lru_cache(maxsize=4096)
def signed_with_example_key(token: str) -> bool:
    """A JWT (header.payload.signature) whose HMAC signature verifies with a sample's key.
    Remembered: the placeholder check and the `jwt` validator both ask, and a file's
    versions repeat their tokens."""
    if not _JWT_SHAPE.match(token):
        return False
    head, payload, sig = token.split(".")
    try:
        alg = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))).get("alg")
        mac = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    except (binascii.Error, ValueError, UnicodeDecodeError, AttributeError):
        return False
    digest = _HMAC_ALGS.get(alg) if isinstance(alg, str) else None
    if digest is None:
        return False
    signed = f"{head}.{payload}".encode()
    return any(hmac.compare_digest(hmac.new(k, signed, getattr(hashlib, digest)).digest(), mac)
               for k in _EXAMPLE_HMAC_KEYS)


_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#[xX][0-9A-Fa-f]{1,5});")


def is_placeholder(secret: str, prefixes: list[str] | tuple[str, ...] = ()) -> bool:
    """True when the value is evidently not a live credential."""
    return _is_placeholder(secret, tuple(prefixes))


# a pure function of its arguments, remembered: a file's versions repeat their values, and a
# test file of JWTs was confirmed in 155 versions, 7,302 times asked (a third of java-jwt's
# history scan, the walk along each token for an ascending run most of it)
@functools.lru_cache(maxsize=8192)
def _is_placeholder(secret: str, prefixes: tuple[str, ...]) -> bool:
    s = secret.strip()
    if len(s) < 6:
        return True
    if "%" in s and _ESCAPE.search(s):
        # judged as the server reads it: a URL's `bar%2F` is `bar/` (Laravel's URL-parser tests)
        plain = unquote(s)
        if plain != s and _is_placeholder(plain, prefixes):
            return True
    if "&" in s and _ENTITY.search(s) or "\\-" in s:
        # judged as the page shows it: a generated HTML page's `password &lt;your token&gt;`
        # (octokit.rb's YARD pages of its README) is the README's `<your token>`, a man
        # page's `api_key = your\-api\-key` (roff's hyphen: rclone.1) is `your-api-key`
        import html  # here: its entity table is 5 ms of every start, and few values have one

        plain = html.unescape(s).replace("\\-", "-")
        if plain != s and _is_placeholder(plain, prefixes):
            return True
    body = s
    for p in sorted(prefixes, key=len, reverse=True):
        if p and s.lower().startswith(p.lower()):
            body = s[len(p):]
            break
    # (a known word also in a syntax's brackets: `postgres://[user[:password]]@host` in a usage line)
    if s.strip("[]()<>{}").lower() in _KNOWN or body.lower() in _KNOWN or _SQUEEZE.sub("", body).lower() in _KNOWN or \
            _STAND_IN.match(body) or len(body) >= 12 and _STAND_IN_RUN.match(body) or _NAMED_SLOT.match(s) or \
            _CAMEL_SLOT.match(s) or _METASYNTACTIC.match(body) or \
            _SAYS_INSECURE.search(body) and _WORDS_ONLY.match(body):
        return True
    if body is not s and len(body) >= 12 and _WORDY_BODY.match(body):
        return True
    if " " in s and _describes_itself(s):
        return True
    if s[0] in "{[" and _json_holds_no_secret(s):
        return True
    if _BRACED_NAME.match(s) and ("." in s or "[" in s or not any(c.isdigit() for c in s)) or _FORMAT_SLOT.match(s):
        return True
    if _leet_stand_in(body) or _decodes_to_no_secret(body):
        return True
    if _has_template(s) or (_has_word(s) and any(_written(m, False) for m in _WORDS.finditer(s))):
        return True
    if JWTIO_SIG in s or signed_with_example_key(s) or s.startswith("eyJ") and sample_jwt(s) or s in _PUBLISHED_TEST_KEYS or s.lower() in _WEAK_DIGESTS \
            or s.startswith(_DOCUMENTED_KEY_STEMS):
        return True
    if _REPEAT.search(body) and not _structural_run(body):
        return True
    if any(2 * len(m.group(0)) >= len(body) for m in _PERIODIC.finditer(body)):
        return True  # half the value or more is one unit repeated (terragrunt's AKIAFUZZFUZZFUZZFUZZ)
    if body is not s and len(body) >= 24 and (body + body).find(body, 1) < len(body):
        # a provider's token whose random part after its prefix is one longer part said twice
        # or more: a test's token made by doubling a shorter one (doctl's `dop_v1_` + 32 hex
        # digits twice); the provider's generator never repeats itself
        return True
    if len(body) >= 6 and (len(set(body)) <= 2 or _sequential(body.lower())):
        return True
    if len(body) >= 9 and _all_runs(body):
        return True  # each character said three times or more in a row (acme.sh's 000011112222...), or twice
    return False


def _all_runs(s: str) -> bool:
    """The value is three runs or more, each of one character said three times or more
    (`000011112222333344445555666677778888`, Vultr's key in acme.sh's usage), or five runs or
    more of each character said twice (`aabbccddee112233445566` in opsdroid's docs; FIPS-197's
    AES plaintext `00112233445566778899aabbccddeeff`): a filler a person typed; a random value
    repeats a character three times about once in a hundred, and doubles five in a row about
    once in a billion (base62)."""
    runs = [len(list(g)) for _, g in itertools.groupby(s)]
    return len(runs) >= 3 and min(runs) >= 3 or len(runs) >= 5 and min(runs) >= 2


_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_DIGEST_OF_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}
# the words of a line a digest may be taken of: between quotes, spaces and punctuation
_LINE_WORD = re.compile(r"[^\s'\"`,;()\[\]{}<>=|]+")


# a name's words that say its value is a digest of something (the generic detector's
# _DIGESTS and _NOT_TAIL say the same of a secret's name)
_DIGEST_WORDS = frozenset({"checksum", "checksums", "sha", "sha1", "sha224", "sha256", "sha384", "sha512",
                           "md5", "digest", "hash", "fingerprint"})
# an ASCII name's words in any case convention, digits kept on the word before them
# (`dbPassword`, `DB_PASSWORD_SHA256` -> db, Password; DB, PASSWORD, SHA256): what
# detectors.generic.name_words splits a name with too
NAME_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")
# the name a value is given to, just before it: `NAME=`, `name: "`, `name := "`, `"name" => '`
_NAME_BEFORE = re.compile(r"""([A-Za-z_][\w.-]*)["'\]]?[ \t]*(?::=|=>|[:=])[ \t]*["'`]?$""")


def digest_by_name(secret: str, line: str) -> bool:
    """A hex value of a digest's length given to a name that calls it a checksum, a hash or
    a digest: a download's checksum next to a provider's name (rancher's
    `DOCKER_MACHINE_LINODE_CHECKSUM_amd64=<sha256>`, `linodeDriverChecksum := "..."`),
    which a rule that reads any hex value after the provider's name took for its token."""
    if not _HEX_DIGEST.fullmatch(secret):
        return False
    at = line.find(secret)
    # (the name and its operator just before the value: a bounded window, so a giant line's
    # long run of word characters is not searched from every position)
    m = _NAME_BEFORE.search(line, max(0, at - 160), at) if at > 0 else None
    if m is None:
        return False
    return not _DIGEST_WORDS.isdisjoint(w.lower() for w in NAME_PART.findall(m.group(1)))


def digest_of_neighbour(secret: str, line: str) -> bool:
    """A hex value that is the MD5, SHA-1 or SHA-256 of another word on its line is that
    word's digest, not a secret: seed data's Gravatar hash beside the e-mail it is taken of
    (woodpecker's sample.sql, `'brad@drone.io', '0057e90a...'`), a checksum beside its file
    name. Every service's random token fails this; only a hex value of a digest's length is
    asked."""
    if not _HEX_DIGEST.fullmatch(secret):
        return False
    algo = getattr(hashlib, _DIGEST_OF_LENGTH[len(secret)])
    want = secret.lower()
    for word in set(_LINE_WORD.findall(line)):
        if word != secret and len(word) >= 3:
            for form in {word, word.strip().lower()}:
                if algo(form.encode()).hexdigest() == want:
                    return True
    return False


# the unsalted MD5, SHA-1 and SHA-256 digests of the stand-ins above and of the digit runs a
# default account is given: a program's seed data or default storing one (eladmin's
# `setPassword("e10adc39...")`, MD5 of 123456, its comment says) gives away no secret
_WEAK_DIGESTS = frozenset(getattr(hashlib, algo)(word.encode()).hexdigest()
                          for word in _KNOWN | {"123456", "12345678", "123456789", "111111", "000000", "123123",
                                                "changeme", "changeit", "admin123", "password123"}
                          for algo in _DIGEST_OF_LENGTH.values())

_OBJECT_ID = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")  # git's SHA-1 and SHA-256 object names
# what stands right before a commit's name in a link or a pin: a hosting site's path segment
# (GitHub, GitLab's /-/blob/, Bitbucket's and Gitea's /src/), raw.githubusercontent.com's
# owner/repo/, a range's dots, an action's or a pip requirement's @, a query's rev=, git log's
_BEFORE_OBJECT_ID = re.compile(r"(?i)(?:/(?:blob|tree|commits?|raw|blame|src|archive|rev|compare)/|"
                               r"raw\.githubusercontent\.com/[^/\s]+/[^/\s]+/|\.\.\.?|@|"
                               r"[?&;](?:rev|ref|sha|commit)=|^\s*commit\s+)$")


def git_object_id(secret: str, line: str) -> bool:
    """A 40 or 64 hex value that the line uses, every time, as a git commit's name: a link to
    a file at a commit (hatch's users page links scikit-hep/particle's pyproject.toml at
    `/blob/723c16...`, which the Particle rule read as a token), an action pinned by `@`."""
    return bool(_OBJECT_ID.fullmatch(secret)) and _always_after(secret, line, _BEFORE_OBJECT_ID, 200)


def _always_after(secret: str, line: str, before: re.Pattern, reach: int) -> bool:
    """The secret is on the line, and `before` ends right before it (within `reach`
    characters) every time it is."""
    at = line.find(secret)
    if at < 0:
        return False
    while at >= 0:
        if not before.search(line, max(0, at - reach), at):
            return False
        at = line.find(secret, at + 1)
    return True


# a DNS TXT record's ownership proof: `<provider>-domain-verification=`, `google-site-verification=`
_VERIFICATION_RECORD = re.compile(r"(?i)[a-z0-9-]*verification=$")


def domain_verification(secret: str, line: str) -> bool:
    """A value that the line writes, every time, as a DNS TXT record's proof of domain
    ownership (`twilio-domain-verification=<32 hex>`, firezone's production dns.tf, which the
    Twilio rule read as an auth token): the provider asks for it to be published in DNS, so
    anyone may read it, and it authenticates nothing."""
    return _always_after(secret, line, _VERIFICATION_RECORD, 64)


def _structural_run(body: str) -> bool:
    """A long random token whose run of one character is part of its encoding, not filler:
    an STS session token (`IQoJb3JpZ2luX2VjE...//////////wEa...`, hundreds of base64
    characters) carries `//////////` in every copy. The runs are a fifth of the value at
    most, and the rest is as random as base64 (a stand-in's rest, `abc123` before its
    `xxxxxxxx`, is not)."""
    if len(body) < 64:
        return False
    runs = sum(len(m.group(0)) for m in _REPEAT.finditer(body))
    return runs * 5 <= len(body) and shannon_entropy(_REPEAT.sub("", body)) >= 4.5


# what a base64 value decodes to when it is no credential: a sentence, which no service
# issues as a token (docker/distribution's
# "Bearer dGhpcyBpcyBhIGZha2UgYmVhcmVyIHRva2VuIQ==", this is a fake bearer token!), or a JWT's
# header alone ({"alg":"HS256","typ":"JWT"}), which signs nothing
_PROSE = re.compile(r"^[A-Za-z][A-Za-z',]*(?: [A-Za-z',]+){2,}[.!?]?\n?$")
_JWT_HEADER = re.compile(r'^\{\s*"(?:alg|typ|kid)"\s*:\s*"[^"]*"(?:\s*,\s*"(?:alg|typ|kid)"\s*:\s*"[^"]*")*\s*\}$')
# ...or a JWT's header cut short inside a value: a sample request's `"Authorization":
# "eyJraWQiOiJLTzRVMWZs"` ({"kid":"KO4U1fl), the start of a token a document leaves out
_JWT_HEADER_CUT = re.compile(r'^\{\s*(?:"(?:alg|typ|kid)"\s*:\s*"[^"]*"\s*,\s*)*"(?:alg|typ|kid)"\s*:\s*"[^"]*$')
_B64_VALUE = re.compile(r"^[A-Za-z0-9+/_-]{16,}={0,2}$")
_PLAIN_WORD = re.compile(r"^[\w.@!#%+-]{6,64}$")


# the words a writer uses to say what goes in a value, not a value: `the secret password`,
# `token value`, `**access token goes here**` (external-secrets' documented manifests); a
# passphrase of words rarely names itself
_SELF_NAMING = {"secret", "secrets", "password", "passphrase", "token", "key", "value", "credential",
                "credentials", "here"}


def _describes_itself(s: str) -> bool:
    """Two to twelve words of letters alone, one of them naming the secret or its place."""
    words = [w for w in _SQUEEZE.split(s) if w]
    return 2 <= len(words) <= 12 and all(w.isalpha() for w in words) and \
        any(w.lower() in _SELF_NAMING for w in words)


# a JSON object's fields that say who and where, never what proves it (_json_holds_no_secret)
_NOT_SECRET_FIELDS = frozenset(("username", "user", "engine", "host", "hostname", "port", "dbname", "database",
                                "dbinstanceidentifier", "dbclusteridentifier", "email", "region"))


def _json_holds_no_secret(text: str) -> bool:
    """A JSON value none of whose strings can be a secret: each a lower-case word or a
    placeholder (`{"foo":"bar"}`, 1Password Connect's credentials file with every field
    `example`). A service account's JSON holds its key, and is judged by its rule."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return False
    if not isinstance(doc, (dict, list)):
        return False
    leaves: list = []
    told = 0  # the fields left unread as who or where
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            # (who and where are no secret: the fields beside the password in the JSON of
            # AWS Secrets Manager's database credentials, `{"username":"testBrokerUser",...}`)
            kept = [v for k, v in node.items() if not (isinstance(k, str) and k.lower() in _NOT_SECRET_FIELDS)]
            told += len(node) - len(kept)
            stack += kept
        elif isinstance(node, list):
            stack += node
        elif isinstance(node, (str, int)) and not isinstance(node, bool):
            leaves.append(str(node))
    return bool(leaves or told) and all((v.isalpha() and v.islower()) or _LOWER_IDENT.match(v) or is_placeholder(v)
                                for v in leaves)


# lower-case words joined by dots, underscores or hyphens: a name (mautic's form condition
# `'{"config_emailconfig_mailer_transport":["mautic.transport.sparkpost"]}'`, a service's id)
_LOWER_IDENT = re.compile(r"^[a-z]+(?:[._-][a-z]+)+$")


def _decodes_to_no_secret(s: str) -> bool:
    if not _B64_VALUE.match(s):
        return False
    t = s.rstrip("=")
    if len(t) % 4 == 1 and t.startswith("eyJ"):
        t = t[:-1]  # cut between two bytes: the last character holds only part of one
    try:
        raw = base64.b64decode(t.replace("-", "+").replace("_", "/") + "=" * (-len(t) % 4), validate=True)
        text = raw.decode("ascii")
    except (binascii.Error, ValueError):
        return False
    # ...or a stand-in password itself, encoded as a Kubernetes Secret's data is (bitnami's
    # mariadb-secrets.yaml: "bXktcm9vdC1wYXNzd29yZA==", my-root-password); a token's own
    # structure (JSON, `kind:id:key`) is judged by its rule, not here
    return bool(_PROSE.match(text) or _JWT_HEADER.match(text) or _JWT_HEADER_CUT.match(text) or _PLAIN_WORD.match(text) and is_placeholder(text)
                or text[:1] in "{[" and _json_holds_no_secret(text))


def _leet_stand_in(body: str) -> bool:
    """A request to change the value, spelt with digits for letters: ch4ngeMe~, r3plac3_m3.
    (A word for a secret so spelt, P@ssw0rd or super$ecret, is a weak password, as the peers
    and the public sample sets read it: still reported.)"""
    if not any(c in "4@3105$7" for c in body):
        return False
    plain = body.translate(_LEET)
    # (or the word example: AWS's documented key ID edited to slip past scanners' allow-lists,
    # checkov's test `AKIAIOS3F6KN7EXAMPL3`; or the credential's own name, as Akamai's
    # techdocs spell an .edgerc's `akab-acc35t0k3n...` and `C113nt53KR3T...`)
    if _CHANGE_ME.search(plain) or "example" in plain.lower():
        return True
    # (the name itself spelt so: `?access_token=$...` names a value it holds)
    name = _CREDENTIAL_NAME.search(body.translate(_LEET_BUT_1))
    return name is not None and any(c in "4@3105$7" for c in body[name.start():name.end()])


# a name in code: CamelCase or camelCase words of letters (ConfigurationManager), or words
# joined by underscores, each all upper or all lower case (FRESHDESK_API_KEY_VALUE), two of
# them too (signoz's `"..._PAGERDUTY__URL": notification_channel.container_configs[...]`)
_CODE_NAME = re.compile(r"^(?:[a-z]{2,}|[A-Z]{2,}(?=[A-Z][a-z])|[A-Z][a-z]+)(?:[A-Z]{2,}(?=[A-Z][a-z]|$)|[A-Z][a-z]+)+$|"
                        r"^(?:[A-Z]{2,}\d?|[a-z]{2,}\d?)(?:_(?:[A-Z]{2,}\d?|[a-z]{2,}\d?))+$")


def is_code_name(secret: str) -> bool:
    """Whether a rule's value reads as a name in code: `var freshdeskApiKey =
    ConfigurationManager.AppSettings[...]` (bitwarden/server). Random letters read as camel
    case too, now and then (a 14-letter password did, one time in fifty): the engine asks
    only when the value is followed by a member, an index or a call (Engine._confirm)."""
    return len(secret) >= 8 and bool(_CODE_NAME.match(secret))


# a value naming something in Pascal case (botocore's paginators: `"input_token":
# "ExclusiveStartTableName"`; a class, `OAuth2Application`, an acronym and a version number in
# it; tokio's `OwnedSemaphorePermit`): no machine-made token or key looks like these, though a
# password may be words (the generic detector asks only under a token's or a key's name, a
# provider's rule only of a value of 20 characters or more). Each capitalised part must read as
# a syllable (a vowel, no four consonants in a row): of random base62 strings, 2 in 1,000 of 12
# characters pass, 3 in 10,000 of 16, none of 20 or more in 10,000 (1 in 8,000 in 200,000)
# A part of two letters is one of English's short words a name joins its words with
# (Radarr's `_copyApiKeyToClipboard`, `TokenById`, `SignIn`). A name may start with a
# standard's acronym and number (OpenZeppelin's `ERC20VotesHarness`, `HTTP2ServerConfig`,
# `EC2InstanceConnect`): with it, of random base62 strings 243 in 100,000 of 12 characters
# pass (212 without), 68 of 16 (60), 28 in 200,000 of 20 (27). Up to twelve parts (an SDK's
# model names: oci-python-sdk's `DatabaseApiGatewayConfigCertificatePrivateKeyFileName`), and
# the word And, whose part has no vowel (`CreateVaultAndEncryptionKeyDetails`): 246, 68 and 28.
_PASCAL_PART = r"(?:[A-Z]{1,5}(?=[A-Z][a-z]{2})|[A-Z][a-z]{2,}\d{0,2}|(?:To|Id|Of|By|At|In|On|Up|Or|As|Is|If|No)(?=[A-Z]))"
_PASCAL_NAME = re.compile(rf"^(?:[A-Z]{{2,5}}\d{{1,3}}(?=[A-Z][a-z]{{2}}){_PASCAL_PART}{{0,10}}|{_PASCAL_PART}{{1,11}})"
                          r"[A-Z][a-z]+\d{0,2}$")
_HUMP = re.compile(r"[A-Z]([a-z]+)")
_SYLLABLE = re.compile(r"[aeiouy]")
_CONSONANTS = re.compile(r"[^aeiouy]{4}")


# the short words a camel-case name may start with: an index's `bySemaphoreConfigMap`
# (argo-workflows' informer indexes), `toJsonString`, `isEnabled`, `onTokenRefresh`
_SHORT_LEADS = ("by", "to", "of", "on", "in", "at", "is", "as", "if", "no", "up", "or", "id")


def is_camel_name(v: str, words: int = 4) -> bool:
    """A method's or a property's name in camel case, maybe private (`_copyApiKeyToClipboard`:
    a Backbone view's events hash maps `'click .x-copy-api-key'` to it, Radarr's UI): a
    lower-case word of three letters or more (or one of _SHORT_LEADS), then words
    is_pascal_name reads as words, `words` of them in all at least."""
    w = v.lstrip("_")
    k = next((i for i, c in enumerate(w) if not c.islower()), 0)
    # (the lead may be an abbreviation with no vowel, the words after it read as words:
    # gocd's `PRIVATE_KEY = "sslPrivateKeyFile"`, `tlsClientCertPath`, `xmlHttpRequest`)
    return (k >= 3 or k == 2 and w[:2] in _SHORT_LEADS) and sum(1 for c in w if c.isupper()) >= words - 1 \
        and (is_pascal_name(w[0].upper() + w[1:]) or k <= 4 and is_pascal_name(w[k:]))


def is_pascal_name(v: str) -> bool:
    humps = _HUMP.findall(v)
    # (a long name may end in an abbreviation: ExclusiveStartBackupArn, a resource's ARN)
    return bool(_PASCAL_NAME.match(v)) and all(
        len(h) < 2 or h == "nd" or _SYLLABLE.search(h) and not _CONSONANTS.search(h)
        or len(v) >= 16 and k == len(humps) - 1 and len(h) < 3
        for k, h in enumerate(humps))


# a member of an object code names by convention (the instance, the settings, the
# environment), then identifiers: `self.oracle_password`, `this.apiKey`, `process.env.TOKEN`
_CODE_MEMBER = re.compile(rf"^(?:{CODE_OBJECTS}|props|context|app)(?:\.[A-Za-z_$][\w$]*)+$")


def is_code_member(secret: str) -> bool:
    """Whether a rule's value is a member of an object in code, where a rule that takes a
    bare value after a provider's name saw one: testcontainers' `self.with_env(
    "ORACLE_PASSWORD", self.oracle_password)` is no Oracle auth token. No token is a
    conventional object's name, a dot and identifiers."""
    return bool(_CODE_MEMBER.match(secret))


# a key file's free-text headers, written about the key, not in place of it: PuTTY's .ppk
# `Comment:` (the PuTTY manual, appendix C) and RFC 4716's `Comment:` and `Subject:` (the
# SSH2 key file format). Plazmaz/leaky-repo's working .ppk key says `Comment: dummy-key`.
_FREE_TEXT_HEADER = re.compile(r"^(?:Comment|Subject):[^\n]*", re.M)


def is_placeholder_text(secret: str) -> bool:
    """The word and template checks alone, for multi-line keys whose bodies may repeat
    characters legitimately: `-----BEGIN ... EXAMPLE` or a `{{ template }}` key. A key
    file's free-text headers (_FREE_TEXT_HEADER) are not looked in for words."""
    if "Comment:" in secret or "Subject:" in secret:
        secret = _FREE_TEXT_HEADER.sub("", secret)
    return _has_template(secret) or (_has_word(secret) and any(_written(m, True) for m in _WORDS.finditer(secret)))


_FILLER_RUN = 8  # x's in a key's body: a filler, where four of them can be chance


def _written(m: re.Match, body: bool) -> bool:
    """Whether a word found in a key's body (`body`) or a one-line value is one a person
    wrote, not base64 by chance: a 2048-bit key's 1,600 random characters hold `xxxx` in
    some mix of cases once in 650 keys (`XXxx` in a random test key failed CI), a 40-character
    token once in 26,000. A person writes x's in one case, and in a key's body any word
    (dummy, DUMMY, Dummy) and a filler longer than four; chance gives a one-case `dummy` once
    in 220,000 keys and eight x's of one case once in 80 billion. (A one-line value's other
    words keep any casing: `yourAPIKey` is a slot.)"""
    word = m.group()
    filler = word.lower() == "xxxx"
    if (filler or body) and any(c.isalpha() for c in word) and not (
            word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    if not (filler and body):
        return True
    s, lo, hi = m.string, m.start(), m.end()
    while lo > 0 and s[lo - 1] == word[0]:
        lo -= 1
    while hi < len(s) and s[hi] == word[0]:
        hi += 1
    return hi - lo >= _FILLER_RUN


# values in configuration files read by the structured parsers (detectors/structured):
# the words people leave in a config template, besides is_placeholder's
_CONFIG_EXACT = {
    "", "changeme", "change_me", "change-me", "password", "passwd", "secret", "token", "none", "null",
    "nil", "true", "false", "undefined", "example", "dummy", "test", "todo", "tbd", "xxx", "redacted",
    "data+omitted", "omitted", "hidden", "masked", "placeholder", "your_password", "your-password",
}
_CONFIG_RE = re.compile(
    r"(?i)^<.*>$|^\[.*\]$|\$\{|\{\{|\}\}|^\$[A-Za-z_(]|^%[A-Za-z_]+%$|example|placeholder|change[_-]?(?:me|this)|"
    r"dummy|redacted|your[_-]|^x{3,}|xxxx|\*\*\*|^\.\.\.|…|not[_-]?a[_-]?real|fake[_-]?(?:key|token|secret|password)"
)
_REPEAT_ONLY = re.compile(r"^(.)\1*$")


def is_config_placeholder(value: str, prefixes: tuple[str, ...] = (), shared: bool = True) -> bool:
    """True for values that are evidently not live credentials (templates, docs, masks).
    shared=False skips is_placeholder (its repeated-character test rejects real AWS
    session tokens, which contain runs of '/')."""
    v = (value or "").strip().strip("'\"")
    if v.lower() in _CONFIG_EXACT or _REPEAT_ONLY.match(v) or _CONFIG_RE.search(v):
        return True
    if not shared:
        return len(v) < 6
    return is_placeholder(v, prefixes)
