"""The only place credfence runs git.

A scanned repository may be hostile: its config can name hooks, an fsmonitor, external
diff and textconv drivers, pagers and credential helpers, any of which would run its code.
Every invocation here disables them, ignores system and global configuration, and runs
with a controlled environment. GitPython is not used for anything that reads the
repository's config for the same reason; we talk to git's plumbing directly.
"""
from __future__ import annotations

import atexit
from scanner.errors import CredfenceError

import functools
import os
import shutil
import stat
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

# -c options that switch off every way a repository's config could run a program.
SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.askPass=",
    "core.sshCommand=false",
    "core.gitProxy=",
    "core.editor=false",
    "core.untrackedCache=false",
    "diff.external=",
    # log.showSignature would run gpg.program on every signed commit `git log` shows
    "log.showSignature=false",
    "gpg.program=false",
    "gpg.ssh.program=false",
    "gpg.x509.program=false",
    "diff.noprefix=false",
    "credential.helper=",
    "protocol.allow=never",
    "uploadpack.packObjectsHook=",
    "gc.auto=0",
    "maintenance.auto=false",
    "feature.manyFiles=false",
    # a sparse index is expanded by reading trees: a missing one would be fetched lazily
    "index.sparse=false",
    "fetch.recurseSubmodules=false",
    "submodule.recurse=false",
    "diff.ignoreSubmodules=all",
    # the history a walk sees is the commits' own parents: a commit-graph file is a cache
    # of them that git trusts without checking, and one the repository ships can drop a
    # parent and hide every commit behind it (GIT_GRAFT_FILE, safe_env, does the same for grafts)
    "core.commitGraph=false",
    "advice.graftFileDeprecated=false",
)

# Every transport git knows by name (and every `<name>::` remote helper the repository's
# config names is added by repo_overrides): protocol.<name>.allow=never for each, because a
# repository's own `protocol.ext.allow=always` beats the `protocol.allow=never` default.
# GIT_ALLOW_PROTOCOL (safe_env) overrides all of these and is what actually closes them;
# the keys are a second lock for a git that would ignore the variable.
PROTOCOLS = ("file", "git", "ssh", "http", "https", "ftp", "ftps", "ext", "fd", "rsync", "git+ssh", "ssh+git",
             "testgit", "bundle")
# A GIT_ALLOW_PROTOCOL value no transport can have: "/" is not allowed in a URL scheme or a
# remote helper's name, so every transport is refused, lazy fetches of a partial clone's
# missing objects included (git 2.39 has no GIT_NO_LAZY_FETCH; it is set for newer gits).
NO_PROTOCOL = "credfence/no-transport"
_TRUST_OWNER = False


def trust_owner(on: bool = True) -> None:
    """Let git open repositories owned by another user (`--trust-owner`).

    By default git's own ownership check stands (credfence ignores the user's global
    config, so its `safe.directory` is not read either): a repository whose owner is not
    the user running credfence is refused with one line. git refuses such repositories
    because their config can run programs; credfence switches those off (SAFE_CONFIG,
    repo_overrides, safe_env), so trusting one is the user's informed choice, not a hole.
    """
    global _TRUST_OWNER
    _TRUST_OWNER = on


class GitError(CredfenceError, RuntimeError):
    """git failed or is missing; the message is one line a user can act on."""


def git_available() -> bool:
    return shutil.which("git") is not None


