"""The CI examples of the README (examples/github-actions.yml, examples/gitlab-ci.yml,
examples/pre-commit-config.yaml), tested offline: the YAML is parsed, the very command lines
the CI runs are taken from it, the CI variables are replaced by a real base branch, and the
commands run in a clone of a repository with a pull-request branch, as CI would see it.

The repository: `main` holds an old secret (already there, not the pull request's doing)
and agent files hiding it; branch `feature` adds a new secret. The clone has `origin/main`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gitrepo import ROOT, Repo, git_env, live_value

EXAMPLES = ROOT / "examples"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def stripe_live() -> str:
    return "sk_live_" + live_value(99, prefix="sk_live_")


UPSTREAM = "https://github.com/credfence/credfence"
TAG = "v0.1.0"  # the README's and the examples' `rev:`/`@`; created on the local clone


def install_lines() -> list[str]:
    """The examples' install lines, exactly as CI runs them."""
    wf = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    (job,) = wf["jobs"].values()
    gh = [s["run"] for s in job["steps"] if "pip install" in s.get("run", "")]
    gl = [c for c in yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())["credfence"]["before_script"]
          if "pip install" in c]
    return gh + gl


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The examples' install line run against a local clone of this checkout (the repository
    URL replaced by the clone's, the release tag created there) in a fresh virtualenv:
    its bin directory, which CI's PATH would have."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    lines = install_lines()
    assert len(lines) == 2 and len(set(lines)) == 1, lines
    line = lines[0]
    assert f"git+{UPSTREAM}@{TAG}" in line, line
    base = tmp_path_factory.mktemp("install")
    clone = base / "credfence"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], env=git_env(), check=True, capture_output=True)
    # the tag names this checkout's HEAD (the code under test), wherever the original points
    subprocess.run(["git", "-C", str(clone), "tag", "-f", TAG, "HEAD"], env=git_env(), check=True, capture_output=True)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    env = git_env()
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    p = sh(line.replace(UPSTREAM, clone.as_uri()) + " --disable-pip-version-check -q", base, env)
    if p.returncode != 0 and ("No matching distribution" in p.stderr or "Could not fetch" in p.stderr
                              or "connection" in p.stderr.lower()):
        pytest.skip("the package index is unreachable: the dependencies cannot be installed")
    assert p.returncode == 0, p.stdout + p.stderr
    assert (venv / "bin" / "credfence").exists()
    v = subprocess.run([str(venv / "bin" / "credfence"), "--version"], capture_output=True, text=True)
    assert v.returncode == 0 and "0.1.0" in v.stdout, v.stdout + v.stderr
    return venv / "bin"


_BIN: list[Path] = []


def ci_env() -> dict[str, str]:
    env = git_env()
    env.pop("CREDFENCE_DEBUG", None)
    # `credfence` on PATH as the examples' install line puts it
    env["PATH"] = os.pathsep.join([str(_BIN[0] if _BIN else BIN), env.get("PATH", "")])
    env.pop("VIRTUAL_ENV", None)
    return env


def sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", script], cwd=str(cwd), env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def pr_clone(tmp_path, installed):
    """(clone path, old secret on main, new secret of the PR) with the PR branch checked out."""
    _BIN[:] = [installed]
    old, new = stripe_live(), stripe_live()
    up = Repo(tmp_path / "upstream")
    up.write("README.md", "# shop\n")
    up.write("AGENTS.md", "# Notes for coding agents\n")
    up.write("config/legacy.py", f"STRIPE_KEY = '{old}'\n")
    up.write("app/main.py", "print('hi')\n")
    up.git("add", "-A")
    up.git("commit", "-q", "-m", "main")
    # main already hides its credential file from the agents (green on main)
    p = sh("credfence ignore --write --quiet", up.path, ci_env())
    assert p.returncode == 0, p.stdout + p.stderr
    up.git("add", "-A")
    up.git("commit", "-q", "-m", "agent files")
    up.git("checkout", "-q", "-b", "feature")
    up.write("app/payments.py", f"import os\n\nSTRIPE_KEY = '{new}'\n")
    up.write("app/main.py", "print('hi')\nprint('pay')\n")
    up.git("add", "-A")
    up.git("commit", "-q", "-m", "payments")
    up.git("checkout", "-q", "main")
    clone = tmp_path / "ci"
    subprocess.run(["git", "clone", "-q", str(up.path), str(clone)], env=git_env(), check=True,
                   capture_output=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "--detach", "origin/feature"], env=git_env(),
                   check=True, capture_output=True)
    return clone, old, new


