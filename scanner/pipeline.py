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
from typing import Callable, Iterable

from detectors.generic import reading_path
from scanner.baseline import is_baseline_file
from scanner.detect import BOMS, dedupe, detect, structured_parsers

from scanner.engine import UTF8_BOM, Engine, blank_terminal_codes, is_binary_at, unchanged_lines
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


# ---- workers ---------------------------------------------------------------------------
def _init_worker(engine: Engine, repo: Path | None, max_size: int) -> None:
    """What a chunk function needs, in this process: a forked worker's, or the main
    process's when it scans in-process (which must keep its own signal handlers)."""
    global _ENGINE, _REPO, _MAX_SIZE, _READER
    _ENGINE, _REPO, _MAX_SIZE, _READER = engine, repo, max_size, None


def forked_pool(n: int, engine: Engine, repo: Path | None, max_size: int, warm: bool = False,
                not_ours: list[int] = ()):
    """A pool of n forked workers that Ctrl-C cannot kill: they are forked with SIGINT
    blocked and ignore it from their first instruction. A worker that died of a
    KeyboardInterrupt while holding the task queue's lock (a signal to the process group
    arriving before its initializer ran) made Pool.terminate wait for that lock forever.
    `not_ours`: the parent's pipes to its other git processes, which each worker closes on
    its side."""
    import multiprocessing as mp
    import signal

    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return mp.get_context("fork").Pool(n, initializer=_init_pool_worker,
                                         initargs=(engine, repo, max_size, warm, tuple(not_ours), os.getpid()))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a Ctrl-C that came meanwhile is delivered now


def _init_pool_worker(engine: Engine, repo: Path | None, max_size: int, warm: bool = False,
                      not_ours: tuple[int, ...] = (), parent: int = 0) -> None:
    """_init_worker in a forked pool worker. Its git readers (cat-file --batch) are closed
    and waited for when it ends on its own (multiprocessing runs these finalizers, not
    atexit, before the worker's os._exit). SIGTERM (Pool.terminate, Ctrl-C) takes its
    default action, death in the kernel: a Python handler runs only between bytecodes, and
    one that arrived just before the worker blocked in the task queue's semaphore was never
    run, so Pool.terminate joined that worker for ever (seen as a hung `scan --since` under
    load). The dead worker's git readers see EOF and end, and the main process, their
    subreaper (gitcmd.become_subreaper), reaps them. The parent's pipes to its other git
    processes (`not_ours`) are pointed at /dev/null here: a worker holding the write end of
    a git process's input would keep that git from ever seeing its end (the descriptors stay
    taken, so no file this worker opens can be mistaken for them). A worker dies with the
    process that forked it (gitcmd.die_with_parent), even one killed by SIGKILL."""
    import os
    import signal
    from multiprocessing.util import Finalize

    from scanner import gitcmd

    if gitcmd.STOPPING:  # forked by the pool to replace a worker Ctrl-C had just stopped
        os._exit(0)
    if parent:
        gitcmd.die_with_parent(parent)  # a scan killed outright takes its workers with it
    if not_ours:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in not_ours:
            try:
                os.dup2(null, fd, inheritable=False)
            except OSError:
                pass
        os.close(null)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's Python handler, if any, is not ours
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle: it stops us
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by forked_pool until now
    Finalize(None, gitcmd.reap, exitpriority=10)
    Finalize(None, _close_reader, exitpriority=11)
    _init_worker(engine, repo, max_size)
    if warm:
        _warm_up(engine)


def _warm_up(engine: Engine) -> None:
    """The detectors' modules, imported while the history walk runs (the history's pool,
    Workers, is forked before it starts, and its workers would otherwise wait): imported
    lazily instead, they fell on the first blobs' confirmation. (Compiling every rule's
    regex here as well cost more CPU than the few a scan uses.)"""
    from detectors import generic, validators  # noqa: F401

    structured_parsers()


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
        _count(res, rel, *detect(_ENGINE, data, rel))
    return res


