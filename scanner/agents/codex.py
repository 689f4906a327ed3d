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

Checked against Codex 0.171's own ``codex sandbox`` (tests/test_agents_real.py):

* A profile that only grants ``":project_roots"."." = "write"`` grants nothing else, so the
  sandbox cannot even start Codex's helper; the profile must inherit the built-in workspace
  profile: ``permissions.<name>.extends = ":workspace"`` (then ``cat README.md`` works and
  ``cat .env`` gets "Permission denied").
* The path keys are globs (Rust globset): ``[``, ``*``, ``?``, ``{``, ``}`` and ``\\`` are
  special, and an unmatched ``}`` makes the whole sandbox refuse to start. Each is written
  as a one-character class (``[[]``, ``[*]``, ``[?]``, ``[{]``, ``[}]``, ``[\\]``).
* ``.codex/config.toml`` is loaded only when the project is trusted
  (``trust_level = "trusted"`` for it in ``$CODEX_HOME/config.toml``): the audit says so.

The managed block holds only top-level (dotted) keys and sits at the start of the file, so
it never changes which table the user's own keys belong to; comments and every other byte
are kept. It defines the profile ``credfence``::

    default_permissions = "credfence"
    permissions.credfence.extends = ":workspace"
    permissions.credfence.filesystem.":project_roots"."path/.env" = "none"
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from scanner.config import toml_module

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
)

PROFILE = "credfence"
TRUST_CAVEAT = ("Codex loads .codex/config.toml only in a trusted project "
                "(trust_level = \"trusted\" for it in $CODEX_HOME/config.toml)")
_GLOB_SPECIAL = set("[]*?{}\\")


def glob_escape(path: str) -> str:
    """A Codex path key matching exactly ``path``: every glob character as a one-character class."""
    return "".join(f"[{ch}]" if ch in "[*?{}\\" else ch for ch in normalize_rel(path))


def glob_regex(key: str) -> "re.Pattern[str] | None":
    """Codex's (globset) reading of a path key, as a regex over repo-relative paths.

    ``*``/``?`` stay within one path component (the conservative reading), ``**`` crosses
    them, ``[...]`` is a class (``!``/``^`` negate), ``{a,b}`` alternation. None: invalid
    (Codex then refuses to start its sandbox at all). Not scanner/guard.py's glob_regex,
    which reads a shell's globs: a shell escapes with a backslash, has no braces here and
    hides dotfiles from a leading wildcard; globset does none of these."""
    out, i, n, depth = [], 0, len(key), 0
    while i < n:
        ch = key[i]
        if ch == "*":
            if key.startswith("**", i):
                i += 2
                if key.startswith("/", i):
                    out.append("(?:.*/)?")
                    i += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            j = i + 1
            if j < n and key[j] in "!^":
                j += 1
            if j < n and key[j] == "]":
                j += 1
            while j < n and key[j] != "]":
                j += 1
            if j >= n:
                return None
            body = key[i + 1 : j]
            neg = body[:1] in ("!", "^")
            if neg:
                body = body[1:]
            out.append("[" + ("^" if neg else "") + "".join("\\" + c if c in "\\^[]" else c for c in body) + "]")
            i = j
        elif ch == "{":
            depth += 1
            out.append("(?:")
        elif ch == "}":
            if depth == 0:
                return None
            depth -= 1
            out.append(")")
        elif ch == "," and depth:
            out.append("|")
        elif ch == "\\":
            return None  # not a form credfence writes; read as unknown (not hidden)
        else:
            out.append(re.escape(ch))
        i += 1
    if depth:
        return None
    try:
        return re.compile("".join(out) + r"\Z", re.S)
    except re.error:
        return None


def _toml_str(s: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes for these characters
    out = json.dumps(s, ensure_ascii=False)
    return out


def _parse(text: str, rel: str) -> dict:
    toml = toml_module()  # (tomli on Python 3.10 is declared in pyproject)
    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise AgentFileError(f"{rel} is not valid TOML ({exc}); not touched, fix it and re-run") from None


def project_trusted(root: Path) -> bool:
    import os

    home = Path(os.environ.get("CODEX_HOME") or Path.home() / ".codex")
    try:
        text = (home / "config.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    toml = toml_module()
    try:
        cfg = toml.loads(text)
    except toml.TOMLDecodeError:
        return False
    projects = cfg.get("projects") if isinstance(cfg.get("projects"), dict) else {}
    real = os.path.realpath(root)
    for key, val in projects.items():
        if isinstance(val, dict) and val.get("trust_level") == "trusted" and os.path.realpath(key) in (real, str(root)):
            return True
    return False


class Codex(AgentSpec):
    name = "codex"
    human = "Codex CLI"
    file = ".codex/config.toml"
    covers_shell = True
    docs = "https://developers.openai.com/codex/permissions"
    caveat = TRUST_CAVEAT + "; project hooks likewise, and each hook must be trusted in /hooks"

    def shell_coverage(self, root: Path) -> tuple[bool, str]:
        """Covered when credfence's profile is the one in force and the project is trusted."""
        try:
            data = (Path(root) / (self.file or "")).read_bytes()
        except OSError:
            return False, "no .codex/config.toml profile"
        toml = toml_module()
        try:
            cfg = toml.loads(printable(decode(data)[0]))
        except toml.TOMLDecodeError:
            return False, "no .codex/config.toml profile"
        if "sandbox_mode" in cfg:
            return False, "sandbox_mode set: Codex ignores permission profiles"
        if cfg.get("default_permissions") != PROFILE:
            return False, f"default_permissions is not {PROFILE!r}"
        if not project_trusted(Path(root)):
            return False, "project not trusted in $CODEX_HOME/config.toml, so Codex does not load the file"
        return True, "permission profile in force"

    def body(self, paths: list[str], user: dict) -> list[str]:
        lines = block_header(self.human)
        lines.append("# Codex ignores permission profiles when sandbox_mode is set anywhere in its config.")
        lines.append(f"# {TRUST_CAVEAT}.")
        if "default_permissions" not in user:
            lines.append(f'default_permissions = "{PROFILE}"')
        # inherit the workspace defaults: a profile granting only the project roots leaves
        # Codex's sandbox unable to start its own helper, and every command fails
        lines.append(f'permissions.{PROFILE}.extends = ":workspace"')
        base = f'permissions.{PROFILE}.filesystem.":project_roots"'
        lines += [f'{base}.{_toml_str(glob_escape(p))} = "none"' for p in paths]
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
        return Rendered(encode(new_text, enc), conflicts, note=f"note: {TRUST_CAVEAT}.")

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
        keys = [k for k, v in roots.items() if v in ("none", "deny") and isinstance(k, str) and k not in (".", "")]
        regs = [glob_regex(k.lstrip("/")) for k in keys]
        if any(r is None for r in regs):
            return lambda path: False  # an invalid glob: Codex refuses to start its sandbox
        return lambda path: any(r.match(path) for r in regs)


AGENT = Codex()
