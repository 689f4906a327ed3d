"""The command line's seams and its documentation (issues 14 and 19): formats come from one
registry with one signature, one error base class, the hook reporter without click, SARIF
files through write_sarif; help texts and the README tell every level and marker there is."""
from __future__ import annotations

import ast
import importlib
import inspect
import io
import json
import re
import subprocess
import sys

from gitrepo import ROOT, Repo, git_env, github_pat

README = (ROOT / "README.md").read_text(encoding="utf-8")


def cf(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=str(cwd or ROOT), env=git_env(),
                          capture_output=True, text=True, timeout=300)


def test_every_reporter_has_the_one_signature_and_the_choices_come_from_the_registry():
    from scanner.report import REPORTERS, formats

    for name, r in REPORTERS.items():
        mod = importlib.import_module(r.module)
        assert list(inspect.signature(mod.render).parameters)[:2] == ["report", "out"], name
    for cmd in ("scan", "audit"):
        help_text = " ".join(cf(cmd, "--help").stdout.split())
        for name in formats(cmd):
            assert re.search(rf"\b{name}: ", help_text), (cmd, name, help_text)
    assert "hook" in formats("scan") and "html" in formats("audit")
    # the choices are not listed a second time in the CLI
    src = (ROOT / "scanner" / "cli.py").read_text()
    assert '"sarif"]' not in src and "__import__" not in src


def test_hook_reporter_does_not_import_click():
    tree = ast.parse((ROOT / "scanner" / "report" / "hook.py").read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "click" not in names and "click" not in mods


def test_one_error_base_class():
    from scanner.agents import AgentFileError
    from scanner.baseline import BaselineError
    from scanner.cli import Fatal
    from scanner.config import ConfigError
    from scanner.errors import CredfenceError
    from scanner.gitcmd import GitError
    from scanner.rules import RuleError
    from scanner.scan import ScanError

    for cls in (AgentFileError, BaselineError, Fatal, ConfigError, GitError, RuleError, ScanError):
        assert issubclass(cls, CredfenceError), cls


def test_sarif_file_goes_through_write_sarif(tmp_path):
    """`--output` of SARIF is write_sarif's bytes (UTF-8, not ASCII-escaped) for the same log."""
    from scanner.report import sarif

    repo = Repo(tmp_path / "r")
    repo.write("ci.sh", f"GITHUB_TOKEN={github_pat()}\n")
    out = tmp_path / "out.sarif"
    p = cf("scan", ".", "--no-history", "--format", "sarif", "--output", str(out), cwd=repo.path)
    assert p.returncode == 1, p.stderr
    doc = json.loads(out.read_text())
    mine = tmp_path / "mine.sarif"
    sarif.write_sarif(mine, doc)
    assert out.read_bytes() == mine.read_bytes()
    # on stdout the same document (ASCII-escaped for any terminal)
    p = cf("scan", ".", "--no-history", "--format", "sarif", cwd=repo.path)
    assert json.loads(p.stdout) == doc


def test_help_explains_format_jobs_and_levels():
    text = cf("scan", "--help").stdout
    assert re.search(r"--format \[text\|json\|sarif\|hook\]\s+Report format\.", text), text
    assert re.search(r"0 \(the default\)\s+means one\s+per core", text), text
    assert "--min-confidence [high|medium|low]" in text


def test_readme_severity_table_has_every_level():
    from scanner.model import CONFIDENCES, SEVERITIES

    table = README[README.index("| severity | meaning |"):]
    table = table[:table.index("\n\n")]
    assert [row.split("|")[1].strip() for row in table.splitlines()[2:]] == list(SEVERITIES)
    for c in CONFIDENCES:
        assert f"`{c}`" in README


def test_readme_lists_every_inline_marker_that_works():
    """Each marker the README names suppresses a finding, upper-cased too, and every
    marker allow.py accepts is named."""
    from scanner.allow import _MARKER, has_allow_marker

    para = README[README.index("Inline markers on the line"):]
    para = para[:para.index("\n\n")]
    named = re.findall(r"`([^`]+)`", para)
    markers = [m for m in named if has_allow_marker(m)]
    assert set(markers) >= {"credfence: allow", "pragma: allowlist secret", "pragma: allowlist nextline secret",
                            "gitleaks:allow", "trufflehog:ignore", "kingfisher:ignore"}, named
    for m in markers:
        assert has_allow_marker(m.upper()) and has_allow_marker(f"x = 1  # {m}")
    # every alternative of the pattern is named in the README
    alternatives = _MARKER.pattern.count("|") + 1
    assert len({m.split(":")[0].split()[0].lower() for m in markers}) >= alternatives - 1


def test_marker_forms_suppress_through_the_cli(tmp_path):
    repo = Repo(tmp_path / "r")
    lines = []
    for m in ("CREDFENCE: ALLOW", "pragma: allowlist secret", "gitleaks:allow", "trufflehog:ignore",
              "kingfisher:ignore", "PRAGMA: ALLOWLIST SECRET", "#nosec G101", "nolint:gosec", "ggignore"):
        lines.append(f"T = '{github_pat()}'  # {m}")
    lines.append("# pragma: allowlist nextline secret")
    lines.append(f"T = '{github_pat()}'")
    repo.write("a.py", "\n".join(lines) + "\n")
    p = cf("scan", "a.py", "--format", "json", cwd=repo.path)
    assert p.returncode == 0, p.stdout
    assert json.loads(p.stdout)["findings"] == []


def test_report_renders_into_any_text_stream(tmp_path):
    """The one signature: render(report, out) writes everything to `out`, nothing elsewhere."""
    from scanner.report import REPORTERS, Report
    from scanner.scan import ScanOptions, annotate, run_scan

    repo = Repo(tmp_path / "r")
    repo.write("ci.sh", f"GITHUB_TOKEN={github_pat()}\n")
    result = run_scan(ScanOptions(root=repo.path, history=False, jobs=1))
    annotate(result)
    for name, r in REPORTERS.items():
        buf = io.StringIO()
        rep = Report(result, result.findings, agents=["cursor"] if name in ("audit", "html") else None)
        importlib.import_module(r.module).render(rep, buf)
        assert buf.getvalue(), name
