"""The terminal report: the critical findings first, each with one line of why, then a
table of everything sorted by severity. Secrets appear only in redacted form."""
from __future__ import annotations

import sys
from collections import Counter

from scanner.blast import why_line
from scanner.model import SEVERITIES

STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def console(stderr: bool = False, file=None):
    from rich.console import Console

    from scanner.redact import TerminalSafeWriter

    stream = file if file is not None else sys.stderr if stderr else sys.stdout
    tty = hasattr(stream, "isatty") and stream.isatty()
    # the writer is a safety net: every repository-derived field is escaped (esc) already
    return Console(file=TerminalSafeWriter(stream), width=None if tty else 140, highlight=False)


def where(loc) -> str:
    """file:line (@commit), unescaped: pass it through safe() or escape_terminal()."""
    if loc.kind == "history":
        return f"{loc.path}:{loc.line} @{(loc.commit or 'unreachable')[:10]}"
    return f"{loc.path}:{loc.line}"


def summary_line(findings, stats) -> str:
    c = Counter(f.blast.severity for f in findings)
    parts = [f"{c[s]} {s}" for s in SEVERITIES if c[s]]
    n = len(findings)
    skipped = sum(stats.get("skipped", {}).values())
    sk = f"; skipped {skipped} ({', '.join(f'{k} {v}' for k, v in sorted(stats['skipped'].items()))})" if skipped else ""
    return (f"{n} credential{'s' if n != 1 else ''} found" + (f" ({', '.join(parts)})" if parts else "")
            + f" in {stats.get('files', 0)} files and {stats.get('blobs', 0)} history blobs"
            + f" from {stats.get('commits', 0)} commits, {stats.get('seconds', 0):.2f}s{sk}")


def print_incomplete(con, result) -> None:
    """What the scan was asked to cover and could not, one line each (ScanResult.incomplete)."""
    for i in getattr(result, "incomplete", None) or []:
        con.print(f"[bold red]incomplete:[/bold red] {esc(i['what'])}: {esc(i['reason'])}")


def esc(s) -> str:
    """Content-derived text for rich: control characters escaped, markup escaped."""
    from rich.markup import escape

    from scanner.redact import escape_terminal

    return escape(escape_terminal(str(s)))


def labels(f) -> str:
    """The blast-radius labels of a finding, each named: `env=unknown scope=account ...`."""
    b = f.blast
    return f"env={b.env} scope={b.scope} privilege={b.privilege} confidence={f.confidence}"


def matched_lines(con, report, snippets, findings, indent: str = "  ", places: int = 1) -> None:
    """Each finding's first places: `path:line` and the line, the secret redacted in place,
    with --context lines around it."""
    for f in findings:
        con.print(f"{indent}[{STYLE[f.blast.severity]}]{f.blast.severity}[/] {esc(f.rule.name or f.rule.id)} "
                  f"[dim]({esc(labels(f))})[/dim]")
        for loc in f.locations[:places]:
            lines = snippets.around(loc, report.context_lines)
            con.print(f"{indent}  {esc(snippets.safe(where(loc)))}")
            for ln in lines:
                mark = ">" if ln.hit and report.context_lines else " "
                con.print(f"{indent}  [dim]{mark}{ln.number:>5} |[/dim] {esc(ln.text)}", soft_wrap=True)
        if len(f.locations) > places:
            con.print(f"{indent}  [dim]+{len(f.locations) - places} more place(s): --format json lists them all[/dim]")


def render(report, out=None) -> None:
    """The terminal report of `credfence scan` (reporter signature: scanner/report)."""
    from scanner.report.snippet import Snippets

    con = console(file=out)
    snippets = Snippets(report.result, report.findings, report.show_secrets)
    try:
        _render(report, con, snippets)
    finally:
        snippets.close()


def _render(report, con, snippets) -> None:
    from rich.table import Table

    result, findings, suppressed, show_secrets = report.result, report.findings, report.suppressed, report.show_secrets
    con.print(f"[bold]{esc(report.title)}[/bold] of {esc(str(result.root))}")
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {esc(w)}")
    print_incomplete(con, result)
    if not findings and getattr(result, "incomplete", None):
        con.print("[bold red]No credentials found in what could be scanned, but the scan is incomplete:[/bold red] "
                  "this is not a clean result (exit 3).")
        con.print(esc(summary_line(findings, result.stats)))
        return
    if not findings:
        con.print("[green]No credentials found.[/green]" + (f" ({suppressed} accepted by baseline or allow markers)" if suppressed else ""))
        con.print(esc(summary_line(findings, result.stats)))
        return
    top = [f for f in findings if f.blast.severity == "critical"] or [f for f in findings if f.blast.severity == "high"]
    if top:
        con.print()
        con.print(f"[{STYLE[top[0].blast.severity]}] {top[0].blast.severity.upper()} [/] what an agent must never meet:")
        for f in top[:15]:
            con.print(f"  [bold]•[/bold] {esc(why_line(f))}")
            sentence = next((e for e in f.blast.evidence if "account-wide: it reaches production" in e), None)
            extra = [sentence] if sentence else []
            extra += f.notes
            for e in extra:
                con.print(f"      [dim]{esc(e)}[/dim]")
        if len(top) > 15:
            con.print(f"  … and {len(top) - 15} more below")
    con.print()
    t = Table(show_lines=False, header_style="bold", expand=False)
    for col in ("severity", "provider", "where", "secret", "env", "scope", "privilege", "confidence", "task"):
        t.add_column(col, overflow="fold")
    for f in findings:
        locs = f.locations
        w = where(locs[0]) + (f" (+{len(locs) - 1})" if len(locs) > 1 else "")
        task = {None: "", True: "in task", False: "outside"}[f.task_related]
        t.add_row(f"[{STYLE[f.blast.severity]}]{f.blast.severity}[/]", esc(f.rule.provider), esc(w),
                  esc(f.secret if show_secrets else f.redacted), esc(f.blast.env), esc(f.blast.scope), esc(f.blast.privilege),
                  f.confidence, task)
    con.print(t)
    con.print("\n[bold]What matched[/bold] [dim](secrets redacted in place; --context N shows lines around)[/dim]")
    matched_lines(con, report, snippets, findings)
    tail = f" ({suppressed} more accepted by baseline or allow markers)" if suppressed else ""
    con.print(esc(summary_line(findings, result.stats)) + tail)
