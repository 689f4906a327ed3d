"""Git history: every blob reachable from any ref, each unique blob read once.

One `git log --all --raw -c --root` pass lists, for every commit, the blobs it brought in
and the blobs it replaced: the union of what commits brought in is every reachable blob
(a root commit shows all its files; a merge shows only what differs from all its parents,
and the rest came from a parent), and the same pass gives each blob its provenance (the
commits and paths that introduced it, when, and when it was replaced) for free. A
concurrent `cat-file --batch-all-objects --batch-check --unordered` gives pack order and
sizes. Blobs are then read in pack order, in chunks, each worker process through its own
long-lived `git cat-file --batch` (reading in pack order is 2.5 times faster than in
object-id order). Only the refs that still reach a finding's commits are asked for
afterwards: one `for-each-ref --contains` per such commit.
"""
from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from scanner import gitcmd

CHUNK_BYTES = 60_000  # oids per request stay under the 64 KiB pipe buffer: no deadlock
_SUBMODULE = b"160000"


@dataclass
class Provenance:
    # blob -> [(commit, path, author date)] where the blob entered the tree
    introduced: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    # blob -> (commit, date) of the latest commit that replaced it at a path
    removed: dict[str, tuple[str, str]] = field(default_factory=dict)
    refs: dict[str, list[str]] = field(default_factory=dict)  # commit -> refs that reach it


@dataclass
class BlobList:
    blobs: list[tuple[str, int, str]] = field(default_factory=list)  # (oid, size, path) in pack order
    commits: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    shallow: bool = False
    warnings: list[str] = field(default_factory=list)
    prov: Provenance = field(default_factory=Provenance)


def _revs(since: str | None) -> list[str]:
    """Every ref; or, for a pull request, the commits HEAD brings that REF does not have
    (other branches a CI clone fetched are not this change's business)."""
    return ["HEAD", "--not", since] if since else ["--all"]


def enumerate_blobs(repo: Path, since: str | None = None, all_objects: bool = False,
                    max_size: int = 25 * 1024 * 1024, only_paths: set[str] | None = None,
                    prefix: str = "") -> BlobList:
    """Blobs to scan, in pack order, with their provenance. `prefix` (a subdirectory of
    the work tree, with a trailing slash) limits them to that subdirectory's history;
    paths stay relative to the repository's top level."""
    bl = BlobList(shallow=gitcmd.is_shallow(repo))
    if bl.shallow:
        bl.warnings.append("shallow clone: only the history present locally was scanned")
    fmt = "--batch-check=%(objectname) %(objecttype) %(objectsize)"
    check = gitcmd.popen(repo, "cat-file", "--batch-all-objects", fmt, "--unordered", stdin=subprocess.DEVNULL)
    try:
        has_commits = bool(gitcmd.run(repo, "for-each-ref", "--count=1", "--format=%(refname)").strip()) or \
            _has_head(repo)
        if has_commits:
            bl.commits = _read_log(repo, since, prefix, bl.prov)
        listing = check.stdout.read()
    finally:
        check.stdout.close()
        check.wait()
    if check.returncode != 0:
        raise gitcmd.GitError("git cat-file could not list the object store (corrupt repository?)")
    intro = bl.prov.introduced
    unreadable = 0
    for line in listing.split(b"\n"):
        parts = line.split(b" ")
        if len(parts) == 2 and parts[1] == b"missing" and parts[0].decode() in intro:
            # a reachable blob git cannot read (a corrupt loose object is listed as
            # "missing"): count it and say so, never a silent partial scan (issue 7)
            unreadable += 1
            continue
        if len(parts) != 3 or parts[1] != b"blob":
            continue
        oid = parts[0].decode()
        where = intro.get(oid)
        if where:
            path = where[-1][1]  # the oldest introduction (log is newest first)
            if prefix and not path.startswith(prefix):
                continue
        elif all_objects and not since:
            path = ""
        else:
            continue
        if only_paths is not None and path not in only_paths:
            continue
        size = int(parts[2])
        if size > max_size:
            bl.skipped["too-large"] = bl.skipped.get("too-large", 0) + 1
            continue
        bl.blobs.append((oid, size, path))
    if unreadable:
        bl.skipped["missing-object"] = bl.skipped.get("missing-object", 0) + unreadable
        bl.warnings.append(f"{unreadable} objects could not be read (corrupt repository?): the history scan is incomplete")
    return bl


