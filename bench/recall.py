#!/usr/bin/env python3
"""Recall on public labelled credential samples nobody here wrote, credfence beside its peers.

    python bench/recall.py [--set credsweeper|leaky|noseyparker|kingfisher|trufflehog|gitleaks] [-v] [--json OUT.json]

Data: public repositories fetched with the search tool's `fetch` (their git directories under
/work/.mirror, or pass --mirror DIR), exported at the commit printed in the results:

  credsweeper  Samsung/CredSweeper tests/samples (229 files: code, config, docs, many languages).
               Labels are the CredSweeper maintainers' own: a line is POSITIVE when their expected
               default output (tests/data/output.json: patterns, filters and their ML model) reports
               it (one credential per finding of theirs: a PEM key over many lines is one), NEGATIVE
               when their unfiltered regex output (tests/data/no_filters_no_ml.json)
               reports it but the default output does not (a candidate they judged false). Lines in
               archives (path with '!') are left out: not every tool opens archives. Other lines are
               unlabelled and count neither way. This set's labels favour CredSweeper's view.
  noseyparker  praetorian-inc/noseyparker's rule examples (crates/noseyparker/data/default/builtin/
               rules/*.yml): every `examples:` entry of a rule whose categories include `secret`,
               written to its own file. Recall only: a file is found when a tool flags any line of
               it. (Its `negative_examples` are values one rule must not match, often another
               rule's secret, so they are not labels of "no secret".) Many examples are
               placeholders (xxxx, 0000, sequential letters) or password hashes, which credfence
               rejects or does not report on purpose: no tool can reach 1.0 here.
  kingfisher   mongodb/kingfisher's rule examples (data/rules/*.yml), the same way: every
               `examples:` entry of a rule that is reported (not `visible: false`, a rule only
               other rules' validation uses) and is not an identifier (categories `identifier`
               or `domain`: account IDs, user names, host names). Recall only; written by
               kingfisher's maintainers for kingfisher's own patterns, so it favours kingfisher.
  trufflehog   trufflesecurity/trufflehog's detector tests (pkg/detectors/*/*_test.go): each test's
               valid pattern (`validPattern...` variables) written as that test feeds it to its
               detector: the pattern as is when the test has `input: validPattern`, else its
               commonest form `fmt.Sprintf("%s token = '%s'", keyword, validPattern)`; a pattern
               fed in neither way is left out. Recall only (a file is found when a tool flags any
               line of it); many patterns are random strings in a provider's shape, behind the
               provider's name. Written by trufflehog's maintainers for trufflehog, not a peer here.
  gitleaks     gitleaks/gitleaks' rule tests (cmd/generate/config/rules/*.go): every true positive
               written as a Go string literal (`tps`), each to its own file, a `map[path]sample` one
               under its path; a `utils.GenerateSampleSecrets(name, literal)` as one of the forms
               gitleaks expands it to, `{name}Token = "{literal}"`. Samples built at run time
               (`secrets.NewSecret`, `fmt.Sprintf`) are left out. Its false positives (`fps`, the
               same way) are the negatives: a file a tool flags is a false alarm. They are what one
               rule must not match, chosen by gitleaks' maintainers mostly from real code; a few
               may be another rule's secret (read the list with -v). betterleaks is gitleaks'
               successor: this set favours it.
  leaky        Plazmaz/leaky-repo. Labels: .leaky-meta/secrets.csv, per file the number of lines
               holding a risk (a credential) and of informative lines. Scored per file: found =
               min(lines a tool flags, risk lines); false = lines flagged beyond risk + informative;
               a file the CSV does not list (README, LICENSE, .leaky-meta) flagged at all is false.

Scoring per set: recall = positives found / positives, precision = true / (true + false),
F1 their harmonic mean. Each tool runs once on a copy of the samples (no git history), with live
verification off, the same commands as bench/accuracy.py's worktree scope.
"""
from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import accuracy as A  # noqa: E402
import run as R  # noqa: E402

OUT = R.OUT / "recall"
MIRROR = Path("/work/.mirror")
SETS = {"credsweeper": "Samsung+CredSweeper", "leaky": "Plazmaz+leaky-repo",
        "noseyparker": "praetorian-inc+noseyparker", "kingfisher": "mongodb+kingfisher",
        "trufflehog": "trufflesecurity+trufflehog", "gitleaks": "gitleaks+gitleaks"}


