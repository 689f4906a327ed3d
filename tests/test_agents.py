"""Agent ignore/deny writers: real files in tmp_path, no mocks."""

from __future__ import annotations

import json
import os
import shutil

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

import pytest
from pathspec import GitIgnoreSpec

from scanner import agents as A
from scanner.agents._managed import AgentFileError, gitignore_escape

GITIGNORE_AGENTS = [n for n, s in A.AGENTS.items() if s.file and not s.file.endswith((".json", ".toml"))]
CREDS = [".env", "deploy/prod/.env.production", "config/secrets.json"]
SOURCES = ["src/app.py", "README.md", "deploy/prod/main.tf", "config/settings.json", ".envrc.example"]


def make_repo(root: Path, creds=CREDS, sources=SOURCES) -> None:
    for p in list(creds) + list(sources):
        f = root / p
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x\n")


def spec_of(data: bytes) -> GitIgnoreSpec:
    return GitIgnoreSpec.from_lines(data.decode("utf-8").splitlines())


def run(root: Path, creds=CREDS, agents="all"):
    changes = A.plan(root, creds, A.resolve_agents(root, agents))
    A.apply(root, changes)
    return changes


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_registry_order_and_fields():
    assert list(A.AGENTS) == [
        "cursor", "claude-code", "gemini-cli", "jetbrains", "android-studio", "aider", "windsurf",
        "cline", "roo-code", "kilo-code", "kiro", "goose", "codex", "copilot",
    ]
    for spec in A.AGENTS.values():
        assert spec.human and spec.docs.startswith("https://")
    assert A.AGENTS["copilot"].file is None
    assert not A.AGENTS["cursor"].covers_shell and not A.AGENTS["goose"].covers_shell
    assert A.AGENTS["windsurf"].caveat and A.AGENTS["kiro"].caveat and A.AGENTS["gemini-cli"].caveat


def test_shell_coverage_only_in_the_settings_in_force(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude-home"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex-home"))
    root = tmp_path / "repo"
    root.mkdir()
    make_repo(root)
    run(root, agents="claude-code,codex")
    claude, codex = A.AGENTS["claude-code"], A.AGENTS["codex"]
    covered, why = claude.shell_coverage(root)
    assert not covered and "sandbox not enabled" in why
    settings = json.loads((root / ".claude/settings.json").read_text())
    settings["sandbox"]["enabled"] = True
    (root / ".claude/settings.json").write_text(json.dumps(settings))
    assert claude.shell_coverage(root)[0] == bool(shutil.which("bwrap") and shutil.which("socat"))
    (root / ".claude/settings.local.json").write_text('{"sandbox": {"enabled": false}}')
    assert not claude.shell_coverage(root)[0]  # the local scope outranks the project's
    # Codex: the profile is in force only in a trusted project
    covered, why = codex.shell_coverage(root)
    assert not covered and "not trusted" in why
    (tmp_path / "codex-home").mkdir()
    (tmp_path / "codex-home/config.toml").write_text(f'[projects.{json.dumps(str(root))}]\ntrust_level = "trusted"\n')
    assert codex.shell_coverage(root) == (True, "permission profile in force")


def test_every_agent_writes_and_hides(tmp_path):
    make_repo(tmp_path)
    changes = run(tmp_path)
    for c in changes:
        if c.agent == "copilot":
            assert c.path is None and '- "/.env"' in c.note
            continue
        assert (tmp_path / c.path).is_file(), c.agent
    for name in GITIGNORE_AGENTS:
        spec = spec_of((tmp_path / A.AGENTS[name].file).read_bytes())
        for p in CREDS:
            assert spec.match_file(p), (name, p)
        for p in SOURCES:
            if name == "goose" and p == ".envrc.example":
                continue
            assert not spec.match_file(p), (name, p)
    for p in CREDS:
        hidden = A.AgentView(tmp_path).hidden_from(p)
        assert set(hidden) == set(A.AGENTS) - {"copilot"}
    assert A.AgentView(tmp_path).hidden_from("src/app.py") == []


