"""Evidence read from the content around a hit: the name it is assigned to, the enclosing
section, the host of a URL. Computed once per hit (hits are rare), never per line.

The blast-radius stage (blast.py) turns this evidence into labels; this module only reads.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from detectors.memo import BoundedMemo

# `NAME = "`, `NAME: `, `"name": "`, `name=`, `--name `, `NAME := ` immediately left of the secret
_LEFT_KEY = re.compile(r"""([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:=>|:=|=|:|\s)\s*["'`]?\s*$""")
# a typed declaration: Rust's `NAME: &str = "`, TypeScript's `apiKey: string = '`, Python's
# `password: str = "`, whose name is left of the type (without this the key read was `str`)
_TYPED_KEY = re.compile(r"""([A-Za-z_][A-Za-z0-9_]*)\s*:\s*&?(?:'static\s+)?[A-Za-z_][\w.:]*(?:<[\w\s,<>&']*>)?(?:\[\])?\??"""
                        r"""\s*=\s*["'`]?\s*$""")
# Go's `var token string = "`: the type follows the name
_GO_TYPED_KEY = re.compile(r"""\b(?:var|const)\s+([A-Za-z_]\w*)\s+(?:string|\[\]byte)\s*=\s*["'`]?\s*$""")
_LINE_KEY = re.compile(r"""^\s*(?:export\s+|set\s+|\$env:)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?:=>|:=|=|:)""")
# a section's name is short and holds no comma, parenthesis, brace or `=`: a line that is a
# whole list (`[('Date', '...'), ('Location', 'https://...-production-...')]`, a recorded
# HTTP exchange; `["a", "b"]`) is no header, and its words named the hits below it
_INI_HEADER = re.compile(r"^\s*\[{1,2}\s*([^\],(){}=]{1,120}?)\s*\]{1,2}\s*$")
# a key that opens a block: YAML `name:`, and (fix: JSON and HCL/Python nesting gave no section
# evidence) JSON `"name": {`, HCL/Python `name = {`; a declaration's keyword is not the name's
# (kong's Lua specs, `local expect = {`: "local" named development)
_YAML_PARENT = re.compile(r"^(\s*)(?:-\s+)?(?:(?:export\s+)?(?:local|const|let|var|val|my|our)\s+(?=[\w$]+\s*=))?"
                          r"([A-Za-z0-9_.\-\"' ]+?)\s*(?::\s*[{\[]?|=\s*[{\[])\s*(?:#.*)?$")
_DOC_SEP = re.compile(r"^(?:---|\.\.\.)(?:\s.*)?$")
# the marker's value is the whole value (a closing quote, bracket or comma and a comment may
# follow): `env: prod ? 'PROD' : 'DEV'` (lucia's example app) is code choosing at run time
# (and a framework's own variable for it, upper case, as a dotenv file sets it: a Laravel .env's
# `APP_ENV=local`, NODE_ENV, RAILS_ENV, MIX_ENV, ASPNETCORE_ENVIRONMENT: bagisto's `.env copy` of a
# developer's machine. Not a CI job's `RAILS_ENV: production` (lago-api's linters workflow), the
# mode a throwaway run starts the app in)
_NAMESPACE = re.compile(r"^\s*(namespace|project_id|project|cluster|context|environment|env|stage|"
                        r"[A-Z][A-Z0-9]*_ENV(?:IRONMENT)?(?=\s*=))\s*[:=]\s*[\"']?([A-Za-z0-9_.\-]+)"
                        r"[\"']?\s*[,;)\]}]*\s*(?:(?:#|//).*)?$")
# the comment Django's startproject writes above the settings it generates (its SECRET_KEY
# among them; since 3.1 the key itself says so, `django-insecure-`): a marker of development
# for the file's own values (falcon's bench/dj/, wekan's wekan_py/settings.py)
_DJANGO_DEV = re.compile(r"^# Quick-start (development) settings - unsuitable for production\s*$")
# a comment right above a value that says it must be changed (replaced, overridden, set) in
# production: what the line holds is the development default (meltano's api/config.py,
# `# Change this value in production` above SECRET_KEY)
_CHANGE_FOR_PRODUCTION = re.compile(r"(?i)^\s*(?:#|//|--|;|/?\*)\s*(?!.*\b(?:not|never|don'?t)\b).*\b(?:change|replace|override|set)\b"
                                    r".{0,40}\b(?:in|for|before|on)\b.{0,24}\bproduction\b")
# or that it must be replaced with one's own (AgentGPT's settings.py, `# Make sure you update
# this with your own secret key` above its signing key's default; papercups' compose file,
# `# PUT YOUR OWN SECRET KEYBASE HERE`; docker-swag's DNS plugin defaults, `# Replace with your values`)
_REPLACE_WITH_YOUR_OWN = re.compile(r"(?i)^\s*(?:#|//|--|;|/?\*)\s*(?!.*\b(?:not|never|don'?t)\b).*"
                                    r"\b(?:change|replace|update|override|set|put|use|insert|generate|create)\b.{0,40}?\byour (?:own|values?)\b")
_COMMENT_START = re.compile(r"^\s*(?:#|//|--|;|/?\*)")
_CHANGE_COMMENT_LINES = 3
# words that call a value no secret: `# not a secret`, `// not really secret`, a mapping
# named `not_secret` or `NON_SECRET_DEFAULTS` (gcsfs's installed-app OAuth client, whose
# secret Google's documentation says is not treated as one), or not sensitive (garden's
# `// These keys aren't sensitive` above its analytics keys), but not "not sensitive to"
_NOT_SECRET = re.compile(r"(?i)(?<![A-Za-z])(?:(?:not[\s_-]?(?:a[\s_-]|so[\s_-]?|really[\s_-](?:a[\s_-])?)?|"
                         r"non[\s_-]?|isn'?t\s(?:a\s|really\s(?:a\s)?)?)secret|"
                         r"(?:not|non|isn'?t|aren'?t)[\s_-]?(?:really\s|very\s)?sensitive(?!\s+to\b))(?![A-Za-z])")
# the same words in a name, joined without spaces (Python's `if not secret:` is code)
_NOT_SECRET_NAME = re.compile(r"(?i)(?<![A-Za-z])(?:(?:not[_-]?(?:a[_-]|so[_-]?|really[_-](?:a[_-])?)?|non[_-]?)"
                              r"secret|(?:not|non)[_-]?sensitive)(?![A-Za-z])")
# a test framework's block that describes its case (Ginkgo's and Jest's `When("...")`,
# `it('...')`, RSpec's `context "..."`, Go's `t.Run("...")`) and a test function named for it
# (`def test_rejects_fake_token`), whose words call the value a stand-in: shoutrrr's
# `When("given a valid request with a faked token", ...)` above a Telegram bot token
_TEST_BLOCK = re.compile(r"""^\s*(?:(?:describe|context|when|it|test|specify|scenario|Describe|Context|When|It|"""
                         r"""Specify|Entry|t\.Run|s\.Run)\s*\(?\s*(["'`])(?P<text>[^"'`\n]{0,200})\1|"""
                         r"""(?:async\s+)?(?:def|fn|func)\s+(?P<name>[Tt]est\w*))""")
_FAKE_WORDS = re.compile(r"(?i)(?:^|[^a-z])(fake[ds]?|faked|dummy|bogus|made[ -]up)(?:[^a-z]|$)")
_TEST_LEVELS = 4  # enclosing blocks looked at
# a line comment after a value: what follows it on the line
_TRAILING_COMMENT = re.compile(r"\s(?:#|//|--|/\*)\s?(.*)$")
_URL_HOST = re.compile(r"://(?:[^@/\s\"']*@)?\[?([A-Za-z0-9_.\-]+)")
# a connection string's server (ADO.NET, ODBC, OLE DB `Server=`/`Data Source=`, libpq's
# `host=`): SQL Server's own names for this machine, `(local)`, `.` and `(localdb)\name`, kept
_CONN_HOST = re.compile(r"(?i)(?:^|[;\"'\s,({])(?:server|host|hostname|data source|datasource|address|addr|"
                        r"network address)\s{0,3}=\s{0,3}(?:tcp:)?(\([a-z]+\)(?:\\[\w$-]+)?|\.(?:\\[\w$-]+)?(?=[;,\"'\s]|$)|"
                        r"\[[0-9a-f:]+\]|[A-Za-z0-9_.\-]+)")
# an HTTP message's Host header (`Host: api.acme.io`, `> Host: ...` in curl -v output): the
# host its Authorization header is sent to
_HOST_HEADER = re.compile(r"^\s*(?:[>|]\s*)?host:\s*([A-Za-z0-9_.\-]+)(?::\d+)?\s*$", re.I)
_HEADER_BLOCK = 20  # lines of a request's header block read for its Host
# a request line: `POST /revoke HTTP/1.1`, or a target that is a whole URL with or without the
# version (the absolute form, and the request files of VS Code's REST Client and JetBrains'
# HTTP Client: `POST http://localhost:3002/v0/scrape`)
_REQUEST_LINE = re.compile(r"^\s*(?:[>|]\s*)?[A-Z]{3,7} (?:\S+ HTTP/\d(?:\.\d)?|https?://\S+)\s*$")
_ABSOLUTE_TARGET = re.compile(r"^\s*(?:[>|]\s*)?[A-Z]{3,7} https?://(?:[^@/\s]*@)?\[?([A-Za-z0-9_.\-]+)")
# a credential's own header line in an HTTP message: only there is a Host read (a YAML
# `host:` key of a sibling block is not the host of a `password:` below it)
_AUTH_HEADER = re.compile(r"^\s*(?:[>|]\s*)?(?:proxy-)?(?:authorization|x-[a-z0-9-]+)\s*:", re.I)
_MAX_UP = 400  # lines to look upward for a section
# a key and a host name as its value, on a line of its own: `host: localhost`, `"host":
# "db"`, `DB_HOST=127.0.0.1`, `server = sql.internal`
_HOST_KEY = re.compile(r"""^\s*(?:export\s+)?["']?((?:[A-Za-z_][A-Za-z0-9_.\-]*?)?)[_.\-]?(host|hostname|server)["']?\s*"""
                       r"""(?:=>|:=|=|:)\s*["']?([A-Za-z0-9_.\-]+|\[[0-9a-fA-F:]+\])["']?\s*,?\s*$""", re.I)
# a key and a connection's URL as its value (Spring's `spring.datasource.url=jdbc:mysql://
# localhost:3306/shop` above `spring.datasource.password=...`, Keycloak's adapter's
# `keycloak.auth-server-url=http://localhost:8180/auth` above its client's secret): a URL is a
# connection's when its scheme is a database's or a broker's, or its key names the server.
# Not any URL: an OAuth client's `redirect-uri=http://localhost:8080/...` beside its secret is
# where the provider sends the user back, not where the secret is used
# (its host is read as a URL's on the hit's own line is: _URL_HOST)
_URL_KEY = re.compile(r"""^\s*(?:export\s+)?["']?(?P<key>(?P<prefix>[A-Za-z_][A-Za-z0-9_.\-]*?)?[_.\-]?(?:url|uri))["']?"""
                      r"""\s*(?:=>|:=|=|:)\s*["']?(?:jdbc:)?(?P<scheme>[a-z][a-z0-9+.\-]*)://[^\s"']*["']?\s*,?\s*$""", re.I)
_CONNECTION_SCHEMES = {"postgres", "postgresql", "mysql", "mariadb", "sqlserver", "mssql", "oracle", "db2", "h2",
                       "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "ldap", "ldaps", "cassandra",
                       "neo4j", "bolt", "clickhouse", "couchbase", "nats", "kafka", "memcached", "elasticsearch"}
# the other keys of a connection's block: with a bare `host` beside them, the block is one
# connection, and its password is for that host
_CONNECTION_KEYS = {"user", "username", "user_name", "login", "database", "db", "dbname", "db_name", "port", "schema"}
_SIBLINGS = 12  # lines read up and down a block for a connection's host
# a Phoenix Endpoint's URL, in Elixir's keyword list (`url: [host: "localhost"]`, as `mix
# phx.new` writes config/config.exs): the host the endpoint serves, whose secret_key_base
# signs that endpoint's cookies
_ENDPOINT_URL = re.compile(r'^\s*url:\s*\[\s*host:\s*"([A-Za-z0-9_.\-]+)"')
# a YAML block that holds only the credentials of an endpoint its parent names (Prometheus'
# and Grafana Agent's `remote_write: - url: ...` with `basic_auth:`, Alertmanager's
# `http_config:`, Vector's `auth:`, an OpenTelemetry exporter's `headers:`): its opener
_AUTH_BLOCK = re.compile(r"""^\s*(?:-\s+)?["']?(?:basic_?auth|auth|authorization|credentials|http_config|headers)["']?\s*:\s*$""",
                         re.I)
# that endpoint: a key of the opener's own block whose value is an HTTP URL, and its host
_ENDPOINT_KEY = re.compile(r"""^\s*(?:-\s+)?["']?(?:url|uri|endpoint|address|api_url|base_url)["']?\s*:\s*["']?"""
                           r"""https?://(?:[^@/\s"']*@)?\[?([A-Za-z0-9_.\-]+)""", re.I)


# the end of a line that opens a multi-line string: a template literal's backtick, a triple
# quote, a YAML block scalar's indicator, a heredoc's start
_OPENS_A_BLOCK = re.compile(r"""(?:`|"{3}|'{3}|[:=]\s*[|>][-+]?[1-9]?|<<[-~]?\s*["']?\w+["']?)\s*$""")
# the line comment marks a commented-out block's lines start with
_COMMENT_MARKS = ("#", "//", ";", "--")
# a C string literal that continues the line above, which names it: a macro's `#define NAME \`
# or an initializer's `static const char name[] =` (mbed TLS's library/certs.c, copied into
# firmware trees, defines TEST_CA_KEY_EC_PEM as quoted lines of its test CA's key)
_C_NAMES_NEXT = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)\s*\\$|"
                           r"\b([A-Za-z_]\w*)\s*(?:\[\s*\w*\s*\])+\s*=\s*$")