def _scan_blobs(blobs: list[tuple]) -> ChunkResult:
    """Blobs given as (oid, size, path), or (oid, size, path, delta base) from the history
    (delta_order), where a path of None marks a base carried from an earlier chunk only for
    the versions after it (history.with_outside_bases)."""
    global _READER
    from scanner.sources.history import BlobReader

    if _ENGINE.concatenation_safe:
        return _scan_blob_chunk(blobs)
    blobs = [b for b in blobs if b[2] is not None]  # matched whole here: a base is of no use
    if _READER is None:
        _READER = BlobReader(_REPO)
    res = ChunkResult()
    paths = {b[0]: b[2] for b in blobs}
    for oid, data in _READER.read([b[0] for b in blobs]):
        res.items += 1
        if data is None:
            res.skipped["missing-object"] = res.skipped.get("missing-object", 0) + 1
            continue
        res.bytes += len(data)
        _count(res, oid, *detect(_ENGINE, data, paths[oid]))
    return res


def _count(res: ChunkResult, key: str, hits: list[Hit] | None, why: str | None) -> None:
    if _ENGINE.over_budget:
        res.over_budget = sorted(_ENGINE.over_budget)
    if hits is None:
        res.skipped[why] = res.skipped.get(why, 0) + 1
    elif hits:
        res.hits.append((key, hits))


BINARY = object()  # _matched_blobs' mark of a binary blob: not matched, and skipped as detect skips it
# a version with fewer matches than this is looked at whole: finding the lines it shares
# with its base (unchanged_lines, about 5 us) costs what looking at a few lines does
UNCHANGED_FROM = 8


def _matched_blobs(blobs: list[tuple]):
    """A chunk of blobs read into one buffer and matched by one Hyperscan pass per group of
    about a megabyte (BlobReader.read_groups, Engine.match_spans): yields (index in blobs,
    buffer, start, end, the blob's matches or None, or BINARY), start None for an object
    git could not read, and after a UTF-8 byte-order mark (what decode() reads). Per-blob
    Python work was most of the history scan's own time."""
    global _READER
    from scanner.sources.history import BlobReader

    if _READER is None:
        _READER = BlobReader(_REPO)
    return _match_groups(_READER.read_groups(blobs), blobs)


def _match_groups(groups, blobs: list[tuple] | None = None):
    """_matched_blobs for any source of groups in BlobReader.read_groups' layout. Blobs
    given with their delta base (delta_order), when the base came earlier in the chunk,
    are matched where they differ from it (Engine.match_spans' bases): the matches of
    each base are kept until the chunk ends."""
    where = {}  # oid -> index in blobs, of the blobs some later blob is stored against
    if blobs and len(blobs[0]) > 3:
        needed = {b[3] for b in blobs if b[3]}
        where = {b[0]: i for i, b in enumerate(blobs) if b[0] in needed}
    # index -> (start, end, matches, none of the context-gated rules' own patterns) of those bases
    kept: dict[int, tuple[int, int, list, bool]] = {}
    for buf, lo, hi, group in groups:
        if buf.find(b"\x1b", lo, hi) >= 0:  # a captured terminal's colour codes, as detect() does
            blank_terminal_codes(buf, lo, hi)
        present, binary = [], []  # (index in blobs, start, end from lo): binary ones are not matched
        marks = []  # (start, end) from lo of the UTF-8 byte-order marks the pass jumps over
        for i, st, en in group:
            if st is None:
                continue
            if is_binary_at(buf, st, en):
                binary.append((i, st - lo, en - lo))
                continue
            if buf.startswith(UTF8_BOM, st, en):
                # the content as decode() reads it, after its mark: the pass starts again there,
                # so a `^` sees the first line's start. Such a content was decoded, matched and
                # confirmed whole at every version: a .NET repository's every C# file
                # (bitwarden/server: 55,061 of 64,540 blobs confirmed)
                marks.append((st - lo, st + len(UTF8_BOM) - lo))
                st += len(UTF8_BOM)
            present.append((i, st - lo, en - lo))
        bases, raw, gate_free = None, None, None
        if where:
            bases, raw, gate_free = {}, {}, set()
            here = {}  # index in blobs -> index in present, of this group's bases
            for k, (i, _, _) in enumerate(present):
                j = where.get(blobs[i][3])
                if j is not None:
                    if j in here:
                        bases[k] = here[j]
                    elif j in kept:
                        b_st, b_en, b_matches, b_free = kept[j]
                        bases[k] = (b_st - lo, b_en - lo, b_matches, b_free)
                if blobs[i][0] in where:
                    here[i] = k
        matches = _ENGINE.match_spans(buf, [(st, en) for _, st, en in present], lo, hi, bases, raw, gate_free,
                                      sorted([(st, en) for _, st, en in binary] + marks))
        if where:
            for i, k in here.items():
                kept[i] = (present[k][1] + lo, present[k][2] + lo, raw.get(k, []), k in gate_free)
        for i, st, _ in group:
            if st is None:
                yield i, buf, None, None, None
        for i, st, en in binary:
            yield i, buf, st + lo, en + lo, BINARY
        for k, (i, st, en) in enumerate(present):
            yield i, buf, st + lo, en + lo, matches.get(k)


