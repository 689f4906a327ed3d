"""Issue 2: `credfence scan` as a user meets it: exit codes, one-line errors, the JSON
contract of DESIGN.md, report files mode 0600, no plain secrets, and the same findings
from both matching engines. The real CLI in a subprocess, real repositories."""
from __future__ import annotations

import json
import stat

import pytest

from gitrepo import Repo, credfence, scan_api, scan_json, sha, write_tree

SK = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dcTYooMQauvdEDq54Ni"
GH = "ghp_" + "1NzPjNABzLPEbirvMKksEwq8GQTIsn2HT8lN"
GL = "glpat-" + "chhPjrsiumMlkXGVe8Q5"
RAILWAY = "eb9f630f-d16a-4a57-" + "8d11-a1408fce203a"
PG_PW = "Zq8rLw2m" + "Xv9kTn4pQ"


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("init", {
        ".gitignore": ".env\n",
        "src/billing.py": f'STRIPE_KEY = "{SK}"\n',
        "scripts/staging_cleanup.sh": f"#!/bin/sh\nexport RAILWAY_API_TOKEN={RAILWAY}\n",
    })
    r.commit("old", {"ops/mirror.sh": f"GITLAB_TOKEN={GL}\n"})
    r.commit("drop", {"ops/mirror.sh": None})
    r.write(".env", f"DATABASE_URL=postgres://postgres:{PG_PW}@prod-db.internal:5432/app\n")
    return r


def test_clean_repository_exits_zero(tmp_path):
    r = Repo(tmp_path / "clean")
    r.commit("init", {"README.md": "# hello\n", "src/app.py": "import os\nKEY = os.environ['API_KEY']\n"})
    p = credfence("scan", str(r.path), "--quiet")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "No credentials found" in p.stdout
    assert "Traceback" not in p.stderr


def test_findings_exit_one_and_text_report_is_redacted(repo):
    p = credfence("scan", str(repo.path), "--quiet")
    assert p.returncode == 1, p.stderr
    out = p.stdout + p.stderr
    for secret in (SK, GH, GL, RAILWAY, PG_PW):
        assert secret not in out
    assert "sk_live_" in out and "CRITICAL" in out


@pytest.mark.parametrize("args", [
    ["scan", "{tmp}/does-not-exist"],
    ["scan", "{tmp}/does-not-exist", "--format", "json"],
    ["scan", "{tmp}/a-file.txt", "{tmp}/plain"],  # a directory among file names
    ["scan", "{tmp}/plain", "--since", "HEAD"],
])
def test_operational_errors_exit_two_with_one_line(tmp_path, args):
    (tmp_path / "a-file.txt").write_text("x\n")
    write_tree(tmp_path / "plain", {"a.txt": "a\n"})
    p = credfence(*[a.format(tmp=tmp_path) for a in args])
    assert p.returncode == 2, p.stdout + p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""


@pytest.mark.parametrize("in_worker", [False, True], ids=["here", "in-a-worker"])
def test_an_internal_error_names_where_it_was_raised_and_not_its_message(in_worker):
    """An unexpected error's one line names the innermost frame of credfence's own code,
    also when a worker process raised it (multiprocessing hands over its traceback as
    text), and never the error's message, which may quote scanned content (here int()'s
    ValueError quotes the key it was given)."""
    import multiprocessing as mp
    from pathlib import Path

    from scanner.chunking import chunk_by_size
    from scanner.cli import _raised_at

    with pytest.raises(ValueError, match="sk_live_") as caught:
        if in_worker:
            with mp.get_context("fork").Pool(1) as pool:
                pool.apply(chunk_by_size, ([SK], int, 1, 1))
        else:
            chunk_by_size([SK], int, 1, 1)
    where = _raised_at(caught.value)
    assert where == " at scanner/chunking.py:%d in iter_chunks%s" % (
        next(n for n, line in enumerate(Path(chunk_by_size.__code__.co_filename).read_text().splitlines(), 1)
             if "size += size_of(it)" in line),
        " in a worker" if in_worker else ""), where


def test_a_worker_error_message_shaped_like_a_frame_is_not_read_as_one():
    """The frames of a worker's traceback end at the exception's own line: a message that
    quotes content shaped like a frame of credfence's code is not taken for the place."""
    from multiprocessing.pool import RemoteTraceback
    from pathlib import Path

    import scanner
    from scanner.cli import _raised_at

    root = Path(scanner.__file__).resolve().parent.parent
    tb = ("Traceback (most recent call last):\n"
          '  File "/usr/lib/python3/multiprocessing/pool.py", line 125, in worker\n'
          "    result = (True, func(*args, **kwds))\n"
          f'  File "{root}/scanner/chunking.py", line 35, in iter_chunks\n'
          "    size += size_of(it)\n"
          "ValueError: a quoted file\n"
          f'  File "{root}/scanner/engine.py", line 1, in {SK}\n')
    err = ValueError("x")
    err.__cause__ = RemoteTraceback(tb)
    assert _raised_at(err) == " at scanner/chunking.py:35 in iter_chunks in a worker"