def safe_env(repo: Path | str | None = None) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "TZ")}
    keep.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
        "GIT_PAGER": "cat",
        "PAGER": "cat",
        "GIT_EXTERNAL_DIFF": "",
        "GIT_OPTIONAL_LOCKS": "0",  # never write the index (refresh) while scanning
        "GIT_NO_REPLACE_OBJECTS": "1",
        # .git/info/grafts rewrites commits' parents as replace refs do: a line can cut the
        # history the walk sees (SAFE_CONFIG's core.commitGraph for the graph file)
        "GIT_GRAFT_FILE": os.devnull,
        "GIT_LFS_SKIP_SMUDGE": "1",
        "LC_ALL": "C",
        "GIT_ALLOW_PROTOCOL": NO_PROTOCOL,
        "GIT_PROTOCOL_FROM_USER": "0",
        "GIT_NO_LAZY_FETCH": "1",
    })
    if repo is not None:
        # neutralise what the repository's config names (see repo_overrides) through the
        # environment: unlike `-c key=value`, GIT_CONFIG_KEY_n does not split on "=", so a
        # driver named `x=y` cannot dodge the override
        over = repo_overrides(str(repo))
        keep["GIT_CONFIG_COUNT"] = str(len(over))
        for i, (k, v) in enumerate(over):
            keep[f"GIT_CONFIG_KEY_{i}"] = k
            keep[f"GIT_CONFIG_VALUE_{i}"] = v
        work_tree = _WORK_TREES.get(str(repo))
        if work_tree is not None:
            keep["GIT_WORK_TREE"] = work_tree
    return keep


_WORK_TREES: dict[str, str] = {}  # repository path -> the work tree git is told (set_work_tree)


def set_work_tree(repo: Path) -> None:
    """Have every later git command on `repo` take it as its work tree (GIT_WORK_TREE).

    For a `.git` whose config says `core.bare = true`: git then lists no file beside it (no
    ls-files, no status), while an agent opened in the directory reads every one of them."""
    _WORK_TREES[str(repo)] = str(repo)


# Reading a repository's whole configuration (includes too) takes milliseconds; past this
# it is waiting on something that never ends (repo_overrides).
CONFIG_SECONDS = 20
_CONFIG_HANGS: dict[str, str] = {}  # repository -> why its configuration could not be read


@functools.lru_cache(maxsize=64)
def repo_overrides(repo: str) -> tuple[tuple[str, str], ...]:
    """Config entries that switch off everything the repository's config names by an
    arbitrary subsection, so that no fixed `-c` list can name it:

    - filter drivers: a `.gitattributes` line `* filter=x` makes git run `filter.x.clean`
      (or a long-running `filter.x.process`) whenever it reads a work-tree file's content,
      e.g. `git diff REF` comparing stat-dirty files (issue 7). An empty command is "no
      filter" to git; `required=false` keeps git from failing on the missing filter.
    - remotes: `remote.x.uploadpack`/`receivepack` are commands a fetch or push runs (a
      partial clone fetches missing objects lazily, issue 13), `remote.x.promisor` makes
      git fetch from x at all, `remote.x.proxy` and `remote.x.vcs` pick what runs.
    - transports: `protocol.x.allow=always` beats `protocol.allow=never`: every name the
      config mentions gets `never` (the fixed PROTOCOLS too).

    Listing the config runs nothing (includes are files read, not programs run), but an
    include can name a pipe or a device that never ends: every git command would wait on
    it, so a listing that does not finish in CONFIG_SECONDS is an error (GitError), and
    later calls fail at once rather than wait again.
    """
    if repo in _CONFIG_HANGS:
        raise GitError(_CONFIG_HANGS[repo])
    try:
        p = subprocess.run(git_argv(repo, "config", "-z", "--list"), stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=safe_env(),
                           timeout=CONFIG_SECONDS)
    except OSError:
        return ()
    except subprocess.TimeoutExpired:
        _CONFIG_HANGS[repo] = (f"git did not finish reading the repository's configuration in {CONFIG_SECONDS} s "
                               "(does a config include name a pipe or a device?): not scanned")
        raise GitError(_CONFIG_HANGS[repo]) from None
    sections: dict[str, set[str]] = {"filter": set(), "remote": set(), "protocol": set(PROTOCOLS)}
    for entry in p.stdout.split(b"\0"):
        key = entry.split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
        # git prints section and variable lower-cased, the subsection (driver name) as is
        section, _, rest = key.partition(".")
        if section in sections and "." in rest:
            sections[section].add(rest.rpartition(".")[0])
        if section == "url" and "." in rest:  # url.<base>.insteadOf names a transport too
            scheme = rest.rpartition(".")[0].partition(":")[0]
            sections["protocol"].add(scheme)
    out: list[tuple[str, str]] = []
    for n in sorted(sections["filter"]):
        out += [(f"filter.{n}.clean", ""), (f"filter.{n}.smudge", ""), (f"filter.{n}.process", ""),
                (f"filter.{n}.required", "false")]
    for n in sorted(sections["remote"]):
        out += [(f"remote.{n}.uploadpack", "git-upload-pack"), (f"remote.{n}.receivepack", "git-receive-pack"),
                (f"remote.{n}.promisor", "false"), (f"remote.{n}.proxy", "")]
    for n in sorted(sections["protocol"]):
        out.append((f"protocol.{n}.allow", "never"))
    for entry in p.stdout.split(b"\0"):
        # files git reads for every listing or comparison: one that is a pipe would hang it
        key, _, value = entry.partition(b"\n")
        if key in (b"core.excludesfile", b"core.attributesfile") and value:
            named = os.path.join(repo, os.path.expanduser(value.decode("utf-8", "surrogateescape")))
            if is_pipe_or_device(named):
                out.append((key.decode(), os.devnull))
    for entry in p.stdout.split(b"\0"):  # `<helper>::address` URLs name their transport
        key, _, value = entry.partition(b"\n")
        if key.startswith(b"remote.") and key.endswith((b".url", b".pushurl", b".vcs")):
            v = value.decode("utf-8", "surrogateescape")
            helper = v if key.endswith(b".vcs") else v.partition("::")[0] if "::" in v else ""
            if helper and ("protocol." + helper + ".allow", "never") not in out:
                out.append((f"protocol.{helper}.allow", "never"))
    return tuple(out)


