#!/usr/bin/env python3
"""Password-family recall and precision on labelled public samples nobody here wrote:
Samsung/CredSweeper's tests/samples, labelled by that project's own expected output
(tests/data/output.json, which its test suite asserts line by line).

    python3 bench/password_eval.py CREDSWEEPER_CHECKOUT [--credfence .venv/bin/credfence]

Positives: every line the expected output reports under a password-family rule
(Password, SQL Password, CMD Password, Secret, Credential, Auth). Negatives: every other
line of those files and of the samples named as negatives (`*_FALSE`, `*_n`,
`false_positive`, `pass_filtered`) that credfence reports. Lines the expected output
reports under another family (tokens, keys...) are neither: they belong to other issues.

A line counts as found when credfence reports any finding on it (any rule, any
confidence). Used to MEASURE only: no string list in credfence comes from these files.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

FAMILY = {"Password", "SQL Password", "CMD Password", "Secret", "Credential", "Auth"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkout", help="a checkout (or `git archive`) of Samsung/CredSweeper")
    ap.add_argument("--credfence", default=".venv/bin/credfence")
    ap.add_argument("--show", action="store_true", help="list misses and false positives")
    ap.add_argument("--peer", choices=["betterleaks", "kingfisher"], help="score a peer instead (from .venv/bin)")
    args = ap.parse_args()
    root = Path(args.checkout)
    samples = root / "tests" / "samples"
    expected = json.loads((root / "tests" / "data" / "output.json").read_text())
    pos: set[tuple[str, int]] = set()
    other: set[tuple[str, int]] = set()
    for item in expected:
        for ld in item["line_data_list"]:
            key = (Path(ld["path"]).name, int(ld["line_num"]))
            (pos if item["rule"] in FAMILY else other).add(key)
    other -= pos
    files = sorted({p for p, _ in pos})
    found: dict[tuple[str, int], list] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        if args.peer:
            exe = str(Path(args.credfence).with_name(args.peer))
            cmd = ([exe, "fs", str(samples), "-o", str(out), "--no-banner"] if args.peer == "betterleaks" else
                   [exe, "scan", str(samples), "--format", "json", "--no-validate", "--confidence", "low",
                    "-o", str(out)])
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            data = json.loads(out.read_text())
            for f in data.get("findings") or []:
                if args.peer == "betterleaks":
                    loc = f.get("location") or {}
                    if "start_line" not in loc:
                        continue  # inside an archive: no line of a sample file
                    key = (Path(loc["path"]).name, int(loc["start_line"]))
                    conf, rule = f.get("confidence") or "low", f["rule_id"]
                else:
                    key = (Path(f["finding"]["path"]).name, int(f["finding"]["line"]))
                    conf, rule = f["finding"].get("confidence") or "low", f["rule"]["id"]
                found.setdefault(key, []).append((rule, conf))
        else:
            subprocess.run([args.credfence, "scan", str(samples), "--no-history", "--format", "json", "-o", str(out),
                            "-q", "--min-severity", "info"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            report = json.loads(out.read_text())
            for f in report["findings"]:
                for loc in f["locations"]:
                    if loc["kind"] != "worktree":
                        continue
                    found.setdefault((Path(loc["path"]).name, loc["line"]), []).append((f["rule"], f["confidence"]))
    tp = {k for k in found if k in pos}
    # a false positive of this family: a generic finding on a line the labels do not
    # report (provider rules' false positives belong to the recall issue's sets)
    fp = {k for k in found if k not in pos and k not in other and
          any(r == "generic-secret" or "generic" in r or "password" in r for r, _ in found[k])}
    fp_any = {k for k in found if k not in pos and k not in other}
    fn = pos - tp
    recall = len(tp) / len(pos) if pos else 0.0
    precision = len(tp) / (len(tp) + len(fp)) if tp or fp else 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    by_conf: dict[str, int] = {}
    for k in tp:
        c = max((c if c in ("low", "medium", "high") else "low" for _, c in found[k]), key=["low", "medium", "high"].index)
        by_conf[c] = by_conf.get(c, 0) + 1
    tool = args.peer or "credfence"
    print(f"password family: {len(pos)} positive lines in {len(files)} files; {tool} found {len(tp)}, "
          f"{len(fp)} false positives from generic/password rules ({len(fp_any)} from any rule): "
          f"recall {recall:.3f} precision {precision:.3f} F1 {f1:.3f} "
          f"(precision counting any rule {len(tp) / max(1, len(tp) + len(fp_any)):.3f}); "
          f"found by confidence {dict(sorted(by_conf.items()))}")
    if args.show:
        lines = {}
        for p in samples.iterdir():
            if p.is_file():
                try:
                    lines[p.name] = p.read_text(errors="replace").split("\n")
                except OSError:
                    pass
        for tag, keys in (("MISS", fn), ("FP", fp)):
            for name, ln in sorted(keys):
                text = lines.get(name, [""] * ln)[ln - 1] if ln - 1 < len(lines.get(name, [])) else ""
                print(f"{tag} {name}:{ln} {text[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
