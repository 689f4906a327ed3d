"""`credfence guard`: a hook command that stops an agent's tool call from reading a credential
file or carrying a known credential's value, before it runs.

Installed by ``credfence ignore --write --hooks`` (as ``credfence-guard --agent NAME``) into:

* Claude Code, ``.claude/settings.json`` ``hooks.PreToolUse``: JSON on stdin
  (``tool_name``, ``tool_input``, ``cwd``); a deny is ``{"hookSpecificOutput":
  {"hookEventName": "PreToolUse", "permissionDecision": "deny",
  "permissionDecisionReason": ...}}`` on stdout, exit 0 (the reason is shown to the model).
* Codex, ``.codex/hooks.json`` ``hooks.PreToolUse``: the same shape; a deny needs a non-empty
  reason. Project hooks run only in a trusted project, after the user trusts them in /hooks.
* Gemini CLI, ``.gemini/settings.json`` ``hooks.BeforeTool``: ``{"decision": "deny",
  "reason": ...}`` on stdout (read by gemini-cli-core's hookRunner; project hooks run only
  in a trusted folder).
* Cursor, ``.cursor/hooks.json`` ``beforeShellExecution`` (``command``, ``cwd``) and
  ``beforeReadFile`` (``file_path``, ``content``): ``{"permission": "deny", ...}``.

It denies (1) a path in the tool input that names a credential file, directly or through a
glob that matches it (read, grep, glob, edit paths, and each word of a shell command), and
(2) any input that carries a known credential's value: every substring starting at a word
boundary, of each length a known secret has, is hashed with SHA-256 and looked up among the
findings' hashes.

State (written by ``credfence ignore --write`` and refreshed by ``credfence scan``):
``<git dir>/credfence/guard.json``, mode 0600, inside the repository's git directory so that
it is never committed nor shown to the agents' file tools. It holds SHA-256 hashes, secret
lengths, repository-relative paths and the blast-radius sentence of each finding: never a
secret. With no state, or a broken one, the guard allows the call and warns on stderr (an
agent must not be bricked by a missing file) unless ``--fail-closed``.

This module is the hook's whole import path: the standard library only (no click, rich or
detectors), so a call costs about one interpreter start.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import sys

STATE_NAME = "guard.json"
STATE_VERSION = 1
MIN_SECRET_LEN = 8
MAX_INPUT = 1 << 20  # hash at most the first MiB of a tool input
AGENT_NAMES = ("claude-code", "codex", "gemini-cli", "cursor")
HOOK_COMMAND = "credfence-guard"


# ----------------------------------------------------------------------------- state


def git_dir(root: str) -> str | None:
    """The git directory of the repository whose work tree is ``root`` (no git call)."""
    dot = os.path.join(root, ".git")
    if os.path.isdir(dot):
        return dot
    try:
        with open(dot, encoding="utf-8") as fh:
            line = fh.readline().strip()
    except OSError:
        return None
    if line.startswith("gitdir:"):
        d = line[len("gitdir:"):].strip()
        return os.path.normpath(os.path.join(root, d))
    return None


def find_root(start: str) -> str | None:
    """The nearest directory at or above ``start`` holding ``.git``."""
    d = os.path.abspath(start)
    while True:
        if os.path.lexists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def state_path(root: str) -> str | None:
    g = git_dir(str(root))
    return os.path.join(g, "credfence", STATE_NAME) if g else None


def build_state(findings, cred_paths) -> dict:
    """Hashes, lengths, paths and blast sentences: nothing from which a secret can be read."""
    from scanner.blast import why_line

    secrets: dict[str, dict] = {}
    files: dict[str, str] = {}
    wanted = set(cred_paths)
    for f in findings:
        why = why_line(f)
        if len(f.secret) >= MIN_SECRET_LEN:
            prev = secrets.get(f.sha256)
            if prev is None or f.severity_rank > prev["rank"]:
                secrets[f.sha256] = {"sha256": f.sha256, "len": len(f.secret), "why": why, "rank": f.severity_rank}
        for p in f.worktree_paths:
            if p in wanted and p not in files:
                files[p] = why
    for p in wanted:
        files.setdefault(p, "a file holding a credential")
    return {
        "version": STATE_VERSION,
        "secrets": [{k: v for k, v in s.items() if k != "rank"} for s in secrets.values()],
        "files": [{"path": p, "why": w} for p, w in sorted(files.items())],
    }


def write_state(root, findings, cred_paths) -> str | None:
    """Write the guard's state (mode 0600, atomically); None outside a git repository."""
    path = state_path(str(root))
    if path is None:
        return None
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    data = json.dumps(build_state(findings, cred_paths), indent=1, sort_keys=True).encode()
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def load_state(root: str) -> dict:
    path = state_path(root)
    if path is None:
        raise ValueError("not in a git repository")
    with open(path, encoding="utf-8") as fh:
        state = json.load(fh)
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise ValueError(f"{path}: unknown state version")
    if not isinstance(state.get("secrets"), list) or not isinstance(state.get("files"), list):
        raise ValueError(f"{path}: malformed")
    return state


