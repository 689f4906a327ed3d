"""The audit view: per agent, which credential files it could read today, the critical
exposures first (each with its matched line, the secret redacted), every other finding
folded to one line, the honest caveat about shells, and next steps for what is still open."""
from __future__ import annotations

from scanner.blast import why_line
from scanner.exposure import EXPOSURE_RANK, doubtful, exposed  # noqa: F401 - the audit's policy
from scanner.model import SEVERITY_RANK

SANDBOX_HINTS = {
    "claude-code": ("Claude Code: its Read deny rules reach shell commands only with its sandbox on "
                    "(`credfence ignore --write --sandbox`; needs bubblewrap and socat on Linux)"),
    "codex": ("Codex CLI: the permission profile in .codex/config.toml (credfence writes it) denies reads to its "
              "sandboxed shell too, once the project is trusted"),
    "cursor": "Cursor: .cursorignore does not stop its terminal; run agents in a sandbox or keep secrets out of the tree",
}


def kept_out(report) -> str | None:
    """What this audit did not look at that an agent reads all the same: files the
    configuration excludes, findings a baseline or allow markers accept, findings under the
    reporting threshold. The configuration and the baseline may be the repository's own,
    so a clean audit must not hide that they decided part of it."""
    result = report.result
    parts = []
    excluded = (result.stats.get("skipped") or {}).get("excluded", 0)
    if excluded:
        src = getattr(report.config, "source", None)
        # (a count of files on disk and of their versions in the history)
        parts.append(f"{excluded} file(s) or past version(s) the configuration{f' ({src.name})' if src else ''} excludes")
    if report.suppressed:
        parts.append(f"{report.suppressed} finding(s) a baseline or allow markers accept")
    below = len(result.findings) - len(report.findings)
    if below:
        parts.append(f"{below} finding(s) under the reporting threshold")
    if not parts:
        return None
    return ("not in this audit: " + ", ".join(parts) + "; an agent reads them all the same (`--no-baseline`, "
            "`--min-severity low` and `--config` with a file of your own audit them)")


def agent_view(findings, agents: list[str]) -> dict:
    """agent -> {"visible": [paths], "hidden": [paths]} over the credential files."""
    out = {a: {"visible": set(), "hidden": set()} for a in agents}
    for f in findings:
        for p in f.worktree_paths:
            for a in agents:
                out[a]["hidden" if a in f.hidden_from else "visible"].add(p)
    return {a: {k: sorted(v) for k, v in d.items()} for a, d in out.items()}


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
        "doubtful": [f.fingerprint for f in findings if f.severity_rank >= EXPOSURE_RANK and doubtful(f)],
        "next": next_steps(findings, agents, "."),
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


def reach(f, agents: list[str]) -> str:
    from scanner.agents import AGENTS

    if not f.worktree_paths:
        return "history only: any agent with a shell can run `git log -p`"
    readers = [AGENTS[a].human for a in agents if a not in f.hidden_from]
    hidden = [AGENTS[a].human for a in agents if a in f.hidden_from]
    s = "readable by " + ", ".join(readers) if readers else "hidden from every selected agent's file tools"
    if readers and hidden:
        s += "; hidden from " + ", ".join(hidden)
    return s


def next_steps(findings, agents: list[str], root: str, hide_threshold: str = "medium") -> list[dict]:
    """What is still open, each {"why", "command"}: nothing is advised that is done already."""
    from scanner.agents import AGENTS

    out = []
    # the files `ignore --write` hides (its default threshold): advising it for the rest
    # would never go away
    view = agent_view([f for f in findings if f.severity_rank >= SEVERITY_RANK[hide_threshold]
                       or f.task_related is False], agents)
    open_agents = [a for a in agents if view[a]["visible"]]
    files = sorted({p for a in open_agents for p in view[a]["visible"]})
    q = _quote(root)
    if open_agents:
        out.append({"why": f"{len(files)} credential file(s) still readable by "
                           + ", ".join(AGENTS[a].human for a in open_agents) + ": hide them from the agents' file tools",
                    "command": f"credfence ignore {q} --write"})
    if findings and not open_agents:
        out.append({"why": "every credential file is hidden: keep it so, fail CI or pre-commit when a new one appears",
                    "command": f"credfence ignore {q} --check"})
    hist = [f for f in exposed(findings, agents) if not f.worktree_paths]
    if hist:
        out.append({"why": f"{len(hist)} credential(s) only in history: rotate each at its provider; "
                           "removing the line did not revoke it", "command": ""})
    if any(f.worktree_paths for f in exposed(findings, agents)) or files:
        out.append({"why": "the fix that works everywhere: move each secret out of the repository "
                           "(a secret manager or the deploy platform's variables) and rotate it", "command": ""})
    if findings:
        out.append({"why": "accept the findings you have reviewed as not secret", "command": f"credfence baseline {q}"})
    return out


