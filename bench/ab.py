"""Paired timing of two source trees of credfence on the same repositories (issue 16).

    .venv/bin/python bench/ab.py --a /tmp/before --b . --runs 9 ~/.cache/credfence-realworld/{httpx,flask}

Each tree (a checkout, e.g. `git worktree add /tmp/before HEAD~1`) is compiled, then
`python -m scanner.cli scan REPO --format json -q -o OUT` runs with PYTHONPATH set to it,
the two alternating, from a scratch directory: run from a checkout, `python -m` puts the
current directory first on sys.path and both sides would import that checkout's code. Each
side first proves which tree it imports. Prints, per repository, the median and fastest wall
seconds and the median CPU seconds (user + system of the process tree) of each tree, and
whether the two reports' findings are the same.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree)}


def _check(tree: Path, scratch: str) -> None:
    got = subprocess.run([str(PYTHON), "-c", "import scanner; print(scanner.__file__)"], cwd=scratch,
                         env=_env(tree), capture_output=True, text=True, check=True).stdout.strip()
    if not Path(got).resolve().is_relative_to(tree):
        sys.exit(f"{tree}: python imports {got} instead")


def _run(tree: Path, repo: Path, out: Path, scratch: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([str(PYTHON), "-m", "scanner.cli", "scan", str(repo), "--format", "json", "-q", "-o", str(out)],
                   cwd=scratch, env=_env(tree), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _findings(path: Path) -> list[str]:
    return sorted(json.dumps(f, sort_keys=True) for f in json.loads(path.read_text())["findings"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, type=Path, help="the tree before")
    ap.add_argument("--b", required=True, type=Path, help="the tree after")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("repos", nargs="+", type=Path)
    args = ap.parse_args()
    trees = {"a": args.a.resolve(), "b": args.b.resolve()}
    with tempfile.TemporaryDirectory() as scratch:
        for tree in trees.values():
            # -f: compileall takes a .pyc as current by its source's mtime in whole seconds; a
            # file rewritten in the same second (a checkout, a stash) keeps a stale one, which
            # the import refuses (it checks the size too) and compiles the source at every run
            subprocess.run([str(PYTHON), "-m", "compileall", "-f", "-q", "scanner", "detectors"], cwd=tree,
                           stdout=subprocess.DEVNULL, check=True)
            _check(tree, scratch)
        for repo in args.repos:
            walls: dict[str, list[float]] = {k: [] for k in trees}
            cpus: dict[str, list[float]] = {k: [] for k in trees}
            outs = {k: Path(scratch) / f"{k}.json" for k in trees}
            for _ in range(args.runs):
                for k, tree in trees.items():
                    w, c = _run(tree, repo.resolve(), outs[k], scratch)
                    walls[k].append(w)
                    cpus[k].append(c)
            same = _findings(outs["a"]) == _findings(outs["b"])
            print(f"{repo.name}: " + "; ".join(
                f"{k} wall {statistics.median(walls[k]):.3f} s (fastest {min(walls[k]):.3f}), "
                f"CPU {statistics.median(cpus[k]):.3f} s" for k in trees) +
                f"; findings {'the same' if same else 'DIFFER'} ({args.runs} runs each)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
