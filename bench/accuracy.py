#!/usr/bin/env python3
"""Recall, precision and F1 of credfence and its peers on the same labelled data.

    python bench/accuracy.py [--only corpus|labelled] [--json OUT.json] [-v]

Data (both built at run time under bench/out/, nothing secret-looking is committed):

  corpus    the shared corpus, default arguments (`make_corpus.py OUT`, seed 7), scored against its
            manifest. Scope "worktree": every tool without history (credfence --no-history,
            betterleaks fs, kingfisher --git-history none, detect-secrets scan --all-files), plants
            in tracked, ignored and untracked files. Scope "history": the tools that read git
            history (credfence, betterleaks git, kingfisher), plants that are in commits (tracked,
            history-only and unmerged-branch); detect-secrets has no history mode.
  labelled  bench/make_labelled.py: fresh random tokens in ~40 providers' documented shapes in
            realistic config/code lines, and as many negatives; worktree scope.

Scoring. Each tool's report is reduced to distinct locations (path, line), each with the secret's
sha256 where the tool reports the value. A planted credential is found when a location lands on
its path within its line range, or carries its secret's sha256 (or a companion's, e.g. the AWS
secret key beside its key id). A location on no plant is a false positive. Locations that match a
plant outside the scope being scored count neither way (as score.py --where does).
recall = plants found / plants; precision = true locations / all locations; F1 their harmonic mean.
Live verification is off for every tool. Results also go to bench/out/results/accuracy-*.json.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as R  # noqa: E402  (bench/run.py: tools, measurement, corpus cache)
import make_labelled  # noqa: E402

OUT = R.OUT
REPORTS = OUT / "reports" / "accuracy"


def sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def norm(path: str, root: Path) -> str:
    p = str(path)
    r = str(root)
    if p.startswith(r + "/"):
        p = p[len(r) + 1:]
    while p.startswith("./"):
        p = p[2:]
    return p


# ----- readers: report -> {(path, line): set(sha256)}

def units_credfence(path: Path, root: Path) -> dict:
    u: dict = {}
    for f in json.loads(path.read_text())["findings"]:
        for loc in f.get("locations", []):
            u.setdefault((norm(loc.get("path", ""), root), loc.get("line") or 0), set()).add(f.get("secret_sha256"))
    return u


def units_betterleaks(path: Path, root: Path) -> dict:
    d = json.loads(path.read_text())
    u: dict = {}
    for f in (d["findings"] if isinstance(d, dict) else d):
        loc, m = f.get("location", {}), f.get("match", {})
        u.setdefault((norm(loc.get("path", ""), root), loc.get("start_line") or 0), set()).add(sha(m.get("value", "")))
        for cs in f.get("component_sets") or []:
            for c in cs.get("components") or []:
                cl = c.get("location", {})
                u.setdefault((norm(cl.get("path", ""), root), cl.get("start_line") or 0), set()).add(
                    sha(c.get("match", {}).get("value", "")))
    return u


def units_kingfisher(path: Path, root: Path) -> dict:
    d = json.loads(path.read_text())
    u: dict = {}
    for f in (d["findings"] if isinstance(d, dict) else d):
        x = f.get("finding", f)
        hashes = {sha(x.get("snippet", ""))} | {sha(v) for v in (x.get("dependent_captures") or {}).values()
                                                if isinstance(v, str)}
        u.setdefault((norm(x.get("path", ""), root), x.get("line") or 0), set()).update(hashes)
    return u


def units_detect_secrets(path: Path, root: Path) -> dict:
    u: dict = {}
    for fname, items in json.loads(path.read_text())["results"].items():
        for it in items:
            u.setdefault((norm(fname, root), it.get("line_number") or 0), set())
    return u


def tools(root: Path, scope: str, tag: str) -> list[tuple[str, list[str], tuple, Path, Path | None, object]]:
    """(name, command, ok exit codes, report path, stdout path, reader) per tool for this scope."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    rep = lambda t: REPORTS / f"{tag}-{scope}-{t}.json"  # noqa: E731
    hist = scope == "history"
    out = [
        ("credfence", [R.tool("credfence"), "scan", ".", *([] if hist else ["--no-history"]), "--format", "json",
                       "-o", str(rep("credfence")), "-q"], (0, 1), rep("credfence"), None, units_credfence),
        ("betterleaks " + ("git" if hist else "fs"), [R.tool("betterleaks"), "git" if hist else "fs", ".", "--no-color",
                                                      "--no-banner", "-o", str(rep("betterleaks"))], (0, 1),
         rep("betterleaks"), None, units_betterleaks),
        ("kingfisher", [R.tool("kingfisher"), "scan", ".", *([] if hist else ["--git-history", "none"]), "-n",
                        "--no-update-check", "-q", "-f", "json", "-o", str(rep("kingfisher"))], (0, 200),
         rep("kingfisher"), None, units_kingfisher),
    ]
    if not hist:
        out.append(("detect-secrets", [R.tool("detect-secrets"), "scan", "-n", "--all-files", "."], (0,),
                    rep("detect-secrets"), rep("detect-secrets"), units_detect_secrets))
    return out


