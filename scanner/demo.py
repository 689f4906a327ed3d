"""`credfence demo`: a throwaway repository that reproduces the incident, then its audit.

An agent was asked to fix a staging credential mismatch in src/app/. In an unrelated
clean-up script sat an account-wide Railway token; the agent assumed it was scoped to
staging and deleted a production volume and its backups. The credentials here are random
strings in the providers' shapes, generated fresh each run: none of them is real.
"""
from __future__ import annotations

import secrets
import string
import subprocess
import tempfile
from pathlib import Path

from detectors.validators import github_checksum
from scanner import gitcmd

ALNUM = string.ascii_letters + string.digits
TASK = "fix the staging credential mismatch in src/app/config.py"
TASK_PATHS = ["src/app/"]


def _s(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _uuid() -> str:
    h = _s("0123456789abcdef", 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{secrets.choice('89ab')}{h[17:20]}-{h[20:32]}"


def _github() -> str:
    body = _s(ALNUM, 30)
    return f"ghp_{body}{github_checksum(body)}"


FILES = {
    "README.md": "# fleet-api\n\nBookings and vehicles. Deployed on Railway (staging and production).\n",
    "CLAUDE.md": "# Notes for Claude Code\n\nRun `make test` before committing.\n",
    ".cursor/rules/style.mdc": "Prefer small functions.\n",
    ".gitignore": ".env\n__pycache__/\n",
    "src/app/__init__.py": "",
    "src/app/config.py": (
        "import os\n\n"
        "# staging and production read the same variable names\n"
        "DATABASE_URL = os.environ[\"DATABASE_URL\"]\n"
        "STRIPE_KEY = os.getenv(\"STRIPE_SECRET_KEY\", \"\")\n"
    ),
    "src/app/bookings.py": "def total(items):\n    return round(sum(i.price for i in items), 2)\n",
    "scripts/staging_volume_cleanup.sh": (
        "#!/bin/sh\n"
        "# Clean up old staging volumes. Written during the March migration.\n"
        "RAILWAY_API_TOKEN={railway}\n"
        "curl -s -H \"Authorization: Bearer $RAILWAY_API_TOKEN\" https://backboard.railway.app/graphql/v2 \\\n"
        "  -d '{{\"query\":\"mutation {{ volumeDelete(volumeId: \\\"$1\\\") }}\"}}'\n"
    ),
    "deploy/prod/app.env": "DATABASE_URL=postgres://postgres:{pg}@prod-db-7f3a.internal:5432/fleet\n",
}
IGNORED = {".env": "STAGING_DATABASE_URL=postgres://app:{pg2}@staging-db.internal:5432/fleet\n"
                   "STAGING_STRIPE_SECRET_KEY={stripe_test}\n"}
HISTORY_ONLY = ("scripts/release.sh", "#!/bin/sh\nGITHUB_TOKEN={gh}\ngh release create \"$1\"\n")


def build(where: Path | None = None) -> Path:
    root = Path(where or tempfile.mkdtemp(prefix="credfence-demo-")).resolve() / "fleet-api"
    root.mkdir(parents=True)
    values = {"railway": _uuid(), "pg": _s(ALNUM, 24), "pg2": _s(ALNUM, 20), "gh": _github(),
              "stripe_test": "sk_test_" + _s(ALNUM, 99)}
    env = {**gitcmd.safe_env(), "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com"}

    def git(*args: str) -> None:
        subprocess.run(gitcmd.git_argv(root, *args), check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    git("-c", "init.defaultBranch=main", "init", "-q")
    path, body = HISTORY_ONLY
    _write(root, path, body.format(**values))
    git("add", "-A")
    git("commit", "-q", "-m", "release script")
    (root / path).unlink()
    for p, body in FILES.items():
        _write(root, p, body.format(**values))
    git("add", "-A")
    git("commit", "-q", "-m", "fleet api, deploy config, staging clean-up script")
    for p, body in IGNORED.items():
        _write(root, p, body.format(**values))
    return root


def guard_example(root: Path) -> tuple[str, str]:
    """The incident's call as Claude Code would send it to `credfence guard` (PreToolUse), with
    the token redacted for display; loopback address: nothing is ever run. Returns (the command
    as shown, the guard's answer)."""
    import json

    from scanner import guard

    token = (root / "scripts/staging_volume_cleanup.sh").read_text().split("RAILWAY_API_TOKEN=", 1)[1].split()[0]
    cmd = ('curl -X POST http://127.0.0.1:8080/graphql/v2 -H "Authorization: Bearer {t}" '
           '-d \'{{"query":"mutation {{ volumeDelete(volumeId: \\"vol-prod-1\\") }}"}}\'')
    event = {"hook_event_name": "PreToolUse", "cwd": str(root), "tool_name": "Bash",
             "tool_input": {"command": cmd.format(t=token)}}
    reason, name = guard.decide(event, "claude-code", False, lambda m: None)
    answer = guard.render("claude-code", name, reason) or "(allowed)"
    return cmd.format(t=token[:4] + "…(redacted)"), json.dumps(json.loads(answer), indent=2) if reason else answer


def _write(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
