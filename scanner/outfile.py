"""Writing report files: created mode 0600, atomically, never half-written."""
from __future__ import annotations

import os
import stat
import tempfile


def write_private(path, data: bytes, mode: int = 0o600) -> None:
    """Write data to path through a temporary file in the same directory and a rename:
    a reader sees the old file or the new one, never half of one.

    Only a regular file is replaced. A device, a FIFO or a terminal (`-o /dev/null`,
    `-o /dev/stdout`, a named pipe) is written into: a rename would put a regular file in
    its place, and run as root that breaks /dev/null for the whole machine. A symlink is
    followed, as the shell's `>` follows it, and the link itself is kept."""
    try:
        existing = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        existing = None
    try:
        if existing is not None and not stat.S_ISREG(existing.st_mode) and not stat.S_ISDIR(existing.st_mode):
            with open(path, "wb") as fh:
                fh.write(data)
            return
        _replace(os.path.realpath(path), data, mode)
    except OSError as e:  # named by the path the user gave, not by the temporary file's
        raise OSError(e.errno, e.strerror, str(path)) from None


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