def _key_near(line: str, col: int) -> str | None:
    prefix = line[:col]
    # a URL's credentials: the key is the name the whole URL is assigned to
    if "://" in prefix:
        prefix = prefix[: prefix.rfind("://")]
        prefix = re.sub(r"[A-Za-z0-9+.\-]*$", "", prefix)
    near = prefix[-240:]  # a declaration is short; a minified line's prefix is not searched whole
    m = _TYPED_KEY.search(near) or _GO_TYPED_KEY.search(near) or _LEFT_KEY.search(prefix)
    if m:
        return m.group(1)
    m = _LINE_KEY.match(line)
    return m.group(1) if m else None


def _sections(lines: list[str], idx: int) -> list[str]:
    """Enclosing YAML parent keys (innermost first), then the INI/TOML header the hit sits
    under: the chain of enclosing lines by indentation, memoised per file."""
    out: list[str] = []
    lo = max(0, idx - _MAX_UP)
    header = _ini_section(lines, idx, lo)
    p = _parent(lines, idx, lo) if lines[idx].strip() else None
    while p is not None and (header is None or p > header):
        m = _YAML_PARENT.match(lines[p])
        if m:
            out.append(m.group(2).strip("\"' "))
        p = _parent(lines, p, lo)
    if header is not None:
        out.append(_INI_HEADER.match(lines[header]).group(1))
    return out


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip())


