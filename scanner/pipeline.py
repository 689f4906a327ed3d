"""Run the engine over the sources, on every core: files and blobs in, hits out.

Work is split into chunks (by bytes) handed to a pool of forked processes, since matching
and decoding are CPU-bound and the GIL would serialise threads. Each worker reads its own
input: files from disk, or blobs through its own long-lived `git cat-file --batch`. Only
hits travel back, never contents, so memory stays bounded by one chunk per worker.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from scanner.engine import _BOMS, Engine, decode, is_binary
from scanner.sources.workspace import LFS_MAGIC
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
    over_budget: list[str] = field(default_factory=list)  # configuration rules skipped (scanner/budget.py)
    confirmed: int = 0  # contents with a candidate, looked at one by one (progress)


def scan_content(engine: Engine, data: bytes, path: str, cand=None) -> tuple[list[Hit] | None, str | None]:
    """Hits in one file or blob, or (None, skip reason). Content is decoded to text only
    when a rule, a structured parser or the decoder may have something to say. `cand`:
    the content's candidates when they were matched already (a chunk of blobs at once)."""
    if is_binary(data):
        return None, "binary"
    if data.startswith(LFS_MAGIC):
        return None, "lfs-pointer"
    if data.startswith(b"{"):
        from scanner.baseline import is_baseline_file

        if is_baseline_file(data):
            return None, "baseline-file"
    structured = _structured()
    text = None
    if cand is None:
        hs_ok = engine.hyperscan and not data.startswith(_BOMS)
        text = None if hs_ok else decode(data)
        cand = engine.candidates(data if hs_ok else None, text)
    # a parser applies only to a file its name decides or that holds a marker the engine
    # looked for (STRUCTURED_CANDIDATE): without either, parsing a candidate file (a setup.cfg
    # with a password in each of its hundred versions) searched its text for nothing
    parse = structured.path_may_be_structured(path) and \
        (cand.structured_hint or structured.name_decides_parse(path))
    if cand.empty and not cand.decode_lines and not parse:
        return [], None
    if text is None:
        text = decode(data)
    hits = engine.confirm(text, cand, path) if not cand.empty else []
    if parse:
        hits += structured.scan_structured(path, text)
    # texts hidden inside other encodings are decoded once and scanned with the regex rules:
    # notebook cells and k8s Secret data (whole file), encoded values under secret-bearing keys
    virtual: list[tuple[int, str, dict]] = []
    if parse and (path.endswith(".ipynb") or ("kind:" in text and "Secret" in text)):
        virtual = structured.virtual_texts(path, text)
    elif cand.decode_lines:
        lines = text.split("\n")
        from detectors.structured.decode import decoded_lines

        virtual = [(ln, t, {"fixed_line": True}) for ln, t in decoded_lines(lines, cand.decode_lines)]
    for base_line, vtext, extra in virtual:
        fixed = extra.pop("fixed_line", False)
        for h in engine.scan_text(vtext, path):
            h.line = base_line if fixed else base_line + h.line - 1
            h.context.update(extra)
            h.context["decoded"] = True
            hits.append(h)
    return _merge(hits), None


_STRUCTURED = None


