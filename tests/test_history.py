"""Issue 3: git history. Every ref (branches, tags, stash), each blob once, provenance of
the blobs that hold findings, `--since`, `--all-objects`, `--no-history`, and one finding
per secret across the workspace and the history. Real repositories, the real CLI."""
from __future__ import annotations

import pytest

from gitrepo import Repo, by_sha, scan_json, sha

# Fake credentials in the providers' shapes, assembled at run time.
GH = "ghp_" + "1NzPjNABzLPEbirvMKksEwq8GQTIsn2HT8lN"
GH2 = "ghp_" + "Q7wErTyUiOpAsDfGhJkLzXcVbNm1234RtYuI"
GL = "glpat-" + "chhPjrsiumMlkXGVe8Q5"
NPM = "npm_" + "LEFgzWORDu9hQvoJ5htMjvUT1UXgiB1kYVvT"
SK = "sk_live_" + "Rmn86Xx1XR2hlqeIjuI62hIrK4iuXwnP"


def hist(f: dict) -> list[dict]:
    return [loc for loc in f["locations"] if loc["kind"] == "history"]


def kinds(f: dict) -> set[str]:
    return {loc["kind"] for loc in f["locations"]}


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("initial import", {"README.md": "# demo\n", "src/app.py": "print('hi')\n"})
    return r


def test_unmerged_branch_is_found_with_its_commit_and_ref(repo):
    repo.checkout("feature/sms", new=True)
    c = repo.commit("wip: sms gateway", {"src/sms.py": f'TOKEN = "{GH}"\n'})
    repo.checkout("main")
    assert not (repo.path / "src/sms.py").exists()

    rep, p = scan_json(repo.path)
    assert p.returncode == 1
    f = by_sha(rep)[sha(GH)]
    assert kinds(f) == {"history"}
    (loc,) = hist(f)
    assert loc["commit"] == c
    assert loc["path"] == "src/sms.py" and loc["line"] == 1
    assert "refs/heads/feature/sms" in loc["refs"]
    assert "refs/heads/main" not in loc["refs"]
    assert loc["date"].startswith(repo.date(c)[:10])
    assert rep["stats"]["commits"] == 2 and rep["stats"]["blobs"] >= 3


def test_added_then_removed_is_one_finding_with_its_commit_and_a_removal_note(repo):
    added = repo.commit("add mirror script", {"scripts/mirror.sh": f"#!/bin/sh\nGITLAB_TOKEN={GL}\n"})
    repo.commit("unrelated", {"src/app.py": "print('hello')\n"})
    removed = repo.commit("remove token", {"scripts/mirror.sh": "#!/bin/sh\necho mirror\n"})
    repo.tag("v1.0")

    rep, _ = scan_json(repo.path)
    matching = [f for f in rep["findings"] if f["secret_sha256"] == sha(GL)]
    assert len(matching) == 1, "one finding per secret"
    f = matching[0]
    assert kinds(f) == {"history"}
    locs = hist(f)
    assert [loc["commit"] for loc in locs] == [added]
    assert locs[0]["path"] == "scripts/mirror.sh" and locs[0]["line"] == 2
    assert set(locs[0]["refs"]) == {"refs/heads/main", "refs/tags/v1.0"}
    day = repo.date(removed)[:10]
    assert day != repo.date(added)[:10]
    text = " ".join(f["notes"] + f["blast"]["evidence"])
    assert f"removed from HEAD on {day}, still in 2 refs" in text


def test_tag_reaches_a_secret_no_branch_holds(repo):
    repo.checkout("release-tmp", new=True)
    c = repo.commit("release config", {"deploy/npmrc": f"//registry.npmjs.org/:_authToken={NPM}\n"})
    repo.tag("v0.9", annotated=True)
    repo.checkout("main")
    repo.git("branch", "-D", "release-tmp")

    rep, _ = scan_json(repo.path)
    f = by_sha(rep)[sha(NPM)]
    (loc,) = hist(f)
    assert loc["commit"] == c
    assert loc["refs"] == ["refs/tags/v0.9"]


def test_stash_reaches_a_secret(repo):
    repo.write("src/app.py", f'print("hi")\nGITHUB_TOKEN = "{GH}"\n')
    stash = repo.stash()
    assert GH not in (repo.path / "src/app.py").read_text()

    rep, _ = scan_json(repo.path)
    f = by_sha(rep)[sha(GH)]
    assert kinds(f) == {"history"}
    locs = hist(f)
    assert any("refs/stash" in loc["refs"] for loc in locs)
    # the stash entry itself (or its index commit, a parent of it) introduced the blob
    parents = repo.git("rev-list", "--parents", "-n", "1", stash).split()
    assert {loc["commit"] for loc in locs} <= set(parents)
    assert all(loc["path"] == "src/app.py" and loc["line"] == 2 for loc in locs)


