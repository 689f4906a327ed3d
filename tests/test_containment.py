"""Issue 7.2: containment. Symlinks out of the root are not followed, symlink loops end,
odd file names (`..` in a name, newlines, non-UTF-8 bytes, leading dashes, spaces) are
scanned under their own names, and a scan changes nothing on disk but the report file
the user asked for."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gitrepo import Repo, sha
from helpers import GITHUB, STRIPE, assert_clean_exit, cli, snapshot

OUTSIDE = "sk_live_" + "Ou7s1deRmn86Xx1XR2hlqeIjuI6Kq"  # must never be reported
INSIDE = "sk_live_" + "In51deWq8Lp2Rt6Ym4Zx9Cv3Bn7Qa"


def stripe(n: int) -> str:
    """A distinct Stripe-shaped key per odd name."""
    return "sk_live_" + f"N{n}me" + "Rmn86Xx1XR2hlqeIjuI62hIrK"[: 24 - len(str(n))]


ODD_NAMES = [b"a..b.env", b"..hidden.env", b"new\nline.env", b"-rf", b"--output=x.env",
             b"with space.env", b"tab\there.env", b"quote\"and'.env", b"back\\slash.env", b"\xe2\x98\x83 snow.env",
             b"dir with space/-n", b"--/x.env"]
NON_UTF8 = [b"bad\xff\xfename.env", b"latin1-caf\xe9.env"]


def findings_by_sha(rep: dict) -> dict[str, dict]:
    return {f["secret_sha256"]: f for f in rep["findings"]}


def paths_of(f: dict, kind: str = "worktree") -> set[str]:
    """Exact names: a name that is not UTF-8 is in "path_b64" (issue 13), as os.fsdecode has it."""
    import base64
    return {os.fsdecode(base64.b64decode(loc["path_b64"])) if "path_b64" in loc else loc["path"]
            for loc in f["locations"] if loc["kind"] == kind}


@pytest.fixture
def outside(tmp_path):
    d = tmp_path / "outside"
    (d / "sub").mkdir(parents=True)
    (d / "secret.env").write_text(f"STRIPE_KEY={OUTSIDE}\n")
    (d / "sub" / "deep.env").write_text(f"STRIPE_KEY={OUTSIDE}\n")
    return d


def _links(root: Path, outside: Path) -> None:
    os.symlink(outside / "secret.env", root / "out-file.env")
    os.symlink(outside, root / "out-dir")
    os.symlink("../outside/sub", root / "out-rel")
    os.symlink("../../outside/secret.env", root / "nested" / "out-rel.env") if (root / "nested").is_dir() else None
    os.symlink("loop-b", root / "loop-a")
    os.symlink("loop-a", root / "loop-b")
    os.symlink(".", root / "self")
    os.symlink("..", root / "parent")
    os.symlink("/", root / "fsroot")
    os.symlink("/etc/passwd", root / "passwd")
    os.symlink("missing-target", root / "dangling")
    (root / "d").mkdir()
    os.symlink("..", root / "d" / "up")  # a directory loop inside the root
    (root / "real.env").write_text(f"STRIPE_KEY={INSIDE}\n")
    os.symlink("real.env", root / "link-to-real.env")
    os.symlink(str(root / "real.env"), root / "abs-link-to-real.env")


@pytest.mark.parametrize("git", [True, False], ids=["repo", "plain"])
def test_symlinks_out_of_the_root_are_not_followed(tmp_path, outside, git):
    root = tmp_path / "root"
    r = Repo(root, git=git)
    (root / "nested").mkdir()
    _links(root, outside)
    if git:
        r.commit("links")  # symlinks are committed as links: history holds no outside content
    out = tmp_path / "report.json"
    p = cli("scan", str(root), "--format", "json", "--output", str(out), "-q", timeout=60)
    assert_clean_exit(p)
    rep = json.loads(out.read_text())
    by = findings_by_sha(rep)
    assert sha(OUTSIDE) not in by, "a secret outside the root was reported"
    assert OUTSIDE not in out.read_text() + p.stdout + p.stderr
    f = by[sha(INSIDE)]
    assert paths_of(f) == {"real.env", "link-to-real.env", "abs-link-to-real.env"}
    sk = rep["stats"]["skipped"]
    assert sk.get("symlink-outside-root", 0) >= 5  # out-file, out-dir, out-rel, nested/out-rel, parent, /, passwd
    assert sk.get("symlink-loop", 0) + sk.get("symlink-broken", 0) >= 3  # loop-a, loop-b, dangling


def test_symlink_swapped_in_after_the_walk_is_not_followed(tmp_path, outside):
    """read_file opens with O_NOFOLLOW: a file replaced by a link to a secret outside the
    root between walk and read is a counted skip, never read."""
    from scanner.sources.workspace import read_file

    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside / "secret.env", root / "swapped.env")
    data, why = read_file(root, "swapped.env")
    assert data is None and why == "unreadable"
    os.symlink(outside / "sub", root / "swapped-dir")
    data, why = read_file(root, "swapped-dir/deep.env")
    assert data is None, "read through a symlinked directory component"
    assert read_file(root, "../outside/secret.env") == (None, "unreadable"), "left the root by a relative path"
    (root / "kept.env").write_text("KEY=value\n")
    assert read_file(root, "kept.env") == (b"KEY=value\n", None)


def _odd_tree(root: Path, names=ODD_NAMES) -> dict[bytes, str]:
    secrets = {}
    for i, name in enumerate(names, 100 if names is NON_UTF8 else 0):
        full = os.path.join(os.fsencode(root), name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as fh:
            fh.write(f"STRIPE_KEY={stripe(i)}\n".encode())
        secrets[name] = stripe(i)
    return secrets


def test_odd_file_names_are_scanned_under_their_own_names(tmp_path, names=ODD_NAMES):
    root = tmp_path / "root"
    r = Repo(root)
    secrets = _odd_tree(root, names)
    r.commit("odd names")
    # and a second commit so history attributes the blobs to the commit that added them
    r.commit("more", {"plain.env": f"GH={GITHUB}\n"})
    out = tmp_path / "report.json"
    p = cli("scan", str(root), "--format", "json", "--output", str(out), "-q", timeout=60)
    assert_clean_exit(p)
    by = findings_by_sha(json.loads(out.read_text()))
    for name, secret in secrets.items():
        f = by.get(sha(secret))
        assert f is not None, f"{name!r} not scanned"
        want = os.fsdecode(name)
        assert paths_of(f) == {want}, (name, f["locations"])
        assert {loc["status"] for loc in f["locations"] if loc["kind"] == "worktree"} == {"tracked"}, name
        assert paths_of(f, "history") == {want}, (name, f["locations"])


def test_non_utf8_file_names_are_scanned(tmp_path):
    test_odd_file_names_are_scanned_under_their_own_names(tmp_path, NON_UTF8)


def test_odd_names_in_a_plain_directory_and_in_the_index(tmp_path):
    root = tmp_path / "plain"
    root.mkdir()
    secrets = _odd_tree(root)
    p = cli("scan", str(root), "--format", "json", "-q", timeout=60)
    assert_clean_exit(p)
    by = findings_by_sha(json.loads(p.stdout))
    assert {n: paths_of(by[sha(s)]) for n, s in secrets.items()} == {n: {os.fsdecode(n)} for n in secrets}

    r = Repo(tmp_path / "repo")
    r.commit("init", {"README": "x\n"})
    staged = _odd_tree(r.path)
    r.git("add", "-A")
    p = cli("scan", str(r.path), "--staged", "--format", "json", "-q", timeout=60)
    assert_clean_exit(p)
    by = findings_by_sha(json.loads(p.stdout))
    got = {n: {loc["path"] for loc in by[sha(s)]["locations"]} for n, s in staged.items() if sha(s) in by}
    assert got == {n: {os.fsdecode(n)} for n in staged}


def test_root_named_like_an_option(tmp_path):
    """A root directory called `--help` or `-C` given as a relative path is a path to git, not
    an option."""
    for name in ("-C", "--exec-path=x", "--output=y"):
        r = Repo(tmp_path / name)
        r.commit("one", {"k.env": f"STRIPE_KEY={STRIPE}\n"})
        p = cli("scan", "--format", "json", "-q", "--", name, cwd=tmp_path)
        assert_clean_exit(p)
        assert sha(STRIPE) in findings_by_sha(json.loads(p.stdout)), name
    assert sorted(os.listdir(tmp_path)) == ["--exec-path=x", "--output=y", "-C"]


def test_core_worktree_pointing_outside_is_not_scanned(tmp_path, outside):
    """A hostile `core.worktree` aims git at another directory: credfence still walks only
    the root it was given and reports nothing from outside."""
    r = Repo(tmp_path / "root")
    r.commit("one", {"app.env": f"STRIPE_KEY={INSIDE}\n"})
    r.git("config", "core.worktree", str(outside))
    p = cli("scan", str(r.path), "--format", "json", "-q", timeout=60)
    assert_clean_exit(p, (2,))  # issue 13.8: refused with one line, not "internal error (ValueError)"
    assert "core.worktree leads outside" in p.stderr and "--allow-outside-git-dir" in p.stderr, p.stderr
    assert OUTSIDE not in p.stdout + p.stderr
    # asked for: the history is scanned, the work tree walked is still only the root
    p = cli("scan", str(r.path), "--format", "json", "-q", "--allow-outside-git-dir", timeout=60)
    assert_clean_exit(p, (0, 1, 3))
    by = findings_by_sha(json.loads(p.stdout))
    assert sha(OUTSIDE) not in by
    assert sha(INSIDE) in by


@pytest.mark.parametrize("mode", ["history", "staged", "since"])
def test_a_scan_writes_nothing_but_the_report_it_was_asked_for(tmp_path, outside, mode):
    root = tmp_path / "root"
    r = Repo(root)
    (root / "nested").mkdir()
    _odd_tree(root)
    r.commit("one", {"app.py": f'TOKEN = "{GITHUB}"\n', ".gitignore": "ignored.env\n"})
    r.commit("two", {"b.env": f"STRIPE_KEY={STRIPE}\n"})
    _links(root, outside)
    r.write("ignored.env", f"STRIPE_KEY={INSIDE}\n")
    r.write("untracked.env", "X=1\n")
    r.write("app.py", f'TOKEN = "{GITHUB}"\n# edited\n')  # stat-dirty: git would like to refresh the index
    r.write("new.py", "y = 2\n")
    r.git("add", "new.py")
    os.utime(root / ".git" / "index", (1, 1))  # racily clean entries would be rewritten by a refresh
    outdir = tmp_path / "reports"
    outdir.mkdir()
    before_root, before_out = snapshot(root), snapshot(outside)
    before_tmp = sorted(os.listdir(tmp_path))
    args = {"history": [], "staged": ["--staged"], "since": ["--since", "HEAD~1"]}[mode]
    for fmt in ("json", "sarif", "text"):
        out = outdir / f"report.{fmt}"
        p = cli("scan", str(root), *args, "--format", fmt, "--output", str(out), "-q", timeout=60)
        assert_clean_exit(p)
        assert (out.stat().st_mode & 0o777) == 0o600
    assert snapshot(root) == before_root, "the scan changed the scanned repository"
    assert snapshot(outside) == before_out
    assert sorted(os.listdir(tmp_path)) == before_tmp
    assert sorted(os.listdir(outdir)) == ["report.json", "report.sarif", "report.text"]


@pytest.mark.parametrize("kind", ["symlink out", "symlink in", "fifo"])
def test_a_baseline_the_repository_planted_is_not_written_through(tmp_path, kind):
    """`credfence baseline REPO` writes REPO/.credfence-baseline.json, a path the repository
    controls. A hostile one ships it as a symlink to a file of the user's (~/.bashrc) or as
    a FIFO: refused with one line, exit 2, nothing written anywhere, no hang. (Following a
    symlink, as a report path the user names is followed, wrote outside the scanned root.)"""
    root = tmp_path / "root"
    r = Repo(root)
    r.commit("one", {"app.py": f'TOKEN = "{GITHUB}"\n', "notes.txt": "mine\n"})
    victim = tmp_path / "bashrc"
    victim.write_text("export PATH=$HOME/bin:$PATH\n")
    target = root / ".credfence-baseline.json"
    if kind == "symlink out":
        target.symlink_to(victim)
    elif kind == "symlink in":
        target.symlink_to("notes.txt")
    else:
        os.mkfifo(target)
    before_root, before_victim = snapshot(root), victim.read_bytes()
    p = cli("baseline", str(root), timeout=60)
    assert_clean_exit(p, (2,))
    assert p.stderr.startswith(f"credfence: refusing to write {target}: it is ") and p.stderr.count("\n") == 1
    assert snapshot(root) == before_root and victim.read_bytes() == before_victim
    # named by the user, elsewhere: written
    out = tmp_path / "bl.json"
    p = cli("baseline", str(root), "--output", str(out), timeout=60)
    assert_clean_exit(p, (0, 1))
    assert json.loads(out.read_text())["tool"] == "credfence"


# ---- issue 13.8: git pointers that lead outside the root ---------------------------------------
def _outside_repo(tmp_path: Path) -> Repo:
    """Another repository, outside the scanned root, whose history holds OUTSIDE."""
    o = Repo(tmp_path / "other")
    o.commit("secret", {"s.env": f"STRIPE_KEY={OUTSIDE}\n"})
    o.commit("gone", {"s.env": None})
    return o


def _refused(root: Path, what: str, *extra: str) -> None:
    for cmd in (["scan", "--format", "json"], ["scan", "--all-objects", "--format", "json"], ["audit"],
                ["baseline", "--output", str(root.parent / "bl.json")], ["ignore"]):
        p = cli(*cmd[:1], str(root), *cmd[1:], *extra, timeout=60)
        assert_clean_exit(p, (2,))
        assert what in p.stderr and "--allow-outside-git-dir" in p.stderr, (cmd, p.stderr)
        assert OUTSIDE not in p.stdout + p.stderr
    assert not (root.parent / "bl.json").exists()


def _allowed(root: Path, *extra: str) -> dict:
    p = cli("scan", str(root), "--format", "json", "-q", "--allow-outside-git-dir", *extra, timeout=60)
    assert_clean_exit(p, (0, 1, 3))
    return findings_by_sha(json.loads(p.stdout))


def test_dot_git_symlink_to_another_repository_is_refused(tmp_path):
    o = _outside_repo(tmp_path)
    root = tmp_path / "root"
    root.mkdir()
    (root / "app.env").write_text(f"STRIPE_KEY={INSIDE}\n")
    os.symlink(o.path / ".git", root / ".git")
    _refused(root, ".git leads outside")
    assert sha(OUTSIDE) in _allowed(root)  # the user asked for it: that repository's history


def test_gitfile_to_another_repository_is_refused(tmp_path):
    o = _outside_repo(tmp_path)
    root = tmp_path / "root"
    root.mkdir()
    (root / "app.env").write_text(f"STRIPE_KEY={INSIDE}\n")
    (root / ".git").write_text("gitdir: ../other/.git\n")
    _refused(root, ".git leads outside")
    (root / ".git").write_text(f"gitdir: {o.path / '.git'}\n")
    _refused(root, ".git leads outside")


def test_commondir_outside_is_refused(tmp_path):
    """A git directory inside the root whose `commondir` file names another repository's:
    git reads that repository's objects and refs."""
    o = _outside_repo(tmp_path)
    r = Repo(tmp_path / "root")
    r.commit("one", {"app.env": f"STRIPE_KEY={INSIDE}\n"})
    (r.path / ".git" / "commondir").write_text(str(o.path / ".git") + "\n")
    _refused(r.path, "common git directory leads outside")


