"""Issue 16, the history walk's plumbing: the refs reaching each commit come from the walk's
commit graph (one pass for all findings) and must say what `git for-each-ref --contains`
says, through merges, annotated and nested tags, a tag of a blob and the stash; a failed
walk is reported in ScanResult.incomplete and leaves no git process behind."""
from __future__ import annotations

import json
import os
import random

from gitrepo import Repo, credfence, github_pat, scan_json
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

    prov = hist.Provenance()
    hist._read_log(r.path, None, "", prov, jobs=1)
    got = hist.refs_from_graph(r.path, prov.parents, sorted(set(commits)))
    assert got is not None
    hist._add_non_commit_refs(r.path, prov)  # the tips as the walk lists them, once, for the end
    assert prov.tips and hist.refs_from_graph(r.path, prov.parents, sorted(set(commits)), prov.tips) == got
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


def test_the_walk_started_before_the_workers_fork_ends_with_its_input(tmp_path):
    """The walk's git processes start before the engine loads and the workers are forked
    (scan.run_scan), so each worker is born holding the parent's pipes to them: unless the
    worker lets go of them (pipeline._init_pool_worker), the size look-up's `git cat-file`
    never sees the end of its input and the scan waits for ever. Two workers, whatever the
    machine's cores; a time limit instead of a hung suite."""
    r = Repo(tmp_path / "repo")
    r.commit("add token", {"deploy.sh": f"GITHUB_TOKEN={github_pat()}\n"})
    r.commit("remove token", {"deploy.sh": "echo deploy\n"})
    out = tmp_path / "report.json"
    p = credfence("scan", str(r.path), "--jobs", "2", "--format", "json", "--output", str(out), "--quiet",
                  timeout=60)
    assert p.returncode == 1, p.stderr
    assert [f["rule"] for f in json.loads(out.read_text())["findings"]] == ["github-pat"]


def test_a_walk_started_and_never_read_is_stopped_and_reaped(tmp_path):
    """An enumeration whose processes were started and whose threads never were (the
    engine failed to load in between) is closed without waiting for them."""
    r = _walk_repo(tmp_path)
    before = _children()
    e = hist.Enumeration(r.path, start=False)
    assert _children() - before, "the walk's git processes start at once"
    e.close()
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

    def spy(self, **kw):
        seen.append(gc.isenabled())
        got = result(self, **kw)
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

    def fails(self, **kw):
        raise RuntimeError("walk failed")

    monkeypatch.setattr(hist.Enumeration, "result", fails)
    try:
        run_scan(ScanOptions(root=r.path, jobs=1))
    except RuntimeError:
        pass
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def _walk_repo(tmp_path) -> Repo:
    """Branches, merges (one resolving a conflict with new content: a blob only a merge's
    combined diff brings in), a blob at two paths in one commit, a file restored to an
    older content, a deletion and a rename."""
    r = Repo(tmp_path / "repo")
    r.commit("root", {"a.txt": "1\n", "b.txt": "b\n"})
    r.commit("two paths", {"c.txt": "same\n", "d/c.txt": "same\n"})
    r.git("checkout", "-q", "-b", "side")
    r.commit("side", {"a.txt": "side\n", "s.txt": "s\n"})
    r.checkout("main")
    r.commit("main", {"a.txt": "main\n", "b.txt": None})
    r.git("merge", "-q", "side", check=False)
    r.write("a.txt", "resolved\n")
    r.commit("merge side")
    r.commit("restore", {"a.txt": "1\n"})
    r.git("mv", "s.txt", "t.txt")
    r.commit("rename")
    r.tag("v1", "HEAD~2")
    return r


def _commit_pieces(data: bytes) -> list[bytes]:
    """A `git log --raw -z` stream cut before each commit's header."""
    import re

    cuts = [0] + [m.start() for m in re.finditer(rb"\0\0(?=[0-9a-f]{40} )", data)] + [len(data)]
    return [data[a:b] for a, b in zip(cuts, cuts[1:])]


