"""The command line: audit, scan, ignore, baseline, demo.

Exit codes: 0 nothing to report, 1 findings (or drift for `ignore --check`), 2 usage or
operational error, always as one line on stderr and never a traceback (set
CREDFENCE_DEBUG=1 to see one), 3 the scan could not cover all it was asked to (a ref, an
object, a file, a submodule: `stats.incomplete` and the report say what), never clean.
"""
from __future__ import annotations

import functools
import io
import os
import signal
import sys


def _interrupted_early(signum, frame):  # pragma: no cover - timing-dependent
    # Ctrl-C while the modules below are still importing: nothing has started yet, so
    # there is nothing to stop; one line and 130, not an import traceback or "Aborted!"
    os.write(2, b"credfence: interrupted\n")
    os._exit(130)


if __name__ == "__main__" or os.path.basename(sys.argv[0]) == "credfence":
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted_early)
from scanner import regex_cache  # noqa: E402 - after the start-up Ctrl-C handler

regex_cache.warm()  # before the modules below compile their patterns
from pathlib import Path  # noqa: E402 - after the start-up Ctrl-C handler

import click  # noqa: E402 - after the start-up Ctrl-C handler

from scanner import __version__  # noqa: E402 - after the start-up Ctrl-C handler
from scanner.model import SEVERITIES, SEVERITY_RANK  # noqa: E402 - after the start-up Ctrl-C handler

from scanner.errors import CredfenceError  # noqa: E402 - after the start-up Ctrl-C handler
from scanner.model import CONFIDENCES  # noqa: E402 - after the start-up Ctrl-C handler
from scanner.report import Report, formats, formats_help  # noqa: E402 - after the start-up Ctrl-C handler
from scanner.run import (EXIT_ERROR, EXIT_FINDINGS, EXIT_INCOMPLETE, ScanSettings, exit_code,  # noqa: E402, F401
                         root_of, run)



def _trust_owner(ctx, param, value):
    if value:
        from scanner import gitcmd
        gitcmd.trust_owner(True)
    return value


def _outside_allowed() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get("credfence.allow_outside_git_dir"))


def _allow_outside(ctx, param, value):
    if value:
        ctx.meta["credfence.allow_outside_git_dir"] = True
    return value


# git-safety flags every command that reads a repository takes (handled by callbacks, so
# the commands' own signatures do not change)
GIT_SAFETY_OPTIONS = [
    click.option("--trust-owner", is_flag=True, expose_value=False, callback=_trust_owner,
                 help="Scan a repository another user owns (git refuses those; credfence runs nothing from them)."),
    click.option("--allow-outside-git-dir", is_flag=True, expose_value=False, callback=_allow_outside,
                 help="Scan even when .git, its common dir, alternates or core.worktree lead outside PATH."),
]


def git_safety_options(fn):
    for o in reversed(GIT_SAFETY_OPTIONS):
        fn = o(fn)
    return fn


def _exit(report: Report, command: str, said: bool = False) -> None:
    """Exit with what the report means (scanner/run.py exit_code), or return when that is 0.
    An incomplete scan's gaps are each a line on stderr unless the report on the terminal
    (`said`) lists them."""
    code = exit_code(report, command)
    if code == EXIT_INCOMPLETE and not said:
        for i in report.result.incomplete:
            click.echo(f"credfence: incomplete: {_one_line(i['what'])}: {_one_line(i['reason'])}", err=True)
    if code:
        sys.exit(code)


def _one_line(x) -> str:
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in str(x))


class Fatal(CredfenceError):
    """An operational error of the command line itself: one line for the user, exit 2."""


