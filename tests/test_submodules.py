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


def _submodule_with_hostile_config(tmp_path):
    """A superproject with a real submodule (git directory in .git/modules/lib) whose own
    config, not the superproject's, defines a filter driver and other programs, and whose
    work tree has a stat-dirty file the filter applies to. Returns (super, marker dir)."""
    import os
    import subprocess

    from gitrepo import git_env

    mdir = tmp_path / "markers"
    mdir.mkdir()

    def script(name, tail=""):
        p = tmp_path / "bin" / name
        p.parent.mkdir(exist_ok=True)
        p.write_text(f"#!/bin/sh\ntouch '{mdir / name}'\n{tail}")
        p.chmod(0o755)
        return p

    lib = Repo(tmp_path / "lib-src")
    npm = _token("npm_")
    lib.commit("one", {"lib.py": "x = 1\n", ".gitattributes": "* filter=subevil diff=subevil\n"})
    lib.commit("token", {"publish.sh": f"NPM_TOKEN={npm}\n"})
    sup = Repo(tmp_path / "super")
    sup.commit("one", {"app.py": "print(1)\n"})
    subprocess.run(["git", "-C", str(sup.path), "-c", "protocol.file.allow=always", "submodule", "add", "-q",
                    str(lib.path), "lib"], env=git_env(), check=True, capture_output=True)
    sup.commit("add lib")
    sup.commit("later", {"app.py": "print(2)\n"})
    cfg = sup.path / ".git" / "modules" / "lib" / "config"
    assert cfg.is_file()
    clean, smudge = script("sub-clean", "cat"), script("sub-smudge", "cat")
    textconv, fsmonitor = script("sub-textconv", 'cat "$1"'), script("sub-fsmonitor")
    with open(cfg, "a") as fh:
        fh.write(f'[filter "subevil"]\n\tclean = {clean}\n\tsmudge = {smudge}\n\trequired = true\n'
                 f'[diff "subevil"]\n\ttextconv = {textconv}\n[core]\n\tfsmonitor = {fsmonitor}\n')
    lib_py = sup.path / "lib" / "lib.py"
    lib_py.write_text("x = 1\n")  # same content, new mtime: stat-dirty, git must read it
    os.utime(lib_py, (1, 1))
    return sup, mdir, npm


def test_since_never_enters_a_submodule(tmp_path):
    """Issue 13.2: `scan --since REF` diffed into the submodule, whose own config's filter ran."""
    import os
    import subprocess

    from gitrepo import git_env
    from helpers import assert_clean_exit, clean_env, cli

    sup, mdir, _ = _submodule_with_hostile_config(tmp_path)
    # control: plain git's diff does run the submodule's filter
    subprocess.run(["git", "-C", str(sup.path), "diff", "--name-only", "HEAD~1"], env=git_env(), capture_output=True)
    assert "sub-clean" in os.listdir(mdir), os.listdir(mdir)
    for m in os.listdir(mdir):
        os.unlink(mdir / m)
    for args in (["--since", "HEAD~1"], ["--since", "HEAD~2"], ["--staged"], [], ["--no-history"],
                 ["--recurse-submodules"], ["--since", "HEAD~2", "--recurse-submodules"]):
        p = cli("scan", str(sup.path), "--format", "json", "-q", *args, env=clean_env(HOME=str(tmp_path)))
        assert os.listdir(mdir) == [], (args, os.listdir(mdir))
        assert_clean_exit(p, (0, 1))
    for cmd in (["audit", "--recurse-submodules"], ["ignore"], ["baseline", "--output", str(tmp_path / "b.json")]):
        p = cli(cmd[0], str(sup.path), *cmd[1:], env=clean_env(HOME=str(tmp_path)))
        assert os.listdir(mdir) == [], (cmd, os.listdir(mdir))
        assert_clean_exit(p, (0, 1))


def test_recurse_submodules_scans_a_real_submodule_inside_the_root(tmp_path):
    """The submodule's git directory is in the superproject's .git/modules: inside the
    scanned root, so --recurse-submodules needs no --allow-outside-git-dir; its history is
    scanned with its own hardening."""
    sup, mdir, npm = _submodule_with_hostile_config(tmp_path)
    rep, p = scan_json(sup.path, "--recurse-submodules")
    assert p.returncode == 1, p.stderr
    f = by_sha(rep)[sha(npm)]
    assert {loc["path"] for loc in f["locations"]} == {"lib/publish.sh"}
    assert rep["stats"]["incomplete"] == []
    import os
    assert os.listdir(mdir) == []
    # scanned on its own, the submodule's git directory is outside it
    from helpers import assert_clean_exit, cli
    p = cli("scan", str(sup.path / "lib"), "--format", "json", "-q")
    assert_clean_exit(p, (2,))
    assert "--allow-outside-git-dir" in p.stderr
