"""Run the engine over the sources, on every core: files and blobs in, hits out.

Work is split into chunks (by bytes) handed to a pool of forked processes, since matching
and decoding are CPU-bound and the GIL would serialise threads. Each worker reads its own
input: files from disk, or blobs through its own long-lived `git cat-file --batch`. Only
hits travel back, never contents, so memory stays bounded by one chunk per worker.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from scanner.engine import Engine, decode, is_binary
from scanner.model import Hit

_ENGINE: Engine | None = None
_REPO: Path | None = None
_READER = None
_MAX_SIZE = 25 * 1024 * 1024


@dataclass
class ChunkResult:
    hits: list[tuple[str, list[Hit]]] = field(default_factory=list)  # (key, hits) for keys with hits
    skipped: dict[str, int] = field(default_factory=dict)
    items: int = 0
    bytes: int = 0


def scan_content(engine: Engine, data: bytes, path: str) -> tuple[list[Hit] | None, str | None]:
    """Hits in one file or blob, or (None, skip reason)."""
    if is_binary(data):
        return None, "binary"
    if data.startswith(b"version https://git-lfs.github.com/spec/v1"):
        return None, "lfs-pointer"
    text = decode(data)
    hits = engine.scan_bytes(data, path) if not data.startswith((b"\xff\xfe", b"\xfe\xff")) else engine.scan_text(text, path)
    try:
        from detectors import structured
    except ImportError:  # pragma: no cover - the structured parsers are optional at import time
        return hits, None
    hits += _structured_hits(engine, structured, path, text)
    return _merge(hits), None


def _structured_hits(engine: Engine, structured, path: str, text: str) -> list[Hit]:
    out: list[Hit] = list(structured.scan_structured(path, text))
    # texts hidden inside other encodings (notebook cells, k8s Secret data, base64 values)
    # are decoded once and scanned with the regex rules, line numbers re-based
    for fn_name in ("virtual_texts",):
        fn = getattr(structured, fn_name, None)
        if fn is None:
            continue
        for base_line, vtext, extra in fn(path, text):
            for h in engine.scan_text(vtext, path):
                h.line = base_line + h.line - 1 if "\n" in vtext else base_line
                h.context.update(extra or {})
                h.context.setdefault("decoded", True)
                out.append(h)
    return out


def _merge(hits: list[Hit]) -> list[Hit]:
    seen: dict[tuple[int, str], Hit] = {}
    for h in hits:
        k = (h.line, h.secret)
        old = seen.get(k)
        if old is None or (old.rule_id == "generic-secret" and h.rule_id != "generic-secret"):
            seen[k] = h
    return sorted(seen.values(), key=lambda h: (h.line, h.column))


# ---- workers ---------------------------------------------------------------------------
def _init_worker(engine: Engine, repo: Path | None, max_size: int) -> None:
    global _ENGINE, _REPO, _MAX_SIZE, _READER
    _ENGINE, _REPO, _MAX_SIZE, _READER = engine, repo, max_size, None


def _scan_files(rels: list[str]) -> ChunkResult:
    from scanner.sources.workspace import read_file

    res = ChunkResult()
    for rel in rels:
        data, why = read_file(_REPO, rel, _MAX_SIZE)
        res.items += 1
        if data is None:
            res.skipped[why] = res.skipped.get(why, 0) + 1
            continue
        res.bytes += len(data)
        hits, why = scan_content(_ENGINE, data, rel)
        if hits is None:
            res.skipped[why] = res.skipped.get(why, 0) + 1
        elif hits:
            res.hits.append((rel, hits))
    return res


def _scan_blobs(blobs: list[tuple[str, int, str]]) -> ChunkResult:
    global _READER
    from scanner.sources.history import BlobReader

    if _READER is None:
        _READER = BlobReader(_REPO)
    res = ChunkResult()
    paths = {oid: path for oid, _, path in blobs}
    for oid, data in _READER.read([b[0] for b in blobs]):
        res.items += 1
        if data is None:
            res.skipped["missing-object"] = res.skipped.get("missing-object", 0) + 1
            continue
        res.bytes += len(data)
        hits, why = scan_content(_ENGINE, data, paths[oid])
        if hits is None:
            res.skipped[why] = res.skipped.get(why, 0) + 1
        elif hits:
            res.hits.append((oid, hits))
    return res


def run_chunks(kind: str, chunks: list, engine: Engine, repo: Path, jobs: int, max_size: int,
               progress: Callable[[int, int], None] | None = None) -> ChunkResult:
    """Scan chunks of files ('files') or blobs ('blobs'); merge the results."""
    fn = _scan_files if kind == "files" else _scan_blobs
    total = ChunkResult()

    def add(r: ChunkResult) -> None:
        total.hits += r.hits
        total.items += r.items
        total.bytes += r.bytes
        for k, v in r.skipped.items():
            total.skipped[k] = total.skipped.get(k, 0) + v
        if progress:
            progress(r.items, r.bytes)

    if jobs <= 1 or len(chunks) <= 1 or "fork" not in mp.get_all_start_methods():
        _init_worker(engine, repo, max_size)
        try:
            for c in chunks:
                add(fn(c))
        finally:
            _close_reader()
        return total
    ctx = mp.get_context("fork")
    with ctx.Pool(min(jobs, len(chunks)), initializer=_init_worker, initargs=(engine, repo, max_size)) as pool:
        for r in pool.imap_unordered(fn, chunks):
            add(r)
    return total


def _close_reader() -> None:
    global _READER
    if _READER is not None:
        _READER.close()
        _READER = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
