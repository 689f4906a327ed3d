"""Codex CLI: ``.codex/config.toml`` permission profile with credential files set to "none".

Docs: https://developers.openai.com/codex/permissions (beta permission profiles: a named
profile selected by ``default_permissions``, filesystem rules per path) and
https://developers.openai.com/codex/agent-approvals-security#deny-reads-with-filesystem-profiles::

    default_permissions = "workspace"
    [permissions.workspace.filesystem]
    ":project_roots" = { "." = "write", "**/*.env" = "none" }

"Use "none" for paths or globs that Codex shouldn't read." The profile is enforced by the
OS sandbox, so it covers shell commands. Caveats from the same page, reported as conflicts:
profiles "do not compose with the older sandbox settings" -- if ``sandbox_mode`` is set,
Codex ignores ``default_permissions``; and only one ``default_permissions`` can exist.

The managed block holds only top-level (dotted) keys and sits at the start of the file, so
it never changes which table the user's own keys belong to; comments and every other byte
are kept. It defines the profile ``credfence``::

    default_permissions = "credfence"
    permissions.credfence.filesystem.":project_roots"."." = "write"
    permissions.credfence.filesystem.":project_roots"."path/.env" = "none"
"""

from __future__ import annotations

import json

try:
    import tomllib
except ImportError:  # Python 3.10: the same parser, as a package (declared in pyproject)
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path
from typing import Callable

from pathspec import GitIgnoreSpec

from ._managed import (
    AgentFileError,
    AgentSpec,
    Encoding,
    Rendered,
    block_header,
    decode,
    encode,
    merge_block,
    normalize_rel,
    outside_block,
    printable,
    _valid_patterns,
)

PROFILE = "credfence"


def _toml_str(s: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes for these characters
    out = json.dumps(s, ensure_ascii=False)
    return out


def _parse(text: str, rel: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AgentFileError(f"{rel} is not valid TOML ({exc}); not touched, fix it and re-run") from None


class Codex(AgentSpec):
    name = "codex"
    human = "Codex CLI"
    file = ".codex/config.toml"
    covers_shell = True
    docs = "https://developers.openai.com/codex/permissions"

    def body(self, paths: list[str], user: dict) -> list[str]:
        lines = block_header(self.human)
        lines.append("# Codex ignores permission profiles when sandbox_mode is set anywhere in its config.")
        if "default_permissions" not in user:
            lines.append(f'default_permissions = "{PROFILE}"')
        base = f'permissions.{PROFILE}.filesystem.":project_roots"'
        lines.append(f'{base}."." = "write"')
        lines += [f'{base}.{_toml_str(normalize_rel(p))} = "none"' for p in paths]
        return lines

    def render(self, root: Path, old: bytes | None, paths: list[str]) -> Rendered:
        rel = self.file or ""
        text, enc = decode(old) if old is not None else ("", Encoding("utf-8", b""))
        outside = outside_block(text)
        user = _parse(printable(outside), rel)
        if not paths:
            if old is None:
                return Rendered(None)
            new_text = merge_block(text, None)
            if new_text == text:
                return Rendered(old)
            return Rendered(encode(new_text, enc) if new_text.strip() else None)
        conflicts = []
        if "sandbox_mode" in user:
            conflicts.append(f"{rel}: sandbox_mode is set, so Codex ignores permission profiles (remove it)")
        chosen = user.get("default_permissions", PROFILE)
        if chosen != PROFILE:
            conflicts.append(
                f"{rel}: default_permissions = {chosen!r} selects another profile; set it to {PROFILE!r}"
            )
        if isinstance(user.get("permissions"), dict) and PROFILE in user["permissions"]:
            raise AgentFileError(f"{rel} already defines permissions.{PROFILE} outside the credfence block; not touched")
        new_text = merge_block(text, self.body(paths, user), position="start")
        _parse(printable(new_text), rel)  # never write invalid TOML
        return Rendered(encode(new_text, enc), conflicts)

    def matcher(self, root: Path, data: bytes | None) -> Callable[[str], bool]:
        if data is None:
            return lambda path: False
        try:
            cfg = _parse(printable(decode(data)[0]), self.file or "")
        except AgentFileError:
            return lambda path: False
        if "sandbox_mode" in cfg:
            return lambda path: False
        profile = cfg.get("default_permissions")
        try:
            roots = cfg["permissions"][profile]["filesystem"][":project_roots"]
        except (KeyError, TypeError):
            return lambda path: False
        if not isinstance(roots, dict):
            return lambda path: False
        denied = {k for k, v in roots.items() if v == "none" and isinstance(k, str)}
        globs = GitIgnoreSpec.from_lines(_valid_patterns(["/" + k.lstrip("/") for k in denied if k not in (".", "")]), backend="simple")
        return lambda path: path in denied or bool(globs.match_file(path))


AGENT = Codex()
