"""The audit view: per agent, which credential files it could read today, the critical
exposures first, the honest caveat about shells, and the next commands to run."""
from __future__ import annotations

from scanner.blast import why_line
from scanner.model import SEVERITY_RANK

EXPOSURE_RANK = SEVERITY_RANK["high"]  # critical and high exposures fail the audit
SANDBOX_HINTS = {
    "claude-code": ("Claude Code: `sandbox.filesystem.denyRead` in .claude/settings.json (credfence writes it) "
                    "also covers shell commands when the sandbox is on"),
    "codex": "Codex CLI: the permission profile in .codex/config.toml (credfence writes it) denies reads to its sandboxed shell too",
    "cursor": "Cursor: .cursorignore does not stop its terminal; run agents in a sandbox or keep secrets out of the tree",
}


def agent_view(findings, agents: list[str]) -> dict:
    """agent -> {"visible": [paths], "hidden": [paths]} over the credential files."""
    out = {a: {"visible": set(), "hidden": set()} for a in agents}
    for f in findings:
        for p in f.worktree_paths:
            for a in agents:
                out[a]["hidden" if a in f.hidden_from else "visible"].add(p)
    return {a: {k: sorted(v) for k, v in d.items()} for a, d in out.items()}


def exposed(findings, agents: list[str]) -> list:
    """Critical and high findings that some selected agent can still reach: a file not
    hidden from it, or history, which no ignore file hides from a shell."""
    out = []
    for f in findings:
        if f.severity_rank < EXPOSURE_RANK:
            continue
        on_disk = f.worktree_paths
        if not on_disk or any(a not in f.hidden_from for a in agents):
            out.append(f)
    return out


def audit_json(findings, agents: list[str], configured: list[str]) -> dict:
    from scanner.agents import AGENTS

    view = agent_view(findings, agents)
    return {"audit": {
        "agents": {a: {"configured": a in configured, "file": AGENTS[a].file, "covers_shell": AGENTS[a].covers_shell,
                       "visible": view[a]["visible"], "hidden": view[a]["hidden"]} for a in agents},
        "exposed": [f.fingerprint for f in exposed(findings, agents)],
    }}


def render(con, result, findings, agents: list[str], configured: list[str], title: str = "credfence audit") -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    from scanner.agents import AGENTS
    from scanner.report.text import STYLE, summary_line

    ex = exposed(findings, agents)
    head = (f"[bold]{escape(str(result.root))}[/bold]\n"
            f"agents configured here: {', '.join(AGENTS[a].human for a in configured) or 'none detected (checking all)'}\n"
            + escape(summary_line(findings, result.stats)))
    con.print(Panel(head, title=title, expand=False))
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {escape(w)}")
    from scanner.report.text import print_incomplete
    print_incomplete(con, result)
    if not findings and getattr(result, "incomplete", None):
        con.print("[bold red]No credentials found in what could be scanned, but the scan is incomplete:[/bold red] "
                  "this is not a clean result (exit 3).")
        return
    if not findings:
        con.print("[green]No credentials found: nothing for an agent to meet.[/green]")
        return
    if ex:
        con.print(f"\n[{STYLE['critical']}] {len(ex)} EXPOSED [/] critical or high credentials an agent can still reach:")
        for f in ex[:12]:
            reach = "history only: any agent with a shell can run `git log -p`" if not f.worktree_paths else \
                "readable by " + ", ".join(AGENTS[a].human for a in agents if a not in f.hidden_from)
            con.print(f"  [bold]•[/bold] [{STYLE[f.blast.severity]}]{f.blast.severity}[/] {escape(why_line(f))}")
            con.print(f"      [dim]{escape(reach)}[/dim]")
            for e in [e for e in f.blast.evidence if "reaches production" in e] + f.notes:
                con.print(f"      [dim]{escape(e)}[/dim]")
        if len(ex) > 12:
            con.print(f"  … and {len(ex) - 12} more")
    else:
        con.print("\n[green]Every critical and high credential on disk is hidden from the selected agents' file tools.[/green]")

    view = agent_view(findings, agents)
    t = Table(title="What each agent's file tools could read today", header_style="bold", expand=False)
    t.add_column("agent")
    t.add_column("file")
    t.add_column("credential files visible", justify="right")
    t.add_column("hidden", justify="right")
    t.add_column("covers shell")
    for a in agents:
        spec = AGENTS[a]
        vis = len(view[a]["visible"])
        t.add_row(spec.human + (" *" if a in configured else ""), spec.file or "(repository setting)",
                  f"[{'red' if vis else 'green'}]{vis}[/]", str(len(view[a]["hidden"])),
                  "yes" if spec.covers_shell else "no")
    con.print(t)
    if configured:
        con.print("[dim]* configured in this repository[/dim]")

    con.print(Panel(
        "Ignore files stop an agent's file tools, not its shell: an agent that can run `cat .env` or "
        "`git log -p` still reads what they hide.\n"
        + "\n".join(f"• {escape(SANDBOX_HINTS[a])}" for a in agents if a in SANDBOX_HINTS)
        + "\n[bold]The fix that works everywhere: move the secret out of the repository (a secret manager "
        "or the deploy platform's variables) and rotate it.[/bold]",
        title="what ignore files cannot do", expand=False))
    con.print("[bold]Next:[/bold]")
    con.print(f"  credfence ignore {escape(str(result.root))} --write      # hide every credential file from the agents' file tools")
    con.print(f"  credfence ignore {escape(str(result.root))} --check      # in CI or pre-commit: fail when a new credential file appears")
    con.print(f"  credfence baseline {escape(str(result.root))}            # accept the findings you have reviewed as not secret")
    if any(not f.worktree_paths for f in ex):
        con.print("  rotate every credential that is only in history: removing it from the tree did not revoke it")
