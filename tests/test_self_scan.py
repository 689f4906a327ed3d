"""credfence's own repository holds fake credentials on purpose (every rule's examples, test
fixtures). They are accepted explicitly, by the committed .credfence-baseline.json and
inline allow markers, not by skipping directories: a scan of the checkout reports nothing
new. When you add or change an example, run `credfence baseline . --no-history` again."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# the checkout may be a `git worktree`, whose git directory is outside it (issue 13.8)
OUTSIDE_OK = "--allow-outside-git-dir"


def test_scanning_credfence_itself_reports_nothing_unaccepted(tmp_path):
    out = tmp_path / "self.json"
    p = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(ROOT), "--no-history", "--quiet", OUTSIDE_OK,
                        "--format", "json", "--output", str(out)], capture_output=True, text=True, timeout=300)
    report = json.loads(out.read_text())
    new = [(f["rule"], f["locations"][0]["path"], f["locations"][0]["line"]) for f in report["findings"]]
    assert p.returncode == 0 and not new, f"unaccepted findings (run `credfence baseline . --no-history`): {new[:20]}"
    # the examples really are found: acceptance is explicit, nothing is skipped
    p = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(ROOT), "--no-history", "--quiet", OUTSIDE_OK,
                        "--no-baseline", "--format", "json", "--output", str(out)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 1
    assert len(json.loads(out.read_text())["findings"]) > 500