# ----------------------------------------------------------------------------- matching

_GLOB_CHARS = re.compile(r"[*?\[]")
_QUOTED = re.compile(r"""["']([^"'\s]{1,1024})["']""")
_BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")
# a word's expansions read, at most: the model shapes the input, and a word of a million
# alternatives must not stall the hook (a hook that fails lets the call run); a word longer
# than _MAX_EXPANDED_WORD is matched as written only
_MAX_FORMS = 64
_MAX_EXPANDED_WORD = 1 << 16


def _braces(word: str) -> list[str]:
    """The words bash's brace expansion makes of `word` (`a{b,c}d` -> abd, acd; nested and
    repeated groups too), the first _MAX_FORMS of them (4 x _MAX_FORMS words built at most)."""
    out, todo, built = [], [word], 0
    while todo and len(out) < _MAX_FORMS and built < 4 * _MAX_FORMS:
        w = todo.pop()
        m = _BRACES.search(w)
        if m is None:
            out.append(w)
            continue
        alts = m.group(1).split(",", _MAX_FORMS)[:_MAX_FORMS]
        built += len(alts)
        todo += [w[:m.start()] + alt + w[m.end():] for alt in alts]
    return out


# tool-input keys holding a path or a glob (Claude Code, Codex, Gemini CLI, Cursor tools);
# any key ending in path(s)/file(s) counts too. Content keys (new_string, content) do not.
PATH_KEYS = {"path", "paths", "file_path", "notebook_path", "absolute_path", "dir_path", "directory", "glob",
             "pattern", "include", "exclude", "include_pattern", "exclude_pattern", "target_file", "filename"}