def score(units: dict, plants: list[dict], outside: list[dict]) -> dict:
    def hit(p: dict, key, hashes) -> bool:
        path, line = key
        if hashes & p["hashes"]:
            return True
        return path == p["path"] and p["lo"] <= line <= p["hi"]

    kept = {k: h for k, h in units.items() if not any(hit(p, k, h) for p in outside)}
    found = {p["id"] for p in plants if any(hit(p, k, h) for k, h in kept.items())}
    true_units = [k for k, h in kept.items() if any(hit(p, k, h) for p in plants)]
    fps = sorted(k for k in kept if k not in set(true_units))
    n = len(plants)
    recall = len(found) / n if n else 0.0
    precision = len(true_units) / len(kept) if kept else 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    missed = [p for p in plants if p["id"] not in found]
    return {"recall": recall, "precision": precision, "f1": f1, "found": len(found), "plants": n,
            "locations": len(kept), "fp": len(fps), "fp_list": [f"{a}:{b}" for a, b in fps],
            "missed": [f"{p['id']} {p['kind']} {p['path']}" for p in missed]}


def run_tools(root: Path, scope: str, tag: str, log: str, only: set[str] | None = None):
    """Run every tool of tools() once over root; yield (row, units): row holds the tool,
    whether it ran, its exit code, wall time and command; units, what its report flagged
    (None when it did not run or its report could not be read, the reason in row["why"])."""
    for name, cmd, ok, rep, stdout, reader in tools(root, scope, tag):
        if only and name.split()[0] not in only:
            continue
        if cmd[0] is None:
            yield {"tool": name, "ok": False, "why": "not installed"}, None
            continue
        if rep.exists():
            rep.unlink()
        print(f"[{log}] {name}: {shlex.join(cmd)}", file=sys.stderr, flush=True)
        r = R.run_once(cmd, cwd=root, ok_codes=ok, stdout_path=stdout, timeout=1800)
        if not r["ok"]:
            yield {"tool": name, "ok": False, "why": r["why"], "rc": r["rc"], "cmd": cmd}, None
            continue
        try:
            units = reader(rep, root)
        except Exception as e:  # noqa: BLE001 - an unreadable report is a failure
            yield {"tool": name, "ok": False, "why": f"report unreadable: {e}", "rc": r["rc"], "cmd": cmd}, None
            continue
        yield {"tool": name, "ok": True, "rc": r["rc"], "wall": r["wall"], "cmd": cmd}, units


def evaluate(root: Path, scope: str, tag: str, plants: list[dict], outside: list[dict], negatives=None) -> list[dict]:
    rows = []
    for row, units in run_tools(root, scope, tag, f"accuracy {tag}/{scope}"):
        if units is None:
            rows.append(row)
            continue
        s = score(units, plants, outside)
        if negatives is not None:
            s["negatives_flagged"] = sum(1 for n in negatives if any(k[0] == n["file"] and n["line"] <= k[1] <= n["end_line"]
                                                                     for k in units))
            s["negatives"] = len(negatives)
        rows.append({**row, **s})
    return rows


def corpus_plants(manifest: dict, where: set[str]) -> tuple[list[dict], list[dict]]:
    inside, outside = [], []
    for p in manifest["plants"]:
        lo, hi = (p["lines"] if p.get("lines") and p["lines"][0] else (0, 10 ** 9))
        q = {"id": p["id"], "kind": p["kind"], "path": p["path"], "lo": lo, "hi": hi,
             "hashes": {p["secret_sha256"], *(sha(c) for c in p.get("companions", []))}}
        (inside if p["where"] in where else outside).append(q)
    return inside, outside


