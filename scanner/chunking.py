"""Splitting work into chunks for the worker processes (scanner/pipeline.py), by size.
A module of its own so that sources (scanner/sources/history.py) can shape their chunks
without importing the pipeline, which imports them."""
from __future__ import annotations


def chunk_by_size(items, size_of, target_bytes: int, max_n: int, parts: int = 1) -> list[list]:
    """Split items, in order, into chunks of about target_bytes of content and at most
    max_n items: enough work per task to amortise the hand-off, little enough to balance.
    Into at least `parts` chunks when the items allow: a small scan (a repository of a few
    megabytes) was one chunk, and one worker did all of it while the others waited."""
    if parts > 1:
        target_bytes = min(target_bytes, max(1, -(-sum(size_of(it) for it in items) // parts)))
    out, cur, size = [], [], 0
    for it in items:
        cur.append(it)
        size += size_of(it)
        if size >= target_bytes or len(cur) >= max_n:
            out.append(cur)
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out