def test_second_run_writes_no_byte(tmp_path):
    make_repo(tmp_path)
    run(tmp_path)
    before = snapshot(tmp_path)
    changes = A.plan(tmp_path, CREDS, list(A.AGENTS))
    assert not any(c.changed for c in changes)
    assert A.apply(tmp_path, changes) == []
    assert snapshot(tmp_path) == before
    assert [c for c in A.plan(tmp_path, CREDS, list(A.AGENTS)) if c.changed or c.error] == []
    # a new credential file makes --check red
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops/railway.env").write_text("RAILWAY_API_TOKEN=x\n")
    drift = [c for c in A.plan(tmp_path, CREDS + ["ops/railway.env"], list(A.AGENTS)) if c.changed or c.error]
    assert {c.agent for c in drift} == set(A.AGENTS) - {"copilot"}


def test_cursorignore_crlf_comment_and_negation_kept(tmp_path):
    make_repo(tmp_path)
    original = b"# my own rules\r\nnode_modules/\r\n!.env\r\n*.log"
    (tmp_path / ".cursorignore").write_bytes(original)
    [c] = A.plan(tmp_path, CREDS, ["cursor"])
    assert c.conflicts and "!.env" in c.conflicts[0] and ".env" in c.conflicts[0]
    A.apply(tmp_path, [c])
    data = (tmp_path / ".cursorignore").read_bytes()
    assert data.startswith(original)
    rest = data[len(original):]
    assert rest.startswith(b"\r\n# >>> credfence >>>\r\n")
    assert b"\n" not in rest.replace(b"\r\n", b"")  # the block uses the file's CRLF
    assert not data.endswith(b"\n")  # no trailing newline, as before
    assert spec_of(data).match_file(".env")
    assert A.plan(tmp_path, CREDS, ["cursor"])[0].changed is False


def test_negation_after_block_is_a_conflict_and_apply_refuses(tmp_path):
    make_repo(tmp_path)
    run(tmp_path, agents="cursor")
    f = tmp_path / ".cursorignore"
    f.write_bytes(f.read_bytes() + b"!/.env\n")
    [c] = A.plan(tmp_path, CREDS, ["cursor"])
    assert any("undoes the credfence block" in m for m in c.conflicts)
    # the block itself is unchanged, so nothing to write; but the verifier sees the hole
    assert "cursor" not in A.AgentView(tmp_path).hidden_from(".env")
    (tmp_path / "new.env").write_text("x")
    [c] = A.plan(tmp_path, CREDS + ["new.env"], ["cursor"])
    before = f.read_bytes()
    with pytest.raises(A.AgentFileError):
        A.apply(tmp_path, [c])
    assert f.read_bytes() == before


def test_claude_settings_keep_other_keys(tmp_path):
    make_repo(tmp_path)
    settings = {
        "model": "opus",
        "env": {"FOO": "1"},
        "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo"}]}]},
        "permissions": {"allow": ["Bash(npm test)"], "deny": ["Bash(rm -rf *)"]},
    }
    (tmp_path / ".claude").mkdir()
    f = tmp_path / ".claude/settings.json"
    f.write_text(json.dumps(settings, indent=4) + "\n")
    run(tmp_path, agents="claude-code")
    text = f.read_text()
    obj = json.loads(text)
    assert list(obj)[:4] == ["model", "env", "hooks", "permissions"]
    assert obj["model"] == "opus" and obj["env"] == {"FOO": "1"} and obj["hooks"] == settings["hooks"]
    assert obj["permissions"]["allow"] == ["Bash(npm test)"]
    assert obj["permissions"]["deny"][0] == "Bash(rm -rf *)"
    for p in CREDS:
        assert f"Read(/{p})" in obj["permissions"]["deny"]
        assert f"./{p}" in obj["sandbox"]["filesystem"]["denyRead"]
    assert '\n    "model"' in text  # 4-space indentation kept
    before = f.read_bytes()
    assert not A.plan(tmp_path, CREDS, ["claude-code"])[0].changed
    # a credential file that disappears takes its pair of entries with it
    (tmp_path / ".env").unlink()
    [c] = A.plan(tmp_path, CREDS[1:], ["claude-code"])
    A.apply(tmp_path, [c])
    obj = json.loads(f.read_text())
    assert "Read(/.env)" not in obj["permissions"]["deny"] and "Bash(rm -rf *)" in obj["permissions"]["deny"]
    assert f.read_bytes() != before


