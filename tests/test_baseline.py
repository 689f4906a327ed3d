"""Baselines (credfence's and a real detect-secrets one) and inline allow markers."""
from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.baseline import (
    Accepted,
    BaselineError,
    has_allow_marker,
    line_allowed,
    load_accepted,
    load_baseline_file,
    write_baseline,
)
from scanner.model import Blast, Finding, Location, Rule

# Planted fake credentials, assembled at run time.
AWS_KEY = "AKIA" + "Z3MPLE7QX5TNRW2B"
STRIPE_KEY = "sk_" + "live_" + "9fQ2mZxL7bV4nK8rT1wY6cJ3"
PASSWORD = "Tr0ub4dor" + "-horse-battery-9"

AWS = Rule(id="aws-access-key-id", provider="aws", name="AWS access key ID", pattern=r"AKIA[0-9A-Z]{16}",
           keywords=["AKIA"], scope="account")
STRIPE = Rule(id="stripe-secret-key", provider="stripe", name="Stripe secret key", pattern=r"sk_live_\w+",
              keywords=["sk_live_"], scope="account", privilege="destructive")
STRIPE_RENAMED = Rule(id="stripe-live-secret-key", provider="stripe", name="Stripe live key", pattern=r"sk_live_\w+",
                      keywords=["sk_live_"])
KEYWORD = Rule(id="generic-password", provider="generic", name="Password", pattern="x", keywords=["password"],
               generic=True)


def finding(rule: Rule, secret: str, *places: tuple[str, int], kind: str = "worktree") -> Finding:
    return Finding(rule=rule, secret=secret,
                   locations=[Location(kind=kind, path=p, line=n, column=1,
                                       status="tracked" if kind == "worktree" else None,
                                       commit="d" * 40 if kind == "history" else None) for p, n in places],
                   blast=Blast(severity="critical"))


# --------------------------------------------------------------------------- credfence baseline

def test_round_trip_and_no_secret(tmp_path):
    findings = [finding(STRIPE, STRIPE_KEY, ("src/pay.py", 3)), finding(AWS, AWS_KEY, (".env", 1), ("ops/x.sh", 9))]
    path = tmp_path / ".credfence-baseline.json"
    doc = write_baseline(path, findings)
    text = path.read_text()
    assert STRIPE_KEY not in text and AWS_KEY not in text
    data = json.loads(text)
    assert data == doc
    assert data["version"] == 1 and data["tool"] == "credfence" and data["generated_at"].endswith("+00:00")
    entry = next(e for e in data["accepted"] if e["rule"] == "aws-access-key-id")
    assert entry == {"fingerprint": findings[1].fingerprint, "rule": "aws-access-key-id",
                     "secret_sha256": findings[1].sha256, "secret_redacted": findings[1].redacted,
                     "paths": [".env", "ops/x.sh"]}
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # meant to be committed: no secret inside
    assert sorted(p.name for p in tmp_path.iterdir()) == [".credfence-baseline.json"]

    acc = load_accepted(tmp_path, None)  # found at <root>/.credfence-baseline.json
    assert acc.sources == [path]
    assert all(acc.covers(f) for f in findings)


def test_moved_secret_still_accepted_changed_secret_not(tmp_path):
    write_baseline(tmp_path / ".credfence-baseline.json", [finding(STRIPE, STRIPE_KEY, ("src/pay.py", 3))])
    acc = load_accepted(tmp_path)
    assert acc.covers(finding(STRIPE, STRIPE_KEY, ("src/pay.py", 120)))  # moved down the file
    assert acc.covers(finding(STRIPE, STRIPE_KEY, ("lib/billing.py", 1)))  # moved to another file
    assert acc.covers(finding(STRIPE_RENAMED, STRIPE_KEY, ("src/pay.py", 3)))  # via secret_sha256
    rotated = STRIPE_KEY[:-1] + ("4" if STRIPE_KEY[-1] != "4" else "5")
    assert not acc.covers(finding(STRIPE, rotated, ("src/pay.py", 3)))
    assert not acc.covers(finding(AWS, AWS_KEY, ("src/pay.py", 3)))


def test_rewrite_without_change_keeps_file(tmp_path):
    path = tmp_path / "b.json"
    findings = [finding(STRIPE, STRIPE_KEY, ("src/pay.py", 3))]
    first = write_baseline(path, findings)
    before = path.read_bytes()
    assert write_baseline(path, findings) == first
    assert path.read_bytes() == before


def test_no_baseline_is_empty(tmp_path):
    acc = load_accepted(tmp_path)
    assert not acc and not acc.covers(finding(AWS, AWS_KEY, ("a", 1)))