def _git(gitdir: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(gitdir), *args], check=True, capture_output=True).stdout


def export(gitdir: Path, sub: str, dest: Path) -> str:
    """The tree `sub` of the repository's HEAD, written under dest; returns the commit."""
    commit = _git(gitdir, "rev-parse", "HEAD").decode().strip()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    data = _git(gitdir, "archive", "--format=tar", "HEAD", *([sub] if sub else []))
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        t.extractall(dest, filter="data")
    return commit


def labels_credsweeper(gitdir: Path) -> tuple[list, set]:
    """Positives: one per credential of the default output (a PEM key is one credential over
    many lines), as the set of its lines; negatives: lines of the unfiltered output on no
    positive's line."""
    def creds(name: str) -> list:
        d = json.loads(_git(gitdir, "show", f"HEAD:tests/data/{name}.json"))
        out = []
        for c in d:
            lines = set()
            for ld in c["line_data_list"]:
                p = ld["path"]
                if "!" in p or ":" in p.replace("./", ""):
                    continue
                p = p[2:] if p.startswith("./") else p
                lines.add((p, ld["line_num"]))
            if lines and lines not in out:
                out.append(lines)
        return out
    pos = creds("output")
    pos_lines = set().union(*pos)
    neg = set().union(*creds("no_filters_no_ml")) - pos_lines
    return pos, neg


def score_lines(units: dict, pos: list, neg: set) -> dict:
    flagged = set(units)
    pos_lines = set().union(*pos)
    tp = flagged & pos_lines
    fp = flagged & neg
    found = [c for c in pos if c & flagged]
    recall = len(found) / len(pos) if pos else 0.0
    precision = len(tp) / (len(tp) + len(fp)) if tp or fp else 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    return {"recall": recall, "precision": precision, "f1": f1, "found": len(found), "plants": len(pos),
            "fp": len(fp), "fp_list": sorted(f"{a}:{b}" for a, b in fp),
            "missed": sorted("%s:%d" % min(c) for c in pos if not c & flagged)}


def labels_leaky(gitdir: Path) -> dict:
    text = _git(gitdir, "show", "HEAD:.leaky-meta/secrets.csv").decode()
    out = {}
    for row in csv.reader(line for line in text.splitlines() if line.strip() and not line.startswith("#")):
        if len(row) >= 3 and row[1].strip().isdigit():
            out[row[0].strip().lstrip("/")] = (int(row[1]), int(row[2]))
    return out


def score_leaky(units: dict, lab: dict) -> dict:
    per_file: dict = {}
    for (p, line) in units:
        if p.startswith(".git/"):
            continue
        per_file.setdefault(p, set()).add(line)
    tp = fp = 0
    missed, fps = [], []
    for p, (risk, info) in lab.items():
        n = len(per_file.get(p, ()))
        tp += min(n, risk)
        if n < risk:
            missed.append(f"{p} {risk - n}/{risk}")
        if n > risk + info:
            fp += n - risk - info
            fps.append(f"{p} +{n - risk - info}")
    for p, ls in per_file.items():
        if p not in lab:
            fp += len(ls)
            fps.append(f"{p} +{len(ls)} (unlisted)")
    pos = sum(r for r, _ in lab.values())
    recall = tp / pos if pos else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    return {"recall": recall, "precision": precision, "f1": f1, "found": tp, "plants": pos, "fp": fp,
            "fp_list": fps, "missed": missed}


