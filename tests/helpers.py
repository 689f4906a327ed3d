"""Shared pieces of the hostile-input tests (issue 7): planted fake secrets, snapshots of a
directory tree, the CLI with a controlled environment, and the subcommands that exist."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from gitrepo import ROOT

# Fake credentials in the providers' shapes, assembled at run time so this file holds none.
STRIPE = "sk_live_" + "Rmn86Xx1XR2hlqeIjuI62hIrK4iuXwnP"
# a classic GitHub token whose last six characters are the base62 CRC32 of the body
GITHUB = "ghp_" + "Kf83JdLq0WmZx7TbV2nRc9YsHp4GaE" + "0szzsl"
PG_PASSWORD = "Vq7" + "mT2xLp9sKw4Zr"
PG_URL = f"postgres://app_user:{PG_PASSWORD}@db.internal.example.net:5432/orders"
GENERIC_PASSWORD = "Zq8vLp2" + "rTy6wXmB4n"
PEM_BODY = [
    "OLTmUuRNp/I3DZ4mDicTZVCko6bQf1wMMy+LEiQIP9IrkC+JEegYGPjJnV1dmDGV",
    "dQTZDpRd4uj1TueBzHX2NthQmQlaowAWWmcDb5tUDWuPC+IRJBecPdn3OBfObhGN",
    "JkqtbLbdIQ+vlKzTz5LBkCN8sR9dEIzyWTAmOTizcKG1dp+g8Ug/lakNnfLxMNYP",
    "zwS9k/UK5pUU2oxlnOKxDMza6/mQ0Zg4sNfsCz6XgY7LlsTbrb4XIpbVI0pCskxr",
    "pObtJOxjaorAoSceWGYnkjiq+E5YBW2PL6jt0JS6l66LFUQu4tthGpG/45RpczqS",
    "R9WPo8VQGDADclVf0jXxGCn7OIwi5Ey2N/ASEMNwepC0BUIPsWl3nt+1uTQkBRV/",
]
PEM = "\n".join(["-----BEGIN " + "RSA PRIVATE KEY-----", *PEM_BODY, "-----END RSA PRIVATE KEY-----"])


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CREDFENCE_DEBUG", "CREDFENCE_ENGINE") and not k.startswith("GIT_")}
    if "HOME" in extra and not {"CREDFENCE_CACHE_DIR", "XDG_CACHE_HOME"} & set(extra):
        # a test's own HOME keeps the user's git configuration out, not the compiled rules:
        # their cache is keyed by content, and a cold compile costs seconds per test
        from scanner.cache import cache_dir

        env.setdefault("CREDFENCE_CACHE_DIR", str(cache_dir()))
    env.update(extra)
    return env


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess; text output decoded leniently (paths may be any bytes)."""
    p = subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=str(cwd or ROOT),
                       env=env if env is not None else clean_env(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    p.stdout = p.stdout.decode("utf-8", "replace")
    p.stderr = p.stderr.decode("utf-8", "replace")
    return p


def assert_clean_exit(p: subprocess.CompletedProcess, codes=(0, 1)) -> None:
    assert "Traceback" not in p.stderr, p.stderr
    assert p.returncode in codes, f"exit {p.returncode}: {p.stderr}"
    if p.returncode == 2:
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr


_COMMANDS: set[str] | None = None


def commands() -> set[str]:
    """The subcommands this build of the CLI has (audit, ignore, baseline come and go)."""
    global _COMMANDS
    if _COMMANDS is None:
        import click

        from scanner.cli import main
        _COMMANDS = set(main.commands) if isinstance(main, click.Group) else set()
    return _COMMANDS


def snapshot(root: Path) -> dict[bytes, tuple]:
    """Every path under root (symlinks not followed): type, mode, mtime and content hash."""
    out: dict[bytes, tuple] = {}
    broot = os.fsencode(root)
    for d, dirs, files in os.walk(broot, followlinks=False):
        for name in dirs + files:
            full = os.path.join(d, name)
            st = os.lstat(full)
            if os.path.islink(full):
                content = os.readlink(full)
            elif os.path.isfile(full) and not name.startswith(b"fifo"):
                try:
                    with open(full, "rb") as fh:
                        content = hashlib.sha256(fh.read()).hexdigest()
                except PermissionError:
                    content = None
            else:
                content = None
            out[os.path.relpath(full, broot)] = (st.st_mode, st.st_mtime_ns, st.st_size, content)
    return out