def test_claude_invalid_json_refused(tmp_path):
    make_repo(tmp_path)
    (tmp_path / ".claude").mkdir()
    f = tmp_path / ".claude/settings.json"
    f.write_bytes(b'{"model": "opus",}\n')
    [c] = A.plan(tmp_path, CREDS, ["claude-code"])
    assert c.error and "not valid JSON" in c.error and "\n" not in c.error
    assert not c.changed
    with pytest.raises(A.AgentFileError):
        A.apply(tmp_path, [c])
    assert f.read_bytes() == b'{"model": "opus",}\n'
    assert [c for c in A.plan(tmp_path, CREDS, ["claude-code"]) if c.changed or c.error][0].error


def test_codex_keeps_comments_and_tables(tmp_path):
    make_repo(tmp_path)
    (tmp_path / ".codex").mkdir()
    f = tmp_path / ".codex/config.toml"
    original = b'# my codex config\nmodel = "o3"\n\n[mcp_servers.docs]\ncommand = "docs"  # trailing comment\n'
    f.write_bytes(original)
    run(tmp_path, agents="codex")
    data = f.read_bytes()
    assert data.endswith(original)
    cfg = tomllib.loads(data.decode())
    assert cfg["model"] == "o3" and cfg["mcp_servers"]["docs"]["command"] == "docs"
    assert cfg["default_permissions"] == "credfence"
    roots = cfg["permissions"]["credfence"]["filesystem"][":project_roots"]
    assert all(roots[p] == "none" for p in CREDS) and "." not in roots
    assert cfg["permissions"]["credfence"]["extends"] == ":workspace"
    assert not A.plan(tmp_path, CREDS, ["codex"])[0].changed


def test_codex_sandbox_mode_conflict(tmp_path):
    make_repo(tmp_path)
    (tmp_path / ".codex").mkdir()
    (tmp_path / ".codex/config.toml").write_text('sandbox_mode = "workspace-write"\n')
    [c] = A.plan(tmp_path, CREDS, ["codex"])
    assert any("sandbox_mode" in m for m in c.conflicts)
    with pytest.raises(A.AgentFileError):
        A.apply(tmp_path, [c])


@pytest.mark.parametrize("name", ["a b.env", "#hash.env", "!bang.env", "br[1].env", "uni/ключ-🔑.env",
                                  "trail ", "star*.env", "q?.env", "back\\slash.env"])
def test_awkward_paths_escaped_and_matched(tmp_path, name):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text("x")
    (tmp_path / "other.env").write_text("x")
    changes = run(tmp_path, creds=[name])
    notes = {c.agent: c.note for c in changes}
    for agent in GITIGNORE_AGENTS:
        spec = A.AGENTS[agent]
        if not spec.node_ignore:  # git's own reading (pathspec) for the git-dialect agents
            git = spec_of((tmp_path / spec.file).read_bytes())
            assert git.match_file(name), (agent, name)
            assert not git.match_file("other.env"), (agent, name)
    for agent, spec in A.AGENTS.items():
        if agent == "copilot":
            continue
        why = spec.unhideable(name)
        # each agent's model of its own matching (proved against the real matchers in
        # tests/test_agents_real.py): hidden, or reported as not hidden with the reason
        assert (agent in A.AgentView(tmp_path).hidden_from(name)) == (why is None), (agent, name)
        if why:
            assert f"not hidden from {spec.human}: {name}" in notes[agent]
        assert agent not in A.AgentView(tmp_path).hidden_from("other.env"), (agent, name)
    assert ("\\" in name) == ("claude-code" not in A.AgentView(tmp_path).hidden_from(name))
    assert "codex" in A.AgentView(tmp_path).hidden_from(name)


