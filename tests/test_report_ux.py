"""Issue 19 and the seams issue, through the real CLI on real git repositories: the new
sources (`scan -`, `scan FILE...`), the matched line with the secret redacted in place and
`--context N`, labels that name themselves, confidence and `--min-confidence`, and an audit
that follows the state (advice only for what is open, every finding listed, a doubtful
history-only finding not failing it, `ignore --write` saying what happened to each file).

Secrets are generated at run time (random, valid shapes), never literals."""
from __future__ import annotations

import base64
import json
import re
import secrets
import string
import subprocess
import sys


from gitrepo import ROOT, Repo, git_env, github_pat, live_value, scan_api

ALNUM = string.ascii_letters + string.digits


def stripe_live() -> str:
    return "sk_live_" + live_value(40, prefix="sk_live_")


def cf(*args: str, cwd=None, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in git_env().items() if k not in ("CREDFENCE_DEBUG", "CREDFENCE_ENGINE")}
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=str(cwd or ROOT), env=env,
                          input=stdin, capture_output=True, text=True, timeout=300)


def no_secret(text: str, *values: str) -> None:
    for v in values:
        assert v not in text, "a full secret was printed"
        assert v[-10:] not in text, "the tail of a secret was printed"


# ----------------------------------------------------------------------------- sources

def test_scan_stdin(tmp_path):
    key, gh = stripe_live(), github_pat()
    text = f"# notes\nSTRIPE_SECRET_KEY={key}\nx = 1\nGITHUB_TOKEN={gh}\n"
    p = cf("scan", "-", "--format", "json", cwd=tmp_path, stdin=text)
    assert p.returncode == 1, p.stderr
    rep = json.loads(p.stdout)
    locs = {(loc["kind"], loc["path"], loc["line"]) for f in rep["findings"] for loc in f["locations"]}
    assert ("stdin", "(stdin)", 2) in locs and ("stdin", "(stdin)", 4) in locs, locs
    no_secret(p.stdout + p.stderr, key, gh)
    # the text report shows where and the matched line, redacted in place
    p = cf("scan", "-", "--context", "1", cwd=tmp_path, stdin=text)
    assert p.returncode == 1
    assert "(stdin):2" in p.stdout and f"STRIPE_SECRET_KEY={key[:10]}" in p.stdout, p.stdout
    assert "x = 1" in p.stdout  # a context line
    no_secret(p.stdout + p.stderr, key, gh)
    # a clean input: exit 0; flags of a directory scan are refused
    assert cf("scan", "-", cwd=tmp_path, stdin="hello\n").returncode == 0
    p = cf("scan", "-", "--history", cwd=tmp_path, stdin=text)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_scan_stdin_name_picks_the_parser(tmp_path):
    """`--stdin-name` names the input in reports (and for the structured parsers)."""
    key = stripe_live()
    p = cf("scan", "-", "--stdin-name", "deploy/.env", "--format", "json", cwd=tmp_path,
           stdin=f"STRIPE_SECRET_KEY={key}\n")
    assert p.returncode == 1, p.stderr
    assert {loc["path"] for f in json.loads(p.stdout)["findings"] for loc in f["locations"]} == {"deploy/.env"}


def test_scan_files_exactly_the_named_ones(tmp_path):
    key_a, key_b = stripe_live(), stripe_live()
    repo = Repo(tmp_path / "r")
    repo.write("app/a.py", f"KEY = '{key_a}'\n")
    repo.write("app/b.py", f"KEY = '{key_b}'\n")
    repo.write(".gitignore", "local.env\n")
    repo.write("local.env", f"STRIPE_SECRET_KEY={key_b}\n")
    repo.git("add", "app/a.py", ".gitignore")
    repo.git("commit", "-q", "-m", "init")
    # from a subdirectory, paths relative to it: reported relative to the repository's top
    p = cf("scan", "a.py", "--format", "json", cwd=repo.path / "app")
    assert p.returncode == 1, p.stderr
    rep = json.loads(p.stdout)
    locs = [loc for f in rep["findings"] for loc in f["locations"]]
    assert [(loc["kind"], loc["path"], loc.get("status")) for loc in locs] == [("worktree", "app/a.py", "tracked")]
    assert rep["stats"]["blobs"] == 0 and rep["stats"]["files"] == 1  # no history, no walk
    p = cf("scan", "app/b.py", "local.env", "--format", "json", cwd=repo.path)
    got = {(loc["path"], loc["status"]) for f in json.loads(p.stdout)["findings"] for loc in f["locations"]}
    assert got == {("app/b.py", "untracked"), ("local.env", "ignored")}, got
    # a clean file passes; a missing file or a directory among files is an error (exit 2, one line)
    repo.write("clean.py", "import os\n")
    assert cf("scan", "clean.py", cwd=repo.path).returncode == 0
    for args in (("nope.py",), ("clean.py", "app")):
        p = cf("scan", *args, cwd=repo.path)
        assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, p.stderr
    no_secret(p.stdout + p.stderr, key_a, key_b)


