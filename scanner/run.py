"""One scan, from resolved settings to the report, and the exit code that report means.

The command line (scanner/cli.py) only turns flags into a ScanSettings, calls `run`,
hands the Report to a reporter (scanner/report) and exits with `exit_code`.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from pathlib import Path

from scanner.errors import CredfenceError
from scanner.exposure import exposed
from scanner.model import CONFIDENCES, SEVERITY_RANK
from scanner.report import Report

EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INCOMPLETE = 3
CONFIDENCE_RANK = {c: i for i, c in enumerate(reversed(CONFIDENCES))}  # low=0 .. high=2


def root_of(path: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise CredfenceError(f"{path}: no such file or directory")
    if not p.is_dir():
        raise CredfenceError(f"{path}: not a directory; give the repository or directory to scan")
    return p.resolve()


def load_config(root: Path, config_path: str | None):
    from scanner import config

    return config.load_config(root, Path(config_path) if config_path else None)


@dataclass(frozen=True, kw_only=True)
class ScanSettings:
    """One scan's settings: the flags, before the configuration file fills the gaps."""

    path: str = "."
    source: str | None = None  # scanner/sources SOURCES: "stdin", "files"; None: the full scan
    inputs: tuple[str, ...] = ()
    stdin_name: str | None = None
    history: bool | None = None
    since: str | None = None
    all_objects: bool = False
    staged: bool = False
    task_paths: tuple[str, ...] = ()
    task_text: str | None = None
    jobs: int = 0
    config_path: str | None = None
    max_file_size: int | None = None
    recurse_submodules: bool = False
    quiet: bool = False
    min_severity: str | None = None
    min_confidence: str | None = None
    baseline_path: str | None = None
    no_baseline: bool = False
    agent_view: bool = True  # label which agents hide each finding (not needed by hooks)
    allow_outside_git_dir: bool = False  # --allow-outside-git-dir
    # how the report shows it
    title: str = "credfence scan"
    show_secrets: bool = False
    context_lines: int = 0

    @classmethod
    def of(cls, kw: dict, **more) -> "ScanSettings":
        """From a command's keyword arguments (click's), keeping the ones that are settings."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in {**kw, **more}.items() if k in names})


def run(st: ScanSettings) -> Report:
    """The scan and the analysis: the findings to report after the baseline, the blast
    radius, the task scope, the agents' current files and the thresholds."""
    from scanner.scan import ScanOptions, annotate, run_scan
    from scanner.scope import TaskScope

    root = root_of(st.path)
    cfg = load_config(root, st.config_path)
    opts = ScanOptions(root=root, history=st.history, staged=st.staged, since=st.since, all_objects=st.all_objects,
                       jobs=st.jobs, task_paths=list(st.task_paths), task_text=st.task_text,
                       recurse_submodules=st.recurse_submodules, progress=not st.quiet and sys.stderr.isatty(),
                       source=st.source, inputs=list(st.inputs), stdin_name=st.stdin_name,
                       preload=("scanner.baseline", "scanner.agents") if st.agent_view and not st.staged else ())
    max_file_size = st.max_file_size
    opts.allow_outside_git_dir = st.allow_outside_git_dir
    if cfg is not None:
        opts.exclude = cfg.is_excluded
        opts.extra_rules = list(cfg.rules or [])
        if not opts.task_paths and cfg.task_paths:
            opts.task_paths = list(cfg.task_paths)
        if max_file_size is None and cfg.max_file_size:
            max_file_size = cfg.max_file_size
    if max_file_size:
        opts.max_file_size = max_file_size
    result = run_scan(opts)
    suppressed = 0
    if not st.no_baseline:
        # accepted findings leave before the analysis: a repository whose baseline accepts
        # thousands of fixtures spent a core for a third of a second labelling them
        from scanner.baseline import load_accepted

        accepted = load_accepted(root, Path(st.baseline_path) if st.baseline_path else None)
        result.warnings += accepted.warnings
        kept = [f for f in result.findings if not accepted.covers(f)]
        suppressed = len(result.findings) - len(kept)
        result.findings = kept
    view = None
    # the pre-commit hook has no use for the agent files, nor has a scan with nothing on disk
    if st.agent_view and not st.staged and any(f.worktree_paths for f in result.findings):
        from scanner.agents import AgentView
        view = AgentView(root)
    annotate(result, TaskScope(opts.task_paths, opts.task_text), view)
    threshold = st.min_severity or (cfg.min_severity if cfg is not None else None) or "low"
    sure = st.min_confidence or "low"
    findings = [f for f in result.findings if SEVERITY_RANK[f.blast.severity] >= SEVERITY_RANK[threshold]
                and CONFIDENCE_RANK.get(f.confidence, 1) >= CONFIDENCE_RANK[sure]]
    return Report(result, findings, st.title, suppressed, st.show_secrets, st.context_lines, config=cfg)




def exit_code(report: Report, command: str) -> int:
    """3 when the scan could not cover all it was asked to (never clean, whatever it
    found); else 1 when there is something to act on: for `audit`, a critical or high
    exposure some agent can still reach (scanner/exposure.py); for `scan`, any finding
    reported; for the other commands, nothing."""
    if getattr(report.result, "incomplete", None):
        return EXIT_INCOMPLETE
    if command == "audit":
        return EXIT_FINDINGS if exposed(report.findings, report.agents or []) else 0
    if command == "scan":
        return EXIT_FINDINGS if report.findings else 0
    return 0
