"""The scan: sources -> engine -> findings -> blast radius, for `scan`, `audit` and friends."""
from __future__ import annotations

from scanner.errors import CredfenceError

import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from scanner import gitcmd
from scanner.findings import FindingSet
from scanner.model import Finding, Location, ref_order


class ScanError(CredfenceError):
    """Nothing could be scanned; the message is one line saying what to do."""


@dataclass
class ScanOptions:
    root: Path
    history: bool | None = None  # None: on in a repository
    staged: bool = False
    since: str | None = None
    all_objects: bool = False
    jobs: int = 0
    max_file_size: int = 25 * 1024 * 1024
    task_paths: list[str] = field(default_factory=list)
    task_text: str | None = None
    recurse_submodules: bool = False
    progress: bool = False
    exclude: object = None  # callable(relpath) -> bool
    extra_rules: list[dict] = field(default_factory=list)
    use_hyperscan: bool | None = None
    # a simple source (scanner/sources SOURCES: "stdin", "files") instead of the full scan
    source: str | None = None
    inputs: list[str] = field(default_factory=list)  # the files of the "files" source
    stdin_name: str | None = None  # the "stdin" source: the file name to parse it as
    # a git directory, common directory, alternate object store or core.worktree outside
    # the scanned root is refused unless the user allows it (--allow-outside-git-dir)
    allow_outside_git_dir: bool = False
    contain: Path | None = None  # the bound they must stay in (default: the root; a submodule: its superproject's)
    # modules the caller uses once the scan is done (the agents' files' parsers...): imported
    # while the history's workers match, when this process only waits for them (_preload)
    preload: tuple[str, ...] = ()


@dataclass
class ScanResult:
    root: Path
    findings: list[Finding]
    stats: dict
    warnings: list[str]
    in_repo: bool
    symlinks: dict[str, str] = field(default_factory=dict)
    history_scanned: bool = False
    # what the scan was asked to cover and could not (a ref, an object, a file, a submodule):
    # each {"what": ..., "reason": ...}; a non-empty list is never reported as clean
    incomplete: list[dict] = field(default_factory=list)
    # content that no file holds (standard input), by location path: the reports' snippets
    texts: dict[str, bytes] = field(default_factory=dict)


OUTSIDE_HINT = "rerun with --allow-outside-git-dir to scan it anyway"


def _show(x) -> str:
    """A path or message fit for one line: control characters escaped."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in str(x))


def _inside(p: Path | str, bound: Path) -> bool:
    return Path(os.path.realpath(p)).is_relative_to(os.path.realpath(bound))


def _contain_dotgit(root: Path, bound: Path) -> None:
    """A `.git` symlink or gitfile (`gitdir: X`) at the root must lead inside `bound`: checked
    before git runs on it, so a pointer to another repository is never opened at all."""
    dotgit = root / ".git"
    target = None
    if dotgit.is_symlink():
        target = os.path.realpath(dotgit)
    elif dotgit.is_file():
        try:
            with open(dotgit, "rb") as fh:
                line = fh.read(4096).split(b"\n", 1)[0].strip()
        except OSError:
            return  # git will say what is wrong with it
        if line.startswith(b"gitdir:"):
            target = os.path.join(str(root), os.fsdecode(line[7:].strip()))
    if target is not None and not _inside(target, bound):
        raise ScanError(f"{_show(root)}: .git leads outside the scanned directory (to {_show(target)}); "
                        + OUTSIDE_HINT)


def _looks_like_git_dir(d: Path) -> bool:
    return (d / "HEAD").is_file() and (d / "objects").is_dir() and (d / "refs").is_dir()


def _pipe_or_device(git_dir: Path) -> Path | None:
    """The first pipe or device in a git directory, or None. git reads the files there
    (HEAD, the index, refs, packed-refs, loose objects, info/exclude, shallow...) with plain
    reads, and a pipe nobody writes to, or a terminal, makes every git command wait forever:
    a hostile repository's way to hang a pre-commit hook or a CI job. A symlink is judged by
    what it leads to; directories behind symlinks are not entered (git dirs hold none).
    os.scandir's entry types come with the listing, so only symlinks cost a stat."""
    todo = [git_dir]
    while todo:
        try:
            with os.scandir(todo.pop()) as it:
                for e in it:
                    try:
                        if e.is_dir(follow_symlinks=False):
                            todo.append(Path(e.path))
                            continue
                        if e.is_file(follow_symlinks=False):
                            continue
                        mode = os.stat(e.path).st_mode if e.is_symlink() else e.stat(follow_symlinks=False).st_mode
                    except OSError:  # a dangling symlink, a file gone meanwhile: nothing to wait on
                        continue
                    if gitcmd.waits_forever(mode) and os.path.realpath(e.path) != os.devnull:
                        return Path(e.path)
        except OSError:
            continue
    return None


def _refuse_pipes(root: Path, git_dirs) -> None:
    for d in dict.fromkeys(os.path.realpath(d) for d in git_dirs if d is not None):
        bad = Path(d) if gitcmd.is_pipe_or_device(d) else _pipe_or_device(Path(d)) if os.path.isdir(d) else None
        if bad is not None:
            raise ScanError(f"{_show(root)}: {_show(bad)} is a pipe or a device, not a file, and git would wait "
                            "on it forever: not scanned")


def _alternates(objects: Path, depth: int = 0) -> list[Path]:
    """The object directories objects/info/alternates names, and theirs (git follows 5 levels)."""
    try:
        lines = (objects / "info" / "alternates").read_bytes().split(b"\n")
    except OSError:
        return []
    out: list[Path] = []
    for ln in lines:
        ln = ln.strip()
        if not ln or ln.startswith(b"#"):
            continue
        if ln.startswith(b'"'):  # C-quoted: whatever it unquotes to, check the raw text's directory
            ln = ln.strip(b'"')
        p = Path(os.fsdecode(os.path.join(os.fsencode(objects), ln)))
        out.append(p)
        if depth < 5:
            out += _alternates(p, depth + 1)
    return out


