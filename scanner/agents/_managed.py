"""Shared machinery for the agent writers.

One job each, all byte-exact:

* ``decode``/``encode``: round-trip any file's bytes (UTF-8 with or without BOM,
  UTF-16 with BOM, and anything else as UTF-8 with ``surrogateescape`` so that
  non-UTF-8 bytes survive unchanged).
* ``merge_block``: replace (or insert) the region between ``# >>> credfence >>>``
  and ``# <<< credfence <<<``; every byte outside that region is kept exactly,
  in order, with the file's own line-ending style used for the new block.
* ``gitignore_escape``: turn a repo-relative path into an anchored, escaped,
  positive gitignore pattern; refuse anything that could hide the whole repository.
* ``safe_target``/``read_target``/``atomic_write``: never follow a symlink out of
  the root; write through a temporary file in the same directory + fsync +
  ``os.replace``, keeping the original file mode.
* ``GitignoreAgent``: the one writer shared by every gitignore-style agent file.
"""

from __future__ import annotations

from scanner.errors import CredfenceError

import codecs
import difflib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from pathspec import GitIgnoreSpec

BEGIN = "# >>> credfence >>>"
END = "# <<< credfence <<<"


class AgentFileError(CredfenceError):
    """A file credfence refuses to touch (unsafe path, invalid content...)."""


class VerificationError(AgentFileError):
    """After writing, the agent's own matcher does not hide every credential file."""


# --------------------------------------------------------------------------- codec


@dataclass(frozen=True)
class Encoding:
    codec: str  # "utf-8", "utf-16-le", "utf-16-be"
    bom: bytes


def decode(data: bytes) -> tuple[str, Encoding]:
    """Decode bytes so that ``encode(*decode(b)) == b`` for every ``b``."""
    if data.startswith(codecs.BOM_UTF8):
        enc = Encoding("utf-8", codecs.BOM_UTF8)
        return data[3:].decode("utf-8", "surrogateescape"), enc
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            try:
                text = data[2:].decode(codec)
                enc = Encoding(codec, bom)
                if encode(text, enc) == data:
                    return text, enc
            except UnicodeError:
                pass
            break  # invalid UTF-16: fall back to the lossless byte view below
    return data.decode("utf-8", "surrogateescape"), Encoding("utf-8", b"")


def encode(text: str, enc: Encoding) -> bytes:
    if enc.codec == "utf-8":
        return enc.bom + text.encode("utf-8", "surrogateescape")
    return enc.bom + text.encode(enc.codec)


def printable(text: str) -> str:
    """Text safe to print: undecodable bytes shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# --------------------------------------------------------------------------- lines


def split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only (gitignore and TOML semantics), keeping terminators."""
    lines: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find("\n", i)
        if j < 0:
            lines.append(text[i:])
            break
        lines.append(text[i : j + 1])
        i = j + 1
    return lines


def line_content(line: str) -> str:
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    return line


def line_ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith("\n"):
        return "\n"
    return ""


def detect_newline(text: str, default: str = "\n") -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    if crlf == 0 and lf == 0:
        return default
    return "\r\n" if crlf > lf else "\n"


@dataclass
class Split:
    """A file's lines split around the managed block."""

    before: list[str]
    block: list[str] | None  # the old block lines, markers included
    after: list[str]

    @property
    def has_block(self) -> bool:
        return self.block is not None


def split_block(text: str) -> Split:
    lines = split_lines(text)
    begin = None
    for i, line in enumerate(lines):
        c = line_content(line).strip()
        if begin is None and c == BEGIN:
            begin = i
        elif begin is not None and c == END:
            return Split(lines[:begin], lines[begin : i + 1], lines[i + 1 :])
    if begin is not None:
        raise AgentFileError(f"unterminated credfence block (line {begin + 1} has {BEGIN!r} but no {END!r} follows)")
    return Split(lines, None, [])


def outside_block(text: str) -> str:
    """The user's bytes: the text with the managed block (and only it) removed.

    A block appended to a file that did not end in a newline is written as
    ``<newline>block`` with no terminator after the end marker; that leading
    newline belongs to the block, so removing it restores the original exactly.
    """
    sp = split_block(text)
    if sp.block is None:
        return text
    before = list(sp.before)
    if not sp.after and line_ending(sp.block[-1]) == "" and before:
        sep = line_ending(sp.block[0]) or "\n"
        if before[-1].endswith(sep):
            before[-1] = before[-1][: -len(sep)]
    return "".join(before) + "".join(sp.after)


