"""Pre-commit output: short, one line per finding, and what to do. Never a secret."""
from __future__ import annotations

import click


def render_hook(result, findings, suppressed: int = 0) -> None:
    if not findings:
        return
    n = len(findings)
    click.echo(f"credfence: {n} credential{'s' if n != 1 else ''} in the staged changes:")
    for f in findings:
        for loc in f.locations:
            click.echo(f"  {f.blast.severity:<8} {f.rule.provider:<12} {loc.path}:{loc.line}  {f.redacted}"
                       f"  ({f.blast.env}, {f.blast.scope}, {f.blast.privilege})")
    click.echo("What to do: move the secret out of the repository (an environment variable or a secret manager),"
               " rotate it if it was ever committed, then `git add` again.")
    click.echo("A false alarm? Add `credfence: allow` on the line, or run `credfence baseline` to accept it.")
