"""The terminal report: the critical findings first, each with one line of why, then a
table of everything sorted by severity. Secrets appear only in redacted form."""
from __future__ import annotations

import sys
from collections import Counter

from scanner.blast import why_line
from scanner.model import SEVERITIES

STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def console(stderr: bool = False):
    from rich.console import Console

    from scanner.redact import TerminalSafeWriter

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    # the writer is a safety net: every repository-derived field is escaped below already
    return Console(file=TerminalSafeWriter(stream), width=None if tty else 140, highlight=False)


def safe(s) -> str:
    """A repository-derived string for rich: terminal controls escaped, then markup."""
    from rich.markup import escape

    from scanner.redact import escape_terminal
    return escape(escape_terminal(str(s)))


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


def render(result, findings, con=None, show_secrets: bool = False, title: str = "credfence scan",
           suppressed: int = 0) -> None:
    from rich.table import Table

    escape = safe  # every string below may come from the repository or its configuration
    con = con or console()
    con.print(f"[bold]{escape(title)}[/bold] of {escape(str(result.root))}")
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {escape(w)}")
    if not findings:
        con.print("[green]No credentials found.[/green]" + (f" ({suppressed} accepted by baseline or allow markers)" if suppressed else ""))
        con.print(escape(summary_line(findings, result.stats)))
        return
    top = [f for f in findings if f.blast.severity == "critical"] or [f for f in findings if f.blast.severity == "high"]
    if top:
        con.print()
        con.print(f"[{STYLE[top[0].blast.severity]}] {top[0].blast.severity.upper()} [/] what an agent must never meet:")
        for f in top[:15]:
            con.print(f"  [bold]•[/bold] {escape(why_line(f))}")
            sentence = next((e for e in f.blast.evidence if "account-wide: it reaches production" in e), None)
            extra = [sentence] if sentence else []
            extra += f.notes
            for e in extra:
                con.print(f"      [dim]{escape(e)}[/dim]")
        if len(top) > 15:
            con.print(f"  … and {len(top) - 15} more below")
    con.print()
    t = Table(show_lines=False, header_style="bold", expand=False)
    for col in ("severity", "provider", "where", "secret", "env", "scope", "privilege", "task"):
        t.add_column(col, overflow="fold")
    for f in findings:
        locs = f.locations
        w = where(locs[0]) + (f" (+{len(locs) - 1})" if len(locs) > 1 else "")
        task = {None: "", True: "in task", False: "outside"}[f.task_related]
        t.add_row(f"[{STYLE[f.blast.severity]}]{f.blast.severity}[/]", escape(f.rule.provider), escape(w),
                  escape(f.secret if show_secrets else f.redacted), escape(f.blast.env), escape(f.blast.scope),
                  escape(f.blast.privilege), task)
    con.print(t)
    tail = f" ({suppressed} more accepted by baseline or allow markers)" if suppressed else ""
    con.print(escape(summary_line(findings, result.stats)) + tail)
