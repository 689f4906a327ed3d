"""The pre-commit hooks through the real pre-commit framework (issue 6).

`pre-commit try-repo` runs the hooks of this checkout's committed HEAD (the manifest
`.pre-commit-hooks.yaml` and the code), building the hook's virtualenv from the clone with
pip exactly as a user's machine does. try-repo uses a fresh store on every call, so it is
used for the two headline cases; the other cases install the same hooks (`repo:` this
checkout, `rev:` its HEAD) with `pre-commit install` into a temporary repository and run
real `git commit`s, with one PRE_COMMIT_HOME for the module so the hook env is built once.

Secrets are generated at run time (random, valid shapes), never literals.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import ROOT, Repo, git_env, github_pat, live_value



def stripe_live() -> str:
    return "sk_live_" + live_value(99, prefix="sk_live_")


def _head() -> str | None:
    p = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if p.returncode != 0:
        return None
    has = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"],
                         capture_output=True)
    return p.stdout.strip() if has.returncode == 0 else None


HEAD = _head()
pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(HEAD is None, reason="the checkout has no committed .pre-commit-hooks.yaml"),
]
try:
    import pre_commit  # noqa: F401
except ImportError:  # pragma: no cover
    pytestmark.append(pytest.mark.skip(reason="pre-commit is not installed (pip install -e '.[test]')"))


def env_for(home: Path) -> dict[str, str]:
    env = git_env()
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("PRE_COMMIT", None)
    env.pop("CREDFENCE_DEBUG", None)
    # the hook's own virtualenv must provide `credfence`, not the one running the tests
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if Path(sys.executable).parent != Path(p))
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout)


def precommit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "pre_commit", *args], cwd, env)


def out(p: subprocess.CompletedProcess) -> str:
    return p.stdout + p.stderr


def assert_no_secret(text: str, *values: str) -> None:
    for v in values:
        assert v not in text, "a full secret was printed"
        assert v[-12:] not in text, "the tail of a secret was printed"


# ----------------------------------------------------------------------------- try-repo

def _staged_repo(path: Path, files: dict[str, str]) -> Repo:
    repo = Repo(path)
    repo.write("README.md", "hello\n")
    repo.git("add", "README.md")
    repo.git("commit", "-q", "-m", "init")
    for rel, text in files.items():
        repo.write(rel, text)
    repo.git("add", "-A")
    return repo


def test_try_repo_against_the_checkout(tmp_path):
    """`pre-commit try-repo <checkout> credfence --ref HEAD` on three temporary repositories:
    a staged live Stripe key and GitHub token fail the hook, and the output names provider,
    file:line, redacted value and severity, never the secret; a clean change passes; lines
    allowlisted with `credfence: allow` / `pragma: allowlist secret` pass.

    try-repo builds the hook env from scratch on every call (a private store), so the three
    runs go in parallel."""
    stripe, gh = stripe_live(), github_pat()
    cases = {
        "blocked": _staged_repo(tmp_path / "blocked", {
            "billing/charge.py": f'import os\n\nSTRIPE_KEY = "{stripe}"\n',
            "deploy/ci.sh": f"#!/bin/sh\nexport GITHUB_TOKEN={gh}\n",
        }),
        "clean": _staged_repo(tmp_path / "clean", {
            "app.py": "import os\n\nSTRIPE_KEY = os.environ['STRIPE_KEY']\n",
        }),
        "allowlisted": _staged_repo(tmp_path / "allowlisted", {
            "fixtures.py": f'A = "{stripe_live()}"  # credfence: allow\n'
                           f'B = "{github_pat()}"  # pragma: allowlist secret\n',
        }),
    }
    procs = {
        name: subprocess.Popen([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "credfence",
                                "--ref", HEAD, "--verbose"], cwd=str(repo.path),
                               env=env_for(tmp_path / f"home-{name}"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        for name, repo in cases.items()
    }
    results = {}
    for name, proc in procs.items():
        o, e = proc.communicate(timeout=600)
        results[name] = (proc.returncode, o + e)

    code, text = results["blocked"]
    assert code == 1, text
    assert "Failed" in text and "- hook id: credfence" in text, text
    assert "billing/charge.py:3" in text and "deploy/ci.sh:2" in text, text
    assert "stripe" in text and "github" in text, text
    assert "critical" in text, text
    assert stripe[:10] in text and gh[:6] in text, text  # the redacted forms keep the public prefix
    assert "…" in text
    assert "What to do" in text
    assert_no_secret(text, stripe, gh)

    for name in ("clean", "allowlisted"):
        code, text = results[name]
        assert code == 0, (name, text)
        assert "Passed" in text, (name, text)


# ----------------------------------------------------------------------------- installed hooks

CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: credfence
      - id: credfence-agent-files
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """One PRE_COMMIT_HOME for the module: the hook env is built once, on first use."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def hooked(tmp_path, home):
    """A repository with this checkout's hooks installed by `pre-commit install`."""
    repo = Repo(tmp_path / "r")
    env = env_for(home)
    repo.write(".pre-commit-config.yaml", CONFIG.format(repo=ROOT, rev=HEAD))
    repo.write("README.md", "hello\n")
    repo.git("add", "-A")
    p = precommit("install", cwd=repo.path, env=env)
    assert p.returncode == 0, out(p)
    # install the hook environments now (once per module), so commits below are quick
    p = precommit("install-hooks", cwd=repo.path, env=env)
    assert p.returncode == 0, out(p)
    p = commit(repo, env, "init")
    assert p.returncode == 0, out(p)
    return repo, env


