"""Issues 2, 3 and 4 "Done when" on the shared evaluation corpus: build it with
make_corpus.py (default arguments), scan it with the installed `credfence`, score the JSON
report with score.py. Skipped only when the shared corpus directory is absent."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import git_env

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")


def cli() -> list[str]:
    script = Path(sys.executable).parent / "credfence"
    return [str(script)] if script.exists() else [sys.executable, "-m", "scanner.cli"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpus")
    out = base / "OUT"
    p = subprocess.run([sys.executable, str(CORPUS / "make_corpus.py"), str(out)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    manifest = base / "OUT.manifest.json"
    assert manifest.exists()
    return out, manifest


def scan(out: Path, *args: str) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """credfence scan OUT --format json --output r.json ARGS; the report and a file with
    everything the command printed (for the leak check)."""
    tag = "-".join(a.strip("-").replace("/", "_").replace(",", "_") for a in args) or "default"
    report = out.parent / f"r-{tag}.json"
    p = subprocess.run([*cli(), "scan", str(out), "--format", "json", "--output", str(report), *args],
                       capture_output=True, text=True, timeout=300)
    printed = out.parent / f"printed-{tag}.txt"
    printed.write_text(p.stdout + p.stderr)
    assert p.returncode == 1, p.stdout + p.stderr
    return report, printed, p


def score(manifest: Path, report: Path, printed: Path, *args: str) -> str:
    p = subprocess.run([sys.executable, str(CORPUS / "score.py"), str(manifest), str(report), *args,
                        "--leak-check", str(printed), str(report)], capture_output=True, text=True, timeout=120)
    last = p.stdout.strip().splitlines()[-1]
    assert p.returncode == 0, p.stdout + p.stderr
    assert "leaks=0" in last, last
    return last


def test_full_scan_with_task_scores(corpus):
    out, manifest = corpus
    report, printed, _ = scan(out, "--task-paths", "src/checkout/")
    last = score(manifest, report, printed, "--min-recall", "1.0", "--min-precision", "0.95", "--min-label", "0.95")
    assert "recall=1.000" in last
    assert "task=1.00" in last, last


def test_workspace_only_scores(corpus):
    out, manifest = corpus
    report, printed, _ = scan(out, "--no-history")
    last = score(manifest, report, printed, "--where", "tracked,ignored,untracked", "--min-recall", "1.0",
                 "--min-precision", "0.95")
    assert "recall=1.000" in last
    rep = json.loads(report.read_text())
    assert rep["stats"]["blobs"] == 0 and rep["stats"]["commits"] == 0
    assert all(loc["kind"] == "worktree" for f in rep["findings"] for loc in f["locations"])


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env=git_env()).stdout.strip()


def test_every_history_and_branch_plant_has_a_history_location_with_its_commit(corpus):
    out, manifest = corpus
    report, _, _ = scan(out)
    rep = json.loads(report.read_text())
    plants = [p for p in json.loads(manifest.read_text())["plants"] if p["where"] in ("history", "branch")]
    assert {p["where"] for p in plants} == {"history", "branch"}
    main_chain = _git(out, "rev-list", "--reverse", "--first-parent", "main").split("\n")
    branches = [b for b in _git(out, "for-each-ref", "--format=%(refname)", "refs/heads/").split("\n")
                if b != "refs/heads/main"]
    by_sha = {f["secret_sha256"]: f for f in rep["findings"]}
    for p in plants:
        f = by_sha.get(p["secret_sha256"])
        assert f is not None, f"{p['id']} ({p['where']}) not found"
        hist = [loc for loc in f["locations"] if loc["kind"] == "history"]
        assert hist, f"{p['id']} has no history location"
        assert not [loc for loc in f["locations"] if loc["kind"] == "worktree"], p["id"]
        if p["where"] == "history":
            # commit_index counts the commits of main from the root
            want = main_chain[p["commit_index"]]
            assert want in {loc["commit"] for loc in hist}, p["id"]
            loc = next(loc for loc in hist if loc["commit"] == want)
            assert "refs/heads/main" in loc["refs"]
            assert any("removed from HEAD on" in n for n in f["notes"]), p["id"]
        else:
            tips = {_git(out, "rev-parse", b): b for b in branches}
            commits = {loc["commit"] for loc in hist}
            assert commits & set(tips), p["id"]
            loc = next(loc for loc in hist if loc["commit"] in tips)
            assert tips[loc["commit"]] in loc["refs"] and "refs/heads/main" not in loc["refs"]
        assert all(loc["path"] == p["path"] and p["lines"][0] <= loc["line"] <= p["lines"][1] for loc in hist), p["id"]


def _view(result) -> list[tuple]:
    return sorted((f.rule.id, f.sha256, f.blast.severity, f.blast.env,
                   tuple((loc.kind, loc.path, loc.line, loc.column, loc.commit) for loc in f.locations))
                  for f in result.findings)


def test_engines_and_job_counts_agree_on_the_corpus(corpus):
    pytest.importorskip("hyperscan")
    from gitrepo import scan_api

    out, _ = corpus
    hs1 = scan_api(out, use_hyperscan=True, jobs=1)
    hs2 = scan_api(out, use_hyperscan=True, jobs=2)
    py2 = scan_api(out, use_hyperscan=False, jobs=2)
    assert hs1.stats["engine"] == "hyperscan" and py2.stats["engine"] == "python"
    assert _view(hs1) == _view(hs2) == _view(py2)
    assert len(hs1.findings) >= 27
    for k in ("files", "blobs", "commits", "bytes"):
        assert hs1.stats[k] == hs2.stats[k] == py2.stats[k], k
