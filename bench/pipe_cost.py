"""What moving a history's blobs from git costs, before any matching (issue 16).

    .venv/bin/python bench/pipe_cost.py ~/.cache/credfence-realworld/sqlalchemy

For a git clone: every blob the refs reach (`rev-list --all --objects`), read by one
`git cat-file --batch --buffer`, (1) into /dev/null, the cost of rebuilding them alone;
(2) through a pipe of the default size and (3) of 1 MB (the unprivileged limit on Linux,
as scanner/sources/history.py BlobReader asks for), read in this process into one reused
buffer. Prints wall seconds and the CPU seconds of git and of the reader.
"""
from __future__ import annotations

import argparse
import fcntl
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path


def blob_ids(repo: Path, out: Path) -> int:
    objects = subprocess.run(["git", "-C", str(repo), "rev-list", "--all", "--objects"],
                             capture_output=True, check=True).stdout
    ids = b"".join(line[:40] + b"\n" for line in objects.splitlines())
    kinds = subprocess.run(["git", "-C", str(repo), "cat-file", "--buffer", "--batch-check=%(objecttype) %(objectname)"],
                           input=ids, capture_output=True, check=True).stdout
    blobs = [line.split()[1] for line in kinds.splitlines() if line.startswith(b"blob ")]
    out.write_bytes(b"".join(b + b"\n" for b in blobs))
    return len(blobs)


def timed(repo: Path, ids: Path, pipe_size: int | None) -> str:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    with open(ids, "rb") as stdin:
        if pipe_size is None:
            with open(os.devnull, "wb") as sink:
                subprocess.run(["git", "-C", str(repo), "cat-file", "--batch", "--buffer"], stdin=stdin, stdout=sink)
            moved = 0
        else:
            proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch", "--buffer"], stdin=stdin,
                                    stdout=subprocess.PIPE)
            if pipe_size:
                fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, pipe_size)
            buf = memoryview(bytearray(1 << 20))
            moved = 0
            while k := proc.stdout.raw.readinto(buf):
                moved += k
            proc.wait()
    wall = time.perf_counter() - t
    git = resource.getrusage(resource.RUSAGE_CHILDREN)
    me2 = resource.getrusage(resource.RUSAGE_SELF)
    return (f"{wall:6.2f} s wall; git {git.ru_utime - before.ru_utime:.2f} user + {git.ru_stime - before.ru_stime:.2f} "
            f"system CPU-s; reader {me2.ru_utime - me.ru_utime:.2f} + {me2.ru_stime - me.ru_stime:.2f}"
            + (f"; {moved / 1e9:.2f} GB moved" if moved else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("repos", nargs="+", type=Path)
    args = ap.parse_args()
    for repo in args.repos:
        with tempfile.TemporaryDirectory() as tmp:
            ids = Path(tmp) / "blobs"
            n = blob_ids(repo, ids)
            print(f"{repo.name}: {n} blobs")
            print(f"  into /dev/null:         {timed(repo, ids, None)}")
            print(f"  through a default pipe: {timed(repo, ids, 0)}")
            print(f"  through a 1 MB pipe:    {timed(repo, ids, 1 << 20)}")


if __name__ == "__main__":
    main()