def run_corpus() -> dict:
    repo = R.corpus(300, 150, 120, 7)  # make_corpus.py defaults
    man = json.loads(repo.with_name(repo.name + ".manifest.json").read_text())
    res = {"data": "corpus", "repo": str(repo), "scopes": {}}
    for scope, where in [("worktree", {"tracked", "ignored", "untracked"}), ("history", {"tracked", "history", "branch"})]:
        inside, outside = corpus_plants(man, where)
        res["scopes"][scope] = {"where": sorted(where), "plants": len(inside),
                                "rows": evaluate(repo, scope, "corpus", inside, outside)}
    return res


def run_labelled(seed: int, copies: int) -> dict:
    base = OUT / "labelled"
    info = make_labelled.build(base, seed, copies)
    root = base / "tree"
    labels = json.loads((base / "labels.json").read_text())["labels"]
    plants = [{"id": f"L{i}", "kind": x["kind"], "path": x["file"], "lo": x["line"], "hi": x["end_line"],
               "hashes": {x["secret_sha256"], *x.get("companions_sha256", [])}} for i, x in enumerate(labels)
              if x["label"] == "positive"]
    negs = [x | {"end_line": x["end_line"]} for x in labels if x["label"] == "negative"]
    return {"data": "labelled", "repo": str(root), "info": info, "seed": seed,
            "scopes": {"worktree": {"plants": len(plants), "rows": evaluate(root, "worktree", "labelled", plants, [],
                                                                            negatives=negs)}}}


def per_kind(res: dict) -> str:
    """Which positive kinds each tool missed on the labelled set (for the report)."""
    lines = []
    for row in res["scopes"]["worktree"]["rows"]:
        if row.get("ok"):
            kinds = sorted({m.split()[1] for m in row["missed"]})
            lines.append(f"- {row['tool']} missed {len(row['missed'])}: {', '.join(kinds) if kinds else 'none'}")
    return "\n".join(lines)


def print_table(title: str, rows: list[dict], labelled: bool = False) -> None:
    print(f"#### {title}\n")
    head = ["tool", "recall", "precision", "F1", "found", "false-positive locations"]
    if labelled:
        head.append("negatives flagged")
    head.append("exit")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    best = max((r["f1"] for r in rows if r.get("ok")), default=None)
    for r in rows:
        if not r.get("ok"):
            print(f"| {r['tool']} | FAILED | {r['why'][:100].replace('|', '/')} |" + " |" * (len(head) - 3))
            continue
        f1 = f"**{r['f1']:.3f}**" if r["f1"] == best else f"{r['f1']:.3f}"
        cells = [r["tool"], f"{r['recall']:.3f}", f"{r['precision']:.3f}", f1, f"{r['found']}/{r['plants']}",
                 str(r["fp"])]
        if labelled:
            cells.append(f"{r['negatives_flagged']}/{r['negatives']}")
        cells.append(str(r["rc"]))
        print("| " + " | ".join(cells) + " |")
    print()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["corpus", "labelled"])
    ap.add_argument("--seed", type=int, default=2024, help="labelled set seed (default 2024)")
    ap.add_argument("--copies", type=int, default=2, help="fresh tokens per provider shape (default 2)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
            "command": "python bench/accuracy.py " + shlex.join(sys.argv[1:]), "versions": R.versions(),
            "machine": R.machine()}
    results = []
    if a.only in (None, "corpus"):
        results.append(run_corpus())
    if a.only in (None, "labelled"):
        results.append(run_labelled(a.seed, a.copies))

    print(f"Measured {meta['date']} with `{meta['command']}`.\n")
    print("Tools: " + "; ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ". Live verification off.\n")
    for res in results:
        if res["data"] == "corpus":
            for scope, s in res["scopes"].items():
                print_table(f"Shared corpus (make_corpus.py defaults, seed 7), {scope}: {s['plants']} plants "
                            f"({', '.join(s['where'])})", s["rows"])
        else:
            s = res["scopes"]["worktree"]
            i = res["info"]
            print_table(f"Labelled set (bench/make_labelled.py --seed {res['seed']}): {i['positives']} positives from "
                        f"{i['providers']} providers, {i['negatives']} negatives", s["rows"], labelled=True)
            print(per_kind(res) + "\n")
        if a.verbose:
            for scope, s in res["scopes"].items():
                for r in s["rows"]:
                    if r.get("ok"):
                        print(f"{res['data']}/{scope} {r['tool']}: missed {r['missed']}\n  fp {r['fp_list'][:40]}\n")
    d = OUT / "results"
    d.mkdir(parents=True, exist_ok=True)
    p = a.json or d / f"accuracy-{meta['date'].replace(':', '').replace(' ', 'T')}.json"
    p.write_text(json.dumps({"meta": meta, "results": results}, indent=1, default=str))
    print(f"(raw results: {p})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