def commit(repo: Repo, env: dict[str, str], msg: str) -> subprocess.CompletedProcess:
    return run(["git", "commit", "-m", msg], repo.path, env)


def head_count(repo: Repo) -> int:
    return int(repo.git("rev-list", "--count", "HEAD"))


def test_git_commit_blocked_by_staged_key(hooked):
    repo, env = hooked
    key = stripe_live()
    repo.write("settings.py", f"DEBUG = False\nSTRIPE_SECRET_KEY = '{key}'\n")
    repo.git("add", "settings.py")
    before = head_count(repo)
    p = commit(repo, env, "add settings")
    assert p.returncode != 0, out(p)
    assert head_count(repo) == before, "the commit was recorded despite the hook"
    assert "settings.py:2" in out(p) and "stripe" in out(p) and "critical" in out(p)
    assert_no_secret(out(p), key)
    # the fix the hook suggests works: move it to the environment, stage again, commit
    repo.write("settings.py", "import os\nDEBUG = False\nSTRIPE_SECRET_KEY = os.environ['STRIPE_SECRET_KEY']\n")
    repo.git("add", "settings.py")
    p = commit(repo, env, "add settings")
    assert p.returncode == 0, out(p)
    assert head_count(repo) == before + 1


@pytest.mark.parametrize("marker", ["# credfence: allow", "# pragma: allowlist secret", "# gitleaks:allow"])
def test_git_commit_allowlisted_line_passes(hooked, marker):
    repo, env = hooked
    repo.write("tests/fixture.py", f'TOKEN = "{github_pat()}"  {marker}\n')
    repo.git("add", "-A")
    p = commit(repo, env, "fixture")
    assert p.returncode == 0, out(p)


def test_git_commit_marker_on_previous_line_passes(hooked):
    repo, env = hooked
    repo.write("tests/fixture.py", f'# credfence: allow\nTOKEN = "{stripe_live()}"\n')
    repo.git("add", "-A")
    assert commit(repo, env, "fixture").returncode == 0


def test_git_commit_secret_only_in_working_copy_passes(hooked):
    """Staged content is what counts: a clean staged version commits, whatever the working
    copy holds, and a staged secret blocks even when the working copy is clean again."""
    repo, env = hooked
    key = stripe_live()
    repo.write("app.py", "import os\nKEY = os.environ['KEY']\n")
    repo.git("add", "app.py")
    repo.write("app.py", f"import os\nKEY = '{key}'\n")  # not staged
    p = commit(repo, env, "clean staged version")
    assert p.returncode == 0, out(p)
    assert key in (repo.path / "app.py").read_text(), "the working copy must be left as it was"
    assert key not in repo.git("show", "HEAD:app.py")

    # the reverse: the secret staged, the working copy cleaned afterwards: still blocked
    repo.git("add", "app.py")
    repo.write("app.py", "import os\nKEY = os.environ['KEY']\n")
    p = commit(repo, env, "secret staged")
    assert p.returncode != 0, out(p)
    assert "app.py:2" in out(p)
    assert_no_secret(out(p), key)


def test_scan_staged_reads_the_index_not_the_working_copy(tmp_path):
    """The CLI directly (no pre-commit stash in between): only the index counts."""
    cf = Path(sys.executable).parent / "credfence"
    cmd = [str(cf)] if cf.exists() else [sys.executable, "-m", "scanner.cli"]
    env = git_env()
    repo = Repo(tmp_path / "r")
    repo.write("a.txt", "x\n")
    repo.git("add", "a.txt")
    repo.git("commit", "-q", "-m", "init")
    key = stripe_live()
    repo.write("a.txt", f"x\nkey={key}\n")  # working copy only
    p = run([*cmd, "scan", "--staged", "--quiet"], repo.path, env)
    assert p.returncode == 0, out(p)
    repo.git("add", "a.txt")
    repo.write("a.txt", "x\n")  # index has it, working copy does not
    p = run([*cmd, "scan", "--staged", "--quiet"], repo.path, env)
    assert p.returncode == 1, out(p)
    assert "a.txt:2" in out(p)
    assert_no_secret(out(p), key)


