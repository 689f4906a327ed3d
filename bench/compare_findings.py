#!/usr/bin/env python3
"""Finding by finding, what a change of credfence did on real clones (BENCHMARKS.md's
`bench/compare_findings.py` rows).

    .venv/bin/python bench/compare_findings.py OUT A_TREE B_TREE REPO... [-- SCAN OPTIONS...]

A_TREE and B_TREE: two checkouts of credfence (`git worktree add --detach DIR REV`, then
`python -m compileall -q scanner detectors` in each). Each REPO is scanned from both by the
Python that runs this script, `python -m scanner.cli scan REPO --format json` plus the scan
options after `--` (`-- --no-history` for work trees only): the venv's, since a Python without
Hyperscan falls back to the slower engine. Two scans at a time; the reports are
kept as OUT/NAME.a.json and OUT/NAME.b.json and reused when present (so a second B_TREE can
be compared against the same A reports). A finding is its rule, its secret's SHA-256, its
severity and its number of locations; a repository whose sets differ is printed with each
finding only A had (`-`) and only B has (`+`), by rule, severity, digest prefix, location count
and first path (never the secret). Ends with how many repositories were the same.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor


def _scan(out: str, tree: str, repo: str, tag: str, extra: list[str]) -> dict | None:
    dst = f"{out}/{os.path.basename(repo.rstrip('/'))}.{tag}.json"
    if not os.path.exists(dst):
        env = dict(os.environ, PYTHONPATH=tree)
        subprocess.run([sys.executable, "-m", "scanner.cli", "scan", repo, "--format", "json", "-o", dst, *extra],
                       env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with open(dst) as f:
            report = json.load(f)
    except (OSError, ValueError):
        return None
    return {(f["rule"], str(f["secret_sha256"]), f["blast"]["severity"], len(f["locations"])): f["locations"][0]["path"]
            for f in report["findings"]}


def main(argv: list[str]) -> int:
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = argv[:argv.index("--")] if "--" in argv else argv
    if len(args) < 4:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    out, a_tree, b_tree, repos = args[0], args[1], args[2], [r.rstrip("/") for r in args[3:]]
    os.makedirs(out, exist_ok=True)
    same = 0

    def both(repo: str):
        return repo, _scan(out, a_tree, repo, "a", extra), _scan(out, b_tree, repo, "b", extra)

    with ThreadPoolExecutor(2) as pool:
        for repo, a, b in pool.map(both, repos):
            name = os.path.basename(repo)
            if a is None or b is None:
                print("FAILED", name, flush=True)
                continue
            if a.keys() == b.keys():
                same += 1
                continue
            print(f"DIFF {name}: {dict(Counter(k[2] for k in a))} -> {dict(Counter(k[2] for k in b))}")
            for k in sorted(a.keys() - b.keys()):
                print("   -", k[0], k[2], k[1][:8], k[3], a[k][:110])
            for k in sorted(b.keys() - a.keys()):
                print("   +", k[0], k[2], k[1][:8], k[3], b[k][:110])
            sys.stdout.flush()
    print("same", same, "of", len(repos))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