def _structured():
    """detectors.structured, imported on first use (keeps the pre-commit start-up short)
    and then kept: an import statement per blob cost a second on a large history."""
    global _STRUCTURED
    if _STRUCTURED is None:
        from detectors import structured

        _STRUCTURED = structured
    return _STRUCTURED


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
    # a worker's `git cat-file` is waited for however the worker ends: a normal exit (the
    # pool closed) runs the finalizer, a terminate (SIGTERM) the handler
    import signal
    from multiprocessing.util import Finalize

    Finalize(None, _close_reader, exitpriority=10)
    signal.signal(signal.SIGTERM, _on_terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle: it
    # terminates the pool (no traceback from every worker)


def _on_terminate(_signum, _frame) -> None:
    if _READER is not None:
        try:
            _READER.proc.kill()
            _READER.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001 - exiting anyway
            pass
    os._exit(1)


def forked_pool(n: int, engine: Engine, repo: Path | None, max_size: int, warm: bool = False):
    """A pool of n forked workers that Ctrl-C cannot kill: they are forked with SIGINT
    blocked and ignore it from their first instruction. A worker that died of a
    KeyboardInterrupt while holding the task queue's lock (a signal to the process group
    arriving before its initializer ran) made Pool.terminate wait for that lock forever."""
    import multiprocessing as mp
    import signal

    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return mp.get_context("fork").Pool(n, initializer=_init_pool_worker, initargs=(engine, repo, max_size, warm))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a Ctrl-C that came meanwhile is delivered now


def _init_pool_worker(engine: Engine, repo: Path | None, max_size: int, warm: bool = False) -> None:
    """_init_worker in a forked pool worker. Its git readers (cat-file --batch) are waited
    for when it ends on its own (multiprocessing runs these finalizers, not atexit, before
    the worker's os._exit); when the pool stops it with SIGTERM, they see EOF, end, and are
    reaped by the main process, which is their subreaper (gitcmd.become_subreaper)."""
    import signal
    from multiprocessing.util import Finalize

    from scanner import gitcmd

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle: it stops us
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by forked_pool until now
    Finalize(None, gitcmd.reap, exitpriority=10)
    _init_worker(engine, repo, max_size)
    if warm:
        _warm_up(engine)


def _warm_up(engine: Engine) -> None:
    """The detectors' modules, imported while the history walk runs (the history's pool,
    Workers, is forked before it starts, and its workers would otherwise wait): imported
    lazily instead, they fell on the first blobs' confirmation. (Compiling every rule's
    regex here as well cost more CPU than the few a scan uses.)"""
    from detectors import generic, validators  # noqa: F401

    _structured()


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
        _count(res, rel, *scan_content(_ENGINE, data, rel))
    return res


def _scan_blobs(blobs: list[tuple[str, int, str]]) -> ChunkResult:
    global _READER
    from scanner.sources.history import BlobReader

    if _ENGINE.concatenation_safe:
        return _scan_blob_chunk(blobs)
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
        _count(res, oid, *scan_content(_ENGINE, data, paths[oid]))
    return res


def _count(res: ChunkResult, key: str, hits: list[Hit] | None, why: str | None) -> None:
    if _ENGINE.over_budget:
        res.over_budget = sorted(_ENGINE.over_budget)
    if hits is None:
        res.skipped[why] = res.skipped.get(why, 0) + 1
    elif hits:
        res.hits.append((key, hits))


def _matched_blobs(blobs: list[tuple[str, int, str]]):
    """A chunk of blobs read into one buffer and matched by one Hyperscan pass per group of
    about a megabyte (BlobReader.read_groups, Engine.match_spans): yields (index in blobs,
    buffer, start, end, the blob's matches or None), start None for an object git could
    not read. Per-blob Python work was most of the history scan's own time."""
    global _READER
    from scanner.sources.history import BlobReader

    if _READER is None:
        _READER = BlobReader(_REPO)
    return _match_groups(_READER.read_groups(blobs))


def _match_groups(groups):
    """_matched_blobs for any source of groups in BlobReader.read_groups' layout."""
    for buf, lo, hi, group in groups:
        present = [(i, st - lo, en - lo) for i, st, en in group if st is not None]
        with memoryview(buf) as view, view[lo:hi] as window:
            matches = _ENGINE.match_spans(window, [(st, en) for _, st, en in present])
        for i, st, _ in group:
            if st is None:
                yield i, buf, None, None, None
        for k, (i, st, en) in enumerate(present):
            yield i, buf, st + lo, en + lo, matches.get(k)


def _quiet_reason(buf: bytearray, st: int, en: int) -> str | None:
    """The skip reason a full scan would give a blob without candidates, from its bytes."""
    if buf.find(b"\0", st, min(en, st + 8192)) >= 0:
        return "binary"
    if buf.startswith(LFS_MAGIC, st, en):
        return "lfs-pointer"
    return None


def _scan_blob_chunk(blobs: list[tuple[str, int, str]]) -> ChunkResult:
    """Blobs matched a chunk at a time (_matched_blobs); only those with a candidate (or a
    name a structured parser always reads, or a byte-order mark) are copied out and looked
    at one by one."""
    res = ChunkResult(items=len(blobs))
    structured = _structured()
    for i, buf, st, en, m in _matched_blobs(blobs):
        if st is None:
            res.skipped["missing-object"] = res.skipped.get("missing-object", 0) + 1
            continue
        res.bytes += en - st
        oid, _, path = blobs[i]
        if m is None and not buf.startswith(_BOMS, st, en) and not structured.name_decides_parse(path):
            why = _quiet_reason(buf, st, en)
            if why:
                res.skipped[why] = res.skipped.get(why, 0) + 1
            continue
        if m is not None and not buf.startswith(_BOMS, st, en) and buf[st:st + 1] != b"{" and \
                not structured.name_decides_parse(path) and _quiet_reason(buf, st, en) is None and \
                _ENGINE.known_quiet(buf, st, en, m, path, structured.path_may_be_structured(path)):
            continue  # every candidate a generic one on a line already judged empty for this path
        data = bytes(buf[st:en])  # only blobs worth a look are copied out
        res.confirmed += 1
        cand = None if data.startswith(_BOMS) else _ENGINE.candidates_from_matches(data, m or [])
        _count(res, oid, *scan_content(_ENGINE, data, path, cand))
    return res


class Workers:
    """One pool of forked worker processes for a whole scan (blobs, then files), made
    before the scan starts any thread: a fork copies only the forking thread, and a lock
    another thread held at that moment would stay locked in the child."""

    def __init__(self, engine: Engine, repo: Path, jobs: int, max_size: int):

        self.pool = forked_pool(jobs, engine, repo, max_size, warm=True)

    def imap(self, fn, chunks):
        return self.pool.imap_unordered(fn, chunks)

    def close(self, graceful: bool = False) -> None:
        """Stop the workers (again: a no-op). Gracefully, once all work is done: each
        worker exits on its own and waits for its git process; otherwise terminated, and
        each still waits for its git (_on_terminate)."""
        if self.pool is not None:
            if graceful:
                self.pool.close()
            else:
                self.pool.terminate()
            self.pool.join()
            self.pool = None


def can_fork() -> bool:
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


def run_chunks(kind: str, chunks: list, engine: Engine, repo: Path, jobs: int, max_size: int,
               progress: Callable[[int, int, int], None] | None = None, workers: Workers | None = None) -> ChunkResult:
    """Scan chunks of files ('files') or blobs ('blobs'); merge the results. With
    `workers`, their pool does the work; otherwise a pool of `jobs` is made for it."""
    import multiprocessing as mp

    fn = _scan_files if kind == "files" else _scan_blobs
    total = ChunkResult()

    def add(r: ChunkResult) -> None:
        if r.over_budget:  # the workers' engines are copies: tell the caller's
            engine.over_budget.update(r.over_budget)
            total.over_budget = sorted(engine.over_budget)
        total.hits += r.hits
        total.items += r.items
        total.bytes += r.bytes
        total.confirmed += r.confirmed
        for k, v in r.skipped.items():
            total.skipped[k] = total.skipped.get(k, 0) + v
        if progress:
            progress(r.items, r.bytes, r.confirmed)

    if workers is not None and chunks:
        for r in workers.imap(fn, chunks):
            add(r)
        return total
    import threading

    # never fork while another thread runs: a lock it holds (the import lock, a logging or
    # queue lock) stays locked forever in the child, and a worker stuck on it left
    # `imap` waiting for ever (seen as hung `scan --no-history` and `ignore` under load)
    if jobs <= 1 or len(chunks) <= 1 or "fork" not in mp.get_all_start_methods() or threading.active_count() > 1:
        _init_worker(engine, repo, max_size)
        try:
            for c in chunks:
                add(fn(c))
        finally:
            _close_reader()
        return total
    with forked_pool(min(jobs, len(chunks)), engine, repo, max_size) as pool:
        for r in pool.imap_unordered(fn, chunks):
            add(r)
    return total


def _close_reader() -> None:
    global _READER
    if _READER is not None:
        _READER.close()
        _READER = None


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


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1