def test_since_only_reports_commits_not_reachable_from_ref(repo):
    old = repo.commit("old secret on main", {"config/old.sh": f"GITLAB_TOKEN={GL}\n"})
    repo.checkout("feature", new=True)
    new = repo.commit("new secret on the branch", {"src/gh.py": f'TOKEN = "{GH}"\n'})

    full, _ = scan_json(repo.path)
    assert {sha(GL), sha(GH)} <= set(by_sha(full))

    rep, p = scan_json(repo.path, "--since", "main")
    assert p.returncode == 1
    found = by_sha(rep)
    assert sha(GL) not in found, "a secret reachable from --since REF is not this change's"
    f = found[sha(GH)]
    assert [loc["commit"] for loc in hist(f)] == [new]
    assert all(loc["commit"] != old for g in rep["findings"] for loc in hist(g))
    assert rep["stats"]["commits"] == 1


def test_since_with_nothing_new_exits_zero(repo):
    repo.commit("secret on main", {"config/old.sh": f"GITLAB_TOKEN={GL}\n"})
    rep, p = scan_json(repo.path, "--since", "HEAD")
    assert rep["findings"] == [] and p.returncode == 0


def test_dangling_blob_only_with_all_objects(repo):
    repo.commit("oops", {"ops/deploy.sh": f"export GITHUB_TOKEN={GH2}\n"})
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.git("reflog", "expire", "--expire=now", "--all")
    assert not (repo.path / "ops/deploy.sh").exists()

    rep, p = scan_json(repo.path)
    assert sha(GH2) not in by_sha(rep)
    assert p.returncode == 0

    rep, p = scan_json(repo.path, "--all-objects")
    assert p.returncode == 1
    f = by_sha(rep)[sha(GH2)]
    assert kinds(f) == {"history"}
    (loc,) = hist(f)
    assert loc["refs"] == [], "no ref reaches a dangling blob"


def test_no_history_skips_history(repo):
    repo.commit("add", {"scripts/mirror.sh": f"GITLAB_TOKEN={GL}\n"})
    repo.commit("remove", {"scripts/mirror.sh": "echo\n"})
    repo.write("src/live.py", f'KEY = "{GH}"\n')  # untracked, on disk

    rep, p = scan_json(repo.path, "--no-history")
    found = by_sha(rep)
    assert sha(GL) not in found
    assert kinds(found[sha(GH)]) == {"worktree"}
    assert rep["stats"]["blobs"] == 0 and rep["stats"]["commits"] == 0


def test_same_secret_in_worktree_and_history_is_one_finding(repo):
    c = repo.commit("billing", {"src/billing.py": f'STRIPE_KEY = "{SK}"\n'})
    rep, _ = scan_json(repo.path)
    matching = [f for f in rep["findings"] if f["secret_sha256"] == sha(SK)]
    assert len(matching) == 1
    f = matching[0]
    assert kinds(f) == {"worktree", "history"}
    wt = [loc for loc in f["locations"] if loc["kind"] == "worktree"]
    assert wt == [{"kind": "worktree", "status": "tracked", "path": "src/billing.py", "line": 1,
                   "column": wt[0]["column"]}]
    (h,) = hist(f)
    assert h["commit"] == c and h["path"] == "src/billing.py" and h["refs"] == ["refs/heads/main"]
    assert not f["notes"], "a secret still on disk has no 'removed from HEAD' note"


def test_history_blob_at_two_paths(repo):
    body = f"GITLAB_TOKEN={GL}\n"
    c1 = repo.commit("add", {"scripts/a.sh": body})
    c2 = repo.commit("copy", {"backup/a.sh": body})
    repo.commit("remove both", {"scripts/a.sh": None, "backup/a.sh": None})

    rep, _ = scan_json(repo.path)
    f = by_sha(rep)[sha(GL)]
    got = sorted((loc["path"], loc["commit"]) for loc in hist(f))
    assert got == sorted([("scripts/a.sh", c1), ("backup/a.sh", c2)])
    # each unique blob is scanned once, however many paths and commits hold it
    assert rep["stats"]["blobs"] == reachable_blobs(repo)


def reachable_blobs(repo: Repo) -> int:
    """Unique blobs reachable from any ref, counted by git itself."""
    import subprocess

    from gitrepo import git_env

    out = repo.git("rev-list", "--objects", "--all")
    oids = sorted({line.split(" ", 1)[0] for line in out.split("\n") if line})
    p = subprocess.run(["git", "-C", str(repo.path), "cat-file", "--batch-check=%(objecttype)"],
                       input="\n".join(oids) + "\n", text=True, capture_output=True, env=git_env(), check=True)
    return p.stdout.split().count("blob")


