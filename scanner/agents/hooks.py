"""`credfence ignore --write --hooks` and `--sandbox`: the agents' hook and sandbox settings.

Hooks run ``credfence-guard --agent NAME`` (scanner/guard.py) before each tool call:

* Claude Code: ``.claude/settings.json`` ``hooks.PreToolUse`` (no matcher: every tool).
* Codex: ``.codex/hooks.json`` ``hooks.PreToolUse`` (loaded only in a trusted project, and
  each new hook must be trusted in Codex's /hooks first).
* Gemini CLI: ``.gemini/settings.json`` ``hooks.BeforeTool`` (project hooks run only in a
  trusted folder).
* Cursor: ``.cursor/hooks.json`` ``version: 1``, ``hooks.beforeShellExecution`` and
  ``hooks.beforeReadFile``.

JSON has no comments, so credfence's "managed block" in these files is its own entries: a
hook entry is credfence's iff every command in it starts with ``credfence-guard``. Those are
replaced; every other key and entry of the user's is kept in order.

``--sandbox`` (opt-in: it changes how the agent runs its shell) sets Claude Code's
``sandbox.enabled: true`` and lists each credential file in ``sandbox.credentials.files``
with ``mode: "deny"`` (a key of Claude Code 2.1.332's settings schema: "Path to a credential
file ... Same resolution as sandbox.filesystem.* paths"); Codex's permission profile is
written by plain ``--write`` already. Claude Code's sandbox needs bubblewrap and socat on
Linux; Codex's uses bubblewrap (its npm package ships one).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from ._managed import AgentFileError, Encoding, decode, detect_newline, encode

GUARD = "credfence-guard"
HOOK_AGENTS = ("claude-code", "codex", "gemini-cli", "cursor")
HOOK_FILES = {"codex": ".codex/hooks.json", "gemini-cli": ".gemini/settings.json", "cursor": ".cursor/hooks.json"}


def command(agent: str) -> str:
    return f"{GUARD} --agent {agent}"


def _ours(entry) -> bool:
    """A hook entry (Claude/Codex/Gemini group or Cursor command) holding only credfence's commands."""
    if not isinstance(entry, dict):
        return False
    cmds = [h.get("command") for h in entry["hooks"]] if isinstance(entry.get("hooks"), list) and all(
        isinstance(h, dict) for h in entry["hooks"]) else [entry.get("command")]
    return bool(cmds) and all(isinstance(c, str) and c.startswith(GUARD) for c in cmds)


def _set_event(hooks: dict, event: str, entry: dict, rel: str) -> None:
    cur = hooks.get(event)
    if cur is None:
        hooks[event] = [entry]
        return
    if not isinstance(cur, list):
        raise AgentFileError(f"{rel}: hooks.{event} is not a JSON array; not touched")
    kept = [e for e in cur if not _ours(e)]
    # credfence's entry first: its deny is not undone by an earlier hook's allow
    hooks[event] = [entry] + kept


def add_hooks(obj: dict, agent: str, rel: str) -> None:
    """Put credfence's guard into a parsed settings/hooks object, in that agent's shape."""
    hooks = obj.get("hooks")
    if hooks is None:
        hooks = obj["hooks"] = {}
    if not isinstance(hooks, dict):
        raise AgentFileError(f"{rel}: hooks is not a JSON object; not touched")
    cmd = command(agent)
    if agent == "cursor" and "version" not in obj:
        items = list(obj.items())
        obj.clear()
        obj.update([("version", 1), *items])
    if agent == "cursor":
        for event in ("beforeShellExecution", "beforeReadFile"):
            _set_event(hooks, event, {"command": cmd}, rel)
    elif agent == "gemini-cli":
        _set_event(hooks, "BeforeTool", {"hooks": [{"type": "command", "command": cmd, "name": GUARD}]}, rel)
    else:  # claude-code, codex
        _set_event(hooks, "PreToolUse", {"hooks": [{"type": "command", "command": cmd}]}, rel)


def add_sandbox(obj: dict, paths: list[str], rel: str) -> None:
    """Claude Code: sandbox.enabled and sandbox.credentials.files (mode deny) for each file."""
    sb = obj.get("sandbox")
    if sb is None:
        sb = obj["sandbox"] = {}
    if not isinstance(sb, dict):
        raise AgentFileError(f"{rel}: sandbox is not a JSON object; not touched")
    sb["enabled"] = True
    creds = sb.get("credentials")
    if creds is None:
        creds = sb["credentials"] = {}
    if not isinstance(creds, dict):
        raise AgentFileError(f"{rel}: sandbox.credentials is not a JSON object; not touched")
    files = creds.get("files")
    if files is None:
        files = creds["files"] = []
    if not isinstance(files, list):
        raise AgentFileError(f"{rel}: sandbox.credentials.files is not a JSON array; not touched")
    have = {f.get("path") for f in files if isinstance(f, dict)}
    files.extend({"path": "./" + p, "mode": "deny"} for p in paths if "./" + p not in have)


def dump_like(obj: dict, text: str) -> str:
    """JSON in the file's own indentation and line endings."""
    from .claude_code import _detect_indent

    indent = _detect_indent(text) if text else 2
    nl = detect_newline(text) if text else "\n"
    out = json.dumps(obj, indent=indent, ensure_ascii=False)
    if nl != "\n":
        out = out.replace("\n", nl)
    if not text or text.endswith("\n"):
        out += nl
    return out


def render_json(old: bytes | None, rel: str, edit) -> bytes | None:
    from .claude_code import parse_settings

    if old is None:
        obj, enc, text = {}, Encoding("utf-8", b""), ""
    else:
        obj, enc, text = parse_settings(old, rel)
    before = json.loads(json.dumps(obj))
    edit(obj)
    if old is not None and obj == before:
        return old
    return encode(dump_like(obj, text), enc)


def installed(root: Path, agent: str) -> bool:
    """Is credfence's guard among this agent's hooks in the repository?"""
    rel = ".claude/settings.json" if agent == "claude-code" else HOOK_FILES.get(agent)
    if rel is None:
        return False
    try:
        obj = json.loads((Path(root) / rel).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return False
    hooks = obj.get("hooks") if isinstance(obj, dict) else None
    if not isinstance(hooks, dict):
        return False
    return any(_ours(e) for entries in hooks.values() if isinstance(entries, list) for e in entries)


def requirements(agents: list[str], sandbox: bool, hooks: bool) -> list[str]:
    """What each opted-in feature needs on this machine, said plainly."""
    out = []
    if sandbox and "claude-code" in agents:
        missing = [t for t in ("bwrap", "socat") if shutil.which(t) is None]
        out.append("Claude Code's sandbox needs bubblewrap and socat on Linux (apt install bubblewrap socat)"
                   + (f"; missing here: {', '.join(missing)}" if missing else "; both present here"))
    if sandbox and "codex" in agents:
        out.append("Codex's sandbox uses bubblewrap (its npm package ships one); the permission profile in "
                   ".codex/config.toml applies once the project is trusted")
    if hooks:
        out.append(f"the hooks run `{GUARD}`: it must be on the agent's PATH (pip install credfence)")
        if "codex" in agents:
            out.append("Codex runs project hooks only in a trusted project, after each is trusted in /hooks")
        if "gemini-cli" in agents:
            out.append("Gemini CLI runs project hooks only in a trusted folder")
    return out


__all__ = ["GUARD", "HOOK_AGENTS", "HOOK_FILES", "add_hooks", "add_sandbox", "command", "render_json",
           "requirements", "decode"]
