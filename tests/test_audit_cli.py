"""Issue 5 "Done when", through the real CLI: `credfence audit` on the shared corpus after a
new `ops/railway.env` appears. It exits 1 and names the Railway token first; `--format json`
carries the per-agent view; after `ignore --write` the file is hidden from every agent, but
history-only credentials still fail the audit: no ignore file can hide `git log -p` from an
agent's shell.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FILE_AGENTS = ["cursor", "claude-code", "gemini-cli", "jetbrains", "android-studio", "aider", "windsurf", "cline",
               "roo-code", "kilo-code", "kiro", "goose", "codex"]
RAILWAY = "ops/railway.env"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CREDFENCE_"))}
    p = subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=str(ROOT), env=env, capture_output=True,
                       timeout=120)
    p.stdout, p.stderr = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    assert "Traceback" not in p.stderr, p.stderr
    return p


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A corpus repository whose agent files were written, then a new Railway token appeared."""
    if not (CORPUS / "make_corpus.py").exists():
        pytest.skip(f"shared corpus absent: {CORPUS}")
    out = tmp_path_factory.mktemp("audit") / "repo"
    subprocess.run([sys.executable, str(CORPUS / "make_corpus.py"), str(out), "--files", "60", "--commits", "30"],
                   check=True, capture_output=True, timeout=120)
    p = run("ignore", str(out), "--agents", "all", "--write")
    assert p.returncode == 0, p.stderr
    (out / "ops").mkdir()
    token = str(uuid.uuid4())
    (out / RAILWAY).write_text(f"RAILWAY_API_TOKEN={token}\n")
    return out, token


def paths_of(finding: dict) -> set[str]:
    return {loc["path"] for loc in finding["locations"] if loc["kind"] == "worktree"}


def test_audit_names_the_new_railway_token_first_then_hides_it(repo):
    root, token = repo

    # text: exit 1, the first exposure named is the Railway token in the new file
    p = run("audit", str(root), "--quiet")
    assert p.returncode == 1, p.stderr
    assert token not in p.stdout + p.stderr
    out = p.stdout
    assert "EXPOSED" in out
    bullets = [line for line in out[out.index("EXPOSED"):].splitlines() if line.lstrip().startswith("•")]
    assert bullets, out
    assert "Railway account or team token" in bullets[0] and RAILWAY in bullets[0], bullets[0]
    assert bullets[0].split()[1] == "critical"
    assert "it reaches production" in out
    assert "not its shell" in out and "move the secret out of the repository" in out

    # json: the Railway token is findings[0]; the audit object has per-agent visible/hidden lists
    p = run("audit", str(root), "--quiet", "--format", "json")
    assert p.returncode == 1, p.stderr
    assert token not in p.stdout
    rep = json.loads(p.stdout)
    first = rep["findings"][0]
    assert first["rule"] == "railway-account-token" and paths_of(first) == {RAILWAY}, first
    assert first["blast"]["severity"] == "critical" and first["hidden_from"] == []
    audit = rep["audit"]
    assert set(audit["agents"]) == set(FILE_AGENTS)  # auto: every agent file now exists, Copilot has none
    for a in FILE_AGENTS:
        view = audit["agents"][a]
        assert isinstance(view["visible"], list) and isinstance(view["hidden"], list)
        assert RAILWAY in view["visible"] and RAILWAY not in view["hidden"], a
        assert "scripts/staging_volume_cleanup.sh" in view["hidden"], a
    assert first["fingerprint"] in audit["exposed"]

    # hide it: now every agent's file hides the new file
    p = run("ignore", str(root), "--agents", "all", "--write")
    assert p.returncode == 0, p.stderr
    p = run("audit", str(root), "--quiet", "--format", "json")
    rep = json.loads(p.stdout)
    [rail] = [f for f in rep["findings"] if RAILWAY in paths_of(f)]
    assert sorted(rail["hidden_from"]) == sorted(FILE_AGENTS)
    for a in FILE_AGENTS:
        view = rep["audit"]["agents"][a]
        assert RAILWAY in view["hidden"] and RAILWAY not in view["visible"], a
    # documented: history cannot be hidden by ignore files, so history-only credentials
    # (critical and high) keep the audit at exit 1
    assert p.returncode == 1, p.stderr
    by_fp = {f["fingerprint"]: f for f in rep["findings"]}
    exposed = [by_fp[fp] for fp in rep["audit"]["exposed"]]
    assert exposed and all(not paths_of(f) for f in exposed), [paths_of(f) for f in exposed]
    assert rail["fingerprint"] not in rep["audit"]["exposed"]

    p = run("audit", str(root), "--quiet")
    assert p.returncode == 1
    assert "history only" in p.stdout
    bullets = [line for line in p.stdout[p.stdout.index("EXPOSED"):].splitlines() if line.lstrip().startswith("•")]
    assert not any(RAILWAY in b for b in bullets), bullets


def test_copilot_is_never_counted_as_hiding(repo):
    """Copilot's content exclusion is a GitHub setting credfence cannot read: with --agents all
    every credential file stays visible to Copilot, so the audit cannot go green for it."""
    root, _ = repo
    p = run("audit", str(root), "--quiet", "--format", "json", "--agents", "all", "--no-history")
    assert p.returncode == 1, p.stderr
    rep = json.loads(p.stdout)
    copilot = rep["audit"]["agents"]["copilot"]
    assert copilot["file"] is None and not copilot["hidden"]
    assert "scripts/staging_volume_cleanup.sh" in copilot["visible"]
    assert re.fullmatch(r"[0-9a-f]{64}", rep["audit"]["exposed"][0])


@pytest.mark.parametrize("kept", ["the repository's exclude", "the repository's baseline", "its min_severity"])
def test_a_clean_audit_says_what_the_repositorys_own_files_kept_out(tmp_path, kept):
    """The audited repository's own .credfence.yaml or baseline can keep a credential out of
    the audit, and an agent reads it all the same: the audit says what was kept out, never
    "nothing for an agent to meet", and says how to audit it too."""
    from gitrepo import Repo
    from helpers import STRIPE

    r = Repo(tmp_path / "r")
    if kept == "its min_severity":
        r.commit("one", {"tests/fixture.env": "DB_PASSWORD=Zq8rLw2mXv9kTn4pQ\n", "README": "ok\n"})  # a low finding
        r.write(".credfence.yaml", "min_severity: critical\n")
    else:
        r.commit("one", {"deploy/app.env": f"STRIPE_KEY={STRIPE}\n", "README": "ok\n"})
        if kept == "the repository's exclude":
            r.write(".credfence.yaml", 'exclude: ["deploy/"]\n')
        else:
            assert run("baseline", str(r.path)).returncode == 0
    p = run("audit", str(r.path))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "nothing for an agent to meet" not in p.stdout and "not in this audit" in p.stdout, p.stdout
    own = tmp_path / "mine.yaml"
    own.write_text("")
    p = run("audit", str(r.path), "--no-baseline", "--config", str(own))
    assert "STRIPE" in p.stdout or "DB_PASSWORD" in p.stdout or "fixture.env" in p.stdout, p.stdout
