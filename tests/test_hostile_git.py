"""Issue 7.1: scanning a hostile repository never runs its code.

Each repository here is configured (in .git/config, .gitattributes, hooks, the user's
global config and the environment) so that any of git's ways of running a program would
`touch` a marker file. After every credfence command that reads the repository, no marker
may exist, git must still have worked (the planted secrets are found), and nothing may
crash. Real git, the real CLI, no mocks.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from gitrepo import Repo, git_env
from helpers import GENERIC_PASSWORD, GITHUB, STRIPE, assert_clean_exit, clean_env, cli, commands

STAGED = "sk_live_" + "Tq47Bn2Wc9LmXr5Kd8Hf3Jv6Ys1Pa0Ez"  # only in the index
HOOKS = ("applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
         "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge",
         "pre-push", "pre-receive", "update", "proc-receive", "post-receive", "post-update",
         "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite", "sendemail-validate",
         "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist", "p4-post-changelist", "p4-pre-submit",
         "post-index-change")


def _script(path: Path, marker: Path, tail: str = "") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\ntouch '{marker}'\n{tail}")
    path.chmod(0o755)
    return str(path)


def markers(d: Path) -> list[str]:
    return sorted(os.listdir(d))


def make_hostile(tmp_path: Path) -> tuple[Repo, Path]:
    """A repository with two commits (a GitHub token, then a Stripe key), a staged file,
    a modified tracked file, and config that would run a marker script in every way git
    can run one. Returns (repo, marker directory)."""
    mdir = tmp_path / "markers"
    mdir.mkdir()
    bindir = tmp_path / "evil-bin"
    r = Repo(tmp_path / "repo")
    r.commit("one", {"app.py": f'TOKEN = "{GITHUB}"\n', "notes.txt": "hello\n",
                     ".gitattributes": "*.py filter=evil diff=evil merge=evil\n*.txt filter=evilproc diff=evil\n"
                                       "*.env filter=x=y\n* diff=evil\n"})
    r.commit("two", {"billing.py": f'STRIPE_KEY = "{STRIPE}"\n'})
    # a signed-looking commit: `git log` with log.showSignature runs gpg.program on it
    tree = r.git("rev-parse", "HEAD^{tree}")
    body = (f"tree {tree}\nparent {r.head()}\nauthor A <a@example.com> 1700300000 +0000\n"
            f"committer A <a@example.com> 1700300000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n"
            f" iQEzBAABCAAdFiEEabcdefabcdefabcdefabcdefabcdefabcdQUCZZZZZZ\n -----END PGP SIGNATURE-----\n\nsigned\n")
    p = subprocess.run(["git", "-C", str(r.path), "hash-object", "-t", "commit", "-w", "--stdin"], input=body,
                       env=git_env(), capture_output=True, text=True, check=True)
    r.git("update-ref", "refs/heads/signed", p.stdout.strip())
    # staged (for --staged), and a stat-dirty tracked file (so a work-tree diff reads content)
    r.write("staged.env", f"STRIPE_KEY={STAGED}\n")
    r.write("staged.py", "import os\n")
    r.git("add", "staged.env", "staged.py")
    r.write("notes.txt", "hello again\n")
    r.write("app.py", f'TOKEN = "{GITHUB}"\nprint(1)\n')

    def s(name: str, tail: str = "") -> str:
        return _script(bindir / name, mdir / name, tail)

    hooks = tmp_path / "evil-hooks"
    for h in HOOKS:
        _script(hooks / h, mdir / f"hook-{h}")
        _script(r.path / ".git" / "hooks" / h, mdir / f"githook-{h}")
    (r.path / ".git" / "info").mkdir(exist_ok=True)
    cfg = f"""
