"""Issue 13.7 (generated): every git configuration key that names a program or command,
taken from `git help --config` on this machine's git, set in one hostile repository's
.git/config to a script that writes a marker named after the key; every credfence command
runs on it, and no marker may appear. A key git adds in a later version is picked up by
the same pattern; the test fails if the list shrinks below what it must cover."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from gitrepo import Repo, git_env
from helpers import GITHUB, STRIPE, assert_clean_exit, clean_env, cli

# a key names a program when its last part says so...
PROGRAM = re.compile(r"(command|cmd|program|helper|editor|pager|proxy|textconv|driver|askpass|fsmonitor|hookspath"
                     r"|hook|clean|smudge|process|uploadpack|receivepack|external|vcs|browser|tool|path|<cmd>)$", re.I)
# ...except these, which hold a flag, a number, a URL or a file to read, not a program
NOT_PROGRAMS = {
    "advice.ignoredhook", "color.pager", "column.clean", "clean.requireforce", "core.fsmonitorhookversion",
    "fsmonitor.allowremote", "diff.<driver>.cachetextconv", "fsck.gitmodulespath", "receive.fsck.gitmodulespath",
    "help.htmlpath", "http.proxy", "remote.<name>.proxy", "http.sslcapath", "instaweb.modulepath",
    "gpg.ssh.allowedsignersfile", "gpg.ssh.revocationfile", "include.path", "includeif.<condition>.path",
    "gitcvs.dbdriver", "merge.<driver>.name", "merge.<driver>.recursive", "diff.guitool", "diff.tool",
    "merge.guitool", "merge.tool", "http.proxysslcapath", "core.hookspath", "mailinfo.scissors",
    "sendemail.smtpsslcertpath", "core.excludesfile", "core.attributesfile", "blame.ignorerevsfile",
    "commit.template", "core.worktree", "mailmap.file", "http.cookiefile", "advice.updatesparsepath",
    "advice.waitingforeditor", "core.quotepath", "credential.usehttppath",
}
# programs git runs that `git help --config` (2.39) does not list under these names
EXTRA = ["filter.<driver>.process", "credential.<url>.helper"]
MUST_COVER = {"core.fsmonitor", "core.sshcommand", "core.pager", "core.editor", "core.askpass", "core.gitproxy",
              "core.alternaterefscommand", "credential.helper", "diff.external", "diff.<driver>.textconv",
              "diff.<driver>.command", "filter.<driver>.clean", "filter.<driver>.smudge", "merge.<driver>.driver",
              "gpg.program", "gpg.<format>.program", "sequence.editor", "remote.<name>.uploadpack",
              "remote.<name>.receivepack", "uploadpack.packobjectshook", "pager.<cmd>"}
PAGED = ("log", "diff", "show", "cat-file", "ls-files", "rev-list", "rev-parse", "for-each-ref", "config",
         "diff-files", "status", "fetch")


def program_keys() -> list[str]:
    out = subprocess.run(["git", "help", "--config"], capture_output=True, text=True, env=git_env()).stdout
    keys = sorted({k.strip() for k in out.splitlines() if k.strip() and " " not in k.strip()})
    return [k for k in keys if PROGRAM.search(k) and k.lower() not in NOT_PROGRAMS] + EXTRA


def _concrete(key: str) -> list[str]:
    subs = {"<driver>": ["gen"], "<name>": ["origin"], "<tool>": ["gen"], "<format>": ["openpgp", "x509", "ssh"],
            "<cmd>": list(PAGED), "<url>": ["https://example.com"], "<command>": ["amend"]}
    out = [key]
    for ph, vals in subs.items():
        out = [k.replace(ph, v) for k in out for v in vals] if ph in key else out
    return [k for k in out if "<" not in k]


def make_repo(tmp_path: Path) -> tuple[Repo, Path, list[str]]:
    mdir = tmp_path / "markers"
    mdir.mkdir()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    r = Repo(tmp_path / "repo")
    r.commit("one", {"app.py": f'TOKEN = "{GITHUB}"\n', "notes.txt": "hi\n",
                     ".gitattributes": "* filter=gen diff=gen merge=gen\n"})
    r.commit("two", {"billing.py": f'K = "{STRIPE}"\n'})
    r.write("staged.py", "x = 1\n")
    r.git("add", "staged.py")
    (r.path / "notes.txt").write_text("hi\n")  # stat-dirty: git must read it to compare
    os.utime(r.path / "notes.txt", (1, 1))
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for h in ("pre-commit", "post-checkout", "reference-transaction", "post-index-change", "fsmonitor-watchman",
              "pre-auto-gc", "post-merge", "pre-push"):
        (hooks / h).write_text(f"#!/bin/sh\ntouch '{mdir / ('hook-' + h)}'\n")
        (hooks / h).chmod(0o755)
    lines = [f"[core]\n\thooksPath = {hooks}\n[remote \"origin\"]\n\turl = ext::{bindir / 'fetch'} %S\n"
             "\tpromisor = true\n[protocol]\n\tallow = always\n[log]\n\tshowSignature = true\n"]
    (bindir / "fetch").write_text(f"#!/bin/sh\ntouch '{mdir / 'remote-fetch'}'\n")
    (bindir / "fetch").chmod(0o755)
    covered = []
    for key in program_keys():
        for k in _concrete(key):
            name = re.sub(r"[^A-Za-z0-9_.-]", "_", k)
            script = bindir / name
            script.write_text(f"#!/bin/sh\ntouch '{mdir / name}'\ncat\n")
            script.chmod(0o755)
            section, _, rest = k.partition(".")
            sub, _, var = rest.rpartition(".")
            head = f'[{section} "{sub}"]' if sub else f"[{section}]"
            lines.append(f"{head}\n\t{var} = {script}\n")
        covered.append(key.lower())
    with open(r.path / ".git" / "config", "a") as fh:
        fh.write("".join(lines))
    return r, mdir, covered


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("keys"))


def test_the_generated_keys_cover_what_they_must(hostile):
    _, _, covered = hostile
    assert MUST_COVER <= set(covered), MUST_COVER - set(covered)
    assert len(covered) >= 35, covered


def test_the_generated_config_is_armed(tmp_path):
    """Control: plain git on the repository runs some of the planted programs."""
    r, mdir, _ = make_repo(tmp_path)
    for args in (["status"], ["diff", "HEAD~1"], ["log", "-p", "-1", "--textconv"]):
        subprocess.run(["git", "-C", str(r.path), *args], env=git_env(), capture_output=True, timeout=60)
    got = set(os.listdir(mdir))
    assert "core.fsmonitor" in got and {"filter.gen.clean", "filter.gen.process"} & got, got


COMMANDS = (["scan"], ["scan", "--no-history"], ["scan", "--staged"], ["scan", "--since", "HEAD~1"],
            ["scan", "--all-objects", "--format", "sarif"], ["audit"], ["baseline"], ["ignore"], ["ignore", "--write"])


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_no_planted_program_runs(hostile, cmd):
    r, mdir, _ = hostile
    for m in os.listdir(mdir):
        os.unlink(mdir / m)
    args = [cmd[0], str(r.path), *cmd[1:]]
    if cmd[0] == "baseline":
        args += ["--output", str(r.path.parent / "baseline.json")]
    p = cli(*args, env=clean_env(HOME=str(r.path.parent)), timeout=120)
    assert sorted(os.listdir(mdir)) == [], f"credfence {' '.join(cmd)} ran: {sorted(os.listdir(mdir))}"
    assert_clean_exit(p, (0, 1))
