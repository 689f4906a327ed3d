"""Git history: every blob reachable from any ref or reflog entry, each unique blob read once.

One `git log --all --reflog --raw -c --root` pass (two git processes walking from both ends, newest
first and oldest first, until they meet: _read_log) lists, for every commit, the blobs it
brought in and the blobs it replaced: the union
of what commits brought in is every reachable blob (a root commit shows all its files; a
merge shows only what differs from all its parents, and the rest came from a parent), and
the same pass gives each blob its provenance (the commits and paths that introduced it,
when, and when it was replaced), kept as raw bytes and decoded only for the blobs that hold
findings, and the commit graph (%P), from which the refs reaching the findings' commits
are computed in one pass at the end (refs_from_graph). Each blob the walk names is looked
up as it is named (`cat-file --batch-check`, beside the walk: its size and delta base). Once
the walk is done, the reachable blobs are read in the order of their deltas, each after the
base git rebuilds it from, the others in the order the walk met them, newest first as git
packs them (delta_order: pack order was 2.5 times faster than object-id order, this 1.8
times faster again), in chunks, each worker process through its own long-lived
`git cat-file --batch`, straight into one reused buffer (BlobReader.read_groups), and
matched (a delta only where it differs from its base: Engine.match_spans) and confirmed in
the same pass with their paths (scanner/scan.py, _scan_history).
A blob's path is decided in one place: Enumeration.result().
"""
from __future__ import annotations

import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from scanner import gitcmd
from scanner.model import REFS_LISTED, ref_order
from scanner.sources.workspace import binary_name, noise_path

CHUNK_BYTES = 60_000  # oids per request stay under the 64 KiB pipe buffer: no deadlock
# A delta is matched only where it differs from its base when the base is in its chunk
# (Engine.match_spans): with chunks of 8 MB, 476 of fastapi's 1,663 MB and 448 of
# sqlalchemy's 4,158 MB had their base in an earlier chunk; with 32 MB, 215 and 163
# (Hyperscan's bytes: fastapi 726 -> 480 MB, sqlalchemy 2,545 -> 2,455: most of
# sqlalchemy's are versions under 24 KB, matched whole either way).
CHUNK_CONTENT = 32 << 20
# a base an earlier chunk holds is carried into a chunk (with_outside_bases) when the
# versions stored against it there are over this many times its size
CARRY_FACTOR = 1.5
_SUBMODULE = b"160000"


_ZERO_IDS = (b"0" * 40, b"0" * 64)
# git maps pack files into memory in windows of 1 GiB up to 8 GiB (64-bit defaults), and
# what it has read stays resident: reading every blob of sympy's 300 MB pack made one
# git cat-file 470 MB. Smaller windows and a limit keep each git process near 250 MB
# whatever the pack's size, at no measurable CPU cost (11.9 vs 12.0 CPU-s for sympy's blobs).
PACK_LIMITS = ("-c", "core.packedGitWindowSize=32m", "-c", "core.packedGitLimit=96m")


@dataclass
class Provenance:
    """Where blobs entered the history. Filled from raw `git log` bytes and kept as bytes:
    only the few blobs that hold findings are ever decoded (introductions(), removal())."""
    # blob -> (commit, path, author date) where the blob entered the tree, or a list of
    # them, newest first, when it entered more than once (entries()): most blobs enter once,
    # and a list around each of saltcorn's million single entries held 60 MB
    introduced: dict[bytes, tuple[bytes, bytes, bytes] | list[tuple[bytes, bytes, bytes]]] = \
        field(default_factory=dict)
    # blob -> (commit, date) of the latest commit that replaced it at a path: one tuple per
    # commit, shared by every blob it replaced (55 MB of saltcorn's otherwise)
    removed: dict[bytes, tuple[bytes, bytes]] = field(default_factory=dict)
    # commit -> the refs that reach it, at most REFS_LISTED of them (ref_order), and how many
    # reach it in all: a repository of 30,000 branches listed whole wrote 8.8 million names
    refs: dict[str, list[str]] = field(default_factory=dict)
    ref_counts: dict[str, int] = field(default_factory=dict)
    # commit -> its parents (hex ids, space-separated, as git log's %P prints them): the
    # commit graph of a full walk, from which the refs reaching a commit are computed in one
    # pass for all findings (refs_from_graph); None when the walk was limited (--since, a
    # subdirectory), where parents outside the walk are unknown
    parents: dict[bytes, bytes] | None = None
    # (ref, commit) of every ref that points at a commit, through annotated tags, from the
    # listing the walk read (_add_non_commit_refs); None until then
    tips: list[tuple[str, bytes]] | None = None
    walked: int = 0  # commits parsed so far (progress)
    order: list[bytes] = field(default_factory=list)  # the commits parsed so far, in the walk's order
    # the blobs, each once, in the order the walk first met them (newest commits first, as
    # git packs them): the order their sizes are asked for, and the delta forest's roots'
    fresh: list[bytes] = field(default_factory=list)
    # each path once while the walk parses (_parse_raw): every version of a file named the
    # same path again, appwrite's 296k introductions 79k paths (19 MB). Each end of a walk
    # has its own, dropped with it (_read_log)
    paths: dict[bytes, bytes] = field(default_factory=dict)

    def introductions(self, oid: str) -> list[tuple[str, str, str]]:
        return [(c.decode(), p.decode("utf-8", "surrogateescape"), d.decode())
                for c, p, d in entries(self.introduced.get(oid.encode()))]

    def removal(self, oid: str) -> tuple[str, str] | None:
        r = self.removed.get(oid.encode())
        return (r[0].decode(), r[1].decode()) if r else None


def entries(where) -> list[tuple[bytes, bytes, bytes]]:
    """A blob's introductions (Provenance.introduced: one tuple, a list of them, or None)
    as a list, newest first."""
    return [] if where is None else [where] if type(where) is tuple else where


def _packed(lst: list[tuple[bytes, bytes, bytes]]):
    """A list of introductions as Provenance.introduced keeps it: one alone as itself."""
    return lst[0] if len(lst) == 1 else lst


@dataclass
class BlobList:
    blobs: list[tuple[str, int, str, str]] = field(default_factory=list)  # (oid, size, path, base): delta_order
    # result(ordered=False): the blobs in the walk's order, (oid, size, path, base) in bytes
    # but the path, which in_delta_order yields in the order of their deltas
    unordered: list[tuple[bytes, int, str, bytes]] = field(default_factory=list)
    commits: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    shallow: bool = False
    warnings: list[str] = field(default_factory=list)
    prov: Provenance = field(default_factory=Provenance)
    ref_commits: dict[str, set[bytes]] | None = None  # with few refs: each ref's commits (reaching_refs)
    # in_delta_order: the path of each blob it yields, by id (bytes: the walk's own objects),
    # what the scan asks of them once they are matched. Each yielded (oid, size, path, base)
    # kept instead, with the id decoded, held 18 MB more of sympy's main process
    scanned: dict[bytes, str] = field(default_factory=dict)

    def in_delta_order(self):
        """The unordered blobs in the order of their deltas, one at a time as they are
        ordered (delta_order), each one's path kept in `scanned`."""
        self.scanned = {b[0]: b[2] for b in self.unordered}
        yield from delta_order(self.unordered, self.scanned)
        self.unordered = []  # 30 MB on sympy: not held for the rest of the scan