def _baseline_at(buf, st: int, en: int) -> bool:
    """Is the content buf[st:en] a baseline file (detect skips those), by its opening? Any
    other JSON is looked at line by line as other contents are: botocore's service models
    in aws/aws-cli's history, thousands of versions of megabytes each, were all decoded and
    confirmed whole because they start with `{`."""
    return buf.startswith(b"{", st, en) and is_baseline_file(bytes(buf[st:min(en, st + 512)]))


def _scan_blob_chunk(blobs: list[tuple]) -> ChunkResult:
    """Blobs matched a chunk at a time (_matched_blobs); only those with a candidate (or a
    name a structured parser always reads, or a UTF-16 byte-order mark) are copied out and looked
    at one by one. A base carried from an earlier chunk (path None) is matched for the
    versions after it, and otherwise left alone: its chunk reported it."""
    res = ChunkResult(items=sum(1 for b in blobs if b[2] is not None))
    structured = structured_parsers()
    # the bases of later versions here that known_hits found quiet line by line: oid ->
    # ((start, end) in the chunk's buffer, the path it read them with, their matches)
    stored_against = {b[3] for b in blobs if len(b) > 3 and b[3]}
    quiet: dict[str, tuple[tuple[int, int], str, set]] = {}
    for i, buf, st, en, m in _matched_blobs(blobs):
        if blobs[i][2] is None:
            continue
        if st is None:
            res.skipped["missing-object"] = res.skipped.get("missing-object", 0) + 1
            continue
        res.bytes += blobs[i][1]  # (a content after a byte-order mark starts after it)
        oid, path = blobs[i][0], blobs[i][2]
        if m is BINARY:  # what detect says of it
            res.skipped["binary"] = res.skipped.get("binary", 0) + 1
            continue
        lfs = buf.startswith(LFS_MAGIC, st, en)
        if m is None and not buf.startswith(BOMS, st, en) and not structured.name_decides_parse(path):
            if lfs:
                res.skipped["lfs-pointer"] = res.skipped.get("lfs-pointer", 0) + 1
            continue
        if m is not None and not buf.startswith(BOMS, st, en) and not _baseline_at(buf, st, en) and \
                not structured.name_decides_parse(path) and not lfs:
            rpath = reading_path(path, bytes(buf[st:st + 200])) if buf.startswith(b"#!", st, en) else path
            base = quiet.get(blobs[i][3]) if len(blobs[i]) > 3 and blobs[i][3] else None
            unchanged = None
            if base is not None and base[1] == rpath and len(m) >= UNCHANGED_FROM and not _ENGINE.over_budget:
                unchanged = (base[2], *unchanged_lines(buf, base[0], st, en))
            certify = [] if oid in stored_against else None
            first_seen: list[int] = []
            known = _ENGINE.known_hits(buf, st, en, m, rpath, structured.path_may_be_structured(rpath),
                                       unchanged, certify, first_seen)
            if certify:
                quiet[oid] = ((st, en), rpath, certify[0])
            if known is not None and not first_seen:  # every candidate on a line already judged: no need to confirm
                if known:
                    res.hits.append((oid, dedupe(known, _ENGINE.by_id)))
                continue
        # (a secret on a line never judged before, first_seen, is most likely its first version,
        # whose evidence the report keeps: confirmed now, its lines judged, not deferred to a
        # second detection at the end where nothing had judged them: clearance's committed
        # test.log, 2,434 hits, 0.87 s cold against 0.23 s warm)
        data = bytes(buf[st:en])  # only blobs worth a look are copied out
        res.confirmed += 1
        cand = None if data.startswith(BOMS) else _ENGINE.candidates_from_matches(data, m or [])
        _count(res, oid, *detect(_ENGINE, data, path, cand))
    return res


