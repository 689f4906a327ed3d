"""Files named on the command line (`credfence scan FILE...`, what pre-commit passes to a
hook): exactly those files, read from disk, with git's view of each (tracked, untracked,
ignored); no walk, no history. Paths are reported relative to the root (the repository's
top level, or the current directory outside one)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scanner import gitcmd
from scanner.model import Hit, Location
from scanner.sources import Content


@dataclass(frozen=True)
class FileProvenance:
    path: str  # relative to the root, "/" separators (absolute when outside it)
    status: str  # tracked | untracked | ignored

    def location(self, hit: Hit) -> Location:
        return Location("worktree", self.path, hit.line, hit.column, status=self.status)


def relative(root: Path, arg: str) -> str | None:
    """arg (relative to the current directory, or absolute) relative to root, or None when
    it lies outside root. The file itself is not resolved: a symlink stays a symlink."""
    full = Path(os.path.abspath(arg))
    parent = Path(os.path.realpath(full.parent))
    try:
        return (parent / full.name).relative_to(root).as_posix()
    except ValueError:
        return None


def items(opts):
    from scanner.sources import workspace as ws

    root = opts.root
    named = [(a, relative(root, a)) for a in opts.inputs]
    sets = None
    inside = [r for _, r in named if r is not None]
    if inside:
        try:
            sets = ws.git_status_sets(root)
        except gitcmd.GitError:
            sets = None
    tracked, untracked, udirs = sets if sets else (set(), set(), [])
    udirs_t = tuple(udirs)
    for arg, rel in named:
        if rel is None:  # outside the root: read as named, reported by its absolute path
            yield _outside(os.path.abspath(arg), opts.max_file_size)
            continue
        status = "untracked" if sets is None or rel in untracked or (udirs_t and rel.startswith(udirs_t)) \
            else "tracked" if rel in tracked else "ignored"
        prov = FileProvenance(rel, status)
        name = rel.rsplit("/", 1)[-1]
        if opts.exclude is not None and opts.exclude(rel):
            yield Content(prov, None, "excluded")
        elif ws.noise_file(rel):
            yield Content(prov, None, "noise-file")
        elif ws.binary_name(name):
            yield Content(prov, None, "binary")
        elif os.path.islink(os.path.join(root, rel)):
            # a link's content is its target's, which is scanned when it is named (pre-commit
            # names both); never followed out of the root
            yield Content(prov, None, "symlink")
        else:
            data, why = ws.read_file(root, rel, opts.max_file_size)
            yield Content(prov, data, why)


def _outside(path: str, max_size: int) -> Content:
    prov = FileProvenance(path, "untracked")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return Content(prov, None, "vanished")
    except OSError:
        return Content(prov, None, "unreadable")
    try:
        with os.fdopen(fd, "rb") as fh:
            if not os.path.isfile(path) or os.fstat(fh.fileno()).st_size > max_size:
                return Content(prov, None, "too-large" if os.path.isfile(path) else "special-file")
            return Content(prov, fh.read(max_size + 1))
    except OSError:
        return Content(prov, None, "unreadable")