def test_the_program_ends_with_main_s_exit_code_after_all_its_output(tmp_path):
    """`credfence` ends at once after its exit handlers (cli.entry, os._exit): the exit
    code is still main()'s, and a report larger than a pipe's buffer reaches stdout whole;
    a reader that stops early makes no traceback."""
    import subprocess
    import sys

    from gitrepo import ROOT

    r = Repo(tmp_path / "many")
    r.commit("keys", {f"svc/app{k}.py": f'STRIPE_KEY = "{SK[:-4]}{k:04d}"\n' for k in range(400)})
    p = credfence("scan", str(r.path), "--format", "json", "--quiet")
    assert p.returncode == 1, p.stderr
    assert len(p.stdout) > 1 << 16  # more than a pipe holds: written while the reader reads
    assert len(json.loads(p.stdout)["findings"]) == 400
    # a reader that closes its end after the first bytes (`| head -c 100`)
    proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", "scan", str(r.path), "--format", "json", "--quiet"],
                            cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(100)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) in (1, 2) and "Traceback" not in err, err


def test_json_report_contract_and_mode(repo, tmp_path):
    out = tmp_path / "r.json"
    p = credfence("scan", str(repo.path), "--format", "json", "--output", str(out), "--quiet")
    assert p.returncode == 1, p.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    raw = out.read_text()
    for secret in (SK, GL, RAILWAY, PG_PW):
        assert secret not in raw and secret not in p.stdout + p.stderr
    rep = json.loads(raw)

    assert rep["version"] == 1
    assert rep["tool"] == {"name": "credfence", "version": rep["tool"]["version"]} and rep["tool"]["version"]
    assert rep["root"] == str(repo.path.resolve())
    st = rep["stats"]
    for k, t in (("files", int), ("bytes", int), ("blobs", int), ("commits", int), ("skipped", dict),
                 ("seconds", float)):
        assert isinstance(st[k], t), k
    assert st["commits"] == 3 and st["files"] == 4 and st["blobs"] >= 4 and st["bytes"] > 0

    by = {f["secret_sha256"]: f for f in rep["findings"]}
    assert set(by) >= {sha(SK), sha(GL), sha(RAILWAY), sha(PG_PW)}
    for f in rep["findings"]:
        assert set(f) >= {"rule", "provider", "secret_redacted", "secret_sha256", "locations", "blast",
                          "task_related", "hidden_from"}
        assert isinstance(f["rule"], str) and isinstance(f["provider"], str)
        assert len(f["secret_sha256"]) == 64 and "…" in f["secret_redacted"]
        assert set(f["blast"]) >= {"env", "scope", "privilege", "severity", "evidence"}
        assert f["blast"]["env"] in ("production", "staging", "development", "test", "unknown")
        assert f["blast"]["scope"] in ("account", "environment", "unknown")
        assert f["blast"]["privilege"] in ("destructive", "write", "read", "unknown")
        assert f["blast"]["severity"] in ("critical", "high", "medium", "low", "info")
        assert f["blast"]["evidence"] and all(isinstance(e, str) for e in f["blast"]["evidence"])
        assert f["task_related"] is None  # no task given
        assert isinstance(f["hidden_from"], list)
        for loc in f["locations"]:
            if loc["kind"] == "worktree":
                assert set(loc) >= {"kind", "status", "path", "line", "column"}
                assert loc["status"] in ("tracked", "untracked", "ignored")
                assert isinstance(loc["line"], int) and loc["line"] >= 1 and loc["column"] >= 1
            else:
                assert loc["kind"] == "history"
                assert set(loc) >= {"kind", "commit", "path", "line", "date", "refs"}
                assert len(loc["commit"]) == 40 and loc["date"][:4] == "2023"
                assert isinstance(loc["refs"], list)
            assert not loc["path"].startswith("/") and "\\" not in loc["path"]

    stripe = by[sha(SK)]
    assert stripe["rule"] == "stripe-secret-key" and stripe["provider"] == "stripe"
    assert stripe["secret_redacted"].startswith("sk_live_") and len(stripe["secret_redacted"]) < 20
    wt = [loc for loc in stripe["locations"] if loc["kind"] == "worktree"]
    assert wt == [{"kind": "worktree", "status": "tracked", "path": "src/billing.py", "line": 1, "column": 15}]
    assert [loc["status"] for loc in by[sha(PG_PW)]["locations"]] == ["ignored"]
    assert {loc["kind"] for loc in by[sha(GL)]["locations"]} == {"history"}


def test_json_to_stdout_and_show_secrets(repo):
    p = credfence("scan", str(repo.path), "--format", "json", "--quiet", "--no-history")
    assert p.returncode == 1
    rep = json.loads(p.stdout)
    assert SK not in p.stdout and sha(SK) in {f["secret_sha256"] for f in rep["findings"]}
    p = credfence("scan", str(repo.path), "--format", "json", "--quiet", "--no-history", "--show-secrets")
    assert SK in p.stdout


