"""Where content comes from. The full scan's sources (workspace, history, staged) are driven
by scanner/scan.py; the simple sources below yield pieces of content one by one, each with
a typed provenance, and scan.py runs them all the same way (`_scan_source`).

A simple source is one module with `items(opts) -> Iterable[Content]` plus one line in
SOURCES (see docs/architecture.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from scanner.model import Hit, Location


class Provenance(Protocol):
    """Where one piece of content came from: its name in reports (`path`, which also picks
    the structured parser), and the Location a hit in it gets."""

    path: str

    def location(self, hit: Hit) -> Location: ...


@dataclass
class Content:
    """One piece of content: its bytes (None when it could not be read: `skipped` says why)."""

    provenance: Provenance
    data: bytes | None
    skipped: str | None = None


# name -> module with items(opts); `credfence scan -` uses "stdin", `scan FILE...` "files"
SOURCES = {
    "stdin": "scanner.sources.stdin",
    "files": "scanner.sources.files",
}
