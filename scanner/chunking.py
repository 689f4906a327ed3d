"""Splitting work into chunks for the worker processes (scanner/pipeline.py), by size.
A module of its own so that sources (scanner/sources/history.py) can shape their chunks
without importing the pipeline, which imports them."""
from __future__ import annotations


def chunk_by_size(items, size_of, target_bytes: int, max_n: int, parts: int = 1) -> list[list]:
    """Split items, in order, into chunks of about target_bytes of content and at most
    max_n items: enough work per task to amortise the hand-off, little enough to balance.
    Into at least `parts` chunks when the items allow: a small scan (a repository of a few
    megabytes) was one chunk, and one worker did all of it while the others waited. Each
    chunk is at most 1/parts of what is left, so they shrink towards the end and the
    workers finish together."""
    total = sum(size_of(it) for it in items) if parts > 1 else 0
    return list(iter_chunks(items, size_of, target_bytes, max_n, parts, total))


def iter_chunks(items, size_of, target_bytes: int, max_n: int, parts: int, total: int):
    """chunk_by_size's chunks, each handed out as soon as it is full: items may be a
    generator (the history's blobs, ordered while the first chunks are scanned), whose
    total size, for `parts`, the caller knows beforehand."""
    left = total

    def target() -> int:
        return min(target_bytes, max(1, -(-left // parts))) if parts > 1 else target_bytes

    cur, size, goal = [], 0, target()
    for it in items:
        cur.append(it)
        size += size_of(it)
        if size >= goal or len(cur) >= max_n:
            yield cur
            left -= size
            cur, size, goal = [], 0, target()
    if cur:
        yield cur
