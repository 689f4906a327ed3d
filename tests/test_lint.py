"""The code passes the linter configured in pyproject.toml (pyflakes, pycodestyle and
bugbear: unused imports, undefined names, loop variables captured late)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    p = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "scanner", "detectors",
                        "bench", "tests"], cwd=str(ROOT), capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]