def merge_block(text: str, body: list[str] | None, position: str = "end") -> str:
    """Return ``text`` with the managed block set to ``body`` (None removes it).

    ``body`` lines have no terminators. ``position`` ("end" or "start") is where a
    new block goes when the file has none; an existing block stays where it is.
    """
    if body and any(b.strip() in (BEGIN, END) for b in body):
        # a marker inside the body would end or restart the block on the next read
        raise AgentFileError("refusing a managed block whose body contains a credfence marker line")
    sp = split_block(text)
    outside = outside_block(text)
    nl = detect_newline(outside, default=line_ending(sp.block[0]) if sp.block else "\n") or "\n"
    if body is None:
        return outside
    block = [BEGIN, *body, END]
    if sp.block is not None:
        terminated = line_ending(sp.block[-1]) != ""
        out = [b + nl for b in block[:-1]] + [block[-1] + (nl if terminated else "")]
        return "".join(sp.before) + "".join(out) + "".join(sp.after)
    if position == "start":
        return "".join(b + nl for b in block) + text
    if text == "" or text.endswith("\n"):
        return text + "".join(b + nl for b in block)
    # no trailing newline in the user's file: keep it that way (see outside_block)
    return text + nl + nl.join(block)


# --------------------------------------------------------------------------- paths

WHOLE_REPO = {"", ".", "/", "*", "**", "./", "/*", "/**", "**/*", "*/"}
_GLOB_SPECIAL = set("\\*?[")


def normalize_rel(path: str) -> str:
    """Validate a repo-relative POSIX path; refuse anything hiding the whole repo."""
    if not isinstance(path, str):
        raise AgentFileError(f"not a path: {path!r}")
    p = path
    if p in WHOLE_REPO or p.strip() in WHOLE_REPO:
        raise AgentFileError(f"refusing the pattern {path!r}: it would hide the whole repository")
    if "\n" in p or "\r" in p or "\x00" in p:
        raise AgentFileError(f"refusing the path {path!r}: it contains a line break or NUL")
    if p.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", p):
        raise AgentFileError(f"refusing the path {path!r}: expected a repo-relative path")
    while p.startswith("./"):
        p = p[2:]
    parts = p.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise AgentFileError(f"refusing the path {path!r}: not a normalized repo-relative file path")
    return p


def gitignore_escape(path: str) -> str:
    """Anchored, escaped, positive gitignore pattern matching exactly ``path``."""
    p = normalize_rel(path)
    out = []
    for ch in p:
        if ch in _GLOB_SPECIAL or ch in "#!":
            out.append("\\" + ch)
        else:
            out.append(ch)
    s = "".join(out)
    # trailing spaces are stripped by gitignore unless escaped
    stripped = s.rstrip(" ")
    s = stripped + "\\ " * (len(s) - len(stripped))
    return "/" + s


def node_escape(path: str) -> str:
    """The pattern for agents matching with npm ``ignore`` 7 (Gemini CLI, Roo Code, Kilo Code)
    or Claude Code's permission rules, checked against those matchers (tests/test_agents_real.py):
    ``\\?`` and ``[?]``/``[*]`` never match there, so ``?`` stays a bare wildcard (it matches a
    literal ``?`` too, and also any other one character there); a trailing space is written
    ``[ ]`` (Gemini trims each line, losing ``\\ ``); ``\\*``, ``\\[``, ``\\#``, ``\\!`` work."""
    p = normalize_rel(path)
    s = "".join("\\" + ch if ch in "\\*[#!" else ch for ch in p)
    stripped = s.rstrip()  # JavaScript's trim() takes every Unicode space (NBSP too), not only " "
    return "/" + stripped + "".join(f"[{ch}]" for ch in s[len(stripped):])


def node_ignore_matcher(patterns: Iterable[str], trim: bool = False,
                        backslash_names: bool = True) -> Callable[[str], bool]:
    """npm ``ignore`` 7.0's reading of gitignore patterns, as far as credfence writes them:
    a pattern holding ``\\?`` or the class ``[?]``/``[*]`` never matches; with ``trim`` each
    line is stripped first (Gemini CLI); without ``backslash_names`` no name holding a
    backslash is ever matched (Gemini CLI and Claude Code turn it into a separator)."""
    kept = []
    for c in patterns:
        c = printable(line_content(c))
        if trim:
            c = c.strip()
        if re.search(r"\\\?|\[[*?]\]", c):
            continue
        kept.append(_as_git_reads_it(c))
    spec = GitIgnoreSpec.from_lines(_valid_patterns(kept), backend="simple")
    return lambda path: (backslash_names or "\\" not in path) and bool(spec.match_file(path))


def clean_paths(paths: Iterable[str]) -> list[str]:
    return sorted({normalize_rel(p) for p in paths})


