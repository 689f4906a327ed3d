"""Goose: ``.gooseignore`` in the project root, gitignore syntax.

Docs: https://block.github.io/goose/docs/guides/using-gooseignore ("goose cannot read,
modify, delete, or run shell commands on these files when using the Developer extension's
tools"). "Default Patterns (No Ignore Files)": ``**/.env``, ``**/.env.*``, ``**/secrets.*``,
and "These default patterns are only active when no .gooseignore files exist. Once you
create either a global or local .gooseignore file, you'll need to add these patterns
yourself" -- so the managed block re-emits them. The Developer extension's shell honours
the file, but its check splits the command on whitespace and compares the words with the
patterns: ``F=.en; cat ${F}v`` or ``cat .e""nv`` pass it, so it is not counted as covering
the shell (the audit says why).
"""

from pathlib import Path
from typing import Callable

from ._managed import GitignoreAgent, gitignore_matcher

GOOSE_DEFAULTS = ("**/.env", "**/.env.*", "**/secrets.*")


class Goose(GitignoreAgent):
    name = "goose"
    human = "Goose"
    file = ".gooseignore"
    covers_shell = False
    caveat = ("Goose's shell check splits a command on whitespace and matches the words: an indirect "
              "name (F=.en; cat ${F}v) passes it")
    docs = "https://block.github.io/goose/docs/guides/using-gooseignore"
    extra_patterns = GOOSE_DEFAULTS

    def matcher(self, root: Path, data: bytes | None) -> Callable[[str], bool]:
        if data is None:
            # no project file: Goose's defaults apply (assuming no global file either)
            return gitignore_matcher(GOOSE_DEFAULTS)
        return super().matcher(root, data)


AGENT = Goose()
