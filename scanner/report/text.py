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

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(file=stream, width=None if tty else 140, highlight=False)


def where(loc) -> str:
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
    from rich.markup import escape

    for i in getattr(result, "incomplete", None) or []:
        what = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in f"{i['what']}: {i['reason']}")
        con.print(f"[bold red]incomplete:[/bold red] {escape(what)}")


def render(result, findings, con=None, show_secrets: bool = False, title: str = "credfence scan",
           suppressed: int = 0) -> None:
    from rich.markup import escape
    from rich.table import Table

    con = con or console()
    con.print(f"[bold]{escape(title)}[/bold] of {escape(str(result.root))}")
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {escape(w)}")
    print_incomplete(con, result)
    if not findings and getattr(result, "incomplete", None):
        con.print("[bold red]No credentials found in what could be scanned, but the scan is incomplete:[/bold red] "
                  "this is not a clean result (exit 3).")
        con.print(escape(summary_line(findings, result.stats)))
        return
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
                  escape(f.secret if show_secrets else f.redacted), f.blast.env, f.blast.scope, f.blast.privilege, task)
    con.print(t)
    tail = f" ({suppressed} more accepted by baseline or allow markers)" if suppressed else ""
    con.print(escape(summary_line(findings, result.stats)) + tail)