def test_merge_commit_does_not_introduce_what_the_branch_brought(repo):
    """A --no-ff merge did not introduce what its branch brought (combined diff, not -m)."""
    repo.checkout("feature", new=True)
    c = repo.commit("feature work", {"src/sms.py": f'TOKEN = "{GH}"\n'})
    repo.checkout("main")
    repo.commit("main moves on", {"README.md": "# demo 2\n"})
    repo.git("merge", "--no-ff", "-q", "-m", "merge feature", "feature")

    rep, _ = scan_json(repo.path)
    f = by_sha(rep)[sha(GH)]
    assert [loc["commit"] for loc in hist(f)] == [c]


def test_stash_with_untracked_files_does_not_reintroduce_tracked_blobs(repo):
    """A stash with untracked files is a 3-parent merge: it introduces only the untracked files."""
    c = repo.commit("token", {"ops/mirror.sh": f"GITLAB_TOKEN={GL}\n"})
    repo.write("scratch.env", f"NPM_TOKEN={NPM}\n")
    repo.stash(include_untracked=True)

    rep, _ = scan_json(repo.path)
    assert "refs/stash" in hist(by_sha(rep)[sha(NPM)])[0]["refs"]  # the untracked file is found
    assert [loc["commit"] for loc in hist(by_sha(rep)[sha(GL)])] == [c]


def test_subdirectory_scan_uses_one_path_spelling(repo):
    """Paths are relative to the scanned root, in history as in the worktree."""
    repo.commit("key", {"src/pay/keys.py": f'STRIPE_KEY = "{SK}"\n'})
    rep, _ = scan_json(repo.path / "src")
    f = by_sha(rep)[sha(SK)]
    assert {loc["path"] for loc in f["locations"]} == {"pay/keys.py"}


def test_blobs_a_ref_reaches_without_a_commit_are_scanned(repo):
    """A tag pointing at a blob (git.git tags a public key so) or an annotated tag of a
    tree: no commit walk names their blobs, yet `git show TAG` prints them to anyone."""
    blob = repo.git("hash-object", "-w", "--stdin", input=f"GITHUB_TOKEN={GH}\n").strip()
    repo.git("tag", "keyblob", blob)
    inner = repo.git("hash-object", "-w", "--stdin", input=f"NPM_TOKEN={NPM}\n").strip()
    sub = repo.git("mktree", input=f"100644 blob {inner}\tnpm.env\n").strip()
    tree = repo.git("mktree", input=f"040000 tree {sub}\tdeploy\n").strip()
    repo.git("tag", "-a", "-m", "a tree", "snapshot", tree)

    rep, p = scan_json(repo.path)
    assert p.returncode == 1
    (loc,) = hist(by_sha(rep)[sha(GH)])
    assert loc["path"] == "refs/tags/keyblob" and loc["refs"] == ["refs/tags/keyblob"] and loc.get("commit") is None
    (loc,) = hist(by_sha(rep)[sha(NPM)])
    assert loc["path"] == "deploy/npm.env" and loc["refs"] == ["refs/tags/snapshot"]
    assert not rep["stats"].get("incomplete")


@pytest.mark.parametrize("arrival", [("sql-user-password", "postgres-url"), ("postgres-url", "sql-user-password")])
def test_a_secret_two_provider_rules_found_keeps_the_generic_places_in_one_whatever_came_first(arrival):
    """The history's workers finish in any order: which provider finding takes the places only
    the generic reading saw must not depend on it (boulder's Postgres password was high in one
    run and low in the next)."""
    from scanner.findings import FindingSet
    from scanner.model import Hit, Location
    from scanner.rules import load_rules

    rules = {r.id: r for r in load_rules()}
    generic = next(r.id for r in rules.values() if r.generic)
    fs = FindingSet(rules)
    secret = "VV5PugWx0QQyVHHmdwvSu"
    for n, rid in enumerate(arrival):
        fs.add(Hit(rid, secret, 1, 1, {}), Location("history", f"db/{rid}.sql", 1, commit=f"{n}" * 40))
    fs.add(Hit(generic, secret, 3, 1, {}), Location("history", "docker-compose.yml", 3, commit="2" * 40))
    holder = [f.rule.id for f in fs.findings() if any(loc.path == "docker-compose.yml" for loc in f.locations)]
    listed = list(rules)
    assert holder == [min(arrival, key=listed.index)]
