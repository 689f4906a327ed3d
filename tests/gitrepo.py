"""Real git repositories in temporary directories, for tests: no mocks of git.

Every git call runs with system and global configuration switched off and a fixed author
and committer, so repositories (and commit ids, given the same content and clock) are the
same on every machine.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git_env(when: int = 1_700_000_000) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.com",
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
        "GIT_TERMINAL_PROMPT": "0",
    })
    return env


class Repo:
    """A git repository (or, with git=False, a plain directory) under `path`."""

    def __init__(self, path: Path, git: bool = True, branch: str = "main"):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.clock = 1_700_000_000
        if git:
            self.git("init", "-q", "-b", branch)

    # ---- plumbing ------------------------------------------------------------------------
    def git(self, *args: str, check: bool = True, input: str | None = None) -> str:
        p = subprocess.run(["git", "-C", str(self.path), *args], env=git_env(self.clock), input=input,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if check and p.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {p.stderr.strip()}")
        return p.stdout.strip()

    # ---- content ---------------------------------------------------------------------------
    def write(self, rel: str, content: str | bytes) -> Path:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content)
        return p

    def remove(self, rel: str) -> None:
        (self.path / rel).unlink()

    def commit(self, msg: str = "change", files: dict[str, str | bytes | None] | None = None) -> str:
        """Write `files` (None deletes), stage everything, commit; return the commit id.
        Each commit is one day after the previous one, so dates tell commits apart."""
        for rel, content in (files or {}).items():
            if content is None:
                self.git("rm", "-q", "--cached", "--ignore-unmatch", rel)
                if (self.path / rel).exists():
                    self.remove(rel)
            else:
                self.write(rel, content)
        self.git("add", "-A")
        self.clock += 86400
        self.git("commit", "-q", "--allow-empty", "-m", msg)
        return self.head()

    def head(self, ref: str = "HEAD") -> str:
        return self.git("rev-parse", ref)

    def date(self, ref: str = "HEAD") -> str:
        return self.git("log", "-1", "--format=%aI", ref)

    def branch(self, name: str, start: str | None = None) -> None:
        self.git("branch", name, *([start] if start else []))

    def checkout(self, ref: str, new: bool = False) -> None:
        self.git("checkout", "-q", *(["-b"] if new else []), ref)

    def tag(self, name: str, ref: str = "HEAD", annotated: bool = False) -> None:
        if annotated:
            self.git("tag", "-a", "-m", name, name, ref)
        else:
            self.git("tag", name, ref)

    def stash(self, include_untracked: bool = False) -> str:
        self.clock += 86400
        self.git("stash", "push", "-q", *(["--include-untracked"] if include_untracked else []))
        return self.head("refs/stash")


def credfence(*args: str, cwd: Path | None = None, timeout: float = 300,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI (`python -m scanner.cli`) in a subprocess; `env` adds variables."""
    env = {**{k: v for k, v in os.environ.items() if k not in ("CREDFENCE_DEBUG", "CREDFENCE_ENGINE")}, **(env or {})}
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=str(cwd or ROOT), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


def scan_json(root: Path, *args: str, out: Path | None = None,
              env: dict[str, str] | None = None) -> tuple[dict, subprocess.CompletedProcess]:
    """`credfence scan ROOT --format json --output FILE ARGS...`; the parsed report."""
    import json

    out = out or root.parent / f"{root.name}-report.json"
    p = credfence("scan", str(root), "--format", "json", "--output", str(out), "--quiet", *args, env=env)
    assert p.returncode in (0, 1), f"exit {p.returncode}: {p.stderr}"
    return json.loads(out.read_text()), p


def stdout_report(cwd: Path, *extra: str) -> tuple[int, dict]:
    """`credfence scan . --format json` run inside cwd; exit code and the parsed report."""
    import json

    p = credfence("scan", ".", "--format", "json", "--quiet", *extra, cwd=cwd)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode, json.loads(p.stdout)


def by_sha(report: dict) -> dict[str, dict]:
    """Findings of a JSON report keyed by secret_sha256."""
    return {f["secret_sha256"]: f for f in report["findings"]}


def sha(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode()).hexdigest()


def scan_api(root: Path, task_paths: list[str] | None = None, task_text: str | None = None, **opts):
    """The scan in process (same code as the CLI: run_scan, then annotate): the findings."""
    from scanner.scan import ScanOptions, annotate, run_scan
    from scanner.scope import TaskScope

    opts.setdefault("jobs", 1)
    result = run_scan(ScanOptions(root=Path(root), task_paths=list(task_paths or []), task_text=task_text, **opts))
    annotate(result, TaskScope(task_paths, task_text))
    return result


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """A plain directory (no git) holding `files`."""
    for rel, content in files.items():
        p = Path(root) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    return Path(root)


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def live_value(n: int, alphabet: str = ALNUM, prefix: str = "") -> str:
    """n characters drawn at random (never a fixed literal) that no placeholder check takes
    for a placeholder: a draw that holds `DUMmY` or `qwERty` is one, by design (a one-line
    value's words keep any casing), and one holding `xXxX` was too before x's had to be of one
    case; each made a test fail by chance in CI."""
    import secrets

    from detectors.placeholders import is_placeholder

    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(n))
        if not is_placeholder(prefix + body, [prefix] if prefix else []):
            return body


def github_pat() -> str:
    """A fresh fake classic GitHub token with a valid checksum (never a fixed literal)."""
    from detectors.validators import github_checksum

    body = live_value(30, prefix="ghp_")
    return f"ghp_{body}{github_checksum(body)}"