@pytest.mark.parametrize("bad", ["", ".", "/", "*", "**", "./", "../x", "/etc/passwd", "a/../b", "a\nb"])
def test_whole_repo_and_bad_paths_refused(tmp_path, bad):
    with pytest.raises(AgentFileError):
        gitignore_escape(bad)
    with pytest.raises(AgentFileError):
        A.plan(tmp_path, [bad], ["cursor"])


def test_aiexclude_never_empty(tmp_path):
    make_repo(tmp_path)
    assert A.plan(tmp_path, [], ["android-studio"])[0].new is None
    run(tmp_path, agents="android-studio")
    f = tmp_path / ".aiexclude"
    assert f.read_bytes().strip()
    # credentials all gone: the file credfence created is removed, never left empty
    [c] = A.plan(tmp_path, [], ["android-studio"])
    assert c.new is None
    A.apply(tmp_path, [c])
    assert not f.exists()
    # with a user's own pattern, only the block goes
    f.write_text("build/\n")
    run(tmp_path, agents="android-studio")
    [c] = A.plan(tmp_path, [], ["android-studio"])
    A.apply(tmp_path, [c])
    assert f.read_text() == "build/\n"


def test_goose_reemits_defaults(tmp_path):
    make_repo(tmp_path)
    run(tmp_path, creds=["config/secrets.json"], agents="goose")
    spec = spec_of((tmp_path / ".gooseignore").read_bytes())
    for p in [".env", "a/.env.local", "secrets.yaml", "config/secrets.json"]:
        assert spec.match_file(p)


def test_symlinked_target_out_of_root_refused(tmp_path):
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    make_repo(repo)
    (outside / "victim").write_text("do not touch\n")
    (repo / ".cursorignore").symlink_to(outside / "victim")
    [c] = A.plan(repo, CREDS, ["cursor"])
    assert c.error and "symlink" in c.error
    with pytest.raises(AgentFileError):
        A.apply(repo, [c])
    assert (outside / "victim").read_text() == "do not touch\n"
    # a symlinked .claude/ directory leading out of the root is refused too
    (repo / ".claude").symlink_to(outside, target_is_directory=True)
    [c] = A.plan(repo, CREDS, ["claude-code"])
    assert c.error
    assert not (outside / "settings.json").exists()


def test_apply_atomic_no_temp_files_and_mode_kept(tmp_path):
    make_repo(tmp_path)
    f = tmp_path / ".aiderignore"
    f.write_text("*.pyc\n")
    os.chmod(f, 0o640)
    run(tmp_path)
    assert oct(f.stat().st_mode & 0o777) == oct(0o640)
    leftovers = [p for p in tmp_path.rglob("*") if "credfence-" in p.name]
    assert leftovers == []
    assert not (tmp_path / ".codex").exists() or (tmp_path / ".codex/config.toml").exists()


def test_no_dirs_created_when_nothing_to_write(tmp_path):
    make_repo(tmp_path)
    changes = A.plan(tmp_path, [], list(A.AGENTS))
    assert not any(c.changed for c in changes)
    A.apply(tmp_path, changes)
    assert not (tmp_path / ".claude").exists() and not (tmp_path / ".codex").exists()


def test_utf16_and_bom_round_trip(tmp_path):
    make_repo(tmp_path)
    f = tmp_path / ".rooignore"
    original = b"\xff\xfe" + "# ü rules\r\nbuild/\r\n".encode("utf-16-le")
    f.write_bytes(original)
    run(tmp_path, agents="roo-code")
    data = f.read_bytes()
    assert data.startswith(original)
    text = data[2:].decode("utf-16-le")
    assert "/.env\r\n" in text
    g = tmp_path / ".kiroignore"
    g.write_bytes(b"\xef\xbb\xbfnode_modules/\n\xff\xfe raw\n")
    run(tmp_path, agents="kiro")
    assert g.read_bytes().startswith(b"\xef\xbb\xbfnode_modules/\n\xff\xfe raw\n")


