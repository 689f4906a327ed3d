"""Claude Code: ``.claude/settings.json`` (strict JSON), ``permissions.deny`` Read rules
plus ``sandbox.filesystem.denyRead``.

Docs checked:
* https://code.claude.com/docs/en/permissions -- "Read & Edit rules both follow the
  gitignore specification" with four pattern types: ``//path`` absolute, ``~/path`` home,
  ``/path`` relative to the project root (older pages say "relative to the settings file";
  the project settings file belongs to the project root), ``path``/``./path`` relative to the
  current directory. It also warns: "Read and Edit deny rules apply to Claude's built-in
  file tools, not to Bash subprocesses ... For OS-level enforcement ... enable the sandbox."
  So each credential file gets ``Read(/<escaped path>)``.
* https://code.claude.com/docs/en/settings (``sandbox.filesystem.denyRead``: paths sandboxed
  commands cannot read; arrays merge across settings scopes). In project settings a
  ``./`` path is relative to the project root, so each file also gets ``./<path>`` there;
  that covers the shell once the user enables the sandbox (credfence never flips
  ``sandbox.enabled``: that is the user's call, and the audit recommends it).

Ownership without an extra key (unknown keys are not documented as tolerated): an entry is
credfence's iff it has the exact ``Read(/literal path)`` form AND the same path appears as
``./path`` in ``sandbox.filesystem.denyRead``; such a pair is removed only when the file no
longer exists on disk. Everything else in the file is kept: every key, its order and value.
Unchanged content is never rewritten; a rewrite keeps the file's indentation (2/4 spaces or
tabs), line endings, BOM and trailing newline, but not custom intra-line spacing.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable

from ._managed import (
    AgentFileError,
    AgentSpec,
    Encoding,
    Rendered,
    VerificationError,
    decode,
    encode,
    node_escape,
    node_ignore_matcher,
)

_READ_RULE = re.compile(r"^Read\((.*)\)$", re.S)


def read_rule(path: str) -> str:
    # Claude Code's rules follow npm ignore's reading: "\?" never matches, so "?" stays a
    # wildcard; a trailing space is "[ ]" (see _managed.node_escape)
    return f"Read({node_escape(path)})"


BACKSLASH_WHY = "Claude Code reads a backslash in a name as a path separator: no Read rule can match it"


def sandbox_entry(path: str) -> str:
    return "./" + path


def _unescape_literal(pattern: str) -> str | None:
    """``/a\\*b`` -> ``a*b``; None when the pattern has an unescaped glob character."""
    if not pattern.startswith("/") or pattern.startswith("//"):
        return None
    out = []
    i = 1
    s = pattern
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            out.append(s[i + 1])
            i += 2
            continue
        if s.startswith("[ ]", i):
            out.append(" ")
            i += 3
            continue
        if ch == "?":  # credfence writes a literal "?" bare (see read_rule)
            out.append(ch)
            i += 1
            continue
        if ch in "*[":
            return None
        out.append(ch)
        i += 1
    return "".join(out)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for k, v in pairs:
        if k in seen:
            raise ValueError(f"duplicate key {k!r}")
        seen[k] = v
    return seen


def parse_settings(data: bytes, rel: str) -> tuple[dict, Encoding, str]:
    text, enc = decode(data)
    try:
        obj = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AgentFileError(f"{rel} is not valid JSON ({msg}); not touched, fix it and re-run") from None
    if not isinstance(obj, dict):
        raise AgentFileError(f"{rel} must hold a JSON object; not touched")
    return obj, enc, text


def _detect_indent(text: str) -> str | int:
    for line in text.splitlines():
        m = re.match(r"^([ \t]+)\S", line)
        if m:
            ws = m.group(1)
            return "\t" if ws.startswith("\t") else len(ws)
    return 2


def _sub(obj: dict, key: str, kind: type, rel: str, where: str) -> Any:
    val = obj.get(key)
    if val is None:
        return None
    if not isinstance(val, kind):
        raise AgentFileError(f"{rel}: {where} is not a JSON {kind.__name__}; not touched")
    return val


class ClaudeCode(AgentSpec):
    name = "claude-code"
    human = "Claude Code"
    file = ".claude/settings.json"
    covers_shell = False  # only with sandbox.enabled at some scope: see shell_coverage
    docs = "https://code.claude.com/docs/en/permissions"
    caveat = ("Claude Code applies the project's .claude/settings.json only when it starts at the repository "
              "root (started in a subdirectory it read both credential files)")

    def shell_coverage(self, root: Path) -> tuple[bool, str]:
        """Covered only when ``sandbox.enabled`` is true in the settings in force: the first
        scope that sets it, in Claude Code's precedence (managed, local, project, user).
        Its Read deny rules are merged into the sandbox's read denials; without the sandbox
        ``F=.en; cat ${F}v`` printed the file."""
        import shutil

        for f in settings_scopes(Path(root)):
            try:
                obj = json.loads(f.read_text(encoding="utf-8-sig"))
            except (OSError, ValueError):
                continue
            sb = obj.get("sandbox") if isinstance(obj, dict) else None
            if isinstance(sb, dict) and isinstance(sb.get("enabled"), bool):
                if not sb["enabled"]:
                    return False, f"sandbox.enabled is false in {f}"
                missing = [t for t in ("bwrap", "socat") if shutil.which(t) is None]
                if missing and os.name == "posix" and os.uname().sysname == "Linux":
                    return False, f"sandbox enabled, but {' and '.join(missing)} not installed here"
                return True, f"sandbox enabled in {f}"
        return False, "sandbox not enabled; ignore --write --sandbox"

    def render(self, root: Path, old: bytes | None, paths: list[str]) -> Rendered:
        rel = self.file
        if old is None:
            if not paths:
                return Rendered(None)
            obj: dict = {}
            enc, text = Encoding("utf-8", b""), ""
        else:
            obj, enc, text = parse_settings(old, rel)
        original = json.loads(json.dumps(obj))
        perms = _sub(obj, "permissions", dict, rel, "permissions")
        deny = _sub(perms, "deny", list, rel, "permissions.deny") if perms is not None else None
        sandbox = _sub(obj, "sandbox", dict, rel, "sandbox")
        fs = _sub(sandbox, "filesystem", dict, rel, "sandbox.filesystem") if sandbox is not None else None
        deny_read = _sub(fs, "denyRead", list, rel, "sandbox.filesystem.denyRead") if fs is not None else None

        paths = [p for p in paths if self.unhideable(p) is None]
        want_rules = [read_rule(p) for p in paths]
        want_sandbox = [sandbox_entry(p) for p in paths]

        # drop credfence's own pairs for files that are gone
        if deny is not None and deny_read is not None:
            keep_rules = set(want_rules)
            stale = set()
            for entry in deny:
                if not isinstance(entry, str) or entry in keep_rules:
                    continue
                m = _READ_RULE.match(entry)
                lit = _unescape_literal(m.group(1)) if m else None
                if lit and sandbox_entry(lit) in deny_read and not os.path.lexists(Path(root) / lit):
                    stale.add(lit)
            if stale:
                deny[:] = [e for e in deny if not (isinstance(e, str) and _literal_of(e) in stale)]
                deny_read[:] = [e for e in deny_read if not (isinstance(e, str) and e[2:] in stale and e.startswith("./"))]

        if want_rules:
            if perms is None:
                perms = obj.setdefault("permissions", {})
            if deny is None:
                deny = perms.setdefault("deny", [])
            deny.extend(r for r in want_rules if r not in deny)
            if sandbox is None:
                sandbox = obj.setdefault("sandbox", {})
            if fs is None:
                fs = sandbox.setdefault("filesystem", {})
            if deny_read is None:
                deny_read = fs.setdefault("denyRead", [])
            deny_read.extend(s for s in want_sandbox if s not in deny_read)

        if old is not None and obj == original:
            return Rendered(old)
        from .hooks import dump_like

        return Rendered(encode(dump_like(obj, text), enc))

    def matcher(self, root: Path, data: bytes | None) -> Callable[[str], bool]:
        if data is None:
            return lambda path: False
        try:
            obj, _, _ = parse_settings(data, self.file or "")
        except AgentFileError:
            return lambda path: False
        perms = obj.get("permissions")
        deny = perms.get("deny") if isinstance(perms, dict) else None
        if not isinstance(deny, list):
            return lambda path: False
        root_real = os.path.realpath(root)
        patterns: list[str] = []
        for entry in deny:
            if not isinstance(entry, str):
                continue
            if entry == "Read":
                return lambda path: True
            m = _READ_RULE.match(entry)
            if not m:
                continue
            spec = m.group(1)
            if spec.startswith("//"):
                absolute = spec[1:]
                if absolute == root_real or absolute.startswith(root_real + "/"):
                    patterns.append("/" + absolute[len(root_real) + 1 :])
            elif spec.startswith("~/"):
                continue  # home-relative: not the repository
            elif spec.startswith("./"):
                patterns.append("/" + spec[2:])  # relative to the working directory (project root)
            else:
                patterns.append(spec)  # "/x" anchored at the project root, bare names any depth
        patterns = [p for p in patterns if p not in ("", "/")]
        return node_ignore_matcher(patterns, trim=False, backslash_names=False)

    def unhideable(self, path: str) -> str | None:
        return BACKSLASH_WHY if "\\" in path else None

    def verify(self, root: Path, data: bytes | None, paths: list[str]) -> None:
        super().verify(root, data, paths)
        paths = [p for p in paths if self.unhideable(p) is None]
        if not paths:
            return
        obj, _, _ = parse_settings(data or b"{}", self.file or "")
        fs = (obj.get("sandbox") or {}).get("filesystem") or {}
        deny_read = fs.get("denyRead") or []
        missing = [p for p in paths if sandbox_entry(p) not in deny_read]
        if missing:
            raise VerificationError(f"{self.file}: sandbox.filesystem.denyRead lacks {', '.join(missing[:5])}")


def settings_scopes(root: Path) -> list[Path]:
    """Claude Code's settings files, highest precedence first."""
    home = Path(os.environ.get("CLAUDE_CONFIG_DIR") or Path.home() / ".claude")
    return [Path("/etc/claude-code/managed-settings.json"), root / ".claude/settings.local.json",
            root / ".claude/settings.json", home / "settings.json"]


def _literal_of(entry: str) -> str | None:
    m = _READ_RULE.match(entry)
    return _unescape_literal(m.group(1)) if m else None


AGENT = ClaudeCode()
