"""The index: what `git commit` is about to record (pre-commit), not the working copy."""
from __future__ import annotations

from pathlib import Path

from scanner import gitcmd


def staged_blobs(repo: Path) -> list[tuple[str, int, str]]:
    """(blob oid, size (0: unknown), path) of every added, copied, modified or type-changed staged file.

    One `git diff --cached --raw` call; contents are then read by the blob reader."""
    out = gitcmd.run(repo, "diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames",
                     # T too: a symlink (or submodule) turned into a regular file is new content;
                     # without it a key committed in place of a symlink passed the hook. The
                     # new mode is checked below, so a file turned into a symlink is still skipped.
                     "--diff-filter=ACMT", "--no-textconv", "--no-ext-diff", "--ignore-submodules")
    parts = out.split(b"\0")
    blobs = []
    i = 0
    while i + 1 < len(parts):
        meta, path = parts[i], parts[i + 1]
        i += 2
        fields = meta.split(b" ")
        if len(fields) < 5 or not meta.startswith(b":"):
            continue
        mode, oid = fields[1], fields[3].decode()
        if mode in (b"160000", b"120000"):  # submodule or symlink: no content of its own
            continue
        blobs.append((oid, 0, path.decode("utf-8", "surrogateescape")))
    return blobs