def _quote(p: str) -> str:
    import shlex

    return shlex.quote(p)


def render(report, out=None) -> None:
    """The audit for the terminal (reporter signature: scanner/report)."""
    from scanner.report.snippet import Snippets
    from scanner.report.text import console

    snippets = Snippets(report.result, report.findings, report.show_secrets)
    try:
        _render(console(file=out), report, snippets)
    finally:
        snippets.close()


def _render(con, report, snippets) -> None:
    from rich.panel import Panel
    from rich.table import Table

    from scanner.agents import AGENTS
    from scanner.report.text import STYLE, labels, matched_lines, summary_line, where
    from scanner.report.text import esc as escape

    result, findings, agents, configured = report.result, report.findings, report.agents or [], report.configured
    ex = exposed(findings, agents)
    head = (f"[bold]{escape(str(result.root))}[/bold]\n"
            f"agents configured here: {', '.join(AGENTS[a].human for a in configured) or 'none detected (checking all)'}\n"
            + escape(summary_line(findings, result.stats)))
    con.print(Panel(head, title=report.title, expand=False))
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {escape(w)}")
    from scanner.report.text import print_incomplete
    print_incomplete(con, result)
    if not findings and getattr(result, "incomplete", None):
        con.print("[bold red]No credentials found in what could be scanned, but the scan is incomplete:[/bold red] "
                  "this is not a clean result (exit 3).")
        return
    left = kept_out(report)
    if left:
        con.print(f"[yellow]note:[/yellow] {escape(left)}")
    if not findings:
        con.print("[yellow]No credentials reported in what was audited (see the note above).[/yellow]" if left
                  else "[green]No credentials found: nothing for an agent to meet.[/green]")
        return
    if ex:
        con.print(f"\n[{STYLE['critical']}] {len(ex)} EXPOSED [/] critical or high credentials an agent can still reach:")
        for f in ex:
            con.print(f"  [bold]•[/bold] [{STYLE[f.blast.severity]}]{f.blast.severity}[/] {escape(why_line(f))}")
            con.print(f"      [dim]{escape(labels(f))}; {escape(reach(f, agents))}[/dim]")
            for e in [e for e in f.blast.evidence if "reaches production" in e] + f.notes:
                con.print(f"      [dim]{escape(e)}[/dim]")
            loc = f.locations[0]
            con.print(f"      {escape(snippets.safe(where(loc)))}" + (f" [dim](+{len(f.locations) - 1} more)[/dim]" if len(f.locations) > 1 else ""))
            for ln in snippets.around(loc, report.context_lines):
                mark = ">" if ln.hit and report.context_lines else " "
                con.print(f"      [dim]{mark}{ln.number:>5} |[/dim] {escape(ln.text)}", soft_wrap=True)
    else:
        con.print("\n[green]Every critical and high credential on disk is hidden from the selected agents' file tools.[/green]")
    rest = [f for f in findings if f not in ex]
    if rest:
        con.print(f"\n[bold]{len(rest)} other finding(s)[/bold] [dim](hidden, lower severity, or history-only of "
                  "low confidence; one line each)[/dim]")
        for f in rest:
            loc = f.locations[0]
            state = "doubtful, history only" if doubtful(f) else reach(f, agents)
            con.print(f"  [{STYLE[f.blast.severity]}]{f.blast.severity:<8}[/] {escape(f.rule.name or f.rule.id)} "
                      f"{escape(snippets.safe(where(loc)))}  [dim]{escape(f.secret if report.show_secrets else f.redacted)} "
                      f"({escape(labels(f))}; {escape(state)})[/dim]")
            if report.context_lines:
                matched_lines(con, report, snippets, [f], indent="      ")

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
    steps = next_steps(findings, agents, str(result.root))
    if steps:
        con.print("[bold]Next:[/bold]")
        for s in steps:
            if s["command"]:
                con.print(f"  {escape(s['command'])}   [dim]# {escape(s['why'])}[/dim]")
            else:
                con.print(f"  {escape(s['why'])}")