def _raised_at(e: BaseException) -> str:
    """' at scanner/engine.py:413 in match_spans', the innermost frame of credfence's own
    code where e was raised; in a worker process (multiprocessing hands its traceback over
    as the text of e.__cause__), ' ... in a worker'. File, line and function only: never
    the exception's message, which could quote scanned content."""
    import re
    import traceback

    root = Path(__file__).resolve().parent.parent
    remote = getattr(e.__cause__, "tb", None)
    if isinstance(remote, str):
        # the frames only: they end at the first line that is not indented, the exception's
        # own, whose message (scanned content, maybe) could be shaped like a frame
        frames = []
        lines = remote.split("\n")
        start = next((k + 1 for k, text in enumerate(lines) if text.startswith("Traceback (most recent call last)")), len(lines))
        for text in lines[start:]:
            if text and not text.startswith(" "):
                break
            m = re.fullmatch(r'  File "(.+)", line (\d+), in ([\w<>.]+)', text)
            if m:
                frames.append((m[1], int(m[2]), m[3]))
    else:
        frames = [(f.filename, f.lineno or 0, f.name) for f in traceback.extract_tb(e.__traceback__)]
    for file, line, func in reversed(frames):
        path = Path(file)
        if path.is_relative_to(root) and path.relative_to(root).parts[0] in ("scanner", "detectors"):
            where = f" at {path.relative_to(root).as_posix()}:{line} in {func}"
            return where + (" in a worker" if isinstance(remote, str) else "")
    return ""


