"""GitHub Copilot: no file in the repository; content exclusion is a repository setting.

Docs: https://docs.github.com/en/copilot/how-tos/content-exclusion/excluding-content-from-github-copilot
(Settings -> Copilot -> Content exclusion -> "Paths to exclude in this repository"; "Use the
format: - "/PATH/TO/DIRECTORY/OR/FILE", with each path on a separate line"; fnmatch
notation, case insensitive). credfence cannot write or read that setting, so ``note``
carries the YAML to paste and the agent never counts as hiding a file. Copilot agent mode,
the CLI and the cloud agent do not honour content exclusion at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from ._managed import AgentSpec, Rendered, normalize_rel

_FNMATCH_SPECIAL = set("\\*?[{")


def fnmatch_escape(path: str) -> str:
    return "".join("\\" + ch if ch in _FNMATCH_SPECIAL else ch for ch in path)


def content_exclusion_yaml(paths: list[str]) -> str:
    lines = [
        "# Paste into GitHub: repository Settings -> Copilot -> Content exclusion ->",
        '# "Paths to exclude in this repository" (managed by credfence).',
    ]
    # a JSON string is a valid YAML double-quoted scalar
    lines += [f"- {json.dumps('/' + fnmatch_escape(normalize_rel(p)), ensure_ascii=False)}" for p in paths]
    return "\n".join(lines) + "\n"


class Copilot(AgentSpec):
    name = "copilot"
    human = "GitHub Copilot"
    file = None
    covers_shell = False
    docs = "https://docs.github.com/en/copilot/how-tos/content-exclusion/excluding-content-from-github-copilot"

    def render(self, root: Path, old: bytes | None, paths: list[str]) -> Rendered:
        return Rendered(None, [], content_exclusion_yaml(paths) if paths else "")

    def matcher(self, root: Path, data: bytes | None) -> Callable[[str], bool]:
        return lambda path: False

    def verify(self, root: Path, data: bytes | None, paths: list[str]) -> None:
        return None


AGENT = Copilot()
