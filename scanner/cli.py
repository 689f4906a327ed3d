"""The command line: audit, scan, ignore, baseline, demo.

Exit codes: 0 nothing to report, 1 findings (or drift for `ignore --check`), 2 usage or
operational error, always as one line on stderr and never a traceback (set
CREDFENCE_DEBUG=1 to see one), 3 the scan could not cover all it was asked to (a ref, an
object, a file, a submodule: `stats.incomplete` and the report say what), never clean.
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from scanner import __version__
from scanner.model import SEVERITIES, SEVERITY_RANK

EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INCOMPLETE = 3


def _trust_owner(ctx, param, value):
    if value:
        from scanner import gitcmd
        gitcmd.trust_owner(True)
    return value


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


def _exit_code(result, code: int, said: bool = False) -> int:
    """3 when the scan could not cover all it was asked to: never clean, whatever it found.
    Each gap is a line on stderr unless the report on the terminal (`said`) lists them."""
    if getattr(result, "incomplete", None):
        for i in ([] if said else result.incomplete):
            click.echo(f"credfence: incomplete: {_one_line(i['what'])}: {_one_line(i['reason'])}", err=True)
        return EXIT_INCOMPLETE
    return code


def _one_line(x) -> str:
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in str(x))


class Fatal(Exception):
    """An operational error: one line for the user, exit 2."""


def _known_errors() -> tuple[type[BaseException], ...]:
    from scanner.gitcmd import GitError
    from scanner.rules import RuleError
    from scanner.scan import ScanError

    errs: list[type[BaseException]] = [Fatal, GitError, RuleError, ScanError]
    for mod, name in (("scanner.config", "ConfigError"), ("scanner.baseline", "BaselineError"),
                      ("scanner.agents", "AgentFileError")):
        try:
            errs.append(getattr(__import__(mod, fromlist=[name]), name))
        except (ImportError, AttributeError):
            pass
    return tuple(errs)


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
            if isinstance(e, _known_errors()):
                msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            elif isinstance(e, OSError):
                msg = f"{e.strerror or 'I/O error'}: {e.filename or ''}".rstrip(": ")
            else:
                # the message of an unexpected error could quote scanned content: keep it out
                msg = f"internal error ({type(e).__name__}); rerun with CREDFENCE_DEBUG=1 for details"
            click.echo(f"credfence: {msg}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="credfence")
def main() -> None:
    """credfence: which credentials can an AI coding agent see, which of them can hurt
    production, and are they kept out of its reach."""
    _stop_on_ctrl_c()


def _stop_on_ctrl_c() -> None:
    """Ctrl-C ends credfence at once, leaving no process behind: the worker processes are
    stopped (each waits for its git readers), every git process is killed and waited for,
    and the exit is 130. A KeyboardInterrupt unwinding through thread joins and the worker
    pool's own shutdown could hang, and left git processes unreaped (issue 13.11)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    from scanner import gitcmd

    gitcmd.become_subreaper()
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return  # started in the background by a shell: Ctrl-C was never ours

    def interrupted(signum, frame):
        import multiprocessing

        from scanner import gitcmd

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            sys.stderr.write("credfence: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        for _ in range(20):  # a pool may start a replacement for a worker just stopped
            children = multiprocessing.active_children()
            if not children:
                break
            for c in children:
                c.terminate()
            for c in children:
                c.join(2)
        gitcmd.reap()
        gitcmd.reap_orphans()
        os._exit(130)

    signal.signal(signal.SIGINT, interrupted)


def _root(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise Fatal(f"{path}: no such file or directory")
    if not p.is_dir():
        raise Fatal(f"{path}: not a directory; give the repository or directory to scan")
    return p.resolve()


def _load_config(root: Path, config_path: str | None):
    try:
        from scanner.config import load_config
    except ImportError:
        return None
    return load_config(root, Path(config_path) if config_path else None)


def scan_options(fn):
    opts = [
        click.argument("path", default=".", type=click.Path(file_okay=True, dir_okay=True)),
        click.option("--history/--no-history", default=None, help="Scan every commit on every ref (default in a repository)."),
        click.option("--since", metavar="REF", help="Only commits not reachable from REF, and files changed since REF."),
        click.option("--all-objects", is_flag=True, help="Also scan unreachable objects (dangling after a rewrite)."),
        click.option("--min-severity", type=click.Choice(SEVERITIES), default=None, help="Report findings at or above this severity (default: low)."),
        click.option("--baseline", "baseline_path", type=click.Path(), help="Accepted findings (default: .credfence-baseline.json or .secrets.baseline)."),
        click.option("--no-baseline", is_flag=True, help="Ignore any baseline file."),
        click.option("--task-paths", multiple=True, metavar="GLOB", help="Files the agent's task concerns (repeatable)."),
        click.option("--task", "task_text", metavar="TEXT", help="The task in words, matched against paths and names."),
        click.option("--jobs", "-j", type=click.IntRange(0, 256), default=0, help="Worker processes (default: all cores)."),
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


def _do_scan(path, history, since, all_objects, task_paths, task_text, jobs, config_path, max_file_size,
             recurse_submodules, quiet, staged=False, min_severity=None, baseline_path=None, no_baseline=False):
    """Run the scan and the analysis; returns (result, reported findings, suppressed, cfg)."""
    from scanner.scan import ScanOptions, annotate, run_scan
    from scanner.scope import TaskScope

    root = _root(path)
    cfg = _load_config(root, config_path)
    opts = ScanOptions(root=root, history=history, staged=staged, since=since, all_objects=all_objects, jobs=jobs,
                       task_paths=list(task_paths), task_text=task_text, recurse_submodules=recurse_submodules,
                       progress=not quiet and sys.stderr.isatty())
    ctx = click.get_current_context(silent=True)
    opts.allow_outside_git_dir = bool(ctx is not None and ctx.meta.get("credfence.allow_outside_git_dir"))
    if cfg is not None:
        opts.exclude = getattr(cfg, "is_excluded", None)
        opts.extra_rules = list(getattr(cfg, "rules", None) or [])
        if not opts.task_paths and getattr(cfg, "task_paths", None):
            opts.task_paths = list(cfg.task_paths)
        if max_file_size is None and getattr(cfg, "max_file_size", None):
            max_file_size = cfg.max_file_size
    if max_file_size:
        opts.max_file_size = max_file_size
    result = run_scan(opts)
    suppressed = 0
    if not no_baseline:
        # accepted findings leave before the analysis: a repository whose baseline accepts
        # thousands of fixtures spent a core for a third of a second labelling them
        from scanner.baseline import load_accepted

        accepted = load_accepted(root, Path(baseline_path) if baseline_path else None)
        kept = [f for f in result.findings if not accepted.covers(f)]
        suppressed = len(result.findings) - len(kept)
        result.findings = kept
    view = None
    if not staged:  # the pre-commit hook has no use for the agent files: keep it fast
        from scanner.agents import AgentView
        view = AgentView(root)
    annotate(result, TaskScope(opts.task_paths, opts.task_text), view)
    threshold = min_severity or (getattr(cfg, "min_severity", None) if cfg is not None else None) or "low"
    findings = [f for f in result.findings if SEVERITY_RANK[f.blast.severity] >= SEVERITY_RANK[threshold]]
    return result, findings, suppressed, cfg


def _emit(fmt, output, result, findings, show_secrets, title, suppressed=0, extra=None):
    from scanner.report import json_report, text

    if fmt == "json":
        body = json_report.render(result, findings, show_secrets, extra)
    elif fmt == "sarif":
        import json

        from scanner.report.sarif import to_sarif
        body = json.dumps(to_sarif(findings, str(result.root), __version__), indent=2) + "\n"
    else:
        body = None
    if body is not None:
        if output:
            json_report.write(output, body)
            click.echo(text.summary_line(findings, result.stats) + f"; report written to {output}", err=True)
        else:
            click.echo(body, nl=False)
        return
    if output:
        from io import StringIO

        from rich.console import Console
        buf = StringIO()
        text.render(result, findings, Console(file=buf, width=140, no_color=True), show_secrets, title, suppressed)
        json_report.write(output, buf.getvalue())
        click.echo(text.summary_line(findings, result.stats) + f"; report written to {output}", err=True)
    else:
        text.render(result, findings, None, show_secrets, title, suppressed)


@main.command()
@scan_options
@click.option("--staged", is_flag=True, help="Scan the staged content (pre-commit), not the working copy.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE (mode 0600).")
@guarded
def scan(path, history, since, all_objects, min_severity, baseline_path, no_baseline, task_paths, task_text, jobs,
         show_secrets, config_path, max_file_size, recurse_submodules, quiet, staged, fmt, output):
    """Scan PATH (default: .) for credentials: the workspace as an agent sees it, and the git history.

    Exit 1 when findings at or above --min-severity remain after the baseline."""
    result, findings, suppressed, _ = _do_scan(path, history, since, all_objects, task_paths, task_text, jobs,
                                               config_path, max_file_size, recurse_submodules, quiet, staged,
                                               min_severity, baseline_path, no_baseline)
    if staged and fmt == "text" and not output:
        from scanner.report.hook import render_hook
        render_hook(result, findings, suppressed)
    else:
        _emit(fmt, output, result, findings, show_secrets, "credfence scan", suppressed)
    said = fmt == "text" and not output and not staged
    sys.exit(_exit_code(result, EXIT_FINDINGS if findings else 0, said))


def _agents_for(root: Path, spec: str | None, cfg) -> tuple[list[str], list[str]]:
    from scanner.agents import detect_configured, resolve_agents

    if spec is None:
        conf = getattr(cfg, "agents", None) if cfg is not None else None
        spec = ",".join(conf) if isinstance(conf, list) else (conf or "auto")
    try:
        return resolve_agents(root, spec), detect_configured(root)
    except ValueError as e:
        # Fatal, not click.UsageError: the error must be one line on stderr (exit 2), and
        # UsageError prints a three-line usage banner first
        raise Fatal(str(e)) from None


def credential_paths(findings, threshold: str) -> list[str]:
    """Files to hide: every file holding a finding at or above the threshold, and every
    file holding one outside the task, whatever its severity (link and target both)."""
    out: set[str] = set()
    for f in findings:
        if SEVERITY_RANK[f.blast.severity] >= SEVERITY_RANK[threshold] or f.task_related is False:
            out.update(f.worktree_paths)
    return sorted(out)


@main.command()
@scan_options
@click.option("--agents", "agents_spec", metavar="auto|all|LIST", help="Agents to check (default: auto).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE (mode 0600).")
@guarded
def audit(path, history, since, all_objects, min_severity, baseline_path, no_baseline, task_paths, task_text, jobs,
          show_secrets, config_path, max_file_size, recurse_submodules, quiet, agents_spec, fmt, output):
    """Before an agent is let in: what it could see, what that can hurt, and whether it is hidden.

    Workspace and history, blast radius, and per agent configured here which credential
    files its file tools could read today. Exit 1 when a critical or high exposure is not hidden."""
    from scanner.report import audit as audit_report
    from scanner.report.text import console

    if agents_spec:
        _agents_for(_root(path), agents_spec, None)  # a bad --agents fails before the scan
    result, findings, suppressed, cfg = _do_scan(path, history, since, all_objects, task_paths, task_text, jobs,
                                                 config_path, max_file_size, recurse_submodules, quiet, False,
                                                 min_severity, baseline_path, no_baseline)
    agents, configured = _agents_for(result.root, agents_spec, cfg)
    if fmt == "text" and not output:
        audit_report.render(console(), result, findings, agents, configured)
    else:
        _emit(fmt, output, result, findings, show_secrets, "credfence audit", suppressed,
              audit_report.audit_json(findings, agents, configured) if fmt == "json" else None)
    sys.exit(_exit_code(result, EXIT_FINDINGS if audit_report.exposed(findings, agents) else 0,
                        fmt == "text" and not output))


@main.command()
@click.argument("path", default=".", type=click.Path())
@click.option("--write", is_flag=True, help="Write the files (default: show the diff only).")
@click.option("--check", is_flag=True, help="Exit 1 when any agent file is out of date (CI, pre-commit).")
@click.option("--agents", "agents_spec", metavar="auto|all|LIST", help="Agents to write for (default: auto).")
@click.option("--min-severity", "threshold", type=click.Choice(SEVERITIES), default=None,
              help="Hide files holding findings at or above this severity (default: medium).")
@click.option("--task-paths", multiple=True, metavar="GLOB", help="Files the task concerns; credentials outside are always hidden.")
@click.option("--task", "task_text", metavar="TEXT", help="The task in words.")
@click.option("--baseline", "baseline_path", type=click.Path(), help="Accepted findings file.")
@click.option("--config", "config_path", type=click.Path(), help="Configuration file.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary and errors.")
@git_safety_options
@guarded
def ignore(path, write, check, agents_spec, threshold, task_paths, task_text, baseline_path, config_path, quiet):
    """Generate or update the agents' ignore and deny files for every credential file on disk.

    Shows the diff it would make; --write applies it; --check fails when a file is out of date."""
    from scanner import agents as agentmod

    if write and check:
        raise click.UsageError("--write and --check exclude each other")
    if agents_spec:
        _agents_for(_root(path), agents_spec, None)  # a bad --agents fails before the scan
    result, findings, _, cfg = _do_scan(path, False, None, False, task_paths, task_text, 0, config_path, None,
                                        False, True, False, "info", baseline_path, False)
    threshold = threshold or (getattr(cfg, "ignore_threshold", None) if cfg is not None else None) or "medium"
    agents, _ = _agents_for(result.root, agents_spec, cfg)
    paths = credential_paths(findings, threshold)
    changes = agentmod.plan(result.root, paths, agents)
    errors = [c for c in changes if c.error]
    for c in errors:
        msg = c.error if c.path and c.error.startswith(c.path) else f"{c.path}: {c.error}"
        click.echo(f"credfence: {msg}", err=True)
    for c in changes:
        for conflict in c.conflicts:
            click.echo(f"conflict: {c.path}: {conflict}", err=True)
    stale = [c for c in changes if c.changed]
    if check:
        for c in stale:
            click.echo(f"out of date: {c.path} ({agentmod.AGENTS[c.agent].human})")
        if stale or errors:
            what = [f"{len(stale)} agent file(s) out of date (run `credfence ignore --write`)"] if stale else []
            what += [f"{len(errors)} agent file(s) leave a credential readable (fix the lines reported above)"] if errors else []
            click.echo("credfence: " + "; ".join(what), err=True)
            sys.exit(EXIT_FINDINGS)
        if not quiet:
            click.echo(f"agent files up to date: {len(paths)} credential file(s) hidden from {len(agents)} agent(s)")
        if _exit_code(result, 0):
            sys.exit(EXIT_INCOMPLETE)
        return
    if write:
        if errors:
            raise Fatal(f"{len(errors)} agent file(s) could not be updated; nothing was written")
        written = agentmod.apply(result.root, stale)
        for w in written:
            click.echo(f"wrote {w}")
        click.echo(f"{len(paths)} credential file(s) hidden from {len(agents)} agent(s); {len(written)} file(s) changed")
    else:
        if not quiet:
            for c in stale:
                click.echo(c.diff, nl=not c.diff.endswith("\n"))
        click.echo(f"{len(stale)} agent file(s) would change for {len(paths)} credential file(s); rerun with --write",
                   err=True)
    for c in changes:
        if c.note and not quiet:
            click.echo(c.note)
    if _exit_code(result, 0):
        sys.exit(EXIT_INCOMPLETE)


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

    result, findings, _, _ = _do_scan(path, history, None, False, (), None, 0, config_path, None, False, True,
                                      False, "info", None, True)
    target = Path(output) if output else result.root / ".credfence-baseline.json"
    write_baseline(target, findings)
    click.echo(f"{len(findings)} finding(s) accepted in {target}")
    code = _exit_code(result, 0)
    if code:
        sys.exit(code)


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
    con_echo(f"\nThe repository is still there to explore: {root}")


def _invoke(cmd, args: list[str]) -> int:
    try:
        cmd.main(args, standalone_mode=False)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


if __name__ == "__main__":  # pragma: no cover
    main()
