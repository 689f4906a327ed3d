"""Issue 13, items 3, 4, 5, 7, 9, 10: what a hostile repository's content, names and
configuration can make credfence show, hash, hang on or fail over. Each vector is built
with real git in a temporary directory and run through the real CLI."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import shutil
import signal
import string
import subprocess
import sys
from pathlib import Path
import time

import pytest

from gitrepo import ROOT, Repo
from helpers import GITHUB, STRIPE, assert_clean_exit, clean_env, cli

ESCAPES = "\x1b[2K\x1b[1A\x1b]52;c;aGVsbG8=\x07\u202e\x9b31m\x7f"
RAW_CONTROLS = ["\x1b", "\x07", "\x9b", "\u202e", "\x7f"]


def _token(n: int = 40, seed: int = 13) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(n))


def _raw(p: subprocess.CompletedProcess) -> str:
    return p.stdout + p.stderr


# ---------------------------------------------------------------------------- item 3: plaintext


@pytest.fixture()
def agent_repo(tmp_path):
    r = Repo(tmp_path / "agents")
    anth = "sk-ant-api03-" + _token(93, 1) + "AA"
    opaque = _token(32, 2)  # no provider shape: only its key name says it is secret
    mcp = "ghp_" + _token(36, 3)
    r.commit("agents", {
        ".claude/settings.json": json.dumps({"env": {"ANTHROPIC_API_KEY": anth, "MY_SERVICE_TOKEN": opaque}},
                                            indent=2) + "\n",
        ".codex/config.toml": f'[mcp_servers.github]\ncommand = "gh-mcp"\n[mcp_servers.github.env]\n'
                              f'GITHUB_PERSONAL_ACCESS_TOKEN = "{mcp}"\nINTERNAL_AUTH = "{opaque}"\n',
        "billing.py": f'STRIPE_KEY = "{STRIPE}"\n',
        "AGENTS.md": "# agents\n",
    })
    return r, [anth, opaque, mcp, STRIPE]


def test_ignore_diff_redacts_agent_file_secrets(agent_repo, tmp_path):
    """The diff of .claude/settings.json and .codex/config.toml printed their env tokens
    as context lines. Even when a baseline accepts them (so the scan reports nothing) and
    when the configuration excludes the agent files from the scan."""
    r, secrets = agent_repo
    runs = [cli("ignore", str(r.path), "--agents", "claude-code,codex")]
    assert cli("baseline", str(r.path)).returncode == 0
    r.write("deploy.sh", f"export GITHUB_TOKEN={GITHUB}\n")  # a new credential file: the diff is not empty
    runs.append(cli("ignore", str(r.path), "--agents", "claude-code,codex"))
    (r.path / ".credfence.yaml").write_text("exclude:\n  - .claude/\n  - .codex/\n")
    runs.append(cli("ignore", str(r.path), "--agents", "claude-code,codex"))
    for p in runs:
        assert_clean_exit(p)
        assert "+++ b/.claude/settings.json" in p.stdout and "+++ b/.codex/config.toml" in p.stdout, p.stdout
        out = _raw(p)
        for s in secrets:
            assert s not in out
            assert s[6:18] not in out  # no long piece of it either
    assert '"MY_SERVICE_TOKEN": "' in runs[0].stdout  # the line is there, its value masked


def test_redact_line_api():
    from scanner.redact import escape_terminal, redact, redact_line, redact_text

    tok = _token(40)
    line = f'auth = "{tok}"  # and {tok[5:25]} again'
    out = redact_line(line, [tok[5:25]])  # a slice stands for the whole token around it
    assert tok[5:25] not in out and tok not in out and tok[:3] + "…" in out
    assert redact_line("x = 1", []) == "x = 1"
    pem = "-----BEGIN RSA PRIVATE KEY-----\n" + _token(64) + "\n-----END RSA PRIVATE KEY-----"
    assert _token(64) not in redact_line("  " + _token(64), [pem])
    assert tok not in redact_text(f'  "SOME_PASSWORD": "{tok}",\n', ())
    assert redact("abc") == "…" and redact("abcdefghijk") == "…"  # short: nothing shown
    assert redact("sk_live_" + "a" * 9, ["sk_live_"]) == "sk_live_a…"  # 8 characters always stay hidden
    assert redact("sk_live_" + "a" * 8, ["sk_live_"]) == "sk_live_…"
    assert escape_terminal("a\x1b[2Kb\u202ec\udcffd\n") == "a\\x1b[2Kb\\u202ec\\xffd\\n"
    assert escape_terminal("a\tb\nc\x07", keep_newlines=True) == "a\tb\nc\\x07"


def test_custom_rules_capturing_slices_cannot_rebuild_a_token(tmp_path):
    """Rules that capture overlapping 2- and 8-character slices of a token: each slice was
    shown (redacted prefix) and its sha256 stored in the baseline; together they rebuilt
    the token. Now a configuration rule's capture is the whole credential around it."""
    tok = _token(40, 7)
    r = Repo(tmp_path / "slices")
    rules = []
    for i in range(0, 40):
        for w in (2, 8):
            rules.append(f"  - id: s{w}-{i}\n    provider: x\n    keywords: [deploy_x]\n"
                         f"    pattern: '(?<=DEPLOY_X=.{{{i}}})(?P<secret>.{{{w}}})'\n")
    r.commit("c", {"ci.sh": f"export DEPLOY_X={tok}\n", ".credfence.yaml": "rules:\n" + "".join(rules)})
    base = tmp_path / "b.json"
    p = cli("baseline", str(r.path), "-o", str(base))
    assert_clean_exit(p, (0,))
    reports = [base.read_text()]
    for fmt in ("json", "sarif", "text"):
        p = cli("scan", str(r.path), "--format", fmt, "--no-baseline")
        assert_clean_exit(p)
        reports.append(_raw(p))
    rep = json.loads(cli("scan", str(r.path), "--format", "json", "--no-baseline").stdout)
    on_ci = [f for f in rep["findings"] if f["locations"][0]["path"] == "ci.sh"]
    assert on_ci, "the custom rules find the token"
    hashes = {hashlib.sha256(tok[i:j].encode()).hexdigest()
              for i in range(len(tok)) for j in range(i + 1, len(tok) + 1) if (i, j) != (0, len(tok))}
    for text in reports:
        assert tok not in text
        assert not any(h in text for h in hashes), "a hash of a piece of the token"
        for f in on_ci:  # every shown form is a prefix of the whole token, a few characters long
            shown = f["secret_redacted"].rstrip("…")
            assert tok.startswith(shown) and len(shown) <= 3
    assert all(f["secret_sha256"] in (None, hashlib.sha256(tok.encode()).hexdigest()) for f in on_ci)


