"""Aider: ``.aiderignore`` in the repository root, gitignore syntax.

Docs: https://aider.chat/docs/config/options.html#--aiderignore-aiderignore ("Specify the
aider ignore file (default: .aiderignore in git root)") and
https://aider.chat/docs/faq.html (files matched are left out of the repo map and chat).
Aider runs shell commands the user approves; the ignore file does not cover them.
"""

from ._managed import GitignoreAgent


class Aider(GitignoreAgent):
    name = "aider"
    human = "Aider"
    file = ".aiderignore"
    covers_shell = False
    docs = "https://aider.chat/docs/config/options.html#--aiderignore-aiderignore"


AGENT = Aider()
