"""How long one `credfence-guard` hook call takes, interpreter start included.

Builds the demo repository, runs `credfence ignore --write --hooks`, then pipes Claude Code
PreToolUse JSON into the installed `credfence-guard` N times for each of: an ordinary Bash
command (allowed), a Read of .env (denied by path), and the incident's curl carrying the
Railway token (denied by hash). Prints the median and p90 wall time and the mean CPU time
(user+sys of the child) per call.

usage: python bench/guard_bench.py [N]
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scanner import demo  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    exe = shutil.which("credfence-guard", path=str(Path(sys.executable).parent)) or shutil.which("credfence-guard")
    if not exe:
        sys.exit("credfence-guard is not installed (pip install -e .)")
    tmp = Path(tempfile.mkdtemp(prefix="guard-bench-"))
    root = demo.build(tmp)
    subprocess.run([sys.executable, "-m", "scanner.cli", "ignore", str(root), "--write", "--hooks", "--quiet",
                    "--agents", "claude-code", "--task-paths", *demo.TASK_PATHS], check=True, capture_output=True)
    token = (root / "scripts/staging_volume_cleanup.sh").read_text().split("RAILWAY_API_TOKEN=", 1)[1].split()[0]
    cases = {
        "allow: ordinary Bash": {"tool_name": "Bash", "tool_input": {"command": "ls -la && python -m pytest -q"}},
        "deny: Read .env": {"tool_name": "Read", "tool_input": {"file_path": str(root / ".env")}},
        "deny: curl with the token": {"tool_name": "Bash", "tool_input": {
            "command": f'curl -X POST http://127.0.0.1:9/graphql/v2 -H "Authorization: Bearer {token}" '
                       '-d \'{"query":"mutation { volumeDelete(volumeId: \\"v\\") }"}\''}},
    }
    print(f"credfence-guard: {exe}; {n} calls per case; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    print("| case | median wall ms | p90 wall ms | mean CPU ms (user+sys) |")
    print("|---|---|---|---|")
    # the floor: the same interpreter starting and doing nothing
    cases["floor: python -c pass (same venv)"] = None
    for name, ev in cases.items():
        payload = json.dumps({"session_id": "b", "cwd": str(root), "hook_event_name": "PreToolUse", **(ev or {})})
        argv = [exe, "--agent", "claude-code"] if ev else [sys.executable, "-c", "pass"]
        walls = []
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        for _ in range(n):
            t = time.perf_counter()
            p = subprocess.run(argv, input=payload, text=True, capture_output=True)
            walls.append((time.perf_counter() - t) * 1000)
            assert p.returncode == 0 and (ev is None or ("deny" in p.stdout) == name.startswith("deny")), \
                (name, p.stdout, p.stderr)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = ((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1000 / n
        walls.sort()
        print(f"| {name} | {statistics.median(walls):.1f} | {walls[int(0.9 * (n - 1))]:.1f} | {cpu:.1f} |")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
