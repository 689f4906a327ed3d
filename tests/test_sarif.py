"""SARIF output: structure GitHub code scanning relies on, no plain secret, and validation
by Microsoft's real SARIF Multitool (installed by .ci/install-sarif-multitool.sh)."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from scanner.model import Blast, Finding, Location, Rule
from scanner.report.sarif import to_sarif, write_sarif

REPO = Path(__file__).resolve().parents[1]

# Planted fake credentials, assembled at run time so this file itself holds no key.
STRIPE_SECRET = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dcZZ9aQ1"
RAILWAY_SECRET = "6f1c2e9a-" + "41b7-4d2e-9c0a-7b3e5d8f2a10"
TEST_SECRET = "sk_" + "test_" + "51HqLyjWDarjtT1zdp7dcXyzW8Q"

STRIPE = Rule(id="stripe-secret-key", provider="stripe", name="Stripe secret key",
              pattern=r"sk_(live|test)_[0-9a-zA-Z]{24,}", keywords=["sk_live_", "sk_test_"],
              scope="account", privilege="destructive",
              impact="can refund charges, read customer data and delete resources across the whole Stripe account",
              description="A Stripe secret API key.")
RAILWAY = Rule(id="railway-api-token", provider="railway", name="Railway API token",
               pattern=r"[0-9a-f-]{36}", keywords=["railway"], scope="account", privilege="destructive")


def _findings() -> list[Finding]:
    live = Finding(
        rule=STRIPE, secret=STRIPE_SECRET,
        locations=[
            Location(kind="worktree", path="src/pay ments.py", line=12, column=5, status="tracked"),
            Location(kind="worktree", path="src/pay ments.py", line=40, column=9, status="tracked"),
            Location(kind="worktree", path=".env", line=1, column=19, status="ignored"),
            Location(kind="history", path="src/old.py", line=3, column=1, commit="a" * 40,
                     date="2024-01-02T03:04:05+00:00", refs=["refs/heads/main"]),
        ],
        blast=Blast(env="production", scope="account", privilege="destructive", severity="critical",
                    evidence=["key prefix sk_live_ means live mode"], why="live Stripe key, account-wide"),
        task_related=False,
    )
    railway = Finding(
        rule=RAILWAY, secret=RAILWAY_SECRET,
        locations=[
            Location(kind="history", path="deploy/staging.env", line=2, column=15, commit="b" * 40,
                     date="2024-02-01T00:00:00+00:00", refs=["refs/heads/main"]),
            Location(kind="history", path="deploy/staging.env", line=2, column=15, commit="c" * 40,
                     date="2024-03-01T00:00:00+00:00", refs=["refs/heads/main"]),
        ],
        blast=Blast(env="staging", scope="account", privilege="destructive", severity="high",
                    evidence=["found in a staging context, but this token type is account-wide"]),
    )
    test = Finding(
        rule=STRIPE, secret=TEST_SECRET,
        locations=[Location(kind="staged", path="tests/fixtures.py", line=7, column=3)],
        blast=Blast(env="test", scope="account", privilege="destructive", severity="low"),
    )
    info = Finding(
        rule=Rule(id="stripe-publishable-key", provider="stripe", name="Stripe publishable key",
                  pattern="pk_", keywords=["pk_live_"], public=True),
        secret="pk_" + "live_" + "51HqLyjWDarjtT1zdp7dcAbc",
        locations=[Location(kind="worktree", path="web/app.js", line=1, column=1, status="tracked")],
        blast=Blast(severity="info"),
    )
    medium = Finding(
        rule=RAILWAY, secret="0a1b2c3d-" + "4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        locations=[Location(kind="worktree", path="ci/données #1%.yml", line=3, column=2, status="untracked"),
                   Location(kind="worktree", path="ci/x.yml", line=0, column=0, status="untracked")],
        blast=Blast(severity="medium"),
    )
    return [test, railway, live, info, medium]


def _results_for(sarif: dict, rule_id: str) -> list[dict]:
    return [r for r in sarif["runs"][0]["results"] if r["ruleId"] == rule_id]


def test_structure_github_fields():
    sarif = to_sarif(_findings(), "/tmp/repo", "0.1.0")
    assert sarif["version"] == "2.1.0"
    assert "sarif" in sarif["$schema"] and "2.1.0" in sarif["$schema"]
    assert len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "credfence"
    assert driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///tmp/repo/"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(set(ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "Rotate" in rule["help"]["markdown"] and "rotate" in rule["help"]["text"]
        assert "out of" in rule["help"]["text"] or "outside" in rule["help"]["text"]
        assert rule["properties"]["tags"][:2] == ["security", "secret"]
        float(rule["properties"]["security-severity"])  # a number as a string
    stripe_rule = driver["rules"][ids.index("stripe-secret-key")]
    # the rule takes the highest severity of its findings (critical live key vs low test key)
    assert stripe_rule["properties"]["security-severity"] == "9.5"
    assert "refund charges" in stripe_rule["help"]["text"]
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith("/")
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
        assert res["partialFingerprints"]["credfence/v1"]


def test_levels_and_locations():
    findings = _findings()
    sarif = to_sarif(findings, "/tmp/repo", "0.1.0")
    stripe = _results_for(sarif, "stripe-secret-key")
    live = [r for r in stripe if r["properties"]["severity"] == "critical"]
    # one result per worktree location (two lines of one file and the .env), history attached
    assert len(live) == 3
    assert {r["level"] for r in live} == {"error"}
    uris = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                   r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in live)
    assert uris == [(".env", 1), ("src/pay%20ments.py", 12), ("src/pay%20ments.py", 40)]
    # GitHub combines partialFingerprints with the path: unique per (path, fingerprint)
    fps = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["partialFingerprints"]["credfence/v1"]) for r in live]
    assert len(set(fps)) == 3
    assert sorted(fp for _, fp in fps) == sorted([findings[2].fingerprint] * 2 + [findings[2].fingerprint + ":1"])
    for r in live:
        assert r["relatedLocations"][0]["properties"]["commit"] == "a" * 40
        assert r["properties"]["env"] == "production"
        assert r["properties"]["scope"] == "account"
        assert r["properties"]["privilege"] == "destructive"
        assert r["properties"]["task_related"] is False
        assert "sk_live_" in r["message"]["text"] and "critical" in r["message"]["text"]
    staged = [r for r in stripe if r["properties"]["severity"] == "low"]
    assert len(staged) == 1 and staged[0]["level"] == "note"
    assert staged[0]["properties"]["location_kind"] == "staged"
    # history-only finding: one result for the one (path, line), carrying both commits
    railway = [r for r in _results_for(sarif, "railway-api-token") if r["properties"]["severity"] == "high"]
    assert len(railway) == 1
    assert railway[0]["level"] == "error"
    assert railway[0]["properties"]["commits"] == ["b" * 40, "c" * 40]
    assert "history" in railway[0]["message"]["text"]
    medium = [r for r in _results_for(sarif, "railway-api-token") if r["properties"]["severity"] == "medium"]
    assert [r["level"] for r in medium] == ["warning", "warning"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in medium] == \
        ["ci/donn%C3%A9es%20%231%25.yml", "ci/x.yml"]
    assert medium[1]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    info = _results_for(sarif, "stripe-publishable-key")
    assert info[0]["level"] == "note"


def test_no_plain_secret_anywhere(tmp_path):
    findings = _findings()
    # evidence that (wrongly) quotes the secret must be scrubbed too
    findings[2].blast.evidence.append(f"value {STRIPE_SECRET} seen in .env")
    sarif = to_sarif(findings, str(tmp_path), "0.1.0")
    out = tmp_path / "out.sarif"
    write_sarif(out, sarif)
    text = out.read_text(encoding="utf-8")
    for f in findings:
        assert f.secret not in text
    assert findings[2].redacted in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(text) == sarif


def test_write_sarif_atomic_replaces_and_keeps_0600(tmp_path):
    out = tmp_path / "r.sarif"
    out.write_text("old")
    os.chmod(out, 0o644)
    write_sarif(out, to_sarif([], str(tmp_path), "0.1.0"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["runs"][0]["results"] == []
    assert [p.name for p in tmp_path.iterdir()] == ["r.sarif"]  # no temporary left behind


def _multitool() -> list[str] | None:
    env = os.environ.get("CREDFENCE_SARIF_MULTITOOL")
    if env:
        return [env]
    npm = REPO / ".ci" / "npm" / "node_modules"
    for native in (npm / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool",
                   npm / "@microsoft" / "sarif-multitool-darwin" / "Sarif.Multitool"):
        if native.is_file():
            if not os.access(native, os.X_OK):
                native.chmod(native.stat().st_mode | stat.S_IXUSR)
            return [str(native)]
    shim = npm / ".bin" / "sarif-multitool"
    if shim.exists():
        return [str(shim)]
    found = shutil.which("sarif-multitool") or shutil.which("Sarif.Multitool")
    return [found] if found else None


def _validate(tmp_path: Path, sarif_path: Path) -> list[dict]:
    """Run `Sarif.Multitool validate` with the SARIF rules and GitHub's ingestion rules (Gh)."""
    log = tmp_path / (sarif_path.stem + ".validation.sarif")
    proc = subprocess.run(
        _multitool() + ["validate", str(sarif_path), "--output", str(log), "--log", "ForceOverwrite",
                        "--rule-kind", "Sarif;Gh"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert log.exists(), proc.stdout + proc.stderr
    validation = json.loads(log.read_text(encoding="utf-8-sig"))
    problems = [r for run in validation["runs"] for r in run.get("results", [])]
    problems += [n for run in validation["runs"] for inv in run.get("invocations", [])
                 for n in inv.get("toolExecutionNotifications", []) + inv.get("toolConfigurationNotifications", [])
                 if n.get("level") == "error"]
    return problems


needs_multitool = pytest.mark.skipif(_multitool() is None,
                                     reason="SARIF Multitool not installed (.ci/install-sarif-multitool.sh)")


@needs_multitool
def test_sarif_multitool_validate_zero_errors(tmp_path):
    (tmp_path / "src").mkdir()
    sarif_path = tmp_path / "credfence.sarif"
    write_sarif(sarif_path, to_sarif(_findings(), str(tmp_path), "0.1.0"))
    problems = _validate(tmp_path, sarif_path)
    errors = [p for p in problems if p.get("level", "warning") == "error"]
    assert errors == [], json.dumps(errors, indent=1)[:4000]
    # currently clean of warnings too: keep it so
    assert problems == [], json.dumps(problems, indent=1)[:4000]
    empty = tmp_path / "empty.sarif"
    write_sarif(empty, to_sarif([], str(tmp_path), "0.1.0"))
    assert _validate(tmp_path, empty) == []


@needs_multitool
def test_sarif_multitool_catches_a_broken_log(tmp_path):
    """Control: the validator does report errors (so a pass above means something)."""
    sarif = to_sarif(_findings(), str(tmp_path), "0.1.0")
    sarif["runs"][0]["results"][0]["locations"] = []  # GitHub requires a location
    sarif["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    bad = tmp_path / "bad.sarif"
    write_sarif(bad, sarif)
    rules = {p.get("ruleId") for p in _validate(tmp_path, bad) if p.get("level", "warning") == "error"}
    assert "JSON1008" in rules  # startLine below the schema minimum
    assert any(r.startswith("GH") for r in rules), rules
