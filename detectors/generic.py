"""Generic secrets: a literal value assigned to a secret-sounding name, read the way the
file's language reads it (issue 15).

The engine hands over candidate lines (a secret-sounding word followed by `=`, `:`, `=>`,
`(` or a command-line flag). Each line is cut into tokens by a small quote-aware lexer
that knows the file's language: quoted string literals (with Python's `r/b/f` prefixes,
JavaScript template literals, Go raw strings), names, numbers, operators and comments.
Then:

* a name, keyword argument, dictionary or object key, annotation, flag or setter whose
  words say password / secret / token / api key (in any case, snake, camel or kebab, and
  in other languages: passwort, contraseña, senha, пароль, 密码 ...) is a key;
* its value is what follows the operator up to the end of the expression. In code
  (Python, JavaScript/TypeScript, Go, Java, Ruby, PHP, C ...) only a quoted string
  literal can be a secret: a name, an attribute, a call, a type, a constant, an
  expression is code. In configuration (.env, INI, properties, YAML, shell, Dockerfile,
  prose) a bare value is a literal too, unless it is a reference (`$VAR`, `${...}`,
  `%(x)s`, `{{ }}`), an environment variable's name, or the name itself;
* a quoted literal that holds `Password=...;` (a connection string) or `--password ...`
  (a command line) is read again as such.

Confidence (scanner/confidence.py reads it from the hit's context): `low` in
documentation (docs files, docstrings, comments, examples), tests, and for short or
word-like values; `medium` for a random-looking literal under a strong name in code or
configuration. Generic findings are never `high`.
"""
from __future__ import annotations

import base64
import binascii
import functools
import operator
import re
from bisect import bisect_right

from scanner.model import Hit
from detectors.memo import BoundedMemo
from detectors.placeholders import NAME_PART, is_camel_name, is_pascal_name, is_placeholder, shannon_entropy
from detectors.vocabulary import (CODE_OBJECTS, PASSWORD_WORDS_ABROAD, STORYBOOK_FILE, TEST_COMPOUNDS, TEST_DOUBLES,
                                  TEST_FOLDER)

RULE_ID = "generic-secret"

# The lines worth handing to generic_hits: a secret-sounding name assigned a value, a
# secret-bearing flag, a known password-taking command (the engine matches it with the
# rules, by Hyperscan or Python's re). The name's tail is bounded
# ({0,64}, not *): unbounded, every keyword in a long run like `secret_secret_secret...`
# rescanned the rest of the run, quadratic in the fallback engine (a 200k-character line
# took minutes; issue 7). scanner/engine.py DECODE_CANDIDATE likewise. A colon followed by
# another is a path's separator (Rust's and C++'s `Token::Str`, PHP's and Ruby's
# `Password::hash`, Haskell's `token :: String`), never a key's: generic_hits reads no
# value after one, and in serde's tests every `Token::` line was a candidate judged for
# nothing (a third of the workers' time). The name's closing quote may be escaped, by one
# backslash or three: a JSON document inside a string, or inside a string inside JSON
# (_escaped_json); two are an escaped backslash and the quote (composer.json's `"App\\":`).
CANDIDATE = (
    r"(?i)(?:(?:pass(?:word|wd|phrase)?|pa?s{1,2}w(?:o?r)?d|pwd|pw|secret|token|api[_\-. ]?key|apikey|auth(?:entication)?[_\-. ]?key|authorization|"
    r"credential|private[_\-. ]?key|access[_\-. ]?key|client[_\-. ]?secret|app[_\-. ]?key|" + PASSWORD_WORDS_ABROAD + "|"
    r"Пароль|ПАРОЛЬ|密码|密碼|口令|パスワード|비밀번호)"
    r"[A-Za-z0-9_.\-]{0,64}(?:[ \t]{1,16}[A-Za-z]{2,16})?(?:\\(?:\\\\)?)?[\"']?\s*(?:=|:(?:[^:]|$)|=>|!=|\(\s*[\"']|,\s*[\"']|\s+[\"'])"
    r"|(?:^|\s)--?(?:[A-Za-z0-9]+[-_]){0,4}(?:password|passwd|passphrase|pass|pwd|token|api-?key|secret|bearer)[= ]"
    r"|(?:mysql|mariadb|sshpass)[^\n]{0,200}\s-p\S|(?:redis-cli[^\n]{0,200}\s-a|(?:sqlcmd|bcp)[^\n]{0,200}\s-P|"
    r"ldap[a-z]{0,8}[^\n]{0,200}\s-w|mongo[a-z]{0,8}[^\n]{0,200}\s-p|zip[^\n]{0,200}\s-P|7za?[^\n]{0,200}\s-p|"
    r"smbclient[^\n]{0,200}\s-U\s*[^%\s]{1,64}%|(?:sqlplus|sqlldr|expdp|impdp|rman|dgmgrl)[^\n]{0,200}\s[\"']?\w{1,30}/"
    r"[^\s@/]{1,64}@)\s*\S|\s-u\s*\S+\s+-p\s*\S|identified\s+by|pass:|passphrase\s"
    r"|(?:(?:^|\s)ENV|%define|%global)\s+[A-Za-z0-9_]{0,40}(?:pass|pwd|secret|token|key)[A-Za-z0-9_]{0,40}\s+\S"
    r"|<[A-Za-z0-9_:.\-]{0,40}(?:password|passwd|secret|token|api[_\-]?key)[^<>\n]{0,80}>[^<\s]"
    r"|(?:Auth|Credentials?|login|authenticate)\s*\(\s*[\"'][^\"'\n]{1,128}[\"']\s*,\s*[\"']"
    r"|\bauth\s*[=:]\s*[(\[]\s*[\"']|<add\s+key\s*=|[A-Za-z0-9][_\-.]?key[\"']?(?:[ \t]{1,16}[A-Za-z]{2,16})?[ \t]*[:=][ \t]*[\"']?[A-Za-z0-9_\-]{20})"
)
MIN_LEN = 8
MIN_ENTROPY = 3.0
MAX_VALUE = 256

# ---- names -----------------------------------------------------------------------------
# words that make a name secret-bearing (compared with the name's words, lower-cased)
SECRET_WORDS = {
    "password", "passwd", "pass", "pwd", "pswd", "passw", "pw", "passphrase", "secret", "token", "apikey",
    # the usual shortenings and misspellings of password (PSSWD, pswrd, pasword ...)
    "psswd", "pswrd", "psword", "psswrd", "pssword", "paswd", "paswrd", "pasword", "passwrd",
    # a bearer token by its name (curl's --oauth2-bearer, bearer_token is already a token); the
    # value of an Authorization header given as a key ("authorization": "...")
    "bearer", "authorization",
    "credential", "credentials", "privatekey", "accesskey", "secretkey", "authkey", "clientsecret",
    # other languages' labels for a password
    "passwort", "kennwort", "contraseña", "contrasena", "contrasenya", "senha", "пароль", "密码", "密碼", "口令",
    "パスワード", "비밀번호", "wachtwoord", "lösenord", "losenord", "salasana", "hasło", "haslo", "parola", "heslo",
    "jelszó", "jelszo", "şifre", "sifre", "parol", "motdepasse", "mdp", "lozinka", "geslo", "adgangskode",
    "passord", "κωδικός", "סיסמה", "كلمة_المرور", "mật_khẩu", "matkhau", "sandi", "katasandi",
}
_PAIRS = {("api", "key"), ("auth", "key"), ("private", "key"), ("access", "key"), ("app", "key"),
          ("client", "secret"), ("signing", "key"), ("authentication", "key"), ("encryption", "key"), ("master", "key"),
          ("mot", "de"), ("de", "passe"), ("kata", "sandi"), ("mật", "khẩu")}
# a compound word ending so (dbpassword, authtoken, ACCESSTOKEN)
_SUFFIXES = ("password", "passwd", "passphrase", "secret", "token", "apikey", "pwd", "passwort", "senha", "pass")
# English words ending so that name no password (a compound's last word is read whole)
_NOT_PASS = {"bypass", "compass", "surpass", "overpass", "underpass", "trespass", "encompass", "multipass",
             "renderpass", "subpass", "onepass", "twopass", "firstpass", "secondpass", "singlepass", "airpass"}
# the name says it holds something about a secret, not the secret
_NOT_TAIL = {
    "type", "types", "name", "names", "id", "ids", "url", "uri", "path", "file", "filename", "dir", "field",
    "fields", "length", "len", "prefix", "suffix", "header", "headers", "policy", "format", "expiry", "expires",
    "expire", "expired", "expiration", "ttl", "count", "hash", "hashed", "regex", "re", "pattern", "label", "hint",
    "endpoint", "version", "mode", "kind", "env", "var", "placeholder", "validator", "sha1", "sha256", "sha512",
    "md5", "digest", "checksum", "fingerprint", "redacted", "masked", "min", "max", "required", "enabled",
    "disabled", "strength", "reset", "timeout", "lifetime", "age", "index", "idx", "pos", "position", "start",
    "end", "size", "limit", "class", "style", "icon", "placement", "location", "source", "store", "storage",
    "provider", "manager", "service", "handler", "helper", "factory", "builder", "input", "widget", "form",
    "button", "message", "msg", "error", "errors", "text", "title", "description", "desc", "help", "prompt",
    "view", "template", "column", "col", "attr", "attribute", "param", "params", "option", "options", "flag",
    "list", "lists", "set", "map", "dict", "array", "queue", "stream", "iter", "parser", "tokenizer", "lexer",
    "category", "level", "depth", "width", "height", "scope", "scopes", "audience", "issuer", "algorithm",
    "alg", "encoding", "charset", "status", "state", "event", "events", "callback", "hook", "route", "rule",
    "rules", "check", "checker", "mock", "class_", "cls", "key_name", "keyname", "module", "plugin", "command",
    "cmd", "script", "program", "prog", "exe", "bin", "binary", "secrets", "tokens", "passwords", "stdin",
    "mask", "len_", "chars", "complexity", "rotation", "lock", "locked", "changed", "updated",
    "created", "at", "date", "time", "timestamp", "when", "display", "visible", "visibility", "toggle",
    "role", "roles", "method", "methods", "scheme", "schemes", "selector", "selectors", "model", "models",
    # a function that reads or makes it (pywin32's win32cryptcon, vendored in Tautulli:
    # `CRYPT_OID_IMPORT_PRIVATE_KEY_INFO_FUNC = "CryptDllImportPrivateKeyInfoEx"`)
    "func", "function", "fn", "proc",
    # where the secret lives: terraform-google-kubernetes-engine's
    # `operator_credential_namespace = "config-management-system"`
    "namespace", "namespaces",
    # an Amazon Resource Name, which names the secret (CDK's and CloudFormation's
    # `docDbClusterSecretArn`, a `SecretArn` output)
    "arn", "arns",
    # the key a browser's or a cache's store keeps it under (logto's
    # `generatedPasswordStorageKey = 'logto:admin_console:generated_password'`)
    "storage_key", "cache_key",
    # a format's signature (ollama's `privateKeyAuthMagic = "openssh-key-v1\x00"`)
    "magic",
    # the tokens a grammar or a model knows (ANTLR's `tokenVocab = ANTLRv4Lexer;`)
    "vocab", "vocabulary",
    # a password generator's classes of characters (TeamPass' vendored pwgen:
    # `self::$pw_ambiguous = 'B8G6I1l0OQDS5Z2'`, `$pw_vowels`)
    "alphabet", "letters", "characters", "symbols", "vowels", "consonants", "ambiguous", "lowers", "uppers",
    "lowercase", "uppercase", "digits", "specials", "punctuation",
}
_NOT_HEAD = {"is", "has", "use", "uses", "show", "hide", "enable", "disable", "num", "n", "max", "min", "check",
             "validate", "verify", "should", "can", "allow", "require", "requires", "no", "skip", "ignore",
             "parse", "hash", "hashed", "encode", "decode", "generate", "gen", "make", "create", "get", "read", "load",
             "fetch", "find", "lookup", "resolve", "compute", "count", "len", "last", "prev", "next", "bypass",
             "forgot", "forgotten", "reset", "expect", "expected", "want", "wants", "need", "needs",
             # a digest of the secret: Helm's `checksum/secret` pod annotation
             "checksum", "digest"}

# (\w and \W of a str pattern are Unicode's without re.UNICODE; given no flag it is
# also what scanner/regex_cache.py keeps it under)
_SPLIT = re.compile(r"[\W_]+")


def name_words(name: str) -> list[str]:
    """A name's words, lower-cased: `DB_PASSWORD`, `dbPassword`, `db-password` -> db, password."""
    out: list[str] = []
    for part in _SPLIT.split(name):
        if not part:
            continue
        if part.isascii():
            out += [w.lower() for w in NAME_PART.findall(part)]
        else:
            out.append(part.lower())
    return out


# the word right after the secret's, when it makes the name about where or what the secret
# is, whatever follows: VAULT_SECRET_PATH_DB, PASSWORD_FILE_PROD, TOKEN_URL_STAGING (but
# secret_looks_like_linux_path names the secret)
_QUALIFIER = {"path", "paths", "file", "filename", "dir", "url", "uri", "name", "names", "id", "ids", "type",
              "field", "fields", "header", "headers", "length", "len", "hash", "hashed", "endpoint", "policy",
              "format", "prefix", "suffix", "ttl", "env", "var"}


# a digest's name after the secret's, anywhere: the name holds the secret's digest, not the
# secret (ClickHouse's users.xml, `<password_sha256_hex>` and `<password_double_sha1_hex>`)
_DIGESTS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "digest", "bcrypt"})


# a file's path as a key, folders and an extension (SuiteCRM's checksum manifest,
# `'./modules/Users/GeneratePassword.php' => '<md5>'`): the entry is about that file, whatever
# the file is named; not a key file's or a token file's, whose value may be its content
_PATH_KEY = re.compile(r"^\.{0,2}/?(?:[\w@.-]+/)+[\w@.-]+\.(?!(?:key|pem|token|pass|pwd|p12|pfx|jks)$)[A-Za-z0-9]{1,5}$")
# a source file's or an asset's name as a key, no folder (cryptpad's manifest of each script's
# SHA-256, `"credential.js": "<base64>"`)
_FILE_KEY = re.compile(r"^[\w@.-]+\.(?:m?js|cjs|jsx|tsx?|css|scss|less|html?|map|svg|png|gif|jpe?g|webp|woff2?|ttf|"
                       r"py|rb|php|go|java|cs|wasm)$")


@functools.lru_cache(maxsize=8192)
def secret_name(name: str) -> str | None:
    """Why the name is secret-bearing (`password`, `api key` ...), or None. Remembered:
    a new line's names are asked about a dozen times as it is judged (typeshed's 5,351
    new lines asked 119k times about 3,000 names, a third of their judging)."""
    if "/" in name and _PATH_KEY.match(name) or "." in name and _FILE_KEY.match(name):
        return None
    ws = name_words(name)
    if not ws or len(ws) > 8 or _names_something_else(ws):
        return None
    if any(w.startswith(("csrf", "xsrf")) for w in ws):
        return None  # an anti-forgery token: a nonce the site hands every browser, no credential
    for k, w in enumerate(ws):
        w = w.rstrip("0123456789") or w  # token1, password2
        if w == "authorization" and k != len(ws) - 1:
            continue  # authorization_code, authorization_endpoint: an OAuth step, not the header
        found = w if w in SECRET_WORDS else next(
            (suf for suf in _SUFFIXES if w.endswith(suf) and len(w) > len(suf) and not (suf == "pass" and w in _NOT_PASS)),
            None)
        if found:
            return None if k + 1 < len(ws) and ws[k + 1] in _QUALIFIER or _DIGESTS.intersection(ws[k + 1:]) \
                else found
    for k, (a, b) in enumerate(zip(ws, ws[1:])):
        if (a, b) in _PAIRS:
            return None if k + 2 < len(ws) and ws[k + 2] in _QUALIFIER else f"{a} {b}"
    if len(ws) >= 2 and ws[-1] == "key" and ws[-2] not in _NOT_KEY_HEAD:
        return "key"  # a service's key (`censys_key`, `fastlyKey`): only a random value counts (value_ok)
    return None


# what a name's word before `key` says when the key is no credential: a map's or a store's
# key, a database's, a public or a browser's one, a translation's (`cache_key`, `sort_key`,
# `primary_key`, `site_key`, `i18n_key`); a session's key is the session's id
_NOT_KEY_HEAD = {
    "cache", "sort", "partition", "primary", "foreign", "unique", "lookup", "hash", "range", "row", "object",
    "i18n", "l10n", "translation", "message", "msg", "idempotency", "dedup", "dedupe", "public", "pub", "site",
    "publishable", "map", "dict", "table", "index", "group", "order", "shard", "cursor", "page", "list", "item",
    "entry", "field", "column", "attr", "property", "prop", "config", "setting", "settings", "option", "state",
    "store", "storage", "session", "request", "event", "metric", "label", "tag", "annotation", "feature", "flag",
    "route", "path", "url", "file", "bucket", "s3", "blob", "react", "composite", "natural", "sharding",
    "json", "yaml", "registry", "schema", "type", "name", "id", "user", "project",
    "device", "node", "host", "ssh", "gpg", "pgp", "verify", "verification", "recaptcha", "captcha", "vapid",
}


def _names_something_else(ws: list[str]) -> bool:
    """A name's words (name_words) say it holds something about a secret: its last word is
    a kind of thing (`token_type`, `aws_auth_iam_role`), its first a verb or a flag
    (`is_secret`, `get_token`)."""
    tail = ws[-1].rstrip("0123456789") or ws[-1]
    # (a compound last word ending in name: jjwt's SECRET_CLASSNAME, a TYPENAME)
    return tail in _NOT_TAIL or ws[-1] in _NOT_TAIL or ws[0] in _NOT_HEAD or (len(ws) > 1 and "_".join(ws[-2:]) in _NOT_TAIL) \
        or (len(tail) > 5 and tail.endswith(_NAME_TAILS)) \
        or _says_public(ws)


def _says_public(ws: list[str]) -> bool:
    """A name that calls its value public before it names the kind of secret: what is public
    is no secret (.NET's PublicKeyToken, a public_key, a PUBLIC_API_KEY), after a provider's
    or a place's words too (vector's `typesense_public_prod_apikey`, a search key the line
    above says is "okay to use on the front end")."""
    return "public" in ws[:-1]


# a compound last word that is some name (classname, typename, fieldname, hostname): no word
# for a secret ends so
_NAME_TAILS = ("name", "names")


def names_something_else(name: str) -> bool:
    """The same, for a name as written: what a format's own vocabulary of secret names
    (Terraform's attributes) asks before it takes a value for a secret."""
    ws = name_words(name)
    return bool(ws) and _names_something_else(ws)


def _names_a_secret(name: str) -> bool:
    """Whether a name's words include a secret word or pair (`private_key_File`,
    `db_password_hash`), however the name ends: a name that mentions a secret."""
    ws = [w.rstrip("0123456789") or w for w in name_words(name)]
    return any(w in SECRET_WORDS for w in ws) or any(p in _PAIRS for p in zip(ws, ws[1:]))


def password_like(word: str) -> bool:
    return word not in ("secret", "token", "key", "bearer", "authorization", "apikey", "credential", "credentials", "privatekey", "accesskey",
                        "secretkey", "authkey", "clientsecret", "api key", "auth key", "private key",
                        "access key", "app key", "client secret", "signing key", "encryption key", "master key")