def _as_git_reads_it(pattern: str) -> str:
    """git strips only trailing ASCII spaces from a pattern; pathspec strips any trailing
    whitespace (str.rstrip), so a name ending in, say, U+00A0 would match in git but not
    in pathspec. Wrap such a last character in a bracket so pathspec keeps it too."""
    if pattern and pattern[-1].isspace() and pattern[-1] not in " \t\r\n":
        return pattern[:-1] + "[" + pattern[-1] + "]"
    return pattern


def gitignore_matcher(lines: Iterable[str]) -> Callable[[str], bool]:
    # backend="simple" (Python regexes over str) everywhere: pathspec's Hyperscan backend
    # encodes paths as strict UTF-8 and raised on file names that are not UTF-8
    spec = GitIgnoreSpec.from_lines(_valid_patterns(_as_git_reads_it(printable(line_content(line))) for line in lines),
                                    backend="simple")
    return lambda path: bool(spec.match_file(path))


def _valid_patterns(lines: Iterable[str]) -> list[str]:
    """Drop lines git would ignore as invalid (pathspec raises on them instead)."""
    out = []
    for line in lines:
        try:
            # backend="simple": the default picks Hyperscan when installed and compiles a
            # database per call, which made each agent file cost ~50 ms per pattern set
            # (1.1 s of a 1.9 s `ignore --check` on a 60-file repository). Validation only
            # needs the pattern to parse; matching semantics are the same in every backend.
            GitIgnoreSpec.from_lines([line], backend="simple")
        except Exception:
            continue
        out.append(line)
    return out


# --------------------------------------------------------------------------- files


def safe_target(root: Path, rel: str) -> Path:
    """The absolute path of ``rel`` under ``root``; refuse symlinks leading out."""
    root_real = Path(os.path.realpath(root))
    target = Path(root) / rel
    real = Path(os.path.realpath(target))
    try:
        real.relative_to(root_real)
    except ValueError:
        raise AgentFileError(f"refusing {rel}: it is a symlink (or under one) that leads out of the repository") from None
    if target.is_symlink():
        raise AgentFileError(f"refusing {rel}: it is a symlink; credfence writes only regular files")
    if target.exists() and not target.is_file():
        raise AgentFileError(f"refusing {rel}: it exists and is not a regular file")
    return target


def read_target(root: Path, rel: str) -> bytes | None:
    target = safe_target(root, rel)
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AgentFileError(f"cannot read {rel}: {exc.strerror or exc}") from None


