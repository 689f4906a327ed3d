"""Pre-commit output: short, one line per finding, and what to do. Never a secret."""
from __future__ import annotations

import click

from scanner.redact import escape_terminal as esc


def render_hook(result, findings, suppressed: int = 0) -> None:
    if not findings:
        return
    n = len(findings)
    click.echo(f"credfence: {n} credential{'s' if n != 1 else ''} in the staged changes:")
    for f in findings:
        for loc in f.locations:
            # every field may come from the repository (names) or its configuration (rules)
            click.echo(f"  {f.blast.severity:<8} {esc(f.rule.provider):<12} {esc(loc.path)}:{loc.line}  "
                       f"{esc(f.redacted)}  ({esc(f.blast.env)}, {esc(f.blast.scope)}, {esc(f.blast.privilege)})")
    click.echo("What to do: move the secret out of the repository (an environment variable or a secret manager),"
               " rotate it if it was ever committed, then `git add` again.")
    click.echo("A false alarm? Add `credfence: allow` on the line, or run `credfence baseline` to accept it.")