# ---- files -----------------------------------------------------------------------------
CODE = "code"
CONFIG = "config"
SHELL = "shell"
DOC = "doc"
_EXT_KIND = {}
# (Ruby's type signatures too, Sorbet's .rbi and RBS's .rbs: stripe-ruby's generated
# `sig { params(token: String).void }`, a parameter's type, 18 places)
# (and CoffeeScript, whose `@x` is this.x: bazarr's bundled dropzone.coffee, `xhr.withCredentials =
# !!@options.withCredentials`; Erlang's headers, .hrl, whose records' fields default to atoms:
# ejabberd's `credentials = asn1_NOVALUE`)
for _e in ("py pyw pyi js jsx mjs cjs ts tsx go java kt kts scala groovy gradle cs fs vb rb rbi rbs php swift rs c h cc "
           "cpp coffee litcoffee "
           "cxx hpp hh m mm dart lua pl pm r ex exs erl hrl hs clj cljs elm jl nim zig v sol tf hcl jsonnet cue "
           # schemas, where `access_token: String_comparison_exp` names a type (and Telegram's Type
           # Language, `future_auth_token:flags.2?bytes`: mautrix-telegram's vendored gotd schema)
           "graphql gql prisma proto tl "
           # single-file components: a script block and a template of expressions
           "vue svelte astro "
           # Pascal and Delphi (Nim's bootstrap compiler, nim/passes.pas: `PPassContext =
           # ^TPassContext;`, a pointer type), OCaml, F# scripts, Crystal, Ada, Fortran, Tcl
           "pas pp dpr lpr dpk ml mli fsx fsi cr adb ads f90 f95 f03 tcl "
           # CGI and PSGI scripts and Perl's tests (Bugzilla's github.cgi: `my $github_secret2 =
           # Bugzilla->github_secret`, a method call)
           "cgi fcgi psgi t").split():
    _EXT_KIND[_e] = CODE
for _e in ("env ini cfg conf cnf properties prefs toml yaml yml json jsonc json5 xml plist config npmrc pypirc "
           "netrc pgpass tfvars sql csv tsv htpasswd service desktop").split():
    _EXT_KIND[_e] = CONFIG
for _e in "sh bash zsh ksh fish bat cmd ps1 psm1 envrc mk".split():
    _EXT_KIND[_e] = SHELL
# (and API Blueprint's .apib, Markdown that describes an API with example requests: hexpm's
# `Authorization: Basic ...` of user ericmj; LaTeX's documented sources, .dtx, prose around macros)
for _e in "md markdown mdx rst txt adoc asciidoc rdoc textile org wiki tex dtx ltx html htm xhtml myt mako jinja j2 ipynb apib".split():
    _EXT_KIND[_e] = DOC
_SHELL_NAMES = {"dockerfile", "containerfile", "makefile", "gnumakefile", "procfile", "vagrantfile", "jenkinsfile"}
_DOC_DIRS = {"doc", "docs", "documentation", "_docs", "man", "manual", "guide", "guides", "user_guide", "userguide",
             "user-guide", "tutorial", "tutorials",
             "example", "examples", "sample", "samples", "demo", "demos", "_templates", "book", "wiki"}
# (CodeIgniter's user_guide_src/)
_DOC_DIR_PREFIX = re.compile(r"^(?:docs?|documentation|examples?|samples?|tutorials?|demos?|user[_\-]?guide)[_.\-]")
_DOC_NAMES = re.compile(r"(?i)^(readme|changes|changelog|history|news|contributing|authors|install|usage|faq|"
                        r"howto|notes|todo|upgrading|migration)([._-].*)?$")
# a page or file named for documentation whatever its format: an app's API documentation
# page (rubygems.org's app/views/pages/api_docs.html.erb), Go's doc.go, docs.html
_DOC_WORD = re.compile(r"(?:^|[._-])(?:docs?|documentation|api[_-]?docs?)(?=[._-]|$)")
_TEST = re.compile(r"(?i)(^|/)(tests?|testing|spec|specs|__tests__|fixtures?|testdata|test_data|mocks?|e2e|"
                   r"(?:test|" + "|".join(TEST_DOUBLES) + r")[_-]?(?:" + "|".join(TEST_COMPOUNDS) + r"))(/|$)|"
                   r"(^|/)(test_[^/]*|[^/]*_test\.[a-z]+|[^/]*\.(test|spec)\.[a-z]+|conftest\.py)$")


