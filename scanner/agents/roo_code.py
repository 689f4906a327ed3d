"""Roo Code: ``.rooignore`` in the workspace root, gitignore syntax.

Docs: https://docs.roocode.com/features/rooignore ("The syntax for .rooignore is identical
to .gitignore"; it affects Roo's tools and @ mentions). Commands run through
execute_command are not a file-tool boundary.
"""

from ._managed import GitignoreAgent


class RooCode(GitignoreAgent):
    name = "roo-code"
    human = "Roo Code"
    file = ".rooignore"
    covers_shell = False
    docs = "https://docs.roocode.com/features/rooignore"
    node_ignore = True  # matched with npm ignore 7 (Roo Code, and Kilo Code, its fork)


AGENT = RooCode()
