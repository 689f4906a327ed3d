"""Android Studio (Gemini) / Gemini Code Assist: ``.aiexclude``, gitignore syntax.

Docs: https://developer.android.com/studio/preview/gemini/aiexclude ("An .aiexclude file
follows the same syntax as a .gitignore file") and
https://developers.google.com/gemini-code-assist/docs/create-aiexclude-file. The Gemini
(IDX) variant of the page adds two differences that make this writer careful: "An empty
.aiexclude file blocks all files in its directory and all sub-directories" (same as
``**/*``) and ".aiexclude files don't support negation". So credfence never writes an
.aiexclude without a pattern, and ignores ``!`` lines when deciding what is hidden.
"""

from ._managed import GitignoreAgent


class AndroidStudio(GitignoreAgent):
    name = "android-studio"
    human = "Android Studio / Gemini Code Assist"
    file = ".aiexclude"
    covers_shell = False
    docs = "https://developer.android.com/studio/preview/gemini/aiexclude"
    empty_blocks_all = True
    supports_negation = False


AGENT = AndroidStudio()
