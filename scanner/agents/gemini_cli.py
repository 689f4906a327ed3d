"""Gemini CLI: ``.geminiignore`` in the project root, gitignore conventions.

Docs: https://geminicli.com/docs/cli/gemini-ignore/ ("For the most part, .geminiignore
follows the conventions of .gitignore files ... Putting a / at the beginning anchors the
path relative to the .geminiignore file. ! negates a pattern."). It filters the tools that
support it (e.g. @ file sharing); shell commands are not covered, and its grep tool lets the
model pass ``no_ignore: true``, which searches ignored files too.
"""

from ._managed import GitignoreAgent


class GeminiCli(GitignoreAgent):
    name = "gemini-cli"
    human = "Gemini CLI"
    file = ".geminiignore"
    covers_shell = False
    docs = "https://geminicli.com/docs/cli/gemini-ignore/"
    # @google/gemini-cli-core 0.61's FileDiscoveryService: npm ignore 7.0.0 on trimmed lines,
    # backslashes read as separators (tests/test_agents_real.py runs it on what credfence writes)
    caveat = "Gemini CLI's grep tool accepts no_ignore: true from the model, which searches ignored files too"
    node_ignore = True
    trims_lines = True
    backslash_names = False


AGENT = GeminiCli()
