"""The JSON report of docs/report.md: stable field names, redacted secrets, mode 0600."""
from __future__ import annotations

import json

from scanner import __version__
from scanner.outfile import write_private


def report_dict(result, findings, show_secrets: bool = False, extra: dict | None = None) -> dict:
    d = {
        "version": 1,
        "tool": {"name": "credfence", "version": __version__},
        "root": str(result.root),
        "findings": [f.to_json(show_secrets) for f in findings],
        "stats": result.stats,
        "warnings": result.warnings,
    }
    if extra:
        d.update(extra)
    return d


def render(report, out) -> None:
    """The JSON report (reporter signature: scanner/report); with the audit's agents."""
    extra = None
    if report.agents is not None:
        from scanner.report.audit import audit_json

        extra = audit_json(report.findings, report.agents, report.configured, report.result.root)
    out.write(dumps(report.result, report.findings, report.show_secrets, extra))


def dumps(result, findings, show_secrets: bool = False, extra: dict | None = None) -> str:
    """The report as JSON text: valid Unicode throughout (a name that is not UTF-8 keeps its
    exact bytes in a location's "path_b64"; see scanner.redact.path_fields)."""
    from scanner.redact import json_safe

    return json.dumps(json_safe(report_dict(result, findings, show_secrets, extra)), indent=2, ensure_ascii=True) + "\n"


def write(path: str, text: str) -> None:
    write_private(path, text.encode("utf-8"))