def guarded(fn):
    """Turn every failure into one line and exit 2; never a traceback, never a secret."""

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except KeyboardInterrupt:
            click.echo("credfence: interrupted", err=True)
            sys.exit(130)
        except Exception as e:  # noqa: BLE001 - this is the one place errors become exit codes
            if os.environ.get("CREDFENCE_DEBUG"):
                raise
            if isinstance(e, CredfenceError):
                msg = str(e).splitlines()[0] if str(e) else type(e).__name__
                msg = msg if len(msg) <= 400 else msg[:400] + "…"
            elif isinstance(e, OSError):
                msg = f"{e.strerror or 'I/O error'}: {e.filename or ''}".rstrip(": ")
            else:
                # the message of an unexpected error could quote scanned content: keep it out,
                # and say where it was raised (a rare failure cannot be rerun at will)
                msg = f"internal error ({type(e).__name__}{_raised_at(e)}); rerun with CREDFENCE_DEBUG=1 for details"
            from scanner.redact import escape_terminal
            # a message may quote a file name or a configuration value: never a control
            # character on the user's terminal, never a second line
            click.echo(f"credfence: {escape_terminal(msg)}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="credfence")
def main() -> None:
    """credfence: which credentials can an AI coding agent see, which of them can hurt
    production, and are they kept out of its reach."""
    _stop_on_ctrl_c()


def _stop_on_ctrl_c() -> None:
    """Ctrl-C (or SIGTERM) ends credfence at once, leaving no process behind: the worker
    processes and every git process are stopped and waited for, and the exit is 130 (143).
    A KeyboardInterrupt unwinding through thread joins and the worker pool's own shutdown
    could hang, and left git processes unreaped (issue 13.11)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    from scanner import gitcmd

    gitcmd.become_subreaper()

    def interrupted(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            sys.stderr.write("credfence: interrupted\n" if signum == signal.SIGINT else "credfence: terminated\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        gitcmd.stop_children()
        os._exit(128 + signum)

    # SIGTERM (kill, a CI runner's timeout) too: its default action killed only this
    # process, and the worker processes and their git readers went on without it
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:
        signal.signal(signal.SIGTERM, interrupted)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return  # started in the background by a shell: Ctrl-C was never ours
    signal.signal(signal.SIGINT, interrupted)


def scan_options(fn):
    opts = [
        click.option("--history/--no-history", default=None, help="Scan every commit on every ref (default in a repository)."),
        click.option("--since", metavar="REF", help="Only commits not reachable from REF, and files changed since REF."),
        click.option("--all-objects", is_flag=True,
                     help="Also scan unreachable objects: those no ref, reflog entry or the index reaches "
                          "(a dropped stash, a rewrite whose reflog expired)."),
        click.option("--min-severity", type=click.Choice(SEVERITIES), default=None,
            help="Report findings at or above this severity (default: low). info is the level of "
            "public-by-design values, which are never reported as findings."),
        click.option("--min-confidence", type=click.Choice(CONFIDENCES), default=None,
            help="Report findings at least this sure to be real credentials (default: low, i.e. all): high = checksummed "
            "or structured, medium = a provider's pattern, low = a generic guess."),
        click.option("--context", "context_lines", type=click.IntRange(0, 20), default=0, metavar="N", help="Lines shown around each matched line (secrets "
            "redacted in place)."),
        click.option("--baseline", "baseline_path", type=click.Path(), help="Accepted findings (default: .credfence-baseline.json or .secrets.baseline)."),
        click.option("--no-baseline", is_flag=True, help="Ignore any baseline file."),
        click.option("--task-paths", multiple=True, metavar="GLOB", help="Files the agent's task concerns (repeatable)."),
        click.option("--task", "task_text", metavar="TEXT", help="The task in words, matched against paths and names."),
        click.option("--jobs", "-j", type=click.IntRange(0, 256), default=0, help="Worker processes; 0 (the default) means one per core."),
        click.option("--show-secrets", is_flag=True, help="Print full secrets. Never use in CI logs."),
        click.option("--config", "config_path", type=click.Path(), help="Configuration file (default: .credfence.yaml or pyproject.toml)."),
        click.option("--max-file-size", type=click.IntRange(1), default=None, help="Skip files larger than this many bytes."),
        click.option("--recurse-submodules", is_flag=True, help="Scan nested repositories and submodules too."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar; only the report."),
        *GIT_SAFETY_OPTIONS,
    ]
    for o in reversed(opts):
        fn = o(fn)
    return fn


def _emit(command: str, fmt: str, output: str | None, report) -> None:
    """The report in `fmt` on stdout (no `output`, or `-` as other tools take it), or written
    to `output` (mode 0600) with a summary on stderr."""
    from scanner.outfile import write_private
    from scanner.report import reporter
    from scanner.report.text import summary_line

    mod = reporter(command, fmt)
    if not output or output == "-":
        mod.render(report, sys.stdout)
        sys.stdout.flush()
        return
    if hasattr(mod, "write_file"):
        mod.write_file(report, output)
    else:
        buf = io.StringIO()
        mod.render(report, buf)
        write_private(output, buf.getvalue().encode("utf-8"))
    click.echo(summary_line(report.findings, report.result.stats) + f"; report written to {output}", err=True)


def _scan_target(paths: tuple[str, ...]) -> dict:
    """What `scan` was given: a directory (the full scan), `-` (standard input), or files."""
    if not paths:
        return {"path": "."}
    if paths == ("-",):
        return {"path": ".", "source": "stdin"}
    if len(paths) == 1 and not os.path.isfile(paths[0]):
        return {"path": paths[0]}  # a directory (or an error _root explains)
    for p in paths:
        if p == "-":
            raise Fatal("`-` (standard input) cannot be combined with file names")
        if not os.path.lexists(p):
            raise Fatal(f"{p}: no such file or directory")
        if os.path.isdir(p) and not os.path.islink(p):
            raise Fatal(f"{p}: a directory among file names; give one directory, or files")
    from scanner import gitcmd

    top = gitcmd.toplevel(Path.cwd()) if gitcmd.git_available() else None
    return {"path": str(top or Path.cwd()), "source": "files", "inputs": paths}


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH | - | FILE...]")
@scan_options
@click.option("--staged", is_flag=True, help="Scan the staged content (the index), not the working copy.")
@click.option("--stdin-name", metavar="NAME", help="With `-`: the file name to parse standard input as (e.g. .env).")
@click.option("--format", "fmt", type=click.Choice(formats("scan")), default="text", help=formats_help("scan"))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE (mode 0600); `-`: standard output.")
@guarded
def scan(paths, fmt, output, show_secrets, staged, **kw):
    """Scan for credentials: PATH (default: .), the workspace as an agent sees it and the git
    history; `-`, standard input; FILE..., exactly those files (what pre-commit passes).

    Exit 1 when findings at or above --min-severity remain after the baseline."""
    target = _scan_target(paths)
    if target.get("source"):
        given = [name for name, on in (("--staged", staged), ("--history", kw.get("history")),
                                       ("--since", kw.get("since")), ("--all-objects", kw.get("all_objects")),
                                       ("--recurse-submodules", kw.get("recurse_submodules"))) if on]
        if given:
            raise Fatal(f"{given[0]} applies to a directory scan, not to "
                        + ("standard input" if target["source"] == "stdin" else "named files"))
    st = ScanSettings.of(kw, staged=staged, agent_view=fmt != "hook", show_secrets=show_secrets,
                         allow_outside_git_dir=_outside_allowed(), **target)
    report = run(st)
    result, findings = report.result, report.findings
    if not staged and not kw.get("since") and not target.get("source"):
        _refresh_guard(result.root, findings, credential_paths(findings, "medium"), create=False, quiet=True)
    if staged and fmt == "text" and not output:
        fmt = "hook"
    _emit("scan", fmt, output, report)
    _exit(report, "scan", fmt == "text" and not output)


def _agents_for(root: Path, spec: str | None, cfg) -> tuple[list[str], list[str]]:
    from scanner.agents import detect_configured, resolve_agents

    if spec is None:
        conf = cfg.agents if cfg is not None else None
        spec = ",".join(conf) if isinstance(conf, list) else (conf or "auto")
    try:
        return resolve_agents(root, spec), detect_configured(root)
    except ValueError as e:
        # Fatal, not click.UsageError: the error must be one line on stderr (exit 2), and
        # UsageError prints a three-line usage banner first
        raise Fatal(str(e)) from None


def credential_paths(findings, threshold: str) -> list[str]:
    """Files to hide: every file holding a finding at or above the threshold, and every
    file holding one outside the task, whatever its severity (link and target both).
    Low-confidence findings (generic guesses, documentation examples) are reported for
    review and never hide a file: an agent may need it (issue 15)."""
    out: set[str] = set()
    for f in findings:
        if getattr(f, "confidence", "medium") == "low":
            continue
        if SEVERITY_RANK[f.blast.severity] >= SEVERITY_RANK[threshold] or f.task_related is False:
            out.update(f.worktree_paths)
    return sorted(out)


@main.command()
@click.argument("path", default=".", type=click.Path(file_okay=True, dir_okay=True))
@scan_options
@click.option("--agents", "agents_spec", metavar="auto|all|LIST", help="Agents to check (default: auto: those configured here, else all).")
@click.option("--format", "fmt", type=click.Choice(formats("audit")), default="text", help=formats_help("audit"))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE (mode 0600); `-`: standard output.")
@guarded
def audit(path, agents_spec, fmt, output, show_secrets, **kw):
    """Before an agent is let in: what it could see, what that can hurt, and whether it is hidden.

    Workspace and history, blast radius, and per agent configured here which credential
    files its file tools could read today. Exit 1 when a critical or high exposure is not
    hidden (a history-only finding of low confidence is listed but does not fail it)."""
    if agents_spec:
        _agents_for(root_of(path), agents_spec, None)  # a bad --agents fails before the scan
    report = run(ScanSettings.of(kw, path=path, title="credfence audit", show_secrets=show_secrets,
                                 allow_outside_git_dir=_outside_allowed()))
    report.agents, report.configured = _agents_for(report.result.root, agents_spec, report.config)
    _emit("audit", fmt, output, report)
    _exit(report, "audit", fmt == "text" and not output)


@main.command()
@click.argument("path", default=".", type=click.Path())
@click.option("--write", is_flag=True, help="Write the files (default: show the diff only).")
@click.option("--check", is_flag=True, help="Exit 1 when an agent file is out of date, naming the credential files it does not hide (CI, pre-commit); "
    "with --agents auto, only agents configured in the repository are checked.")
@click.option("--agents", "agents_spec", metavar="auto|all|LIST", help="Agents to write for (default: auto: those configured here, else all; "
    "--check: only those configured here).")
@click.option("--min-severity", "threshold", type=click.Choice(SEVERITIES), default=None,
              help="Hide files holding findings at or above this severity (default: medium).")
@click.option("--task-paths", multiple=True, metavar="GLOB", help="Files the task concerns; credentials outside are always hidden.")
@click.option("--task", "task_text", metavar="TEXT", help="The task in words.")
@click.option("--baseline", "baseline_path", type=click.Path(), help="Accepted findings file.")
@click.option("--config", "config_path", type=click.Path(), help="Configuration file.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary and errors.")
@click.option("--hooks", is_flag=True, help="Also install `credfence guard` in the agents' hooks (Claude Code, Codex, Gemini CLI, Cursor).")
@click.option("--sandbox", is_flag=True, help="Also turn on Claude Code's OS sandbox with the credential files denied (opt-in).")
@git_safety_options
@guarded
def ignore(path, write, check, agents_spec, threshold, task_paths, task_text, baseline_path, config_path, quiet,
           hooks=False, sandbox=False):
    """Generate or update the agents' ignore and deny files for every credential file on disk.

    Shows the diff it would make; --write applies it; --check fails when a file is out of date."""
    from scanner import agents as agentmod

    if write and check:
        raise click.UsageError("--write and --check exclude each other")
    if agents_spec:
        _agents_for(root_of(path), agents_spec, None)  # a bad --agents fails before the scan
    report = run(ScanSettings(
        path=path, history=False, task_paths=tuple(task_paths), task_text=task_text, config_path=config_path,
        quiet=True, min_severity="info", baseline_path=baseline_path, allow_outside_git_dir=_outside_allowed()))
    result, findings, cfg = report.result, report.findings, report.config
    threshold = threshold or (cfg.ignore_threshold if cfg is not None else None) or "medium"
    agents, configured = _agents_for(result.root, agents_spec, cfg)
    if check and not configured and (agents_spec or (cfg.agents if cfg is not None else "auto")) == "auto":
        # no agent is configured here: no agent file is owed (a repository without agents
        # must not fail every pull request); --agents all|LIST checks them anyway
        if not quiet:
            click.echo("no AI agent is configured in this repository: no agent file to check "
                       "(--agents all checks every agent's files)")
        return
    paths = credential_paths(findings, threshold)
    secrets = [f.secret for f in result.findings]

    def show(text: str, block: bool = False) -> str:
        """Agent files are repository content: secrets redacted, controls escaped."""
        from scanner.detect import secrets_in_text
        from scanner.redact import escape_terminal, redact_text
        return escape_terminal(redact_text(text, secrets, secrets_in_text if block else None), keep_newlines=block)

    paths, unnameable = _agent_nameable(paths)
    for p in unnameable:
        click.echo(f"warning: {show(p)}: its name holds a line break, NUL or bytes that are not UTF-8, which an "
                   "agent's ignore file cannot express; it is left out of them (rename the file to hide it)", err=True)
    changes = agentmod.plan(result.root, paths, agents, hooks=hooks, sandbox=sandbox)
    errors = [c for c in changes if c.error]
    for c in errors:
        msg = c.error if c.path and c.error.startswith(c.path) else f"{c.path}: {c.error}"
        click.echo(f"credfence: {show(msg)}", err=True)
    for c in changes:
        for conflict in c.conflicts:
            click.echo(f"conflict: {show(c.path or '')}: {show(conflict)}", err=True)
    stale = [c for c in changes if c.changed]
    if check:
        view = agentmod.AgentView(result.root)
        for c in stale:
            open_ = [p for p in paths if c.agent not in view.hidden_from(p)]
            why = ("does not hide " + ", ".join(show(p) for p in open_)) if open_ else "holds entries for files that no longer hold a credential"
            click.echo(f"out of date: {show(c.path or '')} ({agentmod.AGENTS[c.agent].human}) {why}")
        if stale or errors:
            what = [f"{len(stale)} agent file(s) out of date (run `credfence ignore --write`)"] if stale else []
            what += [f"{len(errors)} agent file(s) leave a credential readable (fix the lines reported above)"] if errors else []
            click.echo("credfence: " + "; ".join(what), err=True)
            sys.exit(EXIT_FINDINGS)
        if not quiet:
            click.echo(f"agent files up to date: {len(paths)} credential file(s) hidden from {len(agents)} agent(s)")
        _exit(report, "ignore")
        return
    if write:
        if errors:
            raise Fatal(f"{len(errors)} agent file(s) could not be updated; nothing was written")
        written = set(agentmod.apply(result.root, stale))
        for c in changes:
            if c.path is None:
                continue
            if c.path in written:
                click.echo(f"{'removed' if c.new is None else 'wrote'} {show(c.path)}")
            elif not quiet:
                click.echo(f"unchanged {show(c.path)}")
        _refresh_guard(result.root, findings, paths, create=True, quiet=quiet)
        n = len(written)
        click.echo(f"{len(paths)} credential file(s) hidden from {len(agents)} agent(s); {n} file(s) changed")
        if hooks or sandbox:
            from scanner.agents.hooks import requirements
            for line in requirements(agents, sandbox, hooks):
                click.echo(f"note: {line}")
    else:
        if not quiet:
            for c in stale:
                diff = show(c.diff, block=True)
                click.echo(diff, nl=not diff.endswith("\n"))
        click.echo(f"{len(stale)} agent file(s) would change for {len(paths)} credential file(s); rerun with --write",
                   err=True)
    for c in changes:
        if c.note and not quiet:
            click.echo(show(c.note))
    _exit(report, "ignore")


def _agent_nameable(paths: list[str]) -> tuple[list[str], list[str]]:
    """(names an agent file can hold, names none can): a line break or NUL ends a pattern
    line, and bytes that are not UTF-8 have no form in JSON, TOML or the agents' UTF-8
    readers. One such name must not stop every agent file from being written."""
    ok, bad = [], []
    for p in paths:
        if "\n" in p or "\r" in p or "\0" in p or any("\ud800" <= ch <= "\udfff" for ch in p):
            bad.append(p)
        else:
            ok.append(p)
    return ok, bad


def _refresh_guard(root, findings, paths, create: bool, quiet: bool) -> None:
    """Write (or, when it exists, refresh) `credfence guard`'s state: hashes and paths only."""
    from scanner import guard as guardmod

    target = guardmod.state_path(str(root))
    if target is None or (not create and not os.path.exists(target)):
        return
    if not create:
        # a scan refreshes the hashes; the files `ignore` chose to hide (its threshold and task)
        # stay while they exist
        try:
            old = guardmod.load_state(str(root))
            paths = sorted(set(paths) | {f["path"] for f in old["files"]
                                         if isinstance(f.get("path"), str) and os.path.lexists(os.path.join(root, f["path"]))})
        except (OSError, ValueError):
            pass
    guardmod.write_state(root, findings, paths)
    if not quiet:
        click.echo(f"guard state: {target} (hashes and paths only, mode 0600)")


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--agent", type=click.Choice(["claude-code", "codex", "gemini-cli", "cursor"]), default=None,
              help="The agent whose hook JSON arrives on stdin (default: from the event's name).")