def test_short_secrets_are_never_hashed(tmp_path):
    """A short capture (a 6-character password a built-in parser accepts) has no sha256
    in reports and no baseline entry: a hash of 6 characters is reversed in seconds."""
    from scanner.baseline import baseline_entries
    from scanner.model import Finding, Location, Rule

    f = Finding(rule=Rule(id="r", provider="p", name="r", pattern="", keywords=[]), secret="hunter",
                locations=[Location("worktree", "a.py", 1)])
    assert f.sha256 is None and hashlib.sha256(b"hunter").hexdigest() not in f.fingerprint
    assert hashlib.sha256(b"r:hunter").hexdigest() != f.fingerprint
    assert baseline_entries([f]) == []
    assert f.to_json()["secret_redacted"] == "…"


# ---------------------------------------------------------------------------- item 4: terminal


@pytest.fixture()
def named_repo(tmp_path):
    r = Repo(tmp_path / "names")
    evil = "a" + ESCAPES + ".py"
    r.commit("c", {evil: f'STRIPE_KEY = "{STRIPE}"\n'})
    bad = os.fsencode(str(r.path)) + b"/bad\xff\xfename.py"
    with open(bad, "wb") as fh:
        fh.write(f'TOKEN = "{GITHUB}"\n'.encode())
    r.git("add", "-A")
    r.commit("c2")
    return r


