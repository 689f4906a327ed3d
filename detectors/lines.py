"""Line lookups over one text, shared by the engine and the structured parsers: offsets to
line numbers and columns, the lines themselves, built lazily (most texts have no hit)."""
from __future__ import annotations

from bisect import bisect_right


def split_lines(text: str) -> list[str]:
    r"""The text's lines as git, editors' line numbers and Lines count them: split at "\n"
    alone, each without the "\r" of a "\r\n". str.splitlines also splits at form feeds,
    vertical tabs, U+2028 and others, which would put a parser's line numbers out of step
    with the engine's (a form feed in a .env file moved its hits a line down)."""
    lines = text.split("\n")
    if "\r" in text:
        lines = [s[:-1] if s.endswith("\r") else s for s in lines]
    return lines


class Lines:
    def __init__(self, text: str):
        self.text = text
        self._starts: list[int] | None = None
        self._lines: list[str] | None = None
        self._lower: dict[int, str] | None = None

    @property
    def starts(self) -> list[int]:
        """The offset where each line starts."""
        if self._starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._starts = starts
        return self._starts

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def index_of(self, offset: int) -> int:
        """The 0-based index of the line holding offset."""
        return bisect_right(self.starts, offset) - 1

    def pos(self, offset: int) -> tuple[int, int]:
        """(line, column) of offset, both 1-based."""
        idx = self.index_of(offset)
        return idx + 1, offset - self.starts[idx] + 1

    def lower(self, li: int) -> str:
        """Line li in lower case, computed once (many rules may gate on one long line)."""
        if self._lower is None:
            self._lower = {}
        low = self._lower.get(li)
        if low is None:
            low = self._lower[li] = self.lines[li].lower()
        return low
