"""Git history: every blob reachable from any ref, each unique blob read once.

Enumeration is two git processes for the whole repository: `rev-list --objects` for what
is reachable (with a path for each blob, which the structured parsers need), and
`cat-file --batch-all-objects --batch-check --unordered` for pack order and sizes. Blobs
are then read in pack order, in chunks, each worker process through its own long-lived
`git cat-file --batch` (reading in pack order is 2.5 times faster than in object-id order).

Provenance (which commits introduced a blob at which path, when, and which refs still
reach it) is computed afterwards, only for the few blobs that hold findings: one
`git log --raw` pass, plus one `for-each-ref --contains` per introducing commit.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from scanner import gitcmd

CHUNK_BYTES = 60_000  # oids per request stay under the 64 KiB pipe buffer: no deadlock


@dataclass
class BlobList:
    blobs: list[tuple[str, int, str]] = field(default_factory=list)  # (oid, size, path) in pack order
    commits: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    shallow: bool = False
    warnings: list[str] = field(default_factory=list)


def enumerate_blobs(repo: Path, since: str | None = None, all_objects: bool = False,
                    max_size: int = 25 * 1024 * 1024, only_paths: set[str] | None = None,
                    prefix: str = "") -> BlobList:
    """Blobs to scan, in pack order. `prefix` (a subdirectory of the work tree, with a
    trailing slash) limits them to that subdirectory's history; paths stay relative to the
    repository's top level."""
    bl = BlobList(shallow=gitcmd.is_shallow(repo))
    if bl.shallow:
        bl.warnings.append("shallow clone: only the history present locally was scanned")
    has_commits = bool(gitcmd.run(repo, "for-each-ref", "--count=1", "--format=%(refname)").strip()) or \
        _has_head(repo)
    paths: dict[str, str] = {}
    if has_commits:
        args = ["rev-list", "--objects", *_revs(since)]
        if prefix:  # a subdirectory of a repository (git runs there): only its own history
            args += ["--", "."]
        out = gitcmd.run(repo, *args)
        for line in out.split(b"\n"):
            if len(line) > 41 and line[40:41] == b" ":
                paths.setdefault(line[:40].decode(), line[41:].decode("utf-8", "surrogateescape"))
            elif len(line) == 40:
                paths.setdefault(line.decode(), "")
        cargs = ["rev-list", "--count", *_revs(since)] + (["--", "."] if prefix else [])
        bl.commits = int(gitcmd.run(repo, *cargs).strip() or 0)
    fmt = "--batch-check=%(objectname) %(objecttype) %(objectsize)"
    out = gitcmd.run(repo, "cat-file", "--batch-all-objects", fmt, "--unordered")
    for line in out.split(b"\n"):
        parts = line.split(b" ")
        if len(parts) != 3 or parts[1] != b"blob":
            continue
        oid = parts[0].decode()
        if oid in paths:
            path = paths[oid]
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
    return bl


def _revs(since: str | None) -> list[str]:
    """Every ref; or, for a pull request, the commits HEAD brings that REF does not have
    (other branches a CI clone fetched are not this change's business)."""
    return ["HEAD", "--not", since] if since else ["--all"]


def _has_head(repo: Path) -> bool:
    try:
        gitcmd.run(repo, "rev-parse", "--verify", "-q", "HEAD")
        return True
    except gitcmd.GitError:
        return False


def chunks(blobs: list[tuple[str, int, str]], target_bytes: int = 8 << 20) -> list[list[tuple[str, int, str]]]:
    """Split in pack order into chunks of about target_bytes of content and at most
    CHUNK_BYTES of oids, so that a chunk's request fits in the pipe buffer."""
    out, cur, size = [], [], 0
    max_n = CHUNK_BYTES // 41
    for b in blobs:
        cur.append(b)
        size += b[1]
        if size >= target_bytes or len(cur) >= max_n:
            out.append(cur)
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out


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


@dataclass
class Provenance:
    # blob -> [(commit, path, author date)] where the blob entered the tree
    introduced: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    # blob -> (commit, date) of the latest commit that replaced it at a path
    removed: dict[str, tuple[str, str]] = field(default_factory=dict)
    refs: dict[str, list[str]] = field(default_factory=dict)  # commit -> refs that reach it


def provenance(repo: Path, oids: set[str], since: str | None = None, prefix: str = "") -> Provenance:
    prov = Provenance()
    if not oids:
        return prov
    # -z: paths verbatim. Without it git C-quotes any path holding a newline, a quote, a
    # backslash or a non-ASCII byte ("\"caf\\303\\251.env\""), and history findings carried
    # the quoted form instead of the file's name (issue 7).
    # -c: a merge lists only paths that differ from ALL its parents (combined diff), so a
    # merge (or a stash with untracked files) is not taken for introducing what a branch
    # brought in; root commits show their files as added (log.showRoot is on by default).
    args = ["log", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-textconv", "--no-ext-diff",
            "-c", "--root", "--format=%x00%H %aI", *_revs(since)]
    if prefix:
        args += ["--", "."]
    out = gitcmd.run(repo, *args)
    # tokens: "", "<commit> <date>", "\n:<meta>", "<path>", ":<meta>", "<path>", "", "<commit> <date>", ...
    commit = date = ""
    tokens = out.split(b"\0")
    i = 0
    while i < len(tokens):
        tok = tokens[i].lstrip(b"\n")
        i += 1
        if not tok:
            continue
        if not tok.startswith(b":"):
            commit, _, date = tok.decode("utf-8", "replace").partition(" ")
            continue
        path = tokens[i] if i < len(tokens) else b""
        i += 1
        # ":m1 m2 old new S" for one parent; "::m1 m2 m3 o1 o2 new SS" for a merge
        n = len(tok) - len(tok.lstrip(b":"))
        parts = tok[n:].split(b" ")
        if len(parts) < 2 * n + 3:
            continue
        blob_ids = parts[n + 1: 2 * n + 2]
        old, new = blob_ids[0].decode(), blob_ids[-1].decode()
        if new in oids:
            lst = prov.introduced.setdefault(new, [])
            p = path.decode("utf-8", "surrogateescape")
            if not any(c == commit and q == p for c, q, _ in lst):
                lst.append((commit, p, date))
        if old in oids and old != new:
            # log is newest first: keep the first (latest) removal seen
            prov.removed.setdefault(old, (commit, date))
    for c in {c for lst in prov.introduced.values() for c, _, _ in lst}:
        refs = gitcmd.run(repo, "for-each-ref", "--format=%(refname)", "--contains", c)
        prov.refs[c] = [r for r in refs.decode("utf-8", "surrogateescape").split("\n") if r]
    return prov