def _no_raw_controls(text: str) -> None:
    for c in RAW_CONTROLS:
        assert c not in text, repr(c)


def test_names_with_escape_sequences_are_escaped_everywhere(named_repo, tmp_path):
    r = named_repo
    runs = [cli("scan", str(r.path)), cli("audit", str(r.path)), cli("ignore", str(r.path))]
    out = tmp_path / "report.txt"
    runs.append(cli("scan", str(r.path), "--output", str(out)))
    for p in runs:
        assert_clean_exit(p)
        _no_raw_controls(_raw(p))
    assert "\\x1b[2K" in runs[0].stdout and "\\xff\\xfe" in runs[0].stdout, runs[0].stdout
    _no_raw_controls(out.read_text())
    # the pre-commit hook: the same names staged
    r.write("b" + ESCAPES + ".env", f"KEY={STRIPE}\n")
    with open(os.fsencode(str(r.path)) + b"/staged\xff.env", "wb") as fh:  # crashed the hook (UnicodeEncodeError)
        fh.write(f"KEY={GITHUB}\n".encode())
    r.git("add", "-A")
    p = cli("scan", "--staged", str(r.path))
    assert_clean_exit(p)
    assert p.returncode == 1 and "\\x1b" in p.stdout and "staged\\xff.env" in p.stdout, p.stdout + p.stderr
    _no_raw_controls(_raw(p))


def test_error_lines_escape_names(tmp_path):
    p = cli("scan", str(tmp_path / ("missing" + ESCAPES)))
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    _no_raw_controls(p.stderr)


# ---------------------------------------------------------------------------- item 7: names


def test_non_utf8_names_in_sarif_and_json(named_repo):
    r = named_repo
    p = cli("scan", str(r.path), "--format", "sarif")
    assert_clean_exit(p)
    sarif = json.loads(p.stdout)
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for res in sarif["runs"][0]["results"] for loc in res["locations"]]
    assert "bad%FF%FEname.py" in uris, uris
    assert all(u.isascii() for u in uris)
    assert "%1B%5B2K" in " ".join(uris)
    p = cli("scan", str(r.path), "--format", "json")
    assert_clean_exit(p)
    assert "\\udc" not in p.stdout  # valid Unicode, whatever the name
    locs = [loc for f in json.loads(p.stdout)["findings"] for loc in f["locations"]]
    exact = {base64.b64decode(loc["path_b64"]) for loc in locs if "path_b64" in loc}
    assert b"bad\xff\xfename.py" in exact
    assert any(loc["path"] == "a" + ESCAPES + ".py" for loc in locs)  # JSON escapes controls itself


