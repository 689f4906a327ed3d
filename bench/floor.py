"""How close a history scan is to the floor of reading every blob whole (issue 16).

    .venv/bin/python bench/floor.py ~/.cache/credfence-realworld/{httpx,flask,sqlalchemy}

For each git clone, three stages of credfence's own history scan, timed alone:
- walk: the object listing and `git log --raw` (scanner.sources.history.Enumeration);
- read: every reachable blob through two `git cat-file --batch` processes, in the order
  of their deltas, into the workers' buffers (BlobReader.read_groups), nothing else;
- read + match: the same with Hyperscan over every blob, or where a delta differs from its
  base (pipeline._match_groups, Engine.match_spans).
A scan cannot take less than walk + read while it reads every version of every file whole;
the difference between the full scan and walk + read + match is the confirmation, the
report and the start-up. Two worker processes, as on the benchmark machine's two cores.
"""
from __future__ import annotations

import argparse
import sys
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner import pipeline  # noqa: E402
from scanner.engine import Engine  # noqa: E402
from scanner.rules import load_rules  # noqa: E402
from scanner.sources import history as hist  # noqa: E402

_REPO: Path | None = None
_ENGINE: Engine | None = None


def _read(chunk, match: bool) -> int:
    reader = hist.BlobReader(_REPO)
    n = 0
    try:
        groups = reader.read_groups(chunk)
        if match:  # as the scan matches: each delta where it differs from its base
            pipeline._ENGINE = _ENGINE
            for _, _, st, en, _ in pipeline._match_groups(groups, chunk):
                n += 0 if st is None else en - st
        else:
            for _, lo, hi, _ in groups:
                n += hi - lo
    finally:
        reader.close()
    return n


def read_only(chunk) -> int:
    return _read(chunk, False)


def read_match(chunk) -> int:
    return _read(chunk, True)


def measure(repo: Path, jobs: int) -> str:
    global _REPO, _ENGINE
    t = time.perf_counter()
    enum = hist.Enumeration(repo)
    try:
        blobs = enum.result().blobs
    finally:
        enum.close()
    walk = time.perf_counter() - t
    _REPO, _ENGINE = repo, Engine(load_rules())  # inherited by the forked workers
    out = [f"{repo.name}: walk {walk:.2f} s"]
    for fn in (read_only, read_match):
        t = time.perf_counter()
        with Pool(jobs) as pool:
            n = sum(pool.imap(fn, hist.chunks(blobs, 4 * jobs)))
        out.append(f"{'read' if fn is read_only else 'read + match'} {time.perf_counter() - t:.2f} s")
    return "; ".join(out) + f" ({n / 1e6:,.0f} MB of blobs)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repos", nargs="+", type=Path, help="git clones")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    for repo in a.repos:
        print(measure(repo.expanduser().resolve(), a.jobs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
