"""Kiro: ``.kiroignore`` in the workspace root, gitignore syntax.

Docs: https://kiro.dev/docs/kiroignore/ (the Kiroignore page of the Features docs;
gitignore-style patterns that keep files out of the agent's reach).
"""

from ._managed import GitignoreAgent


class Kiro(GitignoreAgent):
    name = "kiro"
    human = "Kiro"
    file = ".kiroignore"
    covers_shell = False
    caveat = "Kiro's IDE honours .kiroignore only when it is listed in the setting kiroAgent.agentIgnoreFiles"
    docs = "https://kiro.dev/docs/kiroignore/"


AGENT = Kiro()