@pytest.mark.parametrize("content, needle", [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"version": 2, "tool": "credfence", "accepted": []}', "unsupported version"),
    ('{"version": 1, "tool": "credfence", "accepted": {}}', "'accepted' must be a list"),
    ('{"version": 1, "tool": "credfence", "accepted": [{"fingerprint": "abc"}]}', "sha256"),
    ('{"results": {"a.py": [{"line_number": 1}]}}', "hashed_secret"),
    ('{"hello": 1}', "neither a credfence baseline nor"),
])
def test_bad_baselines_raise_one_line_naming_file(tmp_path, content, needle):
    """Given explicitly, a bad baseline is an error; found on its own, a warning (issue 13)."""
    path = tmp_path / ".credfence-baseline.json"
    path.write_text(content)
    with pytest.raises(BaselineError) as exc:
        load_accepted(tmp_path, path)
    msg = str(exc.value)
    assert needle in msg and str(path) in msg and "\n" not in msg
    acc = load_accepted(tmp_path)
    assert not acc and len(acc.warnings) == 1
    assert needle in acc.warnings[0] and str(path) in acc.warnings[0] and "\n" not in acc.warnings[0]


def test_missing_explicit_and_non_utf8(tmp_path):
    with pytest.raises(BaselineError, match="not found"):
        load_accepted(tmp_path, tmp_path / "nope.json")
    bad = tmp_path / "bin.json"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(BaselineError, match="bin.json"):
        load_accepted(tmp_path, bad)


# --------------------------------------------------------------------------- detect-secrets