def _blank(s: str) -> bool:
    t = s.strip()
    return not t or t.startswith(("#", ";", "//"))


class _Index:
    """Per-file facts that many hits in one file share (a rule file or fixture can hold
    thousands): marker, document-separator and INI-header lines, found once; parents
    memoised. Without it each hit re-read hundreds of lines, quadratic in the hits."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.markers = [j for j, s in enumerate(lines) if ("=" in s or ":" in s) and _NAMESPACE.match(s)
                        or s[:14] == "# Quick-start " and _DJANGO_DEV.match(s)]
        self.docseps = [j for j, s in enumerate(lines) if s[:3] in ("---", "...") and _DOC_SEP.match(s)]
        self.headers = [j for j, s in enumerate(lines) if "[" in s and _INI_HEADER.match(s)]
        self.parents: dict[int, int | None] = {}
        self.rule_test = _rule_test_lines(lines) or _detector_test_lines(lines)


_LAST: list = [None]


def _index(lines: list[str]) -> _Index:
    ix = _LAST[0]
    if ix is None or ix.lines is not lines:
        ix = _LAST[0] = _Index(lines)
    return ix


def _parent(lines: list[str], j: int, lo: int) -> int | None:
    """Index of the line that opens the block holding lines[j] (by indentation), or None."""
    memo = _index(lines).parents
    found = memo.get(j, _UNSET)
    if found is _UNSET:
        found = memo[j] = _nearest_parent(lines, memo, j)
    return found if found is not None and found >= lo else None


_UNSET = object()


def _nearest_parent(lines: list[str], memo: dict[int, int | None], j: int) -> int | None:
    """The nearest line above lines[j], at most _MAX_UP lines up, that is not blank and is
    indented less. A line on the way indented as deep or deeper, whose parent is known,
    sends the search straight to that parent: every line between them is indented at
    least as deep. Hundreds of hits in one list (a rule file's examples) each walked up
    through all their siblings before."""
    ind = _indent(lines[j])
    stop = max(0, j - _MAX_UP)
    k = j - 1
    while k >= stop:
        s = lines[k]
        if _blank(s):
            k -= 1
            continue
        if _indent(s) < ind:
            return k
        p = memo.get(k, _UNSET)
        if p is _UNSET:
            k -= 1
        elif p is None:  # nothing indented less than lines[k] in the _MAX_UP lines above it
            return None
        else:
            k = p
    return None


def _ini_section(lines: list[str], j: int, lo: int) -> int | None:
    headers = _index(lines).headers
    i = bisect_left(headers, j) - 1
    return headers[i] if i >= 0 and headers[i] >= lo else None


def _markers(lines: list[str], idx: int) -> list[str]:
    """namespace/project/environment markers that apply to the hit at lines[idx].

    Fix: markers were read from every line within 400 above and 50 below, so the namespace of
    another YAML document (`---`) or the `environment:` of a sibling CI job labelled the hit.
    Now a marker counts only in the hit's own YAML document, in its own INI/TOML section
    (or above every section header), and at document level (indent 0, or directly under a
    top-level key such as k8s `metadata:`) or inside a block that encloses the hit."""
    ix = _index(lines)
    lo, hi = max(0, idx - _MAX_UP), min(len(lines), idx + 50)
    i = bisect_left(ix.docseps, idx)
    if i > 0 and ix.docseps[i - 1] >= lo:
        lo = ix.docseps[i - 1] + 1
    j = bisect_right(ix.docseps, idx)
    if j < len(ix.docseps) and ix.docseps[j] < hi:
        hi = ix.docseps[j]
    hit_section = _ini_section(lines, idx, lo)
    ancestors: set[int] = set()
    p = _parent(lines, idx, lo) if lines[idx].strip() else None
    while p is not None:
        ancestors.add(p)
        p = _parent(lines, p, lo)
    out = []
    for j in ix.markers[bisect_left(ix.markers, lo):bisect_left(ix.markers, hi)]:
        m = _NAMESPACE.match(lines[j]) or _DJANGO_DEV.match(lines[j])
        sec = _ini_section(lines, j, lo)
        if sec is not None and sec != hit_section:
            continue  # another INI/TOML section
        if _indent(lines[j]) > 0:
            par = _parent(lines, j, lo)
            if par is not None and _indent(lines[par]) > 0 and par not in ancestors:
                continue  # inside a sibling block (another CI job, another service)
        out.append(m.group(m.re.groups))  # the marker's value: its last group
    return out


# a hit's window of lines (and where in it) -> its evidence, for 16 M characters of windows
_MEMO = BoundedMemo(16_000_000)


def extract(lines: list[str], idx: int, col: int, groups: dict | None = None) -> dict:
    """Evidence around the hit at lines[idx], character column col (0-based): a new dict.
    It depends on nothing but the lines from _MAX_UP above the hit to 50 below it, so it is
    remembered by them: the next version of a file in the history, edited elsewhere, has
    the same window around the same hit (reading the sections and markers again was a
    third of a history scan of psf/requests, whose tests hold hundreds of URLs with a
    user and password)."""
    if 0 <= idx < len(lines) and len(lines[idx]) > 4096:
        return _extract(lines, idx, col, groups)  # a minified line's hits: not worth a key each
    lo = max(0, idx - _MAX_UP)
    window = "\n".join(lines[lo:idx + 51])
    key = (window, idx - lo, col, tuple(sorted(groups.items())) if groups else (), len(lines) > 1)
    got = _MEMO.get(key)
    if got is None:
        got = _MEMO.keep(key, _extract(lines, idx, col, groups), len(window) + 100)
    return {k: (list(v) if isinstance(v, list) else v) for k, v in got.items()}


def _changed_for_production(lines: list[str], idx: int) -> bool:
    """Does the comment right above lines[idx] (at most _CHANGE_COMMENT_LINES of it) say
    the value must be changed for production, or replaced with one's own?"""
    for j in range(idx - 1, max(-1, idx - 1 - _CHANGE_COMMENT_LINES), -1):
        if len(lines[j]) > 400 or not _COMMENT_START.match(lines[j]):
            return False
        low = lines[j].lower()
        if "production" in low and _CHANGE_FOR_PRODUCTION.match(lines[j]) or \
                "your " in low and _REPLACE_WITH_YOUR_OWN.match(lines[j]):
            return True
    return False


def _said_not_secret(lines: list[str], idx: int, col: int) -> str | None:
    """The words of the code around lines[idx] that call the value no secret, or None: a
    comment after it on its line, the comment right above it (at most
    _CHANGE_COMMENT_LINES of it), or the name of the block that holds it (the part of the
    block's opening line before its `=`, `:` or brace)."""
    line = lines[idx]
    m = _TRAILING_COMMENT.search(line, col)
    if m and (said := _NOT_SECRET.search(m.group(1))):
        return said.group(0)
    for j in range(idx - 1, max(-1, idx - 1 - _CHANGE_COMMENT_LINES), -1):
        if len(lines[j]) > 400 or not _COMMENT_START.match(lines[j]):
            break
        if said := _NOT_SECRET.search(lines[j]):
            return said.group(0)
    p = _parent(lines, idx, max(0, idx - _MAX_UP)) if line.strip() else None
    if p is not None and len(lines[p]) <= 400:
        name = re.split(r"[=:{(\[]", lines[p], maxsplit=1)[0]
        if said := _NOT_SECRET_NAME.search(name):
            return said.group(0)
    return None


def _test_says_fake(lines: list[str], idx: int) -> str | None:
    """The words of an enclosing test case's description or test function's name that call
    the values inside it fakes (`a faked token`, `test_dummy_key`), or None; the blocks are
    found by indentation (_parent), _TEST_LEVELS of them at most."""
    lo = max(0, idx - _MAX_UP)
    p = _parent(lines, idx, lo) if lines[idx].strip() else None
    for _ in range(_TEST_LEVELS):
        if p is None:
            return None
        line = lines[p]
        if len(line) <= 400 and (m := _TEST_BLOCK.match(line)):
            words = m.group("text") if m.group("text") is not None else m.group("name").replace("_", " ")
            if fake := _FAKE_WORDS.search(words):
                return fake.group(1)
        p = _parent(lines, p, lo)
    return None


# a record's example of what its pattern matches, and the pattern beside it: a secret
# scanner's rule file (PEASS-ng's regexes.yaml: `regex: '[0-9a-f]{32}-us[0-9]{1,2}'` above
# `example: >` and a made-up Mailchimp key; kingfisher's and noseyparker's `pattern:` and
# `examples:`), keys as YAML, JSON or TOML write them
_EXAMPLE_KEY = re.compile(r"""^\s*(?:-\s+|[\[{]\s*)*["']?(?:examples?|samples?|example_?value|(?:positive|negative)_examples)["']?\s*[:=]""", re.I)
_PATTERN_KEY = re.compile(r"""(?:^\s*(?:-\s+)?|[{,]\s*)["']?(?:regexp?|regexe?s|patterns?|re2?)["']?\s*[:=]""", re.I)
_PATTERN_SIBLINGS = 60  # lines looked at above and below the example's key for its pattern
# blocks looked up from the value for the example's key: an example may be a whole file
# (`- |`, then a JSON object, its member, the value: kingfisher's rule files)
_EXAMPLE_LEVELS = 6


def _pattern_example(lines: list[str], idx: int) -> bool:
    """Is the hit's value the example a record gives of the pattern beside it: under a key
    named example(s) (on its line, or a block holding it, _EXAMPLE_LEVELS up at most) with a
    sibling key at the same indentation, in the same block, naming a regex or a pattern?"""
    line = lines[idx]
    if _EXAMPLE_KEY.match(line[:200]) and _PATTERN_KEY.search(line[line.find(":") + 1:][:400]):
        return True  # one record on one line: {"example": "...", "regex": "..."}
    k: int | None = idx
    lo = max(0, idx - _MAX_UP)
    for _ in range(_EXAMPLE_LEVELS):
        if k is None:
            return False
        if _EXAMPLE_KEY.match(lines[k][:200]):  # (a key's start: a long line's value is not read)
            return _sibling_pattern(lines, k)
        key = _compact_list_key(lines, k, lo)
        if key is not None and _EXAMPLE_KEY.match(lines[key][:200]):
            return _sibling_pattern(lines, key)
        k = _parent(lines, k, lo) if lines[k].strip() else None
    return False


def _compact_list_key(lines: list[str], k: int, lo: int) -> int | None:
    """For a YAML list item written at its key's own indentation (`examples:` and then `- a`
    in the same column, noseyparker's rule files), the key's line; else None."""
    s = lines[k]
    t = s.lstrip()
    if not t.startswith("- "):
        return None
    ind = len(s) - len(t)
    for j in range(k - 1, lo - 1, -1):
        u = lines[j]
        if not u.strip() or _indent(u) > ind or u.lstrip().startswith("#"):
            continue  # a blank line, an earlier item's continuation, a comment
        if _indent(u) < ind:
            return None
        if not u.lstrip().startswith("- "):
            return j  # the first line above the items in their column
    return None


def _sibling_pattern(lines: list[str], k: int) -> bool:
    ind = _key_indent(lines[k])
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(lines) and abs(j - k) <= _PATTERN_SIBLINGS:
            s = lines[j]
            if s.strip():
                if _indent(s) < ind and _key_indent(s) != ind:
                    break  # the block's end (a list item's `- ` line may hold a sibling key)
                if _key_indent(s) == ind and _PATTERN_KEY.match(s[:200]):
                    return True
            j += step
    return False


def _key_indent(s: str) -> int:
    """Where a line's key starts: after its indentation and a YAML list item's `- `."""
    t = s.lstrip()
    return len(s) - len(t) + (2 if t.startswith("- ") else 0)


# Semgrep's rule-test annotation, on the line above a test target's line (or after it on the
# line): `// ruleid: mailchimp-api-key` says the next line must match that rule, `# ok:
# x-y` that it must not (todoruleid:/todook: for known misses). The comment holds only the
# annotation; an `ok:` names a rule id with a - . or _ (a comment `# ok: fine` is prose).
# semgrep-rules' generic/secrets/gitleaks/*.go: a made-up key of each provider, annotated.
_RULE_TEST = re.compile(r"""^\s*(?:#|//|--|;|<!--|/?\*)\s*(?:todo)?(?:ruleid:\s*[\w.\-/]+|ok:\s*[\w/]*[\-._][\w.\-/]*)"""
                        r"""(?:\s*,\s*[\w.\-/]+)*\s*(?:-->|\*/)?\s*$""")
_TRAILING_RULE_TEST = re.compile(r"""\s(?:#|//|--|<!--|/\*)\s*(?:todo)?ruleid:\s*[\w.\-/]+\s*(?:-->|\*/)?\s*$""")


def _rule_test_lines(lines) -> bool:
    return any(("ruleid:" in s or "ok:" in s) and (_RULE_TEST.match(s[:200]) or _TRAILING_RULE_TEST.search(s[-200:]))
               for s in lines)


# A detector's own test, in the words secret scanners use for the samples of the pattern under
# test: true and false positives (gitleaks' rule files list `tps` and `fps` beside the rule's
# Regex: `tps := []string{`, `tps := map[string]string{`, `tps = append(tps, ...)`; a bare `fps =
# 30` is frames per second),
# a valid or invalid pattern (trufflehog's `validPattern`, `TestX_Pattern...`, cases
# named "valid pattern"), whether the detector should flag the line (detect-secrets'
# `should_flag`); and a scanner's configuration of allowed values (gitleaks' TOML
# `[[rules.allowlists]]`: known examples its rules must not report)
_DETECTOR_TEST = re.compile(r"""\b(?:(?:tps|fps)\s*(?::?=|\+=)\s*(?:\[|map\[|append\(|\w+\.Generate)"""
                            r"""|(?:true|false)_?positives?\s*(?::?=|\+=)"""
                            r"""|(?:in)?valid_?pattern\b|["'`](?:in)?valid pattern|Test\w*Pattern\w*\s*\(|should_?(?:flag|match|detect)\b)"""
                            r"""|^\s*\[\[?(?:rules\.)?allowlists?\]\]?\s*$""", re.I)
_DETECTOR_TEST_WORDS = ("tps", "fps", "ositive", "attern", "hould", "llowlist")


def _detector_test_lines(lines) -> bool:
    return any(any(w in s for w in _DETECTOR_TEST_WORDS) and _DETECTOR_TEST.search(s[:400]) for s in lines)


def rule_test_text(text: str) -> bool:
    """_rule_test_sample for a whole text (the structured parsers' hits, which build their
    own context)."""
    return (("ruleid:" in text or "ok:" in text) and _rule_test_lines(text.split("\n"))
            or any(w in text for w in _DETECTOR_TEST_WORDS) and _detector_test_lines(text.split("\n")))


def _rule_test_sample(lines: list[str]) -> bool:
    """Is the file a rule test's target (Semgrep's annotations) or a detector's own test (the
    samples of its pattern)? Every line of it is test data: the ones a case names and the
    others it shares them with."""
    return _index(lines).rule_test


def _message_host(lines: list[str], idx: int) -> str | None:
    """The host of the HTTP request whose header block holds lines[idx] (from its request
    line, `POST /revoke HTTP/1.1`, to a blank line): the request line's URL's, else its Host
    header's, or None. RFC 6749's examples send their `Authorization: Basic` to `Host:
    server.example.com`, which names no deployment. Without a request line above, the block
    is no HTTP message (a YAML file's `authorization:` beside another block's `host:`)."""
    top = idx
    while top >= 0 and idx - top <= _HEADER_BLOCK and lines[top].strip() and not _REQUEST_LINE.match(lines[top]):
        top -= 1
    if top < 0 or idx - top > _HEADER_BLOCK or not _REQUEST_LINE.match(lines[top]):
        return None
    target = _ABSOLUTE_TARGET.match(lines[top])
    if target:
        return target.group(1)  # RFC 9112: a target in absolute form names the host, not Host:
    j = top + 1
    while j < len(lines) and j - top <= 2 * _HEADER_BLOCK and lines[j].strip():
        m = _HOST_HEADER.match(lines[j])
        if m:
            return m.group(1)
        j += 1
    return None


def _sibling_host(lines: list[str], idx: int, key: str | None) -> str | None:
    """The host of the connection whose block holds the hit's line, from a key of its own
    beside it (typeorm's ormconfig: `"host": "localhost"` above `"password": ...`): the
    nearest line of the same indentation, in the same run of lines (a blank line, a shallower
    line or a closing brace ends it; deeper lines belong to a child block), that sets a host.
    Taken when the host's key has the same prefix as the hit's (`DB_HOST` beside
    `DB_PASSWORD`), or is a bare `host`/`hostname`/`server` in a block with a user, a
    database or a port: else a host beside a secret may be anything's (an app's own bind
    address beside its Stripe key)."""
    if not key or not 0 <= idx < len(lines):
        return None
    own = _indent(lines[idx])
    found: list[tuple[int, str, str]] = []  # (distance, the host key's prefix, the host)
    names: set[str] = set()
    for step in (-1, 1):
        j = idx + step
        while 0 <= j < len(lines) and abs(j - idx) <= _SIBLINGS:
            line = lines[j]
            t = line.strip()
            if not t or t[0] in "}]{[" or _indent(line) < own:
                break  # (an INI section's header, a JSON object's or list's brace: another block)
            if _indent(line) == own:
                m = _HOST_KEY.match(line)
                u = None if m else _URL_KEY.match(line)
                e = None if m or u or "url:" not in line else _ENDPOINT_URL.match(line)
                if m:
                    found.append((abs(j - idx), m.group(1).lower(), m.group(3)))
                elif e:
                    return e.group(1)  # the endpoint's: every setting of its block is for it
                elif u and (u["scheme"].lower() in _CONNECTION_SCHEMES or "server" in (u["prefix"] or "").lower()) \
                        and (h := _URL_HOST.search(line, u.end("key"))):
                    # a dotted key's block is its parent (`keycloak.` of `keycloak.auth-server-url`)
                    name = u["key"]
                    prefix = name.rsplit(".", 1)[0] + "." if "." in name else u["prefix"] or ""
                    found.append((abs(j - idx), prefix.lower(), h.group(1)))
                else:
                    k = _LINE_KEY.match(line)
                    if k:
                        names.add(k.group(1).lower())
            j += step
    for _, prefix, host in sorted(found):
        if prefix and key.lower().startswith(prefix):
            return host
        if not prefix and names & _CONNECTION_KEYS:
            return host
    return _endpoint_host(lines, idx)


def _key_column(line: str) -> int:
    """Where a YAML line's key starts: a list item's after its dash (`- url:`)."""
    t = line.lstrip()
    return _indent(line) + (len(t) - len(t[1:].lstrip()) if t.startswith("- ") else 0)


def _endpoint_host(lines: list[str], idx: int) -> str | None:
    """The host of the endpoint a YAML block of credentials is sent to, from its opener's
    sibling (grafana/agent's `remote_write: - url: https://prometheus-prod-...grafana.net/...`
    above `basic_auth: {username, password}`: a Grafana Cloud key, whatever the file's name
    says), through one more such opener (Alertmanager's `http_config: basic_auth:`)."""
    p = _parent(lines, idx, max(0, idx - _SIBLINGS))
    for _ in range(2):
        if p is None or not _AUTH_BLOCK.match(lines[p]):
            return None
        own = _key_column(lines[p])
        for step in (-1, 1):
            j = p + step
            while 0 <= j < len(lines) and abs(j - p) <= _SIBLINGS:
                line = lines[j]
                j += step
                if _blank(line):
                    continue
                col, item = _key_column(line), line.lstrip().startswith("- ")
                if col < own or (col == own and item and step == 1):
                    break  # the mapping ended, or the next list item began
                if col == own:
                    m = _ENDPOINT_KEY.match(line)
                    if m:
                        return m.group(1)
                    if item:
                        break  # the first key of the opener's own list item
        p = _parent(lines, p, max(0, p - _SIBLINGS))
    return None


def _extract(lines: list[str], idx: int, col: int, groups: dict | None = None) -> dict:
    line = lines[idx] if 0 <= idx < len(lines) else ""
    ctx: dict = {}
    if len(line) > 4096:  # a minified line: only the immediate neighbourhood means anything
        start = max(0, col - 200)
        line, col = line[start: col + 200], col - start
    key = _key_near(line, col)
    before = line[:col].strip()
    if not key and 0 < idx < len(lines) and (not before or before in _COMMENT_MARKS):
        # a value that starts a multi-line string is named on the line that opens it
        # (insomnia's PRIVATE_KEY_PLACEHOLDER, a template literal whose next line starts a PEM key),
        # the same when both lines are commented out (argo-helm's values.yaml,
        # `# sample-ssh-key: |` above `# -----BEGIN RSA PRIVATE KEY-----`)
        above = lines[idx - 1]
        if before:
            above = above.lstrip()
            above = above[len(before):] if above.startswith(before) else ""
        if _OPENS_A_BLOCK.search(above):
            key = _key_near(above, len(above))
    elif not key and 0 < idx < len(lines) and before in ('"', 'L"', 'u8"'):
        above = lines[idx - 1].rstrip()
        m = _C_NAMES_NEXT.search(above)
        # (or any declaration left open at `=`: C's `const char *server_key =`, Java's `String KEY =`)
        key = m.group(1) or m.group(2) if m else _key_near(above, len(above)) if above.endswith("=") else None
    if key:
        ctx["key"] = key
    if groups:
        for k, v in groups.items():
            if v and k != "secret":
                ctx[k] = v
    if "host" not in ctx:
        m = _URL_HOST.search(line, max(0, col - 200)) or _CONN_HOST.search(line)
        if m:
            ctx["host"] = m.group(1)
        elif len(lines) > 1 and _AUTH_HEADER.match(line):
            host = _message_host(lines, idx)
            if host:
                ctx["host"] = host
        elif len(lines) > 1:
            host = _sibling_host(lines, idx, key)
            if host:
                ctx["host"] = host
    if len(lines) > 1:
        secs = _sections(lines, idx)
        marks = _markers(lines, idx)
        if _changed_for_production(lines, idx):
            marks.append("development")
        said = _said_not_secret(lines, idx, col)
        if said:
            ctx["said_not_secret"] = said
        fake = _test_says_fake(lines, idx)
        if fake:
            ctx["test_says_fake"] = fake
        if _pattern_example(lines, idx) or _rule_test_sample(lines):
            ctx["pattern_example"] = True
        if secs:
            ctx["section"] = secs
        if marks:
            ctx["markers"] = marks
    return ctx