# ----------------------------------------------------------------------------- context

def test_matched_line_redacted_in_place_with_context_everywhere(tmp_path):
    """text, hook and audit output: path:line and the line with every secret on it redacted,
    --context lines around; a base64-encoded secret's line is not shown at all."""
    key, gh = stripe_live(), github_pat()
    encoded = base64.b64encode(f"token={github_pat()}".encode()).decode()
    repo = Repo(tmp_path / "r")
    repo.write("deploy/run.sh", "#!/bin/sh\n# deploy\n"
                                f"curl -u {key}: -H 'X-GitHub: {gh}' https://api.example.com\n"
                                "echo done\n")
    repo.write("deploy/blob.txt", f"SECRET_PAYLOAD={encoded}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "init")
    red = re.compile(r"curl -u sk_live_\S*…: -H 'X-GitHub: ghp_\S*…' https://api\.example\.com")
    for args in (("scan", ".", "--context", "1"), ("scan", "deploy/run.sh", "--format", "hook", "--context", "1"),
                 ("audit", ".", "--context", "1")):
        p = cf(*args, cwd=repo.path)
        assert p.returncode == 1, (args, p.stderr)
        assert "deploy/run.sh:3" in p.stdout, (args, p.stdout)
        assert red.search(p.stdout), (args, p.stdout)
        assert "# deploy" in p.stdout and "echo done" in p.stdout, (args, p.stdout)
        no_secret(p.stdout + p.stderr, key, gh, encoded)
        assert "env=" in p.stdout and "scope=" in p.stdout and "privilege=" in p.stdout and "confidence=" in p.stdout
    # the hook line names its labels
    p = cf("scan", "deploy/run.sh", "--format", "hook", cwd=repo.path)
    line = next(ln for ln in p.stdout.splitlines() if "deploy/run.sh:3" in ln and "stripe" in ln)
    assert re.search(r"\(env=\w+ scope=\w+ privilege=\w+ confidence=(high|medium|low)\)$", line), line
    # the encoded secret: found, its line withheld
    p = cf("scan", "deploy/blob.txt", "--context", "0", cwd=repo.path)
    if "deploy/blob.txt:1" in p.stdout:
        assert "not shown" in p.stdout and encoded[:20] not in p.stdout, p.stdout


def test_history_location_shows_the_line_from_the_commit(tmp_path):
    key = stripe_live()
    repo = Repo(tmp_path / "r")
    repo.commit("add", {"config.py": f"DEBUG = True\nSTRIPE_KEY = '{key}'\n"})
    repo.commit("remove", {"config.py": "DEBUG = True\n"})
    p = cf("scan", ".", cwd=repo.path)
    assert p.returncode == 1
    assert re.search(r"config\.py:2 @[0-9a-f]{10}", p.stdout), p.stdout
    assert f"STRIPE_KEY = '{key[:10]}" in p.stdout, p.stdout
    no_secret(p.stdout + p.stderr, key)


def test_min_confidence_filters_and_every_format_shows_confidence(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.write("a.py", f"KEY = '{stripe_live()}'\nTOKEN = '{github_pat()}'\n"
                       f"db_password = '{''.join(secrets.choice(ALNUM) for _ in range(20))}'\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "init")
    rank = {"low": 0, "medium": 1, "high": 2}
    sets = {}
    for level in ("low", "medium", "high"):
        p = cf("scan", ".", "--format", "json", "--min-confidence", level, cwd=repo.path)
        assert p.returncode in (0, 1), p.stderr
        fs = json.loads(p.stdout)["findings"]
        assert all(rank[f["confidence"]] >= rank[level] for f in fs)
        sets[level] = {f["fingerprint"] for f in fs}
    assert sets["high"] <= sets["medium"] <= sets["low"] and sets["low"]
    p = cf("scan", ".", "--format", "sarif", cwd=repo.path)
    assert all(r["properties"]["confidence"] in rank for r in json.loads(p.stdout)["runs"][0]["results"])
    p = cf("scan", ".", cwd=repo.path)
    assert "confidence" in p.stdout
    assert cf("scan", ".", "--min-confidence", "sure", cwd=repo.path).returncode == 2


# ----------------------------------------------------------------------------- the audit follows the state

def test_audit_advice_follows_the_state(tmp_path):
    key = stripe_live()
    pw = "".join(secrets.choice(ALNUM) for _ in range(20))
    repo = Repo(tmp_path / "r")
    repo.write("CLAUDE.md", "# notes\n")
    repo.write(".gitignore", ".env\n")
    repo.write(".env", f"STRIPE_SECRET_KEY={key}\n")
    repo.write("tests/settings.py", f"db_password = '{pw}'\n")
    repo.git("add", "CLAUDE.md", ".gitignore")
    repo.git("commit", "-q", "-m", "init")
    before = cf("audit", ".", "--format", "json", cwd=repo.path)
    assert before.returncode == 1, before.stderr
    rep = json.loads(before.stdout)
    assert any("--write" in s["command"] for s in rep["audit"]["next"])
    text = cf("audit", ".", cwd=repo.path).stdout
    assert re.search(r"credfence ignore \S+ --write", text), text
    # every finding is listed, the lower ones folded to a line each
    low = [f for f in rep["findings"] if f["fingerprint"] not in rep["audit"]["exposed"]]
    assert low, rep["findings"]
    assert "other finding(s)" in text and "tests/settings.py:1" in text, text

    w = cf("ignore", ".", "--write", cwd=repo.path)
    assert w.returncode == 0, w.stderr
    assert "wrote .claude/settings.json" in w.stdout, w.stdout
    w2 = cf("ignore", ".", "--write", cwd=repo.path)
    assert "unchanged .claude/settings.json" in w2.stdout and "0 file(s) changed" in w2.stdout, w2.stdout

    after = cf("audit", ".", cwd=repo.path)
    assert after.returncode == 0, after.stdout
    # done already: not advised again (the opt-in `--write --sandbox` hint for the shell stays)
    assert not re.search(r"ignore \S+ --write(?! --)", after.stdout), after.stdout
    assert re.search(r"credfence ignore \S+ --check", after.stdout), after.stdout
    no_secret(before.stdout + text + after.stdout + w.stdout, key, pw)


def test_ignore_write_says_removed(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.write(".env", f"STRIPE_SECRET_KEY={stripe_live()}\n")
    assert cf("ignore", ".", "--write", "--agents", "codex", cwd=repo.path).returncode == 0
    (repo.path / ".env").unlink()
    p = cf("ignore", ".", "--write", "--agents", "codex", cwd=repo.path)
    assert "removed .codex/config.toml" in p.stdout and "wrote" not in p.stdout, p.stdout


def test_ignore_check_only_configured_agents(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.write(".env", f"STRIPE_SECRET_KEY={stripe_live()}\n")
    p = cf("ignore", ".", "--check", cwd=repo.path)
    assert p.returncode == 0 and "no AI agent is configured" in p.stdout, p.stdout + p.stderr
    p = cf("ignore", ".", "--check", "--agents", "all", cwd=repo.path)
    assert p.returncode == 1 and "does not hide .env" in p.stdout, p.stdout
    repo.write("CLAUDE.md", "# notes\n")
    p = cf("ignore", ".", "--check", cwd=repo.path)
    assert p.returncode == 1, p.stdout
    assert p.stdout.strip().splitlines() == ["out of date: .claude/settings.json (Claude Code) does not hide .env"]


def test_history_only_doubtful_finding_does_not_fail_the_audit(tmp_path):
    """A critical credential only in history fails the audit; the same finding rated low
    confidence (or shaped like a placeholder) is listed but does not."""
    from scanner.report import audit

    repo = Repo(tmp_path / "r")
    repo.commit("add", {"config.py": f"STRIPE_KEY = '{stripe_live()}'\n"})
    repo.commit("remove", {"config.py": "\n"})
    result = scan_api(repo.path)
    (f,) = [f for f in result.findings if f.rule.provider == "stripe"]
    assert not f.worktree_paths and f.severity_rank >= audit.EXPOSURE_RANK
    assert audit.exposed([f], ["claude-code"]) == [f]
    f.confidence = "low"
    assert audit.exposed([f], ["claude-code"]) == []
    assert audit.doubtful(f)
    steps = audit.next_steps([f], ["claude-code"], ".")
    assert not any("rotate" in s["why"] for s in steps), steps


def test_terminal_escapes_in_a_path_are_not_sent_to_the_terminal(tmp_path):
    """A file name carrying an escape sequence is printed escaped (\\x1b), never raw."""
    repo = Repo(tmp_path / "r")
    name = "evil\x1b[2Jname.env"
    repo.write(name, f"STRIPE_SECRET_KEY={stripe_live()}\n")
    for args in (("scan", ".", "--no-history"), ("scan", name, "--format", "hook"), ("audit", ".", "--no-history")):
        p = cf(*args, cwd=repo.path)
        assert p.returncode == 1, p.stderr
        assert "\x1b[2J" not in p.stdout and "\\x1b[2J" in p.stdout, (args, p.stdout)