def test_agent_files_hook_red_then_green(hooked):
    """credfence-agent-files: a credential file (git-ignored .env) not hidden from the
    agent configured here (CLAUDE.md: Claude Code) fails the commit; after
    `credfence ignore --write` and staging the written file, the commit passes."""
    repo, env = hooked
    key = stripe_live()
    repo.write(".gitignore", ".env\n")
    repo.write("CLAUDE.md", "# Notes for the agent\n")
    repo.write(".env", f"STRIPE_SECRET_KEY={key}\n")
    repo.git("add", ".gitignore", "CLAUDE.md")
    p = commit(repo, env, "agent notes")
    assert p.returncode != 0, out(p)
    assert "credfence-agent-files" in out(p)
    assert ".claude/settings.json" in out(p) and "credfence ignore --write" in out(p)
    assert "does not hide .env" in out(p), out(p)  # the credential file that turned it red
    assert_no_secret(out(p), key)

    # the hook's env has credfence; use it, as a user following the hint would
    venvs = list(Path(env["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/bin/credfence"))
    assert venvs, "the hook env has no credfence script"
    p = run([str(venvs[0]), "ignore", "--write"], repo.path, env)
    assert p.returncode == 0, out(p)
    repo.git("add", ".claude/settings.json")
    p = commit(repo, env, "agent notes")
    assert p.returncode == 0, out(p)
    assert "Read(/.env)" in repo.git("show", "HEAD:.claude/settings.json")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
def test_scan_staged_symlink_replaced_by_a_file_with_a_key(tmp_path):
    """A type change (symlink -> regular file) is new content: it must be scanned."""
    cf = Path(sys.executable).parent / "credfence"
    cmd = [str(cf)] if cf.exists() else [sys.executable, "-m", "scanner.cli"]
    repo = Repo(tmp_path / "r")
    repo.write("target.txt", "x\n")
    os.symlink("target.txt", repo.path / "link")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "init")
    (repo.path / "link").unlink()
    key = stripe_live()
    repo.write("link", f"KEY={key}\n")
    repo.git("add", "link")
    assert " T\t" in repo.git("diff", "--cached", "--raw")
    p = run([*cmd, "scan", "--staged", "--quiet"], repo.path, git_env())
    assert p.returncode == 1, out(p)
    assert "link:1" in out(p)
    assert_no_secret(out(p), key)


# ----------------------------------------------------------------------------- the README's config, --all-files

@pytest.fixture(scope="module")
def tagged_clone(tmp_path_factory) -> Path:
    """A local clone of this checkout with the release tag the README's `rev:` names."""
    import yaml

    rev = yaml.safe_load((ROOT / "examples" / "pre-commit-config.yaml").read_text())["repos"][0]["rev"]
    clone = tmp_path_factory.mktemp("upstream") / "credfence"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], env=git_env(), check=True, capture_output=True)
    # the tag names this checkout's HEAD (the code under test), wherever the original points
    subprocess.run(["git", "-C", str(clone), "tag", "-f", rev, HEAD], env=git_env(), check=True, capture_output=True)
    return clone


def test_readme_config_run_all_files_blocks_a_committed_token_and_passes_a_clean_tree(tmp_path, home, tagged_clone):
    """examples/pre-commit-config.yaml as a user copies it (`rev: v0.1.0`, the repository
    URL pointed at a local clone with that tag): `pre-commit run --all-files` fails on a
    token committed earlier (without the hook), naming file:line, the labels and the
    matched line with the secret redacted; it passes once the tree is clean. No agent is
    configured in the repository, so credfence-agent-files passes throughout."""
    env = env_for(home)
    cfg = (ROOT / "examples" / "pre-commit-config.yaml").read_text()
    cfg = cfg.replace("https://github.com/credfence/credfence", str(tagged_clone))
    repo = Repo(tmp_path / "r")
    key = stripe_live()
    repo.write(".pre-commit-config.yaml", cfg)
    repo.write("README.md", "hello\n")
    repo.write("scripts/release.sh", f"#!/bin/sh\nexport STRIPE_SECRET_KEY={key}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "init")  # no hook installed: the token is in the tree
    p = precommit("run", "--all-files", cwd=repo.path, env=env)
    text = out(p)
    assert p.returncode == 1, text
    assert "- hook id: credfence" in text and "scripts/release.sh:2" in text, text
    assert "env=" in text and "scope=" in text and "privilege=" in text and "confidence=" in text, text
    assert f"export STRIPE_SECRET_KEY={key[:10]}" in text, text  # the matched line, redacted in place
    assert_no_secret(text, key)
    assert "credfence (agent ignore/deny files up to date)" in text
    assert re.search(r"agent ignore/deny files up to date\)\.+Passed", text), text

    repo.write("scripts/release.sh", "#!/bin/sh\nexport STRIPE_SECRET_KEY=\"$STRIPE_SECRET_KEY\"\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "from the environment")
    p = precommit("run", "--all-files", cwd=repo.path, env=env)
    assert p.returncode == 0, out(p)
    assert "Passed" in out(p)