[core]
\tfsmonitor = {s('fsmonitor')}
\thooksPath = {hooks}
\tpager = {s('core-pager', 'cat')}
\taskPass = {s('askpass')}
\tsshCommand = {s('sshcommand')}
\teditor = {s('editor')}
\tgitProxy = {s('gitproxy')}
\talternateRefsCommand = {s('alternaterefs')}
\tuntrackedCache = true
\tpreloadIndex = true
[pager]
\tlog = {s('pager-log', 'cat')}
\tdiff = {s('pager-diff', 'cat')}
\tshow = {s('pager-show', 'cat')}
\tls-files = {s('pager-lsfiles', 'cat')}
[diff]
\texternal = {s('diff-external')}
[diff "evil"]
\ttextconv = {s('textconv', 'cat "$1"')}
\tcommand = {s('diff-command')}
[merge "evil"]
\tdriver = {s('merge-driver')}
[credential]
\thelper = !{s('credential-helper')}
[filter "evil"]
\tclean = {s('filter-clean', 'cat')}
\tsmudge = {s('filter-smudge', 'cat')}
\trequired = true
[filter "evilproc"]
\tprocess = {s('filter-process')}
\trequired = true
[filter "x=y"]
\tclean = {s('filter-clean-eq', 'cat')}
\trequired = true
[log]
\tshowSignature = true
[gpg]
\tprogram = {s('gpg')}
[gpg "ssh"]
\tprogram = {s('gpg-ssh')}
[sequence]
\teditor = {s('sequence-editor')}
[uploadpack]
\tpackObjectsHook = {s('packobjectshook')}
[protocol]
\tallow = always
[remote "origin"]
\turl = ext::{s('ext-remote')}
\tuploadpack = {s('uploadpack')}
\tfetch = +refs/heads/*:refs/remotes/origin/*
[gc]
\tauto = 1
\tautoDetach = false
[maintenance]
\tauto = true
[include]
\tpath = {tmp_path / 'included.config'}
"""
    (tmp_path / "included.config").write_text(f"[core]\n\tfsmonitor = {s('fsmonitor-included')}\n")
    with open(r.path / ".git" / "config", "a") as fh:
        fh.write(cfg)
    assert markers(mdir) == []
    return r, mdir


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return make_hostile(tmp_path_factory.mktemp("hostile"))


def test_the_hostile_config_is_armed(tmp_path):
    """Control: plain git on this repository does run the planted programs, so the tests
    below would see a marker if credfence let git run them."""
    r, mdir = make_hostile(tmp_path)
    env = git_env()
    subprocess.run(["git", "-C", str(r.path), "diff", "--name-only", "HEAD~1"], env=env, capture_output=True)
    subprocess.run(["git", "-C", str(r.path), "log", "-1", "signed"], env=env, capture_output=True)
    subprocess.run(["git", "-C", str(r.path), "status"], env=env, capture_output=True)
    got = set(markers(mdir))
    assert {"filter-clean", "gpg"} <= got, got
    assert "fsmonitor-included" in got or "fsmonitor" in got, got


def _run_and_check(hostile, args, expect=()):
    r, mdir = hostile
    for m in os.listdir(mdir):  # a failure of an earlier case must not fail this one
        os.unlink(mdir / m)
    out = r.path.parent / "out.json"
    p = cli(*args, env=clean_env(HOME=str(r.path.parent)))
    assert markers(mdir) == [], f"credfence {' '.join(args[:2])} ran repository code: {markers(mdir)}"
    assert_clean_exit(p)
    if expect:
        text = p.stdout + (out.read_text() if out.exists() else "")
        rep = json.loads(text)
        shas = {f["secret_sha256"] for f in rep["findings"]}
        import hashlib
        for secret in expect:
            assert hashlib.sha256(secret.encode()).hexdigest() in shas, f"git did not work: {secret[:6]} not found"
    return p


def test_scan_runs_no_repository_code(hostile):
    r, _ = hostile
    p = _run_and_check(hostile, ["scan", str(r.path), "--format", "json", "-q"], expect=(GITHUB, STRIPE))
    rep = json.loads(p.stdout)
    assert rep["stats"]["commits"] >= 3  # the signed commit's ref too


def test_scan_all_objects_sarif_runs_no_repository_code(hostile):
    r, _ = hostile
    _run_and_check(hostile, ["scan", str(r.path), "--all-objects", "--format", "sarif", "-q", "--jobs", "2"])


def test_scan_staged_runs_no_repository_code(hostile):
    r, _ = hostile
    _run_and_check(hostile, ["scan", str(r.path), "--staged", "--format", "json", "-q"], expect=(STAGED,))


def test_scan_since_runs_no_repository_code(hostile):
    """`--since` compares the work tree with REF: the filter drivers named in
    .gitattributes must not run on the stat-dirty files (they did, before gitcmd blanked them)."""
    r, _ = hostile
    p = _run_and_check(hostile, ["scan", str(r.path), "--since", "HEAD~1", "--format", "json", "-q"],
                       expect=(STRIPE,))
    paths = {loc["path"] for f in json.loads(p.stdout)["findings"] for loc in f["locations"]}
    assert "app.py" in paths  # modified since HEAD~1 in the work tree


def test_scan_text_report_runs_no_repository_code(hostile):
    r, _ = hostile
    _run_and_check(hostile, ["scan", str(r.path)])


@pytest.mark.parametrize("cmd", ["audit", "ignore"])
def test_other_commands_run_no_repository_code(hostile, cmd):
    if cmd not in commands():
        pytest.xfail(f"`credfence {cmd}` does not exist in this build yet")
    r, _ = hostile
    _run_and_check(hostile, [cmd, str(r.path)])


def test_global_config_environment_and_home_are_ignored(tmp_path):
    """The user's ~/.gitconfig, $XDG_CONFIG_HOME/git/config, GIT_CONFIG_SYSTEM and the
    GIT_CONFIG_* / GIT_DIR / GIT_EXTERNAL_DIFF environment could all name programs: none
    of them reaches the git processes credfence runs."""
    mdir = tmp_path / "markers"
    mdir.mkdir()
    home = tmp_path / "home"
    evil = _script(tmp_path / "bin" / "evil", mdir / "evil")
    gcfg = (f"[core]\n\tfsmonitor = {_script(tmp_path / 'bin' / 'fsm', mdir / 'global-fsmonitor')}\n"
            f"\thooksPath = {tmp_path / 'hooks'}\n\tpager = {evil}\n"
            f"[filter \"g\"]\n\tclean = {_script(tmp_path / 'bin' / 'gclean', mdir / 'global-clean', 'cat')}\n"
            f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {evil}\n")
    for h in HOOKS:
        _script(tmp_path / "hooks" / h, mdir / f"hook-{h}")
    (home / ".config" / "git").mkdir(parents=True)
    (home / ".gitconfig").write_text(gcfg)
    (home / ".config" / "git" / "config").write_text(gcfg)
    (tmp_path / "system.config").write_text(gcfg)
    (tmp_path / "attributes").write_text("* filter=g\n")
    r = Repo(tmp_path / "repo")
    r.commit("one", {"app.py": f'TOKEN = "{GITHUB}"\n'})
    r.commit("two", {"b.py": f'K = "{STRIPE}"\n'})
    r.write("app.py", f'TOKEN = "{GITHUB}"\n\n')  # stat-dirty: a work-tree diff reads it
    r.write("new.py", "x = 1\n")
    r.git("add", "new.py")
    env = clean_env(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                    GIT_CONFIG_SYSTEM=str(tmp_path / "system.config"),
                    GIT_CONFIG_COUNT="2", GIT_CONFIG_KEY_0="core.fsmonitor", GIT_CONFIG_VALUE_0=evil,
                    GIT_CONFIG_KEY_1="core.attributesFile", GIT_CONFIG_VALUE_1=str(tmp_path / "attributes"),
                    GIT_CONFIG_PARAMETERS=f"'core.pager={evil}'", GIT_EXTERNAL_DIFF=evil, GIT_PAGER=evil,
                    GIT_SSH_COMMAND=evil, GIT_ASKPASS=evil, GIT_DIR=str(tmp_path / "nowhere"),
                    GIT_WORK_TREE=str(tmp_path), GIT_INDEX_FILE=str(tmp_path / "index"))
    # control: plain git in this environment (without GIT_DIR) does run them
    ctl = dict(env)
    for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        ctl.pop(k)
    subprocess.run(["git", "-C", str(r.path), "diff", "--name-only", "HEAD~1"], env=ctl, capture_output=True)
    assert "global-clean" in markers(mdir)
    for m in os.listdir(mdir):
        os.unlink(mdir / m)
    for args in (["scan", str(r.path), "--format", "json", "-q"],
                 ["scan", str(r.path), "--since", "HEAD~1", "--format", "json", "-q"],
                 ["scan", str(r.path), "--staged", "--format", "json", "-q"]):
        p = cli(*args, env=env)
        assert markers(mdir) == [], (args, markers(mdir))
        assert_clean_exit(p)
        assert json.loads(p.stdout)["findings"] or "--staged" in args


def test_every_git_process_gets_the_safe_environment_and_options(tmp_path):
    """A `git` wrapper first on PATH records each invocation's argv and environment, then
    runs the real git: every call credfence makes has system and global config off and the
    code-running options disabled."""
    real_git = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True).stdout.strip()
    log = tmp_path / "git.log"
    wrap = tmp_path / "wrap"
    wrap.mkdir()
    # one append per call: credfence runs some git processes concurrently, and their
    # records must not interleave
    (wrap / "git").write_text(
        "#!/bin/sh\n"
        f"rec=$({{ printf 'CALL'; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; echo;"
        f" env | grep -E '^(GIT_|HOME=|PAGER=)' | sort; }})\n"
        f"printf '%s\\n' \"$rec\" >> '{log}'\n"
        f"exec '{real_git}' \"$@\"\n")
    (wrap / "git").chmod(0o755)
    r = Repo(tmp_path / "repo")
    r.commit("one", {"app.py": f'TOKEN = "{GITHUB}"\n'})
    r.commit("two", {"b.py": "x = 1\n"})
    r.write("c.py", "y = 2\n")
    r.git("add", "c.py")
    env = clean_env(PATH=f"{wrap}{os.pathsep}{os.environ['PATH']}")
    for args in (["scan", str(r.path), "-q", "--format", "json"], ["scan", str(r.path), "--staged", "-q"],
                 ["scan", str(r.path), "--since", "HEAD~1", "-q"]):
        assert_clean_exit(cli(*args, env=env))
    calls = log.read_text().split("CALL")[1:]
    assert len(calls) >= 8
    subcommands = set()
    for c in calls:
        argv, _, envtext = c.partition("\n")
        envs = dict(line.split("=", 1) for line in envtext.splitlines() if "=" in line)
        assert envs.get("GIT_CONFIG_NOSYSTEM") == "1", argv
        assert envs.get("GIT_CONFIG_GLOBAL") == os.devnull, argv
        assert envs.get("GIT_OPTIONAL_LOCKS") == "0", argv
        assert envs.get("GIT_TERMINAL_PROMPT") == "0", argv
        for opt in ("core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "diff.external=",
                    "credential.helper=", "protocol.allow=never", "log.showSignature=false"):
            assert f"[{opt}]" in argv, (opt, argv)
        assert "[--no-pager]" in argv
        words = [w.strip("[]") for w in argv.split(" [")]
        sub = next(w for i, w in enumerate(words) if i and words[i - 1] not in ("-c", "-C") and not w.startswith("-")
                   and "=" not in w and not w.startswith("/"))
        subcommands.add(sub)
        if sub in ("diff", "log"):
            assert "[--no-textconv]" in argv and "[--no-ext-diff]" in argv, argv
    assert {"ls-files", "log", "cat-file", "diff"} <= subcommands, subcommands


def test_partial_clone_never_fetches_missing_objects(tmp_path):
    """A promisor remote whose URL is an `ext::` command: reading a missing object would
    make git fetch it lazily, running the command. protocol.allow=never stops it; the
    missing object is a counted skip or a warning, not a crash."""
    mdir = tmp_path / "markers"
    mdir.mkdir()
    r = Repo(tmp_path / "repo")
    r.commit("one", {"a.py": f'TOKEN = "{GITHUB}"\n'})
    r.commit("two", {"b.py": f'K = "{STRIPE}"\n'})
    blob = r.git("rev-parse", "HEAD:b.py")
    obj = r.path / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(stat.S_IWUSR | stat.S_IRUSR)
    obj.unlink()
    r.git("config", "core.repositoryformatversion", "1")
    r.git("config", "extensions.partialClone", "origin")
    r.git("config", "remote.origin.promisor", "true")
    r.git("config", "remote.origin.url", f"ext::{_script(tmp_path / 'bin' / 'fetch', mdir / 'fetch')}")
    r.git("config", "protocol.allow", "always")
    r.git("config", "remote.origin.uploadpack", _script(tmp_path / "bin" / "up", mdir / "uploadpack"))
    p = cli("scan", str(r.path), "--format", "json", "-q")
    assert markers(mdir) == []
    # the blob git would have fetched is not there: the scan says so (exit 3), never clean
    assert_clean_exit(p, (2, 3))
    if p.returncode == 3:
        rep = json.loads(p.stdout)
        assert rep["findings"]  # the GitHub token on disk and in history
        assert rep["stats"]["skipped"].get("missing-object") == 1, rep["stats"]


# ---- issue 13.1: no transport, no lazy fetch ---------------------------------------------------
FETCH_ATTACKS = ("ext-promisor", "file-uploadpack", "sparse-index", "vcs-helper", "insteadof", "odd-remote-name")
CREDFENCE_COMMANDS = (["scan"], ["scan", "--no-history"], ["scan", "--staged"], ["audit"], ["baseline"], ["ignore"])


def _drop(r: Repo, oid: str) -> None:
    obj = r.path / ".git" / "objects" / oid[:2] / oid[2:]
    obj.chmod(0o644)
    obj.unlink()


def make_fetch_attack(tmp_path: Path, kind: str) -> tuple[Repo, Path]:
    """A repository that makes git run a marker-writing command the moment it fetches: a
    partial clone (`extensions.partialClone`) missing a tree that every history walk needs,
    whose promisor remote is reached through a transport the repository's own config allows
    (`protocol.<name>.allow=always` beats `-c protocol.allow=never`). `sparse-index` misses
    a sparse directory's tree instead, which `ls-files` and `diff --cached` expand."""
    mdir = tmp_path / "markers"
    mdir.mkdir()
    touch = _script(tmp_path / "bin" / "touch-marker", mdir / kind)
    r = Repo(tmp_path / kind)
    r.commit("one", {"sub/deep/a.txt": "x\n", "app.py": f'TOKEN = "{GITHUB}"\n'})
    r.commit("two", {"sub/deep/b.txt": "y\n", "billing.py": f'K = "{STRIPE}"\n'})
    if kind == "sparse-index":
        r.git("sparse-checkout", "set", "--cone", "--sparse-index", "zzz")
        r.git("config", "index.sparse", "true")
        assert "sub/" in r.git("ls-files", "--sparse")
        _drop(r, r.git("rev-parse", "HEAD:sub"))
    else:
        _drop(r, r.git("rev-parse", "HEAD~1:sub/deep"))
    r.write("staged.py", "x = 1\n")
    r.git("add", "staged.py")
    remote = "origin"
    r.git("config", "core.repositoryformatversion", "1")
    if kind == "odd-remote-name":
        remote = "we=ird"
    r.git("config", "extensions.partialClone", remote)
    cfg = r.path / ".git" / "config"
    with open(cfg, "a") as fh:
        fh.write(f'[remote "{remote}"]\n\tpromisor = true\n\tfetch = +refs/heads/*:refs/remotes/{remote}/*\n')
        if kind == "file-uploadpack":
            src = Repo(tmp_path / "upstream")
            src.commit("one", {"x": "1\n"})
            fh.write(f"\turl = file://{src.path}\n\tuploadpack = {touch}\n[protocol \"file\"]\n\tallow = always\n")
        elif kind == "vcs-helper":
            fh.write(f"\turl = {touch}\n\tvcs = ext\n[protocol \"ext\"]\n\tallow = always\n")
        elif kind == "insteadof":
            fh.write(f"\turl = evil:x\n[url \"ext::{touch} %S \"]\n\tinsteadOf = evil:\n"
                     "[protocol \"ext\"]\n\tallow = always\n")
        else:
            fh.write(f"\turl = ext::{touch}\n[protocol \"ext\"]\n\tallow = always\n[protocol]\n\tallow = always\n")
    return r, mdir


@pytest.mark.parametrize("kind", FETCH_ATTACKS)
def test_the_fetch_attacks_are_armed(tmp_path, kind):
    """Control: plain git, even with `-c protocol.allow=never`, runs the remote's command."""
    r, mdir = make_fetch_attack(tmp_path, kind)
    cmd = ["ls-files"] if kind == "sparse-index" else ["log", "--raw", "--all"]
    subprocess.run(["git", "-C", str(r.path), "-c", "protocol.allow=never", *cmd], env=git_env(),
                   capture_output=True, timeout=60)
    assert markers(mdir) == [kind]


@pytest.fixture(scope="module", params=FETCH_ATTACKS)
def fetch_attack(request, tmp_path_factory):
    return make_fetch_attack(tmp_path_factory.mktemp("fetch"), request.param)


@pytest.mark.parametrize("cmd", CREDFENCE_COMMANDS, ids=" ".join)
def test_no_command_fetches_from_a_hostile_remote(fetch_attack, cmd):
    r, mdir = fetch_attack
    for m in os.listdir(mdir):
        os.unlink(mdir / m)
    args = [*cmd, str(r.path)]
    if cmd[0] == "baseline":
        args += ["--output", str(r.path.parent / "baseline.json")]
    p = cli(*args, env=clean_env(HOME=str(r.path.parent)))
    assert markers(mdir) == [], f"credfence {' '.join(cmd)} ran the remote's command"
    assert_clean_exit(p, (0, 1, 2, 3))
    assert "Could not read from remote" not in p.stderr  # git never got as far as a transport


# ---- issue 13.11: no child process outlives the scan -------------------------------------------
def _session_procs(sid: int) -> list[tuple[int, str, str]]:
    """(pid, state, name) of every process in session sid, zombies included."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                st = fh.read()
        except OSError:
            continue
        name = st[st.index("(") + 1:st.rindex(")")]
        rest = st[st.rindex(")") + 2:].split()
        if int(rest[3]) == sid:
            out.append((int(pid), rest[0], name))
    return out


def _big_history(path: Path, commits: int = 400) -> Repo:
    """A repository with many commits and blobs, made in one `git fast-import`: enough for
    the worker pool, the parallel log walk and cat-file --batch readers."""
    r = Repo(path)
    lines = []
    for i in range(commits):
        body = f"value_{i} = {i * 7919}\n" + ("x" * (i % 50)) + "\n"
        if i == commits // 2:
            body += f'TOKEN = "{GITHUB}"\n'
        data = body.encode()
        lines.append(f"commit refs/heads/main\ncommitter T <t@example.com> {1_700_000_000 + i} +0000\n"
                     f"data 2\nc\nM 100644 inline f{i % 97}/file{i}.py\ndata {len(data)}\n")
        lines.append(body + "\n")
    subprocess.run(["git", "-C", str(r.path), "fast-import", "--quiet"], input="".join(lines).encode(),
                   env=git_env(), check=True, capture_output=True)
    r.git("checkout", "-q", "-f", "main")
    return r


def _run_in_session(args, interrupt_after: float | None = None) -> tuple[int, list]:
    import signal
    import sys
    import time

    from gitrepo import ROOT
    p = subprocess.Popen([sys.executable, "-m", "scanner.cli", *args], cwd=str(ROOT), env=clean_env(),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    if interrupt_after is not None:
        time.sleep(interrupt_after)
        os.killpg(p.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole process group
    try:
        rc = p.wait(timeout=120)
    finally:
        p.stderr.close()
    deadline = time.monotonic() + 2  # the kernel's bookkeeping, not our children's work
    left = _session_procs(p.pid)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = _session_procs(p.pid)
    return rc, left


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory):
    return _big_history(tmp_path_factory.mktemp("big") / "repo")


@pytest.mark.parametrize("args", [["--jobs", "2"], ["--jobs", "1"], ["--all-objects", "--jobs", "2"],
                                  ["--since", "HEAD~50"], ["--staged"], ["--no-history"]], ids=" ".join)
def test_no_git_process_outlives_a_scan(big_repo, args):
    rc, left = _run_in_session(["scan", str(big_repo.path), "--format", "json", "-q", *args])
    assert rc in (0, 1), rc
    assert left == [], f"left behind (pid, state, name): {left}"


def test_no_git_process_outlives_a_failed_history_walk(tmp_path):
    """The walk fails (a corrupt tree) while the probe's readers and the listing run."""
    r = _big_history(tmp_path / "repo", 200)
    tree = r.git("rev-parse", "HEAD~3^{tree}")
    r.git("repack", "-q", "-d")  # loose objects for the corrupt one only
    loose = r.path / ".git" / "objects" / tree[:2] / tree[2:]
    loose.parent.mkdir(exist_ok=True)
    loose.write_bytes(b"\x78\x9cgarbage, not zlib")
    for pk in (r.path / ".git" / "objects" / "pack").glob("*.pack"):
        pk.chmod(0o644)
    rc, left = _run_in_session(["scan", str(r.path), "--format", "json", "-q", "--jobs", "2"])
    assert rc in (1, 3), rc
    assert left == [], left


@pytest.mark.parametrize("after", [0.6, 0.9, 1.2, 1.5, 2.0])
def test_no_git_process_outlives_ctrl_c(big_repo, after):
    rc, left = _run_in_session(["scan", str(big_repo.path), "--format", "json", "-q", "--jobs", "2"], after)
    assert left == [], (rc, left)
    assert rc in (0, 1, 130, -2), rc  # -2: interrupted while Python was still starting


# ---- issue 13.1: a repository owned by another user --------------------------------------------
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a repository away")
def test_another_users_repository_is_refused_unless_trusted(tmp_path):
    """As root, git refuses a repository another user owns (its config could run programs
    as root): credfence does the same with one line, and with --trust-owner scans it
    running nothing from its config."""
    r, mdir = make_hostile(tmp_path)
    for d, dirs, files in os.walk(r.path):
        for n in dirs + files:
            os.lchown(os.path.join(d, n), 65534, 65534)
    os.lchown(r.path, 65534, 65534)
    for cmd in (["scan"], ["scan", "--no-history"], ["audit"], ["ignore"],
                ["baseline", "--output", str(tmp_path / "b.json")]):
        p = cli(cmd[0], str(r.path), *cmd[1:], env=clean_env(HOME=str(tmp_path)))
        assert_clean_exit(p, (2,))
        assert "another user" in p.stderr and "--trust-owner" in p.stderr, p.stderr
    assert markers(mdir) == []
    for cmd in (["scan", "--format", "json", "-q"], ["scan", "--since", "HEAD~1", "--format", "json", "-q"],
                ["scan", "--staged", "--format", "json", "-q"], ["audit"], ["ignore"]):
        p = cli(cmd[0], str(r.path), "--trust-owner", *cmd[1:], env=clean_env(HOME=str(tmp_path)))
        assert markers(mdir) == [], (cmd, markers(mdir))
        assert_clean_exit(p)
    rep = json.loads(cli("scan", str(r.path), "--trust-owner", "--format", "json", "-q").stdout)
    import hashlib
    assert hashlib.sha256(STRIPE.encode()).hexdigest() in {f["secret_sha256"] for f in rep["findings"]}
    assert rep["stats"]["commits"] >= 3


# ---- history a repository hides from the walk --------------------------------------------------
# Each of these leaves the commit that brought a secret in the object store, where `git show`,
# `git reflog` or `git cat-file` still show it to anyone in the clone (an agent too), while
# `git log --all` walks past it. A scan that trusted them reported the repository clean.
OLD = "sk_live_" + "Hidd3nRmn86Xx1XR2hlqeIjuI6Kq"  # credfence: allow (a test's planted key)


def _old_secret_removed(tmp_path) -> tuple[Repo, str, str]:
    """A secret committed, then removed by the next commit: (repo, that commit, the next)."""
    r = Repo(tmp_path / "r")
    first = r.commit("one", {"old.env": f"STRIPE_KEY={OLD}\n"})
    second = r.commit("two", {"old.env": None, "README": "ok\n"})
    return r, first, second


def _scan_json(path: Path, codes=(1,)) -> dict:
    p = cli("scan", str(path), "--format", "json", "-q", env=clean_env())
    assert_clean_exit(p, codes)
    return json.loads(p.stdout)


def _found_old(rep: dict) -> list[dict]:
    import hashlib

    digest = hashlib.sha256(OLD.encode()).hexdigest()
    return [f for f in rep["findings"] if f["secret_sha256"] == digest]


def test_a_grafts_file_does_not_hide_history(tmp_path):
    r, _, second = _old_secret_removed(tmp_path)
    (r.path / ".git" / "info").mkdir(exist_ok=True)
    (r.path / ".git" / "info" / "grafts").write_text(second + "\n")  # "two" has no parent now
    assert r.git("log", "--all", "--format=%H").split() == [second]  # git itself is fooled
    rep = _scan_json(r.path)
    assert _found_old(rep) and rep["stats"]["commits"] == 2


def test_a_forged_commit_graph_does_not_hide_history(tmp_path):
    """The commit-graph file is a cache of the commits' parents that git reads without
    checking; this one says the second commit has none (its checksum recomputed)."""
    import hashlib
    import struct

    r, _, second = _old_secret_removed(tmp_path)
    r.git("commit-graph", "write", "--reachable")
    path = r.path / ".git" / "objects" / "info" / "commit-graph"
    data = bytearray(path.read_bytes())
    assert data[:4] == b"CGPH"
    chunks = {bytes(data[8 + k * 12:12 + k * 12]): struct.unpack(">Q", data[12 + k * 12:20 + k * 12])[0]
              for k in range(data[6] + 1)}
    names, rows = chunks[b"OIDL"], chunks[b"CDAT"]
    k = next(i for i in range((rows - names) // 20) if data[names + i * 20:names + i * 20 + 20] == bytes.fromhex(second))
    data[rows + k * 36 + 20:rows + k * 36 + 24] = struct.pack(">I", 0x70000000)  # "no parent"
    data[-20:] = hashlib.sha1(bytes(data[:-20])).digest()
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    assert r.git("log", "--all", "--format=%H").split() == [second]  # git itself is fooled
    rep = _scan_json(r.path)
    assert _found_old(rep) and rep["stats"]["commits"] == 2


@pytest.mark.parametrize("attributes", ["* -diff\n", "* binary\n"])
def test_attributes_that_make_diffs_say_binary_do_not_hide_history(tmp_path, attributes):
    """One .gitattributes line saying no file has a diff (`-diff`, or `binary`) makes `git
    log -p` print "Binary files differ" instead of the lines: a scanner reading patches
    (betterleaks git, on this repository: "no leaks found") is blind to the whole history.
    credfence reads the blobs themselves, which no attribute changes."""
    r, _, _ = _old_secret_removed(tmp_path)
    r.commit("attributes", {".gitattributes": attributes})
    patches = r.git("log", "--all", "-p")
    assert "Binary files" in patches and OLD not in patches  # git's patches hide it
    rep = _scan_json(r.path)
    assert _found_old(rep) and rep["stats"]["commits"] == 3


def test_a_shallow_file_over_present_history_is_incomplete_not_clean(tmp_path):
    """A real shallow clone lacks the parents of the commits its shallow file names (the
    scan warns and is complete: tests/test_broken_repos.py); one written into a whole
    repository hides the commits behind it: the scan says so and exits 3."""
    import shutil

    r, _, second = _old_secret_removed(tmp_path)
    (r.path / ".git" / "shallow").write_text(second + "\n")
    shutil.rmtree(r.path / ".git" / "logs")  # no reflog names the first commit either
    assert r.git("log", "--all", "--format=%H").split() == [second]
    rep = _scan_json(r.path, codes=(3,))
    gaps = rep["stats"]["incomplete"]
    assert len(gaps) == 1 and "shallow" in gaps[0]["what"] + gaps[0]["reason"], gaps


def test_a_commit_amended_away_is_scanned_from_the_reflog(tmp_path):
    r = Repo(tmp_path / "r")
    r.commit("one", {"README": "ok\n"})
    leaked = r.commit("two", {"app.env": f"STRIPE_KEY={OLD}\n"})
    r.git("rm", "-q", "app.env")
    r.git("commit", "-q", "--amend", "--allow-empty", "-m", "two, without the key")
    assert leaked not in r.git("log", "--all", "--format=%H")  # only `git reflog` shows it
    found = _found_old(_scan_json(r.path))
    assert [loc["commit"] for f in found for loc in f["locations"]] == [leaked]
    assert any("reflog" in n for f in found for n in f["notes"]), found


def test_an_older_stash_is_scanned(tmp_path):
    """`refs/stash` names the newest stash; the older ones are entries of its reflog."""
    r = Repo(tmp_path / "r")
    r.commit("one", {"README": "ok\n"})
    r.write("README", f"STRIPE_KEY={OLD}\n")
    r.stash()
    r.write("README", "something else\n")
    r.stash()
    assert OLD not in r.git("show", "refs/stash")  # the newest stash does not hold it
    found = _found_old(_scan_json(r.path))
    assert found and all(loc["kind"] == "history" for f in found for loc in f["locations"])


@pytest.mark.parametrize("then", ["edited", "deleted"])
def test_a_staged_secret_changed_on_disk_is_found_in_the_index(tmp_path, then):
    """Staged, then edited (or deleted) on disk without staging that: the file holds
    nothing, no commit has it, but `git diff --cached` shows it and the next commit
    records it."""
    r = Repo(tmp_path / "r")
    r.commit("one", {"README": "ok\n"})
    r.write("app.env", f"STRIPE_KEY={OLD}\n")
    r.git("add", "app.env")
    if then == "edited":
        r.write("app.env", "STRIPE_KEY=\n")
    else:
        r.remove("app.env")
    found = _found_old(_scan_json(r.path))
    assert [(loc["kind"], loc["path"]) for f in found for loc in f["locations"]] == [("staged", "app.env")]
    assert any("index" in n for f in found for n in f["notes"]), found
    r.git("commit", "-q", "-m", "two")  # committed: the history holds it, reported once from there
    found = _found_old(_scan_json(r.path))
    assert [loc["kind"] for f in found for loc in f["locations"]] == ["history"]


def test_a_staged_line_already_judged_in_the_history_keeps_its_evidence(tmp_path):
    """The index's version repeats a line the history's version had: the engine takes the
    hit from the line it already judged and reads the blob again for its evidence, which
    needs the path it was scanned as (a warning said the evidence could not be read)."""
    r = Repo(tmp_path / "r")
    r.commit("one", {"settings.py": f'DB_PASSWORD = "{GENERIC_PASSWORD}"\n'})
    r.write("settings.py", f'DB_PASSWORD = "{GENERIC_PASSWORD}"\nDEBUG = False\n')
    r.git("add", "settings.py")
    r.write("settings.py", "DEBUG = False\n")
    p = cli("scan", str(r.path), "--format", "json", "-q", "--jobs", "1", env=clean_env())
    assert_clean_exit(p, (1,))
    rep = json.loads(p.stdout)
    assert rep["warnings"] == []
    kinds = sorted(loc["kind"] for f in rep["findings"] for loc in f["locations"])
    assert kinds == ["history", "staged"], rep["findings"]


@pytest.mark.parametrize("bare_by", ["config", "worktree config", "a gitfile's directory"])
@pytest.mark.parametrize("args", [[], ["--no-history"]])
def test_a_dot_git_that_calls_itself_bare_does_not_hide_the_files(tmp_path, bare_by, args):
    """`core.bare = true` in a `.git` beside the files: git lists none of them (`git status`:
    "must be run in a work tree"), so a scan that takes git's word finds a clean directory,
    while an agent opened there reads every file. The files are scanned, tracked or not."""
    import hashlib

    r = Repo(tmp_path / "r")
    r.commit("one", {"app.cfg": f"token = {GITHUB}\n"})
    r.write(".env", f"STRIPE_KEY={STRIPE}\n")  # untracked, as the agents' .env files are
    if bare_by == "config":
        r.git("config", "core.bare", "true")
    elif bare_by == "worktree config":  # .git/config.worktree, read when the extension is on
        r.git("config", "extensions.worktreeConfig", "true")
        r.git("config", "--worktree", "core.bare", "true")
    else:  # `.git` a file naming the git directory, which says bare
        (r.path / ".git").rename(r.path / "store")
        (r.path / ".git").write_text("gitdir: store\n")
        r.git("--git-dir=store", "config", "core.bare", "true")
    assert subprocess.run(["git", "status"], cwd=r.path, env=git_env(), capture_output=True).returncode != 0
    p = cli("scan", str(r.path), "--format", "json", "-q", *args, env=clean_env())
    assert_clean_exit(p, (1,))
    rep = json.loads(p.stdout)
    where = {hashlib.sha256(s.encode()).hexdigest(): s for s in (GITHUB, STRIPE)}
    seen = {(where.get(f["secret_sha256"]), loc.get("status"), loc["path"])
            for f in rep["findings"] for loc in f["locations"] if loc["kind"] == "worktree"}
    assert {(GITHUB, "tracked", "app.cfg"), (STRIPE, "untracked", ".env")} <= seen, rep["findings"]
    assert any("core.bare" in w for w in rep["warnings"]), rep["warnings"]


# ---- pipes where git reads files ----------------------------------------------------------------
# git opens HEAD, the index, refs, objects and its config includes with plain reads: a pipe
# that nobody writes to (or a terminal) makes every git command wait forever, a hostile
# repository's way to hang a pre-commit hook or a CI job. Each must end in seconds with
# one line, never hang and never pass as clean.
def _pipe_repo(tmp_path) -> Repo:
    r, _, _ = _old_secret_removed(tmp_path)
    r.git("pack-refs", "--all")
    r.commit("three", {"README": "still ok\n"})  # a loose ref and loose objects again
    return r


def _make_pipe(path: Path) -> None:
    if path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


@pytest.mark.parametrize("where", ["HEAD", "index", "packed-refs", "refs/heads/main", "objects/info/alternates",
                                   "info/exclude", "shallow", "logs/HEAD", "a loose object"])
@pytest.mark.parametrize("args", [[], ["--no-history"]])
def test_a_pipe_in_the_git_directory_is_refused_at_once(tmp_path, where, args):
    r = _pipe_repo(tmp_path)
    gd = r.path / ".git"
    if where == "a loose object":
        where = next(str(p.relative_to(gd)) for p in sorted((gd / "objects").glob("??/*")))
    _make_pipe(gd / where)
    p = cli("scan", str(r.path), *args, "--format", "json", "-q", env=clean_env(), timeout=60)
    assert_clean_exit(p, (2,))
    assert f".git/{where} is a pipe or a device" in p.stderr, p.stderr


def test_a_pipe_for_dot_git_is_refused_at_once(tmp_path):
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "a.txt").write_text("hello\n")
    _make_pipe(tmp_path / "w" / ".git")
    p = cli("scan", str(tmp_path / "w"), "--format", "json", "-q", env=clean_env(), timeout=60)
    assert_clean_exit(p, (2,))
    assert "w/.git is a pipe or a device" in p.stderr, p.stderr


def test_a_pipe_named_by_a_config_include_is_an_incomplete_scan(tmp_path):
    """An include outside the git directory (here beside the work tree) is read by every git
    command: credfence gives up on git after CONFIG_SECONDS and says the history was not
    scanned (exit 3), and a work-tree-only scan reads the files itself."""
    r = _pipe_repo(tmp_path)
    _make_pipe(tmp_path / "never")
    with open(r.path / ".git" / "config", "a") as fh:
        fh.write(f"[include]\n\tpath = {tmp_path / 'never'}\n")
    p = cli("scan", str(r.path), "--format", "json", "-q", env=clean_env(), timeout=90)
    assert_clean_exit(p, (3,))
    gaps = json.loads(p.stdout)["stats"]["incomplete"]
    assert gaps and "configuration" in gaps[0]["reason"], gaps


@pytest.mark.parametrize("key", ["core.excludesFile", "core.attributesFile"])
@pytest.mark.parametrize("where", ["outside", "relative"])
def test_a_pipe_named_as_the_excludes_or_attributes_file_is_not_read(tmp_path, key, where):
    """git reads both files for every listing and comparison; a pipe named there is replaced by
    the empty file for credfence's git (the scan completes and finds the history's key)."""
    r = _pipe_repo(tmp_path)
    pipe = tmp_path / "never" if where == "outside" else r.path / "never"
    _make_pipe(pipe)
    r.git("config", key, str(pipe) if where == "outside" else "never")
    rep = _scan_json(r.path)
    assert _found_old(rep)


def test_a_pipe_for_gitattributes_does_not_hang_the_work_tree_scan(tmp_path):
    """`git diff-files` reads the attributes of the tracked paths it compares: a pipe there
    is skipped (every tracked file is read from disk instead) and said, the scan completes."""
    r = _pipe_repo(tmp_path)
    (r.path / "conf").mkdir()
    (r.path / "conf" / "app.env").write_text(f"STRIPE_KEY={OLD}\n")
    r.git("add", "conf/app.env")
    _make_pipe(r.path / "conf" / ".gitattributes")
    p = cli("scan", str(r.path), "--format", "json", "-q", env=clean_env(), timeout=60)
    assert_clean_exit(p, (1,))
    rep = json.loads(p.stdout)
    assert any("conf/.gitattributes is a pipe or a device" in w for w in rep["warnings"]), rep["warnings"]
    assert any(loc["path"] == "conf/app.env" for f in _found_old(rep) for loc in f["locations"])