@functools.lru_cache(maxsize=4096)  # a pure function of the path, asked three times per line judged
def file_kind(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    if name.startswith(".env") or name.endswith(".env"):
        return CONFIG
    if name in _SHELL_NAMES or name.startswith(("dockerfile", "containerfile")):
        return SHELL
    ext = name.rsplit(".", 1)[-1] if "." in name.lstrip(".") else ""
    kind = _EXT_KIND.get(ext)
    if kind:
        return kind
    if _DOC_NAMES.match(name):
        return DOC
    return CONFIG  # no or unknown extension: a bare value may be a literal


# a script with no extension (bin/deploy, git hooks, Ansible's old modules) says its language
# on its #! line; read as configuration, `password = other_name` in a Python script was a value
_SHEBANG = re.compile(rb"#![ \t]*(\S+)(?:[ \t]+(-\S*[ \t]+)*(\S+))?")
_INTERPRETER = re.compile(rb"(python|pypy|node|nodejs|deno|bun|ruby|perl|php|bash|sh|zsh|ksh|dash|ash)[\d.]*$")
_INTERPRETER_EXT = {b"python": "py", b"pypy": "py", b"node": "js", b"nodejs": "js", b"deno": "js", b"bun": "js",
                    b"ruby": "rb", b"perl": "pl", b"php": "php"}


def reading_path(path: str, head: bytes) -> str:
    """The path the generic detector reads a file as: its own, or for a file whose name has
    no extension and whose first line (head) is a #! naming a known interpreter, the path
    with that language's extension. Locations, documentation and test paths keep the real one."""
    name = path.rsplit("/", 1)[-1]
    if not head.startswith(b"#!") or "." in name.lstrip("."):
        return path
    m = _SHEBANG.match(head)
    if not m:
        return path
    prog = m.group(1).rsplit(b"/", 1)[-1]
    if prog == b"env" and m.group(3):  # #!/usr/bin/env [-S] python3
        prog = m.group(3).rsplit(b"/", 1)[-1]
    it = _INTERPRETER.match(prog)
    if not it:
        return path
    return f"{path}.{_INTERPRETER_EXT.get(it.group(1), 'sh')}"


# documentation kinds that are not documentation wherever they are: .txt (notes and key
# backups), notebooks, HTML and Jinja templates (apps) outside a docs folder
_DOC_EXT_ELSEWHERE = ("ipynb", "txt", "html", "htm", "xhtml", "j2", "jinja")


def _doc_ext(path: str) -> str:
    """The extension of a documentation file by its kind wherever it lives, else ""."""
    name = path.lower().rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    return ext if _EXT_KIND.get(ext) == DOC and ext not in _DOC_EXT_ELSEWHERE else ""


def is_prose_doc(path: str) -> bool:
    """A file of prose (README.md, docs/usage.rst, .adoc, .org): not Mako's templates; and a
    text or HTML page in a documentation folder or named for one (cfssl's doc/api/*.txt show
    each endpoint's request and response, a generated key among them; README.txt)."""
    if _doc_ext(path) not in ("", "mako", "myt"):
        return True
    parts = path.lower().split("/")
    if not parts[-1].endswith((".txt", ".html", ".htm")):
        return False
    return bool(_DOC_NAMES.match(parts[-1])) or any(p in _DOC_DIRS or _DOC_DIR_PREFIX.match(p) for p in parts[:-1])


# the folders a documentation site's pages include files from (MkDocs' pymdownx.snippets,
# Jekyll's _includes, Docusaurus' code samples): external-secrets' docs/snippets/*.yaml are
# the manifests its pages show, a generated key and `{"foo":"bar"}` among them
_DOC_SNIPPET_DIRS = {"snippets", "_snippets", "snippet", "includes", "_includes", "code-samples", "code_samples"}


def is_doc_snippet(path: str) -> bool:
    """A file a documentation folder's pages include (a docs folder's snippets/secret.yaml): an example
    of what the page explains, as prose is; not a file kept in docs/ for its own sake."""
    parts = path.lower().split("/")[:-1]
    return any(p in _DOC_DIRS and any(q in _DOC_SNIPPET_DIRS for q in parts[k + 1:]) for k, p in enumerate(parts))


# a translation catalogue: a file named for a locale (da-DK.json, pt_BR.po, zh-Hant.yml), or
# in a folder so named (locales/de/translation.json), under a folder for translations; its
# values are a user interface's words in a language ("RadiusSecret": "Radius-hemmelighed")
# (a folder of strings or messages with one file per locale: jellyfin-web's src/strings/nb.json,
# next-intl's messages/de.json)
_CATALOG_DIRS = frozenset(("lang", "langs", "language", "languages", "locale", "locales", "i18n", "l10n", "intl",
                           "translation", "translations", "localization", "localizations", "localisation",
                           "localisations", "strings", "messages"))
_LOCALE = re.compile(r"^[a-z]{2,3}(?:[-_](?:[a-z]{4}|[a-z]{2}|\d{3}))*$")
# a catalogue's file may put a name before its locale: syncthing's lang/lang-da.json, a Java
# resource bundle's messages_de.properties, two names: thingsboard's locale/locale.constant-da_DK.json;
# or after it: wekan's i18n/data/fy-NL.i18n.json
_LOCALE_FILE = re.compile(r"^(?:[a-z]+[-_.]){0,2}[a-z]{2,3}(?:[-_](?:[a-z]{4}|[a-z]{2}|\d{3}))*(?:\.[a-z][a-z0-9]*)?$")
# (php: Laravel's lang/<locale>/*.php and CodeIgniter's Language/<locale>/*.php return arrays
# of the interface's strings: firefly-iii's Norwegian label of its service secret field, and
# monica's Crowdin in-context pseudo-locale la/, every value a `crwdns...:0crwdne...:0` marker)
_CATALOG_EXTS = frozenset(("json", "yaml", "yml", "po", "pot", "properties", "strings", "arb", "xlf", "xliff",
                           "toml", "ini", "js", "ts", "resx", "php"))


def _translation_catalog(parts: list[str]) -> bool:
    stem, _, ext = parts[-1].rpartition(".")
    return ext in _CATALOG_EXTS and any(p in _CATALOG_DIRS for p in parts[:-1]) and \
        bool(_LOCALE_FILE.match(stem) or len(parts) > 1 and _LOCALE.match(parts[-2]))


@functools.lru_cache(maxsize=4096)  # a pure function of the path
def is_translation_catalog(path: str) -> bool:
    return _translation_catalog(path.lower().split("/"))


# a word of a language, or words joined by a hyphen or an apostrophe, no digit: what a
# translation catalogue holds under a password's or a key's label (redmine's config/locales,
# `field_password_confirmation: Potvrda`, `label_api_access_key: API-toegangssleutel`), maybe a
# label's colon (wiki.js' `"createuserpassword": "Passwort:"`)
_NATURAL_WORDS = re.compile(r"^[^\W\d_]+(?:['\u2019-][^\W\d_]+)*[:.]?$")


@functools.lru_cache(maxsize=4096)  # a pure function of the path
def is_doc_path(path: str) -> bool:
    """Documentation by where it lives: docs/, examples/, README*, *.md, *.rst ..., and
    translation catalogues (prose in a language, as documentation is)."""
    low = path.lower()
    parts = low.split("/")
    name = parts[-1]
    if _doc_ext(path):
        return True
    if _DOC_NAMES.match(name) or _DOC_WORD.search(name) or _translation_catalog(parts):
        return True
    # a folder named for documentation, or so named with a qualifier: docs_src (FastAPI,
    # Typer, SQLModel keep their tutorials' code there), docs-site, examples_legacy
    return any(p in _DOC_DIRS or _DOC_DIR_PREFIX.match(p) for p in parts[:-1])


def is_test_path(path: str) -> bool:
    # (and the test folders no test word names, which blast.py reads as the test environment,
    # and Storybook's stories)
    return bool(_TEST.search(path) or TEST_FOLDER.search(path) or STORYBOOK_FILE.search(path))


# ---- the lexer --------------------------------------------------------------------------
# token kinds
STR, NAME, NUM, OP, WORD, COMMENT = "str", "name", "num", "op", "word", "comment"
_PY_PREFIX = re.compile(r"(?i)(?:[rbuf]|rb|br|fr|rf)(?=['\"])")
# `$password` (PHP, Perl, shell) is one name; `${` and `$(` open a reference
_NAME_RE = re.compile(r"[^\W\d][\w$]*|\$\w+|\$[{(]")  # (Unicode letters, as _SPLIT)
_NUM_RE = re.compile(r"\d[\w.]*")
_OPS = ("===", "!==", "=>", ":=", "==", "!=", "?=", "||=", "+=", "::", "->", "<-")
# the operators by their first character, in _OPS's order (the first that matches wins)
_OPS_AT = {c: tuple(op for op in _OPS if op[0] == c) for c in {op[0] for op in _OPS}}
_WORD_RE = re.compile(r"[\w]+")
# where a quoted string's scan next has something to do: its quote, or (unless raw) a backslash
_STR_STOP = {(q, raw): re.compile(re.escape(q) if raw else "[" + re.escape(q) + r"\\]")
             for q in "\"'`" for raw in (False, True)}


class Tok(tuple):
    __slots__ = ()

    def __new__(cls, kind, text, start, end, body=None, quote=""):
        return tuple.__new__(cls, (kind, text, start, end, body, quote))

    # read in C (a lambda's frame per read was a tenth of judging a new line)
    kind = property(operator.itemgetter(0))
    text = property(operator.itemgetter(1))
    start = property(operator.itemgetter(2))
    end = property(operator.itemgetter(3))
    body = property(operator.itemgetter(4))  # a string's content
    quote = property(operator.itemgetter(5))


def _comment_at(line: str, i: int, lang: str) -> bool:
    c = line[i]
    if c == "#":
        # `#` starts a comment in Python, Ruby, shell, YAML, TOML, conf, Perl, R; not in
        # C-like languages (`#define`), where it is a preprocessor line we still read
        if lang in ("c", "php"):
            return i == 0 and lang == "php"
        if lang == "ini":
            return line[:i].strip() == ""
        if lang in ("yaml", "sh", "text"):
            return i == 0 or line[i - 1].isspace()  # `pa#ss` is a value, ` # note` a comment
        return True
    if c == "/" and line.startswith("//", i):
        return lang in ("c", "php", "go", "js") and (i == 0 or line[i - 1] != ":")
    if c == ";" and lang in ("ini", "yaml"):
        # (in YAML, a block scalar holding an INI file: a Helm chart's `grafana.ini: |` with
        # its commented-out defaults, `;secret_key = ...`)
        return i == 0 or line[:i].strip() == ""
    if c == "-" and line.startswith("--", i) and lang == "sql":
        return True
    return False


def comment_line(line: str, path: str) -> bool:
    """Is the line a comment, opened where its text starts, as the file's language reads it?"""
    body = line.lstrip()
    return bool(body) and _comment_at(line, len(line) - len(body), _file_lang(path))


# (line, language) -> its tokens, for 200,000 characters of lines (a token per character at most)
_LEXED = BoundedMemo(200_000)


def lex(line: str, lang: str) -> list[Tok]:
    """Tokens of one line (a list the caller must not change). `lang`: py, js, go, c
    (C-like: Java, C#, C, Rust ...), rb, php, sh, yaml, ini, sql or text. Strings that do
    not close on the line run to its end. The latest lines' tokens are kept (200,000
    characters of lines at most): a new line is read three times over
    (docstring_may_matter, then generic_hits both ways), and lexing was a tenth of a small
    repository's history scan."""
    toks = _LEXED.get((line, lang))
    if toks is None:
        toks = _LEXED.keep((line, lang), _lex(line, lang), len(line) + 1)
    return toks


def _lex(line: str, lang: str) -> list[Tok]:
    out: list[Tok] = []
    i, n = 0, len(line)
    quotes = "\"'`" if lang in ("js", "go", "sh", "rb", "text") else "\"'"
    while i < n:
        c = line[i]
        if c.isspace():
            i += 1
            continue
        if c in "#/;-" and _comment_at(line, i, lang):
            out.append(Tok(COMMENT, line[i:], i, n))
            break
        pre = _PY_PREFIX.match(line, i) if lang in ("py", "text") and c in "rbufRBUF" else None
        if pre:
            q0 = pre.end()
            prefix = pre.group(0).lower()
        else:
            q0, prefix = i, ""
        if q0 < n and line[q0] in quotes:
            q = line[q0]
            triple = line.startswith(q * 3, q0) and lang in ("py", "text", "c", "go")
            qs = q * 3 if triple else q
            j = q0 + len(qs)
            raw = "r" in prefix or q == "`" and lang == "go" or q == "'" and lang in ("sh", "yaml")
            body_start = j
            stop = _STR_STOP[q, bool(raw)]
            while j < n:
                m = stop.search(line, j)  # nothing happens before it
                if m is None:
                    j = n
                    break
                j = m.start()
                if line[j] == "\\" and not raw:
                    j += 2
                    continue
                if line.startswith(qs, j):
                    if q == "'" and lang == "yaml" and line.startswith("''", j):
                        j += 2  # YAML's escaped quote
                        continue
                    break
                j += 1
            body = line[body_start:min(j, n)]
            end = min(j + len(qs), n) if j < n else n
            out.append(Tok(STR, line[i:end], i, end, body, ("f" if "f" in prefix else "") + q))
            i = end
            continue
        m = _NAME_RE.match(line, i)
        if m:
            j = m.end()
            if lang in ("yaml", "ini", "sh", "text"):  # kebab-case and dotted keys
                while j < n and (line[j] in "-." and j + 1 < n and (line[j + 1].isalnum() or line[j + 1] == "_")):
                    m2 = _WORD_RE.match(line, j + 1)
                    j = m2.end() if m2 else j + 1
            out.append(Tok(NAME, line[i:j], i, j))
            i = j
            continue
        if c.isdigit():
            m = _NUM_RE.match(line, i)
            out.append(Tok(NUM, m.group(0), i, m.end()))
            i = m.end()
            continue
        for op in _OPS_AT.get(c, ()):
            if line.startswith(op, i):
                out.append(Tok(OP, op, i, i + len(op)))
                i += len(op)
                break
        else:
            out.append(Tok(OP, c, i, i + 1))
            i += 1
    return out


def _lang(path: str, kind: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext in ("py", "pyw", "pyi"):
        return "py"
    if ext in ("js", "jsx", "mjs", "cjs", "ts", "tsx", "json", "jsonc", "json5", "dart", "kt", "kts", "scala",
               "groovy", "gradle", "swift", "vue", "svelte", "astro"):
        return "js"
    if ext == "go":
        return "go"
    if ext in ("rb", "rbi", "rbs", "coffee", "litcoffee", "pl", "pm", "r", "ex", "exs", "tf", "hcl", "toml", "jl", "nim",
               "cr"):
        return "rb"  # `#` comments, C-like otherwise
    if ext == "php":
        return "php"
    if ext in ("yaml", "yml"):
        return "yaml"
    if ext in ("ini", "cfg", "conf", "cnf", "properties", "prefs", "desktop", "service"):
        return "ini"
    if ext == "sql":
        return "sql"
    if kind == SHELL or ext == "env" or name.startswith(".env"):
        return "sh"
    if kind == CODE:
        return "c"
    return "text"


# ---- values ------------------------------------------------------------------------------
# what may stand before a name Go declares (`var name Type = v`, `const (` then a name a line)
_GO_DECL = {"var", "const", "(", ","}
_GO_KEYWORDS = {"var", "const", "type", "func", "return", "case", "go", "defer", "range", "package", "import",
                "if", "else", "for", "switch", "select", "chan", "map", "struct", "interface", "goto"}
_ASSIGN_OPS = {"=", ":", ":=", "=>", "?=", "||=", "==", "!=", "===", "!==", "<-"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
# (`__` joins a configuration's sections in .NET's and others' variables: Duplicati's
# `ENV_WEBSERVICE_PASSWORD = "DUPLICATI__WEBSERVICE_PASSWORD"`)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:__?[A-Z0-9]+)+$")
# a list of environment variables' names, one of them at least in the NAME_WITH_PARTS shape:
# WSLENV's `FORCE_COLOR:PYTEST_REQPASS:TOXENV` (its entries may carry /p /l /u /w flags), a
# tox passenv's, where a name that says PASS is followed by the next name (ansible-lint)
_ENV_NAME_LIST = re.compile(r"^(?=[^_]*[A-Z0-9]_[A-Z0-9])[A-Z][A-Z0-9_]*(?:/[lpuw]+)?(?:[:,;][A-Z][A-Z0-9_]*(?:/[lpuw]+)?)+$")
_IDENT = re.compile(r"^[a-z][a-z0-9]*(?:[_.\-][a-z0-9]+)+$")  # snake/dotted/kebab identifier, lower case
_LETTER_DIGIT = re.compile(r"[A-Za-z](?=\d)|\d(?=[A-Za-z])")
_HEX_PARTS = re.compile(r"^[0-9a-f]+(?:[_.\-][0-9a-f]+)+$|^[0-9A-F]+(?:[_.\-][0-9A-F]+)+$")
_UUID_SHAPED = re.compile(r"^(?=[^-]*\d)[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}$")
_NAME_JOINERS = re.compile(r"[_.\-]")


def _random_parts(v: str) -> bool:
    """A value in a name's shape (_IDENT, _ENV_NAME: words joined by `_`, `.` or `-`) whose
    letters and digits are drawn at random, as a token's are, not a name's: a part of 12
    characters or more that turns between letters and digits four times or more
    (`sk_d21e2be36220...`, a vendor's prefix and a hex or base-36 key; `API_KEYN2B1NFN5CP...`),
    where a name's words turn once or twice (`python3-pip`, `v2beta1`, `x509v3`); hex split
    by dashes (`a289-1dad-dbeeeb-2c0b1f-dc0ed546`); a UUID's shape in base 36. Random base-36
    turns about every other character, hex more often."""
    if len(v) < 16:
        return False
    if _UUID_SHAPED.match(v) or _HEX_PARTS.match(v) and len(_LETTER_DIGIT.findall(v)) >= 4:
        return True
    return any(len(part) >= 12 and len(_LETTER_DIGIT.findall(part)) >= 4 for part in _NAME_JOINERS.split(v))


def _random_key(v: str) -> bool:
    """A value a name only ending in `key` holds that is a service's key, not a map's: 20
    characters or more of letters and digits (and `_`, `-`, `.`, `=`) that turn between
    letters and digits six times or more, neither hex of a digest's length nor a UUID (an id)."""
    return len(v) >= 20 and _KEY_CHARS.match(v) is not None and len(_LETTER_DIGIT.findall(v)) >= 6 \
        and not _DIGEST_HEX.match(v) and not _UUID.match(v) and not _ec_public_point(v)


def _ec_public_point(v: str) -> bool:
    """An uncompressed P-256 public key in base64url, 65 bytes from 0x04: Web Push's VAPID
    `applicationServerKey` (RFC 8292), which every browser that subscribes is given."""
    if len(v) != 87 or v[0] != "B":
        return False
    try:
        raw = base64.urlsafe_b64decode(v + "=")
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 65 and raw[0] == 4


_KEY_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.=\-]*$")
# hex of a digest's length (MD5, SHA-1, SHA-224/256, SHA-384, SHA-512): narrower than
# _HEX_DIGEST, since other lengths under a key's name are keys (ASP.NET's 48-digit
# decryptionKey, PayloadsAllTheThings' IIS-Machine-Keys.md)
_DIGEST_HEX = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$", re.I)


# a secret store's reference, a path of three words or more and the field read from it after a
# colon: grafana's shared workflows fetch each secret from Vault by one,
# `SNYK_TOKEN=<vault path>:<field>` under `common_secrets: |`
_STORE_REFERENCE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}:[a-z][a-z0-9_\-]*$")
_SNAKE_NAME = re.compile(r"^[A-Za-z][a-z]*(?:_[A-Za-z][a-z]*)+$")  # words of letters joined by _, any case per word
# (`{$name`: PHP's interpolation of a variable, a property or an element into a string,
# `"-p{$this->db->password}"` in coolify's backup job; a quote, then a concatenation: the
# literal around the value ended, and code joins a variable in, as in JSON written in a PHP
# or JavaScript string, `"paymethod_token": "'.$data->payment_token.'"` in invoiceninja)
# (`%{SYNTAX:field}`: a Grok pattern's capture, Logstash's and Elastic's ingest pipelines' log
# parsers, quickwit's `"rule": "PWD=%{notSpace:system.pwd} ;"`)
_TEMPLATE = re.compile(r"\$\{|\{\{|\}\}|#\{|\{\$[A-Za-z_]|%\{[A-Za-z_][\w.]*(?::[^}\s]*)?\}|^['\"]\s*(?:\.\s*\$|\+\s*[A-Za-z_$])|"
                       r"%\(\w+\)[sd]|%[sd](?![A-Za-z0-9])|\{\d*\}|\{\.?[A-Za-z_][\w.]*\}|^\$\$?[A-Za-z_(]|"
                       r"^%[A-Za-z_]+%$|^@[A-Za-z_]+@$|^<[^>]+>$|^\[[^\]]+\]$|^\*+$|"
                       # an f-string's or a template literal's call (`-p '{process_secret(conn.password)}'`)
                       r"^\{[A-Za-z_][\w.]*\([^{}]*\)\}$")
# (a template named by its bundle, Symfony's `SyliusPayumBundle::Action/obtainCheckoutToken.html.twig`
# under `payum.template.obtain_token`: Sylius' app config)
# (or a place in a page: LibreOffice's help index, `'dbaccess/ui/password/newpassword':
# 'text/sdatabase/05000003.html#bm_id3166411'`, in kkFileView's bundled LibreOffice)
_FILE_NAME = re.compile(r"^(?:[\w.\-]+::|@)?[\w.\-/]*\.(?:json|ya?ml|txt|baseline|py|js|ts|env|cfg|ini|toml|pem|key|crt|cer|"
                        r"p12|pfx|jks|keystore|gpg|asc|lock|log|md|sh|conf|html|xml|properties|twig|erb|hbs|tpl|"
                        r"mustache|jinja2?|j2|phtml|(?:html?|md|php)#[\w.:-]+)$", re.I)
_WEAK = re.compile(r"(?i)^(?:pass(?:word|wd)?|passw0rd|p@ssw0rd|secret|token|changeit|letmein|admin|root|test|"
                   r"qwerty|welcome|default|guest|user|none|null|nil|true|false|undefined|empty|required|optional|"
                   r"string|str|bytes|text|hidden|masked|redacted|unset|disabled|enabled)[\d!@#$%_\-]*$")
# a JSON key and its colon, the text a program looks for in a response (domoticz's Harmony
# Hub client, `strAuthTokenTag = "UserAuthToken\\":\\""`)
_JSON_KEY_TEXT = re.compile(r'^[A-Za-z_][\w.-]{0,63}\\?"\s?:\s?(?:\\?")?$')
# (read in a quoted literal: an escape `\n`, `\r` or `\t` ends the value, as the line break it
# writes does: `&Password=NewPassword\n&AUTHPARAMS` in a JSON string of API documentation)
_CONN_KEY = re.compile(r"(?i)(?:^|[;\s&?,])\s*((?:password|passwd|pwd|pass|user\s+password)\s*=\s*)"
                       r"((?:[^;&\s,'\"\\]|\\(?![nrt]))+)")
_HEX_NUMBER = re.compile(r"^0[xX][0-9a-fA-F]+$")
# a password's hash as servers store it, not the password: crypt(3) ($1$ MD5, $5$/$6$ SHA,
# $2b$ bcrypt, $y$ yescrypt), $argon2id$, Django's pbkdf2_sha256$..., LDAP's {SSHA}...
# ... and a digest written with its algorithm: a Vault audit log's `hmac-sha256:<hex>` (Vault
# HMACs every secret it logs), a content digest `sha256:<hex>`
# a Monarch (Monaco's) tokenizer's token class, a dotted scope name with the state's parts put in:
# `{ token: 'string.$S2.delim', next: '@pop' }` (harness/gitness' Rego grammar)
# or after a hyphen in a part: `{ token: 'keyword.tag-$1' }` (Monaco's Visual Basic grammar, in nacos' console)
_MONARCH_TOKEN = re.compile(r"^[a-z][\w.-]*[.-]\$(?:S\d|#|\d)(?:[\w.-]|\$(?:S\d|#|\d))*$")
# (after a user's name and a colon: an htpasswd line, `harbor_registry_user:$2y$10$...` in
# bitnami's harbor chart)
# (and Django's unusable password, what set_unusable_password() stores: `!` and 40 random
# letters and digits, UNUSABLE_PASSWORD_PREFIX and _SUFFIX_LENGTH; readthedocs' db.json fixture)
_HASHED = re.compile(r"^(?:![A-Za-z0-9]{40}|"
                     r"(?:[^\s:$]{1,64}:(?=[$\{]))?(?:\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?)\$[^\s]{8,}|"
                     r"(?:hmac-)?(?:sha(?:1|224|256|384|512)|md5|blake2b?):[0-9a-f]{32,128}|"
                     r"(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|scrypt|sha(?:1|224|256|384|512)|md5|"
                     r"(?:pbkdf2:sha\d+|scrypt)(?::\d+)+)\$[^\s]*\$[^\s]{8,}|"
                     r"\{(?:SSHA|SHA|SMD5|MD5|CRYPT|SSHA256|SSHA512|PBKDF2[\w-]*|ARGON2)\}\S{8,}))$", re.I)
_B64_61 = re.compile(r"^AQAAAA[A-Za-z0-9+/]{76}={0,2}$")  # base64 of 61 bytes starting 0x01 0x00 0x00 0x00
# a relative path to a file, whatever its type: folders, then a name with a lower-case
# extension (`environments/default/main.jsonnet`, `templates/secret.yaml.j2`), maybe a Java
# resource on the class path (`classpath:features/cats-create.feature`); base64 has no
# `.`, base64url no `/` (value_ok keeps one that mixes capitals and digits)
# OpenSSL's pass phrase arguments that say where the pass phrase is (openssl-passphrase-options(1):
# `file:pathname`, `env:var`, `fd:number`), not the pass phrase (pulp's `-password file:$PWDFILE`)
_PASS_SOURCE = re.compile(r"^(?:file|env|fd):[\w$./{}\-]+$")
_REL_PATH = re.compile(r"^(?:classpath\*?:/?)?(?:[\w\-]+/)+[\w\-]+(?:\.[\w\-]+)*\.[a-z][a-z0-9]{0,9}$")
# a name that is a path of lower-case names, three or more (ory's AEAD context
# "ory/keysetpagination_v2/page_token"; one slash may be Oracle's user/password), and a URN
# (RFC 8141: "urn:safelayer:tws:policies:authentication:level:low", an OAuth ACR value)
_NAME_PATH = re.compile(r"^[a-z][a-z0-9_.\-]*(?:/[a-z0-9][a-z0-9_.\-]*){2,}$")
# a web route with a parameter segment, Express' and Rails' `:id` (confidant's API paths,
# `CREDENTIAL: 'v1/credentials/:id'`)
_ROUTE = re.compile(r"^/?[a-z][a-z0-9_.\-]*(?:/(?:[a-z0-9][a-z0-9_.\-]*|:[a-z_][A-Za-z_]*))*/:[a-z_][A-Za-z_]*"
                    r"(?:/(?:[a-z0-9][a-z0-9_.\-]*|:[a-z_][A-Za-z_]*))*/?$")
_URN = re.compile(r"(?i)^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$")
# an Amazon Resource Name (AWS's IAM User Guide, "ARN format": arn:partition:service:region:
# account-id:resource, the region and the account empty for global resources, the account
# `aws` for AWS's managed policies): a name of a resource, a Secrets Manager secret's too,
# never the secret
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:\S+$")
# the whole value standard base64 with its padding, as a Kubernetes Secret's `data:` holds it
_B64_TEXT = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


def _b64_of_stand_in(v: str) -> bool:
    """The value is base64 of a stand-in or of a lower-case name (`c3VwZXJzZWNyZXQ=`,
    "supersecret", under a Secret manifest's `secretkey:`; "enterprise-metrics" under its
    `accesskey:`): not a secret, as its decoded text would not be."""
    if len(v) % 4 or not _B64_TEXT.match(v):
        return False
    try:
        text = base64.b64decode(v, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    text = text.removesuffix("\n")  # `echo ... | base64` encodes echo's newline too
    if not text.isprintable() or any(c.isspace() for c in text):
        return False
    return is_placeholder(text) or lower_name(text)


def lower_name(v: str) -> bool:
    """A lower-case word or identifier (`enterprise-metrics`, `app.db_user`), short of a key."""
    return v.replace("_", "").replace("-", "").replace(".", "").isalpha() and v.islower() and len(v) < 24


def _identity_hash(v: str) -> bool:
    """ASP.NET Core Identity's stored password hash (its V3 format: 0x01, the PRF, the
    iteration count, a 16-byte salt's length, the salt and a 32-byte subkey, in base64:
    `PasswordHash = "AQAAAAIAAYagAAAAE..."` in .NET seed data), not a password."""
    if not _B64_61.match(v):
        return False
    try:
        raw = base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 61 and raw[0] == 1 and int.from_bytes(raw[1:5], "big") <= 2 and \
        int.from_bytes(raw[9:13], "big") == 16


# a list of validation rules or flags (Laravel's 'required|string|min:8|confirmed', a
# format's 'json|yaml'): lower-case words, some with a `:argument`, joined by |
# (a rule's argument after a colon, Laravel's `min:8`, or in brackets, CodeIgniter's
# `max_length[255]|matches[password]`)
# (a rule's arguments may compare: Laravel's `required_if:oldpassword,!=,null`, bagisto; and
# one of Laravel's conditional rules may stand alone, with its arguments: statamic's
# `'password' => 'required_without_all:verification_code,id'`; and the rules that compare
# with another field, alone in a rule array: filament's `'newPasswordConfirmation' =>
# ['required_with:newPassword', 'same:newPassword']`)
_RULE_LIST = re.compile(r"^[a-z][a-z_]*(?::[\w,.\-!=<>]*|\[[\w,.\-]*\])?(?:\|[a-z][a-z_]*(?::[\w,.\-!=<>]*|\[[\w,.\-]*\])?)+$|"
                        r"^(?:required|prohibited|exclude|missing|present|accepted|declined)_[a-z_]+:[\w,.\-!=<>]+$|"
                        r"^(?:same|different):[A-Za-z_][\w.]*$")
# a GitHub GraphQL global node ID, its type and `_`, then base64 of what names it (`LA_kwDO...`, a
# label: trivy's triage action config maps a label named Secret to one)
_GITHUB_NODE_ID = re.compile(r"^[A-Z][A-Za-z]{0,5}_k[wg]D[A-Za-z0-9_-]{8,60}$")
# a class named by its namespace (PHP's Auth\PasswordController, Laravel's Controller@method)
_QUALIFIED_CLASS = re.compile(r"^\\?[A-Z]\w*(?:\\{1,2}[A-Z]\w*)+(?:@\w+)?$|^[A-Z]\w*Controller@\w+$")
# a name qualified with `::` (Ruby's, C++'s, Rust's, Perl's): doorkeeper's
# `"Doorkeeper::OAuth::Helpers::UniqueToken"`, clearance's `remember_token: Clearance::Token.new`
# (each part a word in Pascal or lower case: a random value with `::` in it stays a value;
# each capital starts a new piece, so a run of capitals is cut one way only: linear time)
_SCOPE_PART = r"(?:(?:[A-Z][a-z]*)+\d*|[a-z][a-z_]*\d*)"
_SCOPED_NAME = re.compile(rf"^(?:::)?{_SCOPE_PART}(?:::{_SCOPE_PART})+(?:\.[a-z_]\w*)?(?:\(\))?$")
# an AngularJS directive's scope binding: its sigil, maybe optional, and the attribute's name in
# camel case, a prefix and two words at least (`'=hzPasswordMatch'`, `'&ngChange'` is too short)
_SCOPE_BINDING = re.compile(r"^[=@&<]\??[a-z]+(?:[A-Z][a-z]+){2,}$")
# a package manager's dependency specifier: `npm:@aws-sdk/credential-provider-node@^3.972.47`
# under the package's own name (openai-node's jsr.json), `jsr:@std/path@1`, `workspace:*`; or
# Maven's coordinates, `group:artifact[:packaging[:classifier]]:version`, the group's reversed
# domain dotted (gocd's dependencies.gradle: `tokenBucket : 'org.isomorphism:token-bucket:1.7'`)
_PACKAGE_SPEC = re.compile(r"^(?:(?:npm|jsr):(?:@[\w.-]+/)?[\w.-]+@[\w.^~<>=*| -]+|workspace:[\w.^~*]+|"
                           r"[a-z][\w-]*(?:\.[a-z][\w-]*)+(?::[A-Za-z][\w.-]*){1,3}:\d+(?:\.\d+)*(?:[.-][\w.-]+)?)$")
# where a web framework's middleware looks a token up, `source:name[:scheme]`, listed (echo's
# and fiber's TokenLookup/KeyLookup: hanko's `TokenLookup: "header:Authorization:Bearer,cookie:hanko"`)
_TOKEN_LOOKUP = re.compile(r"^(?:header|query|param|cookie|form):[\w-]+(?::[\w -]+)?"
                           r"(?:\s*,\s*(?:header|query|param|cookie|form):[\w-]+(?::[\w -]+)?)*$")
# a product's CPE name, 2.3's formatted string or the older URI (syft's dictionary of them maps
# package names such as `azure-publishersettings-credentials` to `cpe:2.3:a:jenkins:...`)
_CPE = re.compile(r"^cpe:(?:2\.3:[aho*-]:|/[aho]:)[^\s]+$")
# a call that reads an environment variable, as a string a program writes into a file it
# generates (typecho's installer: `$baeDbPassword = "getenv('HTTP_BAE_ENV_SK')";`)
_ENV_CALL = re.compile(r"^(?:getenv|env|os\.getenv|os\.environ\.get|System\.getenv|ENV\.fetch|process\.env\.get)"
                       r"\(\s*['\"][A-Za-z_][\w.]*['\"]\s*(?:,[^()]*)?\)$")
# a GitHub Action's or reusable workflow's reference, `{owner}/{repo}[/{path}]@{ref}` (GitHub's
# workflow syntax, `jobs.<id>.steps[*].uses`): grafana/loki's jsonnet `step.new('Configure AWS
# credentials', 'aws-actions/configure-aws-credentials@v4')`. Each name is words joined by `-`,
# `_` or `.` (a capital only first: `Azure/login`), the ref a commit, a version or a branch:
# a random password with `/` and `@` in it mixes cases and digits inside its parts
_NAME_PART = r"[A-Za-z][a-z0-9]*(?:[-_.][a-z0-9]+)*"
_ACTION_REF = re.compile(rf"^{_NAME_PART}/{_NAME_PART}(?:/{_NAME_PART})*@(?:[0-9a-f]{{40}}|v?\d+(?:\.\d+){{0,2}}|"
                         r"[a-z][a-z0-9]*(?:[-_./][a-z0-9]+)*)$")
# a secret named in a secret store, `store:NAME` (grafana's get-vault-secrets action:
# `SOCKET_API_TOKEN=socket:SOCKET_API_KEY`, `ECR_SECRET_KEY=aws-credentials:secret_access_key`):
# the name is a variable's (capitals) or words of letters, not a value; one word under a
# secret named in hyphenated words (grafana/helm-charts: `GPG_PASSPHRASE=helm-chart-signing-key:passphrase`),
# where a user's name and a password joined by a colon (`admin:hunter`) stay a value
_STORED_NAME = re.compile(r"^(?:[a-z][a-z0-9_-]{0,40}:(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+(?:_[a-z]+)+)|"
                          r"[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*){2,7}:[a-z]+)$")
# an OpenStack policy's check (oslo.policy): another rule or a role by name (horizon's copies of
# keystone's and nova's policies, `"identity:change_password": "rule:owner"`)
_POLICY_CHECK = re.compile(r"^(?:rule|role):[A-Za-z_][\w.-]*(?::[\w.-]+)*$")
# lower-case names joined by colons, under a name not a password's: a user, a project and a
# role, as Glance's and Nova's no-auth test middleware reads an `X-Auth-Token`
# (`'user1:tenant1:admin'`); a namespace and a name of words (openobserve's icon catalogue,
# `{ token: "o2:postgresql" }`, `"o2:ai-quarkus-langchain4j"`; Iconify's `mdi:account-key`), a
# digit at most in each word, where a provider's name and its key (`openweather:cd2b1d12...`)
# have many after the colon. Under a password's name, a user
# and a password joined by one colon stay a value (`admin:hunter`)
_COLON_NAMES = re.compile(r"^[a-z][a-z0-9_]*(?::[a-z][a-z0-9_]*){2,}$|^[a-z][a-z0-9]{0,15}:[a-z]+\d?[a-z]*(?:-[a-z]+\d?[a-z]*)*$")
# an AWS IAM policy's action, `service-prefix:ActionName`, a wildcard allowed (AWS's "IAM JSON
# policy element: Action"): docker/compose's `ActionGetSecretValue = "secretsmanager:GetSecretValue"`,
# `kms:Decrypt`, `s3:Get*`. AWS's action names are a verb and then words, letters only; a
# user:password pair whose password is such a name is what this gives up
_IAM_ACTION = re.compile(
    r"^[a-z][a-z0-9-]{1,40}:(?:\*|(?:Get|Put|List|Describe|Create|Delete|Update|Modify|Assume|Decrypt|Encrypt|"
    r"ReEncrypt|Generate|Pass|Invoke|Start|Stop|Send|Receive|Tag|Untag|Batch|Sign|Verify|Publish|Subscribe|"
    r"Query|Scan|Read|Write|Attach|Detach|Associate|Disassociate|Run|Terminate|Upload|Restore|Rotate|Enable|"
    r"Disable|Register|Deregister|Add|Remove|Set|Reset|Change|Import|Export|Search|Retrieve|Revoke|Authorize|"
    r"Execute|Cancel|Accept|Reject|Validate|Initiate|Complete|Abort|Reboot|Replace|Request|Schedule|Simulate|"
    r"Purge|Copy|Head|Connect)[A-Za-z]*\*?)$")
# user:password@host (a URL's credentials without its scheme): judged by its password part
_USERINFO = re.compile(r"^[^:@\s/]{1,64}:([^@\s/]{1,128})@[\w.-]+(?::\d{1,5})?(?:/\S*)?$")
# a data source name of Go's database drivers, `[user[:password]@][net[(addr)]]/dbname[?params]`
# (go-sql-driver/mysql's README): judged by its password part, and none is no secret
# (sqlc's `uriNoPassword := "root@tcp(localhost:3306)/mysql?parseTime=true"`)
_GO_DSN = re.compile(r"^[^:@\s/()]{0,64}(?::([^@\s]{0,128}))?@[a-z][a-z0-9]{1,15}\([^()\s]{0,253}\)/\S*$")
# a version, or an image's tag, or a Debian package's version, `[epoch:]upstream[-revision]`
# (openstack-ansible's pinned packages, `libpam-smbpass: 2:4.1.6+dfsg-1ubuntu2`), or a range
# of versions after its operator (npm's `^1.0.0-alpha.23` and `~1.2.3`, pip's `>=2.1`, a
# package.json's dependency named for a credential provider: amplify-js' `"@aws-sdk/
# credential-provider-cognito-identity": "^1.0.0-alpha.23"`)
_VERSION = re.compile(r"^(?:[\^~=]|[<>!]=|[<>]|~>|===?)?(?:\d{1,4}:)?v?\d+(?:\.\d+){1,3}(?:[a-z]{1,2}\d{0,3})?(?:[-+~][0-9A-Za-z]+(?:[.+~-][0-9A-Za-z]+)*)?$")
# the IDs Google's analytics tags are configured with, in the page of every site they measure:
# Universal Analytics' UA-<account>-<property>, GA4's measurement G-<10>, Tag Manager's GTM-,
# Google Ads' AW- (keycloak-quickstarts' GitBook config: `"ga": {"token": "UA-86203452-1"}`)
_ANALYTICS_ID = re.compile(r"^(?:UA-\d{4,10}-\d{1,4}|G-[A-Z0-9]{10}|GTM-[A-Z0-9]{4,9}|AW-\d{9,11})$")
_OBJECT_REF = re.compile(r"^[a-z]+(?:-[a-z]+)*/[a-z]+(?:-[a-z]+)*$")
# a query's parameter whose value is a variable's expansion, the shell's or PowerShell's
# (dotnet/arcade's telemetry step, vendored in openiddict: `accessTokenParameter=
# "?access_token=$HelixApiAccessToken"`, `"?access_token=$($env:HelixApiAccessToken)"`)
_QUERY_OF_VARIABLE = re.compile(r"^[?&]?[\w.-]+=\$(?:[A-Za-z_]\w*|\{[\w:.-]+\}|\(\$?[\w:.-]+\))$")
# a query string of two parameters or more whose values are words or numbers: data shown as
# a value (Dancer2's POD sets a cookie to a key/value URI pair, `cookie token =>
# 'name=Sawyer&username=xsawyerx'`); a random value among them (`sig=Xk9...`) keeps it a secret
_QUERY_OF_WORDS = re.compile(r"^[?&]?[A-Za-z_][\w.-]*=(?:[A-Z]?[a-z]{1,20}|\d{1,10})?"
                             r"(?:&[A-Za-z_][\w.-]*=(?:[A-Z]?[a-z]{1,20}|\d{1,10})?)+$")
# alternatives joined by `|` (a grep or regex alternation, `\|` in basic regexes), four or
# more, short, most of them words: what to look for, not a secret (PEASS-ng's linpeas.sh,
# `pwd_inside_history="7z|unzip|useradd|...|^ssh|@"`)
_ALTERNATIVE = re.compile(r"^\^?[\w@.=:/*-]{1,24}\$?$")


def _alternation(v: str) -> bool:
    parts = re.split(r"\\?\|", v)
    if len(parts) < 4 or not all(_ALTERNATIVE.match(p) for p in parts):
        return False
    words = [w for w in (p.strip("^$=:") for p in parts) if len(w) >= 3 and w.isalpha() and
             (w.islower() or w.isupper() or w.istitle())]
    return 2 * len(words) >= len(parts)


# a media type (RFC 6838's top-level types, a vendor tree's `vnd.` names and a `+json`
# suffix): go-github's `mediaTypeRevokeTokenPreview = "application/vnd.github.gambit-preview+json"`
_MEDIA_TYPE = re.compile(r"^(?:application|text|image|audio|video|multipart|message|font|model)/[A-Za-z0-9][\w.+-]*$")
# words of letters joined by slashes, a route or a path of names (`myself/userTokenList`)
_SLASHED_WORDS = re.compile(r"^[A-Za-z]+(?:/[A-Za-z]+)+$")
# an identifier of letters with at most two digits, in words (`pac4jCsrfToken`, `oauth2Secret`)
_DIGIT_WORD_NAME = re.compile(r"^(?=(?:[A-Za-z]*\d){1,2}[A-Za-z]*$)[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+$")
# identifiers joined by `-`, `.`, `:`, `/` or `_`: a field's or a setting's path
_NAME_CHAIN = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-.:/_][A-Za-z][A-Za-z0-9]*)+$")
# the rest of a name after its namespace: words and digits joined by `-` or `_`
_WORDS_TAIL = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$")
# lower-case words and whole numbers joined by underscores, a number first as _IDENT does
# not allow: Django's migration `0003_tokenproxy` (a dependency's `('authtoken',
# '0003_tokenproxy')`); a token mixes letters and digits inside its parts, but a migration's
# number (0 and three digits: a year's, `2024_...`, is a password's) may be followed by words
# that hold digits (grafana/oncall's `('auth_token', '0006_googleoauth2token')`)
_NUMBERED_NAME = re.compile(r"^(?:(?:[a-z]+|\d+)(?:_(?:[a-z]+|\d+))+|0\d{3}_[a-z][a-z0-9_]*)$")
# a CSS custom property's value read from another one (`'--code-token': 'var(--syntax-fg)'`),
# or its name (a design token's: flagsmith's stories, `token: '--colorIconStandard'`)
_CSS_VAR = re.compile(r"^(?:var\(\s*--[\w-]+\s*(?:,[^()]*)?\)|--[A-Za-z][\w-]*)$")
# CSS declarations, each ended by `;` (GeSHi's language files style each kind of keyword:
# boo.php's `'pass' => 'color:gray;'`, Boo's `pass` statement)
_CSS_DECLARATIONS = re.compile(r"^(?:[a-z]+(?:-[a-z]+)*:[#\w.%(), -]+;)+$")
# a CSS selector a page object finds a form's field by: an element's id or class of words
# (Sylius' Behat pages, `'password' => '#sylius_customer_registration_user_plainPassword_first'`),
# or a tag and an attribute (`'login_password' => 'input[type=\'password\']'`)
_SELECTOR_WORD = r"(?:[A-Za-z][a-z]+(?:[A-Z][a-z]+)*|[A-Z]{2,3})\d{0,2}"
_CSS_SELECTOR = re.compile(rf"^(?:[a-z]+[1-6]?)?[#.]{_SELECTOR_WORD}(?:[_\-]{_SELECTOR_WORD})+$|"
                           r"^[a-z]+[1-6]?\[[a-z][\w-]*(?:[~|^$*]?=(?:\\?['\"][\w -]*\\?['\"]|[\w-]+))?\]$")