def _evidence(blobs: list[tuple[str, str, list[int]]]) -> list[tuple[str, str, int, int, dict]]:
    """(oid, secret, line, column, context) of each hit detect() finds on the given lines
    (1-based) of these blobs, given as (oid, path, lines): the evidence of the hits the
    workers took from lines already judged (scan._fill_deferred), read by the workers. Only
    those lines are confirmed, with the whole content around them: a committed test log's
    2,434 candidate lines were all judged again for the 1,302 hits it held."""
    global _READER
    from scanner.detect import detect
    from scanner.sources.history import BlobReader

    if _READER is None:
        _READER = BlobReader(_REPO)
    wanted = {oid: (path, lines) for oid, path, lines in blobs}
    out = []
    for oid, data in _READER.read([b[0] for b in blobs]):
        if data is None:
            continue
        path, lines = wanted[oid]
        hits = detect(_ENGINE, data, path, _on_lines(data, lines))[0]
        out += [(oid, h.secret, h.line, h.column, h.context) for h in hits or []]
    return out


def _on_lines(data: bytes, lines: list[int]):
    """The content's candidates on these lines alone, or None (detect finds them all) when
    the content is one the lines were not read from by Hyperscan (a byte-order mark, no
    Hyperscan). A deferred hit is a rule's or a generic guess's on its line, never a decoded
    value's or a structured parser's (known_hits gives up on those)."""
    if not _ENGINE.hyperscan or data.startswith(BOMS):
        return None
    cand = _ENGINE.candidates(data)
    keep = {n - 1 for n in lines}
    cand.rule_lines = {i: ls & keep for i, ls in cand.rule_lines.items() if ls & keep}
    cand.generic_lines &= keep
    cand.decode_lines = set()
    cand.structured_hint = False
    return cand


def evidence(blobs: list[tuple[str, str, list[int]]], engine: Engine, repo: Path, max_size: int, workers=None):
    """_evidence of these blobs, (oid, path, lines): by the pool's workers while it is there (each
    reads through its own git reader), else in this process."""
    if workers is not None and len(blobs) > 1:
        yield from workers.evidence(blobs)
        return
    _init_worker(engine, repo, max_size)
    try:
        for k in range(0, len(blobs), 500):  # a request stays within the pipe's buffer (CHUNK_BYTES)
            yield from _evidence(blobs[k:k + 500])
    finally:
        _close_reader()


class Workers:
    """One pool of forked worker processes for a whole scan (blobs, then files), made
    before the scan starts any thread: a fork copies only the forking thread, and a lock
    another thread held at that moment would stay locked in the child."""

    def __init__(self, engine: Engine, repo: Path, jobs: int, max_size: int, not_ours: list[int] = ()):
        self.jobs = jobs
        self.pool = forked_pool(jobs, engine, repo, max_size, warm=True, not_ours=not_ours)

    def imap(self, fn, chunks):
        return self.pool.imap_unordered(fn, chunks)

    def evidence(self, blobs: list[tuple[str, str, list[int]]]):
        """_evidence of these blobs, (oid, path, lines), spread over the workers."""
        n = max(1, min(500, -(-len(blobs) // (2 * self.jobs))))
        for got in self.imap(_evidence, [blobs[k:k + n] for k in range(0, len(blobs), n)]):
            yield from got

    def close(self, graceful: bool = False) -> None:
        """Stop the workers (again: a no-op). Gracefully, once all work is done: each
        worker exits on its own and waits for its git process; otherwise killed (SIGTERM,
        default action), and its git processes end on EOF and are reaped by this one."""
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


def run_chunks(kind: str, chunks: Iterable[list], engine: Engine, repo: Path, jobs: int, max_size: int,
               progress: Callable[[int, int, int], None] | None = None, workers: Workers | None = None) -> ChunkResult:
    """Scan chunks of files ('files') or blobs ('blobs'), a list or a generator; merge the
    results. With `workers`, their pool does the work; otherwise a pool of `jobs` is made
    for it."""
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

    if workers is not None and (chunks or not isinstance(chunks, list)):
        for r in workers.imap(fn, chunks):  # a generator of chunks is drawn from as the workers take them
            add(r)
        return total
    chunks = list(chunks)
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
    pool = forked_pool(min(jobs, len(chunks)), engine, repo, max_size)
    try:
        for r in pool.imap_unordered(fn, chunks):
            add(r)
        pool.close()  # all done: each worker takes its end-of-work sentinel and exits on its own
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
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

