"""Task relatedness: does a finding lie inside the task an agent was given?

A task is `--task-paths` globs (gitignore syntax, relative to the root) and/or `--task`
free text, whose words are matched against the words of each file's path and of the
identifiers the secret is assigned to. Without a task, relatedness is unknown (null).
"""
from __future__ import annotations

import re

from scanner.blast import tokens
from scanner.model import Finding

# words that say what kind of change a task is, not where it happens
_STOP = {"a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "with", "from", "into", "by", "at", "is",
         "fix", "fixes", "fixed", "add", "adds", "update", "updates", "change", "changes", "make", "remove",
         "bug", "issue", "feature", "refactor", "improve", "support", "use", "when", "that", "this", "it",
         "new", "old", "handle", "so", "be", "not", "should", "can", "all", "some", "py", "js", "ts", "src",
         "app", "lib", "code", "file", "files", "test", "tests"}


def _stem(w: str) -> str:
    for suf in ("ings", "ing", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def _norm_glob(p: str) -> str:
    neg = p.startswith("!")
    body = p[1:] if neg else p
    while body.startswith("./"):
        body = body[2:]
    if body in ("", "."):
        body = "*"  # `.` or `./`: the whole tree is the task
    return "!" + body if neg else body


class TaskScope:
    def __init__(self, paths: list[str] | None = None, text: str | None = None):
        # `./src/x/` is how a shell user writes a path relative to the root, but in gitignore
        # syntax it matches nothing: drop leading "./" (fix: --task-paths ./src/ marked nothing)
        self.globs = [_norm_glob(p) for p in (paths or []) if p.strip()]
        self.globs = [p for p in self.globs if p]
        self.spec = None
        if self.globs:  # imported only when needed: the pre-commit hook has no task
            import pathspec

            self.spec = pathspec.GitIgnoreSpec.from_lines(self.globs, backend="simple")
        words = [w for w in re.findall(r"[A-Za-z0-9]+", (text or "").lower()) if len(w) >= 3 and w not in _STOP]
        self.words = {_stem(w) for w in words}
        self.text = text

    @property
    def active(self) -> bool:
        return bool(self.spec or self.words)

    def path_in_task(self, path: str) -> bool:
        if self.spec is not None and self.spec.match_file(path):
            return True
        if self.words:
            return any(_stem(t) in self.words for t in tokens(path))
        return False

    def related(self, f: Finding) -> bool | None:
        if not self.active:
            return None
        locs = [loc for loc in f.locations if loc.kind == "worktree"] or f.locations
        if any(self.path_in_task(loc.path) for loc in locs):
            return True
        if self.words and not self.spec:
            keys = {c.get("key") for c in f.contexts if c.get("key")}
            return any(_stem(t) in self.words for k in keys for t in tokens(k))
        return False
