"""Issue 5 "Done when": `credfence demo` reproduces the incident and ends with the audit of the
repository before and after `ignore --write`, naming the account-wide Railway token first
and never printing a full secret."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def run_demo(cwd: Path, keep: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CREDFENCE_"))}
    p = subprocess.run([sys.executable, "-m", "scanner.cli", "demo", "--keep", keep], cwd=str(cwd), env=env,
                       capture_output=True, timeout=120)
    p.stdout, p.stderr = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    return p


def bullets(section: str) -> list[str]:
    """The exposure list of one audit, one string per bullet (rich's wrapped lines joined)."""
    if "EXPOSED" not in section:
        return []
    end = min(i for i in (section.find("other finding(s)"), section.index("What each agent's file tools")) if i >= 0)
    body = section[section.index("EXPOSED"):end]
    body = " ".join(line.strip() for line in body.splitlines()[1:])
    return [b.strip() for b in body.split("•")[1:]]


def demo_secrets(root: Path) -> list[str]:
    """Read every planted secret back from the demo repository (files and history)."""
    found = []
    found += re.findall(r"RAILWAY_API_TOKEN=(\S+)", (root / "scripts/staging_volume_cleanup.sh").read_text())
    found += re.findall(r"postgres://[^:]+:([^@]+)@", (root / "deploy/prod/app.env").read_text())
    env = (root / ".env").read_text()
    found += re.findall(r"postgres://[^:]+:([^@]+)@", env)
    found += re.findall(r"STRIPE_SECRET_KEY=(\S+)", env)
    old = subprocess.run(["git", "-C", str(root), "log", "-p", "--all"], capture_output=True, text=True,
                         check=True).stdout
    found += re.findall(r"GITHUB_TOKEN=(ghp_\w+)", old)  # added, then removed: twice in log -p
    return sorted(set(found))


def test_demo_before_and_after(tmp_path):
    p = run_demo(tmp_path, "keep")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    out = p.stdout

    m = re.search(r"^Demo repository: (.+)$", out, re.M)
    assert m, out
    root = Path(m.group(1))
    root = root if root.is_absolute() else tmp_path / root
    assert (root / ".git").is_dir() and (root / "scripts/staging_volume_cleanup.sh").is_file()
    assert root.resolve() == (tmp_path / "keep" / "fleet-api").resolve()

    # the audit before, ignore --write, and the audit after, in that order
    i1 = out.index("=== 1. credfence audit, before ===")
    i2 = out.index("=== 2. credfence ignore --write ===")
    i3 = out.index("=== 3. credfence audit, after ===")
    assert i1 < i2 < i3
    before, write, after = out[i1:i2], out[i2:i3], out[i3:]

    first = bullets(before)[0]
    assert first.startswith("critical account-wide Railway account or team token in "
                            "scripts/staging_volume_cleanup.sh"), first
    assert "account-wide: it reaches production" in first, first

    assert "wrote .cursorignore" in write and "wrote .claude/settings.json" in write
    assert (root / ".cursorignore").is_file() and (root / ".claude/settings.json").is_file()

    # after: the Railway file is hidden from both configured agents; only history stays exposed
    assert bullets(after) and not any("Railway" in b for b in bullets(after)), bullets(after)
    assert all("history only" in b for b in bullets(after)), bullets(after)
    assert re.search(r"Cursor \*\s*│\s*\.cursorignore\s*│\s*0\s*│", after), after
    assert re.search(r"Claude Code \*\s*│\s*\.claude/settings\.json\s*│\s*0\s*│", after), after

    # the guard's refusal of the incident's call, in Claude Code's hook format
    guard_out = out[out.index("=== 4. credfence guard"):]
    assert '"permissionDecision": "deny"' in guard_out and "account-wide Railway" in guard_out, guard_out

    # no full secret anywhere in the output
    secrets = demo_secrets(root)
    assert len(secrets) == 5, secrets
    for s in secrets:
        assert len(s) >= 16
        assert s not in out and s not in p.stderr
