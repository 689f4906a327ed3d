"""Standard input (`credfence scan -`): one piece of content, no repository, no history."""
from __future__ import annotations

import sys
from dataclasses import dataclass

from scanner.model import Hit, Location
from scanner.sources import Content

NAME = "(stdin)"


@dataclass(frozen=True)
class StdinProvenance:
    path: str = NAME  # a name for reports; `--stdin-name` gives a file name to parse it as

    def location(self, hit: Hit) -> Location:
        return Location("stdin", self.path, hit.line, hit.column)


def items(opts):
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    limit = opts.max_file_size
    data = stream.read(limit + 1)
    prov = StdinProvenance(opts.stdin_name or NAME)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if len(data) > limit:
        yield Content(prov, None, "too-large")
        return
    yield Content(prov, data)
