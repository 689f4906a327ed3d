"""Writing report files: created mode 0600, atomically, never half-written."""
from __future__ import annotations

import os
import tempfile


def write_private(path, data: bytes, mode: int = 0o600) -> None:
    """Write data to path through a temporary file in the same directory and a rename:
    a reader sees the old file or the new one, never half of one."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".credfence-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