def noseyparker_examples(gitdir: Path, dest: Path, base: str = "crates/noseyparker/data/default/builtin/rules/",
                         wanted=lambda rule: "secret" in (rule.get("categories") or [])) -> tuple[str, list[str]]:
    """Write the examples of each rule `wanted` keeps (noseyparker's: those of its secret rules)
    to dest/<rule id>/<n>.txt; (commit, the files)."""
    import yaml

    commit = _git(gitdir, "rev-parse", "HEAD").decode().strip()
    names = [n for n in _git(gitdir, "ls-tree", "--name-only", f"HEAD:{base}").decode().split() if n.endswith(".yml")]
    if dest.exists():
        shutil.rmtree(dest)
    files = []
    for n in sorted(names):
        doc = yaml.safe_load(_git(gitdir, "show", f"HEAD:{base}{n}")) or {}
        for rule in doc.get("rules") or []:
            if not wanted(rule):
                continue
            for k, ex in enumerate(rule.get("examples") or []):
                f = dest / rule["id"] / f"{k}.txt"
                if f.exists():  # the same rule id in two files (kingfisher has five): both kept
                    f = dest / rule["id"] / f"{n[:-4]}-{k}.txt"
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_text(ex if ex.endswith("\n") else ex + "\n")
                files.append(str(f.relative_to(dest)))
    return commit, files


_GO_STRING = r'(?:"((?:[^"\\\n]|\\.)*)"|`([^`]*)`)'
_GO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'"}


def _go_string(quoted: str | None, raw: str | None) -> str:
    if quoted is None or raw:
        return raw or ""
    return re.sub(r"\\(.)", lambda m: _GO_ESCAPES.get(m.group(1), "\\" + m.group(1)), quoted)


def trufflehog_inputs(gitdir: Path, dest: Path, base: str = "pkg/detectors/") -> tuple[str, list[str]]:
    """Write each detector test's valid patterns, in the form the test feeds them to its
    detector, to dest/<detector>/<variable>.txt; (commit, the files)."""
    commit = _git(gitdir, "rev-parse", "HEAD").decode().strip()
    names = [n for n in _git(gitdir, "ls-tree", "-r", "--name-only", "HEAD", base).decode().splitlines()
             if n.endswith("_test.go") and not n.endswith("_integration_test.go")]
    if dest.exists():
        shutil.rmtree(dest)
    valid = re.compile(r"\b(validPattern\w*)\s*=\s*" + _GO_STRING)
    keyword = re.compile(r"\bkeyword\s*=\s*" + _GO_STRING)
    files = []
    for n in sorted(names):
        text = _git(gitdir, "show", f"HEAD:{n}").decode("utf-8", "replace")
        kw = keyword.search(text)
        for var, quoted, raw in valid.findall(text):
            value = _go_string(quoted, raw)
            if re.search(rf"\binput:\s*{var}\s*,", text):
                sample = value
            elif kw and re.search(rf'fmt\.Sprintf\("%s token = \'%s\'", keyword, {var}\)', text):
                sample = f"{_go_string(kw.group(1), kw.group(2))} token = '{value}'"
            else:
                continue
            if not value.strip():
                continue
            f = dest / n.split("/")[-2] / f"{var}.txt"
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(sample if sample.endswith("\n") else sample + "\n")
            files.append(str(f.relative_to(dest)))
    return commit, files


_GO_TOKEN = re.compile(r"//[^\n]*|/\*.*?\*/|`[^`]*`|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|\.\.\.|:=|"
                       r"[A-Za-z_][\w.]*|[0-9]+|\S", re.S)


def _go_tokens(text: str) -> list[str]:
    return [t for t in _GO_TOKEN.findall(text) if not t.startswith(("//", "/*"))]


def _go_group(toks: list[str], i: int) -> tuple[list[list[str]], int]:
    """The comma-separated elements inside the bracket at toks[i], and the index after its close."""
    close = {"(": ")", "{": "}", "[": "]"}
    elems, cur, depth, k = [], [], 0, i + 1
    while k < len(toks):
        t = toks[k]
        if t in close:
            depth += 1
        elif t in close.values():
            if depth == 0:
                if cur:
                    elems.append(cur)
                return elems, k + 1
            depth -= 1
        if t == "," and depth == 0:
            elems.append(cur)
            cur = []
        else:
            cur.append(t)
        k += 1
    return elems, k


def _go_literal(elem: list[str]) -> str | None:
    """The text of an element made of string literals joined by `+` only, else None."""
    if not elem or len(elem) % 2 == 0 or any(t != "+" for t in elem[1::2]):
        return None
    parts = []
    for t in elem[::2]:
        if t.startswith("`"):
            parts.append(t[1:-1])
        elif t.startswith('"'):
            parts.append(_go_string(t[1:-1], None))
        else:
            return None
    return "".join(parts)