def test_ignore_write_skips_unnameable_names_and_writes_the_rest(tmp_path):
    r = Repo(tmp_path / "w")
    r.commit("c", {"good.py": f'STRIPE_KEY = "{STRIPE}"\n', ".cursorignore": "", "CLAUDE.md": "x\n"})
    root = os.fsencode(str(r.path))
    for name in (b"bad\xffname.py", b"new\nline.py"):
        with open(root + b"/" + name, "wb") as fh:
            fh.write(f'TOKEN = "{GITHUB}"\n'.encode())
    p = cli("ignore", str(r.path), "--write", "--agents", "cursor,claude-code")
    assert_clean_exit(p, (0,))
    assert "/good.py" in (r.path / ".cursorignore").read_text()
    assert "good.py" in (r.path / ".claude" / "settings.json").read_text()
    warnings = [ln for ln in p.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 2 and "bad\\xffname.py" in p.stderr and "new\\nline.py" in p.stderr, p.stderr


# ---------------------------------------------------------------------------- item 9: wrong types


@pytest.mark.parametrize("field,key", [("keywords: 5", "keywords"), ('entropy: "high"', "entropy"),
                                       ('context_lines: "abc"', "context_lines"),
                                       ("env_from_secret: [a]", "env_from_secret"), ("multiline: 3", "multiline")])
def test_wrong_rule_types_are_one_line(tmp_path, field, key):
    r = Repo(tmp_path / "t")
    r.commit("c", {"a.py": "x = 1\n", ".credfence.yaml":
                   f"rules:\n  - id: r1\n    provider: p\n    pattern: '(?P<secret>zz[a-z]{{10}})'\n    {field}\n"})
    p = cli("scan", str(r.path))
    assert p.returncode == 2, p.stderr
    line = p.stderr.strip()
    assert len(line.splitlines()) == 1 and ".credfence.yaml" in line and key in line and "internal" not in line, line


@pytest.mark.parametrize("content,needle", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"version": ' + "9" * 5000 + ', "tool": "credfence", "accepted": []}', "too many digits"),
])
def test_hostile_baselines(tmp_path, content, needle):
    """Explicit: exit 2, one line naming the file. Found on its own: a warning, and the
    scan finds what it finds without it (item 10)."""
    r = Repo(tmp_path / "b")
    r.commit("c", {"billing.py": f'STRIPE_KEY = "{STRIPE}"\n'})
    (tmp_path / "base.json").write_text(content)
    p = cli("scan", str(r.path), "--baseline", str(tmp_path / "base.json"))
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert needle in p.stderr and "base.json" in p.stderr and "internal" not in p.stderr
    for name in (".secrets.baseline", ".credfence-baseline.json"):
        (r.path / name).write_text(content)
        p = cli("scan", str(r.path), "--format", "json")
        assert p.returncode == 1, p.stderr
        rep = json.loads(p.stdout)
        assert any(f["rule"] == "stripe-secret-key" for f in rep["findings"])
        assert any(name in w and needle in w for w in rep["warnings"]), rep["warnings"]
        (r.path / name).unlink()


def test_huge_numbers_in_configuration(tmp_path):
    r = Repo(tmp_path / "n")
    r.commit("c", {"a.py": "x = 1\n"})
    (r.path / ".credfence.yaml").write_text("max_file_size: " + "9" * 5000 + "\n")
    p = cli("scan", str(r.path))
    assert p.returncode == 2 and ".credfence.yaml" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    (r.path / ".credfence.yaml").unlink()
    (r.path / "pyproject.toml").write_text("[tool.credfence]\nmax_file_size = " + "9" * 5000 + "\n")
    p = cli("scan", str(r.path))
    assert p.returncode == 2 and "pyproject.toml" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr


# ---------------------------------------------------------------------------- item 5: ReDoS


def test_long_word_like_values_are_judged_in_linear_time(tmp_path):
    """The generic detector's name shapes (a dotted property, a field's or a header's name)
    once cut a lower-case run into words in every possible way: a 34-letter value under a
    secret name took 2.4 s, each letter more doubling it. Values of 150 letters in every shape
    the shapes read, in a file and in history, are scanned in seconds."""
    letters = "qwhfjdkslapzmxncbvutyrieo"
    runs = [(letters * 7)[:150], (letters.upper() * 7)[:150], ("Ab" * 80)[:150], ("ab_" * 60)[:150],
            ("ab." * 60)[:150], ("X-" * 80)[:150]]
    text = "".join(f'DB_PASSWORD_{i} = "{v}!"\nAPI_TOKEN_{i} = "{v}"\n' for i, v in enumerate(runs))
    r = Repo(tmp_path / "words")
    r.commit("c", {"settings.py": text, "notes.md": text})
    t0 = time.monotonic()
    p = cli("scan", str(r.path), "--format", "json", timeout=120)
    assert time.monotonic() - t0 < 60
    assert_clean_exit(p, codes=(0, 1))