# the property path with an index (above)
_INDEXED_PATH = re.compile(r"^[A-Za-z_]\w*(?:\[-?\d{1,3}\])?(?:\.[A-Za-z_]\w*(?:\[-?\d{1,3}\])?){0,6}$")
# an XML qualified name's namespace prefix, before a name in Pascal case: pysaml2's WS-Security
# fault codes, `['wsse:InvalidSecurityToken', 'wsse:FailedAuthentication', ...]`, read in pairs),
# or in camel case (a tag's key in a namespace: SAM's `'serverlessrepo:applicationId'`), or a
# dotted name, under any name (a translation's key: squidex's `'i18n:users.passwordConfirmValidationMessage'`)
_QNAME_PREFIX = re.compile(r"^[a-z][a-z0-9]{0,15}:(?=[A-Za-z])")
# a Razor page's expression, written into its HTML or script (`'@ViewData["WebChatToken"]'`,
# `@Model.Token`, `@(Configuration["ApiKey"])`): a C# object's name in Pascal case, then a
# member's name or an index at least, which a password starting with `@` is not
_RAZOR_EXPR = re.compile(r"""^@\(?[A-Z][a-z]+(?:[A-Z][a-z]*)*(?:\.[A-Za-z_]+|\[\s*(?:"[^"\n]*"|'[^'\n]*'|\d+)\s*\])+\)?$""")
# a Python requirement, PEP 508's name and version specifiers (`langchain==0.3.28`,
# `openai>=1.0,<2`, `requests[socks]~=2.31`): a tox factor's dependency under a name that only
# reads as secret (`langchain-notiktoken-v0.3.28: langchain==0.3.28`, getsentry/sentry-python)
_PEP440 = r"[0-9]+(?:\.(?:[0-9]+|\*))*(?:[._-]?(?:a|b|c|rc|alpha|beta|pre|preview|post|dev)[0-9]*)*(?:\+[a-z0-9.]+)?"
_REQUIREMENT = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9._,-]+\])?"
                          rf"(?:===?|~=|!=|>=|<=|<|>){_PEP440}(?:,(?:===?|~=|!=|>=|<=|<|>){_PEP440})*$")