def glob_regex(pattern: str, dotfiles: bool = False) -> re.Pattern[str]:
    """A shell/ripgrep-style glob: ``*``/``?`` within a component, ``**`` across; a
    component's leading wildcard does not match a leading ``.`` unless ``dotfiles``. (Codex's
    path keys are globset globs, a different language: scanner/agents/codex.py glob_regex.)"""
    out = []
    i, n = 0, len(pattern)
    at_start = True
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if pattern.startswith("**", i):
                i += 2
                if pattern.startswith("/", i):
                    i += 1
                    out.append("(?:[^/]*/)*" if dotfiles else "(?:(?!\\.)[^/]*/)*")
                else:
                    out.append(".*")
                at_start = True
                continue
            out.append(("" if dotfiles or not at_start else "(?!\\.)") + "[^/]*")
        elif ch == "?":
            out.append(("" if dotfiles or not at_start else "(?!\\.)") + "[^/]")
        elif ch == "[":
            j = pattern.find("]", i + 2)
            if j < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : j]
                neg = body[:1] in ("!", "^")
                body = body[1:] if neg else body
                out.append("[" + ("^" if neg else "") + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
                i = j
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        at_start = ch == "/"
        i += 1
    try:
        return re.compile("".join(out) + r"\Z", re.S)
    except re.error:
        return re.compile(re.escape(pattern) + r"\Z")


class Guard:
    def __init__(self, root: str, state: dict):
        self.root = os.path.abspath(root)
        self.files: dict[str, str] = {}  # absolute path -> why
        for f in state["files"]:
            p, why = f.get("path"), f.get("why") or ""
            if isinstance(p, str) and p:
                self.files[os.path.normpath(os.path.join(self.root, p))] = why
        self.by_base: dict[str, list[str]] = {}
        for p in self.files:
            self.by_base.setdefault(os.path.basename(p), []).append(p)
        self.hashes: dict[str, str] = {}
        self.lengths: set[int] = set()
        for s in state["secrets"]:
            h, n = s.get("sha256"), s.get("len")
            if isinstance(h, str) and isinstance(n, int) and n >= MIN_SECRET_LEN:
                self.hashes[h] = s.get("why") or "a known credential"
                self.lengths.add(n)

    # -- paths
    def path_hit(self, word: str, cwd: str, basename_ok: bool) -> str | None:
        if not word or "\n" in word or "\x00" in word:
            return None
        if word.startswith("~"):
            word = os.path.expanduser(word)
        full = os.path.normpath(os.path.join(cwd, word))
        if full in self.files:
            return full
        if basename_ok:
            # a bare name (after a `cd`), or a name behind a prefix the guard cannot expand
            # (`$(pwd)/.env`, `$ROOT/deploy/prod/app.env`): matched by its last component
            base = word if "/" not in word else (word.rsplit("/", 1)[1] if "$" in word or "`" in word else "")
            if base in self.by_base:
                return self.by_base[base][0]
        try:
            if os.path.islink(full):
                real = os.path.realpath(full)
                if real in self.files:
                    return real
        except OSError:
            pass
        return None

    def glob_hit(self, pattern: str, cwd: str, anywhere: bool) -> str | None:
        """A glob naming a credential file: it matches it and holds a literal character
        (``*`` or ``**/*`` list everything and name nothing). A tool's glob (``anywhere``)
        may match a leading dot, as ripgrep's and Gemini CLI's do (`*.env` takes `.env`);
        the shell's does not."""
        if not re.search(r"[^*?/\[\]]", pattern):
            return None
        rx = glob_regex(os.path.normpath(pattern), dotfiles=anywhere)  # `./.e*`, `src/../.e?v`: `.e*`, `.e?v`
        for full in self.files:
            if pattern.startswith("/"):
                cand = [full]
            else:
                rel = os.path.relpath(full, cwd)
                cand = [rel] if not rel.startswith("..") else []
                if anywhere and "/" not in pattern:
                    cand.append(os.path.basename(full))
            if any(rx.match(c) for c in cand):
                return full
        return None

    def word_hit(self, word: str, cwd: str, shell: bool) -> str | None:
        forms = {word}
        if "=" in word:
            forms.add(word.rsplit("=", 1)[1])
        forms.add(word.lstrip("@<>"))
        if word.startswith("file://"):
            forms.add(word[7:])
        if shell and len(word) <= _MAX_EXPANDED_WORD:
            # what the shell or the program makes of the word: a brace expansion's words
            # (`.{e,x}nv`), a name quoted inside a script argument (`python -c
            # "open('.env')"`), git's `REV:path` (`git show HEAD:.env`, from the top)
            if "{" in word:
                forms.update(_braces(word))
            forms.update(m.group(1) for m in itertools.islice(_QUOTED.finditer(word), _MAX_FORMS))
            rev, colon, rest = word.partition(":")
            if colon and rest and "/" not in rev and "@" not in rev and not rest.startswith("//"):
                forms.update((rest, os.path.join(self.root, rest)))
        for w in forms:
            if not w:
                continue
            hit = self.path_hit(w, cwd, basename_ok=shell)
            if hit is None and _GLOB_CHARS.search(w):
                hit = self.glob_hit(w, cwd, anywhere=not shell)
            if hit:
                return hit
        return None

    # -- values
    def value_hit(self, text: str) -> str | None:
        if not self.hashes or not text:
            return None
        text = text[:MAX_INPUT]
        n = len(text)
        lengths = sorted(self.lengths)
        sha = hashlib.sha256
        hashes = self.hashes
        prev_alnum = False
        for i, ch in enumerate(text):
            alnum = ch.isalnum()
            if not prev_alnum:
                for L in lengths:
                    if i + L > n:
                        break
                    h = sha(text[i : i + L].encode("utf-8", "surrogateescape")).hexdigest()
                    if h in hashes:
                        return hashes[h]
            prev_alnum = alnum
        return None

    # -- a tool call
    def check(self, tool: str, tool_input, cwd: str) -> str | None:
        """The reason to deny, or None."""
        strings: list[tuple[str, str]] = []
        _strings(tool_input, "", strings)
        shell_keys = {"command", "cmd", "script"}
        is_shell = bool(re.search(r"bash|shell|exec|terminal|command", tool or "", re.I))
        is_grep = bool(re.search(r"grep|search", tool or "", re.I))
        for key, s in strings:
            k = key.lower()
            if is_shell and k in shell_keys or k == "command":
                words = shell_words(s)
                # a `cd DIR` earlier in the command moves where later relative names point
                cwds = [cwd] + [os.path.normpath(os.path.join(cwd, os.path.expanduser(b)))
                                for a, b in zip(words, words[1:]) if a in ("cd", "pushd") and b]
                for w in words:
                    for d in cwds:
                        hit = self.word_hit(w, d, shell=True)
                        if hit:
                            return self._file_reason(hit, "this command names")
            elif (k in PATH_KEYS or k.endswith(("path", "paths", "file", "files"))) and not (is_grep and k == "pattern") \
                    and "\n" not in s and len(s) < 4096:
                hit = self.word_hit(s, cwd, shell=False)
                if hit:
                    return self._file_reason(hit, f"{tool or 'this tool'} would read")
        for _, s in strings:
            why = self.value_hit(s)
            if why:
                return (f"credfence guard: this call carries the value of a known credential ({why}). "
                        "Denied before it ran; use the credential through the deploy platform's own variables, "
                        "never in a command.")
        return None

    def _file_reason(self, full: str, verb: str) -> str:
        rel = os.path.relpath(full, self.root)
        return (f"credfence guard: {verb} {rel}, a file holding a credential ({self.files[full]}). "
                "It is kept out of the agent's reach; work from the task's files instead.")


def _strings(obj, key: str, out: list) -> None:
    """Every string in obj, with the key it is under (a list's items take the list's key), in
    document order. A loop, not recursion: a tool input is the model's to shape, and one
    nested deeper than Python's recursion limit must not carry a value past the guard."""
    todo = [(key, obj)]
    while todo:
        key, obj = todo.pop()
        if isinstance(obj, str):
            out.append((key, obj))
        elif isinstance(obj, dict):
            todo.extend(reversed([(str(k), v) for k, v in obj.items()]))
        elif isinstance(obj, list):
            todo.extend(reversed([(key, v) for v in obj]))


def shell_words(command: str) -> list[str]:
    import shlex

    try:
        lex = shlex.shlex(command, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        words = list(lex)
    except ValueError:
        words = command.split()
    out = []
    for w in words:
        out.append(w)
        if "$" in w or "`" in w:
            continue
        for part in re.split(r"[;&|<>()]", w):
            if part and part != w:
                out.append(part)
    return out


# ----------------------------------------------------------------------------- hook I/O


def _detect(event: dict) -> str:
    name = str(event.get("hook_event_name") or "")
    if name == "BeforeTool":
        return "gemini-cli"
    if name.startswith("before"):
        return "cursor"
    return "claude-code"


def decide(event: dict, agent: str | None, fail_closed: bool, warn) -> tuple[str | None, str]:
    """(reason to deny or None, the event's name) for one hook event."""
    agent = agent or _detect(event)
    name = str(event.get("hook_event_name") or "")
    if agent == "cursor":
        roots = event.get("workspace_roots") or []
        cwd = event.get("cwd") or (roots[0] if roots and isinstance(roots[0], str) else None)
        if name == "beforeReadFile" or ("file_path" in event and "command" not in event):
            tool, tool_input = "read_file", {"file_path": event.get("file_path"), "content": event.get("content")}
        elif "command" in event:
            tool, tool_input = "shell", {"command": event.get("command")}
        else:
            tool, tool_input = event.get("tool_name") or "", event.get("tool_input")
            if isinstance(tool_input, str):
                try:
                    tool_input = json.loads(tool_input)
                except ValueError:
                    pass
    else:
        cwd = event.get("cwd")
        tool, tool_input = event.get("tool_name") or "", event.get("tool_input")
    cwd = cwd if isinstance(cwd, str) and cwd else (
        os.environ.get("CLAUDE_PROJECT_DIR") or os.environ.get("GEMINI_PROJECT_DIR") or os.getcwd())
    root = find_root(cwd)
    try:
        if root is None:
            raise ValueError(f"{cwd} is not in a git repository")
        state = load_state(root)
    except (OSError, ValueError) as exc:
        msg = f"credfence guard: no usable state ({exc}); run `credfence ignore --write`"
        if fail_closed:
            return msg + " (--fail-closed: denied)", name
        warn(msg + "; allowing")
        return None, name
    return Guard(root, state).check(str(tool), tool_input, cwd), name


def render(agent: str, event_name: str, reason: str | None) -> str:
    """The agent's own answer on stdout ('' to allow silently)."""
    if agent == "cursor":
        if reason is None:
            return json.dumps({"permission": "allow"})
        if event_name == "beforeReadFile":
            return json.dumps({"permission": "deny"})
        return json.dumps({"permission": "deny", "user_message": reason, "agent_message": reason})
    if reason is None:
        return ""
    if agent == "gemini-cli":
        return json.dumps({"decision": "deny", "reason": reason})
    return json.dumps({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                              "permissionDecisionReason": reason}})


def run(argv: list[str], stdin, stdout, stderr) -> int:
    agent = None
    fail_closed = False
    it = iter(argv)
    for a in it:
        if a == "--agent":
            agent = next(it, None)
        elif a.startswith("--agent="):
            agent = a.split("=", 1)[1]
        elif a == "--fail-closed":
            fail_closed = True
        elif a in ("-h", "--help"):
            stdout.write("usage: credfence-guard [--agent claude-code|codex|gemini-cli|cursor] [--fail-closed]\n"
                         "Reads an agent's hook JSON on stdin; denies calls that read a credential file or carry "
                         "a known credential's value.\n")
            return 0
        else:
            stderr.write(f"credfence guard: unknown argument {a!r}\n")
            return 2
    if agent is not None and agent not in AGENT_NAMES:
        stderr.write(f"credfence guard: unknown agent {agent!r}; valid: {', '.join(AGENT_NAMES)}\n")
        return 2
    warn = lambda m: stderr.write(m + "\n")  # noqa: E731
    try:
        event = json.loads(stdin.read() or "{}")
        if not isinstance(event, dict):
            raise ValueError("not a JSON object")
    except RecursionError:
        # valid JSON too deep for Python's parser: no agent writes that, a model steered to
        # slip a value past the guard could; denied whatever --fail-closed says
        stdout.write(render(agent or "claude-code", "", "credfence guard: the tool call is nested too deeply to "
                            "check, denied") + "\n")
        return 0
    except (ValueError, UnicodeDecodeError) as exc:
        msg = f"credfence guard: unreadable hook input ({type(exc).__name__})"
        if fail_closed:
            out = render(agent or "claude-code", "", msg + " (--fail-closed: denied)")
            stdout.write(out + "\n")
            return 0
        warn(msg + "; allowing")
        if agent == "cursor":
            stdout.write(render("cursor", "", None) + "\n")
        return 0
    reason, name = decide(event, agent, fail_closed, warn)
    out = render(agent or _detect(event), name, reason)
    if out:
        stdout.write(out + "\n")
    return 0


def main() -> None:
    sys.exit(run(sys.argv[1:], sys.stdin, sys.stdout, sys.stderr))


if __name__ == "__main__":
    main()