def test_the_walks_from_both_ends_give_one_walks_provenance_wherever_they_meet(tmp_path):
    """The history is walked from both ends at once (newest first and --reverse), each end
    stopping where it meets the other: wherever that is, and however many commits both
    parsed, the joined provenance is the newest-first walk's, exactly."""
    import subprocess

    r = _walk_repo(tmp_path)
    args = ["log", "--raw", "-z", "--no-abbrev", "--no-renames", "-c", "--root", "--format=%x00%H %aI %P", "--all"]
    out = {rev: subprocess.run(["git", "-C", str(r.path), *args, *rev], stdout=subprocess.PIPE, check=True).stdout
           for rev in ((), ("--reverse",))}
    newest, oldest = _commit_pieces(out[()]), _commit_pieces(out[("--reverse",)])
    n = len(newest)
    assert n == len(oldest) == int(r.git("rev-list", "--all", "--count")) >= 7
    whole = hist.Provenance(parents={})
    hist._parse_raw(out[()], whole, (b"", b""))
    assert any(type(v) is list and len(v) > 1 for v in whole.introduced.values())
    for a in range(0, n + 1):  # the newest-first end parsed a commits...
        for overlap in (0, 1, 2):  # ...and the oldest-first end the rest, and a few of those too
            b = n - a + overlap
            if b > n:
                continue
            ends = [hist.Provenance(parents={}), hist.Provenance(parents={})]
            hist._parse_raw(b"".join(newest[:a]), ends[0], (b"", b""))
            hist._parse_raw(b"".join(oldest[:b]), ends[1], (b"", b""), newest_first=False)
            joined = hist.Provenance()
            count = hist._join_ends(joined, ends[0], ends[1], set(ends[0].order), set(ends[1].order))
            assert count == n
            assert joined.introduced == whole.introduced, (a, overlap)
            assert joined.removed == whole.removed, (a, overlap)
            assert joined.parents == whole.parents


def test_a_merges_combined_entries_stay_with_its_header(tmp_path):
    """A merge's header is followed by "\\0\\0" and its combined entries: a piece of the
    stream cut there would count the merge as parsed without them."""
    hdr = b"\0" + b"a" * 40 + b" 2020-01-01T00:00:00Z " + b"b" * 40 + b" " + b"c" * 40
    entry = b"\0\0::100644 100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" " + b"3" * 40 + b" MM\0f.txt"
    nxt = b"\0\0" + b"d" * 40 + b" 2020-01-01T00:00:00Z " + b"e" * 40
    assert hist._whole_commits(hdr + entry) == -1
    assert hist._whole_commits(hdr + entry + b"\0\0") == -1  # what follows is not read yet
    assert hist._whole_commits(hdr + entry + nxt) == len(hdr + entry)


def test_the_two_ended_walk_matches_a_single_walk(tmp_path):
    r = _walk_repo(tmp_path)
    for _ in range(5):
        one, two = hist.Provenance(), hist.Provenance()
        assert hist._read_log(r.path, None, "", one, jobs=1) == hist._read_log(r.path, None, "", two, jobs=2)
        assert (one.introduced, one.removed, one.parents) == (two.introduced, two.removed, two.parents)


def test_a_walk_broken_in_the_middle_never_meets_itself_and_says_so(tmp_path):
    """A tree git cannot read, halfway down the history: both ends stop there. What git
    wrote of that commit before it died is neither parsed nor counted, so the two ends
    never meet at it and the walk is never taken as whole."""
    import pytest

    from scanner import gitcmd

    r = Repo(tmp_path / "repo")
    for i in range(9):
        r.commit(f"c{i}", {f"f{i}.txt": f"{i}\n"})
    tree = r.git("rev-parse", "HEAD~4^{tree}")
    obj = r.path / ".git" / "objects" / tree[:2] / tree[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"\x78\x9cgarbage, not zlib")
    for _ in range(10):
        incomplete: list[dict] = []
        with pytest.raises(gitcmd.GitError):
            hist._read_log(r.path, None, "", hist.Provenance(), jobs=2, incomplete=incomplete)
        assert incomplete and all(i["reason"].startswith("git log failed: ") for i in incomplete), incomplete