# a type written as a string (a forward reference, `authorization: "Optional[str]"`) or a
# generic type (`List[Token]`, TypeScript's `Promise<Credentials>`): its parameters are names
_TYPE_EXPR = re.compile(r"^[A-Za-z_][\w.]*(?:\[[A-Za-z_\"'.][\w.\[\], |\"']*\]|<[A-Za-z_][\w.<>, |\[\]]*>)$")
# an environment variable set to a value (tox's `factor: TESTPATH=tests/integrations/x`, a
# setenv line): the value is that variable's (kept when its name is secret-bearing)
_ENV_ASSIGN = re.compile(r"^(_?[A-Z][A-Z0-9_]{2,})=([^=].*)$")
_ENTRY_POINT = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
# a web framework's route target, controller#action (Rails' "email_confirmations#update")
_ROUTE_TARGET = re.compile(r"^[a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)*#[a-z_][a-z0-9_]*[?!]?$")
# identifiers joined by dots (or Rust's, C++'s and PHP's `::`), then a call's parenthesis
_MEMBER_CALL = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)+\(")
# a whole value that is a function's call on names: a Vue binding's expression (openobserve's
# `<OGlyph :token="iconFor(tab)">`), a template's helper call
_NAME_CALL = re.compile(r"^[a-z_$][\w$]*\((?:[A-Za-z_$][\w$.]*(?:\s*,\s*[A-Za-z_$][\w$.]*)*)?\)$")
# a field's name in an encoding's struct tag, with its options (Go's `json:"name,omitempty"`,
# terrascan's `tfStorageAccountAccessKey = "storage_account_access_key,omitempty"`)
_TAG_OPTIONS = re.compile(r"^[A-Za-z_][\w.-]*(?:,(?:omitempty|omitzero|inline|string|squash|remain|flow))+$")
# a route's handler as a class and its method: Slim's 'OAuth2Controller:authenticate', Laravel's
# 'UserController@index', PHP's callable 'Auth::login' (the class read as words by is_pascal_name)
_HANDLER_REF = re.compile(r"^(?:[A-Z]\w*\\)*([A-Z][A-Za-z0-9]+)(?:::?|@)([a-z][a-z]{2,}(?:[A-Z][a-z]+)*)$")
# mount or build-secret options naming where a secret comes from, not the secret: Docker's
# `--secret id=NAME,src=PATH`, `--mount=type=secret,id=NAME,env=VAR`
_MOUNT_OPTIONS = re.compile(r"^(?:id|src|source|env|type|target|dst|destination)=[^,\s=]*(?:,[a-z]+=[^,\s=]*)*$")
# Earthly's build secret, `--secret <env var>=<secret id>`, as it ends before the value
_SECRET_MOUNT = re.compile(r"--secret[ \t]+[A-Za-z_]\w*=$")
# words joined by hyphens, each capitalised or an upper-case acronym with a version: an HTTP
# header's name (`X-CSRF-Token`, `X-Oss-Security-Token`), optionally behind a lookup source
# (`header:X-CSRF-Token`), or an algorithm's (`AWS4-HMAC-SHA256`), not a value of one
# (after a vendor's `X-` or the browser's `Sec-`, a part may join capitalised words:
# `Sec-WebSocket-Protocol`, jeecgboot's TOKEN_KEY, `X-GitLab-Token`; elsewhere a random
# value may take that shape, hydra's certification log's client secret `VXXN-IucrFts`)
_HEADER_NAME = re.compile(r"^(?:[a-z]+:)?(?:(?:X|Sec)(?:-(?:[A-Z]{1,8}\d{0,3}|(?:[A-Z]{1,4}[a-z]{2,})+)){1,5}|"
                          r"(?:[A-Z]{1,8}\d{0,3}|[A-Z]{1,4}[a-z]{2,})(?:-(?:[A-Z]{1,8}\d{0,3}|[A-Z]{1,4}[a-z]{2,})){1,5})\*?$")
# a cache's or a store's key prefix, lower-case names each ended by a colon, to which the
# program appends an id (jeecgboot's PREFIX_USER_TOKEN_PC = "prefix_user_token:single_login:pc:")
# (or two of them or more whose first is in camel case: mall4j's `ACCESS_TOKEN_KEY =
# "wxMa:access_token:"`, WeChat's mini-program, Ma, and official-account, Mp)
_KEY_PREFIX = re.compile(r"^(?:[a-z][a-z0-9_.-]*:)+$|^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+:(?:[a-z][a-z0-9_.-]*:)+$")
# an Android resource's reference (`app:passwordToggleDrawable="@drawable/password_visibility_selector"`
# in nextcloud/android's layouts; `?attr/...` a theme's attribute, whose type a package's name
# may stand in for: `?[package:][type/]name`, Conversations' `app:passwordToggleTint="?android:textColorSecondary"`)
_ANDROID_RESOURCE = re.compile(r"^[@?](?:\+?[a-z]+:)?(?:\+?id|anim|animator|array|attr|bool|color|dimen|drawable|font|"
                               r"fraction|integer|interpolator|layout|menu|mipmap|navigation|plurals|raw|string|style|"
                               r"transition|xml)/[A-Za-z_][\w.]*$|^\?[a-z]+(?:\.[a-z]+)*:[a-z][A-Za-z_]*\d?$")
# a constant's name under a dotted lower-case namespace, as Android's intent actions are
# written (KeePassDX's `"android.fido.intent.action.HMAC_SECRET_CHALLENGE_RESPONSE"`)
_DOTTED_CONSTANT = re.compile(r"^[a-z][a-z0-9]*(?:\.[a-z][a-z0-9_]*)+\.[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
# a highlighter's scope name, dotted lower-case words where a language's name may be a
# capital and digits (Ace's C highlight rules, vendored in zfile: `token : "support.function.C99.c"`)
_SCOPE_NAME = re.compile(r"^[a-z]{3,}(?:\.(?:[a-z][a-z0-9-]*|[A-Z]{1,4}\d{0,3}|[A-Z][a-z]+\d{0,3})){2,6}$")
# a property's or an error code's dotted name, each part a word, an acronym or words in camel
# case (traefik.frontend.passTLSCert, SDK.UnsupportedCredential), and a Kubernetes
# annotation's or label's key, a DNS prefix and a name (ingress.kubernetes.io/auth-secret).
# Each capital starts a word of two or more letters: random text (an OIDC state
# `e.tKFXdjZADh`, `VXXN-IucrFts`) is not cut into words so.
# (a lower-case run is taken whole, `(?![a-z])`: a run that could be cut into words in many
# ways made a long lower-case value take seconds to reject, exponential in its length)
# A part may end in a capital and one letter after a word (userId, gatewayUi: cline's
# `TOKEN_KEY = "cline.gatewayUi.token"`, the key its web view stores the token under).
# (and a short word in the middle of a name, `PasswordExpiryOnUserEventListener`, as is_pascal_name reads it)
# (a two-letter word may start a part too: D-Bus's `org.freedesktop.Secret.Error.NoSession`)
_WORD_PART = r"(?:[A-Z]?[a-z]{2,}(?![a-z])|[A-Z]{2,6}(?=[A-Z][a-z]|[^A-Za-z]|$)|" \
             r"(?<![A-Z])(?:To|Id|Of|By|At|In|On|Up|Or|As|Is|If|No)(?=[A-Z]))+(?:(?<=[a-z])[A-Z][a-z](?![A-Za-z]))?"
# (a part may be lower-case words joined by `_`: an event's name, passbolt's
# `'PasswordExpiryOnUserEventListener.expire_resources'`)
_DOTTED_PART = rf"{_WORD_PART}(?:_[a-z]{{2,}}(?![a-z]))*"
_DOTTED_NAME = re.compile(rf"^{_DOTTED_PART}(?:\.{_DOTTED_PART}){{1,6}}$")
# an attribute of Microsoft's Active Directory schema, its prefix and a name in Pascal case
# (`msDS-PasswordReversibleEncryptionEnabled` in passbolt's directory sync mapping)
_AD_ATTRIBUTE = re.compile(r"^m[sS](?:DS|-DS|Exch)?-(?:[A-Z][a-z]+|[A-Z]{2,5}(?=[A-Z][a-z]))+$")
# a host's name, three labels or more under an alphabetic top-level domain (RFC 1123's letters,
# digits and hyphens, lower case as written): a Google OAuth client ID
# (`<project number>-<id>.apps.googleusercontent.com`, public: every sign-in URL carries it;
# firebase/quickstart-android's `idToken = "...apps.googleusercontent.com"`), an API gateway's host
_HOST_NAME = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){2,}[a-z]{2,24}$")
# the same words joined by underscores or dots, when they name a secret: a cookie's or a
# field's name (`shopify_customerToken`, `saleor.CSRFToken`, vercel/commerce)
_FIELD_NAME = re.compile(rf"^{_WORD_PART}(?:[_.]{_WORD_PART}){{1,6}}$")
_ANNOTATION_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/[A-Za-z0-9][A-Za-z0-9_.-]*$")
# a PowerShell command (Verb-Noun with one of its approved verbs): `$token = Get-LimitedToken`
_CMDLET = re.compile(r"^(?:Get|Set|New|Remove|Add|Clear|Copy|Move|Rename|Invoke|Start|Stop|Restart|Read|Write|"
                     r"Import|Export|ConvertTo|ConvertFrom|Test|Select|Join|Split|Resolve|Out|Format|Register|"
                     r"Unregister|Enable|Disable|Update|Install|Uninstall|Find|Save|Connect|Disconnect|Protect|"
                     r"Unprotect|Grant|Revoke|Wait|Use|Measure|Compare|Group|Sort|Where|ForEach|Request|Send|"
                     r"Receive|Initialize|Reset|Open|Close|Show|Hide|Push|Pop|Enter|Exit|Assert|Confirm)-[A-Z]\w+$")
# a value encrypted where it stands, safe to commit by the tool's design: Jasypt ENC(...),
# Spring Cloud Config {cipher}, Ansible Vault, HashiCorp Vault transit vault:v1:, SOPS
# ENC[AES256_GCM,data:...,iv:...,tag:...,type:...], Shopify's EJSON EJ[1:key:nonce:box],
# dotenvx encrypted:<base64>, defuse/php-encryption's ciphertext in hex (its VERSION header
# DE F5 02 00, then a 32-byte salt, a 16-byte IV, the message and a 32-byte HMAC: docs/
# CryptoDetails.md; TeamPass' settings.php `DB_PASSWD`; its key's own form starts def00000)
# (and Cloud KMS's ciphertext, base64 of a message whose first field is 36 bytes long, `CiQA`:
# what `gcloud kms encrypt` writes and Cloud Build's `secretEnv` holds, kustomize's releasing/cloudbuild.yaml)
# (and Jenkins' hudson.util.Secret as its config.xml files keep it, `{` base64 `}` of a payload
# whose version byte is 1 and whose IV is 16 bytes long, `{AQAAABAAAAA...}`: encrypted with the
# controller's own master key; rancher's pipeline template's `<apiToken>`)
_ENCRYPTED = re.compile(r"^(?:ENC\(.*\)|\{cipher\}.*|\$ANSIBLE_VAULT.*|vault:v\d+:.*|"
                        r"ENC\[AES256_GCM,data:.*|EJ\[\d+:[A-Za-z0-9+/=]{40,}:.*|encrypted:[A-Za-z0-9+/=]{40,}|"
                        r"CiQA[A-Za-z0-9+/]{60,}={0,2}|def50200[0-9a-f]{160,}|\{AQAAABAAAA[A-Za-z0-9+/]{20,}={0,2}\})$")
# (a quote that ends the program's string, then a variable or a constant joined on, is no
# literal: roundcube's `' IDENTIFIED BY '.$password.$tablespace`)
_SQL = re.compile(r"(?i)\b(?:identified\s+(?:with\s+\S+\s+)?by|(?:login\s+|with\s+)?password)\s*=?\s*"
                  r"(?!['\"]\.\s{0,2}(?:\$|[A-Za-z_]\w{0,63}\s{0,2}\.))"
                  r"(?:'([^'\s]{4,})'|\"([^\"\s]{4,})\"|(?<=by )([^\s;'\"()]{6,}))")
# a row a statement writes whose password column holds a hex digest (MD5 to SHA-512): what a
# user table stores, not the password (shenyu's upgrade script, `UPDATE dashboard_user SET
# password='<127 hex>' WHERE user_name = 'admin'`: a SHA-512 whose leading zero a number's
# hex form dropped, so any length from an MD5's to a SHA-512's)
_SQL_WRITE = re.compile(r"(?i)\bupdate\s+[\w.`\"\[\]]+\s+set\b|\binsert\s+into\b")
_HEX_DIGEST = re.compile(r"^(?:[0-9a-f]{32,128}|[0-9A-F]{32,128})$")
_SQL_STMT = re.compile(r"(?i)\b(?:create|alter)\s+(?:user|login|role)\b|\bset\s+password\b|\bidentified\s+"
                       r"(?:with\s+\S+\s+)?by\s+['\"]")
# (and a bounded repeat among alternatives: sugar.js' date-format tokens, `'f{1,4}|ms|milliseconds'`;
# and two ranges side by side in a class, wherever the class starts: h11's RFC 7230 grammar,
# `token = r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"`, vendored in bazarr)
# (and inline flags, `(?i)` and `(?-i)`, and a bounded repeat of any character, `.{0,20}`: the
# YARA strings of deepfence's secret.yar, `$fb_secret = "(?i)(facebook|fb)(.{0,20})?(?-i)..."`)
_REGEX_VALUE = re.compile(r"\(\?[:=!<P]|\(\?-?[imsxu]{1,4}\)|\.\{\d{1,3},\d{0,3}\}|\\[wdsbWDS]|\[\^|\[[a-z]-[a-z]|\.\*|\.\+|"
                          r"[\w)\]]\{\d{1,3},\d{0,3}\}(?=.*\|)|"
                          r"(?:a-z|A-Z|0-9)(?:a-z|A-Z|0-9)[^\[\]]*\]")
_XML_ELEM = re.compile(r"<([\w:.-]*(?:password|passwd|secret|token|apikey|api[_-]key)[\w.-]*)(?:\s[^>]*)?>([^<\s]{4,})</\1>", re.I)
# a quote beside a `+`: an element's text built in code (`<clientToken>ABC"""+ID+"""</clientToken>`)
_JOINED = re.compile(r"[\"'`]\s*\+|\+\s*[\"'`]")
_DECL = {"define", "global", "set", "setx", "env", "setenv"}
_DEFAULT_CALLS = {"get", "getenv", "fetch", "getProperty", "env", "getOrDefault", "getString", "environ"}
_CODEISH = re.compile(rf"[(\[{{]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$|^(?:{CODE_OBJECTS})\b")
_OPENSSL_PASS = re.compile(r"(?i)\s-pass(?:in|out)?\s+[\"']?pass:([^\s\"']+)")
# a command-line flag (`--db-password X`, `-Password X`, `--superuser-password=X`): kept when its
# name is secret-bearing by the same reading as any other name (secret_name)
_FLAG = re.compile(r"(?i)(?<!\S)(--?[a-z][a-z0-9]*(?:[-_][a-z0-9]+){0,4}(?:[= ]))")
_MYSQL_P = re.compile(r"(?:^|[\s;&|(\"'`])(?:mysql\w*|mariadb\w*|sshpass)\b[^\n]*?\s-p(\S+)")
# command-line tools whose one-letter flag takes the password, as their manuals document it:
# redis-cli -a, sqlcmd/bcp -P, the OpenLDAP clients -w, the MongoDB shell and tools -p, zip/unzip
# -P, 7-Zip -p<password>, smbclient -U user%password
_TOOL_P = re.compile(r"(?:^|[\s;&|(\"'`])(?:redis-cli\b[^\n]*?\s-a\s+|(?:sqlcmd|bcp)\b[^\n]*?\s-P\s*|"
                     r"ldap(?:search|modify|add|delete|passwd|whoami|compare|exop)\b[^\n]*?\s-w\s+|"
                     r"mongo(?:sh|dump|restore|export|import|stat|top)?\b[^\n]*?\s-p\s+|(?:un)?zip\b[^\n]*?\s-P\s+|"
                     r"7za?\b[^\n]*?\s-p(?=\S)|smbclient\b[^\n]*?\s-U\s*[^%\s]+%|"
                     # Oracle's clients take user/password@connect_identifier (sqlplus scott/...@orcl)
                     r"(?:sqlplus|sqlldr|expdp|impdp|rman|dgmgrl)\b[^\n]*?\s[\"']?[A-Za-z][\w$#]{0,29}/(?=[^\s@/]+@))"
                     r"([^\s;&|@]+)")
_U_P = re.compile(r"\s-u\s*\S+\s+-p\s*(\S+)")


def _unescaped_dollars(v: str) -> str:
    """A value's `$` as written escaped in a shell, a YAML block run by one or a Compose
    file (`\\$2a\\$10\\$...`, `$$2a$$10$$...`): a crypt hash so written is still a hash."""
    return v.replace("\\$", "$").replace("$$", "$") if "$" in v else v


_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")  # a character escaped in a JSON or JavaScript string
# an e-mail address, whole: curl's `#define CURL_DEFAULT_PASSWORD "curl_by_...@haxx.se"` beside
# `CURL_DEFAULT_USER "anonymous"` (a password with an @ has no domain after it: `Admin@123`)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


# a `$name` or `${...}` that a script's (acme.sh's `kSecret="AWS4$AWS_SECRET_ACCESS_KEY"`,
# `eval v="\\$$name"`) or PHP's double-quoted string expands; not a .env file's, which
# dotenv readers take literally or expand only in braces
_EXPANSION = re.compile(r"(?<!\\)\$(?:[A-Za-z_]|\{)")
# a key that is a variable's expansion and nothing else: its name is the variable's value,
# unknown here (spinnaker's `-Pgradle.publish.secret="${GRADLE_PUBLISH_SECRET}" :project:task`,
# read as a quoted key, a colon and a value)
# (braced: `$password = ...` is PHP's and Perl's variable, named as written)
_EXPANSION_ONLY = re.compile(r"^\$\{[A-Za-z_]\w*\}$")
_BYTE_ESCAPE = re.compile(r"\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}")
# Azure AD B2C names a user flow B2C_1_<name> and a custom policy B2C_1A_<name> (its
# documentation's "B2C_1_signupsignin1"): ms-identity-python-webapp's
# `resetpassword_user_flow = "B2C_1_passwordreset1"`
_B2C_POLICY = re.compile(r"^B2C_1A?_[\w-]{1,80}$")
# one `name=value` setting of a credentials file, several joined by escaped newlines; the
# name is words (a digit or two after each), which a random key with `=` inside does not
# start with (supertokens' test API key `hg40239oirjgBHD9450=Beew123-`)
_SETTING = re.compile(r"^([A-Za-z]{2,}\d{0,2}(?:[_.-][A-Za-z]+\d{0,2}){0,8})=([^=].*)$")


def _settings_hold_a_secret(v: str, word: str) -> bool:
    """False when the value is a file's settings, `name=value` lines joined by `\\n`
    (nginx-proxy-manager's DNS plugins' credentials templates,
    `dns_porkbun_key=your-porkbun-api-key\\ndns_porkbun_secret=your-porkbun-api-secret`),
    or one setting, none of whose values is a secret's (each judged under its own name's
    word, or the whole value's: a template literal's first line, `dns_porkbun_key=your-porkbun-api-key`,
    in the older plugin list). A value that is no such setting is left to the other
    checks."""
    parts = [p for p in v.split("\\n") if p]
    settings = [_SETTING.match(p) for p in parts]
    if not all(settings):
        return True
    return any(value_ok(m[1], m[2], secret_name(m[1]) or word) for m in settings)


_HEX_BYTES = re.compile(r"(?:\\x[0-9A-Fa-f]{2})+")


def _binary_escapes(v: str) -> bool:
    r"""A value written as `\xNN` bytes, most of it, some of them no printable character:
    binary data (a hash, a protocol's field: Responder's `AnsiPasswd` `"\xe3\xa7\x10..."`,
    hashcat's self-test `ST_PASS`), not a password a person types (`"Pass\x21word"` is one)."""
    runs = _HEX_BYTES.findall(v)
    escaped = sum(len(r) for r in runs)
    if escaped * 2 < len(v):
        return False
    return any(not 0x20 <= int(r[i + 2:i + 4], 16) < 0x7f for r in runs for i in range(0, len(r), 4))


def value_ok(key: str, value: str, word: str) -> bool:
    """Does a literal assigned to `key` look like a secret rather than a name, a path, a
    reference or prose?"""
    # (a line break written as an escape ends what a program types: pexpect's
    # `events={'(?i)password': 'secret\\n'}` answers a prompt with "secret")
    v = value.strip()
    end = len(v)
    # (`\n`, `\r\n` or `\\n` in a string's source; `\0`, a C string's terminator: `"NTPASSWORD\0"`)
    while v[end - 2:end] in ("\\n", "\\r", "\\0"):
        end -= 3 if v[end - 3:end - 2] == "\\" else 2
    v = v[:end]
    if not v or len(v) > MAX_VALUE or "\n" in v:
        return False
    if word == "key" and not _random_key(v):
        return False
    pw = password_like(word)
    if len(v) < (6 if pw else 12):  # tokens and keys are long; passwords may be short
        return False
    if ("\\x" in v or "\\u" in v) and len(_BYTE_ESCAPE.sub("x", v)) < (6 if pw else 12):
        # as long in bytes or characters, each `\xNN` or `\uNNNN` one: a protocol's bytes
        # (`listToken = "\x04\x82list"`), an icon font's glyph (gotestsum's `pass: "\ueba4"`)
        return False
    if pw and "\\x" in v and _binary_escapes(v):
        return False  # (a key may be such bytes: Flask's docs' `SECRET_KEY = '?\\xbf,\\xb4...'`, os.urandom's)
    if any(ch.isspace() for ch in v):
        return False  # prose, a command, a list
    if not any(ch.isalnum() for ch in v):
        return False  # no letter or digit: a set of characters (RFC 9110's token specials), a separator
    if _TEMPLATE.search(v) or is_placeholder(v) or _b64_of_stand_in(v) or ("$" in v and _MONARCH_TOKEN.match(v)) \
            or "=$" in v and _QUERY_OF_VARIABLE.match(v) or "&" in v and _QUERY_OF_WORDS.match(v) \
            or "/" in v and _MEDIA_TYPE.match(v) or v.count("|") >= 3 and _alternation(v):
        return False
    if v[:len(key)].lower() == key.lower() and v[len(key):len(key) + 1] in ("-", "_") and \
            v[len(key) + 1:].isdigit() and len(v) - len(key) > 8:
        # the name and a long number: a generated test's stand-in (`accessToken-1938933922`,
        # Google's gapic mocks); a short one is a weak password (`AdminPassword=AdminPassword123`)
        return False
    userinfo = _USERINFO.match(v)
    if userinfo and is_placeholder(userinfo.group(1)):
        return False  # user:password@host whose password is a stand-in (`user:secret@localhost`)
    dsn = "@" in v and _GO_DSN.match(v)
    if dsn and (not dsn.group(1) or is_placeholder(dsn.group(1))):
        return False
    if _FILE_NAME.match(v) or _WEAK.match(v) or "://" in v or _PASS_SOURCE.match(v) or '"' in v and _JSON_KEY_TEXT.match(v):
        # a file's name (`@file.json`: read from the file), a weak word, a URL, where OpenSSL
        # reads it, a JSON key's text
        return False
    if _EMAIL.match(v):
        return False  # an e-mail address: whom to write to, or anonymous FTP's password by convention (RFC 1635)
    if _REL_PATH.match(v) and not (any(c.isupper() for c in v) and any(c.isdigit() for c in v)):
        # (a password with a slash and a dot mixes capitals and digits: `Xk9/aB3qQz.ab12`)
        return False
    if (_ENV_NAME.match(v) or _IDENT.match(v) and not _UUID.match(v)) and not _random_parts(v) or _ENV_NAME_LIST.match(v) or \
            _NAME_PATH.match(v) or _URN.match(v) or _ARN.match(v) or _STORE_REFERENCE.match(v) or "/:" in v and _ROUTE.match(v):
        # an environment variable's or a constant's name, or a list of them, an identifier (a UUID that begins
        # with a letter is no more a name than one that begins with a digit: generic_hits
        # rates both low), a secret store's reference, a route
        return False
    if (_SNAKE_NAME.match(v) or _FIELD_NAME.match(v)) and (not pw or _names_a_secret(v)):
        # a field's name that names a secret (redash's "secret": ["private_key_File"]), or
        # words joined by `_` where a token or a key would be (OCaml's `token = Pp_close_tag`)
        return False
    cut = max(key.rfind(":"), key.rfind("."), key.rfind("/"))
    if cut > 0 and v.startswith(key[:cut + 1]) and _WORDS_TAIL.match(v, cut + 1):
        # a sibling of the name, under the same namespace: a list of ids read as a pair
        # (conjur's cucumber features, `["cucumber:variable:secret1","cucumber:variable:not-a-secret"]`)
        return False
    kw = "".join(name_words(key))
    vw = "".join(name_words(v))
    if vw and (vw == kw or kw.endswith(vw) or vw.endswith(kw) and len(kw) >= 4):
        return False  # the name itself: password="PASSWORD", token: "api_token"
    if vw and kw.startswith(vw) and kw[len(vw):] in ("key", "name", "field", "param", "prop", "attr"):
        return False  # the name of what it holds under: casdoor's `Web3AuthTokenKey = "web3AuthToken"`
    kws = name_words(key)
    if len(vw) >= 12 and len(kws) > 2 and kw.startswith(vw) and kw[len(vw):] == kws[-1]:
        # the name without its last word, in one case (rancher's settings,
        # `migrateHarvesterCloudCredentialExpirationConfig = "migrateharvestercloudcredentialexpiration"`)
        return False
    if len(kws) >= 2 and _NAME_CHAIN.match(v) and name_words(v)[-2:] == kws[-2:]:
        # a field's path that ends in the name's own words (rancher's
        # `awsAccessKey = "amazonec2credentialConfig-accessKey"`)
        return False
    if "%" in v:
        from urllib.parse import unquote
        v2 = unquote(v)
        if v2 != v and re.search(r"[A-Za-z]=\w|;\w+=", v2):
            return False  # an escaped `key=value;` fragment of a connection string
    if (v.isalpha() or not pw and _DIGIT_WORD_NAME.match(v) or "/" in v and _SLASHED_WORDS.match(v)) \
            and word.replace(" ", "") in name_words(v):
        # FooBarBazToken, MyPassword: letters naming what they stand for; under a token's or
        # a key's name a word may hold a digit or two (pac4j's `CSRK_TOKEN = "pac4jCsrfToken"`);
        # a route whose words name it (PublicCMS' menu rows, `('myself_token',
        # 'myself/userTokenList', ...)`)
        return False
    if "%" in v:
        from urllib.parse import unquote
        v2 = unquote(v)
        if len(v2) < 6 or any(ord(c) < 32 or ord(c) == 127 for c in v2):
            return False  # an escaped fragment (URL-parser test data), not a typed secret
    if _REGEX_VALUE.search(v) or re.match(r"^\(\w+\)$", v):
        return False  # a regular expression; a (placeholder)
    if _HEX_NUMBER.match(v) or _ENCRYPTED.match(v) or _HASHED.match(_unescaped_dollars(v)) or _CMDLET.match(v) \
            or v[0] in "($" and _CMDLET.match(v.lstrip("$(").rstrip(")")) or _identity_hash(v):
        # a number written in hex; an encrypted or hashed value; a PowerShell command, or its
        # value in parentheses where a parameter takes one (`-Password (ConvertTo-SecureString ...)`,
        # azure-functions-core-tools' help text)
        return False
    if _RULE_LIST.match(v) or _QUALIFIED_CLASS.match(v) or _SCOPED_NAME.match(v) or _ROUTE_TARGET.match(v) \
            or _MOUNT_OPTIONS.match(v) or _PACKAGE_SPEC.match(v) or _IAM_ACTION.match(v) or _ACTION_REF.match(v) \
            or _STORED_NAME.match(v) or _POLICY_CHECK.match(v) or _TOKEN_LOOKUP.match(v) or _CPE.match(v) or _GITHUB_NODE_ID.match(v) \
            or _ENV_CALL.match(v):
        # validation rules; a namespaced class name; a route's controller#action; mount options; a package;
        # an IAM policy's action; a GitHub Action; a secret store's name for the secret; where a
        # token is looked up; a product's CPE name; a GitHub object's node ID; a call reading the
        # environment; an OpenStack policy's check
        return False
    if not pw and _COLON_NAMES.match(v):
        return False  # a user's, a project's and a role's names, say (a no-auth middleware's token)
    if _HEADER_NAME.match(v) or _DOTTED_NAME.match(v.removeprefix("\\").removeprefix(".")) or _ANNOTATION_KEY.match(v) or \
            _HOST_NAME.match(v) or _AD_ATTRIBUTE.match(v) or _SCOPE_NAME.match(v) or _DOTTED_CONSTANT.match(v) \
            or v[0] in "@?" and _ANDROID_RESOURCE.match(v):
        # a header's, an algorithm's, a property's or an annotation's name (in LiveScript, `\name` is
        # the string "name": awx's `token: \language.support.function`, a highlighter's scope); a host's name;
        # a property's suffix, put after a prefix (nacos' `TLS_TRUST_PWD = ".tls.certPrivateKeyPassword"`);
        # a directory's attribute
        return False
    # (read as written: a JSON or JavaScript string may hold a language's letters as \u escapes,
    # jellyfin's zh-CN.json `"LabelNewPassword": "\u65b0\u5bc6\u7801"`)
    shown = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), v) if "\\u" in v else v
    letters = sum(1 for c in shown if ord(c) > 127 and c.isalpha())
    if letters and (not any(c.isdigit() and c.isascii() for c in shown) or 2 * letters >= len(shown)):
        # words of a natural language (a translation catalogue's API-Schlüsselrolle, or a
        # sentence with a number in it), not a typed key; a password mixing in digits
        # stays one (`Prl23Db#@,비번:Prl23Db#@`)
        return False
    if not v.isascii() and 3 * sum(1 for c in v if "\udc80" <= c <= "\udcff") >= len(v):
        # a third or more of it bytes that are no UTF-8 (kept as surrogate escapes): text in
        # another encoding, GBK's Chinese in xxl-job's message_en.properties
        # (`login_password_lt_5=` and a sentence), not a typed secret
        return False
    if _ENTRY_POINT.match(v) or (v[-1] == ":" and _KEY_PREFIX.match(v)):
        return False  # a plugin's entry point, `package.module:function` (setup.cfg); a key's prefix
    if v.startswith(("/", "./", "~/", "../")) or sum(1 for part in v.split("/") if part) > 3 and "+" not in v \
            and not v.endswith("="):
        # a path (base64 has `+` or padding more often than not); its parts are counted, not
        # its slashes: an STS session token's `//////////` is one gap, not ten folders
        return False
    if lower_name(v) or v[-1] == "/" and lower_name(v[:-1]):
        return False  # a lower-case word or identifier, or a folder so named (`--sftp-ask-password public/`)
    if _NUMBERED_NAME.match(v) or _CSS_VAR.match(v) or _CSS_SELECTOR.match(v) or v[-1] == ";" and _CSS_DECLARATIONS.match(v):
        return False  # a name with a number in it, as _IDENT; another CSS property's value; a selector; a style
    if not pw and (is_pascal_name(v.removesuffix(":")) or "[" in v and _INDEXED_PATH.match(v)
                   or ":" in v and _QNAME_PREFIX.match(v) and (is_pascal_name(v[v.index(":") + 1:])
                                                                or is_camel_name(v[v.index(":") + 1:], 2))
                   or is_camel_name(v) or v[0] == "+" and is_camel_name(v.strip("+="), 2)
                   or v[-1] == ":" and is_camel_name(v[:-1], 2)) \
            or pw and is_camel_name(v, 5) and len(name_words(v)) >= 5:
        # a name, a property path or a qualified name where a token or a key would be (or a
        # marker made of a name, kubevela's `InsertSecretToTag = "+insertSecretTo="`, or a
        # label output is parsed by, spinnaker's `"ManagedImageSharedImageGalleryId: "`, or a
        # camel-case one, uBlock's editor mode `{ token: 'excludedTopDomains:' }`); a
        # method's name of five words or more under a password's (matomo's event hooks,
        # `'Controller.Login.confirmPassword' => 'beforeLoginCheckBruteForce'`)
        return False
    if v[0] in "=@&<" and _SCOPE_BINDING.match(v):
        # an AngularJS directive's scope binding, a sigil and the attribute's name (horizon's
        # `scope: { pw: '=hzPasswordMatch' }`: `=` two-way, `@` text, `&` expression, `<` one-way)
        return False
    if ":" in v and _QNAME_PREFIX.match(v) and _DOTTED_NAME.match(v[v.index(":") + 1:]):
        return False  # a dotted name in a namespace, under a password's name too (a translation's key)
    if v[0] == "@" and _RAZOR_EXPR.match(v):
        return False  # a Razor page's expression: the server writes the value there
    if "," in v and _TAG_OPTIONS.match(v):
        return False  # a struct tag's field name and options
    if "(" in v and (_MEMBER_CALL.match(v, 1 if v[0] == "{" else 0) or _NAME_CALL.match(v[1:] if v[0] == "." else v)):
        # a method's call (`_jsCookie.default.get(\"password\")` in a bundle's eval string,
        # pyo3's `#[args(word_delimiter_token = "String::from(\"|\")")]` in tokenizers), or
        # an f-string's field calling one (`--token {integration.get_bc_api_key()}`); a
        # function's call on names, or a method's written after its dot (gatling's expression
        # language, `val token = ".toJsonValue()"`)
        return False
    handler = _HANDLER_REF.match(v) if ":" in v or "@" in v else None
    if handler and is_pascal_name(handler.group(1)):
        return False  # a route's handler, a class and its method
    if _VERSION.match(v):
        return False  # a version or an image's tag (`rmq-default-credential-updater:1.0.2-debian-11-r14`)
    if _ANALYTICS_ID.match(v):
        return False  # a web analytics property's ID: every page it measures carries it
    if v[:4] == "B2C_" and _B2C_POLICY.match(v):
        return False  # an Azure AD B2C user flow's or custom policy's name
    if _OBJECT_REF.match(v):
        return False  # a Kubernetes object's namespace/name (`auth-secret: "default/ca-secret"`)
    if _REQUIREMENT.match(v) or _TYPE_EXPR.match(v):
        return False  # a package and its version; a type
    env = _ENV_ASSIGN.match(v)
    if env:
        inner = secret_name(env.group(1))
        if not inner or not value_ok(env.group(1), env.group(2), inner):
            # another variable's setting; or a secret's, to a value no secret is (koel's
            # `"JWT_SECRET=$key"`, the line a command writes into .env)
            return False
    elif "=" in v and not _settings_hold_a_secret(v, word):
        return False
    if v.isdigit() and len(v) < 12:
        return False  # a port, a number, a PIN-length code
    classes = sum((any(c.islower() for c in v), any(c.isupper() for c in v), any(c.isdigit() for c in v),
                   any(not c.isalnum() for c in v)))
    ent = shannon_entropy(v)
    if pw:
        # a password: short values count when they mix kinds of characters
        return classes >= 2 and ent >= 2.5
    return ent >= MIN_ENTROPY and classes >= 2 or ent >= 3.5