def _contain_repository(root: Path, found, bound: Path) -> None:
    """The repository git opened stays inside the scanned directory: its git directory,
    common directory (a worktree's `commondir`), alternate object stores and work tree
    (`core.worktree`). Scanning a subdirectory of a work tree is scanning inside that
    work tree: the bound is then the work tree."""
    own = os.path.lexists(root / ".git") or (found.bare and found.git_dir is not None
                                              and os.path.realpath(found.git_dir) == os.path.realpath(root))
    if not own and found.top is not None and root.is_relative_to(os.path.realpath(found.top)):
        bound = Path(os.path.realpath(found.top))
    checks = [("the git directory", found.git_dir), ("the common git directory", found.common_dir)]
    if found.top is not None:
        checks.append(("core.worktree", found.top))
    if found.common_dir is not None:
        checks += [("objects/info/alternates", p) for p in _alternates(found.common_dir / "objects")]
    for what, p in checks:
        if p is not None and not _inside(p, bound):
            raise ScanError(f"{_show(root)}: {what} leads outside the scanned directory (to {_show(p)}); "
                            + OUTSIDE_HINT)


def _engine(opts: ScanOptions):
    from scanner.engine import Engine
    from scanner.rules import load_rules

    rules = load_rules(opts.extra_rules or None)
    use_hs = opts.use_hyperscan
    if use_hs is None and os.environ.get("CREDFENCE_ENGINE") in ("python", "hyperscan"):
        use_hs = os.environ["CREDFENCE_ENGINE"] == "hyperscan"  # for tests and comparisons
    return Engine(rules, use_hyperscan=use_hs), {r.id: r for r in rules}


class _Phases:
    """The progress display: on a terminal (stderr), one line per phase with its own label
    (listing objects, walking history, reading blobs, confirming, naming refs, scanning
    files), counts that only grow, a bar and the time left where the total is known. Rich
    redraws it ten times a second and a spinner turns on every line: no silent stretch."""

    def __init__(self, enabled: bool):
        self.p = None
        self._tasks: dict[str, int] = {}
        self._done: set[str] = set()
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn

        self.p = Progress(SpinnerColumn(), TextColumn("{task.description:<16}"), BarColumn(),
                          TextColumn("{task.fields[what]}"), TimeRemainingColumn(), transient=True,
                          console=Console(stderr=True))
        self.p.start()

    def set(self, phase: str, done: float, total: float | None = None, what: str = "") -> None:
        if self.p is None or phase in self._done:
            return
        t = self._tasks.get(phase)
        if t is None:
            t = self._tasks[phase] = self.p.add_task(phase, total=total, what=what)
        self.p.update(t, completed=done, total=total, what=what)

    def finish(self, phase: str) -> None:
        """The phase is over: its bar full, its counts final (later set()s are ignored)."""
        if self.p is None or phase not in self._tasks or phase in self._done:
            return
        self._done.add(phase)
        t = self._tasks[phase]
        task = next(x for x in self.p.tasks if x.id == t)
        total = task.total if task.total else max(task.completed, 1)
        self.p.update(t, completed=total, total=total)
        self.p.stop_task(t)

    def stop(self) -> None:
        if self.p is not None:
            self.p.stop()
            self.p = None


_TIMING = bool(os.environ.get("CREDFENCE_DEBUG_TIMING"))


def _mark(t0: float, what: str) -> None:
    """With CREDFENCE_DEBUG_TIMING set: a line on stderr saying when a stage ended (for
    bench/results/speed.md), seconds since the scan started and since the process did."""
    if _TIMING:
        import sys
        now = time.monotonic()
        cpu = time.process_time()
        print(f"[t] {now - t0:.2f}s (main cpu {cpu:.2f}s{_rss()}) {what}", file=sys.stderr)


