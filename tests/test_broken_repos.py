"""Issue 7.4: repositories in every state of disrepair. A clear one-line message and exit
2 where nothing could be scanned, partial results with a warning where some could, and
never a traceback. Issue 13.6: a scan that could not cover what it was asked is never
clean: `stats.incomplete` says what and why, and the exit code is 3."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gitrepo import Repo, git_env, sha
from helpers import GITHUB, STRIPE, assert_clean_exit, clean_env, cli

OLD = "sk_live_" + "Hist0ryRmn86Xx1XR2hlqeIjuI6Kq"  # only in history


def scan(path: Path, *args: str, env=None, codes=(0, 1)):
    p = cli("scan", str(path), "--format", "json", "-q", *args, env=env, timeout=60)
    assert_clean_exit(p, codes)
    rep = json.loads(p.stdout) if p.returncode in (0, 1, 3) else None
    if rep is not None:  # exit 3 exactly when something was not covered
        assert bool(rep["stats"]["incomplete"]) == (p.returncode == 3), (p.returncode, rep["stats"]["incomplete"])
    return rep, p


def shas(rep: dict) -> set[str]:
    return {f["secret_sha256"] for f in rep["findings"]}


@pytest.fixture
def src(tmp_path):
    r = Repo(tmp_path / "src")
    r.commit("one", {"old.env": f"STRIPE_KEY={OLD}\n"})
    r.commit("two", {"old.env": None, "app.py": f'TOKEN = "{GITHUB}"\n'})
    return r


def test_shallow_clone_scans_and_warns(src, tmp_path):
    dst = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{src.path}", str(dst)], env=git_env(), check=True)
    rep, p = scan(dst)
    assert sha(GITHUB) in shas(rep)
    assert sha(OLD) not in shas(rep)  # not in the local history
    assert any("shallow" in w for w in rep["warnings"])


def test_repository_without_commits(tmp_path):
    r = Repo(tmp_path / "empty")
    r.write("app.env", f"STRIPE_KEY={STRIPE}\n")
    rep, _ = scan(r.path)
    assert sha(STRIPE) in shas(rep)
    r.git("add", "app.env")
    rep, _ = scan(r.path, "--staged")
    assert sha(STRIPE) in shas(rep)
    scan(r.path, "--since", "HEAD", codes=(2,))  # no such ref yet: one line, exit 2


def test_corrupt_loose_object(src):
    blob = src.git("rev-parse", "HEAD~1:old.env")
    obj = src.path / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"\x78\x9cgarbage, not zlib")
    rep, p = scan(src.path, codes=(3,))
    assert sha(GITHUB) in shas(rep)  # the work tree is still scanned
    assert rep["warnings"] and rep["stats"]["skipped"].get("missing-object"), "a silent partial scan"
    assert sha(OLD) not in shas(rep)
    gaps = rep["stats"]["incomplete"]
    assert len(gaps) == 1 and gaps[0]["what"].startswith("history") and "1 " in gaps[0]["what"] + gaps[0]["reason"], gaps


def test_a_blob_missing_from_the_object_store_is_incomplete_not_clean(src):
    """A tree names a blob no pack or loose object holds (a copy that lost objects, a
    partial clone): the object listing never shows it, and the scan used to skip it in
    silence (firebase/quickstart-js as fetched here misses one). It is counted, warned
    about, and the scan is incomplete (exit 3)."""
    blob = src.git("rev-parse", "HEAD~1:old.env")
    obj = src.path / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.unlink()
    rep, p = scan(src.path, codes=(3,))
    assert sha(GITHUB) in shas(rep)
    assert rep["stats"]["skipped"].get("missing-object") == 1, rep["stats"]
    gaps = rep["stats"]["incomplete"]
    assert len(gaps) == 1 and gaps[0]["what"].startswith("history: 1 "), gaps
    # a subdirectory's scan does not count a blob outside it
    (src.path / "sub").mkdir()
    rep, _ = scan(src.path / "sub", codes=(0, 1))
    assert not rep["stats"]["incomplete"]


def test_missing_packfile(src):
    src.git("repack", "-q", "-a", "-d")
    src.git("prune-packed")
    packs = list((src.path / ".git" / "objects" / "pack").glob("*.pack"))
    assert packs
    for pk in packs:
        pk.unlink()
    rep, p = scan(src.path, codes=(3,))
    assert sha(GITHUB) in shas(rep)
    assert rep["warnings"], "history could not be read, and nothing says so"


def test_worktree(src, tmp_path):
    wt = tmp_path / "wt"
    src.git("worktree", "add", "-q", "-b", "side", str(wt), "HEAD~1")
    # its git directory is the main repository's: outside the scanned directory (issue 13.8)
    _, p = scan(wt, codes=(2,))
    assert "--allow-outside-git-dir" in p.stderr
    rep, _ = scan(wt, "--allow-outside-git-dir")
    by = {f["secret_sha256"]: f for f in rep["findings"]}
    assert {loc["kind"] for loc in by[sha(OLD)]["locations"]} == {"worktree", "history"}
    assert sha(GITHUB) in by  # the main branch's history is the same repository's


def test_bare_repository_is_history_only(src, tmp_path):
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(src.path), str(bare)], env=git_env(), check=True)
    rep, _ = scan(bare)
    assert {sha(OLD), sha(GITHUB)} <= shas(rep)
    assert all(loc["kind"] == "history" for f in rep["findings"] for loc in f["locations"])
    # a broken bare repository: nothing can be scanned -> exit 2, one line
    for pk in (bare / "objects").rglob("*"):
        if pk.is_file():
            pk.chmod(0o644)
            pk.write_bytes(b"junk")
    (bare / "HEAD").write_text("junk\n")
    _, p = scan(bare, codes=(2, 3))


def test_dot_git_as_a_file(tmp_path):
    """Submodule style: `.git` is a file `gitdir: ...` pointing elsewhere."""
    wt = tmp_path / "work"
    gd = tmp_path / "gitdirs" / "work.git"
    wt.mkdir()
    gd.parent.mkdir()
    subprocess.run(["git", "init", "-q", "--separate-git-dir", str(gd), str(wt)], env=git_env(), check=True)
    assert (wt / ".git").is_file()
    r = Repo.__new__(Repo)
    r.path, r.clock = wt, 1_700_000_000
    r.commit("one", {"old.env": f"STRIPE_KEY={OLD}\n"})
    r.commit("two", {"old.env": None, "app.py": f'TOKEN = "{GITHUB}"\n'})
    # the git directory is outside the scanned directory: refused unless asked (issue 13.8)
    _, p = scan(wt, codes=(2,))
    assert "--allow-outside-git-dir" in p.stderr
    rep, _ = scan(wt, "--allow-outside-git-dir")
    assert {sha(OLD), sha(GITHUB)} <= shas(rep)
    # a dangling gitdir link: the files are still scanned, the history is not: incomplete
    (wt / ".git").write_text(f"gitdir: {tmp_path / 'nowhere'}\n")
    rep, _ = scan(wt, "--allow-outside-git-dir", codes=(3,))
    assert sha(GITHUB) in shas(rep)
    assert rep["stats"]["incomplete"][0]["what"] == "history"
    scan(wt, "--history", "--allow-outside-git-dir", codes=(2,))
    # a dangling gitdir link inside the directory
    (wt / ".git").write_text("gitdir: ./nowhere\n")
    rep, _ = scan(wt, codes=(3,))
    assert sha(GITHUB) in shas(rep)


def test_git_not_installed(src, tmp_path):
    env = clean_env(PATH=str(tmp_path / "empty-bin"))
    rep, p = scan(src.path, env=env)
    assert sha(GITHUB) in shas(rep) and sha(OLD) not in shas(rep)
    assert any("git" in w for w in rep["warnings"])
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "k.env").write_text(f"STRIPE_KEY={STRIPE}\n")
    rep, _ = scan(plain, env=env)
    assert sha(STRIPE) in shas(rep)
    for extra in (["--staged"], ["--history"], ["--since", "HEAD~1"]):
        _, p = scan(src.path, *extra, env=env, codes=(2,))
        assert "git" in p.stderr


def test_history_walk_fails_after_the_probe_started(src):
    """A corrupt tree stops git log while the object listing and the probe of the blobs are
    under way: the history is reported as not scanned, the probe is stopped, and the work
    tree is still scanned, by a pool of its own."""
    tree = src.git("rev-parse", "HEAD~1^{tree}")
    obj = src.path / ".git" / "objects" / tree[:2] / tree[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"\x78\x9cgarbage, not zlib")
    rep, p = scan(src.path, "--jobs", "2", codes=(3,))
    assert sha(GITHUB) in shas(rep)
    assert any("history not scanned" in w for w in rep["warnings"]), rep["warnings"]
    assert "credfence: incomplete: history:" in p.stderr


def test_malformed_config_is_incomplete_not_clean(src):
    """Issue 13.6: git cannot open the repository: the files are scanned, the history is
    not, and the scan says so (exit 3), never "No credentials found" with exit 0."""
    with open(src.path / ".git" / "config", "a") as fh:
        fh.write("[core\nbroken")
    rep, p = scan(src.path, codes=(3,))
    assert sha(GITHUB) in shas(rep) and sha(OLD) not in shas(rep)
    assert rep["stats"]["incomplete"][0]["what"] == "history"
    assert "bad config" in rep["stats"]["incomplete"][0]["reason"]
    p = cli("scan", str(src.path), timeout=60)  # the text report says it too
    assert p.returncode == 3 and "incomplete" in p.stdout and "No credentials found." not in p.stdout
    scan(src.path, "--history", codes=(2,))  # asked for explicitly: one line, exit 2


def test_ref_to_a_missing_object_is_incomplete_not_clean(src):
    (src.path / ".git" / "refs" / "heads" / "ghost").write_text("1234567890" * 4 + "\n")
    rep, p = scan(src.path, codes=(3,))
    assert sha(GITHUB) in shas(rep)
    assert any("ghost" in i["reason"] for i in rep["stats"]["incomplete"]), rep["stats"]["incomplete"]
    assert "credfence: incomplete:" in p.stderr


def test_nested_repository_that_cannot_be_scanned_is_incomplete(src, tmp_path):
    inner = Repo(src.path / "vendor" / "lib")
    inner.commit("x", {"x.txt": "1\n"})
    with open(inner.path / ".git" / "config", "a") as fh:
        fh.write("[core\nbroken")
    rep, _ = scan(src.path, "--recurse-submodules", codes=(3,))
    assert any(i["what"].startswith("vendor/lib") for i in rep["stats"]["incomplete"]), rep["stats"]["incomplete"]
