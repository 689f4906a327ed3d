"""Configuration through the CLI (issue 6): `.credfence.yaml` and `[tool.credfence]` in
pyproject.toml change what `credfence scan` reports; bad configuration is exit 2 with one
line naming the key. Secrets are generated at run time (seeded: the same each run), never literals."""
from __future__ import annotations

import json
import random
import shutil
import string
import sys
from pathlib import Path

import pytest

from gitrepo import Repo, credfence as cf, stdout_report as report

ALNUM = string.ascii_letters + string.digits
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def rnd(n: int, label: str) -> str:
    """n random-looking characters, the same on every run: a fresh random draw failed one
    CI run in many thousands (a value holding `xXx` or `DUMmY` reads as a placeholder, by
    design), and a test must not fail by chance."""
    gen = random.Random(f"test_config_cli:{label}")
    return "".join(gen.choice(ALNUM) for _ in range(n))


def paths(rep: dict) -> set[str]:
    return {loc["path"] for f in rep["findings"] for loc in f["locations"]}


def rules(rep: dict) -> set[str]:
    return {f["rule"] for f in rep["findings"]}


ACME_RULE = {
    "id": "acme-api-key",
    "provider": "acme",
    "name": "ACME API key",
    "pattern": r"\b(?P<secret>acme_live_[A-Za-z0-9]{32})\b",
    "keywords": ["acme_live_"],
    "scope": "account",
    "privilege": "destructive",
}


@pytest.fixture
def repo(tmp_path) -> Repo:
    """src/app.py: a live Stripe key (critical); src/db.py: a password (generic, medium);
    vendor/lib.py: another live Stripe key; src/acme.py: a token only a custom rule knows."""
    r = Repo(tmp_path / "r")
    r.write("src/app.py", f'STRIPE_KEY = "sk_live_{rnd(40, "app")}"\n')
    r.write("src/db.py", f'DB_PASSWORD = "{rnd(18, "db")}"\n')
    r.write("vendor/lib.py", f'STRIPE_KEY = "sk_live_{rnd(40, "vendor")}"\n')
    r.write("src/acme.py", f'TOKEN = "acme_live_{rnd(32, "acme")}"\n')
    return r


def yaml_config(r: Repo, text: str) -> None:
    r.write(".credfence.yaml", text)


def pyproject_config(r: Repo, text: str) -> None:
    r.write("pyproject.toml", '[project]\nname = "app"\nversion = "1"\n\n[tool.credfence]\n' + text)


def test_without_config_everything_is_reported(repo):
    code, rep = report(repo.path)
    assert code == 1
    assert {"src/app.py", "src/db.py", "vendor/lib.py"} <= paths(rep)
    assert "acme-api-key" not in rules(rep)
    assert any(f["blast"]["severity"] == "medium" for f in rep["findings"])  # src/db.py's password


@pytest.mark.parametrize("write", [
    lambda r: yaml_config(r, 'exclude: ["vendor/"]\n'),
    lambda r: pyproject_config(r, 'exclude = ["vendor/"]\n'),
], ids=["yaml", "pyproject"])
def test_exclude_drops_paths(repo, write):
    write(repo)
    code, rep = report(repo.path, "--no-history")
    assert code == 1
    assert "vendor/lib.py" not in paths(rep)
    assert "src/app.py" in paths(rep)


@pytest.mark.parametrize("write", [
    lambda r: yaml_config(r, "min_severity: high\n"),
    lambda r: pyproject_config(r, 'min-severity = "high"\n'),
], ids=["yaml", "pyproject"])
def test_min_severity_filters(repo, write):
    write(repo)
    code, rep = report(repo.path)
    assert code == 1
    assert {f["blast"]["severity"] for f in rep["findings"]} <= {"high", "critical"}
    assert "src/db.py" not in paths(rep) and "src/app.py" in paths(rep)
    # only below-threshold findings left: exit 0
    for p in ("src/app.py", "vendor/lib.py"):
        (repo.path / p).unlink()
    code, rep = report(repo.path, "--no-history")
    assert code == 0 and rep["findings"] == []
    # the command line wins over the file
    code, rep = report(repo.path, "--no-history", "--min-severity", "low")
    assert code == 1 and "src/db.py" in paths(rep)


