"""What the audit fails on: a critical or high finding that an agent can still reach.

One policy, used by the audit's exit code (scanner/run.py) and shown by its reports
(scanner/report/audit.py, html.py).
"""
from __future__ import annotations

from scanner.model import SEVERITY_RANK

EXPOSURE_RANK = SEVERITY_RANK["high"]  # critical and high exposures fail the audit


def doubtful(f) -> bool:
    """A history-only finding that is probably not a credential (low confidence or a
    placeholder's shape): listed, but it does not fail the audit."""
    if f.worktree_paths or any(loc.kind in ("staged", "stdin") for loc in f.locations):
        return False
    if f.confidence == "low":
        return True
    from detectors.placeholders import is_placeholder

    return is_placeholder(f.secret, f.rule.keywords)


def exposed(findings, agents: list[str]) -> list:
    """Critical and high findings that some selected agent can still reach: a file not
    hidden from it, or history, which no ignore file hides from a shell (unless doubtful)."""
    out = []
    for f in findings:
        if f.severity_rank < EXPOSURE_RANK:
            continue
        on_disk = f.worktree_paths
        if on_disk and any(a not in f.hidden_from for a in agents):
            out.append(f)
        elif not on_disk and not doubtful(f):
            out.append(f)
    return out
