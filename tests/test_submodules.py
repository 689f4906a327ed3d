"""Nested repositories (submodules, nested clones) are their own repositories: counted as
skipped by default, scanned with their own history and git status with --recurse-submodules."""
from __future__ import annotations

import random
import string

from gitrepo import Repo, by_sha, scan_json, sha


def _token(prefix: str, n: int = 36) -> str:
    r = random.Random(prefix)
    return prefix + "".join(r.choice(string.ascii_letters + string.digits) for _ in range(n))


def test_nested_repository_skipped_then_scanned_with_its_history(tmp_path):
    outer = Repo(tmp_path / "outer")
    outer.commit("app", {"app.py": "print('hi')\n"})
    inner = Repo(outer.path / "vendor" / "lib")
    npm = _token("npm_")
    inner.commit("token", {"ci/publish.sh": f"NPM_TOKEN={npm}\n"})
    inner.commit("drop token", {"ci/publish.sh": None})

    rep, p = scan_json(outer.path)
    assert p.returncode == 0, p.stderr
    assert rep["stats"]["skipped"].get("nested-repository") == 1

    rep, p = scan_json(outer.path, "--recurse-submodules")
    assert p.returncode == 1, p.stderr
    f = by_sha(rep)[sha(npm)]
    hist = [loc for loc in f["locations"] if loc["kind"] == "history"]
    assert [loc["path"] for loc in hist] == ["vendor/lib/ci/publish.sh"]
    assert hist[0]["commit"] == inner.head("HEAD~1")