def test_a_minified_line_is_decoded_in_linear_time():
    """The decoder looks for `key: value` assignments; it tried a key at every character of
    a run of name characters, each try reading to the run's end: quadratic in a minified
    bundle's 80,000-character lines (sequelize's history holds 34 versions of Yarn's 3 MB
    release bundle, 8 s of its scan). A run with no `:` or `=` after it costs one try."""
    from detectors.structured.decode import decoded_texts

    text = "data:\n  x " + "abcdefghijklmnopqrstuvwxyz0123." * 2_900 + "\n" + "token: c2VjcmV0LXZhbHVlLWZvci10ZXN0aW5n\n"
    t0 = time.monotonic()
    got = decoded_texts(text)
    assert time.monotonic() - t0 < 5
    assert (3, "secret-value-for-testing") in got


def test_javascript_module_files_are_not_decoded_whole():
    """A .cjs or .mjs bundle that says "kind:" and "Secret" is JavaScript, not a manifest:
    no parser reads it, so it is not decoded whole (only the lines the engine found)."""
    from detectors.structured import path_may_be_structured

    for p in (".yarn/releases/yarn-4.13.0.cjs", "dist/index.mjs", "src/a.cts", "src/b.mts"):
        assert not path_may_be_structured(p), p
    assert path_may_be_structured("deploy/secret.yaml")


def test_a_dump_of_many_md5_crypt_rows_costs_a_bounded_number_of_hashes(monkeypatch):
    """crypt-cleartext computes a thousand MD5 rounds per row: each row once, and no more
    than CRYPT_BUDGET rows a process; past it a row is kept as found (never rated down)."""
    import re

    from detectors import validators as v

    monkeypatch.setattr(v, "_CRYPT_SEEN", {})
    monkeypatch.setattr(v, "CRYPT_BUDGET", 50)
    row = re.compile(r"'(?P<user2>\w+)', '\$1\$(?P<secret2>[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22})'")
    clear = row.match("'hunter2', '$1" + "$Qk7dZp2R$9PVYo3CYKYcWOYA6aOe.Z/'")
    assert v.crypt_cleartext("", clear)["cleartext_beside"] is True
    t0 = time.monotonic()
    for i in range(5000):
        m = row.match(f"'user{i}', '$1" + "$Qk7dZp2R$9PVYo3CYKYcWOYA6aOe.Z/'")
        assert v.crypt_cleartext("", m) is True
    assert len(v._CRYPT_SEEN) == 50 and time.monotonic() - t0 < 5
    assert v.crypt_cleartext("", clear)["cleartext_beside"] is True  # remembered


def test_a_yaml_value_of_many_path_parts_is_read_in_linear_time(tmp_path):
    """A YAML value's `/`-separated names are not keys (an image's name); deciding so once
    looked back over the line for each name: quadratic in a line of thousands of parts with
    no `:` before them."""
    text = "".join("- " + "/ab" * 1300 + f"/token{i}: x\n" for i in range(600))
    r = Repo(tmp_path / "paths")
    r.commit("c", {"values.yaml": text})
    t0 = time.monotonic()
    p = cli("scan", str(r.path), "--format", "json", "--no-history", timeout=120)
    assert time.monotonic() - t0 < 60
    assert_clean_exit(p, codes=(0, 1))


def test_catastrophic_custom_rule_is_skipped_once_by_id(tmp_path):
    r = Repo(tmp_path / "redos")
    r.commit("c", {".credfence.yaml": "rules:\n  - id: evil-rule\n    provider: evil\n"
                                      "    pattern: '(?P<secret>(a+)+)$x'\n    keywords: [aaaa]\n"
                                      "  - id: fine-rule\n    provider: acme\n"
                                      "    pattern: '(?P<secret>acme_[a-z0-9]{24})'\n    keywords: [acme_]\n",
                   "data.txt": ("a" * 40 + "b\n") * 50, "more.txt": "a" * 30 + "c\n",
                   "k.py": 'ACME = "acme_' + "q1w2e3r4t5y6u7i8o9p0a1s2" + '"\n'})
    t0 = time.monotonic()
    p = cli("scan", str(r.path), "--format", "json", timeout=120)
    assert time.monotonic() - t0 < 90
    assert_clean_exit(p, codes=(3,))  # a rule that could not run is a gap in the scan, never clean
    rep = json.loads(p.stdout)
    warns = [w for w in rep["warnings"] if "evil-rule" in w]
    assert len(warns) == 1, rep["warnings"]
    assert [i["what"] for i in rep["stats"]["incomplete"]] == ["rule evil-rule"]
    assert {f["rule"] for f in rep["findings"]} >= {"fine-rule"}
    assert "evil-rule" not in {f["rule"] for f in rep["findings"]}


