"""Issue 16, the history walk's plumbing: the refs reaching each commit come from the walk's
commit graph (one pass for all findings) and must say what `git for-each-ref --contains`
says, through merges, annotated and nested tags, a tag of a blob and the stash; a failed
walk is reported in ScanResult.incomplete and leaves no git process behind."""
from __future__ import annotations

import os
import random

from gitrepo import Repo, github_pat, scan_json
from scanner.model import REFS_LISTED, ref_order
from scanner.scan import ScanOptions, run_scan
from scanner.sources import history as hist


def _contains(r: Repo, commit: str) -> list[str]:
    return sorted(x for x in r.git("for-each-ref", "--format=%(refname)", "--contains", commit).split("\n") if x)


def test_refs_from_the_graph_agree_with_for_each_ref_contains(tmp_path):
    rng = random.Random(16)
    r = Repo(tmp_path / "repo")
    commits = [r.commit("root", {"a.txt": "0\n"})]
    for i in range(12):  # branches forking from random commits, some merged back
        r.checkout(rng.choice(commits))
        r.git("checkout", "-q", "-b", f"b{i}")
        for j in range(rng.randint(1, 3)):
            commits.append(r.commit(f"b{i}.{j}", {f"f{i}_{j}.txt": f"{i} {j}\n"}))
        if i % 3 == 0:
            r.checkout("main")
            r.git("merge", "-q", "--no-ff", "-m", f"merge b{i}", f"b{i}")
            commits.append(r.head())
    r.checkout("main")
    r.git("tag", "light", commits[3])
    r.git("tag", "-a", "-m", "annotated", "annotated", commits[5])
    r.git("tag", "-a", "-m", "nested", "nested", "annotated")  # a tag of a tag
    blob = r.git("rev-parse", "HEAD:a.txt")
    r.git("tag", "blobtag", blob)  # reaches no commit
    r.write("a.txt", "stashed\n")
    r.git("stash", "-q")
    commits.append(r.head("refs/stash"))

    prov = hist.Provenance(parents={})
    hist._log_part(r.path, "", r.git("rev-list", "--all").encode().split(), prov, [])
    got = hist.refs_from_graph(r.path, prov.parents, sorted(set(commits)))
    assert got is not None
    for c in set(commits):
        want = _contains(r, c)
        assert got[c] == (sorted(want, key=ref_order)[:REFS_LISTED], len(want)), c
    assert got[commits[5]][0] and "refs/tags/nested" in got[commits[5]][0]


def test_a_commit_many_refs_reach_names_the_first_twenty_and_counts_them_all(tmp_path):
    """bitnami/charts has 30,823 refs: every one of them written into every history location
    made a 366 MB report. The report names the first REFS_LISTED (default branch, other
    local branches, tags, remote branches) and counts all of them; the note says how many."""
    r = Repo(tmp_path / "repo")
    c = r.commit("add token", {"deploy.sh": f"GITHUB_TOKEN={github_pat()}\n"})
    r.commit("remove token", {"deploy.sh": "echo deploy\n"})
    for i in range(30):
        r.git("branch", f"feature-{i:02d}", c)
        r.git("update-ref", f"refs/remotes/origin/pr-{i:02d}", c)
    r.git("tag", "v1", c)
    rep, _ = scan_json(r.path)
    (f,) = rep["findings"]
    (loc,) = [x for x in f["locations"] if x["kind"] == "history"]
    assert loc["refs_count"] == 1 + 30 + 30 + 1
    assert loc["refs"][:2] == ["refs/heads/main", "refs/heads/feature-00"]
    assert len(loc["refs"]) == REFS_LISTED and not any(x.startswith("refs/remotes/") for x in loc["refs"])
    assert any("still in 62 refs" in n for n in f["notes"])


def _children() -> set[int]:
    kids: set[int] = set()
    for f in os.listdir("/proc/self/task"):
        try:
            kids |= {int(x) for x in open(f"/proc/self/task/{f}/children").read().split()}
        except OSError:
            pass
    return kids


def test_a_failed_walk_is_incomplete_and_every_git_child_is_reaped(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("one", {"dir/old.env": "X=1\n"})
    r.commit("two", {"dir/old.env": None, "app.py": "x = 1\n"})
    tree = r.git("rev-parse", "HEAD~1^{tree}")
    obj = r.path / ".git" / "objects" / tree[:2] / tree[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"\x78\x9cgarbage, not zlib")
    before = _children()
    for jobs in (1, 2):
        res = run_scan(ScanOptions(root=r.path, jobs=jobs))
        assert any(i["what"].startswith("history") and i["reason"] for i in res.incomplete), res.incomplete
        assert any("history not scanned" in w for w in res.warnings)
    assert _children() <= before, "a git process was left running or unreaped"


def test_a_clean_scan_is_complete_and_leaves_no_child(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("one", {"a.py": "x = 1\n"})
    before = _children()
    res = run_scan(ScanOptions(root=r.path, jobs=2))
    assert res.incomplete == []
    assert _children() <= before


def test_the_collector_is_paused_during_the_walk_and_given_back(tmp_path, monkeypatch):
    """The walk's provenance (millions of tuples on a long history) is built with the cyclic
    collector paused and then frozen; once the scan ends the collector is as the caller
    left it, nothing stays frozen, and a collector the caller had disabled stays disabled,
    whether the scan succeeds or fails."""
    import gc

    r = Repo(tmp_path / "repo")
    r.commit("one", {"a.env": f"GITHUB_TOKEN={github_pat()}\n"})
    seen = []
    result = hist.Enumeration.result

    def spy(self):
        seen.append(gc.isenabled())
        got = result(self)
        seen.append(gc.isenabled())
        return got

    monkeypatch.setattr(hist.Enumeration, "result", spy)
    frozen = gc.get_freeze_count()
    assert run_scan(ScanOptions(root=r.path, jobs=1)).findings
    assert seen == [False, False] and gc.isenabled() and gc.get_freeze_count() == frozen
    gc.disable()
    try:
        run_scan(ScanOptions(root=r.path, jobs=1))
        assert not gc.isenabled() and gc.get_freeze_count() == frozen
    finally:
        gc.enable()

    def fails(self):
        raise RuntimeError("walk failed")

    monkeypatch.setattr(hist.Enumeration, "result", fails)
    try:
        run_scan(ScanOptions(root=r.path, jobs=1))
    except RuntimeError:
        pass
    assert gc.isenabled() and gc.get_freeze_count() == frozen