def atomic_write(root: Path, rel: str, data: bytes | None) -> None:
    """Write (or, with ``None``, remove) ``rel`` atomically; keep the file mode."""
    target = safe_target(root, rel)
    if data is None:
        if target.exists():
            target.unlink()
        return
    parent = target.parent
    if not parent.exists():
        # only ever .claude/ or .codex/: one level, inside the root
        parent.mkdir(parents=False, exist_ok=True)
        safe_target(root, rel)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix="." + target.name + ".credfence-", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dfd = os.open(parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def unified_diff(rel: str, old: bytes | None, new: bytes | None) -> str:
    if old == new:
        return ""
    a = split_lines(printable(decode(old)[0])) if old is not None else []
    b = split_lines(printable(decode(new)[0])) if new is not None else []
    a = [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in a]
    b = [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in b]
    fa = f"a/{rel}" if old is not None else "/dev/null"
    fb = f"b/{rel}" if new is not None else "/dev/null"
    if old is not None and new is not None and a == b:
        return f"--- {fa}\n+++ {fb}\n(byte-level change only: encoding or line endings)\n"
    return "".join(difflib.unified_diff(a, b, fa, fb))


# --------------------------------------------------------------------------- agents


@dataclass
class Rendered:
    new: bytes | None
    conflicts: list[str] = field(default_factory=list)
    note: str = ""


class AgentSpec:
    """One agent's file format. Subclasses set the class attributes."""

    name: str = ""
    human: str = ""
    file: str | None = None
    covers_shell: bool = False
    docs: str = ""
    #: what the audit must say about this agent's fence (a limit of the agent, not of credfence)
    caveat: str = ""

    def shell_coverage(self, root: Path) -> tuple[bool, str]:
        """(does the fence cover the agent's shell in the settings in force here, why not)."""
        return self.covers_shell, "" if self.covers_shell else "file tools only"

    def render(self, root: Path, old: bytes | None, paths: list[str]) -> Rendered:  # pragma: no cover
        raise NotImplementedError

    def matcher(self, root: Path, data: bytes | None) -> Callable[[str], bool]:  # pragma: no cover
        """What the agent hides given its current file content (``None``: no file)."""
        raise NotImplementedError

    def unhideable(self, path: str) -> str | None:
        """Why this agent cannot express ``path`` at all (None: it can)."""
        return None

    def verify(self, root: Path, data: bytes | None, paths: list[str]) -> None:
        paths = [p for p in paths if self.unhideable(p) is None]
        match = self.matcher(root, data)
        missed = [p for p in paths if not match(p)]
        if missed:
            shown = ", ".join(missed[:5]) + (" ..." if len(missed) > 5 else "")
            raise VerificationError(f"{self.file}: {self.human} would still read {shown}")

    def __repr__(self) -> str:
        return f"<agent {self.name} {self.file}>"


def block_header(human: str) -> list[str]:
    return [
        f"# Managed by credfence: files holding credentials, kept out of {human}'s reach.",
        "# Edit outside this block; credfence rewrites only the lines between the markers.",
    ]


class GitignoreAgent(AgentSpec):
    """The shared writer for every gitignore-syntax ignore file."""

    #: patterns always emitted inside the block (Goose re-emits its defaults)
    extra_patterns: tuple[str, ...] = ()
    #: a file with no pattern blocks everything (Android Studio's .aiexclude)
    empty_blocks_all: bool = False
    #: negation (``!pattern``) is honoured by the tool
    supports_negation: bool = True
    #: the agent matches with npm ``ignore`` 7 (see node_escape / node_ignore_matcher)
    node_ignore: bool = False
    #: the agent strips each line before matching (Gemini CLI)
    trims_lines: bool = False
    #: a file name holding a backslash can be matched
    backslash_names: bool = True

    def escape(self, path: str) -> str:
        return node_escape(path) if self.node_ignore else gitignore_escape(path)

    def unhideable(self, path: str) -> str | None:
        if not self.backslash_names and "\\" in path:
            return f"{self.human} reads a backslash in a name as a path separator: no pattern can match it"
        return None

    def body(self, paths: list[str]) -> list[str]:
        lines = block_header(self.human)
        if self.extra_patterns:
            lines += [f"# {self.human} drops its built-in defaults when this file exists; re-emitted:"]
            lines += list(self.extra_patterns)
            lines += ["# credential files found by credfence:"]
        lines += [self.escape(p) for p in paths if self.unhideable(p) is None]
        return lines

    def render(self, root: Path, old: bytes | None, paths: list[str]) -> Rendered:
        assert self.file is not None
        text, enc = decode(old) if old is not None else ("", Encoding("utf-8", b""))
        sp = split_block(text)
        if not paths:
            if old is None:
                return Rendered(None)
            if not sp.has_block:
                return Rendered(old)
            if self.empty_blocks_all:
                remaining = outside_block(text)
                if not _has_pattern(remaining):
                    # never leave an .aiexclude without a pattern: it would block everything
                    return Rendered(None if remaining.strip() == "" else old)
                return Rendered(encode(remaining, enc))
        new_text = merge_block(text, self.body(paths))
        new = encode(new_text, enc)
        conflicts = self.conflicts(new_text, paths)
        return Rendered(new, conflicts)

    def conflicts(self, text: str, paths: list[str]) -> list[str]:
        sp = split_block(text)
        out: list[str] = []
        if not paths:
            return out
        numbered = list(enumerate(split_lines(text), start=1))
        nb = len(sp.before)
        nblock = len(sp.block or [])
        for lineno, line in numbered:
            idx = lineno - 1
            if nb <= idx < nb + nblock:
                continue
            c = line_content(line)
            if not c.startswith("!"):
                continue
            spec = GitIgnoreSpec.from_lines(_valid_patterns([printable(c[1:])]), backend="simple")
            hit = [p for p in paths if spec.match_file(p)]
            if not hit:
                continue
            where = "after" if idx >= nb + nblock else "before"
            effect = (
                "undoes the credfence block" if where == "after" and self.supports_negation
                else "is overridden by the credfence block that follows it"
            )
            out.append(
                f"{self.file}:{lineno}: {printable(c)!r} re-includes {', '.join(hit[:3])}"
                f"{' ...' if len(hit) > 3 else ''}; it {effect}"
            )
        return out

    def matcher(self, root: Path, data: bytes | None) -> Callable[[str], bool]:
        if data is None:
            return lambda path: False
        text, _ = decode(data)
        lines = split_lines(text)
        if not self.supports_negation:
            lines = [line for line in lines if not line_content(line).startswith("!")]
        if self.empty_blocks_all and not _has_pattern(text):
            return lambda path: True
        if self.node_ignore:
            return node_ignore_matcher(lines, self.trims_lines, self.backslash_names)
        return gitignore_matcher(lines)


def _has_pattern(text: str) -> bool:
    for line in split_lines(text):
        c = line_content(line).strip()
        if c and not c.startswith("#"):
            return True
    return False