@dataclass
class WalkProgress:
    """What the enumeration has done so far, for a progress display: objects listed, and
    commits walked by each end of the walk (_read_log; a few commits where the two ends
    meet are counted twice until the walk ends). Only ever grows."""
    objects: int = 0
    listing_done: bool = False
    commits_done: list[int] = field(default_factory=list)  # one counter per git log

    @property
    def commits(self) -> int:
        return sum(self.commits_done)


def _revs(since: str | None) -> list[str]:
    """Every ref and every reflog entry (a commit amended or reset away, an older stash:
    `git reflog` and `git stash list` show them to anyone in the clone, an agent too); or,
    for a pull request, the commits HEAD brings that REF does not have (other branches a
    CI clone fetched are not this change's business)."""
    return ["HEAD", "--not", since] if since else ["--all", "--reflog"]


class Enumeration:
    """The blobs to scan, in the order of their deltas (delta_order), with their
    provenance, listed in the background: created as early as possible (the git processes
    start at once, and walk while the caller imports the engine's modules, loads the engine
    and forks its workers, then start() starts the threads that parse their output while
    the caller walks the work tree), joined by result(). `prefix` (a subdirectory of the work
    tree, with a trailing slash) limits the blobs to that subdirectory's history; paths
    stay relative to the repository's top level."""

    def __init__(self, repo: Path, since: str | None = None, all_objects: bool = False,
                 max_size: int = 25 * 1024 * 1024, prefix: str = "", start: bool = True):
        self._args = (since, all_objects, max_size, prefix)
        self._repo = repo
        self._bl = BlobList(shallow=gitcmd.is_shallow(repo))
        self._listing: list[tuple[list[tuple[bytes, int]], set[bytes]]] = []
        self._parsed: tuple[list[tuple[bytes, int]], set[bytes]] | None = None
        self._errors: list[str] = []
        # what the walk could not cover, each {"what": ..., "reason": ...} (ScanResult.incomplete)
        self.incomplete: list[dict] = []
        self._procs: list[subprocess.Popen] = []  # every git child of the walk: close() reaps them
        self.progress = WalkProgress()
        # With --all-objects, every object in the store is listed with its type (which costs
        # git a walk down each delta chain: 1.7 instead of 0.7 CPU-s on sympy's 640k objects,
        # with the bounded pack windows). Otherwise only the blobs the walk names are looked
        # up, as it names them (_feed): sympy's 122k, not its 640k objects, most of them trees
        # and commits the listing made Python split and discard after the walk.
        # %(deltabase): the blob git stores each one as a delta against, from which the blobs
        # are ordered for reading and matching (delta_order)
        self._typed = all_objects
        if all_objects:
            self._check = gitcmd.popen(repo, *PACK_LIMITS, "cat-file", "--batch-all-objects", "--unordered",
                                       "--batch-check=%(objectname) %(objecttype) %(objectsize) %(deltabase)",
                                       stdin=subprocess.DEVNULL)
        else:
            self._check = gitcmd.popen(repo, *PACK_LIMITS, "cat-file", "--buffer",
                                       "--batch-check=%(objectname) %(objectsize) %(deltabase)")
        self._feeding = threading.Lock()
        # the walk's oids, in the order _feed asked for them: git answers in that order, and
        # _read_checks keys its answers by these objects, not a second copy of each id
        self._asked: list[bytes] = []
        self._procs.append(self._check)
        # the walk's git log processes, started now when nothing limits the walk (the
        # common case); a limited walk starts its own with its threads (_read_history)
        self._logs: list | None = None
        self._refs: subprocess.Popen | None = None
        self._refs_err = None  # its stderr (a file)
        try:
            if not since and not prefix and _has_commits(repo):
                self._logs = _start_logs(repo, _revs(since), graph=True)
                self._procs += [proc for proc, _ in self._logs]
                # what every ref points at, read once the walk is done (_add_non_commit_refs)
                self._refs_err = tempfile.TemporaryFile()
                self._refs = gitcmd.popen(repo, "for-each-ref", _PEELED_FORMAT, stdin=subprocess.DEVNULL,
                                          stderr=self._refs_err)
                self._procs.append(self._refs)
        except gitcmd.GitError:
            pass  # the walk's thread meets the same error and says so (_read_history)
        self._threads = [threading.Thread(target=self._read_listing if all_objects else self._read_checks,
                                          daemon=True),
                         threading.Thread(target=self._read_history, daemon=True)]
        if start:
            self.start()

    def start(self) -> None:
        """Start the threads that parse what the git processes write (Enumeration(start=False)
        spawns the processes only: they run while the caller loads its engine and forks its
        workers, which must happen before any thread starts, and which close these pipes
        on their side: pipe_fds)."""
        for t in self._threads:
            t.start()

    def pipe_fds(self) -> list[int]:
        """This process's ends of the git processes' pipes: a process forked from this
        one closes them (the cat-file's stdin held open by a worker would never let git
        see the end of its input)."""
        return [f.fileno() for p in self._procs for f in (p.stdin, p.stdout) if f is not None and not f.closed]

    def _feed(self, oids: list[bytes]) -> None:
        """Ask git for the size and delta base of blobs the walk has just named (at once:
        held in the pipe's buffer, a small repository's look-ups would all wait for the walk
        to end)."""
        with self._feeding:
            self._asked += oids  # before git can answer
            try:
                self._check.stdin.write(b"\n".join(oids) + b"\n")
                self._check.stdin.flush()
            except (OSError, ValueError):
                pass  # git has stopped: result() says so from its exit status

    def _end_feed(self) -> None:
        with self._feeding:
            try:
                self._check.stdin.close()
            except OSError:
                pass

    def _read_checks(self) -> None:
        """git's answers to _feed ("<oid> <size> <base>", or "<oid> missing"), parsed as
        they arrive, a megabyte at a time, into {oid: (size, base)} and the missing ones."""
        sizes: dict[bytes, tuple[int, bytes]] = {}
        missing: set[bytes] = set()
        answered = 0  # lines read so far: the place in _asked of the next one
        try:
            for data in _whole_lines(self._check.stdout):
                if b" missing" not in data:  # every line three words: split once, in C
                    words = data.split()
                    ids = words[0::3]
                    asked = self._asked[answered:answered + len(ids)]
                    # the walk's objects as keys: git's copy of each id held 73 MB of
                    # saltcorn's million at the walk's end
                    sizes.update(zip(asked if asked == ids else ids, zip(map(int, words[1::3]), words[2::3])))
                else:
                    for line in data.split(b"\n"):
                        oid, _, rest = line.partition(b" ")
                        if rest == b"missing":
                            missing.add(oid)
                        elif rest:
                            size, _, base = rest.partition(b" ")
                            sizes[oid] = (int(size), base)
                lines = data.count(b"\n")
                answered += lines
                self.progress.objects += lines
            self._listing.append((sizes, missing))
            self._asked = []
        finally:
            self._check.stdout.close()
            self._check.wait()
            self.progress.listing_done = True

    def _read_listing(self) -> None:
        """--all-objects: every object's type, parsed as it arrives, a megabyte at a time:
        only the blobs are kept (the whole listing, 640k objects on sympy, held at once
        and joined cost 70 MB at the peak)."""
        blobs: list[tuple[bytes, int, bytes]] = []
        missing: set[bytes] = set()
        try:
            for data in _whole_lines(self._check.stdout):
                for line in data.split(b"\n"):
                    oid, _, kind = line.partition(b" ")
                    if kind[:5] == b"blob ":
                        size, _, base = kind[5:].partition(b" ")
                        blobs.append((oid, int(size), base))
                    elif kind == b"missing":
                        missing.add(oid)
                self.progress.objects += data.count(b"\n")
            self._listing.append((blobs, missing))
        finally:
            self._check.stdout.close()
            self._check.wait()
            self.progress.listing_done = True

    def _read_history(self) -> None:
        repo = self._repo
        since, _, _, prefix = self._args
        feed = None if self._typed else self._feed
        try:
            has_commits = self._logs is not None or _has_commits(repo)
            if has_commits and (since or prefix):  # a limited walk: its graph cannot name the refs
                refs = threading.Thread(target=self._read_ref_commits, args=(repo,), daemon=True)
                refs.start()
                self._bl.commits = _read_log(repo, since, prefix, self._bl.prov, progress=self.progress,
                                             procs=self._procs, incomplete=self.incomplete, feed=feed)
                refs.join()
            elif has_commits:
                self._bl.commits = _read_log(repo, since, prefix, self._bl.prov, progress=self.progress,
                                             procs=self._procs, incomplete=self.incomplete, feed=feed,
                                             started=self._logs)
            if has_commits and not since and not prefix:
                fed = len(self._bl.prov.fresh)
                _add_non_commit_refs(repo, self._bl.prov,
                                     _output(self._refs, self._refs_err, "for-each-ref") if self._refs else None)
                if feed is not None and len(self._bl.prov.fresh) > fed:
                    feed(self._bl.prov.fresh[fed:])
        except gitcmd.GitError as e:
            self._errors.append(str(e))
            if not self.incomplete:
                self.incomplete.append({"what": "history: the commits (git log)", "reason": str(e)})
        finally:
            if not self._typed:
                self._end_feed()  # git answers the last blobs and exits

    def _read_ref_commits(self, repo: Path) -> None:
        try:
            self._bl.ref_commits = _ref_commits(repo)
        except gitcmd.GitError:
            pass  # reaching_refs asks git again at the end

    def close(self) -> None:
        """Stop and reap every git process of the walk (after an error or an interrupt; a
        no-op once they have ended), and let the reading threads finish."""
        for p in list(self._procs):
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for t in self._threads:
            if t.ident is not None:  # started
                t.join(timeout=10)

    def done(self) -> bool:
        """The listing and the walk have ended (result() will not wait)."""
        return not any(t.is_alive() for t in self._threads)

    def listed(self) -> tuple[list, set[bytes]]:
        """With --all-objects, every blob in the object store, reachable or not, in pack
        order with its size, and the objects git lists as unreadable; otherwise the size and
        delta base of each blob the walk named, and those git cannot read (_read_checks)."""
        if self._parsed is None:
            self._threads[0].join()
            if self._check.returncode != 0 or not self._listing:
                why = f"git cat-file --batch-all-objects exited with {self._check.returncode}"
                self.incomplete.append({"what": "history: the object store's listing", "reason": why})
                raise gitcmd.GitError("git cat-file could not list the object store (corrupt repository?)")
            self._parsed = self._listing[0]
        return self._parsed

    def result(self, ordered: bool = True) -> BlobList:
        """The blobs to scan (reachable ones, or all with --all-objects), in the order of
        their deltas, with a path each, and their provenance. ordered=False leaves them
        in the walk's order (BlobList.unordered), for the caller to order as it scans
        them (BlobList.in_delta_order)."""
        listed, missing = self.listed()
        # the listing is this call's alone: held on, {oid: (size, base)} was 32 MB of
        # sympy's main process (47 of appwrite's) for the rest of the scan
        self._listing, self._parsed = [], None
        self._threads[1].join()
        if self._errors:
            raise gitcmd.GitError(self._errors[0])
        since, all_objects, max_size, prefix = self._args
        bl = self._bl
        if bl.shallow:
            bl.warnings.append("shallow clone: only the history present locally was scanned")
            cut = shallow_cuts(self._repo)
            if cut:
                ends = f"{cut} commit{'s' if cut != 1 else ''}"
                bl.warnings.append(f"the shallow file ends the history at {ends} whose parents are present: "
                                   "the history behind them was not walked")
                self.incomplete.append({"what": f"history: the commits behind {ends} of the shallow file",
                                        "reason": "the repository's shallow file (.git/shallow) ends the history at "
                                                  "commits whose parents the object store holds: git log stops there"})
        intro = bl.prov.introduced
        too_large = noise = binary = 0
        if not self._typed:  # the walk's blobs in the order it met them (Provenance.fresh)
            listed = [(oid, *listed[oid]) for oid in bl.prov.fresh if oid in listed]
        # a path's text, noise_path and binary_name, once per path
        paths: dict[bytes, tuple[str, bool, bool]] = {}

        def about(raw: bytes) -> tuple[str, bool, bool]:
            known = paths.get(raw)
            if known is None:
                text = raw.decode("utf-8", "surrogateescape")
                # the work tree's noise filter (issue 15), and its binary suffixes
                known = paths[raw] = (text, noise_path(text), binary_name(text.rsplit("/", 1)[-1]))
            return known

        kept: list[tuple[str, int, str, bytes]] = []
        present: set[bytes] = set()  # the walk's blobs the object store has
        for oid, size, base in listed:
            where = entries(intro.get(oid))
            # the one place a history blob's path is decided (a path predicate goes here)
            if where:
                present.add(oid)
                path, is_noise, is_binary = about(where[-1][1])  # the oldest introduction
                if prefix and not path.startswith(prefix):
                    continue
                # binary by name only when every path it had says so: a text file once named
                # .png and renamed keeps its blob
                is_binary = is_binary and all(about(p)[2] for _, p, _ in where)
            elif all_objects and not since:
                path, is_noise, is_binary = "", False, False
            else:
                continue
            if is_noise:
                noise += 1
                continue
            if is_binary:  # never read: git rebuilding and piping every version of the assets
                binary += 1
                continue
            if size > max_size:
                too_large += 1
                continue
            kept.append((oid, size, path, base))
        if ordered:
            bl.blobs = order_by_delta(kept)
        else:
            bl.unordered = kept
        if too_large:
            bl.skipped["too-large"] = too_large
        if noise:
            bl.skipped["noise-file"] = noise
        if binary:
            bl.skipped["binary"] = binary
        # a reachable blob git cannot read (a corrupt loose object is listed as "missing"),
        # or that the object store does not have at all (a tree names it, and no pack or
        # loose object holds it: the listing never shows it): count it and say so, never a
        # silent partial scan (issue 7)
        absent = [oid for oid, where in intro.items() if oid not in present and oid not in missing
                  and not (prefix and not entries(where)[-1][1].decode("utf-8", "surrogateescape").startswith(prefix))] \
            if len(present) < len(intro) else []
        unreadable = sum(1 for oid in missing if oid in intro) + len(absent)
        if unreadable:
            bl.skipped["missing-object"] = unreadable
            bl.warnings.append(f"{unreadable} objects could not be read (corrupt repository?): the history scan is incomplete")
            why = "git cannot read them, or the object store does not hold them (a corrupt copy, or a partial clone)"
            self.incomplete.append({"what": f"history: {unreadable} reachable objects", "reason": why})
        return bl


