"""Gemini CLI: ``.geminiignore`` in the project root, gitignore conventions.

Docs: https://geminicli.com/docs/cli/gemini-ignore/ ("For the most part, .geminiignore
follows the conventions of .gitignore files ... Putting a / at the beginning anchors the
path relative to the .geminiignore file. ! negates a pattern."). It filters the tools that
support it (e.g. @ file sharing); shell commands are not covered.
"""

from ._managed import GitignoreAgent


class GeminiCli(GitignoreAgent):
    name = "gemini-cli"
    human = "Gemini CLI"
    file = ".geminiignore"
    covers_shell = False
    docs = "https://geminicli.com/docs/cli/gemini-ignore/"


AGENT = GeminiCli()
