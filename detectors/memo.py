"""A memo that forgets everything once what it holds passes a size: the detectors remember
what they have judged per line across the hundreds of versions of a file, and a history of
millions of lines must not keep them all."""
from __future__ import annotations


class BoundedMemo(dict):
    """A dict whose `keep` empties it first when the sizes of the values kept since it was
    last emptied (each value's size told by the caller, in characters) are over `limit`."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.size = 0

    def keep(self, key, value, size: int):
        if self.size > self.limit:
            self.clear()
            self.size = 0
        self[key] = value
        self.size += size
        return value
