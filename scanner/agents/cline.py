"""Cline: ``.clineignore`` in the workspace root, gitignore syntax.

Docs: https://docs.cline.bot/customization/clineignore (".clineignore uses the same pattern
syntax as .gitignore"). Cline's ClineIgnoreController (cline/cline,
src/core/ignore/ClineIgnoreController.ts; bundled in the npm CLI `cline` 2.x) adds the
file's text to npm ``ignore``, as Roo Code (its fork) does, with two steps of its own: a
line that, trimmed, starts with ``!include `` is replaced by the text of the file it names
(joined to the workspace root; a missing file adds nothing), and ``.clineignore`` itself
is always ignored. An empty file hides nothing. Its command check refuses ``cat``, ``head``,
``grep``, ``sed``, ``Get-Content``... when a whitespace-separated word of the command is an
ignored path; any other reader (``cp``, ``python``, ``source``) or an indirect name passes,
so it is not counted as covering the shell. Its paths' backslashes become slashes
(``toPosix``), so a name holding one cannot be hidden. The CLI's 3.0 rewrite (npm `cline`
3.0.65 on @cline/core 0.0.86) holds no reference to ``.clineignore`` at all: the audit says so.
"""

from pathlib import Path
from typing import Callable

from ._managed import AgentFileError, Encoding, GitignoreAgent, decode, encode, line_content, read_target, split_lines

INCLUDE = "!include "


class Cline(GitignoreAgent):
    name = "cline"
    human = "Cline"
    file = ".clineignore"
    covers_shell = False
    caveat = ("Cline's VS Code extension and CLI 2.x honour .clineignore, its CLI 3.0 does not; its command "
              "check refuses cat, grep and the like naming an ignored file, any other program reads it")
    docs = "https://docs.cline.bot/customization/clineignore"
    node_ignore = True  # npm ignore 7, as Roo Code (a fork of Cline)
    backslash_names = False  # validateAccess turns a path's backslashes into slashes (toPosix)

    def matcher(self, root: Path, data: bytes | None) -> Callable[[str], bool]:
        if data is None or not data:
            return lambda path: False
        text, _ = decode(data)
        if INCLUDE in text:
            text = "\n".join(_included(root, line) for line in split_lines(text))
        # (bytes that are not UTF-8 were decoded with surrogateescape: encode() gives them back)
        return super().matcher(root, encode(text + "\n" + self.file, Encoding("utf-8", b"")))

    def conflicts(self, text: str, paths: list[str]) -> list[str]:
        # `!include FILE` is Cline's directive, not a negation of the pattern `include FILE`:
        # read as a comment here (the included file's own lines are verify()'s to judge)
        lines = split_lines(text)
        return super().conflicts("".join("#" + line if _is_include(line) else line for line in lines), paths)


def _is_include(line: str) -> bool:
    return line_content(line).strip().startswith(INCLUDE)


def _included(root: Path, line: str) -> str:
    """The line, or, for Cline's `!include FILE`, FILE's text: read under the root only (a
    name leading out of it, or a symlink, hides nothing in credfence's model, the safe side
    of what Cline would read)."""
    content = line_content(line)
    if not _is_include(line):
        return content
    rel = content.strip()[len(INCLUDE):].strip().lstrip("/")  # Node's path.join(cwd, "/x") is cwd/x
    try:
        data = read_target(root, rel) if rel else None
    except AgentFileError:
        data = None
    return decode(data)[0] if data else ""


AGENT = Cline()
