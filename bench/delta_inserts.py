#!/usr/bin/env python3
"""How much of a history's content git's deltas insert (issue 16: what a scan that matched
only the bytes each version adds over its delta base would read).

    python bench/delta_inserts.py REPO [--rebuild]

Reads the repository's pack files directly (index version 2, SHA-1), never running its
code: for every blob reachable from any ref (`git rev-list --all --objects`), whether the
pack stores it whole or as a delta, the bytes its delta instructions insert, and the time
to decompress every object and to parse every delta's instructions in Python; with
--rebuild, the time to rebuild every version from its base in Python as well. Blobs kept
outside packs (loose objects) are counted apart and not read.
"""
from __future__ import annotations

import argparse
import mmap
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

_OFS_DELTA, _REF_DELTA = 6, 7


def reachable_blobs(repo: Path) -> set[bytes]:
    objs = subprocess.run(["git", "-C", str(repo), "rev-list", "--all", "--objects"],
                          capture_output=True, check=True).stdout
    ids = b"".join(line[:40] + b"\n" for line in objs.splitlines())
    kinds = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-check=%(objecttype) %(objectname)"],
                           input=ids, capture_output=True, check=True).stdout
    return {bytes.fromhex(w[1].decode()) for w in (line.split() for line in kinds.splitlines())
            if len(w) == 2 and w[0] == b"blob"}


class Pack:
    def __init__(self, idx_path: Path):
        idx = idx_path.read_bytes()
        if idx[:8] != b"\xfftOc\x00\x00\x00\x02":
            raise SystemExit(f"{idx_path}: not a version-2 pack index")
        n = struct.unpack(">I", idx[8 + 255 * 4:8 + 256 * 4])[0]
        shas, offs = 8 + 256 * 4, 8 + 256 * 4 + 24 * n
        large = offs + 4 * n
        raw = struct.unpack(f">{n}I", idx[offs:offs + 4 * n])
        self.offsets = [o if not o & 0x80000000 else
                        struct.unpack(">Q", idx[large + 8 * (o & 0x7fffffff):large + 8 * (o & 0x7fffffff) + 8])[0]
                        for o in raw]
        self.by_id = {idx[shas + 20 * i:shas + 20 * i + 20]: self.offsets[i] for i in range(n)}
        fh = open(idx_path.with_suffix(".pack"), "rb")
        self.data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        order = sorted(self.offsets)
        self.end = dict(zip(order, order[1:] + [len(self.data) - 20]))

    def header(self, at: int) -> tuple[int, int, int | bytes | None]:
        """(type, where the compressed data starts, the delta's base: an offset or an id)."""
        d = self.data
        c = d[at]
        kind, at = (c >> 4) & 7, at + 1
        while c & 0x80:
            c, at = d[at], at + 1
        base: int | bytes | None = None
        if kind == _OFS_DELTA:
            c, at = d[at], at + 1
            back = c & 0x7f
            while c & 0x80:
                c, at = d[at], at + 1
                back = ((back + 1) << 7) | (c & 0x7f)
            base = -back
        elif kind == _REF_DELTA:
            base, at = bytes(d[at:at + 20]), at + 20
        return kind, at, base

    def inflate(self, at: int) -> tuple[int, bytes, int | bytes | None]:
        kind, start, base = self.header(at)
        body = zlib.decompress(self.data[start:self.end[at]])
        if isinstance(base, int):
            base = at + base
        return kind, body, base


def _varint(b: bytes, i: int) -> tuple[int, int]:
    v = shift = 0
    while True:
        c, i = b[i], i + 1
        v |= (c & 0x7f) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def instructions(delta: bytes):
    """Yield ("copy", offset, size) and ("insert", start, end) of a git delta."""
    _, i = _varint(delta, 0)
    _, i = _varint(delta, i)
    n = len(delta)
    while i < n:
        c, i = delta[i], i + 1
        if c & 0x80:
            off = size = 0
            for bit, shift in ((1, 0), (2, 8), (4, 16), (8, 24)):
                if c & bit:
                    off |= delta[i] << shift
                    i += 1
            for bit, shift in ((16, 0), (32, 8), (64, 16)):
                if c & bit:
                    size |= delta[i] << shift
                    i += 1
            yield "copy", off, size or 0x10000
        else:
            yield "insert", i, i + c
            i += c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repo", type=Path)
    ap.add_argument("--rebuild", action="store_true", help="also rebuild every version in Python")
    a = ap.parse_args()
    packs = [Pack(p) for p in sorted((a.repo / ".git" / "objects" / "pack").glob("*.idx"))] or \
        [Pack(p) for p in sorted((a.repo / "objects" / "pack").glob("*.idx"))]
    blobs = reachable_blobs(a.repo)
    placed: list[tuple[Pack, int]] = []
    loose = 0
    for b in blobs:
        for p in packs:
            off = p.by_id.get(b)
            if off is not None:
                placed.append((p, off))
                break
        else:
            loose += 1
    rank = {id(p): k for k, p in enumerate(packs)}
    placed.sort(key=lambda po: (rank[id(po[0])], po[1]))  # pack order: as git stores them
    whole = whole_bytes = deltas = inserted = n_instr = 0
    t0 = time.perf_counter()
    for p, off in placed:
        p.inflate(off)
    t_inflate = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p, off in placed:
        kind, body, _ = p.inflate(off)
        if kind in (_OFS_DELTA, _REF_DELTA):
            deltas += 1
            for op, x, y in instructions(body):
                n_instr += 1
                if op == "insert":
                    inserted += y - x
        else:
            whole += 1
            whole_bytes += len(body)
    t_parse = time.perf_counter() - t0
    print(f"{a.repo}: {len(blobs):,} reachable blobs in {len(packs)} pack(s), {loose:,} outside them")
    print(f"  stored whole: {whole:,} blobs, {whole_bytes:,} bytes")
    print(f"  deltas: {deltas:,} blobs, {n_instr:,} instructions, {inserted:,} bytes inserted")
    print(f"  decompress every blob: {t_inflate:.2f} s; decompress and parse every delta (Python): {t_parse:.2f} s")
    if a.rebuild:
        cache: dict[tuple[int, int], bytes] = {}

        def content(p: Pack, off: int) -> bytes:
            got = cache.get((id(p), off))
            if got is None:
                kind, body, base = p.inflate(off)
                if kind in (_OFS_DELTA, _REF_DELTA):
                    src = content(p, base) if isinstance(base, int) else \
                        next(content(q, q.by_id[base]) for q in packs if base in q.by_id)
                    body = b"".join(src[x:x + y] if op == "copy" else body[x:y] for op, x, y in instructions(body))
                got = cache[(id(p), off)] = body
            return got

        t0 = time.perf_counter()
        total = sum(len(content(p, off)) for p, off in placed)
        print(f"  rebuild every version (Python): {time.perf_counter() - t0:.2f} s, {total:,} bytes of versions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