def waits_forever(mode: int) -> bool:
    """A file of this mode is a pipe or a device: a reader can wait on it forever."""
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def is_pipe_or_device(path: str | Path, follow: bool = True) -> bool:
    try:
        return waits_forever(os.stat(path, follow_symlinks=follow).st_mode)
    except OSError:
        return False


def filter_overrides(repo: str) -> tuple[tuple[str, str], ...]:
    """The filter-driver part of repo_overrides (kept for callers and tests)."""
    return tuple(kv for kv in repo_overrides(repo) if kv[0].startswith("filter."))


def git_argv(repo: Path | str, *args: str) -> list[str]:
    argv = ["git", "--no-pager", "-C", str(repo)]
    for opt in SAFE_CONFIG:
        argv += ["-c", opt]
    if _TRUST_OWNER:  # the user said so (--trust-owner): see trust_owner()
        argv += ["-c", "safe.directory=*"]
    # textconv and external diff drivers are only honoured by diff/log with --textconv;
    # we never pass it, and pass --no-textconv/--no-ext-diff where a command accepts them.
    return argv + list(args)


def run(repo: Path | str, *args: str, check: bool = True, input: bytes | None = None,
        timeout: float | None = None) -> bytes:
    """Run git and return stdout. Raises GitError with git's first error line."""
    if not git_available():
        raise GitError("git is not installed or not on PATH: install git, or scan with --no-history outside a repository")
    try:
        p = subprocess.run(git_argv(repo, *args), input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=safe_env(repo), timeout=timeout, stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out") from None
    except OSError as e:
        raise GitError(f"cannot run git: {e.strerror}") from None
    if check and p.returncode != 0:
        raise GitError(f"git {args[0]} failed: {first_error(p.stderr, p.returncode)}")
    return p.stdout


def first_error(stderr: bytes, returncode: int) -> str:
    """git's first error line (fatal: or error:), else its first line, else the exit status."""
    msg = stderr.decode("utf-8", "replace").strip().splitlines()
    return next((m for m in msg if m.startswith(("fatal", "error"))), msg[0] if msg else f"exit {returncode}")


def popen(repo: Path | str, *args: str, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    """A long-running git process (log, cat-file --batch...). Every one is remembered until
    reap() has waited for it: none outlives credfence, on success, error or Ctrl-C. Its
    stderr goes nowhere, or to a file (a pipe nobody reads while stdout is read could
    fill and stop git)."""
    if not git_available():
        raise GitError("git is not installed or not on PATH")
    with _LIVE_LOCK:
        _reap_done()
        p = subprocess.Popen(git_argv(repo, *args), stdin=stdin, stdout=subprocess.PIPE,
                             stderr=stderr, env=safe_env(repo), bufsize=1 << 20)
        _LIVE.append(p)
    return p


_LIVE: list[subprocess.Popen] = []  # this process's popen() children not yet waited for
_LIVE_LOCK = threading.RLock()  # reentrant: reap() may run in a signal handler (pipeline)


def _reap_done() -> None:
    _LIVE[:] = [p for p in _LIVE if p.poll() is None]


def reap() -> None:
    """Wait for every git process popen() started in this process: a git still running
    now is of no use to anyone, so it is killed (SIGKILL) and waited for. Runs at exit
    (atexit), and in each forked worker when it ends or the pool stops it
    (scanner.pipeline). os.waitpid, not Popen.wait: this may run in a signal handler that
    interrupted a Popen.wait holding its lock."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for p in live:
        if p.returncode is None:
            try:
                p.kill()
            except OSError:
                pass
            try:
                os.waitpid(p.pid, 0)
                p.returncode = -9
            except ChildProcessError:  # already waited for
                pass
            except OSError:
                pass
    with _LIVE_LOCK:
        _LIVE[:] = [p for p in _LIVE if p not in live]


def become_subreaper() -> None:
    """Make this process the one that inherits its descendants' orphans (Linux): a git
    reader whose worker process was stopped is then ours to wait for (reap_orphans), not a
    zombie left to an init that may never reap it (in a container)."""
    global _SUBREAPER
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0:  # PR_SET_CHILD_SUBREAPER
            _SUBREAPER = True
    except (OSError, AttributeError):
        pass


def die_with_parent(parent: int) -> None:
    """In a forked worker: be killed when the process that forked it dies (Linux,
    PR_SET_PDEATHSIG), however it dies. A scan killed with SIGKILL (a CI step's timeout, the
    OOM killer) runs no handler that could stop its workers, and one left matching a chunk
    went on alone: a worker of a timed-out test scan used 70 % of a core for fifty minutes.
    `parent`: its pid before the fork; if it is gone already, exit now."""
    import signal as _signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(_signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died between the fork and the prctl
        os._exit(1)


_SUBREAPER = False
# set by stop_children: a worker the pool forks after it (replacing one just killed) sees it
# copied into its memory and exits at once, instead of outliving this process (pipeline)
STOPPING = False


def reap_orphans(timeout: float = 3.0) -> None:
    """At exit: wait for every child left, our orphaned grandchildren included."""
    import time

    if _SUBREAPER:
        _reap_until(time.monotonic() + timeout)


def _child_pids() -> set[int]:
    """The live children of this process, from every thread (Linux /proc), or else the
    ones we know of: the worker processes and the git processes popen() started."""
    pids: set[int] = set()
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children") as f:
                pids.update(int(x) for x in f.read().split())
        return pids
    except (OSError, ValueError):
        import multiprocessing

        pids = {c.pid for c in multiprocessing.active_children() if c.pid}
        with _LIVE_LOCK:
            pids.update(p.pid for p in _LIVE if p.returncode is None)
        return pids


def _reap_until(deadline: float) -> bool:
    """Wait for children until none is left (True) or the deadline passes (False)."""
    import time

    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        except OSError:
            return True
        if pid:
            continue
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def stop_children(grace: float = 0.3) -> None:
    """Ctrl-C: stop every process this one started, and wait for them, in well under a
    second. Workers get SIGTERM first so they can kill their own git readers; whatever
    still runs after `grace` seconds (a worker inside C code, which runs no Python signal
    handler until it returns; a replacement the pool forked meanwhile) is killed. As the
    subreaper (become_subreaper), orphaned grandchildren are ours to kill and wait for too.
    Only for a process about to exit: the children's Popen objects are left unwaited."""
    import signal as _signal
    import time

    global STOPPING
    STOPPING = True
    for pid in _child_pids():
        try:
            os.kill(pid, _signal.SIGTERM)
        except OSError:
            pass
    if _reap_until(time.monotonic() + grace):
        return
    for _ in range(10):
        pids = _child_pids()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, _signal.SIGKILL)
            except OSError:
                pass
        if _reap_until(time.monotonic() + 0.2):
            break


def _at_exit() -> None:
    reap()
    reap_orphans()


def _forget_parents_children() -> None:
    # a forked worker inherits the list, not the processes: they are its parent's to wait for
    global _LIVE_LOCK, _SUBREAPER
    _LIVE.clear()
    _LIVE_LOCK = threading.RLock()
    _SUBREAPER = False  # the flag is per process (the kernel does not copy it to a child)


atexit.register(_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_parents_children)


@dataclass
class Discovery:
    """What git makes of a directory: its work tree's top level (None in a bare repository
    or outside any), its git directory and common git directory (None outside a
    repository), and, when git found a repository but refused or failed to open it, why."""
    top: Path | None = None
    git_dir: Path | None = None
    common_dir: Path | None = None
    bare: bool = False
    error: str | None = None

    @property
    def dubious_owner(self) -> bool:
        return bool(self.error) and "dubious ownership" in self.error


def discover(path: Path) -> Discovery:
    """One `rev-parse` (two in a work tree). "not a git repository" is no error: the
    directory is simply not in one; anything else (another user's repository, a malformed
    config, an unknown extension, a broken gitfile) is kept in `error`."""
    if not git_available():
        return Discovery()
    try:
        out = run(path, "rev-parse", "--absolute-git-dir", "--git-common-dir", "--is-bare-repository",
                  "--is-inside-work-tree")
    except GitError as e:
        msg = str(e)
        if "not a git repository (or any" in msg:
            return Discovery()
        return Discovery(error=msg.replace("git rev-parse failed: ", "", 1))
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < 4:
        return Discovery(error="git rev-parse gave no git directory")
    gdir = Path(lines[0])
    common = Path(lines[1]) if os.path.isabs(lines[1]) else Path(path) / lines[1]
    d = Discovery(git_dir=gdir, common_dir=Path(os.path.realpath(common)), bare=lines[2] == "true")
    if lines[3] == "true" or not d.bare:  # core.worktree elsewhere: not inside, yet not bare
        d.top = toplevel(path)
    return d


def toplevel(path: Path) -> Path | None:
    """The work tree root containing path, or None when path is not inside a git work tree."""
    if not git_available():
        return None
    try:
        out = run(path, "rev-parse", "--show-toplevel", check=True).decode("utf-8", "surrogateescape").strip()
    except GitError:
        return None
    return Path(out) if out else None


def git_dir(path: Path) -> Path | None:
    """The git directory of a repository (work tree or bare), or None."""
    if not git_available():
        return None
    try:
        out = run(path, "rev-parse", "--absolute-git-dir").decode("utf-8", "surrogateescape").strip()
    except GitError:
        return None
    return Path(out) if out else None


def is_bare(path: Path) -> bool:
    try:
        return run(path, "rev-parse", "--is-bare-repository").strip() == b"true"
    except GitError:
        return False


def is_shallow(path: Path) -> bool:
    try:
        return run(path, "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False


def ls_z(repo: Path, *args: str) -> list[str]:
    out = run(repo, *args)
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
