"""The compiled regular expressions kept between runs (scanner/regex_cache.py): a warm run
compiles none of credfence's own patterns, finds what a cold run finds, and the file holds
only the patterns written in credfence's modules, never a scanned or configured value."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from gitrepo import ROOT, Repo
from helpers import GITHUB, STRIPE, clean_env, cli

# run in a fresh interpreter: warm() from the cache directory, then the detectors imported,
# and how many of the patterns they hold re compiled afresh
_COUNT_FRESH = textwrap.dedent("""
    import re, sys
    try:
        from re import _compiler as c
    except ImportError:
        import sre_compile as c
    from scanner import regex_cache
    loaded = regex_cache.warm()
    fresh = []
    compile = c.compile
    c.compile = lambda p, flags=0: fresh.append(p) or compile(p, flags)
    import scanner.scan, scanner.pipeline, detectors.generic, detectors.placeholders
    held = {p.pattern for p in regex_cache._held_patterns()}
    print(loaded, len(held), len([p for p in fresh if p in held]))
""")


def _fresh_compiles(env) -> tuple[int, int, int]:
    out = subprocess.run([sys.executable, "-c", _COUNT_FRESH], cwd=str(ROOT), env=env, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True).stdout
    loaded, held, fresh = map(int, out.split())
    return loaded, held, fresh


def _findings(report: str) -> list[tuple]:
    data = json.loads(report)
    return sorted((f["rule"], loc["kind"], loc["path"], loc["line"]) for f in data["findings"] for loc in f["locations"])


def test_a_second_run_compiles_none_of_credfences_patterns_and_finds_the_same(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.write("deploy.sh", f"export STRIPE_KEY={STRIPE}\n")
    repo.commit("deploy")
    repo.write("deploy.sh", "echo nothing here\n")
    repo.write("ci.yml", f"token: {GITHUB}\n")
    repo.commit("ci")
    env = clean_env(CREDFENCE_CACHE_DIR=str(tmp_path / "cache"))
    assert _fresh_compiles(env)[0] == 0  # nothing kept yet

    cold = cli("scan", str(repo.path), "--format", "json", env=env)
    [kept] = (tmp_path / "cache").glob("regex-*.marshal")
    stamp = kept.stat().st_mtime_ns
    warm = cli("scan", str(repo.path), "--format", "json", env=env)
    assert cold.returncode == warm.returncode == 1, cold.stderr + warm.stderr
    assert _findings(cold.stdout) == _findings(warm.stdout) != []
    assert kept.stat().st_mtime_ns == stamp  # a run that compiled nothing afresh keeps the file as it is

    loaded, held, fresh = _fresh_compiles(env)
    assert held > 100 and loaded >= held and fresh == 0


def test_the_file_holds_no_scanned_or_configured_value(tmp_path):
    """Patterns built at run time (a configuration's excluded paths and rules, the values
    a scan redacts) are not credfence's modules' own and are never kept."""
    repo = Repo(tmp_path / "repo")
    excluded = "qz7excludeddir" + "Kp4Lm9Xw2"
    repo.write(".credfence.yml", textwrap.dedent(f"""\
        exclude: ["{excluded}/**"]
        rules:
          - id: zz-internal-token
            provider: zz
            pattern: "(?P<secret>zzint_[a-z0-9]{{20}})"
            keywords: ["zzint_"]
    """))
    repo.write("app.env", f"STRIPE_KEY={STRIPE}\nZZ=zzint_k3v9x2m7q1w8e4r6t0y5\n")
    repo.commit("app")
    env = clean_env(CREDFENCE_CACHE_DIR=str(tmp_path / "cache"))
    p = cli("scan", str(repo.path), "--format", "json", env=env)
    assert p.returncode == 1 and {"zz-internal-token", "stripe-secret-key"} <= {r for r, *_ in _findings(p.stdout)}
    [kept] = (tmp_path / "cache").glob("regex-*.marshal")
    data = kept.read_bytes()
    for value in (STRIPE, excluded, "zzint_", "zz-internal"):
        assert value.encode() not in data and value.encode("utf-16-le") not in data


def test_a_damaged_file_is_compiled_afresh_and_replaced(tmp_path):
    env = clean_env(CREDFENCE_CACHE_DIR=str(tmp_path / "cache"))
    repo = Repo(tmp_path / "repo")
    repo.write("a.txt", "nothing\n")
    repo.commit("a")
    assert cli("scan", str(repo.path), env=env).returncode == 0
    [kept] = (tmp_path / "cache").glob("regex-*.marshal")
    whole = kept.read_bytes()
    for damaged in (whole[:len(whole) // 2], b"\x00" * 64, __import__("marshal").dumps([("x", 0, 0, [1, 2], 0, {}, ())])):
        kept.write_bytes(damaged)
        p = cli("scan", str(repo.path), env=env)
        assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
        assert kept.read_bytes() == whole  # compiled afresh and kept again, the same programs