def _confidence(value: str, word: str, kind: str, doc: bool, test: bool, comment: bool) -> str:
    if doc or test or comment or word == "key":
        return "low"  # (a name ending in `key` only: a service's, or a map's whose value is random)
    if kind == DOC:
        return "low"
    classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value),
                   any(c.isdigit() for c in value), any(not c.isalnum() for c in value)))
    if len(value) >= 12 and shannon_entropy(value) >= 3.3 and classes >= 3:
        return "medium"
    if len(value) >= 20 and shannon_entropy(value) >= 3.8:
        return "medium"
    return "low"


def _expr_end(toks: list[Tok], j: int, stop_ops: set[str]) -> int:
    """Index one past the value expression starting at toks[j]: up to `,` `;` or a closing
    bracket at depth 0, a comment, or the end of the line."""
    depth = 0
    k = j
    while k < len(toks):
        t = toks[k]
        if t.kind == COMMENT:
            break
        if t.kind == OP:
            if t.text in "([{":
                depth += 1
            elif t.text in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and t.text in stop_ops:
                break
        k += 1
    return k


def _value_of(toks: list[Tok], j: int, lang: str, bare_ok: bool, line: str):
    """(literal value, start column, how) of the expression at toks[j], or None when it is
    code (a name, an attribute, a call, a type, an expression) or a reference."""
    stops = {",", ";", ":"} if lang not in ("yaml", "text", "ini", "sh") else {";"} if lang == "sh" else set()
    end = _expr_end(toks, j, stops)
    val = toks[j:end]
    while len(val) > 1 and val[-1].kind == OP and val[-1].text in (",", ";"):
        val = val[:-1]  # `"key": "value",` in prose and JSON
    if lang in ("text", "sh") and len(val) > 1 and val[-1].text == "\\" and not line[val[-1].end:].strip():
        # a command the next line continues (`curl -d access_token=... \` in a README): the
        # backslash ends the line, not the value
        val = val[:-1]
        end -= 1
    if not val:
        return None
    first = val[0]
    if first.kind == STR:
        # one literal, or literals glued by implicit concatenation; `+` joins are fragments
        if all(t.kind == STR for t in val):
            if any(t.quote.startswith("f") or t.quote == "`" and lang == "js" for t in val) and \
                    any("{" in t.body for t in val):
                return None  # an f-string or template literal with placeholders
            return "".join(t.body for t in val), first.start, "literal"
        if lang == "py" and len(val) >= 2 and val[1].kind == OP and val[1].text == "%":
            return None  # "..." % args: a format
        if len(val) >= 2 and val[1].kind == OP and val[1].text == ".":
            return None  # "...".format(), "...".encode(): an expression on a literal
        if len(val) >= 2 and val[1].kind == OP and val[1].text in ("or", "||", "?", "??"):
            return None
        if lang == "text" and len(val) >= 2 and val[1].kind == OP and val[1].text in (",", ";"):
            return first.body, first.start, "literal"  # `password: "...", // note`: the literal ends at the comma
        if len(val) >= 3 and val[1].kind == NAME and val[2].kind == OP and val[2].text in ("=", ":"):
            # the next pair starts without a comma: `password="..." host="..."` (shell and
            # prose pairs, attributes, or a slip in code): the literal was the whole value
            return first.body, first.start, "literal"
        if lang in ("yaml", "text", "ini") and len(val) >= 2:
            return None
        if len(val) == 2 and val[1].kind == OP and val[1].text == "{" and lang in ("go", "c"):
            # the block a comparison opens: Go's and Rust's `if password == "..." {`
            return first.body, first.start, "literal"
        if len(val) >= 2 and val[1].kind == OP and val[1].text == "+":
            return None  # "abc" + x: a fragment of a concatenation
        if val[-1].kind == OP and val[-1].text in (",", ";"):
            return None
        return None
    if not bare_ok:
        return None
    # a bare value in configuration: the text up to a comment or the end (YAML/INI), or one
    # word (shell, prose)
    if first.kind == OP and first.text in ("$", "%", "@", "&", "*", "|", ">", "<", "[", "{", "(", "`", "-"):
        return None
    if first.kind == OP and first.text == "!" and lang == "yaml":
        return None  # a YAML tag (!vault, !Ref)
    if first.kind == NAME and first.text.startswith("$"):
        return None
    s = first.start
    if lang in ("yaml", "ini") and not (j >= 2 and line[toks[j - 2].start - 1:toks[j - 2].start] in ("?", "&")):
        e = val[-1].end
    else:
        # (a name after a URL's `?` or `&` is a query's parameter, in YAML too: its value ends
        # at the next `&`, supabase's vector config `...logs?api_key=logflare_api_key&source=...`)
        e = s
        while e < len(line) and not line[e].isspace() and line[e] not in ";&|\"'`":
            e += 1
    text = line[s:e].rstrip(",")
    nxt = _NEXT_ARG.search(text) if "=" in text else None
    if nxt and nxt.start() == text.find(","):  # (at the first comma: not inside a list of pairs)
        text = text[:nxt.start()]  # `sql_pass = MYSQL_PASS,sql_db=MYSQL_NAME`: the next argument starts
    if lang in ("text", "sh"):
        text = text.rstrip(",;:)]}>")
    shell_word = lang == "sh" and s >= 2 and line[s - 1] == "=" and not line[s - 2].isspace()
    if _CODEISH.search(text) or (lang in ("text", "sh") and end - j > 1 and not _one_word(val, line)
                                 and not _NEXT_PAIR.match(line, e) and not shell_word):
        return None  # a call, an index, an attribute, an expression: code, also in prose
    return text, s, "bare"


# a comma, then the next keyword argument of a call or pair of a list (kitsune's Sphinx config),
# or Helm's next dotted value (`--set auth.rootPassword=...,auth.database=app`)
_NEXT_ARG = re.compile(r",[A-Za-z_][\w.]{0,30}=")
# after a bare word in prose, the next `label: value` or `label=value` of a line of several pairs
# (`password:... username:master`, `PW:... ID:...`): the word was the whole value
_NEXT_PAIR = re.compile(r"[ \t]*[,;]?[ \t]+[^\W\d][\w.\-]{0,30}[ \t]*[:=]")  # (Unicode letters)


def _one_word(val: list[Tok], line: str) -> bool:
    """The tokens touch each other: one bare word like `Zx9#mQ2pLk1`, not `a + b`."""
    return all(a.end == b.start for a, b in zip(val, val[1:])) or val[0].start + len(line[val[0].start:].split()[0]) >= val[-1].end


def _default_literal(toks: list[Tok], j: int):
    """A hard-coded fallback in code: `getenv("X", "literal")`, `env.get("X") or "literal"`,
    `process.env.X || "literal"`: the literal is what runs when the variable is unset."""
    end = _expr_end(toks, j, {",", ";"})
    val = toks[j:end]
    if len(val) < 3:
        return None
    last = val[-1]
    if last.kind == STR and val[-2].kind == OP and val[-2].text in ("or", "||", "??", "?:") or \
            last.kind == STR and val[-2].kind == NAME and val[-2].text == "or":
        return last.body, last.start, "literal"
    # name(...)(..., "literal") with the call's name a lookup with a default
    for a, t in enumerate(val):
        if t.kind == OP and t.text == "(" and a > 0 and val[a - 1].kind == NAME and val[a - 1].text in _DEFAULT_CALLS:
            depth, args, cur = 0, [], []
            for u in val[a + 1:]:
                if u.kind == OP and u.text in "([{":
                    depth += 1
                elif u.kind == OP and u.text in ")]}":
                    if depth == 0:
                        args.append(cur)
                        break
                    depth -= 1
                elif u.kind == OP and u.text == "," and depth == 0:
                    args.append(cur)
                    cur = []
                    continue
                cur.append(u)
            if len(args) >= 2 and len(args[-1]) == 1 and args[-1][0].kind == STR:
                return args[-1][0].body, args[-1][0].start, "literal"
            return None
    return None


# (line, language, bare_ok) -> what _find_assignments finds in the line's own tokens, for
# 200,000 characters of lines: a new line is read the same two ways by docstring_may_matter
# and by generic_hits out of and in a docstring
_ASSIGNED = BoundedMemo(200_000)


def _assignments(line: str, lang: str, bare_ok: bool) -> list:
    """_find_assignments(lex(line, lang), lang, bare_ok, line), remembered; a new list
    each time (the caller adds to it)."""
    key = (line, lang, bare_ok)
    got = _ASSIGNED.get(key)
    if got is None:
        got = _ASSIGNED.keep(key, tuple(_find_assignments(lex(line, lang), lang, bare_ok, line)), len(line) + 1)
    return list(got)


