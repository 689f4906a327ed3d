"""Agent ignore and deny files: what each AI coding agent honours, and the writers.

API (used by ``credfence ignore`` and ``credfence audit``):

* ``AGENTS``: ordered registry ``name -> AgentSpec`` (``.file``, ``.human``,
  ``.covers_shell``, ``.docs``).
* ``detect_configured(root)`` / ``resolve_agents(root, "auto|all|a,b")``.
* ``plan(root, cred_paths, agents) -> list[Change]`` (``Change.changed`` marks the
  out-of-date ones); ``apply(root, changes)`` writes atomically and verifies with each
  agent's matcher.
* ``AgentView(root).hidden_from(path)``: which agents' current files hide a path (each
  agent's file parsed once per view).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import (
    aider,
    android_studio,
    claude_code,
    cline,
    codex,
    copilot,
    cursor,
    gemini_cli,
    goose,
    jetbrains,
    kilo_code,
    kiro,
    roo_code,
    windsurf,
)
from ._managed import (
    AgentFileError,
    AgentSpec,
    VerificationError,
    atomic_write,
    clean_paths,
    read_target,
    unified_diff,
)

__all__ = [
    "AGENTS",
    "AgentFileError",
    "AgentSpec",
    "AgentView",
    "Change",
    "VerificationError",
    "apply",
    "detect_configured",
    "plan",
    "resolve_agents",
]

AGENTS: dict[str, AgentSpec] = {
    m.AGENT.name: m.AGENT
    for m in (
        cursor,
        claude_code,
        gemini_cli,
        jetbrains,
        android_studio,
        aider,
        windsurf,
        cline,
        roo_code,
        kilo_code,
        kiro,
        goose,
        codex,
        copilot,
    )
}


@dataclass
class Change:
    agent: str
    path: str | None  # repo-relative file; None for copilot
    old: bytes | None
    new: bytes | None
    diff: str = ""
    conflicts: list[str] = field(default_factory=list)
    note: str = ""
    error: str = ""  # set when credfence refuses the file (invalid JSON, unsafe symlink...)
    cred_paths: list[str] = field(default_factory=list)
    kind: str = "fence"  # "fence": the agent's ignore/deny file; "hooks": a hook file (--hooks)

    @property
    def changed(self) -> bool:
        return not self.error and self.path is not None and self.old != self.new


# --------------------------------------------------------------------------- detection

# agent -> predicates over the root (cheap: a handful of stats and one listdir)
def _exists(*rels: str) -> Callable[[Path, set[str]], bool]:
    return lambda root, names: any((root / r).exists() for r in rels)


def _prefix(*prefixes: str) -> Callable[[Path, set[str]], bool]:
    return lambda root, names: any(n.startswith(p) for n in names for p in prefixes)


def _jetbrains(root: Path, names: set[str]) -> bool:
    if ".aiignore" in names:
        return True
    idea = root / ".idea"
    if not idea.is_dir():
        return False
    try:
        return any(("ai" in n.lower() or "junie" in n.lower()) for n in os.listdir(idea)) or (root / ".junie").exists()
    except OSError:
        return False


_DETECT: dict[str, Callable[[Path, set[str]], bool]] = {
    "cursor": _exists(".cursor", ".cursorrules", ".cursorignore", ".cursorindexingignore"),
    "claude-code": _exists(".claude", "CLAUDE.md", "CLAUDE.local.md"),
    "gemini-cli": _exists("GEMINI.md", ".gemini", ".geminiignore"),
    "jetbrains": _jetbrains,
    "android-studio": _exists(".aiexclude"),
    "aider": _prefix(".aider"),
    "windsurf": _prefix(".windsurf", ".codeium"),
    "cline": _exists(".clinerules", ".clineignore"),
    "roo-code": _exists(".roo", ".rooignore", ".roomodes", ".roorules"),
    "kilo-code": _exists(".kilocode", ".kilocodeignore", ".kilocodemodes"),
    "kiro": _exists(".kiro", ".kiroignore"),
    "goose": _prefix(".goose"),
    "codex": _exists("AGENTS.md", ".codex"),
    "copilot": _exists(".github/copilot-instructions.md", ".github/instructions", ".github/copilot"),
}


def detect_configured(root: Path) -> list[str]:
    """Agents configured in the repository, in registry order."""
    root = Path(root)
    try:
        names = set(os.listdir(root))
    except OSError:
        names = set()
    return [name for name in AGENTS if _DETECT[name](root, names)]


def resolve_agents(root: Path, spec: str) -> list[str]:
    """``auto`` (configured, or all when none), ``all``, or a comma-separated list."""
    spec = (spec or "auto").strip()
    if spec == "all":
        return list(AGENTS)
    if spec == "auto":
        return detect_configured(root) or list(AGENTS)
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    bad = [w for w in wanted if w not in AGENTS]
    if bad or not wanted:
        raise ValueError(
            f"unknown agent {', '.join(bad) or repr(spec)}; valid: auto, all, {', '.join(AGENTS)}"
        )
    return [name for name in AGENTS if name in wanted]


# --------------------------------------------------------------------------- plan/apply


def plan(root: Path, cred_paths: Iterable[str], agents: Iterable[str], hooks: bool = False,
         sandbox: bool = False) -> list[Change]:
    """The changes for each agent; ``hooks`` adds ``credfence-guard`` to the agents' hook
    settings, ``sandbox`` turns on Claude Code's OS sandbox (see agents/hooks.py)."""
    from . import hooks as hookmod

    root = Path(root)
    paths = clean_paths(cred_paths)
    changes = []
    agents = _known(agents)
    for name in agents:
        spec = AGENTS[name]
        try:
            old = read_target(root, spec.file) if spec.file else None
        except AgentFileError as exc:
            changes.append(Change(name, spec.file, None, None, error=str(exc), cred_paths=paths))
            continue
        unhideable = {p: why for p in paths if (why := spec.unhideable(p))}
        try:
            r = spec.render(root, old, paths)
            if name == "claude-code" and (hooks or sandbox):
                hideable = [p for p in paths if spec.unhideable(p) is None]

                def edit(obj, rel=spec.file, hideable=hideable, name=name):
                    if hooks:
                        hookmod.add_hooks(obj, name, rel)
                    if sandbox:
                        hookmod.add_sandbox(obj, hideable, rel)
                r.new = hookmod.render_json(r.new, spec.file, edit)
        except AgentFileError as exc:
            changes.append(Change(name, spec.file, old, old, error=str(exc), cred_paths=paths))
            continue
        diff = unified_diff(spec.file, old, r.new) if spec.file else ""
        # Verify the planned content even when it equals the file on disk: a user's `!` line
        # after the block (or Codex's sandbox_mode) leaves a credential readable without any
        # byte to change, and `--check` must not call that up to date nor `--write` succeed.
        error = ""
        try:
            spec.verify(root, r.new, paths)
        except AgentFileError as exc:
            error = str(exc)
        note = r.note
        if unhideable:
            # a name the agent cannot express is reported as not hidden, with why
            note = "\n".join(([note] if note else []) + [f"not hidden from {spec.human}: {p} ({why})"
                                                          for p, why in unhideable.items()])
        changes.append(Change(name, spec.file, old, r.new, diff, r.conflicts, note, error=error, cred_paths=paths))
    if hooks:
        for name in agents:
            rel = hookmod.HOOK_FILES.get(name)
            if rel is None:
                continue
            try:
                old = read_target(root, rel)
                new = hookmod.render_json(old, rel, lambda obj, n=name, r=rel: hookmod.add_hooks(obj, n, r))
            except AgentFileError as exc:
                changes.append(Change(name, rel, None, None, error=str(exc), kind="hooks"))
                continue
            changes.append(Change(name, rel, old, new, unified_diff(rel, old, new), kind="hooks"))
    return changes


