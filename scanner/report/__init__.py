"""Reports: one module per format, one signature, one registry.

Every reporter module has `render(report: Report, out: TextIO) -> None` and writes its whole
output to `out` (the terminal, or a buffer that the command line writes to `--output` with
mode 0600; a module may define `write_file(report, path)` to write a file itself). Adding a
format is one module plus one line in REPORTERS; `--format`'s choices and help come from
here (see docs/architecture.md).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reporter:
    module: str
    help: str
    commands: tuple[str, ...] = ("scan", "audit")


# --format NAME -> reporter. For `audit`, "text" is the audit view ("audit").
REPORTERS = {
    "text": Reporter("scanner.report.text", "a summary and a table for the terminal", ("scan", "audit")),
    "json": Reporter("scanner.report.json_report", "every finding, stable field names (docs/report.md)"),
    "sarif": Reporter("scanner.report.sarif", "SARIF 2.1.0 for GitHub code scanning"),
    "hook": Reporter("scanner.report.hook", "one line per finding, for git hooks", ("scan",)),
    "audit": Reporter("scanner.report.audit", "per agent: what it can read today, what is hidden", ()),
    "html": Reporter("scanner.report.html", "one self-contained page to share (no plaintext)", ("audit",)),
}
# what `--format text` means per command
TEXT_VIEW = {"scan": "text", "audit": "audit"}


def formats(command: str) -> list[str]:
    return [name for name, r in REPORTERS.items() if command in r.commands]


def formats_help(command: str) -> str:
    parts = []
    for name in formats(command):
        r = REPORTERS[TEXT_VIEW[command]] if name == "text" else REPORTERS[name]
        parts.append(f"{name}: {r.help}")
    return "Report format. " + "; ".join(parts) + "."


def reporter(command: str, name: str):
    if name == "text":
        name = TEXT_VIEW[command]
    return importlib.import_module(REPORTERS[name].module)


@dataclass
class Report:
    """What every reporter is given: the scan, the findings to report (after the baseline
    and the thresholds), and, for the audit, the agents."""

    result: object  # scanner.scan.ScanResult
    findings: list
    title: str = "credfence scan"
    suppressed: int = 0  # accepted by the baseline
    show_secrets: bool = False
    context_lines: int = 0  # lines shown around each matched line (--context)
    agents: list[str] | None = None  # the audit: the agents checked
    configured: list[str] = field(default_factory=list)  # the audit: agents configured here
    config: object = None  # scanner.config.Config of the scanned root, when it has one