def _find_assignments(toks: list[Tok], lang: str, bare_ok: bool, line: str):
    """(key, value, column, how) for each key whose value is a literal."""
    out = []
    n = len(toks)
    # where a YAML line's value starts (once per line: a long value of paths stays linear)
    first_colon = next((k for k, x in enumerate(toks) if x.kind == OP and x.text == ":"), n) if lang == "yaml" else n
    for i, t in enumerate(toks):
        if t.kind == COMMENT:
            break
        if t.kind == NAME and t.text in _GRADLE_FIELDS:
            got = _gradle_field(toks, i)
            if got:
                out.append(got)
            continue
        if lang == "yaml" and t.kind == NAME and i > 1 and toks[i - 1].text == "/" and toks[i - 1].end == t.start \
                and first_colon < i - 1:
            # in a YAML value, a path's or an image's part, not a key (`image:
            # docker.io/bitnami/rmq-default-credential-updater:1.0.2`); an annotation's key
            # before the value (`nginx.ingress.kubernetes.io/auth-secret:`) is one; prose
            # pairs (`ID:master/PW:...`) are read as text
            continue
        if t.kind == NAME and lang == "go" and i > 0 and toks[i - 1].kind == NAME and \
                toks[i - 1].text not in _GO_KEYWORDS and toks[i - 1].end < t.start and \
                (i == 1 or toks[i - 2].text in _GO_DECL):
            # Go declares `name Type = value`: the second name is the type (portainer's
            # `OperationK8sAccessNamespaceRead Authorization = "K8sAccessNamespaceRead"`)
            continue
        if t.kind == NAME:
            key = t.text
            if lang == "yaml" and i > 1 and toks[i - 1].text == "/" and toks[i - 1].end == t.start \
                    and toks[i - 2].end == toks[i - 1].start:
                key = line[toks[i - 2].start:t.end]  # an annotation's whole key: `checksum/secret`
        elif t.kind == STR and t.body and len(t.body) <= 64 and i + 1 < n and toks[i + 1].kind == OP and \
                toks[i + 1].text in (":", "=>", "=", ",") and not (i > 0 and toks[i - 1].text == "?" and lang != "yaml"):
            # "password": "...", 'password' => '...'; not a conditional's two strings (payload's
            # `t(showPassword ? 'fields:hidePassword' : 'fields:showPassword')`)
            key = t.body
            if "$" in key and not _ONE_EXPANSION.match(key):
                continue  # a string built of expansions, compared: libtool's `test "$linkmode,$pass" = "prog,scan"`
        else:
            continue
        word = secret_name(key)
        if not word and lang == "text" and t.kind == NAME and i > 0 and toks[i - 1].kind == NAME and \
                toks[i - 1].end + 1 == t.start and key.lower() in _PROSE_NOUNS:
            # prose keys of two words ending in a noun for a secret: "Secret Key:", "Access key:";
            # not a verb and its object ("you can pass to :meth:")
            word = secret_name(toks[i - 1].text + "_" + key)
        if not word:
            continue
        j = i + 1
        if key.startswith("$") and j < n and toks[j].kind == OP and toks[j].text == ":=":
            continue  # a Go template's (Helm's) variable: `{{- $pwd := .Values.auth.password }}`
        if j < n and toks[j].kind == STR and i > 0 and toks[i - 1].kind == NAME and not key.startswith("$") and \
                toks[i - 1].text.lower() in _DECL and (j + 1 >= n or toks[j + 1].kind in (OP, COMMENT)):
            # #define PASSWORD "...", %global PASSWORD "...", SET password "...", ENV PASSWORD "..."
            # (not Helm's `set $credentials "subscriptionId" ...`, a map's key)
            out.append((key, toks[j].body, toks[j], "literal", word))
            continue
        if j < n and toks[j].kind == STR and i == 0 and lang in ("js", "rb", "text") and \
                (j + 1 >= n or toks[j + 1].kind == COMMENT) and not toks[j].quote.startswith("f"):
            # a method called without parentheses, the whole statement: Gradle/Groovy
            # `password "..."` in a credentials { } block, Ruby `password 'x'`
            out.append((key, toks[j].body, toks[j], "literal", word))
            continue
        if j < n and toks[j].kind in (NAME, NUM) and i > 0 and toks[i - 1].kind == NAME and \
                (toks[i - 1].text in ("ENV", "env", "setenv") or
                 toks[i - 1].text in ("define", "global") and i > 1 and toks[i - 2].text == "%") and bare_ok:
            # Dockerfile `ENV PASSWORD value`; an RPM spec's macro `%define token value`
            got = _value_of(toks, j, "sh", True, line)
            if got:
                out.append((key, got[0], Tok(WORD, got[0], got[1], got[1] + len(got[0])), "bare", word))
            continue
        if lang == "go" and j + 1 < n and toks[j].kind == NAME and toks[j + 1].text == "=" and \
                toks[j].start > t.end and (i == 0 or toks[i - 1].text in _GO_DECL):
            j += 1  # `var apiToken string = "..."`: the value after the type
        if j >= n:
            continue
        op = toks[j]
        if op.kind == OP and op.text == ")" and i > 0 and toks[i - 1].text == "(":
            continue
        if op.kind == OP and op.text in (".", "[", "->", "::"):
            continue  # password.strip(), token[0], self.token->x: an access, not a key
        if op.kind == OP and op.text == "(":
            # a setter with one literal: setPassword("..."), withToken('...'), .password("...")
            ws = name_words(key)
            if (ws and ws[0] in ("set", "with", "put")) or key.lower() == word and password_like(word):
                if j + 2 < n and toks[j + 1].kind == STR and toks[j + 2].text == ")":
                    out.append((key, toks[j + 1].body, toks[j + 1], "setter", word))
            continue
        if op.kind == OP and op.text == "," and t.kind == STR and i > 0 and toks[i - 1].text in ("(", "["):
            # ("password", "...") pairs: a tuple, a header, a form field
            tail = (name_words(key) or [""])[-1]
            if secret_name(tail) and _PAIR_NAME.match(key) and j + 1 < n and toks[j + 1].kind == STR and \
                    (j + 2 >= n or toks[j + 2].text in (")", "]", ",")):
                out.append((key, toks[j + 1].body, toks[j + 1], "pair", word))
            continue
        if not (op.kind == OP and op.text in _ASSIGN_OPS):
            continue
        k = j + 1
        if k >= n:
            continue
        if op.text == ":" and lang not in ("yaml", "ini") and toks[k].kind == NAME:
            # an annotation: `password: str = "..."` takes the value after `=`; without one,
            # `password: Optional[str]` is a type (an object literal's `key: name` is code too).
            # A key in quotes takes no annotation: listmonk's Vue input, `type="password"
            # :disabled="!data[...]"`, binds an attribute after the string
            if t.kind == STR:
                continue
            e = k
            while e < n and not (toks[e].kind == OP and toks[e].text in ("=", ",", ";", ")")):
                e += 1
            if e < n and toks[e].text == "=" and e + 1 < n and toks[e + 1].kind == STR:
                k = e + 1
            elif lang in ("py", "js", "c", "go", "php", "rb"):
                continue
        got = _value_of(toks, k, lang, bare_ok, line)
        if got is None:
            got = _default_literal(toks, k)
        if got is None:
            continue
        value, col, how = got
        if how == "bare" and line[max(0, t.start - 2):t.start] == "//" and "@" not in line[col:col + len(value) + 1]:
            # a URL's host and port (nginx's `proxy_pass SCHEME://UPSTREAM_HOST:UPSTREAM_PORT/`);
            # a user and a password before `@` are still read
            continue
        tok = toks[k]
        if how == "bare" and i >= 2 and toks[i - 1].kind == OP and toks[i - 1].text in ("/", "|") and \
                toks[i - 2].kind == NAME and toks[i - 2].text.lower() in _ID_WORDS and \
                value.count(toks[i - 1].text) == 1 and not is_placeholder(value):
            # a user and a password under one label, joined the way the label joins them:
            # `ID/PW: master/s3cret`, `user/pass: bob/...`: the secret is the second part
            sep = toks[i - 1].text
            user, _, pw = value.partition(sep)
            if user and pw:
                col += len(user) + 1
                value = pw
        out.append((key, value, tok if how == "literal" else Tok(WORD, value, col, col + len(value)), how, word))
    return out


# a pair's first string names the second: a header's, a field's or a variable's name, a
# configuration's path (.NET's "config:client:secret"), a form field's selector (puppeteer's
# `page.type('#password', ...)`); not code, a route, an alias, an expansion or a pattern
# (pylint's `("def f() -> 'MyType': pass", "'MyType'")`, cypress' `'/credentials'`, `'@credentials'`)
_PAIR_NAME = re.compile(r"^[^()$@/*?&\\'{}<]+$")
_ONE_EXPANSION = re.compile(r"^\$(?:\w+|\{\w+\})$")

_ZOOM_JOIN = re.compile(r"\bzoom\.(?:us|com)/(?:j|w|s|my|wc/join)/[\w.-]+\?(?:[^\s\"'<>`]*&)?pwd=$")

_ID_WORDS = {"id", "user", "username", "login", "account", "name", "uid", "userid", "아이디", "계정", "用户名", "账号"}

# Android's Gradle build: `buildConfigField "String", "API_KEY", "\"...\""` compiles a constant
# into the app (BuildConfig.API_KEY), `resValue "string", "api_token", "..."` a resource:
# (type, name, value), in Groovy without parentheses or in Kotlin with them
_GRADLE_FIELDS = {"buildConfigField", "resValue"}


def _gradle_field(toks: list[Tok], i: int):
    """(name, value, where, how, word) of the Gradle field declared from toks[i] on, when
    its name says secret and its value is a literal; a String field's value is written as
    Java source, in escaped quotes, which are not the value's."""
    args, k = [], i + 1
    if k < len(toks) and toks[k].text == "(":
        k += 1
    while k < len(toks) and len(args) < 3 and toks[k].kind == STR:
        args.append(toks[k])
        k += 1
        if len(args) < 3:
            if not (k < len(toks) and toks[k].text == ","):
                return None
            k += 1
    if len(args) < 3 or not args[1].body or not args[2].body:
        return None
    word = secret_name(args[1].body)
    if not word:
        return None
    body, v = args[2].body, args[2]
    for q in ('\\"', '"', "\\'"):
        if len(body) > 2 * len(q) and body.startswith(q) and body.endswith(q):
            body = body[len(q):-len(q)]
            break
    start = v.start + v.text.find(body)
    return args[1].body, body, Tok(WORD, body, start, start + len(body)), "literal", word


_PROSE_NOUNS = {"key", "token", "secret", "code", "phrase", "passphrase", "password"}


def _strings_as_config(toks: list[Tok]):
    """A quoted literal that is itself a connection string or a command line."""
    out = []
    for t in toks:
        if t.kind != STR or len(t.body) < 10:
            continue
        body = t.body
        off = t.start + (len(t.text) - len(body) - (1 if t.text.endswith(t.quote[-1:]) else 0))
        for m in _CONN_KEY.finditer(body):
            out.append(("password", m.group(2), off + m.start(2), "connection string", "password"))
        for key, v, col, how, word in _flags(body):
            out.append((key, v, off + col, how, word))
        if '\\"' in body:
            out += _escaped_json(body, off)
    return out


def _escaped_json(body: str, off: int) -> list:
    """The pairs of a JSON document written inside a string, its quotes escaped (`"{\\"password\\":
    \\"...\\"}"` in a Java or C# test, a curl -d payload in a script): the body unescaped is read
    as code, each value's column mapped back to the line (`off`: where the body starts)."""
    text: list[str] = []
    at: list[int] = []  # the body's index of each character of the unescaped text
    i, n = 0, len(body)
    while i < n:
        j = i
        while j < n and body[j] == "\\":
            j += 1
        if j < n and body[j] == '"':
            i = j  # `\"`, or `\\\"` for JSON inside a string inside JSON: a quote
        elif j > i:
            text.extend(body[i:j])
            at.extend(range(i, j))
            i = j
            continue
        text.append(body[i])
        at.append(i)
        i += 1
    unescaped = "".join(text)
    out = []
    for key, value, where, how, word in _find_assignments(lex(unescaped, "js"), "js", False, unescaped):
        if _EXPANSION.search(value):
            continue  # JSON a script builds around a variable: skaffold's `echo "{\"Secret\":\"TOKEN_$server\"}"`
        col = where.start + (1 if where.kind == STR else 0) if isinstance(where, Tok) else where
        out.append((key, value, off + at[min(col, len(at) - 1)], how, word))
    return out


# every flag below starts a word with `-` (_FLAG's (?<!\S), the others' \s), and Oracle's
# clients' user/password@ has a `/`: a text with neither has none (a log's thousands of
# quoted strings were each searched five times for nothing)
_A_FLAG = re.compile(r"(?:^|\s)-")


def _flags(text: str):
    out = []
    dash = _A_FLAG.search(text) is not None
    if not dash and "/" not in text:
        return out
    for m in _FLAG.finditer(text) if dash else ():
        s = m.end(1)
        e = s
        q = text[s] if s < len(text) and text[s] in "\"'" else ""
        if q:
            s += 1
            e = text.find(q, s)
            e = len(text) if e < 0 else e
        else:
            while e < len(text) and not text[e].isspace() and text[e] not in ";&|\"'`)":
                e += 1
        flag = m.group(1).strip("-= ")
        word = secret_name(flag)
        if not word or text.startswith(("-", "<"), s):
            continue  # not a secret's flag; the next flag, not a value; the shell's input from a file
        if flag.lower() == "secret" and _ENV_ASSIGN.match(text[s:e]):
            continue  # a build secret's mount: Earthly's `RUN --secret GIT_PASSWORD=+secrets/TOKEN` names both
        out.append((flag, text[s:e], s, "flag", word))
    for rx in (_MYSQL_P, _U_P, _OPENSSL_PASS, _TOOL_P) if dash else (_TOOL_P,):
        for m in rx.finditer(text):
            raw = m.group(1)
            # `-p="$DOCKER_PASSWORD";`: the value, without the `=` and the shell's quotes and `;`
            lead = len(raw) - len(raw.lstrip("=\"'"))
            if raw.startswith("-") and text[m.start(1) - 1].isspace():
                continue  # `mysql -u root -p --execute=...`: -p alone asks for it; the next flag follows
            out.append(("-p", raw[lead:].rstrip(";").strip("\"'"), m.start(1) + lead, "flag", "password"))
    return out


# .NET configuration's appSettings entry: <add key="ApiSecret" value="..." />
_XML_ADD = re.compile(r"""<add\s+key\s*=\s*["']([^"'<>]{1,64})["']\s+value\s*=\s*["']([^"'<>]{1,256})["']""", re.I)
# a user and a password given together, in the order the library documents: requests'
# HTTPBasicAuth/HTTPDigestAuth and `auth=(user, password)`, aiohttp's BasicAuth, .NET's
# NetworkCredential, Java's PasswordAuthentication and Apache HttpClient's
# UsernamePasswordCredentials, and login(user, password) (smtplib, ftplib, imaplib, jsforce)
_PAIR_CALL = re.compile(r"""(?:\b(?:HTTPBasicAuth|HTTPDigestAuth|HttpBasicAuth|BasicAuth|DigestAuth|"""
                        r"""NetworkCredential|UsernamePasswordCredentials|PasswordAuthentication|login|"""
                        r"""authenticate)\s*\(|\bauth\s*[=:]\s*[(\[])\s*(["'])(?P<user>[^"'\\\n]{1,128})\1\s*,\s*"""
                        r"""(["'])(?P<pw>[^"'\\\n]{1,256})\3\s*(?:\.toCharArray\(\)\s*)?[,)\]]""")


def _repeated_element(line: str, name: str) -> bool:
    """Does the element open three times or more on its line? A configuration sets a
    password or a token once; a run of them is a list of records or a document's words (an
    annotated corpus's `<token pos="NN">` elements, one per word: nltk's BioCreative)."""
    return len(re.findall(rf"<{re.escape(name)}[\s/>]", line, re.I)) >= 3


def _sql_and_xml(line: str):
    """SQL's `IDENTIFIED BY '...'` and `PASSWORD '...'`, an XML element <password>...</password>,
    a .NET <add key="..." value="..."/>, a user and password passed together."""
    out = []
    if "<add" in line.lower():
        for m in _XML_ADD.finditer(line):
            w = secret_name(m.group(1))
            if w:
                out.append((m.group(1), m.group(2), m.start(2), "xml", w))
    if "(" in line or "[" in line:
        for m in _PAIR_CALL.finditer(line):
            if m.group("user").lower() in ("anonymous", "ftp", "guest"):
                continue  # anonymous FTP (RFC 1635): the "password" is an e-mail address by convention
            out.append(("password", m.group("pw"), m.start("pw"), "pair", "password"))
    if _SQL_STMT.search(line):
        for m in _SQL.finditer(line):
            g = next(k for k in (1, 2, 3) if m.group(k))
            out.append(("password", m.group(g), m.start(g), "sql", "password"))
    if "<" in line:
        for m in _XML_ELEM.finditer(line):
            # the element's name is read as any other name: <UserSecretsId> (.NET's user-secrets
            # store id), <PasswordHash>, <tokenEndpoint> name no secret
            w = secret_name(m.group(1).rpartition(":")[2])
            if w and not _JOINED.search(m.group(2)) and not _repeated_element(line, m.group(1)):
                out.append((m.group(1), m.group(2), m.start(2), "xml", w))
    return out


# ---- documentation spans inside code -------------------------------------------------------
_SPANS: list = [None, None]


def _doc_lines(lines: list[str], lang: str) -> LineSpans:
    """Line indices inside a Python triple-quoted string (docstrings and text blocks) or a
    C-style block comment: prose, where assignments are examples. Memoised per text."""
    if _SPANS[0] is lines:
        return _SPANS[1]
    out = doc_line_set("\n".join(lines), lang)
    _SPANS[0], _SPANS[1] = lines, out
    return out


class LineSpans:
    """Line indices in spans (first, last), in order: `i in spans`, found by bisection. A
    set of every line was most of the cost for a file that is mostly comments (lodash.js:
    10,000 lines in 700 comments, for each version with a new candidate line)."""

    def __init__(self) -> None:
        self.firsts: list[int] = []
        self.lasts: list[int] = []

    def __contains__(self, i: int) -> bool:
        k = bisect_right(self.firsts, i) - 1
        return k >= 0 and i <= self.lasts[k]

    def __bool__(self) -> bool:
        return bool(self.firsts)


def doc_line_set(text, lang: str, start: int = 0, end: int | None = None, upto: int | None = None) -> LineSpans:
    """_doc_lines of text[start:end], counted from its first line: `text` a str, or the
    bytes of a UTF-8 content in a buffer (bytes, bytearray), which give the same lines,
    since the delimiters and the newline are ASCII and no byte of a longer character is.
    Only the delimiters are looked at (a `\"\"\"` inside a one-line string or a comment is
    rare), so the cost is a C-level search, not a walk over every string of the file.
    `upto`: only the lines that start before this offset are asked about (the spans that
    open after it are not looked for)."""
    out = LineSpans()
    if lang not in ("py", "js", "c", "go", "php"):
        return out
    end = len(text) if end is None else end
    upto = end if upto is None else min(upto, end)
    q3, q1, op, cl, nl, rx = _DOC_DELIMS[isinstance(text, str)][lang == "py"]
    if (text.find(q3, start, upto) < 0 and text.find(q1, start, upto) < 0) if lang == "py" \
            else text.find(op, start, upto) < 0:
        return out
    spans = _quoted_spans(text, q3, q1, start, end, upto) if lang == "py" \
        else _comment_spans(text, op, cl, start, end, upto)
    if spans is None:
        spans = _spans_by_regex(text, rx, op, cl, start, end, upto)
    pos, line = start, 0  # newlines counted up to pos, so each count covers new ground
    for o, c in spans:
        a = line + text.count(nl, pos, o)
        b = a + text.count(nl, o, c)
        pos, line = c, b
        if b > a:  # a span that starts on the line the last one ended on is still in order
            out.firsts.append(a)
            out.lasts.append(b)
    return out


def _spans_by_regex(text, rx, op, cl, start: int, end: int, upto: int) -> list[tuple[int, int]]:
    """(opening, closing) offsets of each closed span that opens before `upto`, as the
    delimiters' regex meets them left to right: a delimiter that does not open or close
    where it stands is passed over (a comment's closing outside one, an opening inside one,
    a quote of the other kind)."""
    spans = []
    opened = None
    for m in rx.finditer(text, start, end):
        d = m.group(0)
        if opened is None:
            if m.start() >= upto:
                break
            if d != cl:
                opened = (m.start(), cl if d == op else d)
        elif d == opened[1]:
            spans.append((opened[0], m.start()))
            opened = None
    return spans


def _comment_spans(text, op, cl, start: int, end: int, upto: int) -> list[tuple[int, int]] | None:
    """_spans_by_regex for block comments, found with find(). lodash.js (546 kB, 710
    comments over 10,000 lines) took 4.3 ms by the regex and a set of every line, for each
    version of the file with a new candidate line: half of its history scan's CPU; 1.3 ms
    this way. None where a delimiter overlaps the one found (`*/*`, `/*/`): the regex,
    which takes the leftmost one first, decides there."""
    spans = []
    pos = start
    while True:
        o = text.find(op, pos, upto)
        if o < 0:
            return spans
        if o > pos and text[o - 1:o] == cl[:1]:  # `*/*`: the regex may take `*/` first
            return None
        c = text.find(cl, o + 2, end)
        if c < 0:
            return spans  # never closed: no span
        if c > o + 2 and text[c - 1:c] == op[:1]:  # `/*/` inside: the regex may take `/*` first
            return None
        spans.append((o, c))
        pos = c + 2