def check_sarif(path: Path, old: str, new: str) -> dict:
    assert path.is_file(), "no SARIF written"
    text = path.read_text(encoding="utf-8")
    assert new not in text and old not in text, "a plain secret in the SARIF"
    doc = json.loads(text)
    assert doc["version"] == "2.1.0"
    results = doc["runs"][0]["results"]
    assert results, "the SARIF is empty"
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]}
    assert uris == {"app/payments.py"}, uris  # the PR's secret only, not the one already on main
    for r in results:
        assert r.get("partialFingerprints"), r
    return doc


# ----------------------------------------------------------------------------- GitHub Actions

def _gh_steps() -> list[dict]:
    wf = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert "pull_request" in on
    assert wf["permissions"]["security-events"] == "write"
    (job,) = wf["jobs"].values()
    return job["steps"]


def _gh_run(step: dict, base_ref: str) -> str:
    return step["run"].replace("${{ github.base_ref }}", base_ref)


def test_github_actions_workflow_shape():
    steps = _gh_steps()
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    scan = next(s for s in steps if "credfence scan" in s.get("run", ""))
    assert scan.get("continue-on-error") is True and scan.get("id")
    assert "--since origin/${{ github.base_ref }}" in scan["run"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert steps.index(upload) > steps.index(scan)
    assert "always()" in upload["if"]
    out = re.search(r"--output\s+(\S+)", scan["run"]).group(1)
    assert upload["with"]["sarif_file"] == out
    check = next(s for s in steps if "credfence ignore --check" in s.get("run", ""))
    assert check.get("continue-on-error") is True and check.get("id")
    fail = steps[-1]
    assert "always()" in fail["if"] and "exit 1" in fail["run"]
    for step in (scan, check):
        assert f"steps.{step['id']}.outcome == 'failure'" in fail["if"]


def test_github_actions_commands_on_a_pull_request(pr_clone):
    clone, old, new = pr_clone
    env = ci_env()
    steps = _gh_steps()
    check = next(s for s in steps if "credfence ignore --check" in s.get("run", ""))
    scan = next(s for s in steps if "credfence scan" in s.get("run", ""))
    assert steps.index(check) < steps.index(scan), "ignore --check must run before a report is on disk"

    # the agent-files step: red on the PR (its new credential file is not hidden)
    p = sh(_gh_run(check, "main"), clone, env)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "credfence ignore --write" in p.stderr

    p = sh(_gh_run(scan, "main"), clone, env)
    assert p.returncode == 1, p.stdout + p.stderr  # findings: the job will fail after the upload
    assert new not in p.stdout + p.stderr
    out = re.search(r"--output\s+(\S+)", scan["run"]).group(1)
    check_sarif(clone / out, old, new)
    try:
        from test_sarif import _multitool, _validate
    except ImportError:  # pragma: no cover
        _multitool = None
    if _multitool is not None and _multitool() is not None:
        problems = [p for p in _validate(clone.parent, clone / out) if p.get("level", "warning") == "error"]
        assert problems == [], json.dumps(problems)[:3000]

    # green once the PR runs `credfence ignore --write` (in a fresh checkout: no report on disk)
    (clone / out).unlink()
    assert sh("credfence ignore --write --quiet", clone, env).returncode == 0
    p = sh(_gh_run(check, "main"), clone, env)
    assert p.returncode == 0, p.stdout + p.stderr


def test_github_actions_scan_passes_a_clean_pull_request(tmp_path, pr_clone):
    """The same command on a PR that adds no secret: exit 0, an empty but valid SARIF, even
    though the CI clone also holds another unmerged branch (origin/feature) with a secret:
    actions/checkout with fetch-depth 0 fetches every branch."""
    clone, old, new = pr_clone
    env = ci_env()
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "--detach", "origin/main"], env=git_env(), check=True)
    (clone / "docs.md").write_text("no secrets here\n")
    subprocess.run(["git", "-C", str(clone), "add", "docs.md"], env=git_env(), check=True)
    subprocess.run(["git", "-C", str(clone), "commit", "-q", "-m", "docs"], env=git_env(), check=True)
    scan = next(s for s in _gh_steps() if "credfence scan" in s.get("run", ""))
    p = sh(_gh_run(scan, "main"), clone, env)
    assert p.returncode == 0, p.stdout + p.stderr
    out = re.search(r"--output\s+(\S+)", scan["run"]).group(1)
    doc = json.loads((clone / out).read_text())
    assert doc["runs"][0]["results"] == []


