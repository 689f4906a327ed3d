#!/usr/bin/env python3
"""Findings by severity on real clones, at two commits of credfence: what a change did to
the false alarms of repositories nobody here wrote.

    python bench/severity_diff.py --before REV [--after REV] REPO...

REPO: a git clone, or a NAME under ~/.cache/credfence-realworld/. Each commit is exported
with `git archive` to bench/out/trees/<commit>/ and run from there (`python -m scanner.cli
scan REPO --format json`, full history), so the installed checkout does not decide which code
runs. Prints a Markdown table (HEAD, commits, refs, findings by severity at each commit;
"incomplete" when the scan exits 3), then every finding whose severity changed, appeared or
disappeared, by rule, first path and line, and the secret's hash prefix (never the secret).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tarfile
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TREES = HERE / "out" / "trees"
HOME = Path(os.path.expanduser("~/.cache/credfence-realworld"))
ORDER = ("critical", "high", "medium", "low", "info")


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout.strip()


def tree_of(rev: str) -> Path:
    """The source of credfence at rev, exported once and byte-compiled."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    out = TREES / commit[:12]
    if not (out / "scanner").is_dir():
        out.mkdir(parents=True, exist_ok=True)
        data = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(out)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(out / "scanner"), str(out / "detectors")], check=True)
    return out


def scan(tree: Path, repo: Path) -> tuple[dict, int]:
    report = tree / f"report-{repo.name}.json"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    p = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(repo), "--format", "json", "-q", "-o", str(report)],
                       cwd=tree, env=env, capture_output=True, text=True)
    if p.returncode not in (0, 1, 3):
        raise SystemExit(f"{repo.name}: credfence exited {p.returncode}: {p.stderr.strip()[:300]}")
    return json.loads(report.read_text()), p.returncode


def by_severity(rep: dict, code: int) -> str:
    c = collections.Counter(f["blast"]["severity"] for f in rep["findings"])
    cell = ", ".join(f"{c[k]} {k}" for k in ORDER if c[k]) or "none"
    return cell + ("; incomplete" if code == 3 else "")


def keyed(rep: dict) -> dict[tuple, dict]:
    return {(f["rule"], f.get("secret_sha256") or f["fingerprint"]): f for f in rep["findings"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", default="HEAD")
    ap.add_argument("repos", nargs="+")
    args = ap.parse_args()
    before, after = tree_of(args.before), tree_of(args.after)
    changes = []
    print(f"| repository | HEAD | commits | refs | before ({before.name[:7]}) | now ({after.name[:7]}) |")
    print("|---|---|---|---|---|---|")
    for name in args.repos:
        repo = Path(name) if os.sep in name else HOME / name
        head = _git("rev-parse", "--short=10", "HEAD", cwd=repo)
        commits = int(_git("rev-list", "--all", "--count", cwd=repo))
        refs = len(_git("for-each-ref", cwd=repo).splitlines())
        (rb, cb), (ra, ca) = scan(before, repo), scan(after, repo)
        print(f"| {repo.name} | {head} | {commits:,} | {refs} | {by_severity(rb, cb)} | {by_severity(ra, ca)} |")
        kb, ka = keyed(rb), keyed(ra)
        for k in sorted(set(kb) | set(ka)):
            sb = kb[k]["blast"]["severity"] if k in kb else "absent"
            sa = ka[k]["blast"]["severity"] if k in ka else "absent"
            if sb != sa:
                f = ka.get(k) or kb[k]
                loc = f["locations"][0] if f["locations"] else {}
                changes.append(f"- {repo.name}: {k[0]} at {loc.get('path')}:{loc.get('line')} "
                               f"(sha256 {str(k[1])[:8]}): {sb} -> {sa}")
    print()
    print("\n".join(changes) if changes else "No finding changed severity, appeared or disappeared.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
