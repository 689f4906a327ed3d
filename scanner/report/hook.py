"""Pre-commit output: short, one line per place, its labels named, the matched line with
the secret redacted in place, and what to do. Never a secret."""
from __future__ import annotations

import sys

from scanner.redact import escape_terminal as esc


def render(report, out=None) -> None:
    from scanner.report.snippet import Snippets
    from scanner.report.text import labels, where

    out = out or sys.stdout
    findings = report.findings
    if not findings:
        return
    n = len(findings)
    what = "the staged changes" if any(loc.kind == "staged" for f in findings for loc in f.locations) \
        else "the files checked"
    out.write(f"credfence: {n} credential{'s' if n != 1 else ''} in {what}:\n")
    snippets = Snippets(report.result, findings, report.show_secrets)
    try:
        for f in findings:
            shown = f.secret if report.show_secrets else f.redacted
            for loc in f.locations:
                out.write(f"  {f.blast.severity:<8} {esc(f.rule.provider):<12} {snippets.safe(where(loc))}  {esc(shown)}"
                          f"  ({esc(labels(f))})\n")
                for ln in snippets.around(loc, report.context_lines):
                    mark = ">" if ln.hit and report.context_lines else " "
                    out.write(f"     {mark}{ln.number:>5} | {esc(ln.text)}\n")
    finally:
        snippets.close()
    out.write("What to do: move the secret out of the repository (an environment variable or a secret manager),"
              " rotate it if it was ever committed, then `git add` again.\n")
    out.write("A false alarm? Add `credfence: allow` on the line, or run `credfence baseline` to accept it.\n")