def shallow_cuts(repo: Path) -> int:
    """How many commits the shallow file names as the history's end have a parent the
    object store holds. A shallow clone has none (that is what makes it shallow); a shallow
    file written into a whole repository hides every commit behind the ones it names from
    `git log`, and so from the walk, while `git show` still shows them."""
    try:
        where = gitcmd.run(repo, "rev-parse", "--git-path", "shallow").decode("utf-8", "surrogateescape").strip()
        ends = [w for w in Path(repo, where).read_bytes().split() if _is_oid(w)]
        if not ends:
            return 0
        out = gitcmd.run(repo, "cat-file", "--batch", input=b"\n".join(ends) + b"\n")
    except (gitcmd.GitError, OSError):
        return 0
    parents: list[list[bytes]] = []  # of each end git could read
    pos = 0
    while pos < len(out):
        nl = out.find(b"\n", pos)
        if nl < 0:
            break
        words = out[pos:nl].split()
        pos = nl + 1
        if len(words) != 3:  # "<oid> missing"
            continue
        body = out[pos:pos + int(words[2])]
        pos += int(words[2]) + 1
        if words[1] == b"commit":
            head = body.split(b"\n\n", 1)[0]
            parents.append([line[7:] for line in head.split(b"\n") if line.startswith(b"parent ") and _is_oid(line[7:])])
    wanted = sorted({p for ps in parents for p in ps})
    if not wanted:
        return 0
    try:
        check = gitcmd.run(repo, "cat-file", "--batch-check", input=b"\n".join(wanted) + b"\n")
    except gitcmd.GitError:
        return 0
    present = {line.split()[0] for line in check.splitlines() if line and not line.endswith(b" missing")}
    return sum(1 for ps in parents if any(p in present for p in ps))


