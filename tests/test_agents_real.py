"""The agents' own code run on what credfence writes (no network, nothing mocked).

What runs here is installed by .ci/install-agents.sh (npm @google/gemini-cli-core and the
npm `ignore` it pins, @openai/codex with bubblewrap; PyPI aider-chat in a directory of its
own). A test is skipped only when its package is not installed, with the reason.

Each agent's verdict on every file is compared with credfence's model of that agent
(``hidden_from``): the model must agree with the agent on every name, awkward ones included,
and every credential file must be hidden unless credfence reports it as not hideable.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import agents as A

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / ".ci/npm/agents/node_modules"
AIDER_DIR = REPO / ".ci/npm/py-aider"
HERE = Path(__file__).resolve().parent / "agents_real"
CODEX_VENDOR = NODE_MODULES / "@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl"

AWKWARD = ["a b.env", "#hash.env", "!bang.env", "br[1].env", "uni/ключ-🔑.env", "trail ", "star*.env",
           "q?.env", "back\\slash.env", "c{d,e}.env", "x]y.env", "deploy/prod/app.env", ".env"]
# "q?.env" is written "/q?.env" for the npm-ignore agents ("\\?" and "[?]" never match there):
# the wildcard also hides "qX.env"; the model must still agree with the agent on it
NEIGHBOURS = ["qX.env"]
ORDINARY = ["README.md", "src/app.py", "starX.env", "br1.env", "other.env", "trail", "deploy/prod/main.tf"]


def need(path: Path, what: str) -> None:
    if not path.exists():
        pytest.skip(f"{what} is not installed ({path} missing; run .ci/install-agents.sh, whose output says why)")
    if shutil.which("node") is None and path.suffix != ".py":
        pytest.skip("node is not installed")


def make(root: Path, agents: list[str]) -> None:
    for p in AWKWARD + ORDINARY + NEIGHBOURS:
        f = root / p
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    A.apply(root, A.plan(root, AWKWARD, agents))


def verdicts(argv: list[str], env=None) -> dict[str, bool]:
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    return dict(json.loads(line) for line in out.stdout.splitlines() if line.startswith("["))


def agree(root: Path, agent: str, real: dict[str, bool]) -> None:
    spec = A.AGENTS[agent]
    model = {p: agent in A.hidden_from(root, p) for p in real}
    assert model == real, {p: (model[p], real[p]) for p in real if model[p] != real[p]}
    for p in AWKWARD:
        assert real[p] or spec.unhideable(p), f"{spec.human} still reads {p!r}"
    for p in ORDINARY:
        assert not real[p], f"{spec.human} hides the ordinary file {p!r}"


def test_gemini_cli_file_discovery_service(tmp_path):
    core = NODE_MODULES / "@google/gemini-cli-core"
    need(core, "@google/gemini-cli-core")
    make(tmp_path, ["gemini-cli"])
    real = verdicts(["node", str(HERE / "gemini_discovery.mjs"), str(core), str(tmp_path), *AWKWARD, *ORDINARY, *NEIGHBOURS])
    agree(tmp_path, "gemini-cli", real)
    assert not real["back\\slash.env"]  # Gemini cannot hide it, and credfence says so


@pytest.mark.parametrize("agent", ["roo-code", "kilo-code"])
def test_npm_ignore_roo_and_kilo(tmp_path, agent):
    ign = NODE_MODULES / "ignore"
    need(ign, "npm ignore")
    make(tmp_path, [agent])
    real = verdicts(["node", str(HERE / "npm_ignore.cjs"), str(ign), str(tmp_path / A.AGENTS[agent].file),
                     *AWKWARD, *ORDINARY, *NEIGHBOURS])
    agree(tmp_path, agent, real)


def test_aider_ignored_file(tmp_path):
    need(AIDER_DIR / "aider", "PyPI aider-chat")
    make(tmp_path, ["aider"])
    env = {**os.environ, "PYTHONPATH": str(AIDER_DIR)}
    real = verdicts([sys.executable, str(HERE / "aider_ignored.py"), str(tmp_path), *AWKWARD, *ORDINARY, *NEIGHBOURS], env)
    agree(tmp_path, "aider", real)


# ------------------------------------------------------------------------------------- codex


def codex_env(tmp_path: Path, root: Path) -> dict:
    """CODEX_HOME outside the system's temporary directory (Codex refuses to create its
    helper links under it), the project trusted, the package's codex-path on PATH."""
    home = Path.home() / ".cache" / "credfence-test-codex" / tmp_path.name
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'[projects.{json.dumps(str(root))}]\ntrust_level = "trusted"\n')
    return {**os.environ, "CODEX_HOME": str(home),
            "PATH": f"{CODEX_VENDOR / 'codex-path'}{os.pathsep}{os.environ.get('PATH', '')}"}


def codex_cat(root: Path, env: dict, name: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CODEX_VENDOR / "bin/codex"), "sandbox", "cat", "--", name], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_codex_sandbox_runs_and_denies(tmp_path):
    need(CODEX_VENDOR / "bin/codex", "@openai/codex (linux-x64)")
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (apt bubblewrap)")
    root = tmp_path / "repo"
    root.mkdir()
    make(root, ["codex"])
    env = codex_env(tmp_path, root)
    try:
        ok = codex_cat(root, env, "README.md")
        assert ok.returncode == 0 and ok.stdout == "x\n", ok.stderr[-2000:]
        for name in AWKWARD:
            r = codex_cat(root, env, name)
            assert r.returncode != 0 and "Permission denied" in r.stderr, (name, r.stdout, r.stderr[-500:])
            assert "codex" in A.hidden_from(root, name)
        for name in ORDINARY:
            r = codex_cat(root, env, name)
            assert r.returncode == 0, (name, r.stderr[-500:])
    finally:
        shutil.rmtree(env["CODEX_HOME"], ignore_errors=True)