def _detect_secrets_baseline(repo: Path) -> dict:
    """Run the real detect-secrets on a real git repository; return its baseline."""
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "app").mkdir()
    (repo / "app" / "settings.py").write_text(
        f'import os\nAWS_ACCESS_KEY_ID = "{AWS_KEY}"\npassword = "{PASSWORD}"\n')
    (repo / "deploy.py").write_text(f'STRIPE = "{STRIPE_KEY}"\n')
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    out = subprocess.run([sys.executable, "-m", "detect_secrets", "scan"], cwd=repo, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def test_detect_secrets_baseline_import(tmp_path):
    repo = tmp_path / "repo"
    data = _detect_secrets_baseline(repo)
    sha1 = lambda s: hashlib.sha1(s.encode()).hexdigest()  # noqa: E731
    entries = [e for es in data["results"].values() for e in es]
    hashes = {e["hashed_secret"] for e in entries}
    # detect-secrets really found them
    assert sha1(AWS_KEY) in hashes and sha1(PASSWORD) in hashes and sha1(STRIPE_KEY) in hashes
    for e in entries:
        if e["hashed_secret"] == sha1(AWS_KEY):
            e["is_secret"] = False  # audited: false positive
    # audited: a real secret (on one of the plugin entries for it: the confirmation wins)
    next(e for e in entries if e["hashed_secret"] == sha1(STRIPE_KEY))["is_secret"] = True
    # the password entry stays un-audited (no is_secret)
    (repo / ".secrets.baseline").write_text(json.dumps(data, indent=2))

    acc = load_accepted(repo)  # picked up from <root>/.secrets.baseline
    assert acc.sources == [repo / ".secrets.baseline"]
    aws = finding(AWS, AWS_KEY, ("app/settings.py", 2))
    assert acc.covers(aws)
    assert acc.covers(finding(AWS, AWS_KEY, ("app/settings.py", 30)))  # moved line, same file
    assert acc.covers(finding(KEYWORD, PASSWORD, ("app/settings.py", 3)))  # un-audited: known, accepted
    assert not acc.covers(finding(STRIPE, STRIPE_KEY, ("deploy.py", 1)))  # audited as a real secret
    # the same value pasted into a new file is a new exposure
    spread = finding(AWS, AWS_KEY, ("app/settings.py", 2), ("other/leak.py", 1))
    assert not acc.covers(spread)
    assert acc.covers_location(spread, spread.locations[0])
    assert not acc.covers_location(spread, spread.locations[1])
    # history-only finding at the accepted path
    assert acc.covers(finding(AWS, AWS_KEY, ("app/settings.py", 2), kind="history"))
    assert not acc.covers(finding(AWS, AWS_KEY[:-1] + "Q", ("app/settings.py", 2)))


def test_both_baselines_merge_and_explicit_detect_secrets(tmp_path):
    repo = tmp_path / "repo"
    data = _detect_secrets_baseline(repo)
    (repo / ".secrets.baseline").write_text(json.dumps(data))
    write_baseline(repo / ".credfence-baseline.json", [finding(STRIPE, STRIPE_KEY, ("deploy.py", 1))])
    acc = load_accepted(repo)
    assert len(acc.sources) == 2
    assert acc.covers(finding(STRIPE, STRIPE_KEY, ("deploy.py", 1)))
    assert acc.covers(finding(AWS, AWS_KEY, ("app/settings.py", 2)))
    explicit = load_accepted(repo, repo / ".secrets.baseline")
    assert explicit.covers(finding(AWS, AWS_KEY, ("app/settings.py", 2)))
    assert isinstance(load_baseline_file(repo / ".credfence-baseline.json"), Accepted)


# --------------------------------------------------------------------------- inline markers

ALLOW_LINES = [
    f'key = "{STRIPE_KEY}"  # credfence: allow',
    f'key = "{STRIPE_KEY}"  # CredFence:allow test fixture',
    f'key = "{STRIPE_KEY}"  # pragma: allowlist secret',
    f'key = "{STRIPE_KEY}"  // pragma: allowlist-secret',
    "# pragma: allowlist nextline secret",
    f'key = "{STRIPE_KEY}"  # gitleaks:allow',
    f'key = "{STRIPE_KEY}"  # kingfisher:ignore',
    f'key = "{STRIPE_KEY}"  # trufflehog:ignore',
    # GitGuardian's ggshield (garden's Segment keys: `// ggignore`)
    f'key = "{STRIPE_KEY}"  // ggignore',
    f'key = "{STRIPE_KEY}"  # ggignore: a test fixture',
    f'<!-- credfence: allow --> {STRIPE_KEY}',
    # gosec's, bandit's and golangci-lint's (cloudflared's Sentry DSN)
    f'\tkey = "{STRIPE_KEY}" // #nosec G101',
    f'key = "{STRIPE_KEY}"  # nosec B105',
    "\t//nolint:gosec // This is the Sentry DSN, which is safe to be public",
    f'\tkey = "{STRIPE_KEY}" //nolint:errcheck,gosec',
]
NOT_ALLOW_LINES = [
    f'key = "{STRIPE_KEY}"',
    "# allow this later",
    "# pragma: allowlist",
    "ignore_errors = True",
    "",
    # another linter's, and a word that merely holds the letters
    f'\tkey = "{STRIPE_KEY}" //nolint:errcheck',
    "# the nosecurity flag",
    # the name of ggshield's file, not its marker
    "# see .ggignore in the project's root",
]


@pytest.mark.parametrize("line", ALLOW_LINES)
def test_allow_markers(line):
    assert has_allow_marker(line)


@pytest.mark.parametrize("line", NOT_ALLOW_LINES)
def test_not_allow_markers(line):
    assert not has_allow_marker(line)


@pytest.mark.parametrize("line,marked", [(x, True) for x in ALLOW_LINES] + [(x, False) for x in NOT_ALLOW_LINES])
def test_a_marker_in_a_long_line_reads_the_same(line, marked):
    """A line of a minified bundle or a built site's search index is searched around each
    tool's name, not whole (dplyr's 883 kB search.json took 64 ms a version): the same answers."""
    filler = "var a=1;" * 1000 + " "
    for long_line in (filler + line + " " + filler, filler + line, line + " " + filler):
        assert has_allow_marker(long_line) == marked, long_line[7990:8120]


def test_marker_on_line_before():
    assert line_allowed(f'key = "{STRIPE_KEY}"', "# pragma: allowlist nextline secret")
    assert line_allowed(f'key = "{STRIPE_KEY}"', "# credfence: allow")
    assert not line_allowed(f'key = "{STRIPE_KEY}"', "# unrelated")
    assert not line_allowed(f'key = "{STRIPE_KEY}"')


def test_a_detect_secrets_baseline_of_any_version_is_known_by_its_opening():
    """detect-secrets 1.x writes "version" first; its 0.x baselines (2018-2020, in many
    histories) open with "exclude_regex", "generated_at" and "plugins_used" and keep
    "version" for the end: both hold hashes, never a secret (Yelp/detect-secrets' own
    history flagged its `"hashed_secret": "<sha1>"` lines as generic secrets)."""
    from scanner.baseline import is_baseline_file

    old = (b'{\n  "exclude_regex": "test_data/.*|tests/.*",\n  "generated_at": "2018-12-21T22:29:02Z",\n'
           b'  "plugins_used": [\n    {\n      "name": "AWSKeyDetector"\n    }\n  ],\n  "results": {\n'
           b'    "README.md": [\n      {\n        "hashed_secret": "' + b"5b" * 20 + b'",\n')
    new = b'{\n  "version": "1.5.0",\n  "plugins_used": [\n    {\n      "name": "AWSKeyDetector"\n    }\n  ],\n'
    assert is_baseline_file(old) and is_baseline_file(new)
    assert not is_baseline_file(b'{\n  "plugins": [],\n  "generated_at": "2018-12-21T22:29:02Z"\n}\n')