def apply(root: Path, changes: Iterable[Change]) -> list[str]:
    """Write every changed file atomically, then verify it; return the paths written.

    Raises ``AgentFileError`` (nothing written) when a change was refused or its new
    content would not hide every credential file; ``VerificationError`` when a file as
    re-read from disk does not.
    """
    root = Path(root)
    changes = list(changes)
    for c in changes:
        if c.error:
            raise AgentFileError(c.error)
    # verify in memory first: never write a file that would not do its job
    for c in changes:
        if c.changed and c.new is not None and c.kind == "fence":
            AGENTS[c.agent].verify(root, c.new, c.cred_paths)
    written = []
    for c in changes:
        if not c.changed:
            continue
        current = read_target(root, c.path)
        if current != c.old:
            raise AgentFileError(f"{c.path} changed on disk since the plan was made; re-run")
        atomic_write(root, c.path, c.new)
        written.append(c.path)
    for c in changes:
        if c.changed:
            data = read_target(root, c.path)
            if data != c.new:
                raise VerificationError(f"{c.path}: the bytes on disk differ from what credfence wrote")
            if c.kind == "fence":
                AGENTS[c.agent].verify(root, data, c.cred_paths)
    return written


def _known(agents: Iterable[str]) -> list[str]:
    agents = list(agents)
    bad = [a for a in agents if a not in AGENTS]
    if bad:
        raise ValueError(f"unknown agent {', '.join(bad)}; valid: {', '.join(AGENTS)}")
    return [a for a in AGENTS if a in agents]


# --------------------------------------------------------------------------- views


class AgentView:
    """Each agent's current on-disk file parsed once; ``hidden_from(path)`` per file."""

    def __init__(self, root: Path, agents: Iterable[str] | None = None):
        self.root = Path(root)
        self.errors: dict[str, str] = {}
        self._matchers: dict[str, Callable[[str], bool]] = {}
        for name in _known(agents) if agents is not None else list(AGENTS):
            spec = AGENTS[name]
            try:
                data = read_target(self.root, spec.file) if spec.file else None
                self._matchers[name] = spec.matcher(self.root, data)
            except AgentFileError as exc:
                self.errors[name] = str(exc)
                self._matchers[name] = lambda path: False

    def hidden_from(self, path: str) -> list[str]:
        return [name for name, match in self._matchers.items() if match(path)]