# ----------------------------------------------------------------------------- GitLab CI

def _gitlab_job() -> dict:
    ci = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())
    job = ci["credfence"]
    assert job["variables"]["GIT_DEPTH"] in ("0", 0)
    assert any("merge_request_event" in r.get("if", "") for r in job["rules"])
    assert job["artifacts"]["when"] == "always"
    return job


def test_gitlab_ci_job_on_a_merge_request(pr_clone):
    """The job's `script`, run as GitLab runs it (one shell, errexit), with the MR variables."""
    clone, old, new = pr_clone
    job = _gitlab_job()
    env = ci_env()
    env.update({"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_PIPELINE_SOURCE": "merge_request_event"})
    # the runner's clone holds only the MR's ref: drop origin/main so the script must fetch it
    subprocess.run(["git", "-C", str(clone), "update-ref", "-d", "refs/remotes/origin/main"], env=git_env(),
                   check=True)
    script = "set -eo pipefail\n" + "\n".join(job["script"])
    p = sh(script, clone, env)
    assert p.returncode == 1, p.stdout + p.stderr
    assert new not in p.stdout + p.stderr
    for art in job["artifacts"]["paths"]:
        assert (clone / art).is_file(), f"artifact {art} missing"
    (js,) = [a for a in job["artifacts"]["paths"] if a.endswith(".json")]
    text = (clone / js).read_text()
    assert new not in text and old not in text, "a plain secret in the report"
    report = json.loads(text)
    # the MR's secret only, not the one already on the target branch
    assert {loc["path"] for f in report["findings"] for loc in f["locations"]} == {"app/payments.py"}
    assert len(report["findings"]) == 1

    # hide the new credential file: the only failure left is the secret itself (a fresh job)
    (clone / js).unlink()
    assert sh("credfence ignore --write --quiet", clone, env).returncode == 0
    p = sh(script, clone, env)
    assert p.returncode == 1 and "out of date" not in p.stdout + p.stderr, p.stdout + p.stderr
    assert json.loads((clone / js).read_text())["findings"]


# ----------------------------------------------------------------------------- pre-commit config

def test_pre_commit_config_example_names_the_hooks():
    cfg = yaml.safe_load((EXAMPLES / "pre-commit-config.yaml").read_text())
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ids = {h["id"] for h in hooks}
    used = [h["id"] for repo in cfg["repos"] for h in repo["hooks"]]
    assert set(used) == {"credfence", "credfence-agent-files"} <= ids
    for h in hooks:
        assert h["language"] == "python" and h["entry"].startswith("credfence ")
    by_id = {h["id"]: h for h in hooks}
    # like every other hook, credfence scans the files pre-commit passes
    assert by_id["credfence"].get("pass_filenames", True) is True and not by_id["credfence"].get("always_run")
    assert by_id["credfence-agent-files"]["pass_filenames"] is False
    assert cfg["repos"][0]["rev"] == TAG


def test_own_report_on_disk_is_not_a_finding(pr_clone):
    clone, old, new = pr_clone
    env = ci_env()
    for fmt in ("json", "sarif"):
        p = sh(f"credfence scan . --no-history --format {fmt} --output credfence.{fmt} --quiet", clone, env)
        assert p.returncode == 1, p.stdout + p.stderr
    p = sh("credfence scan . --no-history --format json --quiet", clone, env)
    paths = {loc["path"] for f in json.loads(p.stdout)["findings"] for loc in f["locations"]}
    assert not paths & {"credfence.json", "credfence.sarif"}, paths