def test_budgeted_pattern_unit():
    import re

    from scanner.budget import BudgetedPattern, OverBudget
    bp = BudgetedPattern(re.compile(r"(?P<secret>(a+)+)$x"), "slow")
    t0 = time.monotonic()
    with pytest.raises(OverBudget):
        bp.finditer("a" * 40 + "b")
    assert time.monotonic() - t0 < 3
    with pytest.raises(OverBudget):  # and stays over budget
        bp.search("aa")
    ok = BudgetedPattern(re.compile(r"(?P<secret>ab+)"), "ok")
    assert [m.group("secret") for m in ok.finditer("xabbb ab")] == ["abbb", "ab"]


def _interactive_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _session_state(sid: int) -> str:
    """Every process of the session and its threads: state, kernel wait channel, signal
    masks, and the Python stacks when py-spy is installed (a hang this test sees is rare:
    the failure must say where it was)."""
    out = []
    for pid in sorted(int(x) for x in os.listdir("/proc") if x.isdigit()):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if int(stat[stat.rindex(")") + 2:].split()[3]) != sid:
                continue
            status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120]
            out.append(f"{pid} {status['State'].strip()} {cmd} SigBlk={status['SigBlk'].strip()} "
                       f"SigIgn={status['SigIgn'].strip()} SigCgt={status['SigCgt'].strip()} SigPnd={status['ShdPnd'].strip()}")
            for tid in sorted(os.listdir(f"/proc/{pid}/task")):
                wchan = Path(f"/proc/{pid}/task/{tid}/wchan").read_text()
                tstat = Path(f"/proc/{pid}/task/{tid}/status").read_text().splitlines()
                blk = next((t.split(":", 1)[1].strip() for t in tstat if t.startswith("SigBlk")), "?")
                out.append(f"  thread {tid} wchan={wchan} SigBlk={blk}")
            spy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{ROOT / '.venv' / 'bin'}")
            if "python" in cmd and spy:
                dump = subprocess.run([spy, "dump", "--native", "--pid", str(pid)], capture_output=True, text=True, timeout=60)
                out.append((dump.stdout + dump.stderr)[-4000:])
        except (OSError, ValueError, KeyError, IndexError, subprocess.SubprocessError):
            continue
    return "\n".join(out)


def test_ctrl_c_stops_a_scan_within_a_second(tmp_path):
    """SIGINT to the process group while the scan compiles a cold Hyperscan database (C
    code that ignores signals; seconds with a new rule in the configuration), while the
    worker processes scan, or while Python is still importing credfence: exit 130 within
    a second, one line, no traceback. (A backtracking regex is stopped by its budget, and by
    Ctrl-C too: CPython's regex engine checks for signals as it backtracks.)"""
    r = Repo(tmp_path / "sig")
    r.commit("c", {".credfence.yaml": "rules:\n  - id: slowish\n    provider: x\n"
                                      "    pattern: '(?P<secret>(a|aa)+)$x'\n    keywords: [aaaa]\n",
                   "data.txt": ("a" * 26 + "b\n") * 400})
    interrupted = 0
    for delay in (0.1, 1.5, 4.0):
        env = clean_env(CREDFENCE_CACHE_DIR=str(tmp_path / f"cache{delay}"))
        # Ctrl-C as a terminal delivers it: SIGINT at its default in the child. A suite started
        # as a background job (a CI runner, `cmd &` in a script) has SIGINT ignored, and a
        # process that inherits an ignored SIGINT rightly keeps ignoring it (cli._stop_on_ctrl_c)
        p = subprocess.Popen([sys.executable, "-m", "scanner.cli", "scan", str(r.path), "-q"], cwd=str(ROOT),
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                             preexec_fn=_interactive_signals)
        time.sleep(delay)
        if p.poll() is not None:
            continue  # finished already: nothing to interrupt on this machine
        t0 = time.monotonic()
        os.killpg(p.pid, signal.SIGINT)
        try:
            _, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"no exit 10 s after Ctrl-C at {delay} s; the processes:\n{_session_state(p.pid)}")
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
        took = time.monotonic() - t0
        assert p.returncode == 130, err
        assert err.decode().strip() == "credfence: interrupted", err
        assert took < 1.5, took  # a second, and some slack for a loaded machine
        interrupted += 1
    assert interrupted, "every scan ended before the signal: the test proved nothing"