def _quoted_spans(text, q3, q1, start: int, end: int, upto: int) -> list[tuple[int, int]]:
    """_spans_by_regex for Python's triple quotes, found with find(): the two kinds of
    quote cannot overlap, so the first of either opens and the next of the same closes."""
    spans = []
    pos = start
    n3 = n1 = None  # the next opening of each kind at or after pos, once looked for (-1: none)
    while True:
        if n3 is None or 0 <= n3 < pos:
            n3 = text.find(q3, pos, upto)
        if n1 is None or 0 <= n1 < pos:
            n1 = text.find(q1, pos, upto)
        o = n3 if n1 < 0 or 0 <= n3 < n1 else n1
        if o < 0:
            return spans
        q = q3 if o == n3 else q1
        c = text.find(q, o + 3, end)
        if c < 0:
            return spans
        spans.append((o, c))
        pos = c + 3


def is_doc_line(data, path: str, start: int, end: int, a: int, last: int, memo: list) -> bool:
    """Whether the line that starts at offset `a` of the content data[start:end] (a UTF-8
    buffer, with this path) is one doc_line_set gives: for a block comment, found from the
    delimiters around the line (_block_comment_holds, 5 us on lodash.js); for Python's
    triple quotes, which cannot be told opening from closing but by counting from the top,
    from the spans up to the line that starts at `last` (no line after it is asked about),
    kept in `memo` for the next line. The spans of every comment of each version of
    lodash.js with a new candidate line (546 kB, 700 comments, 1 ms each even found with
    find()) were 1.6 of the 6 CPU-s of lodash's history scan with --jobs 1."""
    lang = _file_lang(path)
    if lang not in ("py", "js", "c", "go", "php"):
        return False
    if lang != "py":
        _, _, op, cl, nl, _ = _DOC_DELIMS[False][False]
        inside = _block_comment_holds(data, op, cl, nl, start, end, a)
        if inside is not None:
            return inside
    if not memo:
        memo.append(doc_line_set(data, lang, start, end, data.find(b"\n", last, end) + 1 or end))
    return data.count(b"\n", start, a) in memo[0]


def _block_comment_holds(text, op, cl, nl, start: int, end: int, a: int) -> bool | None:
    """Whether a block comment over more than one line (doc_line_set's) holds the line that
    starts at `a`: one still open there (the last delimiter before the line opens one) and
    closed later, or one that opens on the line and closes on a later one. A delimiter not
    overlapped by another (`*/*`, `/*/`) is one the left-to-right tiling of doc_line_set
    meets; where one is overlapped, None: that tiling decides."""
    def overlapped(p: int, before) -> bool:  # the delimiter at p may be part of one at p - 1
        return p > start and text[p - 1:p] == before

    star, slash = cl[:1], op[:1]
    eol = text.find(nl, a, end)
    eol = end if eol < 0 else eol
    o = text.rfind(op, start, a)
    c = text.rfind(cl, start, a)
    if (o >= 0 and overlapped(o, star)) or (c >= 0 and overlapped(c, slash)):
        return None
    if o > c:  # open at the line's start: the comment opened at the first opening after c
        first = text.find(op, c + 2 if c >= 0 else start, a)
        if overlapped(first, star):
            return None
        close = text.find(cl, first + 2, end)
        if close >= 0 and overlapped(close, slash):
            return None
        return close >= 0  # never closed: no comment, then or later
    pos = a
    while True:  # a comment that opens on this line and closes on a later one
        o = text.find(op, pos, eol)
        if o < 0:
            return False
        if overlapped(o, star):
            return None
        close = text.find(cl, o + 2, end)
        if close < 0:
            return False
        if overlapped(close, slash):
            return None
        if close > eol:
            return True
        pos = close + 2


_TRIPLE = re.compile(r'"""|\'\'\'')
_BLOCK = re.compile(r"/\*|\*/")
# (is text, is Python) -> the delimiters doc_line_set looks for: Python's triple quotes, or
# a block comment's opening and closing, then the newline and the regex finding them
_DOC_DELIMS = {
    True: {True: ('"""', "\'\'\'", None, None, "\n", _TRIPLE), False: (None, None, "/*", "*/", "\n", _BLOCK)},
    False: {True: (b'"""', b"\'\'\'", None, None, b"\n", re.compile(_TRIPLE.pattern.encode())),
            False: (None, None, b"/*", b"*/", b"\n", re.compile(_BLOCK.pattern.encode()))},
}


# ---- entry point ----------------------------------------------------------------------------
def prepare() -> None:
    """Nothing to import ahead of the first candidate any more (kept for the pipeline)."""


_SHELL_LINE = re.compile(r"^\s*(?:export|set|setx|ENV|ARG|declare|local|readonly)\s+[A-Za-z_]")
# ...but not a declaration of JavaScript or TypeScript (`export const TypedTokenAuthMutation:
# React.ComponentType<`, `declare const token: string`), nor a TypeScript property that is
# `readonly` (VS Code's `readonly onDidChangePassword: Event<ICredentialsChangeEvent>;`)
_JS_DECL = re.compile(r"^\s*(?:(?:export|declare)\s+(?:default|const|let|var|function|class|interface|type|enum|async|"
                      r"abstract|declare|namespace|module)\b|readonly\s+[A-Za-z_$][\w$]*[?!]?\s*:)")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _kind_lang(line: str, path: str) -> tuple[str, str]:
    kind = file_kind(path or "file.txt")
    lang = _lang(path or "file.txt", kind)
    if _SHELL_LINE.match(line) and lang not in ("yaml",) and not (lang == "js" and _JS_DECL.match(line)):
        lang, kind = "sh", SHELL  # `export NAME=...`, Dockerfile `ENV`: shell syntax in any file
    return kind, lang


def _file_lang(path: str) -> str:
    """The language of the whole file (which has docstrings), whatever one line looks like:
    `export TOKEN=...` inside a Python docstring is still in the docstring."""
    path = path or "file.txt"
    return _lang(path, file_kind(path))


# A file a generator wrote says so at its top: Go's `// Code generated ... DO NOT EDIT.`,
# `@generated`, Fern's "This file was auto-generated by Fern from our API Definition", the
# OpenAPI Generator's and protoc's notes. In source code, its literals come from the
# generator's input, an API definition's examples most often (auth0-python's generated
# client: `auth_token: typing.Optional[str] = "zw5Ku6z2..."`): a generic guess there is
# rated low (scanner/confidence.py); a provider's token keeps its rating. Configuration a
# tool generates (a kubeconfig, an .env) holds real values: only source files count.
_GENERATED = re.compile(rb"(?i)\bcode generated\b[^\n]{0,200}\bdo not edit\b|@generated\b|\bauto-?generated\b|"
                        rb"\bgenerated (?:by|from)\b[^\n]{0,80}\b(?:openapi|swagger|protoc|protocol buffer|"
                        rb"fern|stainless|api definition|api spec)")
_SOURCE_EXTS = frozenset(("py", "pyi", "js", "mjs", "cjs", "jsx", "ts", "tsx", "go", "java", "kt", "scala", "cs",
                          "rs", "rb", "php", "swift", "dart", "c", "cc", "cpp", "h", "hpp", "m"))
GENERATED_HEAD = 1024  # bytes of a content looked at for the mark


def is_generated_code(head: bytes, path: str) -> bool:
    """Whether a source file's first GENERATED_HEAD bytes say a generator wrote it."""
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1].lower() in _SOURCE_EXTS and \
        bool(_GENERATED.search(head[:GENERATED_HEAD]))


# Rust keeps its unit tests beside the code, in a module the compiler builds for tests only:
# `#[cfg(test)]` (or `#[cfg(all(test, ...))]`) above `mod tests {` (the Rust Book, "Test
# Organization"). launchbadge/sqlx's src/options/parse.rs tests its URL parser there with
# a Postgres URL of user `username` at `hostname` and a leetspeak "password".
_RUST_CFG_TEST = re.compile(r"^\s*#\[cfg\((?:all\()?test\b")
_RUST_MOD = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{")
_TEST_SPANS: list = [None, None]  # the last lines in_rust_test_module was asked about, and its spans


def _rust_test_spans(lines: list[str]) -> LineSpans:
    """The lines of each `#[cfg(test)]` module, from the attribute to the brace that closes
    the module (braces counted as written: a format string's `{}` pairs up)."""
    if _TEST_SPANS[0] is lines:
        return _TEST_SPANS[1]
    out = LineSpans()
    i, n = 0, len(lines)
    while i < n:
        if "cfg(" in lines[i] and _RUST_CFG_TEST.match(lines[i]):
            j = i + 1  # the module it applies to: past other attributes, comments, blank lines
            while j < n and j - i <= 3 and not _RUST_MOD.match(lines[j]) and \
                    (not lines[j].strip() or lines[j].lstrip().startswith(("#[", "//"))):
                j += 1
            if j < n and j - i <= 3 and _RUST_MOD.match(lines[j]):
                depth, k = 0, j
                while k < n:
                    depth += lines[k].count("{") - lines[k].count("}")
                    if depth <= 0:
                        break  # the module's closing brace (or a module of one line)
                    k += 1
                out.firsts.append(i)
                out.lasts.append(min(k, n - 1))
                i = k
        i += 1
    _TEST_SPANS[0], _TEST_SPANS[1] = lines, out
    return out


def in_rust_test_module(line_no: int, path: str, lines: list[str]) -> bool:
    """Whether line `line_no` (1-based) of a Rust source file sits in a `#[cfg(test)]` module."""
    return bool(path) and path.endswith(".rs") and 0 < line_no <= len(lines) and \
        (line_no - 1) in _rust_test_spans(lines)


def in_doc_block(line_no: int, path: str, lines: list[str]) -> bool:
    """Whether line `line_no` (1-based) sits in a docstring of a language that has them, or
    is a documentation comment written line by line (`///`, `//!`: Rust's, whose examples
    rustdoc runs, C#'s, Swift's, Dart's; Keats/jsonwebtoken's decode_pem example key)."""
    if not 0 < line_no <= len(lines):
        return False
    lang = _file_lang(path)
    if lang in ("c", "js") and lines[line_no - 1].lstrip().startswith(("///", "//!")):
        return True
    return lang in ("py", "js", "c", "go", "php") and (line_no - 1) in _doc_lines(lines, lang)


def docstring_may_matter(line: str, path: str) -> bool:
    """The part of in_docstring that depends on the line and path alone: False when the
    line is not in a docstring whatever file holds it (a language without docstrings, or
    a line that holds no value even when read as prose). A caller may remember it per
    (line, path) and ask in_docstring(..., may_matter=True) only where it is True."""
    if len(line) > 4096 or path.endswith(".json"):
        return False  # (JSON has no comments, so no docstrings: finding none cost a version's lines joined)
    if _file_lang(path) not in ("py", "js", "c", "go", "php"):
        return False
    _, lang = _kind_lang(line, path)
    # only a line that holds a value when read as prose asks where the docstrings are
    return bool(_assignments(line, lang, False) or _assignments(line, "text", True))


def in_docstring(line: str, line_no: int, path: str, lines: list[str] | None,
                 may_matter: bool | None = None) -> bool:
    """Whether line `line_no` (1-based) of `lines` sits in a docstring: the one thing about a
    line's generic hits that depends on the rest of the file. `may_matter`:
    docstring_may_matter(line, path), when the caller knows it already."""
    if lines is None or not 0 < line_no <= len(lines):
        return False
    if not (docstring_may_matter(line, path) if may_matter is None else may_matter):
        return False
    return (line_no - 1) in _doc_lines(lines, _file_lang(path))


_MARKUP = (".xml", ".drawio", ".html", ".htm")
# an element's `value` attribute: the element is a name and a value, as Ant's
# `<filter token="endif_eq_Java13" value="${endif_eq_Java13}"/>` (the token is the name of an
# @endif_eq_Java13@ placeholder) or `<param name="token" value="..."/>`
_VALUE_ATTR = re.compile(r"""\svalue\s*=\s*["']""")


def _names_a_pair(line: str, key: str, col: int) -> bool:
    """The value at col is an attribute `key` of an element that also has a `value`
    attribute: the attribute names the pair, the `value` holds it (rundeck's Ant build's
    filter tokens)."""
    if key.lower() == "value":
        return False
    lt = line.rfind("<", 0, col)
    if lt < 0 or ">" in line[lt:col]:
        return False
    gt = line.find(">", col)
    elem = line[lt:gt if gt >= 0 else len(line)]
    return re.match(r"<[\w:.-]+\s", elem) is not None and _VALUE_ATTR.search(elem) is not None \
        and re.search(r"\s" + re.escape(key) + r"""\s*=\s*["']?$""", line[lt:col]) is not None


def path_class(path: str) -> tuple:
    """All that generic_hits (given its `docstring`) and docstring_may_matter read of a
    path: for any line, two paths of one class get the same answers. A caller remembering
    those answers keys them on (line, class), not (line, path): the same line in another
    file of the same kind is judged once (fastapi's docs hold each code sample in a dozen
    translations). Whatever those functions come to read of a path must be here too."""
    p = path or "file.txt"
    kind = file_kind(p)
    return (bool(path), kind, _lang(p, kind), is_doc_path(path) if path else False,
            is_translation_catalog(path) if path else False, is_test_path(path) if path else False,
            path.endswith(_MARKUP), path.endswith(".json"), path.endswith(".lock"))


# the start of an Amazon Resource Name or a URN, whose parts are joined by colons
_ARN_OR_URN = re.compile(r"\b(?:arn|urn):", re.I)
# where markup resumes after a value read as text: a CDATA section's end, a closing tag
_MARKUP_END = re.compile(r"\]\]>|</")
# `go test -v`'s verdict on a test, in a committed CI log (tekton's release run): `--- PASS:`
# names the test and its time, never a password
_GO_TEST_VERDICT = re.compile(r"(?:^|\s)--- (?:PASS|FAIL|SKIP): Test\S* \(\d+\.\d+s\)\s*$")


def generic_hits(line: str, line_no: int, path: str = "", lines: list[str] | None = None,
                 docstring: bool | None = None) -> list[Hit]:
    """Generic secrets on one line. `docstring` (in_docstring's answer) may be given when
    known; otherwise it is worked out from `lines`."""
    if len(line) > 4096 or "--- " in line and _GO_TEST_VERDICT.search(line):
        return []
    kind, lang = _kind_lang(line, path)
    # a documentation file stays one when a line of it reads as shell (`export TOKEN=...`)
    doc = (is_doc_path(path) or file_kind(path) == DOC) if path else False
    in_doc = in_docstring(line, line_no, path, lines) if docstring is None else docstring
    if in_doc:
        lang = "text"
    bare_ok = kind in (CONFIG, SHELL, DOC) or in_doc
    if kind == DOC or path.endswith(_MARKUP):
        if "&" in line:
            import html
            line = html.unescape(line)
    toks = lex(line, lang)
    comment = bool(toks) and toks[0].kind == COMMENT
    trailing = [] if comment or not toks or toks[-1].kind != COMMENT else [toks[-1]]
    if comment:
        # a commented-out assignment is read as text: `# password = "..."`, `// token: ...`
        body = toks[0].text.lstrip("#/;-! ")
        base = len(line) - len(body)
        toks = [Tok(t.kind, t.text, t.start + base, t.end + base, t.body, t.quote) for t in lex(body, "text")]
        bare_ok = kind != CODE
        line_for_bare = line
    else:
        line_for_bare = line
    comment_values: set[str] = set()
    found = _find_assignments(toks, "text", bare_ok, line_for_bare) if comment else _assignments(line, lang, bare_ok)
    found += _strings_as_config(toks)
    for c in trailing:  # `x = 1  # password: ...`: a comment after code, read as text
        body = c.text.lstrip("#/;-! ")
        base = c.end - len(body)
        ctoks = [Tok(t.kind, t.text, t.start + base, t.end + base, t.body, t.quote) for t in lex(body, "text")]
        for got in _find_assignments(ctoks, "text", kind != CODE, line):
            found.append(got)
            comment_values.add(got[1])
    found += _sql_and_xml(line)
    if kind in (SHELL, DOC, CONFIG) or comment or in_doc:
        found += _flags(line)
    test = is_test_path(path) if path else False
    out: list[Hit] = []
    seen = set()
    for key, value, where, how, word in found:
        col = where.start if isinstance(where, Tok) else where
        if isinstance(where, Tok) and where.kind == STR:
            col = where.start + where.text.find(where.body) if where.body else where.start
        value = value.strip().strip("\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb")  # typographic quotes in prose
        if "]]>" in value or "</" in value:
            # markup ends a value read as text: `pass=1]]></Description>` (an LwM2M model's CDATA)
            value = _MARKUP_END.split(value, 1)[0]
        if not value or value in seen:
            continue
        if "<" in line and _names_a_pair(line, key, col) or key[:1] == "$" and _EXPANSION_ONLY.match(key):
            continue
        if "--secret" in line and _SECRET_MOUNT.search(line, max(0, col - 80), col):
            continue  # Earthly's `RUN --secret GIT_PASSWORD=+secrets/TOKEN` names both, read as an assignment too
        if "$" in value and (kind == SHELL or lang == "php") and isinstance(where, Tok) and where.kind == STR and \
                where.quote == '"' and _EXPANSION.search(value):
            continue  # a double-quoted string that expands a variable: the value is built from it
        if not value_ok(key, value, word):
            continue
        if _NATURAL_WORDS.match(value) and path and is_translation_catalog(path):
            continue  # a translation of the label: a user interface's word in a language
        if _HEX_DIGEST.match(value) and (password_like(word) and _SQL_WRITE.search(line) or path.endswith(".lock")):
            continue  # a stored digest of the password; a lock file's checksum (formbricks' i18n.lock)
        # a UUID under a token's or key's name is an id as often as a credential (a request's,
        # a tenant's): low, but reported, for npm's legacy tokens, Heroku's, Snyk's,
        # Postmark's and OpsGenie's keys, Sauce Labs' access keys and Keycloak's client
        # secrets are UUIDs. In a test it is a fixture's id (saleor's `Checkout(token=...)`)
        an_id = bool(_UUID.match(value)) and not password_like(word)
        if an_id and test:
            continue
        seen.add(value)
        vcol = line.find(value, max(0, col - 2))
        if vcol < 0:
            vcol = line.find(value)
        if vcol < 0:
            continue
        k = vcol - 1 - len(key)
        if k > 0 and line[k - 1] == ":" and line[vcol - 1] == ":" and line.startswith(key, k) and \
                _ARN_OR_URN.search(line, 0, k):
            continue  # a segment of an ARN's or a URN's names, `arn:...:secret:MyDbSecret-a1b2c3`
        if line[vcol - 1:vcol] == "=" and _ZOOM_JOIN.search(line, max(0, vcol - 300), vcol):
            # a Zoom join link's passcode, which Zoom embeds in the invitation for one-click
            # joining: a project's public meeting link (dask's and xarray's developer meetings)
            continue
        ctx = {"confidence": "low" if an_id else _confidence(value, word, kind, doc or in_doc, test,
                                                             comment or value in comment_values),
               "generic_how": how}
        if doc or in_doc or kind == DOC:
            ctx["doc"] = True
        out.append(Hit(RULE_ID, value, line_no, vcol + 1, ctx))
    return out