def gitleaks_samples(text: str) -> dict[str, list[tuple[str, str]]]:
    """{'tps': [(file name, sample)], 'fps': [...]} of one gitleaks rule file's Go source."""
    toks = _go_tokens(text)
    out: dict[str, list[tuple[str, str]]] = {"tps": [], "fps": []}

    def elements(k: int) -> list[list[str]]:  # the samples an expression at toks[k] lists
        if toks[k] == "[" and toks[k + 1] == "]" and toks[k + 3] == "{":  # []string{...}
            return _go_group(toks, k + 3)[0]
        if toks[k] == "map" and "{" in toks[k:k + 8]:  # map[string]string{path: sample}
            return _go_group(toks, toks.index("{", k))[0]
        if toks[k] == "append" and toks[k + 1] == "(":
            return _go_group(toks, k + 1)[0][1:]
        if toks[k] == "utils.GenerateSampleSecrets" and toks[k + 1] == "(":
            return [toks[k:_go_group(toks, k + 1)[1]]]  # the call itself, read below
        return []

    for k in range(len(toks) - 2):
        if toks[k] not in ("tps", "fps") or toks[k + 1] not in (":=", "="):
            continue
        for n, elem in enumerate(elements(k + 2)):
            name = f"{toks[k]}-{k}-{n}.txt"
            if elem[:2] == ["utils.GenerateSampleSecrets", "("]:
                args = _go_group(elem, 1)[0]
                ident, secret = (_go_literal(a) for a in (args + [[], []])[:2])
                if ident is not None and secret is not None:
                    out[toks[k]].append((name, f'{ident}Token = "{secret}"'))
            elif len(elem) >= 3 and elem[1] == ":" and _go_literal(elem[:1]) is not None:  # a map's path: sample
                path, sample = _go_literal(elem[:1]), _go_literal(elem[2:])
                if sample is not None and path and ".." not in path and not path.startswith("/"):
                    out[toks[k]].append((f"{toks[k]}-{k}-{n}/{path}", sample))
            else:
                sample = _go_literal(elem)
                if sample is not None and sample.strip():
                    out[toks[k]].append((name, sample))
    return out


def gitleaks_inputs(gitdir: Path, dest: Path, base: str = "cmd/generate/config/rules/") -> tuple[str, list[str], list[str]]:
    """Write each rule file's true and false positives to dest/<file>/<tps|fps>-...; (commit,
    the true positives' files, the false positives')."""
    commit = _git(gitdir, "rev-parse", "HEAD").decode().strip()
    names = [n for n in _git(gitdir, "ls-tree", "--name-only", f"HEAD:{base}").decode().split() if n.endswith(".go")]
    if dest.exists():
        shutil.rmtree(dest)
    found: dict[str, list[str]] = {"tps": [], "fps": []}
    for n in sorted(names):
        for kind, samples in gitleaks_samples(_git(gitdir, "show", f"HEAD:{base}{n}").decode("utf-8", "replace")).items():
            for name, sample in samples:
                f = dest / n[:-3] / name
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_text(sample if sample.endswith("\n") else sample + "\n")
                found[kind].append(str(f.relative_to(dest)))
    return commit, found["tps"], found["fps"]