def test_existing_report_file_gets_mode_0600(repo, tmp_path):
    out = tmp_path / "r.json"
    out.write_text("old")
    out.chmod(0o644)
    rep, _ = scan_json(repo.path, "--no-history", out=out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and rep["version"] == 1


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_a_report_written_to_a_fifo_goes_into_it_and_the_fifo_stays(repo, tmp_path, fmt):
    """`-o /dev/null`, `-o /dev/stdout` and named pipes are not regular files: the report is
    written into them. A rename over them put a regular file in their place, and run as
    root that turned the machine's /dev/null into a file. A FIFO stands in for them here."""
    import os
    import subprocess

    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        p = credfence("scan", str(repo.path), "--no-history", "--quiet", "--format", fmt, "-o", str(fifo))
        got, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert p.returncode == 1, p.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"STRIPE" in got.upper() or b"stripe" in got
    if fmt != "text":
        json.loads(got)
    assert SK.encode() not in got


def test_a_report_written_through_a_symlink_keeps_the_link(repo, tmp_path):
    target = tmp_path / "reports" / "latest.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    rep, _ = scan_json(repo.path, "--no-history", out=link)
    assert link.is_symlink() and json.loads(target.read_text())["version"] == rep["version"] == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_output_dash_is_standard_output_not_a_file_named_dash(repo, tmp_path):
    for cmd in ("scan", "audit"):
        p = credfence(cmd, str(repo.path), "--no-history", "--quiet", "--format", "json", "-o", "-", cwd=str(tmp_path))
        assert json.loads(p.stdout)["version"] == 1, p.stderr
        assert not (tmp_path / "-").exists()


def test_a_report_path_that_cannot_be_written_is_one_line_naming_it(repo, tmp_path):
    out = tmp_path / "no-such-dir" / "r.json"
    p = credfence("scan", str(repo.path), "--no-history", "--quiet", "-o", str(out))
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr == f"credfence: No such file or directory: {out}\n"
    assert not out.parent.exists()


def test_min_severity_threshold_sets_the_exit_code(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("init", {"tests/test_pay.py": 'KEY = "sk_test_' + '4eC39HqLyjWDarjtT1zdp7dcTYooMQauvdEDq54Ni"\n'})
    rep, p = scan_json(r.path)
    assert p.returncode == 1 and [f["blast"]["severity"] for f in rep["findings"]] == ["low"]
    rep, p = scan_json(r.path, "--min-severity", "high")
    assert p.returncode == 0 and rep["findings"] == []


def _engine_view(result) -> list[tuple]:
    return sorted((f.rule.id, f.fingerprint, tuple((loc.kind, loc.path, loc.line, loc.column, loc.commit)
                                               for loc in f.locations), f.blast.severity)
                  for f in result.findings)


def test_both_engines_give_the_same_findings(repo):
    pytest.importorskip("hyperscan")
    repo.write("mixed.txt", "\n".join([
        f"token: {GH}", "nothing here", f"url=postgres://app_ro:{PG_PW}@staging-db:5432/x",
        "password = 'hunter2'", 'api_key = "Zx9Kq2Lm8Np4Rt6Vw1Ys3Bc5"', "AKIAIOSFODNN7EXAMPLE",
    ]) + "\n")
    py = scan_api(repo.path, use_hyperscan=False)
    hs = scan_api(repo.path, use_hyperscan=True)
    assert py.stats["engine"] == "python" and hs.stats["engine"] == "hyperscan"
    assert _engine_view(py) == _engine_view(hs)
    assert len(py.findings) >= 6


def test_progress_bar_on_a_terminal_counts_items_and_bytes(tmp_path):
    """On a terminal the history scan shows one line per phase, each with its own label:
    objects listed, commits walked, blobs read out of all and bytes; with --quiet, or when
    stderr is not a terminal, only the summary line."""
    import os
    import pty
    import re
    import subprocess
    import sys

    from gitrepo import ROOT

    r = Repo(tmp_path / "repo")
    r.commit("many", {f"src/m{i}.py": f"VALUE_{i} = {i}\n" * 50 for i in range(260)})

    def run(*extra: str) -> str:
        master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k not in ("CREDFENCE_DEBUG", "CREDFENCE_ENGINE")}
        env.update({"TERM": "xterm", "COLUMNS": "120"})
        p = subprocess.Popen([sys.executable, "-m", "scanner.cli", "scan", str(r.path), "--format", "json",
                              "-o", str(tmp_path / "r.json"), *extra], cwd=str(ROOT), env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            out += chunk
        os.close(master)
        assert p.wait(timeout=120) == 0
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.decode("utf-8", "replace"))

    shown = run()
    assert re.search(r"listing objects .* [\d,]+ objects", shown), shown
    assert re.search(r"reading blobs .* [\d,]+/[\d,]+ blobs, [\d.,]+ MB/[\d.,]+ MB", shown), shown
    counts = [int(n.replace(",", "")) for n in re.findall(r"reading blobs .*? ([\d,]+)/[\d,]+ blobs", shown)]
    assert counts == sorted(counts), "the counts only grow"
    quiet = run("--quiet")
    assert "reading blobs" not in quiet and "listing objects" not in quiet, quiet
