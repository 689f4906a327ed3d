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
CLINE_BUNDLE = REPO / ".ci/npm/cline/package/dist/lib.mjs"
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
    model = {p: agent in A.AgentView(root).hidden_from(p) for p in real}
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


def cline_verdicts(root: Path, paths: list[str]) -> dict[str, bool]:
    need(CLINE_BUNDLE, "npm cline (its bundle)")
    need(NODE_MODULES / "ignore", "npm ignore")
    return verdicts(["node", str(HERE / "cline_ignore.mjs"), str(CLINE_BUNDLE), str(NODE_MODULES / "ignore"),
                     str(root), *paths])


def test_cline_ignore_controller(tmp_path):
    need(CLINE_BUNDLE, "npm cline (its bundle)")
    make(tmp_path, ["cline"])
    real = cline_verdicts(tmp_path, AWKWARD + ORDINARY + NEIGHBOURS)
    agree(tmp_path, "cline", real)
    assert not real["back\\slash.env"]  # its paths' backslashes become slashes: credfence says so


def test_cline_include_and_the_users_lines(tmp_path):
    """A user's .clineignore with Cline's `!include` (of a file under the root, of a missing
    one, of one outside) and a negation: credfence's block added, every line of the user's
    kept, and credfence's model agreeing with Cline's controller on every name."""
    need(CLINE_BUNDLE, "npm cline (its bundle)")
    for p in ["keys/a.pem", "keys/b.pem", "logs/x.log", "src/app.py", "config/prod.env", "include extra", ".clineignore"]:
        (tmp_path / p).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / p).write_text("x\n")
    (tmp_path / "shared.ignore").write_text("keys/*.pem\n!keys/b.pem\n")
    (tmp_path.parent / "outside.ignore").write_text("src/\n")
    user = "logs/\n  !include shared.ignore\n!include missing.ignore\n!include ../outside.ignore\n"
    (tmp_path / ".clineignore").write_text(user)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    changes = A.plan(tmp_path, ["config/prod.env"], ["cline"])
    assert not changes[0].conflicts  # `!include` is Cline's directive, not a re-inclusion
    A.apply(tmp_path, changes)
    assert (tmp_path / ".clineignore").read_text().startswith(user)
    names = ["keys/a.pem", "keys/b.pem", "logs/x.log", "src/app.py", "config/prod.env", "include extra",
             ".clineignore", "shared.ignore"]
    real = cline_verdicts(tmp_path, names)
    assert real["config/prod.env"] and real["keys/a.pem"] and not real["keys/b.pem"], real
    model = {p: "cline" in A.AgentView(tmp_path).hidden_from(p) for p in names}
    # the one difference allowed is on the safe side: a file outside the root that Cline
    # reads (src/ here) is not read by credfence, so src/app.py is not claimed hidden
    assert real["src/app.py"] and not model["src/app.py"]
    assert {p: v for p, v in model.items() if p != "src/app.py"} == \
        {p: v for p, v in real.items() if p != "src/app.py"}


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
            assert "codex" in A.AgentView(root).hidden_from(name)
        for name in ORDINARY:
            r = codex_cat(root, env, name)
            assert r.returncode == 0, (name, r.stderr[-500:])
        # the audit's column agrees: covered in this trusted project, not once it is untrusted
        old_home = os.environ.get("CODEX_HOME")
        os.environ["CODEX_HOME"] = env["CODEX_HOME"]
        try:
            assert A.AGENTS["codex"].shell_coverage(root)[0] is True
            (Path(env["CODEX_HOME"]) / "config.toml").write_text("")
            assert A.AGENTS["codex"].shell_coverage(root)[0] is False
        finally:
            os.environ.pop("CODEX_HOME") if old_home is None else os.environ.__setitem__("CODEX_HOME", old_home)
    finally:
        shutil.rmtree(env["CODEX_HOME"], ignore_errors=True)


# ------------------------------------------------------------------------------- claude code
# Claude Code's own binary (npm @anthropic-ai/claude-code and its platform package) run
# headless (-p) in the demo repository against tests/agents_real/model_standin.py, a loopback
# stand-in for the model API that scripts the tool calls and records each tool result.

CLAUDE = NODE_MODULES / "@anthropic-ai/claude-code-linux-x64/claude"


def claude_run(root: Path, home: Path, script: list) -> list:
    sys.path.insert(0, str(HERE))
    from model_standin import StandIn

    s = StandIn(script).start()
    home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(home),
           "CLAUDE_CONFIG_DIR": str(home / ".claude"), "ANTHROPIC_BASE_URL": s.url,
           "ANTHROPIC_API_KEY": "stand-in", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
           "DISABLE_TELEMETRY": "1", "DISABLE_AUTOUPDATER": "1", "DISABLE_ERROR_REPORTING": "1"}
    try:
        p = subprocess.run([str(CLAUDE), "-p", "go", "--output-format", "json", "--model", "claude-sonnet-4-5",
                            "--allowedTools", "Bash Read Grep Glob"], cwd=root, env=env, capture_output=True,
                           text=True, timeout=300, stdin=subprocess.DEVNULL)
    finally:
        s.stop()
    assert p.returncode == 0, (p.stdout[-1500:], p.stderr[-1500:])
    assert len(s.results) == len(script), (s.results, p.stdout[-1500:])
    return s.results