def test_detect_and_resolve(tmp_path):
    assert A.detect_configured(tmp_path) == []
    assert A.resolve_agents(tmp_path, "auto") == list(A.AGENTS)
    (tmp_path / "CLAUDE.md").write_text("x")
    (tmp_path / "AGENTS.md").write_text("x")
    (tmp_path / ".aider.conf.yml").write_text("x")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/copilot-instructions.md").write_text("x")
    (tmp_path / ".kiro").mkdir()
    assert A.detect_configured(tmp_path) == ["claude-code", "aider", "kiro", "codex", "copilot"]
    assert A.resolve_agents(tmp_path, "auto") == ["claude-code", "aider", "kiro", "codex", "copilot"]
    (tmp_path / ".clinerules").mkdir()  # Cline's rules: a folder, or one file of that name
    assert A.detect_configured(tmp_path) == ["claude-code", "aider", "cline", "kiro", "codex", "copilot"]
    assert A.resolve_agents(tmp_path, "codex,cursor") == ["cursor", "codex"]
    with pytest.raises(ValueError) as exc:
        A.resolve_agents(tmp_path, "cursor,vim")
    assert "vim" in str(exc.value) and "claude-code" in str(exc.value) and "\n" not in str(exc.value)


def test_cline_include_lines(tmp_path):
    """Cline replaces a `!include FILE` line by FILE's text (tests/test_agents_real.py runs
    its controller on the same shapes): credfence reads FILE under the root only, never a
    name leading out of it or through a symlink, and does not call the line a re-inclusion."""
    make_repo(tmp_path)
    (tmp_path / "team.ignore").write_text("keys/\n")
    (tmp_path.parent / "far.ignore").write_text("src/\n")
    (tmp_path / "link.ignore").symlink_to(tmp_path.parent / "far.ignore")
    user = "!include team.ignore\n!include /team.ignore\n!include ../far.ignore\n!include link.ignore\n!include gone\n"
    (tmp_path / ".clineignore").write_text(user)
    [c] = A.plan(tmp_path, [".env"], ["cline"])
    assert not c.conflicts and not c.error
    A.apply(tmp_path, [c])
    assert (tmp_path / ".clineignore").read_text().startswith(user)
    view = A.AgentView(tmp_path, ["cline"])
    assert view.hidden_from(".env") == ["cline"] and view.hidden_from("keys/a.pem") == ["cline"]
    assert view.hidden_from(".clineignore") == ["cline"]  # Cline always ignores its own file
    assert view.hidden_from("src/app.py") == [] and view.hidden_from("gone") == []
    # an empty file hides nothing (Cline treats empty content as no file)
    (tmp_path / ".clineignore").write_text("")
    assert A.AgentView(tmp_path, ["cline"]).hidden_from(".clineignore") == []
    # a user's real negation after the block is still a conflict
    (tmp_path / ".clineignore").write_text(user)
    A.apply(tmp_path, A.plan(tmp_path, [".env"], ["cline"]))
    with open(tmp_path / ".clineignore", "a") as f:
        f.write("!/.env\n")
    [c] = A.plan(tmp_path, [".env"], ["cline"])
    assert any("re-includes .env" in m for m in c.conflicts)


def test_cline_file_of_bytes_that_are_not_utf8(tmp_path):
    """A .clineignore (or a file it includes) holding bytes that are not UTF-8 is kept byte
    for byte and read (tests/test_agents_merge_property.py found `b"\\x80"` failing)."""
    make_repo(tmp_path)
    (tmp_path / "extra.ignore").write_bytes(b"caf\xe9/\n")
    (tmp_path / ".clineignore").write_bytes(b"\x80\n!include extra.ignore\n")
    [c] = A.plan(tmp_path, [".env"], ["cline"])
    assert not c.error
    A.apply(tmp_path, [c])
    assert (tmp_path / ".clineignore").read_bytes().startswith(b"\x80\n!include extra.ignore\n")
    assert A.AgentView(tmp_path, ["cline"]).hidden_from(".env") == ["cline"]


def test_agent_view_parses_once(tmp_path):
    make_repo(tmp_path)
    run(tmp_path, agents="cursor,claude-code")
    view = A.AgentView(tmp_path)
    assert view.hidden_from(".env") == ["cursor", "claude-code", "goose"]
    assert "goose" in view.hidden_from(".env")  # Goose's defaults apply without a project file
    assert view.hidden_from("src/app.py") == []
