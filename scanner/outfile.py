"""Writing report files: created mode 0600, atomically, never half-written."""
from __future__ import annotations

import os
import stat
import tempfile

from scanner.errors import CredfenceError


class RefusedOutput(CredfenceError):
    """A file of the scanned repository that credfence will not write through."""


def write_private(path, data: bytes, mode: int = 0o600, repository_file: bool = False) -> None:
    """Write data to path through a temporary file in the same directory and a rename:
    a reader sees the old file or the new one, never half of one.

    A path the user named (`--output`): only a regular file is replaced. A device, a FIFO
    or a terminal (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is written into: a
    rename would put a regular file in its place, and run as root that breaks /dev/null for
    the whole machine. A symlink is followed, as the shell's `>` follows it, and the link
    itself is kept.

    `repository_file`: a file of the scanned repository the user did not name (the default
    baseline). The repository decides what is there, so nothing is followed: a symlink (to
    ~/.bashrc, outside the scanned root) or a FIFO (which would block the write for ever)
    is refused with one line; a regular file is replaced, a missing one created."""
    try:
        if repository_file:
            target = os.path.abspath(path)
            kind = _mode(path, os.lstat)
            if kind is not None and not stat.S_ISREG(kind):
                what = "a symlink" if stat.S_ISLNK(kind) else "not a regular file"
                raise RefusedOutput(f"refusing to write {path}: it is {what} in the scanned repository "
                                    "(give --output FILE to write elsewhere)")
        else:
            target = os.path.realpath(path)
            kind = _mode(path, os.stat)
            if kind is not None and not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
                with open(path, "wb") as fh:
                    fh.write(data)
                return
        _replace(target, data, mode)
    except OSError as e:  # named by the path the user gave, not by the temporary file's
        raise OSError(e.errno, e.strerror, str(path)) from None


def _mode(path, stat_fn) -> int | None:
    """st_mode of what is at path, or None when nothing is."""
    try:
        return stat_fn(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None


def _replace(target: str, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=".credfence-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