def _read_log(repo: Path, since: str | None, prefix: str, prov: Provenance, jobs: int = 2) -> int:
    """Stream `git log --raw` into prov; returns the number of commits.

    Computing each commit's tree diff is most of the cost, so the commit list (newest
    first, from one fast rev-list) is split into contiguous parts, each diffed by its own
    `git log --no-walk --stdin` on its own core; merging the parts in order keeps the
    newest-first order the provenance relies on."""
    rl = ["rev-list", *_revs(since)] + (["--", "."] if prefix else [])
    commits = gitcmd.run(repo, *rl).split()
    if not commits:
        return 0
    n = max(1, min(jobs, len(commits) // 500))
    parts = [commits[i * len(commits) // n:(i + 1) * len(commits) // n] for i in range(n)]
    results = [Provenance() for _ in parts]
    errors: list[str] = []
    threads = [threading.Thread(target=_log_part, args=(repo, prefix, part, res, errors), daemon=True)
               for part, res in zip(parts, results)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise gitcmd.GitError(errors[0])
    for res in results:  # newest part first: first-seen order is preserved
        for oid, lst in res.introduced.items():
            prov.introduced.setdefault(oid, []).extend(lst)
        for oid, rem in res.removed.items():
            prov.removed.setdefault(oid, rem)
    return len(commits)


def _log_part(repo: Path, prefix: str, commits: list[bytes], prov: Provenance, errors: list[str]) -> None:
    args = ["log", "--no-walk=unsorted", "--stdin", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-textconv",
            "--no-ext-diff", "-c", "--root", "--format=%x00%H %aI"]
    if prefix:  # git runs in the subdirectory: "." is its own history
        args += ["--", "."]
    proc = gitcmd.popen(repo, *args)

    def feed() -> None:
        try:
            proc.stdin.write(b"\n".join(commits) + b"\n")
            proc.stdin.close()
        except OSError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    commit = date = ""
    pending_meta: bytes | None = None
    buf = b""
    intro, removed = prov.introduced, prov.removed
    try:
        while True:
            chunk = proc.stdout.read(1 << 20)
            if chunk:
                buf += chunk
                tokens = buf.split(b"\0")
                buf = tokens.pop()
            else:
                tokens, buf = ([buf] if buf else []), b""
            for raw in tokens:
                tok = raw.lstrip(b"\n")
                if pending_meta is not None:  # this token is the path of the raw line before
                    meta, pending_meta = pending_meta, None
                    _record(meta, tok.decode("utf-8", "surrogateescape"), commit, date, intro, removed)
                    continue
                if not tok:
                    continue
                if tok.startswith(b":"):
                    pending_meta = tok
                else:
                    commit, _, date = tok.decode("utf-8", "replace").partition(" ")
            if not chunk:
                break
    finally:
        proc.stdout.close()
        writer.join()
        proc.wait()
    if proc.returncode not in (0, None):
        errors.append("git log failed to walk the history (corrupt repository?)")


def _record(meta: bytes, path: str, commit: str, date: str, intro: dict, removed: dict) -> None:
    # ":m1 m2 old new S" for one parent; "::m1 m2 m3 o1 o2 new SS" for a merge
    n = len(meta) - len(meta.lstrip(b":"))
    parts = meta[n:].split(b" ")
    if len(parts) < 2 * n + 3:
        return
    new_mode = parts[n]
    ids = parts[n + 1: 2 * n + 2]
    new = ids[-1].decode()
    if new_mode != _SUBMODULE and not new.startswith("0000000"):
        lst = intro.setdefault(new, [])
        if not lst or lst[-1][:2] != (commit, path):
            lst.append((commit, path, date))
    for old_b in ids[:-1]:
        old = old_b.decode()
        if old != new and not old.startswith("0000000"):
            removed.setdefault(old, (commit, date))  # newest first: the latest replacement


def _has_head(repo: Path) -> bool:
    try:
        gitcmd.run(repo, "rev-parse", "--verify", "-q", "HEAD")
        return True
    except gitcmd.GitError:
        return False


def chunks(blobs: list[tuple[str, int, str]], target_bytes: int = 8 << 20) -> list[list[tuple[str, int, str]]]:
    """Split in pack order into chunks of about target_bytes of content and at most
    CHUNK_BYTES of oids, so that a chunk's request fits in the pipe buffer."""
    from scanner.pipeline import chunk_by_size

    return chunk_by_size(blobs, lambda b: b[1], target_bytes, CHUNK_BYTES // 41)


class BlobReader:
    """One long-lived `git cat-file --batch` process."""

    def __init__(self, repo: Path):
        self.proc = gitcmd.popen(repo, "cat-file", "--batch")

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

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


def reaching_refs(repo: Path, prov: Provenance, oids: set[str]) -> None:
    """Fill prov.refs for the commits that introduced the given blobs (only blobs that
    hold findings). With fewer refs than commits, one `rev-list` per ref answers for all
    commits at once; otherwise one `for-each-ref --contains` per commit. Either way the
    git processes run side by side."""
    from concurrent.futures import ThreadPoolExecutor

    commits = sorted({c for o in oids for c, _, _ in prov.introduced.get(o, [])})
    if not commits:
        return
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
        prov.refs.update({c: sorted(r) for c, r in found.items()})
        return

    def contains(c: str) -> tuple[str, list[str]]:
        out = gitcmd.run(repo, "for-each-ref", "--format=%(refname)", "--contains", c)
        return c, [r for r in out.decode("utf-8", "surrogateescape").split("\n") if r]

    with ThreadPoolExecutor(workers) as ex:
        prov.refs.update(dict(ex.map(contains, commits)))