def test_alternates_outside_are_refused(tmp_path):
    """objects/info/alternates pointing at another repository's objects: --all-objects
    would report that repository's blobs (issue 13.8)."""
    o = _outside_repo(tmp_path)
    r = Repo(tmp_path / "root")
    r.commit("one", {"app.env": f"STRIPE_KEY={INSIDE}\n"})
    alt = r.path / ".git" / "objects" / "info" / "alternates"
    alt.parent.mkdir(exist_ok=True)
    for line in (str(o.path / ".git" / "objects"), "../../../other/.git/objects"):
        alt.write_text(f"# a comment\n{line}\n")
        _refused(r.path, "objects/info/alternates leads outside")
    assert sha(OUTSIDE) in _allowed(r.path, "--all-objects")
    # an alternate inside the root is the repository's own business
    inner = Repo(r.path / "vendor" / "store")
    inner.commit("x", {"x.txt": "1\n"})
    alt.write_text(str(inner.path / ".git" / "objects") + "\n")
    p = cli("scan", str(r.path), "--format", "json", "-q", "--all-objects", timeout=60)
    assert_clean_exit(p)
    assert sha(INSIDE) in findings_by_sha(json.loads(p.stdout))


def test_subdirectory_of_a_work_tree_is_still_scanned(tmp_path):
    """Scanning a directory inside a work tree reads that work tree's repository: not a
    pointer out of the root, no flag needed."""
    r = Repo(tmp_path / "root")
    r.commit("one", {"sub/app.env": f"STRIPE_KEY={INSIDE}\n", "top.env": f"STRIPE_KEY={OUTSIDE}\n"})
    p = cli("scan", str(r.path / "sub"), "--format", "json", "-q", timeout=60)
    assert_clean_exit(p)
    by = findings_by_sha(json.loads(p.stdout))
    assert sha(INSIDE) in by and sha(OUTSIDE) not in by