def _toml_rule() -> str:
    r = ACME_RULE
    return ("[[tool.credfence.rules]]\n" + "".join(
        f"{k} = {json.dumps(v)}\n" for k, v in r.items())).replace("[tool.credfence]\n", "")


@pytest.mark.parametrize("kind", ["yaml", "pyproject"])
def test_extra_rule_finds_a_custom_token(repo, kind):
    if kind == "yaml":
        import yaml
        yaml_config(repo, yaml.safe_dump({"rules": [ACME_RULE]}))
    else:
        repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "1"\n\n' + _toml_rule())
    code, rep = report(repo.path, "--no-history")
    assert code == 1
    acme = [f for f in rep["findings"] if f["rule"] == "acme-api-key"]
    assert len(acme) == 1, rules(rep)
    assert acme[0]["provider"] == "acme"
    assert [loc["path"] for loc in acme[0]["locations"]] == ["src/acme.py"]
    assert acme[0]["secret_redacted"].startswith("acme_") and "…" in acme[0]["secret_redacted"]
    assert acme[0]["blast"]["privilege"] == "destructive"
    # the built-in rules still run
    assert "stripe-secret-key" in rules(rep)


@pytest.mark.parametrize("write,key", [
    (lambda r: yaml_config(r, "exclude: [vendor/]\nmin_severty: high\n"), "min_severty"),
    (lambda r: pyproject_config(r, 'excludes = ["vendor/"]\n'), "excludes"),
], ids=["yaml", "pyproject"])
def test_unknown_key_is_exit_2_naming_the_key(repo, write, key):
    write(repo)
    for cmd in (("scan", "."), ("scan", "--staged"), ("audit", "."), ("ignore", "--check")):
        p = cf(*cmd, "--quiet", cwd=repo.path)
        assert p.returncode == 2, (cmd, p.stdout + p.stderr)
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and key in lines[0] and "Traceback" not in p.stderr, (cmd, p.stderr)


@pytest.mark.parametrize("write,key", [
    (lambda r: yaml_config(r, "exclude: vendor/\n"), "exclude"),
    (lambda r: yaml_config(r, "min_severity: urgent\n"), "min_severity"),
    (lambda r: yaml_config(r, "rules: {id: x}\n"), "rules"),
    (lambda r: pyproject_config(r, "min_severity = 3\n"), "min_severity"),
    (lambda r: pyproject_config(r, 'max_file_size = "big"\n'), "max_file_size"),
], ids=["yaml-exclude-string", "yaml-bad-severity", "yaml-rules-mapping", "toml-severity-int", "toml-size-str"])
def test_wrong_type_is_exit_2(repo, write, key):
    write(repo)
    p = cf("scan", ".", "--quiet", cwd=repo.path)
    assert p.returncode == 2, p.stdout + p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0] and "Traceback" not in p.stderr, p.stderr


def test_invalid_extra_rule_is_exit_2(repo):
    yaml_config(repo, "rules:\n  - id: broken\n    provider: x\n    name: x\n    pattern: '(?P<secret>[a-'\n")
    p = cf("scan", ".", "--quiet", cwd=repo.path)
    assert p.returncode == 2, p.stdout + p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr, p.stderr


@pytest.mark.parametrize("mode", ["history", "staged"])
def test_exclude_applies_to_history_and_staged(repo, mode):
    yaml_config(repo, 'exclude: ["vendor/"]\n')
    repo.git("add", "-A")
    if mode == "history":
        repo.git("commit", "-q", "-m", "init")
        code, rep = report(repo.path)
    else:
        code, rep = report(repo.path, "--staged")
    assert "vendor/lib.py" not in paths(rep)
    assert "src/app.py" in paths(rep)