@click.option("--fail-closed", is_flag=True, help="Deny when the guard's state is missing or broken.")
def guard(agent, fail_closed):
    """Hook command: read an agent's hook JSON on stdin and deny a tool call that reads a credential
    file or carries a known credential's value. Installed by `credfence ignore --write --hooks`
    as `credfence-guard` (the same code with a lighter start)."""
    from scanner import guard as guardmod

    argv = (["--agent", agent] if agent else []) + (["--fail-closed"] if fail_closed else [])
    sys.exit(guardmod.run(argv, sys.stdin, sys.stdout, sys.stderr))


@main.command()
@click.argument("path", default=".", type=click.Path())
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Baseline file (default: PATH/.credfence-baseline.json).")
@click.option("--history/--no-history", default=None, help="Include history findings (default in a repository).")
@click.option("--config", "config_path", type=click.Path(), help="Configuration file.")
@git_safety_options
@guarded
def baseline(path, output, history, config_path):
    """Record the current findings as accepted (hashes and redacted forms only, never a secret).

    Later scans report only what is new. detect-secrets' .secrets.baseline is read too."""
    from scanner.baseline import write_baseline

    report = run(ScanSettings(path=path, history=history, config_path=config_path, quiet=True, min_severity="info",
                              no_baseline=True, agent_view=False, allow_outside_git_dir=_outside_allowed()))
    result, findings = report.result, report.findings
    from scanner.baseline import hashable
    from scanner.redact import MIN_SECRET_LEN, escape_terminal

    target = Path(output) if output else result.root / ".credfence-baseline.json"
    short = [f for f in findings if not hashable(f)]
    if short:
        click.echo(f"warning: {len(short)} finding(s) with a secret shorter than {MIN_SECRET_LEN} characters are not "
                   "recorded (a hash of so short a value can be reversed); mark their lines `credfence: allow` "
                   "instead", err=True)
    write_baseline(target, findings, repository_file=not output)
    click.echo(f"{len(findings) - len(short)} finding(s) accepted in {escape_terminal(str(target))}")
    _exit(report, "baseline")