def score_files_negatives(units: dict, files: list[str], negatives: list[str]) -> dict:
    """score_files, and each negative file a tool flags counted as a false alarm."""
    res = score_files(units, files)
    flagged = {p for p, _ in units}
    fps = sorted(f for f in negatives if f in flagged)
    res["fp"], res["fp_list"] = len(fps), fps
    res["precision"] = res["found"] / (res["found"] + len(fps)) if res["found"] + len(fps) else float("nan")
    p, r = res["precision"], res["recall"]
    res["f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return res


def _kingfisher_reported(rule: dict) -> bool:
    """A kingfisher rule whose matches it reports as secrets: not a rule only other rules'
    validation uses (`visible: false`), not an identifier (an account ID, a user or host name)."""
    return rule.get("visible", True) is not False and \
        not {"identifier", "domain"} & set(rule.get("categories") or [])


def score_files(units: dict, files: list[str]) -> dict:
    flagged = {p for p, _ in units}
    found = [f for f in files if f in flagged]
    recall = len(found) / len(files) if files else 0.0
    return {"recall": recall, "precision": float("nan"), "f1": float("nan"), "found": len(found),
            "plants": len(files), "fp": 0, "fp_list": [], "missed": sorted(set(files) - set(found))}


def run_set(name: str, mirror: Path, tools: set[str] | None) -> dict:
    gitdir = mirror / SETS[name] / "repo"
    if not gitdir.exists():
        return {"set": name, "error": f"{gitdir} missing: fetch github:{SETS[name].replace('+', '/')} first"}
    root = OUT / name / "tree"
    if name == "gitleaks":
        commit, files, negatives = gitleaks_inputs(gitdir, root)
        scan_root = root
        scorer = lambda u: score_files_negatives(u, files, negatives)  # noqa: E731
        info = f"{len(files)} true and {len(negatives)} false positives of {len({f.split('/')[0] for f in files + negatives})} rule files"
    elif name in ("noseyparker", "kingfisher", "trufflehog"):
        if name == "noseyparker":
            commit, files = noseyparker_examples(gitdir, root)
        elif name == "trufflehog":
            commit, files = trufflehog_inputs(gitdir, root)
        else:
            commit, files = noseyparker_examples(gitdir, root, "data/rules/", _kingfisher_reported)
        scan_root = root
        scorer = lambda u: score_files(u, files)  # noqa: E731
        info = f"{len(files)} examples of {len({f.split('/')[0] for f in files})} secret rules (recall only)" \
            if name != "trufflehog" else \
            f"{len(files)} valid patterns of {len({f.split('/')[0] for f in files})} detectors' tests (recall only)"
    elif name == "credsweeper":
        commit = export(gitdir, "tests/samples", root)
        scan_root = root / "tests" / "samples"
        # the labels' paths are relative to the CredSweeper checkout: tests/samples/X
        pos, neg = labels_credsweeper(gitdir)
        prefix = "tests/samples/"
        scorer = lambda u: score_lines({(prefix + p, ln): h for (p, ln), h in u.items()}, pos, neg)  # noqa: E731
        info = f"{len(pos)} positive credentials, {len(neg)} negative lines"
    else:
        commit = export(gitdir, "", root)
        scan_root = root
        lab = labels_leaky(gitdir)
        scorer = lambda u: score_leaky(u, lab)  # noqa: E731
        info = f"{sum(r for r, _ in lab.values())} risk lines in {sum(1 for r, _ in lab.values() if r)} files"
    rows = [row if units is None else {**row, **scorer(units)}
            for row, units in A.run_tools(scan_root, "worktree", f"recall-{name}", f"recall {name}", set(tools or ()))]
    return {"set": name, "repo": SETS[name].replace("+", "/"), "commit": commit, "info": info, "rows": rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", choices=sorted(SETS), help="default: every set")
    ap.add_argument("--tool", action="append", help="only these tools (credfence, betterleaks, kingfisher, detect-secrets)")
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    (R.OUT).mkdir(parents=True, exist_ok=True)
    meta = {"date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
            "command": "python bench/recall.py " + shlex.join(sys.argv[1:]), "versions": R.versions()}
    results = [run_set(s, a.mirror, set(a.tool) if a.tool else None) for s in (a.set or sorted(SETS))]
    print(f"Measured {meta['date']} with `{meta['command']}`.\n")
    print("Tools: " + "; ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ". Live verification off.\n")
    for res in results:
        if "error" in res:
            print(f"{res['set']}: {res['error']}\n")
            continue
        A.print_table(f"{res['set']}: {res['repo']} at {res['commit'][:12]}, {res['info']}", res["rows"])
        if a.verbose:
            for r in res["rows"]:
                if r.get("ok"):
                    print(f"{res['set']} {r['tool']}: missed {len(r['missed'])}: {r['missed']}\n"
                          f"  false {r['fp']}: {r['fp_list']}\n")
    p = a.json or OUT / f"recall-{meta['date'].replace(':', '').replace(' ', 'T')}.json"
    p.write_text(json.dumps({"meta": meta, "results": results}, indent=1, default=str))
    print(f"(raw results: {p})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
