"""The one base class of credfence's operational errors: what the user can fix (a bad
path, ref, configuration, baseline or agent file, git failing). The command line turns
any of them into one line on stderr and exit 2 (scanner/cli.py `guarded`); the message
never quotes scanned content."""
from __future__ import annotations


class CredfenceError(Exception):
    """An operational error: its first line is shown to the user as is."""