def demo_repo(tmp_path: Path, *flags: str) -> Path:
    from scanner import demo
    from tests.gitrepo import credfence

    root = demo.build(tmp_path / "d")
    p = credfence("ignore", str(root), "--write", *flags, "--task-paths", *demo.TASK_PATHS)
    assert p.returncode == 0, p.stderr
    return root


def need_claude() -> None:
    need(CLAUDE, "@anthropic-ai/claude-code (linux-x64 binary)")


def test_claude_code_file_tools_denied_and_audit_truthful(tmp_path, monkeypatch):
    need_claude()
    root = demo_repo(tmp_path)
    staging = (root / ".env").read_text()
    res = claude_run(root, tmp_path / "home", [
        ("Read", {"file_path": str(root / "README.md")}),
        ("Read", {"file_path": str(root / ".env")}),
        ("Read", {"file_path": str(root / "deploy/prod/app.env")}),
        ("Grep", {"pattern": "postgres://", "path": str(root), "output_mode": "content"}),
        ("Glob", {"pattern": "**/*.env", "path": str(root)}),
        ("Bash", {"command": "cat .env", "description": "t"}),
        ("Bash", {"command": "F=.en; cat ${F}v", "description": "t"}),
    ])
    (_, _, readme, err0), *rest = res
    assert not err0 and "fleet-api" in readme
    for _, inp, out, err in rest[:2]:
        assert err and "denied" in out, (inp, out)
    assert "No matches found" in rest[2][2] and "postgres" not in rest[2][2]
    assert "No files found" in rest[3][2]
    assert rest[4][3] and "denied" in rest[4][2]
    # the indirect read gets through without the sandbox, and the audit says "covers shell: no"
    assert staging.strip().splitlines()[0] in rest[5][2]
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "home/.claude"))
    assert A.AGENTS["claude-code"].shell_coverage(root)[0] is False


def test_claude_code_sandbox_denies_the_indirect_read(tmp_path, monkeypatch):
    need_claude()
    if not (shutil.which("bwrap") and shutil.which("socat")):
        pytest.skip("bubblewrap and socat are not installed (apt bubblewrap socat): Claude Code's sandbox needs them")
    root = demo_repo(tmp_path, "--sandbox")
    res = claude_run(root, tmp_path / "home", [
        ("Bash", {"command": "F=.en; cat ${F}v", "description": "t"}),
        ("Bash", {"command": "python3 -c \"print(open('deploy/prod/app.env').read())\"", "description": "t"}),
        ("Bash", {"command": "cat README.md", "description": "t"}),
    ])
    for _, inp, out, err in res[:2]:
        assert err and "Permission denied" in out and "postgres" not in out, (inp, out)
    assert not res[2][3] and "fleet-api" in res[2][2]
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "home/.claude"))
    assert A.AGENTS["claude-code"].shell_coverage(root)[0] is True


class Listener:
    """A loopback HTTP listener that records whether any request arrived."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        hits = self.hits = []

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def incident_curl(root: Path, port: int) -> str:
    token = (root / "scripts/staging_volume_cleanup.sh").read_text().split("RAILWAY_API_TOKEN=", 1)[1].split()[0]
    return (f'curl -s -X POST http://127.0.0.1:{port}/graphql/v2 -H "Authorization: Bearer {token}" '
            '-d \'{"query":"mutation { volumeDelete(volumeId: \\"vol-prod-1\\") }"}\'')


@pytest.mark.parametrize("hooks", [False, True], ids=["without-hooks", "with-hooks"])
def test_claude_code_incident_curl(tmp_path, hooks):
    """The incident's call: without the hook it reaches the (loopback) listener -- the control
    that shows this test can fail; with --hooks credfence guard denies it before it runs."""
    need_claude()
    root = demo_repo(tmp_path, *(["--hooks"] if hooks else []))
    lis = Listener()
    try:
        res = claude_run(root, tmp_path / "home", [
            ("Bash", {"command": incident_curl(root, lis.port), "description": "t"}),
            ("Bash", {"command": "echo ordinary-ok", "description": "t"}),
        ])
    finally:
        lis.stop()
    (_, _, out, err), (_, _, ok, ok_err) = res
    assert not ok_err and "ordinary-ok" in ok
    if hooks:
        assert err and "credfence guard" in out and "account-wide Railway" in out and "production" in out
        assert lis.hits == []
    else:
        assert lis.hits == ["/graphql/v2"]


def test_gemini_cli_hook_runner_blocks_with_credfence_guard(tmp_path):
    """gemini-cli-core's own HookRunner runs the BeforeTool hook credfence wrote and reads its
    answer with createHookOutput: blocking for a credential read and for the incident's curl."""
    core = NODE_MODULES / "@google/gemini-cli-core"
    need(core, "@google/gemini-cli-core")
    root = demo_repo(tmp_path, "--hooks", "--agents", "gemini-cli")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}

    def run(tool: str, tool_input: dict) -> dict:
        p = subprocess.run(["node", str(HERE / "gemini_hook.mjs"), str(core), str(root), tool, json.dumps(tool_input)],
                           capture_output=True, text=True, timeout=120, env=env)
        assert p.returncode == 0, p.stderr[-1500:]
        return json.loads(p.stdout.strip().splitlines()[-1])

    r = run("read_file", {"file_path": ".env"})
    assert r["ran"] == 1 and r["blocking"] and "credfence guard" in r["reason"]
    r = run("run_shell_command", {"command": incident_curl(root, 9)})
    assert r["blocking"] and "account-wide Railway" in r["reason"]
    r = run("run_shell_command", {"command": "npm test"})
    assert r["ran"] == 1 and not r["blocking"]


