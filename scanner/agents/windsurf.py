"""Windsurf (Codeium): ``.codeiumignore`` in the workspace root, gitignore syntax.

Docs: https://docs.windsurf.com/context-awareness/windsurf-ignore ("add a .codeiumignore
file to the root of your workspace ... uses the same syntax as .gitignore"). Files listed
are kept out of indexing and Cascade's file tools; the terminal is not covered.
"""

from ._managed import GitignoreAgent


class Windsurf(GitignoreAgent):
    name = "windsurf"
    human = "Windsurf"
    file = ".codeiumignore"
    covers_shell = False
    docs = "https://docs.windsurf.com/context-awareness/windsurf-ignore"


AGENT = Windsurf()
