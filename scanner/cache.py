"""A small on-disk cache for parsed rules and compiled Hyperscan databases.

Lives in $CREDFENCE_CACHE_DIR, else $XDG_CACHE_HOME/credfence, else ~/.cache/credfence.
Entries are keyed by content hashes, so a stale entry is never read; a cache that cannot
be written is simply not used.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("CREDFENCE_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "credfence"


def load_bytes(name: str) -> bytes | None:
    try:
        return (cache_dir() / name).read_bytes()
    except OSError:
        return None


def store_bytes(name: str, data: bytes) -> None:
    d = cache_dir()
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, d / name)
    except OSError:
        pass  # a read-only home is not an error: we just compile again next time


def load_json(name: str):
    data = load_bytes(name)
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def store_json(name: str, obj) -> None:
    store_bytes(name, json.dumps(obj).encode())
