"""Issue 7.3: odd content. Binary, invalid UTF-8, UTF-16 with a BOM, a 30 MB single line,
unreadable, empty and vanishing files, FIFOs, 100k small files: each gives findings or a
counted skip and never a traceback. And no rule backtracks catastrophically on long lines
in the pure-Python fallback engine (a test that would hang otherwise, under a timeout)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gitrepo import ROOT, sha
from helpers import GITHUB, STRIPE, assert_clean_exit, clean_env, cli

SK2 = "sk_live_" + "Utf16Rmn86Xx1XR2hlqeIjuI62hI"
SK3 = "sk_live_" + "BigL1neXx1XR2hlqeIjuI62hIrK4"


def scan(root: Path, *args: str, timeout: float = 120) -> tuple[dict, subprocess.CompletedProcess]:
    p = cli("scan", str(root), "--format", "json", "-q", *args, timeout=timeout)
    assert_clean_exit(p)
    return json.loads(p.stdout), p


def locs(rep: dict, secret: str) -> list[tuple[str, int]]:
    for f in rep["findings"]:
        if f["secret_sha256"] == sha(secret):
            return sorted((loc["path"], loc["line"]) for loc in f["locations"])
    return []


def test_encodings_binary_empty_and_special_files(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "blob.dat").write_bytes(b"\x00\x01\x02" * 100 + f"KEY={STRIPE}\n".encode())  # NUL: binary
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + f"{STRIPE}".encode())
    (root / "latin.env").write_bytes(b"# caf\xe9 \xff\xfe\x80 broken\n\xc3(\nGITHUB_TOKEN=" + GITHUB.encode() + b"\n")
    text = f"# config\n\nSTRIPE_KEY={SK2}\n"
    (root / "le.env").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (root / "be.env").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    (root / "bom8.env").write_bytes(b"\xef\xbb\xbf" + f"\n\nX={STRIPE}\n".encode())
    (root / "empty.env").write_bytes(b"")
    (root / "odd-utf16.env").write_bytes(b"\xff\xfe" + b"\x00\xd8\x41")  # lone surrogate, odd length
    os.mkfifo(root / "fifo.env")  # reading it would block forever
    rep, p = scan(root)
    assert p.returncode == 1
    assert locs(rep, GITHUB) == [("latin.env", 3)]
    assert locs(rep, SK2) == [("be.env", 3), ("le.env", 3)]
    assert locs(rep, STRIPE) == [("bom8.env", 3)]
    sk = rep["stats"]["skipped"]
    assert sk.get("binary", 0) >= 2  # blob.dat by content, image.png by name
    assert sk.get("special-file", 0) >= 1
    assert rep["stats"]["files"] >= 6


def test_unreadable_file_is_a_counted_skip(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.env").write_text(f"K={STRIPE}\n")
    secret = root / "locked.env"
    secret.write_text(f"K={SK2}\n")
    secret.chmod(0)
    locked_dir = root / "locked-dir"
    locked_dir.mkdir()
    (locked_dir / "x.env").write_text(f"K={SK3}\n")
    locked_dir.chmod(0)
    try:
        try:
            secret.open("rb").close()
            pytest.skip("running as root: chmod 000 does not stop reads")
        except PermissionError:
            pass
        rep, _ = scan(root)
        assert locs(rep, STRIPE) and not locs(rep, SK2) and not locs(rep, SK3)
        sk = rep["stats"]["skipped"]
        assert sk.get("unreadable", 0) >= 1 and sk.get("unreadable-directory", 0) >= 1
    finally:
        secret.chmod(0o600)
        locked_dir.chmod(0o700)


def test_vanished_files(tmp_path):
    from scanner.sources.workspace import read_file

    (tmp_path / "here.txt").write_text("x\n")
    assert read_file(tmp_path, "here.txt") == (b"x\n", None)
    assert read_file(tmp_path, "gone.txt") == (None, "vanished")
    assert read_file(tmp_path, "gone-dir/gone.txt") == (None, "vanished")
    os.mkfifo(tmp_path / "fifo")
    assert read_file(tmp_path, "fifo") == (None, "special-file")  # O_NONBLOCK: no hang


def test_file_removed_between_walk_and_read_is_counted(tmp_path):
    """The real pipeline: walk, then delete, then read."""
    from scanner.pipeline import run_chunks
    from scanner.engine import Engine
    from scanner.rules import load_rules
    from scanner.sources import workspace

    (tmp_path / "a.env").write_text(f"K={STRIPE}\n")
    (tmp_path / "b.env").write_text(f"K={SK2}\n")
    ws = workspace.walk(tmp_path)
    assert [f.path for f in ws.files] == ["a.env", "b.env"]
    (tmp_path / "b.env").unlink()
    res = run_chunks("files", [[f.path for f in ws.files]], Engine(load_rules(use_cache=False)), tmp_path, 1,
                     workspace.DEFAULT_MAX_FILE_SIZE)
    assert res.skipped == {"vanished": 1}
    assert [k for k, _ in res.hits] == ["a.env"]


def test_30mb_single_line_file(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    chunk = b"var a=function(b){return b+1};" * 1000
    with open(root / "bundle.js", "wb") as fh:
        for _ in range(30 * 1024 * 1024 // len(chunk)):
            fh.write(chunk)
        fh.write(f'var k="{SK3}";'.encode())
    (root / "small.env").write_text(f"K={STRIPE}\n")
    rep, p = scan(root, timeout=240)  # default size limit: a counted skip
    assert rep["stats"]["skipped"].get("too-large") == 1
    assert locs(rep, STRIPE)
    rep, p = scan(root, "--max-file-size", str(64 << 20), timeout=240)  # scanned: the key at the end is found
    assert locs(rep, SK3) == [("bundle.js", 1)]


def test_100k_small_files(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    n = 100_000
    for d in range(100):
        sub = root / f"d{d:03}"
        sub.mkdir()
        for i in range(n // 100):
            with open(sub / f"f{i:04}.txt", "w") as fh:
                fh.write(f"line {d} {i}\n")
    (root / "d042" / "f0007.txt").write_text(f"STRIPE_KEY={STRIPE}\n")
    rep, p = scan(root, "--jobs", "2", timeout=120)
    assert rep["stats"]["files"] == n
    assert locs(rep, STRIPE) == [("d042/f0007.txt", 1)]


# ---- no catastrophic backtracking -----------------------------------------------------------
_PATHOLOGICAL = textwrap.dedent(r'''
    import re, sys, time
    try:
        import re._parser as sre
    except ImportError:
        import sre_parse as sre
    from scanner.engine import Engine
    from scanner.rules import load_rules

    N = int(sys.argv[1])

    def charsets(pattern):
        """Every character class and literal run of the pattern, as strings of chars."""
        out, lits = [], []
        def walk(items):
            for op, av in items:
                name = str(op)
                if name == "IN":
                    cs = []
                    for o, a in av:
                        if str(o) == "RANGE":
                            cs += [chr(c) for c in range(a[0], min(a[1], a[0] + 80) + 1)]
                        elif str(o) == "LITERAL":
                            cs.append(chr(a))
                        elif str(o) == "CATEGORY":
                            cs += list("aZ09_ \t-")
                    if cs:
                        out.append("".join(cs))
                elif name == "LITERAL":
                    lits.append(chr(av))
                elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                    walk(av[2])
                elif name == "SUBPATTERN":
                    walk(av[-1])
                elif name == "BRANCH":
                    for b in av[1]:
                        walk(b)
                elif name in ("ASSERT", "ASSERT_NOT"):
                    walk(av[1])
                elif name == "ANY":
                    out.append("a.Z/ 9")
        try:
            walk(sre.parse(pattern))
        except Exception:
            pass
        return out, "".join(lits)

    rules = load_rules(use_cache=False)
    eng = Engine(rules, use_hyperscan=False)
    worst = [0.0, ""]

    def timed(what, fn, arg):
        # CPU time, not wall time: a loaded machine must not fail this, a quadratic regex must
        t = time.process_time()
        fn(arg)
        dt = time.process_time() - t
        if dt > worst[0]:
            worst[:] = [dt, what]
        if dt > 10:
            print(f"SLOW {what} {dt:.1f}s on {arg[:40]!r}...", flush=True)

    for r in eng.regex_rules:
        rx = r.regex if r.regex is not None else re.compile(r.pattern)
        sets, lits = charsets(r.pattern)
        kws = r.keywords or [lits[:8] or "key"]
        for kw in kws[:1]:
            # the rule's own regex on the keyword followed by long runs of its character
            # classes: where backtracking would blow up
            runs = ["".join(sets)] + sets[:2] + [lits, kw + "="]
            for run in runs:
                run = (run * (N // max(1, len(run)) + 1))[:N] if run else "x" * N
                timed(r.id, lambda s: list(rx.finditer(s)), kw + run)
    # the whole engine (candidate search, generic and decode candidates, confirmation) on
    # long runs of keywords: the generic names, and every 12th rule's first keyword (the
    # engine's cost does not depend on which rule, and all of them would take minutes)
    names = ["password", "passwd", "secret", "token", "api_key", "apikey", "auth", "credential",
             "private_key", "client_secret", "connection_string", "dockerconfigjson"]
    names += [(r.keywords or ["key"])[0] for r in eng.regex_rules[::12]]
    for kw in names:
        text = "\n".join([(kw * (N // len(kw) + 1))[:N], ((kw + "=") * (N // len(kw) + 1))[:N],
                          ((kw + '_x": "a') * (N // len(kw) + 1))[:N]])
        timed("engine:" + kw, lambda s: eng.scan_text(s, "pathological.txt"), text)
    print(f"OK worst {worst[0]:.2f}s {worst[1]}", flush=True)
''')


def test_no_rule_backtracks_catastrophically_in_the_fallback_engine(tmp_path):
    script = tmp_path / "patho.py"
    script.write_text(_PATHOLOGICAL)
    try:
        p = subprocess.run([sys.executable, str(script), "200000"], cwd=str(ROOT), capture_output=True, text=True,
                           timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"the fallback engine hung on a long line: {(e.stdout or b'')!r}")
    assert p.returncode == 0, p.stderr[-2000:]
    assert "SLOW" not in p.stdout, p.stdout
    assert p.stdout.startswith("OK"), p.stdout


def test_a_digest_s_name_is_looked_for_just_before_it():
    # a hex value deep in a long run of word characters (a hex dump, a minified bundle): the
    # name it is given to is searched for in a window before it, not from every position of
    # the line (30,000 characters took 18 s so)
    code = ("from detectors.placeholders import digest_by_name as d; h = '9f' * 32; "
            "print(d(h, 'a' * 200000 + h), d(h, 'x' * 200000 + ' LINODE_DRIVER_SHA256=' + h))")
    try:
        p = subprocess.run([sys.executable, "-c", code], cwd=str(ROOT), capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        pytest.fail("the digest's name was searched for from every position of a long line")
    assert p.stdout.split() == ["False", "True"], p.stderr[-2000:]


@pytest.mark.parametrize("engine", ["hyperscan", "python"])
def test_a_token_right_after_a_terminal_colour_code_is_found(tmp_path, engine):
    """A captured terminal log (CI output, a test run's log) writes `ESC[93m` just before the
    token: the `m` stood against every rule's word boundary and the token was missed, in the
    work tree and in the history (CredSweeper's samples: a Square secret and a DeepSeek key
    in colour). The codes are blanked before matching; lines and columns stay as on disk."""
    from gitrepo import Repo

    log = (f"run 1: ok\n\x1b[1;32mPASS\x1b[0m token: \x1b[93m{GITHUB}\x1b[0m\n"
           f"\x1b[94m{STRIPE}\x1b[0m;\n")
    r = Repo(tmp_path / "r")
    r.commit("a log", {"ci.log": log})
    r.commit("gone", {"ci.log": None})
    (r.path / "now.log").write_text(log)
    p = cli("scan", str(r.path), "--format", "json", "-q", env=clean_env(CREDFENCE_ENGINE=engine))
    assert_clean_exit(p)
    rep = json.loads(p.stdout)
    for secret, line, col in ((GITHUB, 2, 29), (STRIPE, 3, 6)):
        f = next((f for f in rep["findings"] if f["secret_sha256"] == sha(secret)), None)
        assert f is not None, (secret[:6], rep["findings"])
        where = {(loc["kind"], loc["path"], loc["line"], loc["column"]) for loc in f["locations"]}
        assert ("worktree", "now.log", line, col) in where and ("history", "ci.log", line, col) in where, where
