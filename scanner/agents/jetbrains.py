"""JetBrains AI Assistant / Junie: ``.aiignore`` in the project root, gitignore syntax.

Docs: https://www.jetbrains.com/help/ai-assistant/disable-ai-assistant.html ("restrict AI
Assistant from processing specific files or folders by creating and configuring an .aiignore
file") and https://www.jetbrains.com/help/junie/aiignore.html ("The .aiignore file follows
the same syntax and pattern format as the .gitignore file"; Junie asks for approval before
viewing an ignored file). Not a shell boundary.
"""

from ._managed import GitignoreAgent


class JetBrains(GitignoreAgent):
    name = "jetbrains"
    human = "JetBrains AI Assistant / Junie"
    file = ".aiignore"
    covers_shell = False
    docs = "https://www.jetbrains.com/help/junie/aiignore.html"


AGENT = JetBrains()