@main.command()
@click.option("--keep", type=click.Path(file_okay=False), help="Build the demo repository in this directory.")
@guarded
def demo(keep):
    """Reproduce the incident in a throwaway repository, audit it, hide the credentials, audit again."""
    from scanner import demo as demomod

    root = demomod.build(Path(keep) if keep else None)
    con_echo = click.echo
    con_echo(f"Demo repository: {root}")
    con_echo(f"The agent's task: {demomod.TASK!r} (task paths: {', '.join(demomod.TASK_PATHS)})\n")
    args = [str(root), "--task-paths", *demomod.TASK_PATHS, "--quiet"]
    con_echo("=== 1. credfence audit, before ===")
    _invoke(audit, args)
    con_echo("\n=== 2. credfence ignore --write ===")
    _invoke(ignore, [str(root), "--write"] + ["--task-paths", *demomod.TASK_PATHS])
    con_echo("\n=== 3. credfence audit, after ===")
    _invoke(audit, args)
    con_echo("\n=== 4. credfence guard: the agent's call from the incident, before it runs ===")
    shown, answer = demomod.guard_example(root)
    con_echo(f"Claude Code asks its PreToolUse hook (`credfence ignore --write --hooks` installs it) about:\n  {shown}")
    con_echo(f"credfence guard answers:\n{answer}")
    con_echo(f"\nThe repository is still there to explore: {root}")


def _invoke(cmd, args: list[str]) -> int:
    try:
        cmd.main(args, standalone_mode=False)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


def entry() -> None:
    """The `credfence` program (its console script, and `python -m scanner.cli`): main(),
    then the exit handlers (atexit: every git process stopped and reaped, multiprocessing's
    own), the standard streams flushed, and the process ended at once. Python's own
    shutdown would then free every object one by one, for nothing: 44-59 ms after a flask
    scan's last line, 80-120 ms after sqlalchemy's (strace, the summary's write to
    exit_group). Where the exit handlers cannot be run, the exit is Python's."""
    import atexit

    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    try:
        regex_cache.keep()
    except Exception:  # noqa: BLE001 - a cache that cannot be kept is compiled again next time
        pass
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None or not isinstance(code, (int, type(None))):
        sys.exit(code)  # (a message for an exit code: Python prints it, then exits 1)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| head`), a closed stream
            pass
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    entry()