def test_an_in_process_scan_keeps_the_callers_signal_handlers(tmp_path):
    """Scanning in-process (one job, or one chunk) once installed a worker's handlers in
    the main process: SIGINT ignored and SIGTERM caught for the rest of the scan, so Ctrl-C
    did nothing once a small phase had run."""
    from scanner.engine import Engine
    from scanner.pipeline import run_chunks
    from scanner.rules import load_rules
    from scanner.sources import workspace

    (tmp_path / "a.env").write_text("K=1\n")
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    run_chunks("files", [["a.env"]], Engine(load_rules()), tmp_path, 1, workspace.DEFAULT_MAX_FILE_SIZE)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before



def test_a_worker_dies_with_the_process_that_forked_it(tmp_path):
    """SIGKILL (a CI step's timeout, the OOM killer) runs no handler of credfence's, and a
    worker busy with a chunk went on alone: one matched for fifty minutes after its test had
    timed out. A pool worker calls gitcmd.die_with_parent first (scanner/pipeline.py); here a
    process forks a child that does the same, and is killed outright."""
    script = (
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from scanner import gitcmd\n"
        "parent = os.getpid()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    gitcmd.die_with_parent(parent)\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print(pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        child = int(p.stdout.readline())
        time.sleep(0.3)  # the child has set its parent-death signal
        assert Path(f"/proc/{child}").exists()
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=10)
        deadline = time.monotonic() + 5

        def running() -> bool:
            try:
                return " Z " not in Path(f"/proc/{child}/stat").read_text()[:60].split(")", 1)[1][:3]
            except OSError:
                return False

        while running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(), f"the child {child} outlived its killed parent"
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass


def test_sigterm_to_the_scan_alone_leaves_no_process_behind(tmp_path):
    """`kill PID` (a CI runner's timeout) reaches only credfence's own process: its worker
    processes and their git readers went on scanning without it."""
    r = Repo(tmp_path / "term")
    r.commit("c", {".credfence.yaml": "rules:\n  - id: slowish\n    provider: x\n"
                                      "    pattern: '(?P<secret>(a|aa)+)$x'\n    keywords: [aaaa]\n",
                   "data.txt": ("a" * 26 + "b\n") * 400})
    for i in range(30):
        r.commit(f"c{i}", {f"f{i}.txt": ("a" * 26 + "b\n") * 100})
    env = clean_env(CREDFENCE_CACHE_DIR=str(tmp_path / "cache"))
    p = subprocess.Popen([sys.executable, "-m", "scanner.cli", "scan", str(r.path), "-q", "--jobs", "2"], cwd=str(ROOT),
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(3)
    if p.poll() is not None:
        pytest.skip("the scan ended before the signal on this machine")
    os.kill(p.pid, signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=10)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == 143, err
    deadline = time.monotonic() + 5
    while _session_state(p.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _session_state(p.pid)
    os.killpg(p.pid, signal.SIGKILL) if left else None
    assert not left, left