def _is_oid(word: bytes) -> bool:
    """An object id in hex (what git reads from the repository's own files is checked so:
    `cat-file` would take any revision expression)."""
    return len(word) in (40, 64) and not word.strip(b"0123456789abcdef")


def _whole_lines(out):
    """What a git process writes, a megabyte at a time at most, each piece cut after its
    last whole line (the rest of the output, after its last newline, comes last)."""
    rest = b""
    while True:
        chunk = out.read1(1 << 20)
        data = rest + chunk
        cut = data.rfind(b"\n") + 1 if chunk else len(data)
        rest = data[cut:]
        if cut:
            yield data[:cut]
        if not chunk:
            return


def _output(proc: subprocess.Popen, err, what: str) -> bytes:
    """All that the git command `what`, started by popen() with its stderr in the file
    `err`, writes, once it has ended well; else a GitError with git's first error line, as
    gitcmd.run gives it."""
    out = proc.stdout.read()
    proc.stdout.close()
    with err:
        if proc.wait() != 0:
            err.seek(0)
            raise gitcmd.GitError(f"git {what} failed: {gitcmd.first_error(err.read(1 << 16), proc.returncode)}")
    return out


def _add_non_commit_refs(repo: Path, prov: Provenance, listing: bytes | None = None) -> None:
    """The blobs that a ref reaches without any commit: a tag or ref that points at a blob
    or a tree (git.git tags a public key so; anyone can hide a file under refs/). No commit
    walk names them, yet `git show REF` prints them to anyone, an agent included. Each is
    introduced with no commit, its path "REF" (a blob) or "REF:PATH" (a tree's entry).
    `listing`: for-each-ref's output in _PEELED_FORMAT, when the caller has it. The refs
    that point at commits are kept in prov.tips (refs_from_graph)."""
    peeled = list(_peeled_refs(repo, listing))
    prov.tips = _commit_tips(peeled)
    for ref, kind, oid in peeled:
        if kind == b"blob":
            if oid not in prov.introduced:
                prov.introduced[oid] = (b"", ref, b"")
                prov.fresh.append(oid)
        elif kind == b"tree":
            try:
                listing = gitcmd.run(repo, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", oid.decode())
            except gitcmd.GitError:
                continue
            for entry in listing.split(b"\0"):
                meta, _, path = entry.partition(b"\t")
                fields = meta.split(b" ")
                if len(fields) == 3 and fields[1] == b"blob" and fields[2] not in prov.introduced:
                    prov.introduced[fields[2]] = (b"", ref + b":" + path, b"")
                    prov.fresh.append(fields[2])


def _has_commits(repo: Path) -> bool:
    return bool(gitcmd.run(repo, "for-each-ref", "--count=1", "--format=%(refname)").strip()) or _has_head(repo)


def _start_logs(repo: Path, revs: list[str], graph: bool, prefix: str = "", jobs: int = 2) -> list:
    """The `git log --raw` processes of a walk (_read_log), started: (process, its stderr
    file) for the newest-first walk and, with two jobs, the oldest-first one. With the
    parents (%P) when the walk keeps the commit graph."""
    fmt = "--format=%x00%H %aI" + (" %P" if graph else "")
    started = []
    for k in range(2 if jobs > 1 else 1):
        args = ["log", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-textconv", "--no-ext-diff", "-c",
                "--root", fmt] + (["--reverse"] if k == 1 else []) + revs
        if prefix:  # git runs in the subdirectory: "." is its own history
            args += ["--", "."]
        err = tempfile.TemporaryFile()  # what git says when it fails (a ref to a missing object...)
        proc = gitcmd.popen(repo, *PACK_LIMITS, *args, stdin=subprocess.DEVNULL, stderr=err)
        if k == 0:
            _enlarge_pipe(proc.stdout)
        started.append((proc, err))
    return started


def _enlarge_pipe(out) -> None:
    """Let a git process write up to 1 MiB before anyone reads it (Linux, best effort). The
    newest-first walk's: its threads start only after the engine has loaded and the workers
    are forked, and with the default 64 KiB git stopped at once; now it runs on the idle core
    meanwhile (httpx's whole walk). Not the oldest-first walk's: with both pipes filled, each
    parse read all of its git's output before the walks could see that they had met (CPU
    0.79 -> 0.89 s on httpx). And each BlobReader's."""
    try:
        import fcntl

        fcntl.fcntl(out.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _read_log(repo: Path, since: str | None, prefix: str, prov: Provenance, jobs: int = 2,
              progress: WalkProgress | None = None, procs: list | None = None,
              incomplete: list[dict] | None = None, feed=None, started: list | None = None) -> int:
    """Stream `git log --raw` into prov; returns the number of commits.

    Computing each commit's tree diff is most of the cost. With two cores, two `git log`
    processes walk the same commits from both ends, the newest first and the oldest first
    (--reverse), and stop where they meet (_Ends): nothing waits for a commit list first
    (a rev-list took 0.8 of sympy's 3.6 s walk before any diff began), and neither core
    idles when one end's diffs cost more than the other's (sympy's newer half cost 2.1 of
    its 3.6 CPU-s). The newest-first walk's provenance, then the oldest-first walk's turned
    newest first, keep the order the provenance relies on. `feed`, when given, is handed
    each piece's new blobs as they are parsed. `started`: the processes, already started
    (_start_logs, as many as the jobs)."""
    progress = progress or WalkProgress()
    graph = not since and not prefix  # the whole graph: every ref's tip and all it reaches
    if started is not None:
        jobs = len(started)
    results = [Provenance(parents={} if graph else None) for _ in range(2 if jobs > 1 else 1)]
    progress.commits_done = [0] * len(results)
    ends = _Ends(len(results))
    errors: list[dict] = []
    procs = procs if procs is not None else []
    if started is None:
        started = _start_logs(repo, _revs(since), graph, prefix, len(results))
        procs += [proc for proc, _ in started]
    threads = [threading.Thread(target=_log_part, args=(*started[k], res, errors, progress.commits_done, k, ends,
                                                        feed), daemon=True)
               for k, res in enumerate(results)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        if incomplete is not None:  # both ends stop at the same broken ref or object: said once
            incomplete += [e for k, e in enumerate(errors) if e not in errors[:k]]
        raise gitcmd.GitError("git log failed to walk the history (corrupt repository?)")
    if len(results) == 1:
        prov.introduced, prov.removed, prov.parents = results[0].introduced, results[0].removed, results[0].parents
        prov.fresh = results[0].fresh
        return len(ends.seen[0])
    return _join_ends(prov, results[0], results[1], ends.seen[0], ends.seen[1])


def _join_ends(prov: Provenance, newest: Provenance, oldest: Provenance,
               newest_seen: set[bytes], oldest_seen: set[bytes]) -> int:
    """The two ends of a walk (_read_log) into prov: the newest-first walk's provenance,
    then the oldest-first walk's turned newest first, without the commits both parsed.
    Returns the number of commits."""
    prov.introduced, prov.removed, prov.parents = newest.introduced, newest.removed, newest.parents
    # the older blobs, newest first, after the newer walk's
    prov.fresh = newest.fresh + [oid for oid in reversed(oldest.fresh) if oid not in newest.introduced]
    both = newest_seen & oldest_seen  # where the two walks met: the newest-first one's
    if prov.parents is not None:
        prov.parents.update(oldest.parents)
    for oid, where in oldest.introduced.items():
        lst = _newest_first(entries(where), both)
        if not lst:
            continue
        mine = prov.introduced.get(oid)
        # older commits after newer ones
        prov.introduced[oid] = _packed(lst) if mine is None else entries(mine) + lst
    for oid, rem in oldest.removed.items():
        prov.removed.setdefault(oid, rem)  # the newer walk's replacement, when it saw one, is the latest
    return len(newest_seen | oldest_seen)


class _Ends:
    """Two walks of the same commits in opposite orders, each recording the commits it has
    parsed whole: once one parses a commit the other already has, the newest-first walk's
    commits and the oldest-first walk's together are all of them, and both git processes
    are stopped."""

    def __init__(self, n: int):
        self.seen: list[set[bytes]] = [set() for _ in range(n)]
        self.procs: list[subprocess.Popen | None] = [None] * n
        self.met = threading.Event()
        self._lock = threading.Lock()

    def parsed(self, k: int, commits: list[bytes]) -> bool:
        """Record walk k's newly parsed commits; whether the walks have met."""
        with self._lock:  # one walk records at a time: the second to record sees the first's commits
            if len(self.seen) > 1 and not self.met.is_set() and any(c in self.seen[1 - k] for c in commits):
                self._stop()
            self.seen[k].update(commits)
        return self.met.is_set()

    def whole(self, k: int) -> None:
        """Walk k reached its end: it alone has every commit, and the other walk can stop."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        self.met.set()
        for p in self.procs:
            if p is not None and p.poll() is None:
                p.kill()


def _newest_first(lst: list[tuple[bytes, bytes, bytes]], drop: set[bytes]) -> list[tuple[bytes, bytes, bytes]]:
    """An oldest-first walk's introductions of one blob, newest commit first, each commit's
    own entries in git's order (as a newest-first walk lists them), without the commits in
    `drop` (the other walk has them)."""
    if len(lst) == 1:
        return lst if not drop or lst[0][0] not in drop else []
    out: list[tuple[bytes, bytes, bytes]] = []
    i = len(lst)
    while i:
        j = i - 1
        while j and lst[j - 1][0] == lst[i - 1][0]:
            j -= 1
        if lst[j][0] not in drop:
            out += lst[j:i]
        i = j
    return out


def _log_part(proc: subprocess.Popen, err, prov: Provenance, errors: list[dict],
              done: list[int], k: int, ends: _Ends, feed=None) -> None:
    """What one `git log --raw` (_start_logs; its stderr in the file `err`) writes, into
    prov: newest first, or oldest first when it is walk 1 of `ends` (which stops it where
    it meets walk 0); each piece's new blobs to `feed`."""
    reverse = k == 1
    ends.procs[k] = proc
    if ends.met.is_set():  # the other walk met this one before it started: nothing left to do
        proc.kill()
    state = (b"", b"")
    buf = b""
    seen = fed = 0
    try:
        while True:
            # what git has written so far, up to a megabyte: the walks learn soon that they met
            chunk = proc.stdout.read1(1 << 20)
            if ends.met.is_set():
                break  # the other walk's commits and this one's, as recorded, are all of them
            if chunk:
                buf += chunk
                cut = _whole_commits(buf)
            elif proc.wait() == 0:
                cut = len(buf)
            else:
                break  # the last commit git wrote may be cut short: neither parsed nor counted
            if cut > 0:
                state = _parse_raw(buf[:cut], prov, state, newest_first=not reverse)
                done[k] = prov.walked
                if feed is not None and len(prov.fresh) > fed:
                    feed(prov.fresh[fed:])
                    fed = len(prov.fresh)
                buf = buf[cut:]
                new, seen = prov.order[seen:], len(prov.order)
                if ends.parsed(k, new):
                    break
            if not chunk:
                ends.whole(k)
                break
    finally:
        if ends.met.is_set() and proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.wait()
    with err:
        if proc.returncode != 0 and not ends.met.is_set():
            err.seek(0)
            errors.append({"what": "history: the commits (git log)",
                           "reason": f"git log failed: {gitcmd.first_error(err.read(1 << 16), proc.returncode)}"})


def _whole_commits(buf: bytes) -> int:
    """Where the whole commits in `buf` end: before the last commit header, which starts
    right after the NUL that ends the previous commit's last path or header ("\0\0"). A
    merge's header is also followed by "\0\0", then by its combined entries ("::..."):
    no cut there, and none where what follows is not yet read."""
    cut = buf.rfind(b"\0\0")
    while cut > 0 and buf[cut + 2:cut + 3] in (b":", b""):
        cut = buf.rfind(b"\0\0", 0, cut)
    return cut


def _parse_raw(data: bytes, prov: Provenance, state: tuple[bytes, bytes],
               newest_first: bool = True) -> tuple[bytes, bytes]:
    """Commit headers (`\0<commit> <date>`) and -z raw entries (`:m1 m2 old new S\0path\0`,
    or `::m1 m2 m3 o1 o2 new SS\0path\0` for a merge) into prov; returns the current commit
    and date, which a later piece continues from. Bytes throughout: this runs once per
    changed file of every commit. In an oldest-first walk, a blob's latest replacement is
    the last one seen."""
    commit, date = state
    replaced = (commit, date)  # the current commit's value in prov.removed
    intro, removed, parents, order, fresh = prov.introduced, prov.removed, prov.parents, prov.order, prov.fresh
    paths = prov.paths
    it = iter(data.split(b"\0"))
    for tok in it:
        if not tok:
            continue
        if tok[0] == 10:  # "\n" between a header and its first entry
            tok = tok[1:]
        if tok[:1] != b":":
            prov.walked += 1
            commit, _, date = tok.partition(b" ")
            order.append(commit)
            if parents is not None:
                date, _, parents[commit] = date.partition(b" ")
            replaced = (commit, date)
            continue
        path = next(it, b"")
        path = paths.setdefault(path, path)
        parts = tok.split(b" ")
        n = 1 if tok[1:2] != b":" else len(tok) - len(tok.lstrip(b":"))
        if len(parts) < 2 * n + 3:
            continue
        ids = parts[n + 1: 2 * n + 2]
        new = ids[-1]
        if parts[n] != _SUBMODULE and new not in _ZERO_IDS:
            where = intro.get(new)
            if where is None:
                intro[new] = (commit, path, date)
                fresh.append(new)
            elif type(where) is tuple:
                if where[0] != commit or where[1] != path:
                    intro[new] = [where, (commit, path, date)]
            elif where[-1][0] != commit or where[-1][1] != path:
                where.append((commit, path, date))
        for old in ids[:-1]:
            if old != new and (not newest_first or old not in removed) and old not in _ZERO_IDS:
                removed[old] = replaced  # the latest replacement
    return commit, date


def _has_head(repo: Path) -> bool:
    try:
        gitcmd.run(repo, "rev-parse", "--verify", "-q", "HEAD")
        return True
    except gitcmd.GitError:
        return False


def order_by_delta(blobs: list[tuple[bytes, int, str, bytes]]) -> list[tuple[str, int, str, str]]:
    """delta_order's blobs, all at once."""
    return list(delta_order(blobs))


def delta_order(blobs: list[tuple[bytes, int, str, bytes]], known=None):
    """(oid, size, path, base) of blobs given in pack order (or the walk's, newest first)
    with their delta bases (the blob git stores each as a delta against, or zeros),
    yielded so that each follows its base: a depth-first walk of the delta forest, in the
    given order among siblings. `base` is
    the base's oid when it is among the blobs, else "": a blob's matches are then mostly
    its base's (Engine.match_spans). git rebuilds a delta from its base, and keeps the
    bases it rebuilt in a cache of 96 MB: read in pack order, a base was often evicted by
    the time a delta on it came, and git rebuilt it again (sqlalchemy's 87k blobs: 2.8
    instead of 5.0 CPU-s of git, the same bytes out). A generator: the first chunks are
    scanned while the rest is ordered (0.5 s of sympy's 122k blobs, with the workers
    otherwise waiting). Blobs in a cycle of bases (a corrupt pack) come last, each once,
    with no base. Siblings come smallest family first (_smallest_family_first): a version is
    matched where it differs from its base only when the base is in its chunk, and a small
    sibling read after a large sibling's whole family of versions found its base chunks
    back, and was matched whole. `known`: the blobs' oids, when the caller holds them.

    A base's one child is kept as its place alone, not in a list (_kids): saltcorn's
    700,000 bases, most with one version stored against each, held 45 MB of lists."""
    if known is None:
        known = {b[0] for b in blobs}  # a base of zeros (stored whole) is never among them
    children: dict[bytes, int | list[int]] = {}
    roots: list[int] = []
    for k, (oid, _, _, base) in enumerate(blobs):
        if base in known and base != oid:
            kids = children.setdefault(base, k)
            if kids is not k:
                if type(kids) is int:
                    children[base] = [kids, k]
                else:
                    kids.append(k)
        else:
            roots.append(k)
    told = 0
    for r in roots:
        oid, size, path, _ = blobs[r]
        name = oid.decode()
        yield name, size, path, ""
        told += 1
        if oid not in children:
            continue  # most roots: nothing is stored against them
        _smallest_family_first(blobs, children, r)  # here, not up front: the workers have begun
        stack = [(k, name) for k in reversed(_kids(children, oid))]
        while stack:
            k, base = stack.pop()
            oid, size, path, _ = blobs[k]
            name = oid.decode()
            yield name, size, path, base
            told += 1
            if oid in children:
                stack += [(k, name) for k in reversed(_kids(children, oid))]
    if told != len(blobs):  # no root reaches a cycle: what the walks above did not tell
        reached = bytearray(len(blobs))
        stack = list(roots)
        while stack:
            k = stack.pop()
            reached[k] = 1
            stack += _kids(children, blobs[k][0])
        for k, (oid, size, path, _) in enumerate(blobs):
            if not reached[k]:
                yield oid.decode(), size, path, ""


def _kids(children: dict[bytes, int | list[int]], oid: bytes) -> list[int]:
    """The places of the blobs stored against oid (delta_order's children), as a list."""
    kids = children.get(oid, ())
    return [kids] if type(kids) is int else kids


def _smallest_family_first(blobs: list[tuple], children: dict[bytes, int | list[int]], root: int) -> None:
    """Sort the children of every blob in root's delta tree by the bytes of their family
    (the child and every blob stored against it, directly or not), smallest first: each
    blob with children listed after its base, then the families summed in reverse."""
    inner: list[tuple[int, list[int]]] = []  # the blobs with children, each after its base
    stack = [(root, _kids(children, blobs[root][0]))]
    while stack:
        k, kids = stack.pop()
        inner.append((k, kids))
        stack += [(c, _kids(children, blobs[c][0])) for c in kids if blobs[c][0] in children]
    family: dict[int, int] = {}
    for k, kids in reversed(inner):  # children first
        if len(kids) > 1:
            kids.sort(key=lambda c: family.get(c, blobs[c][1]))
        family[k] = blobs[k][1] + sum(family.get(c, blobs[c][1]) for c in kids)


def chunks(blobs, parts: int = 1, cost=None, total: int | None = None):
    """Split, in order, into chunks of up to CHUNK_CONTENT bytes of content (or of
    `cost(blob)`, the work a blob is worth in bytes) and at most CHUNK_BYTES of oids, so
    that a chunk's request fits in the pipe buffer (SHA-256 ids are 64 hex digits), and
    into at least `parts` chunks when there are that many blobs (chunk_by_size). A list;
    or, given the blobs' `total` size beforehand, a generator handing out each chunk as it
    fills (blobs may be one: BlobList.in_delta_order)."""
    from scanner.chunking import chunk_by_size, iter_chunks

    size_of = cost or (lambda b: b[1])
    if total is not None:
        return iter_chunks(blobs, size_of, CHUNK_CONTENT, CHUNK_BYTES // 65, parts, total)
    return chunk_by_size(blobs, size_of, CHUNK_CONTENT, CHUNK_BYTES // 65, parts)


def with_outside_bases(chunks, edited_from: int = 0):
    """Each chunk of delta-ordered blobs (delta_order, split by chunks()) preceded by the
    bases its versions are stored against that an earlier chunk holds, as (oid, size,
    None, ""): a worker reads and matches such a base whole, reports nothing of it, and
    matches the versions after it where they differ (Engine.match_spans). Without it each
    of those versions was matched whole: boto3's 600 kB changelog, in thousands of
    versions, had 433 of them (273 MB) cut from their base by a chunk's edge; 63 bases
    (33 MB) carried cover 250 MB of them. A base is carried when its versions of at least
    `edited_from` bytes (smaller ones are matched whole anyway) are over CARRY_FACTOR
    times its size, as many as the chunk's request has room for (CHUNK_BYTES), most bytes
    saved first.

    In delta order (depth first) a later blob's base is the last blob handed out or one
    of the bases it descends from: only that chain is kept (oid -> (place in it, size)),
    not every blob handed out (a dict of saltcorn's million ids, 150 MB). A blob whose
    base is not in the chain (not delta order) leaves the chain as it is."""
    chain: list[str] = []
    earlier: dict[str, tuple[int, int]] = {}
    for chunk in chunks:
        if not chunk or len(chunk[0]) < 4:
            yield chunk
            continue
        inside = {b[0] for b in chunk}
        saved: dict[str, int] = {}  # outside base -> bytes of its versions here
        for _, size, _, base in chunk:
            if base and size >= edited_from and base not in inside and base in earlier:
                saved[base] = saved.get(base, 0) + size
        room = CHUNK_BYTES // 65 - len(chunk)
        carried = sorted((b for b, n in saved.items() if n > CARRY_FACTOR * earlier[b][1]),
                         key=lambda b: -saved[b])[:max(0, room)]
        out = [(b, earlier[b][1], None, "") for b in carried] + chunk if carried else chunk
        for oid, size, _, base in chunk:
            at = earlier.get(base, (-1,))[0] if base else -1
            if at >= 0 or not base:  # the chain ends at the base (or is empty for a root)
                for gone in chain[at + 1:]:
                    del earlier[gone]
                del chain[at + 1:]
            earlier[oid] = (len(chain), size)
            chain.append(oid)
        yield out


class BlobReader:
    """One long-lived `git cat-file --batch` process."""

    def __init__(self, repo: Path):
        self.proc = gitcmd.popen(repo, *PACK_LIMITS, "cat-file", "--batch")
        self._buf = bytearray()
        _enlarge_pipe(self.proc.stdout)  # git runs further ahead of the matching

    def read(self, oids: list[str]):
        """Yield (oid, data or None) for each oid, in order."""
        req = "".join(o + "\n" for o in oids).encode()
        assert len(req) <= CHUNK_BYTES + 64
        self.proc.stdin.write(req)
        self.proc.stdin.flush()
        out = self.proc.stdout
        for oid in oids:
            header = out.readline()
            if not header:
                raise gitcmd.GitError("git cat-file stopped unexpectedly (corrupt repository?)")
            parts = header.split()
            if len(parts) < 3 or parts[1] != b"blob":  # "<oid> missing"
                yield oid, None
                continue
            n = int(parts[2])
            data = out.read(n)
            out.read(1)
            yield oid, data

    def read_groups(self, blobs: list[tuple], group_bytes: int = 1 << 20):
        """All of blobs' contents in one reused buffer, as git writes them ("<oid> blob
        <size>\\n<content>\\n" each), handed out in groups of about group_bytes as they
        arrive: yields (buffer, lo, hi, [(index in blobs, start, end) or (index, None, None)
        for an object git could not read]) where [lo, hi) holds the group. While the caller
        matches one group, git writes the next into the (enlarged) pipe. The sizes from the
        object listing give the buffer's size up front: no allocation after the first chunk."""
        req = "".join(b[0] + "\n" for b in blobs).encode()
        assert len(req) <= CHUNK_BYTES + 64
        self.proc.stdin.write(req)
        self.proc.stdin.flush()
        need = sum(b[1] for b in blobs) + 60 * len(blobs)  # + "<oid> blob <size>\\n" and "\\n"
        if len(self._buf) < need:
            self._buf = bytearray(need)
        buf = self._buf
        # straight from the pipe into the buffer (a reader uses read() or read_groups(),
        # never both, so nothing waits in the BufferedReader's own buffer)
        raw = self.proc.stdout.raw
        filled = pos = lo = 0
        group: list[tuple[int, int | None, int | None]] = []

        def fill(upto: int) -> None:
            nonlocal filled, buf
            if upto > len(buf):  # git disagrees with the listing about a size: grow
                self._buf = buf = buf + bytearray(upto - len(buf))
            with memoryview(buf) as view:
                while filled < upto:
                    k = raw.readinto(view[filled:])  # what is there: a missing object
                    if not k:                        # makes the output shorter than `need`
                        raise gitcmd.GitError("git cat-file stopped unexpectedly (corrupt repository?)")
                    filled += k

        for i in range(len(blobs)):
            nl = buf.find(b"\n", pos, filled)
            while nl < 0:
                fill(filled + 1)
                nl = buf.find(b"\n", pos, filled)
            sp = buf.rfind(b" ", pos, nl)
            if sp < 5 or buf[sp - 5:sp] != b" blob":  # "<oid> missing"
                group.append((i, None, None))
                pos = nl + 1
                continue
            start = nl + 1
            end = start + int(buf[sp + 1:nl])
            if end >= filled:
                fill(end + 1)
            group.append((i, start, end))
            pos = end + 1
            if pos - lo >= group_bytes:
                yield buf, lo, pos, group
                lo, group = pos, []
        if group:
            yield buf, lo, pos, group

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def _keep_refs(prov: Provenance, found: dict[str, list[str]]) -> None:
    """prov.refs and prov.ref_counts from each commit's full list of reaching refs."""
    for c, refs in found.items():
        prov.ref_counts[c] = len(refs)
        prov.refs[c] = sorted(refs, key=ref_order)[:REFS_LISTED]


def _ref_commits(repo: Path, max_refs: int = 8) -> dict[str, set[bytes]] | None:
    """Each ref's commits, when there are few refs: listed while the blobs are still being
    read, so that naming the refs that reach the findings costs nothing at the end."""
    refs = [r for r in gitcmd.run(repo, "for-each-ref", "--format=%(refname)").decode(
        "utf-8", "surrogateescape").split("\n") if r]
    if len(refs) > max_refs:
        return None
    return {ref: set(gitcmd.run(repo, "rev-list", "--end-of-options", ref).split()) for ref in refs}


def reaching_refs(repo: Path, prov: Provenance, oids: set[str],
                  ref_commits: dict[str, set[bytes]] | None = None) -> None:
    """Fill prov.refs for the commits that introduced the given blobs (only blobs that
    hold findings). From `ref_commits` when the enumeration listed them; else, with fewer
    refs than commits, one `rev-list` per ref answers for all commits at once; otherwise
    one `for-each-ref --contains` per commit. Either way the git processes run side by side."""
    commits = sorted({c for o in oids for c, _, _ in prov.introductions(o)})
    if not commits:
        return
    if prov.parents is not None:
        got = refs_from_graph(repo, prov.parents, commits, prov.tips)
        if got is not None:
            for c, (listed, count) in got.items():
                prov.refs[c], prov.ref_counts[c] = listed, count
            return
    if ref_commits is not None:
        _keep_refs(prov, {c: [r for r, cs in ref_commits.items() if c.encode() in cs] for c in commits})
        return
    # (imported only here: the walk's graph answers a full scan, and concurrent.futures
    # imports logging, 6 ms of every start)
    from concurrent.futures import ThreadPoolExecutor

    refs = [r for r in gitcmd.run(repo, "for-each-ref", "--format=%(refname)").decode(
        "utf-8", "surrogateescape").split("\n") if r]
    workers = 4
    if len(refs) < len(commits):
        wanted = set(commits)

        def reach(ref: str) -> tuple[str, set[str]]:
            out = gitcmd.run(repo, "rev-list", "--end-of-options", ref)
            return ref, wanted.intersection(out.decode().split())

        found: dict[str, list[str]] = {c: [] for c in commits}
        with ThreadPoolExecutor(workers) as ex:
            for ref, hits in ex.map(reach, refs):
                for c in hits:
                    found[c].append(ref)
        _keep_refs(prov, found)
        return

    def contains(c: str) -> tuple[str, list[str]]:
        out = gitcmd.run(repo, "for-each-ref", "--format=%(refname)", "--contains", c)
        return c, [r for r in out.decode("utf-8", "surrogateescape").split("\n") if r]

    with ThreadPoolExecutor(workers) as ex:
        _keep_refs(prov, dict(ex.map(contains, commits)))


_PEELED_FORMAT = "--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)"


def _peeled_refs(repo: Path, out: bytes | None = None):
    """(ref, type, object id) of what every ref points at, through annotated tags (a tag of
    a tag is peeled by git; a chain git cannot follow is left out). `out`: the output of
    for-each-ref in _PEELED_FORMAT, when the caller has it."""
    if out is None:
        out = gitcmd.run(repo, "for-each-ref", _PEELED_FORMAT)
    for line in out.split(b"\n"):
        parts = line.split(b"\0")
        if len(parts) != 5:
            continue
        ref, kind, oid = parts[0], parts[1], parts[2]
        if kind == b"tag":
            kind, oid = parts[3], parts[4]
            if kind == b"tag":  # a tag of a tag: rare, ask git
                try:
                    oid = gitcmd.run(repo, "rev-parse", "--verify", "-q", "--end-of-options", parts[2].decode() + "^{}").strip()
                    kind = gitcmd.run(repo, "cat-file", "-t", "--end-of-options", oid.decode()).strip()
                except gitcmd.GitError:
                    continue
        yield ref, kind, oid


def _ref_tips(repo: Path) -> list[tuple[str, bytes]]:
    """(ref, the commit it points at, through annotated tags) for every ref that points at
    a commit."""
    return _commit_tips(_peeled_refs(repo))


def _commit_tips(peeled) -> list[tuple[str, bytes]]:
    """_peeled_refs' refs that point at a commit, as (ref, commit)."""
    return [(ref.decode("utf-8", "surrogateescape"), oid) for ref, kind, oid in peeled if kind == b"commit"]


def refs_from_graph(repo: Path, parents: dict[bytes, bytes], commits: list[str],
                    tips: list[tuple[str, bytes]] | None = None) -> dict[str, tuple[list[str], int]] | None:
    """commit -> (the first REFS_LISTED refs that reach it in ref_order, how many reach it),
    for the given commits, from the commit graph the walk recorded: one pass over the graph
    for all commits at once (each commit's value is the set of wanted commits it reaches,
    as the bits of an integer, computed once from its parents'), instead of one `git
    for-each-ref --contains` per commit (0.9 s each on a repository of 60k commits and 120
    refs). None when a ref's tip is not in the graph (the caller asks git instead). `tips`:
    _ref_tips, as the walk listed them (Provenance.tips), when it did."""
    tips = tips if tips is not None else _ref_tips(repo)
    if any(t not in parents for _, t in tips):
        return None
    bit = {c.encode(): 1 << i for i, c in enumerate(commits)}
    reach: dict[bytes, int] = {}
    split: dict[bytes, list[bytes]] = {}  # a commit's parents, split once
    for _, tip in tips:
        if tip in reach:
            continue
        stack = [tip]
        while stack:  # iterative post-order: a commit's value once all its parents have theirs
            c = stack[-1]
            if c in reach:
                stack.pop()
                continue
            ps = split.get(c)
            if ps is None:
                ps = split[c] = [p for p in parents.get(c, b"").split() if p in parents]
            todo = [p for p in ps if p not in reach]
            if todo:
                stack += todo
                continue
            stack.pop()
            v = bit.get(c, 0)
            for p in ps:
                v |= reach[p]
            reach[c] = v
    named: dict[str, list[str]] = {c: [] for c in commits}
    unnamed = (1 << len(commits)) - 1  # the commits with fewer than REFS_LISTED refs named yet
    # how many refs reach each commit, counted for all commits at once in binary: bit i of
    # planes[k] is bit k of commit i's count (one addition of a ref's bits per ref, not one
    # per ref and commit: 30,823 refs by hundreds of commits took 50 s counted one by one)
    planes: list[int] = []
    for ref, tip in sorted(tips, key=lambda t: ref_order(t[0])):
        v = reach[tip]
        if not v:
            continue
        carry = v
        for k in range(len(planes)):
            if not carry:
                break
            planes[k], carry = planes[k] ^ carry, planes[k] & carry
        if carry:
            planes.append(carry)
        w = v & unnamed
        while w:
            low = w & -w
            refs = named[commits[low.bit_length() - 1]]
            refs.append(ref)
            if len(refs) == REFS_LISTED:
                unnamed ^= low
            w ^= low
    return {c: (named[c], sum(((p >> i) & 1) << k for k, p in enumerate(planes))) for i, c in enumerate(commits)}