def test_every_reachable_blob_is_looked_up_with_its_size_and_base(tmp_path):
    """Only the blobs the walk names are looked up in the object store (their size and
    delta base), as it names them: every blob any ref reaches comes back, a blob only a
    tag points at included, each once, with git's size; after a repack that stores them
    as deltas, each base among them is read before the blob stored against it."""
    r = _walk_repo(tmp_path)
    for i in range(6):  # versions of one file, which git stores as deltas of each other
        r.commit(f"v{i}", {"big.txt": "".join(f"line {k} {'x' * (k % 7)}\n" for k in range(400 + i))})
    loose = r.git("hash-object", "-w", "--stdin", input="only a tag reaches me\n")
    r.git("tag", "blobtag", loose)
    r.git("repack", "-adq", "--depth=50", "--window=50")
    e = hist.Enumeration(r.path)
    bl = e.result()
    e.close()
    want = {}
    for line in r.git("rev-list", "--all", "--objects").splitlines():
        oid = line.split()[0]
        if r.git("cat-file", "-t", oid) == "blob":
            want[oid] = int(r.git("cat-file", "-s", oid))
    assert {oid: size for oid, size, _, _ in bl.blobs} == want
    assert len(bl.blobs) == len(want) and not bl.skipped
    seen: set[str] = set()
    for oid, _, _, base in bl.blobs:
        assert not base or base in seen
        seen.add(oid)
    assert sum(1 for b in bl.blobs if b[3]) >= 4


def test_the_modules_asked_for_are_imported_beside_the_workers_and_a_failing_one_is_harmless(tmp_path, monkeypatch):
    """ScanOptions.preload: imported in a thread of its own once the history's workers are
    forked (the caller's modules for after the scan: the agents' files' parsers), which has
    ended when the history's matching has; one that cannot be imported changes nothing in
    the scan."""
    import sys
    import threading

    pkg = tmp_path / "mods"
    pkg.mkdir()
    (pkg / "cf_preload_probe.py").write_text(  # slower to import than the two-commit history to match
        "import threading, time\nTHREAD = threading.current_thread().name\ntime.sleep(0.5)\n")
    (pkg / "cf_preload_broken.py").write_text("raise RuntimeError('not importable')\n")
    monkeypatch.syspath_prepend(str(pkg))
    r = Repo(tmp_path / "repo")
    r.commit("one", {"a.py": "x = 1\n"})
    r.commit("two", {"a.py": "x = 2\n"})
    plain = run_scan(ScanOptions(root=r.path, jobs=2))
    res = run_scan(ScanOptions(root=r.path, jobs=2, preload=("cf_preload_broken", "cf_preload_probe")))
    # joined before the scan imports anything more: no two threads import at once
    assert not [t for t in threading.enumerate() if t.name == "credfence-preload"]
    assert sys.modules["cf_preload_probe"].THREAD == "credfence-preload"
    assert "cf_preload_broken" not in sys.modules
    assert (res.findings, res.incomplete, res.stats["blobs"]) == (plain.findings, plain.incomplete, plain.stats["blobs"])


def test_the_newest_first_walk_may_run_ahead_of_its_reader_and_the_oldest_first_may_not(tmp_path):
    """_start_logs: the newest-first `git log` writes into a 1 MiB pipe while the engine
    loads (its reader starts after the fork); the oldest-first one keeps the default pipe,
    or both walks would run to their ends before either saw that they had met."""
    import fcntl

    from scanner.sources import history as hist

    r = Repo(tmp_path / "repo")
    r.commit("one", {"a.py": "x = 1\n"})
    started = hist._start_logs(r.path, ["--all"], graph=True)
    try:
        sizes = [fcntl.fcntl(proc.stdout.fileno(), fcntl.F_GETPIPE_SZ) for proc, _ in started]
    finally:
        for proc, err in started:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            err.close()
    assert sizes[0] == 1 << 20 and sizes[1] < 1 << 20, sizes
    reader = hist.BlobReader(r.path)  # and a blob reader's git runs ahead of the matching
    try:
        assert fcntl.fcntl(reader.proc.stdout.fileno(), fcntl.F_GETPIPE_SZ) == 1 << 20
    finally:
        reader.close()
