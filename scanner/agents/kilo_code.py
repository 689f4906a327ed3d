"""Kilo Code: ``.kilocodeignore`` in the project root, gitignore syntax.

Docs: https://kilo.ai/docs/customize/context/kilocodeignore ("a root-level file that tells
Kilo Code which files and folders it should not access. It uses standard .gitignore pattern
syntax"; "Patterns are evaluated relative to the workspace root").
"""

from ._managed import GitignoreAgent


class KiloCode(GitignoreAgent):
    name = "kilo-code"
    human = "Kilo Code"
    file = ".kilocodeignore"
    covers_shell = False
    docs = "https://kilo.ai/docs/customize/context/kilocodeignore"
    node_ignore = True  # matched with npm ignore 7 (Roo Code, and Kilo Code, its fork)


AGENT = KiloCode()
