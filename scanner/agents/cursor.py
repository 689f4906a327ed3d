"""Cursor: ``.cursorignore`` at the repository root, gitignore syntax.

Docs: https://cursor.com/docs/context/ignore-files ("Create a .cursorignore file in your
root directory using .gitignore syntax"). It blocks Agent, Tab, Inline Edit and @ mentions;
"The terminal and MCP server tools used by Agent cannot block access to code governed by
.cursorignore", so it does not cover the shell.
"""

from ._managed import GitignoreAgent


class Cursor(GitignoreAgent):
    name = "cursor"
    human = "Cursor"
    file = ".cursorignore"
    covers_shell = False
    docs = "https://cursor.com/docs/context/ignore-files"


AGENT = Cursor()