def _rss() -> str:
    """The main process's resident memory now and at its peak, where /proc says (Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return ""
    kb = {k: int(v.split()[0]) for k, v in (ln.split(":", 1) for ln in status.splitlines() if ":" in ln)
          if k in ("VmRSS", "VmHWM")}
    return f", rss {kb.get('VmRSS', 0) >> 10} MB, peak {kb.get('VmHWM', 0) >> 10} MB"


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 10e6 else f"{n / 1e6:.1f} MB"


@dataclass
class _Scan:
    """What the stages of one scan share: the options, the repository's shape, the engine,
    the worker pool (full-history scans only), and the warnings and counts so far."""
    opts: ScanOptions
    root: Path
    bare: bool
    in_repo: bool
    history: bool  # the history is scanned
    prefix: str  # a subdirectory of the work tree, with a trailing slash, or ""
    jobs: int
    engine: object
    rules_by_id: dict
    workers: object  # scanner.pipeline.Workers or None
    t0: float
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    phases: _Phases = field(default_factory=lambda: _Phases(False))
    incomplete: list[dict] = field(default_factory=list)  # ScanResult.incomplete
    # where a blob's hits were found: its oid -> the path it was scanned as (a history blob,
    # a staged one); a work-tree file that stood for its blob: path -> the blob (_fill_deferred)
    scanned_as: dict = field(default_factory=dict)
    stood_for: dict = field(default_factory=dict)
    walked: object = None  # called once the history's blobs are named (_WalkWithoutGc.walked)
    # the history's enumeration (scanner/sources/history.py), started by run_scan; or the
    # GitError that stopped it; None without history
    enum: object = None

    def not_covered(self, what: str, reason: str) -> None:
        """Something the scan was asked to cover and could not: never reported as clean."""
        self.incomplete.append({"what": what, "reason": reason})

    def skipped(self, counts: dict) -> None:
        for k, v in counts.items():
            self.stats["skipped"][k] = self.stats["skipped"].get(k, 0) + v


def run_scan(opts: ScanOptions) -> ScanResult:
    from scanner.sources import history as hist

    t0 = time.monotonic()
    root = opts.root
    if not root.exists():
        raise ScanError(f"{root}: no such file or directory")
    if not root.is_dir():
        raise ScanError(f"{root}: not a directory; give the repository or directory to scan")
    root = root.resolve()
    if opts.source:
        return _scan_source(opts, root, t0)
    warnings: list[str] = []
    incomplete: list[dict] = []
    if not opts.allow_outside_git_dir:
        _contain_dotgit(root, opts.contain or root)
    # before git opens it: the git directory at the root (or the root itself, bare: its HEAD,
    # objects and refs, so that a plain directory is never walked whole)
    bare_root = os.path.lexists(root / "HEAD") and (root / "objects").is_dir() and (root / "refs").is_dir()
    _refuse_pipes(root, [root / ".git" if os.path.lexists(root / ".git") else root if bare_root else None])
    found = gitcmd.discover(root)
    if found.bare and found.git_dir is not None and os.path.lexists(root / ".git"):
        # a `.git` beside the files that calls itself bare would hide all of them from git
        gitcmd.set_work_tree(root)
        found = gitcmd.discover(root)
        warnings.append("the repository's config says core.bare = true, yet its .git sits among the files: scanned "
                        "them as its work tree (git itself lists none of them; an agent opened here reads them all)")
    top, gdir = found.top, found.git_dir
    bare = gdir is not None and top is None and found.bare
    in_repo = top is not None or bare
    if not gitcmd.git_available():
        warnings.append("git is not installed: scanned the files on disk only, without history or git status")
    what = "--staged" if opts.staged else "--since" if opts.since else "--history" if opts.history else None
    if found.dubious_owner:
        raise ScanError(f"{_show(root)}: the repository belongs to another user, and git refuses to open it since its "
                        "config could run programs: rerun with --trust-owner to scan it (credfence runs none of them)")
    if found.error:
        if what:
            raise ScanError(f"{_show(root)}: git cannot open the repository ({_show(found.error)}), and {what} needs it")
        warnings.append(f"history not scanned: git cannot open the repository: {found.error}")
        if opts.history is None and not opts.staged:  # the history was asked for, by default
            incomplete.append({"what": "history", "reason": f"git cannot open the repository: {found.error}"})
    elif what and not in_repo:
        raise ScanError(f"{root}: not a git repository, and {what} needs one (drop {what} to scan the files)")
    elif not in_repo and gitcmd.git_available() and opts.history is None:
        broken = next((d for d in (root, root / ".git") if _looks_like_git_dir(d)), None)
        if broken is not None:  # a repository git no longer recognises (a corrupt HEAD): not clean
            name = "." if broken == root else ".git"
            warnings.append(f"history not scanned: {name} looks like a git repository that git cannot open")
            incomplete.append({"what": "history", "reason": f"{name} looks like a git repository that git cannot open"})
    _refuse_pipes(root, [found.git_dir, found.common_dir])  # a subdirectory's, a worktree's
    if in_repo and not opts.allow_outside_git_dir:
        _contain_repository(root, found, opts.contain or root)
    if opts.since:
        try:
            gitcmd.run(root, "rev-parse", "--verify", "-q", "--end-of-options", opts.since + "^{commit}")
        except gitcmd.GitError:
            raise ScanError(f"--since {opts.since}: no such commit or ref in {root} (fetch it first?)") from None
    do_history = not opts.staged and in_repo and (opts.history if opts.history is not None else True)
    # scanning a subdirectory of a work tree: history is limited to it, and its paths are
    # made relative to the scanned root like the worktree's
    prefix = ""
    if top is not None and top.resolve() != root and root.is_relative_to(top.resolve()):
        prefix = root.relative_to(top.resolve()).as_posix() + "/"
    _mark(t0, "repository checked")
    # the history's git processes start first, and walk while the engine loads and the
    # workers are forked (which must come before any thread starts: the walk's threads
    # start after them)
    enum = _start_history(root, opts, prefix) if do_history else None
    walk = enum if isinstance(enum, hist.Enumeration) else None
    from scanner.pipeline import Workers, can_fork, default_jobs  # the engine's modules: a third of the imports

    jobs = opts.jobs or default_jobs()
    workers = None
    phases = _Phases(False)
    try:
        engine, rules_by_id = _engine(opts)
        _mark(t0, f"engine loaded ({'hyperscan' if engine.hyperscan else 'python'})")
        # the history's worker pool, forked before any thread starts
        if do_history and not opts.since and not prefix and jobs > 1 and engine.concatenation_safe and can_fork():
            workers = Workers(engine, root, jobs, opts.max_file_size, walk.pipe_fds() if walk else [])
        if walk:
            walk.start()
        stats = {"files": 0, "bytes": 0, "blobs": 0, "commits": 0, "skipped": {}, "seconds": 0.0,
                 "engine": "hyperscan" if engine.hyperscan else "python"}
        s = _Scan(opts, root, bare, in_repo, do_history, prefix, jobs, engine, rules_by_id, workers, t0, warnings,
                  stats, incomplete=incomplete, enum=enum)
        _mark(t0, "workers forked")
        s.phases = phases = _Phases(opts.progress)  # after the fork: its redrawing thread is not copied
        result = _scan(s)
        if workers is not None:
            workers.close(graceful=True)
        return result
    finally:
        phases.stop()
        if walk:
            walk.close()  # every git child of the walk reaped (a no-op once the walk has ended)
        if workers is not None:
            workers.close()


def _scan_source(opts: ScanOptions, root: Path, t0: float) -> ScanResult:
    """A simple source (scanner/sources SOURCES): each piece of content scanned in this
    process, its hits placed by its provenance."""
    import importlib

    from scanner.detect import detect
    from scanner.sources import SOURCES

    engine, rules_by_id = _engine(opts)
    stats = {"files": 0, "bytes": 0, "blobs": 0, "commits": 0, "skipped": {}, "seconds": 0.0,
             "engine": "hyperscan" if engine.hyperscan else "python"}
    s = _Scan(opts, root, False, gitcmd.git_available() and gitcmd.toplevel(root) is not None, False, "", 1,
              engine, rules_by_id, None, t0, [], stats)
    fs = FindingSet(rules_by_id)
    texts: dict[str, bytes] = {}
    for item in importlib.import_module(SOURCES[opts.source]).items(opts):
        hits, why = (None, item.skipped) if item.data is None else detect(engine, item.data, item.provenance.path)
        if hits is None:
            s.skipped({why: 1})
            continue
        stats["files"] += 1
        stats["bytes"] += len(item.data)
        for h in hits:
            loc = item.provenance.location(h)
            if loc.kind == "stdin":
                texts[loc.path] = item.data
            fs.add(h, loc)
    result = _finish(s, fs, s.in_repo, {}, False)
    result.texts = texts
    return result


class _WalkWithoutGc:
    """The history walk builds millions of small tuples, lists and dicts (the blobs'
    provenance) that live until the scan ends, and the cyclic collector traversed all of
    them again at each of its full collections: about 1 CPU-s of sympy's walk, on the
    walk's critical path. They form no cycles: the collector is paused while they are built, then
    they are frozen (never traversed again) until the scan ends."""

    def __init__(self) -> None:
        self.was_enabled = gc.isenabled()
        self.frozen = False
        gc.disable()

    def walked(self) -> None:
        if self.was_enabled and not self.frozen:
            gc.freeze()
            self.frozen = True
            gc.enable()

    def end(self) -> None:
        if self.frozen:
            gc.unfreeze()  # the scan's objects are the collector's again (a library caller's process goes on)
            self.frozen = False
        if self.was_enabled:
            gc.enable()


def _scan(s: _Scan) -> ScanResult:
    gc_pause = _WalkWithoutGc() if s.history and not s.opts.staged else None
    s.walked = gc_pause.walked if gc_pause else None
    try:
        return _scan_all(s)
    finally:
        if gc_pause:
            gc_pause.end()


def _scan_all(s: _Scan) -> ScanResult:
    from scanner.pipeline import run_chunks
    from scanner.sources import history as hist

    opts, root, stats = s.opts, s.root, s.stats
    # the history enumeration (git log processes) and the walk and git's view of the tree
    # (syscalls and git processes) run in threads beside each other
    enum = s.enum
    ws_job = _Background(_walk_and_index, opts, root, s.history) \
        if not (s.bare or opts.staged) else None
    fs = FindingSet(s.rules_by_id)
    symlinks: dict[str, str] = {}
    if opts.staged:
        from scanner.sources.staged import staged_blobs

        blobs = _not_excluded(opts, staged_blobs(root), stats)
        res = run_chunks("blobs", hist.chunks(blobs), s.engine, root, 1, opts.max_file_size)
        stats["blobs"] = res.items
        stats["bytes"] = res.bytes
        s.skipped(res.skipped)
        paths = {oid: path for oid, _, path in blobs}
        for oid, hits in res.hits:
            s.scanned_as[oid] = paths[oid]
            for h in hits:
                fs.add(h, Location("staged", paths[oid], h.line, h.column, blob=oid))
        return _finish(s, fs, True, symlinks, False)

    # ---- history first: its blobs also stand for unmodified tracked files ---------------------
    blob_hits: dict[str, list] = {}
    scanned_blobs: dict[bytes, str] | set[bytes] = set()  # the history's blobs, by id as bytes
    probed_clean = None
    if s.history:
        bl, res, probed_clean = _scan_history(s, enum)
        if res is not None:
            stats["blobs"] = res.items
            stats["bytes"] += res.bytes
            s.skipped(res.skipped)
            if res.skipped.get("missing-object"):
                s.warnings.append(f"{res.skipped['missing-object']} objects could not be read (corrupt or missing pack?)")
                s.incomplete.append({"what": f"history: {res.skipped['missing-object']} blobs",
                                     "reason": "git cat-file could not read them (corrupt or missing pack?)"})
            blob_hits = dict(res.hits)
            scanned_blobs = bl.scanned
            s.scanned_as = {oid: path for oid in blob_hits if (path := bl.scanned.get(oid.encode())) is not None}
            _mark(s.t0, f"blobs read and matched ({res.confirmed} confirmed)")
            _add_history(root, fs, res.hits, bl.prov, s.warnings, s.prefix, bl.ref_commits, s.phases)
            _mark(s.t0, "refs named")
        if stats["skipped"].get("missing-object") and not any(i["what"].startswith("history") for i in s.incomplete):
            s.not_covered("history", f"{stats['skipped']['missing-object']} git objects could not be read")

    # ---- workspace ------------------------------------------------------------------------------
    if not s.bare:
        ws, clean, differing = ws_job.result()
        _mark(s.t0, f"work tree listed ({len(ws.files)} files)")
        if probed_clean is not None:
            clean = probed_clean
        s.warnings += ws.warnings
        s.skipped(ws.skipped)
        symlinks = ws.symlinks
        status = {f.path: f.status for f in ws.files}
        # an unmodified tracked file is its index blob, already scanned with the history:
        # reuse those hits instead of reading and matching the file again
        reuse = {rel: oid for rel, oid in clean.items() if oid.encode() in scanned_blobs}
        todo = [f for f in ws.files if f.path not in reuse]
        res = _run(s, "files", "files", _file_chunks(todo, 4 * s.jobs), len(todo), sum(f.size for f in todo))
        stats["files"] = len(ws.files) - len(todo) + (res.items if res else 0)
        if res is not None:
            stats["bytes"] += res.bytes
            s.skipped(res.skipped)
            file_hits = list(res.hits)
        else:
            file_hits = []
        file_hits += [(rel, blob_hits[oid]) for rel, oid in reuse.items() if oid in blob_hits and rel in status]
        s.stood_for = reuse
        for rel, hits in file_hits:
            for h in hits:
                fs.add(h, Location("worktree", rel, h.line, h.column, status=status.get(rel, "untracked")))
        for link, target in symlinks.items():
            fs.add_alias(link, target)
        for why in ("unreadable", "unreadable-directory"):
            if stats["skipped"].get(why):
                s.not_covered("files", f"{stats['skipped'][why]} {'directories' if 'dir' in why else 'files'} could not be read")
        for rel in ws.nested:
            _scan_nested(opts, root, rel, fs, stats, s.warnings, s.incomplete)
        if not opts.since:  # a pull request's scan is about its commits, not the local index
            _scan_index(s, fs, differing, scanned_blobs)
    _mark(s.t0, "work tree scanned")
    return _finish(s, fs, s.in_repo, symlinks, s.history)


def _scan_index(s: _Scan, fs: FindingSet, differing: dict[str, str], scanned_blobs: dict[bytes, str] | set[bytes]) -> None:
    """The index's version of each file whose working copy differs from it (staged, then
    edited or deleted on disk), unless the history already held it: `git diff --cached`
    shows it to anyone in the clone, and the next `git commit` records it."""
    from scanner.sources import history as hist

    blobs = _not_excluded(s.opts, [(oid, 0, rel) for rel, oid in sorted(differing.items())
                                   if oid.encode() not in scanned_blobs], s.stats)
    res = _run(s, "index", "blobs", hist.chunks(blobs), len(blobs), 0) if blobs else None
    if res is None:
        return
    s.stats["blobs"] += res.items
    s.stats["bytes"] += res.bytes
    s.skipped(res.skipped)
    paths = {oid: rel for oid, _, rel in blobs}
    for oid, hits in res.hits:
        s.scanned_as[oid] = paths[oid]  # a hit from a line already judged is read again there (_fill_deferred)
        for h in hits:
            h.context["index_only"] = True  # history_note says where it is
            fs.add(h, Location("staged", paths[oid], h.line, h.column, blob=oid))


def _scan_history(s: _Scan, enum):
    """(BlobList, ChunkResult, None) of the history scan, or (None, None, None) when git
    cannot give the history (a warning says why; in a bare repository, where the history
    is all there is, a ScanError). The walk (git log, split over the cores) names every
    reachable blob first; then each is read from git once, in the order of the deltas git
    stores them as, and matched and confirmed in the same pass with its path. (Reading every blob while the walk ran, and
    again those with a candidate once their paths were known, read 45 % of sqlalchemy's
    4.5 GB twice.)"""
    from scanner.engine import EDITED_FROM
    from scanner.sources import history as hist

    try:
        if isinstance(enum, gitcmd.GitError):
            raise enum
        try:
            _show_walk(s.phases, enum)
            bl = enum.result(ordered=False)  # ordered below, while the first chunks are scanned
            if s.walked:
                s.walked()
        finally:
            enum.close()  # every git child of the walk reaped, on success, error or interrupt
            s.incomplete += enum.incomplete
    except gitcmd.GitError as e:
        if isinstance(enum, gitcmd.GitError):
            s.incomplete.append({"what": "history", "reason": str(e)})
        if s.bare:
            raise ScanError(f"{s.root}: cannot read the git history: {e}") from None
        s.warnings.append(f"history not scanned: {e}")
        s.not_covered("history", str(e))
        return None, None, None
    s.warnings += bl.warnings
    s.skipped(bl.skipped)
    bl.unordered = _not_excluded(s.opts, bl.unordered, s.stats)
    s.stats["commits"] = bl.commits
    n_blobs, n_bytes = len(bl.unordered), sum(b[1] for b in bl.unordered)
    _mark(s.t0, f"walk done: {bl.commits} commits, {n_blobs} blobs {n_bytes} B")
    # forked already: a thread now cannot leave a lock held in a child
    preloading = _preload(s.opts.preload) if s.workers is not None else None
    # at least one chunk per worker, each later one half of what is left (iter_chunks): four
    # per worker cut httpx's history into 70 chunks, each a round trip to git and the pool,
    # where one per worker makes 18 (0.570 -> 0.547 s, bench/ab.py)
    chunks = hist.with_outside_bases(hist.chunks(bl.in_delta_order(), s.jobs, total=n_bytes), EDITED_FROM)
    res = _run(s, "history", "blobs", chunks, n_blobs, n_bytes)
    if preloading is not None:
        # done before this thread imports anything again: two threads importing at once can
        # each hold a module the other waits for (Python then raises _DeadlockError)
        preloading.join()
    return bl, res, None


def _preload(modules: tuple[str, ...]):
    """Import modules in a thread, returned started (None when there are none): the agents'
    files' parsers (pathspec with them) took 19 ms after httpx's history was matched, while
    the workers' 0.26 s left this process waiting. One that fails fails again where the
    caller imports it."""
    if not modules:
        return None
    import importlib
    import threading

    def go() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - raised again where the module is used
                pass

    t = threading.Thread(target=go, name="credfence-preload", daemon=True)
    t.start()
    return t


def _show_walk(phases: _Phases, enum) -> None:
    """Until the enumeration ends: objects listed, commits walked (no total: the walks
    start before anything has counted the commits)."""
    if phases.p is None:
        return
    pr = enum.progress

    def show() -> None:
        phases.set("listing objects", pr.objects, None, f"{pr.objects:,} objects")
        if pr.listing_done:
            phases.finish("listing objects")
        if pr.commits:
            phases.set("walking history", pr.commits, None, f"{pr.commits:,} commits")

    while not enum.done():
        show()
        time.sleep(0.1)
    show()
    phases.finish("listing objects")
    if pr.commits:
        phases.finish("walking history")


def _start_history(root: Path, opts: ScanOptions, prefix: str):
    """The history enumeration's git processes, started (its threads are not: start());
    a GitError is kept for later."""
    from scanner.sources import history as hist

    try:
        return hist.Enumeration(root, opts.since, opts.all_objects, opts.max_file_size, prefix, start=False)
    except gitcmd.GitError as e:
        return e


def _not_excluded(opts: ScanOptions, blobs: list, stats: dict) -> list:
    """Blobs whose path the configuration does not exclude (counted as skipped)."""
    if opts.exclude is None:
        return blobs
    kept = [b for b in blobs if not (b[2] and opts.exclude(b[2]))]
    if len(kept) != len(blobs):
        stats["skipped"]["excluded"] = stats["skipped"].get("excluded", 0) + len(blobs) - len(kept)
    return kept


def _scan_nested(opts: ScanOptions, root: Path, rel: str, fs: FindingSet, stats: dict, warnings: list[str],
                 incomplete: list[dict]) -> None:
    """A submodule or nested clone, scanned as its own repository (its own history and git
    status, with the same hardening: gitcmd lists the submodule's own config); its
    findings join ours with paths under rel/. Its git directory may live in ours
    (.git/modules/<name>): it must stay inside the root we were asked to scan."""
    from dataclasses import replace

    try:
        sub = run_scan(replace(opts, root=root / rel, since=None, progress=False, contain=opts.contain or root))
    except (ScanError, gitcmd.GitError) as e:
        warnings.append(f"{rel}: {e}")
        incomplete.append({"what": f"submodule {rel}", "reason": str(e)})
        return
    incomplete += [{"what": f"{rel}: {i['what']}", "reason": i["reason"]} for i in sub.incomplete]
    warnings += [f"{rel}: {w}" for w in sub.warnings]
    for k in ("files", "bytes", "blobs", "commits"):
        stats[k] += sub.stats.get(k, 0)
    for k, v in sub.stats.get("skipped", {}).items():
        stats["skipped"][k] = stats["skipped"].get(k, 0) + v
    for f in sub.findings:
        for loc, ctx in zip(f.locations, f.contexts):
            loc.path = f"{rel}/{loc.path}" if loc.path else rel
            fs.add_location(f.rule, f.secret, loc, ctx)


def _run(s: _Scan, label, kind, chunks, n_items, n_bytes):
    """run_chunks with its progress lines on a terminal ("reading blobs" or "scanning
    files", in bytes, and "confirming": the contents with a candidate looked at one by
    one); a git failure mid-way is a warning."""
    from scanner.pipeline import run_chunks

    phase = "reading blobs" if kind == "blobs" else "scanning files"
    unit = "blobs" if kind == "blobs" else "files"
    done = [0, 0, 0]

    def cb(n: int, b: int, confirmed: int = 0) -> None:
        done[0] += n
        done[1] += b
        done[2] += confirmed
        s.phases.set(phase, done[1], n_bytes or 1,
                     f"{done[0]:,}/{n_items:,} {unit}, {_mb(done[1])}/{_mb(n_bytes)}")
        s.phases.set("confirming", done[2], None, f"{done[2]:,} with a candidate")

    if n_items:
        cb(0, 0)
    try:
        return run_chunks(kind, chunks, s.engine, s.root, s.jobs, s.opts.max_file_size,
                          cb if s.phases.p is not None else None, s.workers)
    except gitcmd.GitError as e:
        s.warnings.append(f"{label} scan incomplete: {e}")
        s.not_covered(f"{label}: the {unit}' contents", str(e))
        return None
    finally:
        s.phases.finish(phase)
        s.phases.finish("confirming")


class _Background:
    """fn(*args) in a thread; result() joins and re-raises its error in the caller."""

    def __init__(self, fn, *args):
        import threading

        self._out: list = []
        self._t = threading.Thread(target=self._go, args=(fn, args), daemon=True)
        self._t.start()

    def _go(self, fn, args) -> None:
        try:
            self._out.append((True, fn(*args)))
        except BaseException as e:  # handed to the caller by result()
            self._out.append((False, e))

    def result(self):
        self._t.join()
        ok, value = self._out[0]
        if not ok:
            raise value
        return value


def _walk_and_index(opts: ScanOptions, root: Path, with_history: bool):
    """The workspace listing, and (when history is scanned) its clean tracked files."""
    from scanner.sources import workspace as wsmod

    only = _changed_since(root, opts.since) if opts.since else None
    ws = wsmod.walk(root, opts.max_file_size, opts.recurse_submodules, opts.exclude, only)
    clean, differing = _tracked_blobs(root, ws.warnings) if with_history and ws.in_repo else ({}, {})
    return ws, clean, differing


def _tracked_blobs(root: Path, warnings: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """path -> index blob id of the tracked files whose working copy matches the index, and
    of those whose working copy differs from it (edited or deleted since they were
    staged). Two git calls for the whole tree."""
    index = _index_blobs(root, warnings)
    pipe = _attributes_pipe(root, index)
    if pipe is not None:  # diff-files reads the attributes of the tracked paths it compares
        warnings.append(f"{_show(pipe)} is a pipe or a device, on which git would wait forever: did not compare the "
                        "working tree with the index, rescanned every file")
        return {}, {}
    try:
        modified = set(gitcmd.ls_z(root, "diff-files", "--name-only", "-z", "--no-renames", "--ignore-submodules"))
    except gitcmd.GitError as e:
        warnings.append(f"could not compare the working tree with the index ({e}); rescanned every file")
        return {}, {}
    return ({rel: oid for rel, oid in index.items() if rel not in modified},
            {rel: oid for rel, oid in index.items() if rel in modified})


def _attributes_pipe(root: Path, tracked) -> Path | None:
    """A `.gitattributes` that is a pipe or a device where `git diff-files` would read one:
    in each directory holding a tracked path, and the root's own up to the work tree's
    top. None when there is none."""
    dirs = {os.path.dirname(p) for p in tracked}
    for d in list(dirs):
        while d and (d := os.path.dirname(d)) not in dirs:
            dirs.add(d)
    up = root
    while not os.path.lexists(up / ".git") and up.parent != up:
        up = up.parent
        dirs.add(str(up))
    for d in dirs:
        f = root / d / ".gitattributes"
        if gitcmd.is_pipe_or_device(f, follow=False):  # git opens it with O_NOFOLLOW
            return f
    return None


def _index_blobs(root: Path, warnings: list[str]) -> dict[str, str]:
    """path -> blob id of the index's regular files (merge conflicts left out)."""
    try:
        staged = gitcmd.run(root, "ls-files", "-s", "-z")
    except gitcmd.GitError as e:
        warnings.append(f"could not read the index ({e}); rescanned every file")
        return {}
    out: dict[str, str] = {}
    for entry in staged.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        parts = meta.split(b" ")
        if len(parts) != 3 or parts[2] != b"0" or parts[0] not in (b"100644", b"100755"):
            continue
        out[path.decode("utf-8", "surrogateescape")] = parts[1].decode()
    return out


def _add_history(root: Path, fs: FindingSet, hits: list, prov, warnings: list[str], prefix: str = "",
                 ref_commits=None, phases: _Phases | None = None) -> None:
    from scanner.sources.history import reaching_refs

    n = len({c for oid, _ in hits for c, _, _ in prov.introductions(oid)})
    if phases is not None and n:
        phases.set("naming refs", 0, n, f"the refs reaching {n:,} commits")
    try:
        reaching_refs(root, prov, {oid for oid, _ in hits}, ref_commits)
    except gitcmd.GitError as e:
        warnings.append(f"could not list the refs that reach history findings: {e}")
    if phases is not None and n:
        phases.finish("naming refs")
    for oid, blob_hits in hits:
        intro = prov.introductions(oid)
        if not intro:  # unreachable (dangling) blob: found with --all-objects
            for h in blob_hits:
                fs.add(h, Location("history", "", h.line, h.column, commit=None, date=None, refs=[], blob=oid))
            continue
        for commit, path, date in intro:
            if not commit:  # reached by a ref without a commit (sources/history.py _add_non_commit_refs)
                ref, _, inner = path.partition(":")
                for h in blob_hits:
                    fs.add(h, Location("history", inner or ref, h.line, h.column, commit=None, date=None,
                                       refs=[ref], blob=oid))
                continue
            if prefix:
                if not path.startswith(prefix):
                    continue
                path = path[len(prefix):]
            for h in blob_hits:
                fs.add(h, Location("history", path, h.line, h.column, commit=commit, date=date,
                                   refs=prov.refs.get(commit, []), refs_count=prov.ref_counts.get(commit),
                                   blob=oid))
        removal = prov.removal(oid)
        if removal:
            for h in blob_hits:
                h.context.setdefault("removed_at", removal[1])


def _changed_since(root: Path, since: str) -> set[str]:
    # a submodule is never entered: its own config (.git/modules/<name>/config) is not the one
    # gitcmd neutralised; --recurse-submodules scans it as its own repository (_scan_nested)
    out = gitcmd.run(root, "diff", "--name-only", "-z", "--no-renames", "--no-textconv", "--no-ext-diff",
                     "--ignore-submodules=all", since)
    changed = {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}
    changed |= set(gitcmd.ls_z(root, "ls-files", "-z", "--others", "--exclude-standard"))
    return changed


def _file_chunks(files, parts: int = 1, target_bytes: int = 4 << 20, max_n: int = 400) -> list[list[str]]:
    from scanner.chunking import chunk_by_size

    return [[f.path for f in c] for c in chunk_by_size(files, lambda f: f.size, target_bytes, max_n, parts)]


def _finish(s: _Scan, fs, in_repo, symlinks, history) -> ScanResult:
    findings = fs.findings()
    _fill_deferred(s, findings)
    from scanner.certs import annotate_keys

    annotate_keys(s.root, findings, s.prefix, s.in_repo)  # whom the certificates beside a key name
    s.stats["seconds"] = round(time.monotonic() - s.t0, 3)
    slow = sorted(s.engine.over_budget)
    incomplete = []
    if slow:
        # a configuration rule over its time budget (scanner/budget.py) is skipped whole:
        # what it found before it was stopped depends on the order files came in
        findings = [f for f in findings if f.rule.id not in slow]
        from scanner.budget import CALL_SECONDS, TOTAL_SECONDS
        for rid in slow:
            why = (f"its regex ran longer than {CALL_SECONDS:g}s on one line or {TOTAL_SECONDS:g}s in all "
                   "(catastrophic backtracking?)")
            s.warnings.append(f"rule {rid} from the configuration skipped: {why}")
            incomplete.append({"what": f"rule {rid}", "reason": why})
    if os.environ.get("CREDFENCE_DEBUG_TIMING"):  # for bench/results/speed.md
        import resource
        import sys
        print(f"[t] {s.stats['seconds']:.2f}s end; main process peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB", file=sys.stderr)
    s.stats["incomplete"] = s.incomplete + incomplete
    return ScanResult(s.root, findings, s.stats, s.warnings, in_repo, symlinks, history,
                      incomplete=s.stats["incomplete"])


def _fill_deferred(s: _Scan, findings: list[Finding]) -> None:
    """Read the evidence of the hits the workers took from a line already judged
    (Engine.known_hits) at the places the report keeps: the blob is read again and its
    hits' lines confirmed, once, and each hit's context replaces the placeholder (in place: the
    same dict serves every place of that hit). A few blobs, where the history had
    hundreds of versions."""
    from scanner.engine import DEFERRED

    todo: dict[str, list[tuple[Finding, Location, dict]]] = {}
    for f in findings:
        for loc, ctx in zip(f.locations, f.contexts):
            if ctx.get(DEFERRED):
                oid = loc.blob if loc.kind != "worktree" else s.stood_for.get(loc.path)
                todo.setdefault(oid or "", []).append((f, loc, ctx))
    if not todo:
        return
    from scanner.pipeline import evidence

    found: dict[tuple[str, str, int, int], dict] = {}
    blobs = [(o, s.scanned_as[o], sorted({loc.line for _, loc, _ in todo[o] if loc.line}))
             for o in todo if o and o in s.scanned_as]
    try:
        for oid, secret, line, col, ctx in evidence(blobs, s.engine, s.root, s.opts.max_file_size, s.workers):
            found[(oid, secret, line, col)] = ctx
    except gitcmd.GitError:
        pass  # counted below: the findings stay, without their evidence
    for oid, places in todo.items():
        for f, loc, ctx in places:
            got = found.get((oid, f.secret, loc.line, loc.column))
            if got is not None and ctx.pop(DEFERRED, None):  # else filled already (a dict serves several places)
                ctx.update({**got, **ctx})
    missed = 0
    for places in todo.values():
        for _, _, ctx in places:
            if ctx.pop(DEFERRED, None):
                missed += 1
    if missed:
        s.warnings.append(f"the evidence around {missed} finding locations could not be read again "
                          "(the blob became unreadable during the scan): their blast radius may be understated")


def history_note(f: Finding) -> str | None:
    """For a secret no longer in the working tree: when it left, and what still holds it."""
    if any(loc.kind == "worktree" for loc in f.locations):
        return None
    if any(c.get("index_only") for c in f.contexts):  # a full scan's _scan_index
        return "only in the index (staged, then changed on disk): `git diff --cached` shows it and the next " \
               "commit records it: rotate it, and unstage it (`git restore --staged`)"
    if any(loc.kind == "staged" for loc in f.locations):
        return None
    hist = [loc for loc in f.locations if loc.kind == "history"]
    if not hist:
        return None
    refs = sorted({r for loc in hist for r in (loc.refs or [])}, key=ref_order)
    removed = max((c.get("removed_at") for c in f.contexts if c.get("removed_at")), default=None)
    # at least: the refs named are the first of each location's, and its count is its own
    n = max([len(refs)] + [loc.refs_count or 0 for loc in hist])
    if n:
        reach = f"still in {n} ref{'s' if n != 1 else ''}"
    elif any(loc.commit for loc in hist):  # walked, yet no ref reaches it: a reflog entry's commit
        reach = "still in this clone's reflog (an amended, reset or stashed commit: `git reflog` shows it)"
    else:  # a dangling object (--all-objects)
        reach = "still in the object store (unreachable)"
    if removed:
        return f"removed from HEAD on {removed[:10]}, {reach}: rotate it, removing the line did not revoke it"
    if n:
        return f"not in the working tree, {reach} ({', '.join(refs[:3])}): rotate it, every clone has it"
    return f"not in the working tree, {reach}: rotate it (`git reflog expire --expire=now --all` and " \
           "`git gc --prune=now` drop it from this clone)"


def annotate(result: ScanResult, task=None, agent_view=None) -> None:
    """Blast radius, task relatedness and agent visibility for every finding, in place;
    findings sorted most severe first."""
    from scanner.blast import classify, mark_hand_made_variants, share_lifetimes
    from scanner.confidence import finding_confidence

    share_lifetimes(result.findings)
    mark_hand_made_variants(result.findings)
    for f in result.findings:
        f.confidence = finding_confidence(f)
        note = history_note(f)
        if note:
            f.notes.append(note)
        f.blast = classify(f, note)
        f.task_related = task.related(f) if task is not None else None
        if agent_view is not None:
            paths = f.worktree_paths
            f.hidden_from = sorted(set.intersection(*(set(agent_view.hidden_from(p)) for p in paths))) if paths else []
    result.findings.sort(key=danger_order)


def danger_order(f: Finding) -> tuple:
    """Most dangerous first: severity, then what the type can do (known destructive before
    unknown), account-wide before bound, the incident pattern (account-wide in a
    non-production context) first, outside the task before inside, on disk before history;
    then by place and by secret, so that two runs list the same findings in the same order
    (two secrets of one rule in one file came out in either order)."""
    b = f.blast
    incident = b.scope == "account" and b.env != "production" and b.reaches_production
    on_disk = any(loc.kind == "worktree" for loc in f.locations)
    first = f.locations[0] if f.locations else None
    return (-f.severity_rank, b.privilege != "destructive", b.scope != "account", not incident,
            f.task_related is not False, not on_disk, first.path if first else "", f.rule.id,
            first.line if first else 0, first.column if first else 0, f.secret)
