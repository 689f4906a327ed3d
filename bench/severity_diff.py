#!/usr/bin/env python3
"""Findings by severity on real clones, at two commits of credfence: what a change did to
the false alarms of repositories nobody here wrote.

    python bench/severity_diff.py --before REV [--after REV] REPO...
    python bench/severity_diff.py --before REV --brief --out DIR --jobs 2 REPO... [-- SCAN OPTIONS...]

REPO: a git clone, or a NAME under ~/.cache/credfence-realworld/. Each commit is exported
with `git archive` to bench/out/trees/<commit>/ and run from there (`python -m scanner.cli
scan REPO --format json`, full history, plus the scan options after `--`: `-- --no-history`
for work trees only), by the Python running this script (the venv's: one without Hyperscan
falls back to the slower engine), so the installed checkout does not decide which code runs.
Prints a Markdown table (HEAD, commits, refs, findings by severity at each commit;
"incomplete" when the scan exits 3), then every finding whose severity changed, appeared or
disappeared, by rule, first path and line, and the secret's hash prefix (never the secret).

--brief, for hundreds of clones: no table; a finding is its rule, its secret's SHA-256, its
severity and its number of locations, and only a repository whose findings differ is printed,
each finding only the first commit had (`-`) and only the second has (`+`); ends with how many
repositories were the same. --out DIR keeps each report as DIR/NAME.COMMIT[.OPTIONS].json and
reuses it when present (a second --after compares against the same --before reports); --jobs N scans N
at a time.
"""
from __future__ import annotations

import argparse
import collections
from concurrent.futures import ThreadPoolExecutor
import json
import os
import subprocess
import sys
import tarfile
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TREES = HERE / "out" / "trees"
HOME = Path(os.path.expanduser("~/.cache/credfence-realworld"))
ORDER = ("critical", "high", "medium", "low", "info")


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout.strip()


def tree_of(rev: str) -> Path:
    """The source of credfence at rev, exported once and byte-compiled."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    out = TREES / commit[:12]
    if not (out / "scanner").is_dir():
        out.mkdir(parents=True, exist_ok=True)
        data = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(out)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(out / "scanner"), str(out / "detectors")], check=True)
    return out


def scan(tree: Path, repo: Path, options: list[str] = (), out: Path | None = None) -> dict | None:
    """credfence at tree on repo: its report; None when it failed and --out was given (a run
    over hundreds of clones goes on), else it stops the run. A kept report's name holds the
    scan options (`-- --no-history` and a full history never share one)."""
    tag = "".join(o.strip("-")[0] + o.strip("-").split("-")[-1][:3] for o in options if o.startswith("-"))
    report = (out / f"{repo.name}.{tree.name}{'.' + tag if tag else ''}.json") if out else tree / f"report-{repo.name}.json"
    if out and report.exists():
        return json.loads(report.read_text())
    env = {**os.environ, "PYTHONPATH": str(tree)}
    p = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(repo), "--format", "json", "-q",
                        "-o", str(report), *options], cwd=tree, env=env, capture_output=True, text=True)
    if p.returncode not in (0, 1, 3):
        if out:
            return None
        raise SystemExit(f"{repo.name}: credfence exited {p.returncode}: {p.stderr.strip()[:300]}")
    return json.loads(report.read_text())


def by_severity(rep: dict) -> str:
    c = collections.Counter(f["blast"]["severity"] for f in rep["findings"])
    cell = ", ".join(f"{c[k]} {k}" for k in ORDER if c[k]) or "none"
    # the report says what could not be scanned (exit 3), a kept report as well as a fresh one
    return cell + ("; incomplete" if rep.get("stats", {}).get("incomplete") else "")


def keyed(rep: dict) -> dict[tuple, dict]:
    return {(f["rule"], f.get("secret_sha256") or f["fingerprint"]): f for f in rep["findings"]}


def brief_keys(rep: dict) -> dict[tuple, str]:
    """--brief's finding: (rule, secret digest, severity, location count) -> its first path."""
    return {(f["rule"], str(f.get("secret_sha256") or f["fingerprint"]), f["blast"]["severity"], len(f["locations"])):
            (f["locations"][0]["path"] if f["locations"] else "") for f in rep["findings"]}


def brief(before: Path, after: Path, repos: list[Path], options: list[str], out: Path | None, jobs: int) -> None:
    same = 0

    def both(repo: Path):
        return repo, scan(before, repo, options, out), scan(after, repo, options, out)

    with ThreadPoolExecutor(jobs) as pool:
        for repo, rb, ra in pool.map(both, repos):
            if rb is None or ra is None:
                print("FAILED", repo.name, flush=True)
                continue
            kb, ka = brief_keys(rb), brief_keys(ra)
            if kb.keys() == ka.keys():
                same += 1
                continue
            print(f"DIFF {repo.name}: {dict(collections.Counter(k[2] for k in kb))} -> "
                  f"{dict(collections.Counter(k[2] for k in ka))}")
            for sign, keys, src in (("-", kb.keys() - ka.keys(), kb), ("+", ka.keys() - kb.keys(), ka)):
                for k in sorted(keys):
                    print("   ", sign, k[0], k[2], k[1][:8], k[3], src[k][:110])
            sys.stdout.flush()
    print("same", same, "of", len(repos))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    options = argv[argv.index("--") + 1:] if "--" in argv else []
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", default="HEAD")
    ap.add_argument("--brief", action="store_true", help="only the repositories whose findings differ")
    ap.add_argument("--out", type=Path, help="keep the reports here and reuse them")
    ap.add_argument("--jobs", type=int, default=1, help="scans at a time (--brief)")
    ap.add_argument("repos", nargs="+")
    args = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    before, after = tree_of(args.before), tree_of(args.after)
    repos = [Path(name.rstrip("/")) if os.sep in name.rstrip("/") else HOME / name for name in args.repos]
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    if args.brief:
        brief(before, after, repos, options, args.out, max(1, args.jobs))
        return 0
    changes = []
    print(f"| repository | HEAD | commits | refs | before ({before.name[:7]}) | now ({after.name[:7]}) |")
    print("|---|---|---|---|---|---|")
    for repo in repos:
        head = _git("rev-parse", "--short=10", "HEAD", cwd=repo)
        commits = int(_git("rev-list", "--all", "--count", cwd=repo))
        refs = len(_git("for-each-ref", cwd=repo).splitlines())
        rb, ra = scan(before, repo, options, args.out), scan(after, repo, options, args.out)
        if rb is None or ra is None:
            print(f"| {repo.name} | {head} | {commits:,} | {refs} | failed | failed |")
            continue
        print(f"| {repo.name} | {head} | {commits:,} | {refs} | {by_severity(rb)} | {by_severity(ra)} |")
        kb, ka = keyed(rb), keyed(ra)
        for k in sorted(set(kb) | set(ka)):
            sb = kb[k]["blast"]["severity"] if k in kb else "absent"
            sa = ka[k]["blast"]["severity"] if k in ka else "absent"
            if sb != sa:
                f = ka.get(k) or kb[k]
                loc = f["locations"][0] if f["locations"] else {}
                changes.append(f"- {repo.name}: {k[0]} at {loc.get('path')}:{loc.get('line')} "
                               f"(sha256 {str(k[1])[:8]}): {sb} -> {sa}")
    print()
    print("\n".join(changes) if changes else "No finding changed severity, appeared or disappeared.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
