"""The command line: audit, scan, ignore, baseline, demo.

Exit codes: 0 nothing to report, 1 findings (or drift for `ignore --check`), 2 usage or
operational error, always as one line on stderr and never a traceback (set
CREDFENCE_DEBUG=1 to see one).
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
    try:
        from scanner.agents import AgentView
        view = AgentView(root)
    except ImportError:
        view = None
    annotate(result, TaskScope(opts.task_paths, opts.task_text), view)
    threshold = min_severity or (getattr(cfg, "min_severity", None) if cfg is not None else None) or "low"
    findings = [f for f in result.findings if SEVERITY_RANK[f.blast.severity] >= SEVERITY_RANK[threshold]]
    suppressed = 0
    if not no_baseline:
        try:
            from scanner.baseline import load_accepted
        except ImportError:
            load_accepted = None
        if load_accepted is not None:
            accepted = load_accepted(root, Path(baseline_path) if baseline_path else None)
            kept = [f for f in findings if not accepted.covers(f)]
            suppressed = len(findings) - len(kept)
            findings = kept
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
    sys.exit(EXIT_FINDINGS if findings else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