def _kill_left_behind(marker: str) -> None:
    """Codex's file-system helper (a bubblewrap sandbox in a session of its own) outlives
    `codex exec`: kill whatever still names this test's directory on its command line."""
    import signal

    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if marker in cmd:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def test_codex_exec_profile_and_hooks(tmp_path):
    """Codex 0.171's own `codex exec`, driven by a loopback stand-in for the Responses API
    (tests/agents_real/responses_standin.py), in the demo repository after
    `ignore --write --hooks`: the profile denies the indirect shell read, the PreToolUse hook
    denies `cat .env` and the incident's curl (nothing reaches the loopback listener), and
    ordinary commands run. The hook runs under --dangerously-bypass-hook-trust, standing for
    the user's trusting it in /hooks."""
    need(CODEX_VENDOR / "bin/codex", "@openai/codex (linux-x64)")
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (apt bubblewrap)")
    sys.path.insert(0, str(HERE))
    from responses_standin import ResponsesStandIn

    root = demo_repo(tmp_path, "--hooks", "--agents", "codex")
    lis = Listener()
    script = [("exec_command", {"cmd": "cat README.md"}),
              ("exec_command", {"cmd": "F=.en; cat ${F}v"}),
              ("exec_command", {"cmd": "cat .env"}),
              ("exec_command", {"cmd": incident_curl(root, lis.port)}),
              ("exec_command", {"cmd": "echo ordinary-ok"})]
    s = ResponsesStandIn(script).start()
    env = codex_env(tmp_path, root)
    with open(Path(env["CODEX_HOME"]) / "config.toml", "a") as fh:
        fh.write(f'[model_providers.standin]\nname = "standin"\nbase_url = "{s.url}"\nwire_api = "responses"\n'
                 'env_key = "STANDIN_KEY"\nrequest_max_retries = 0\nstream_max_retries = 0\n')
    env["STANDIN_KEY"] = "stand-in"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    try:
        p = subprocess.run([str(CODEX_VENDOR / "bin/codex"), "exec", "-c", 'model_provider="standin"', "-m", "stand-in",
                            "--dangerously-bypass-hook-trust", "go"], cwd=root, env=env, capture_output=True,
                           text=True, timeout=300, stdin=subprocess.DEVNULL)
    finally:
        s.stop()
        lis.stop()
        _kill_left_behind(str(root))
        shutil.rmtree(env["CODEX_HOME"], ignore_errors=True)
    assert p.returncode == 0, p.stderr[-2000:]
    out = {args["cmd"]: text for _, args, text in s.results}
    assert len(out) == len(script), (s.results, p.stderr[-2000:])
    assert "fleet-api" in out["cat README.md"]
    assert "Permission denied" in out["F=.en; cat ${F}v"] and "postgres" not in out["F=.en; cat ${F}v"]
    assert "blocked by PreToolUse hook: credfence guard" in out["cat .env"]
    curl = out[incident_curl(root, lis.port)]
    assert "credfence guard" in curl and "account-wide Railway" in curl
    assert lis.hits == []
    assert "ordinary-ok" in out["echo ordinary-ok"]


def test_claude_code_started_in_a_subdirectory_ignores_the_project_settings(tmp_path):
    """The audit's caveat, observed: started in src/app, Claude Code loads neither the deny
    rules nor the hooks of the repository's .claude/settings.json and reads both files."""
    need_claude()
    root = demo_repo(tmp_path, "--hooks")
    res = claude_run(root / "src/app", tmp_path / "home", [
        ("Read", {"file_path": str(root / ".env")}),
        ("Bash", {"command": "cat ../../deploy/prod/app.env", "description": "t"}),
    ])
    assert all(not err and "postgres://" in out for _, _, out, err in res)
    assert "repository root" in A.AGENTS["claude-code"].caveat
