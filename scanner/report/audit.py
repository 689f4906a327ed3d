"""The audit view: per agent, which credential files it could read today, the critical
exposures first, the honest caveat about shells, and the next commands to run."""
from __future__ import annotations

from scanner.blast import why_line
from scanner.model import SEVERITY_RANK

EXPOSURE_RANK = SEVERITY_RANK["high"]  # critical and high exposures fail the audit
SANDBOX_HINTS = {
    "claude-code": ("Claude Code: its Read deny rules reach shell commands only with its sandbox on "
                    "(`credfence ignore --write --sandbox`; needs bubblewrap and socat on Linux)"),
    "codex": ("Codex CLI: the permission profile in .codex/config.toml (credfence writes it) denies reads to its "
              "sandboxed shell too, once the project is trusted"),
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


def shell_coverage(root, agents: list[str]) -> dict:
    """agent -> (covers its shell in the settings in force, why not)."""
    from scanner.agents import AGENTS

    return {a: AGENTS[a].shell_coverage(root) for a in agents}


def _guard_hook(root, agent: str) -> bool:
    from scanner.agents.hooks import installed

    return installed(root, agent)


def audit_json(findings, agents: list[str], configured: list[str], root=None) -> dict:
    from scanner.agents import AGENTS

    view = agent_view(findings, agents)
    shell = shell_coverage(root, agents) if root is not None else {a: (AGENTS[a].covers_shell, "") for a in agents}
    return {"audit": {
        "agents": {a: {"configured": a in configured, "file": AGENTS[a].file, "covers_shell": shell[a][0],
                       "shell_note": shell[a][1], "caveat": AGENTS[a].caveat,
                       "guard_hook": _guard_hook(root, a) if root is not None else False,
                       "visible": view[a]["visible"], "hidden": view[a]["hidden"]} for a in agents},
        "exposed": [f.fingerprint for f in exposed(findings, agents)],
    }}


def _guard_line(root, agents: list[str]) -> str:
    from scanner.agents import AGENTS
    from scanner.agents.hooks import HOOK_AGENTS

    from rich.markup import escape

    capable = [a for a in agents if a in HOOK_AGENTS]
    if not capable:
        return ""
    on = [AGENTS[a].human for a in capable if _guard_hook(root, a)]
    off = [AGENTS[a].human for a in capable if not _guard_hook(root, a)]
    line = "\n• credfence guard (a hook that refuses a tool call naming a credential file or carrying a credential's value): "
    line += (f"installed for {', '.join(on)}" if on else "not installed")
    if off:
        line += f"; `credfence ignore --write --hooks` installs it for {', '.join(off)}"
    return escape(line)


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
    shell = shell_coverage(result.root, agents)
    for a in agents:
        spec = AGENTS[a]
        vis = len(view[a]["visible"])
        t.add_row(spec.human + (" *" if a in configured else ""), spec.file or "(repository setting)",
                  f"[{'red' if vis else 'green'}]{vis}[/]", str(len(view[a]["hidden"])),
                  "yes" if shell[a][0] else escape("no" + (f" ({shell[a][1]})" if a in configured and shell[a][1] else "")))
    con.print(t)
    if configured:
        con.print("[dim]* configured in this repository[/dim]")

    con.print(Panel(
        "Ignore files stop an agent's file tools, not its shell: an agent that can run `cat .env` or "
        "`git log -p` still reads what they hide.\n"
        + "\n".join(f"• {escape(SANDBOX_HINTS[a])}" for a in agents if a in SANDBOX_HINTS)
        + "".join(f"\n• {escape(AGENTS[a].caveat)}" for a in agents if AGENTS[a].caveat)
        + _guard_line(result.root, agents)
        + "\n[bold]The fix that works everywhere: move the secret out of the repository (a secret manager "
        "or the deploy platform's variables) and rotate it.[/bold]",
        title="what ignore files cannot do", expand=False))
    con.print("[bold]Next:[/bold]")
    con.print(f"  credfence ignore {escape(str(result.root))} --write      # hide every credential file from the agents' file tools")
    con.print(f"  credfence ignore {escape(str(result.root))} --check      # in CI or pre-commit: fail when a new credential file appears")
    con.print(f"  credfence baseline {escape(str(result.root))}            # accept the findings you have reviewed as not secret")
    if any(not f.worktree_paths for f in ex):
        con.print("  rotate every credential that is only in history: removing it from the tree did not revoke it")
