"""Windsurf (Codeium): ``.codeiumignore`` in the workspace root, gitignore syntax.

Docs: https://docs.windsurf.com/context-awareness/windsurf-ignore ("add a .codeiumignore
file to the root of your workspace ... uses the same syntax as .gitignore"). Files listed
are kept out of indexing; the docs do not promise that Cascade's reads are blocked (the audit
says so), and the terminal is not covered.
"""

from ._managed import GitignoreAgent


class Windsurf(GitignoreAgent):
    name = "windsurf"
    human = "Windsurf"
    file = ".codeiumignore"
    covers_shell = False
    caveat = ("Windsurf documents .codeiumignore as an indexing exclusion only; it does not promise "
              "to block Cascade's reads")
    docs = "https://docs.windsurf.com/context-awareness/windsurf-ignore"


AGENT = Windsurf()
