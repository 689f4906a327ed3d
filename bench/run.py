#!/usr/bin/env python3
"""Speed benchmarks of credfence against its peers (kingfisher, betterleaks, detect-secrets).

    python bench/run.py corpus OUT --files N --commits M [--file-lines L] [--seed S]
    python bench/run.py workspace  [--files 5000 --commits 100] [--runs 3]
    python bench/run.py history    [--repo /work/corp/big] [--real-repo PATH] [--runs 3]
    python bench/run.py precommit  [--runs 10]
    python bench/run.py real --repos PATH... [--runs 3] [--floor]   (real clones, full history)
    python bench/run.py all        [--wait-load 1.0]

Benchmarks, not tests: nothing here runs in the pytest suite. Standard library only; the
scanners are the ones installed in the repository's virtualenv (.venv/bin), live verification
off for every tool. Every timing records the exit code and checks the tool's report; a tool
that fails is reported as failed, never timed silently. Wall time is the median of the timed
runs after one warm-up run that is not counted; the minimum is reported too. Peak memory is
measured two ways: the largest single process (ru_maxrss from wait4, covers every descendant
that was waited for; when that is no more than the runner's own resident set, which a child
inherits at the fork, the largest VmHWM sampled in the tree instead) and the whole process tree (sum of resident sets of the tool and all its
children, sampled every 50 ms from /proc), because credfence uses worker processes and
git subprocesses while the Go/Rust peers use threads.

Results are printed as Markdown tables (ready for BENCHMARKS.md) and saved as JSON under
bench/out/results/.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import glob
import json
import os
import platform
import random
import shlex
import shutil
import signal
import statistics
import string
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
CORPORA = OUT / "corpus"
MAKE_CORPUS = ROOT.parent / "shared" / "corpus" / "make_corpus.py"
SHARED_BIG = Path("/work/corp/big")  # a 20000/8000/200 corpus another session built; reused read-only

WS_ARGS = dict(files=5000, commits=100, file_lines=120, seed=7)
HIST_ARGS = dict(files=20000, commits=8000, file_lines=200, seed=7)

SLOW = 60.0  # seconds: a warm-up slower than this gets one timed run instead of --runs
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


# ---------------------------------------------------------------------------------------------
# tools

def venv_bin() -> Path:
    cand = ROOT / ".venv" / "bin"
    return cand if cand.is_dir() else Path(sys.executable).parent


def tool(name: str) -> str | None:
    p = venv_bin() / name
    if p.exists():
        return str(p)
    return shutil.which(name)


def _first_line(cmd: list[str]) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        out = (r.stdout or r.stderr).strip().splitlines()
        return out[0].strip() if out else f"? (exit {r.returncode})"
    except Exception as e:  # noqa: BLE001 - report whatever went wrong
        return f"? ({e.__class__.__name__})"


def versions() -> dict[str, str]:
    v: dict[str, str] = {}
    for name, cmd in [("credfence", ["credfence", "--version"]), ("kingfisher", ["kingfisher", "--version"]),
                      ("betterleaks", ["betterleaks", "version"]), ("detect-secrets", ["detect-secrets", "--version"])]:
        exe = tool(cmd[0])
        v[name] = _first_line([exe, *cmd[1:]]) if exe else "not installed"
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--",
                            "scanner", "detectors"], capture_output=True, text=True).stdout.strip()
    v["credfence"] += f" (checkout {head}{', with uncommitted changes in scanner/ or detectors/' if dirty else ''})"
    v["git"] = _first_line(["git", "--version"])
    py = str(venv_bin() / "python")
    v["python (venv)"] = _first_line([py, "-c", "import sys; print(sys.version.split()[0])"])
    v["hyperscan (venv)"] = _first_line([py, "-c", "import importlib.metadata as m; print(m.version('hyperscan'))"])
    return v


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024 // 1024} GiB"
                break
    except OSError:
        pass
    return {"nproc": _first_line(["nproc"]), "arch": platform.machine(), "cpu": cpu, "memory": mem,
            "kernel": platform.release()}


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def load1() -> float:
    try:
        return float(open("/proc/loadavg").read().split()[0])
    except OSError:
        return 0.0


def wait_for_quiet(threshold: float | None, max_wait: float, poll: float = 60.0) -> str:
    """Poll the 1-minute load average until it is below threshold (or max_wait passes)."""
    if threshold is None:
        return f"not waited; load {loadavg()}"
    start = time.monotonic()
    while True:
        l1 = load1()
        if l1 < threshold:
            return f"load {loadavg()} (< {threshold} after {time.monotonic() - start:.0f} s of waiting)"
        if time.monotonic() - start >= max_wait:
            return f"load {loadavg()}: still >= {threshold} after {max_wait:.0f} s, measured anyway"
        print(f"[bench] waiting for quiet machine: load {loadavg()}", file=sys.stderr, flush=True)
        time.sleep(poll)


# ---------------------------------------------------------------------------------------------
# measurement

def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for f in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            kids += [int(x) for x in open(f).read().split()]
        except (OSError, ValueError):
            pass
    return kids


def _tree_rss_kb(pid: int) -> tuple[int, int]:
    """(the sum of the tree's resident sets, the largest peak resident set, VmHWM, of any
    process in it), in kB."""
    total, largest, stack, seen = 0, 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE_KB
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        largest = max(largest, int(line.split()[1]))
                        break
        except (OSError, ValueError, IndexError):
            continue
        stack += _children(p)
    return total, largest


def _own_rss_kb() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * PAGE_KB
    except (OSError, ValueError, IndexError):
        return 0


class _Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.largest = pid, interval, 0, 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            total, largest = _tree_rss_kb(self.pid)
            self.peak, self.largest = max(self.peak, total), max(self.largest, largest)
            self._halt.wait(self.interval)

    def stop(self) -> tuple[int, int]:
        self._halt.set()
        self.join()
        return self.peak, self.largest


_SUBREAPER = [False]


def become_subreaper() -> None:
    """Orphaned descendants (a git process whose parent worker was terminated) are
    re-parented to this process instead of init, so that their CPU time is counted."""
    try:
        import ctypes

        _SUBREAPER[0] = ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def run_once(cmd: list[str], cwd: Path | None = None, ok_codes=(0,), stdout_path: Path | None = None,
             timeout: float = 1800, env: dict | None = None, check=None, incomplete: str | None = None) -> dict:
    """Run cmd once; wall time, exit code, peak memory, CPU time, and the check of its output.
    `incomplete`: words a tool prints when it stopped before the end with an exit code that
    looks fine (betterleaks' "incomplete scan" at a missing object): such a run failed."""
    e = dict(os.environ)
    e.update({"NO_COLOR": "1", "TERM": "dumb", "CLICOLOR": "0"})
    e.update(env or {})
    errf = open(OUT / ".stderr.tmp", "w+b")
    outf = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    # a child's ru_maxrss starts at this process's resident set when it forks it (Linux keeps
    # the high-water mark through exec): once this runner held 142 MB of earlier reports,
    # every tool's "largest process" read 142 MB. Such a reading is replaced by the largest
    # VmHWM the sampler saw in the tree (each process's own peak, after its exec)
    inherited = _own_rss_kb()
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=outf, stderr=errf, stdin=subprocess.DEVNULL, env=e,
                         start_new_session=True)
    sampler = _Sampler(p.pid)
    sampler.start()
    timer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    timer.cancel()
    cpu = ru.ru_utime + ru.ru_stime
    maxrss = ru.ru_maxrss
    if _SUBREAPER[0]:  # descendants nobody waited for (a killed worker's git) came to us: theirs too
        while True:
            try:
                _, _, r2 = os.wait4(-1, 0)
            except ChildProcessError:
                break
            cpu += r2.ru_utime + r2.ru_stime
            maxrss = max(maxrss, r2.ru_maxrss)
    tree_peak, largest = sampler.stop()
    if maxrss <= inherited + 1024 and largest:
        maxrss = largest
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        outf.close()
    errf.seek(0)
    err = errf.read().decode(errors="replace")
    errf.close()
    rc = p.returncode
    res = {"cmd": cmd, "wall": wall, "rc": rc, "maxrss_kb": maxrss, "tree_rss_kb": max(tree_peak, maxrss),
           "cpu": cpu, "ok": rc in ok_codes, "why": ""}
    stopped = [ln for ln in err.splitlines() if incomplete and incomplete in ln]
    if rc not in ok_codes:
        res["why"] = f"exit {rc}" + (" (killed: timeout)" if rc == -9 else "") + ": " + " | ".join(
            err.strip().splitlines()[-3:])[:300]
    elif stopped:
        res["ok"] = False
        res["why"] = f"exit {rc}, but it stopped before the end: {stopped[0].strip()[:300]}"
    elif check is not None:
        try:
            res["findings"] = check()
        except Exception as ex:  # noqa: BLE001 - a report we cannot read is a failure
            res["ok"] = False
            res["why"] = f"exit {rc} but report unreadable: {ex.__class__.__name__}: {str(ex)[:200]}"
    return res


def bench(name: str, cmd: list[str], runs: int, warmup: int = 1, **kw) -> dict:
    """Warm-up run(s) not counted, then `runs` timed runs; the first failure ends it."""
    print(f"[bench] {name}: {shlex.join(cmd)}", file=sys.stderr, flush=True)
    samples: list[dict] = []
    total = warmup + runs
    i = 0
    while i < total:
        r = run_once(cmd, **kw)
        if not r["ok"]:
            print(f"[bench]   FAILED: {r['why']}", file=sys.stderr, flush=True)
            return {"name": name, "cmd": cmd, "ok": False, "why": r["why"], "rc": r["rc"], "samples": samples}
        if i >= warmup:
            samples.append(r)
        print(f"[bench]   {'warm-up' if i < warmup else 'run'} {r['wall']:.3f} s rc={r['rc']} "
              f"rss={r['maxrss_kb'] // 1024} MB tree={r['tree_rss_kb'] // 1024} MB", file=sys.stderr, flush=True)
        if i < warmup and r["wall"] > SLOW and runs > 1:
            # a tool that takes minutes has no cache to warm: one timed run, said in the table
            print(f"[bench]   slow (> {SLOW:.0f} s): one timed run only", file=sys.stderr, flush=True)
            total = warmup + 1
        i += 1
    return _summary(name, cmd, samples)


def bench_round_robin(entries: list[tuple[str, list[str], dict]], runs: int) -> list[dict]:
    """Like bench() for several tools on the same data, but the timed runs take turns (each
    round runs every tool once, starting one further along each time), so that the
    machine's slower and faster minutes (other tenants, the host) fall on every tool alike
    instead of on whichever ran during them. One uncounted warm-up each first."""
    samples: dict[str, list[dict]] = {name: [] for name, _, _ in entries}
    failed: dict[str, dict] = {}
    for name, cmd, _ in entries:
        print(f"[bench] {name}: {shlex.join(cmd)}", file=sys.stderr, flush=True)
    for rnd in range(runs + 1):
        order = entries[rnd % len(entries):] + entries[:rnd % len(entries)]
        for name, cmd, kw in order:
            if name in failed:
                continue
            r = run_once(cmd, **kw)
            if not r["ok"]:
                print(f"[bench]   {name} FAILED: {r['why']}", file=sys.stderr, flush=True)
                failed[name] = {"name": name, "cmd": cmd, "ok": False, "why": r["why"], "rc": r["rc"],
                                "samples": samples[name]}
                continue
            if rnd:
                samples[name].append(r)
            print(f"[bench]   {name}: {'run' if rnd else 'warm-up'} {r['wall']:.3f} s rc={r['rc']} "
                  f"rss={r['maxrss_kb'] // 1024} MB tree={r['tree_rss_kb'] // 1024} MB", file=sys.stderr, flush=True)
    return [failed.get(name) or _summary(name, cmd, samples[name]) for name, cmd, _ in entries]


def _summary(name: str, cmd: list[str], samples: list[dict]) -> dict:
    walls = [s["wall"] for s in samples]
    return {"name": name, "cmd": cmd, "ok": True, "median": statistics.median(walls), "min": min(walls),
            "max": max(walls), "runs": len(walls), "rcs": sorted({s["rc"] for s in samples}),
            "maxrss_kb": max(s["maxrss_kb"] for s in samples), "tree_rss_kb": max(s["tree_rss_kb"] for s in samples),
            "cpu": statistics.median(s["cpu"] for s in samples),
            "findings": samples[-1].get("findings"), "samples": [{k: s[k] for k in ("wall", "rc", "maxrss_kb",
                                                                                     "tree_rss_kb", "cpu")}
                                                                 for s in samples]}


# ---------------------------------------------------------------------------------------------
# report readers (a count of findings, to check that each tool really produced its report)

def count_credfence(path: Path) -> int:
    return len(json.loads(path.read_text())["findings"])


def count_betterleaks(path: Path) -> int:
    d = json.loads(path.read_text())
    return len(d["findings"] if isinstance(d, dict) else d)


def count_kingfisher(path: Path) -> int:
    d = json.loads(path.read_text())
    return len(d["findings"] if isinstance(d, dict) else d)


def count_detect_secrets(path: Path) -> int:
    return sum(len(v) for v in json.loads(path.read_text())["results"].values())


# ---------------------------------------------------------------------------------------------
# corpora

def corpus_key(files: int, commits: int, file_lines: int, seed: int) -> str:
    return f"f{files}-c{commits}-l{file_lines}-s{seed}"


def build_corpus(out: Path, files: int, commits: int, file_lines: int = 120, seed: int = 7) -> Path:
    """make_corpus.py into OUT, reused when OUT was built with the same arguments."""
    out = Path(out)
    if not out.is_absolute():
        out = CORPORA / out
    stamp = out.with_name(out.name + ".args.json")
    args = {"files": files, "commits": commits, "file_lines": file_lines, "seed": seed,
            "make_corpus": str(MAKE_CORPUS)}
    if out.is_dir() and stamp.exists() and json.loads(stamp.read_text()) == args:
        print(f"[bench] corpus {out} (cached)", file=sys.stderr, flush=True)
        return out
    if not MAKE_CORPUS.exists():
        sys.exit(f"bench: {MAKE_CORPUS} not found")
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    print(f"[bench] building corpus {out} ({args})", file=sys.stderr, flush=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(out), "--seed", str(seed), "--files", str(files),
                    "--commits", str(commits), "--file-lines", str(file_lines)], check=True)
    print(f"[bench] built in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    stamp.write_text(json.dumps(args))
    return out


def corpus(files: int, commits: int, file_lines: int = 120, seed: int = 7) -> Path:
    return build_corpus(CORPORA / corpus_key(files, commits, file_lines, seed), files, commits, file_lines, seed)


def history_corpus(a) -> Path:
    if a.repo:
        return Path(a.repo).resolve()
    if (a.files, a.commits, a.file_lines, a.seed) != tuple(HIST_ARGS.values()):
        return corpus(a.files, a.commits, a.file_lines, a.seed)
    man = SHARED_BIG.with_name(SHARED_BIG.name + ".manifest.json")
    try:
        m = json.loads(man.read_text())
        if (SHARED_BIG / ".git").is_dir() and m.get("seed") == 7 and m.get("files") == 20000 \
                and m.get("commits") in (8000, 8002):
            print(f"[bench] reusing {SHARED_BIG} (built by make_corpus.py --files 20000 --commits 8000 "
                  f"--file-lines 200)", file=sys.stderr, flush=True)
            return SHARED_BIG
    except (OSError, ValueError):
        pass
    return corpus(**HIST_ARGS)


def repo_facts(repo: Path) -> dict:
    def git(*a: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *a], capture_output=True, text=True).stdout.strip()
    facts = {"commits": git("rev-list", "--all", "--count"), "refs": str(len(git("for-each-ref").splitlines()))}
    for line in git("count-objects", "-v").splitlines():
        k, _, v = line.partition(": ")
        if k in ("in-pack", "count"):
            facts["objects"] = str(int(facts.get("objects", "0")) + int(v))
        if k == "size-pack":
            facts["pack_mb"] = f"{int(v) / 1024:.1f}"
    facts["worktree_files"] = str(len(git("ls-files").splitlines()))
    return facts


def real_repo() -> tuple[Path, str]:
    """A real repository with history that is on this machine: a clone of this checkout."""
    dst = CORPORA / "credfence-clone"
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    stamp = dst.with_name(dst.name + ".head")
    if not (dst.is_dir() and stamp.exists() and stamp.read_text() == head):
        if dst.exists():
            shutil.rmtree(dst)
        subprocess.run(["git", "clone", "-q", "--no-local", str(ROOT), str(dst)], check=True)
        stamp.write_text(head)
    return dst, f"`git clone --no-local` of the credfence checkout at {head[:12]}"


# ---------------------------------------------------------------------------------------------
# formatting

def fmt_s(x: float) -> str:
    return f"{x:.2f}" if x >= 0.995 else f"{x:.3f}"


def fmt_mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def table(rows: list[dict], ref: str | None = "credfence", extra_ratio: tuple[str, dict] | None = None) -> str:
    """Markdown table of bench() results; ratio = tool / reference (credfence)."""
    refr = next((r for r in rows if r["name"] == ref and r["ok"]), None)
    head = ["tool", "median s", "min s", "runs", "ratio to credfence", "peak RSS MB (largest process)",
            "peak RSS MB (process tree)", "CPU s", "exit", "findings"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if not r["ok"]:
            lines.append(f"| {r['name']} | FAILED | | | | | | | {r.get('rc')} | {r['why'][:120].replace('|', '/')} |")
            continue
        ratio = f"{r['median'] / refr['median']:.2f}" if refr else "n/a"
        lines.append(f"| {r['name']} | {fmt_s(r['median'])} | {fmt_s(r['min'])} | {r['runs']} | {ratio} | {fmt_mb(r['maxrss_kb'])} | "
                     f"{fmt_mb(r['tree_rss_kb'])} | {r['cpu']:.2f} | {','.join(map(str, r['rcs']))} | "
                     f"{r['findings'] if r['findings'] is not None else ''} |")
    return "\n".join(lines)


def show_cmd(cmd: list[str], repo: str | None = None) -> str:
    """The command as a user types it: tools by name (from .venv/bin), the repository as REPO."""
    vb = str(venv_bin()) + "/"
    out = []
    for c in cmd:
        c = str(c)
        if c.startswith(vb):
            c = c[len(vb):]
        if repo and c.startswith(repo):
            c = "REPO" + c[len(repo):]
        if c.startswith(str(OUT) + "/"):
            c = "bench/out/" + c[len(str(OUT)) + 1:]
        out.append(c)
    return shlex.join(out).replace("'", "")


def commands_block(rows: list[dict], repo: str | None = None) -> str:
    return "\n".join(f"    {show_cmd(r['cmd'], repo)}" for r in rows)


# ---------------------------------------------------------------------------------------------
# benchmarks

def bench_workspace(a) -> dict:
    repo = corpus(a.files, a.commits, a.file_lines, a.seed)
    rep = OUT / "reports"
    rep.mkdir(parents=True, exist_ok=True)
    specs = [
        ("credfence", [tool("credfence"), "scan", str(repo), "--no-history", "--format", "json",
                       "-o", str(rep / "ws-credfence.json"), "-q"], (0, 1), None,
         lambda: count_credfence(rep / "ws-credfence.json")),
        ("betterleaks fs", [tool("betterleaks"), "fs", str(repo), "--no-color", "--no-banner",
                            "-o", str(rep / "ws-betterleaks.json")], (0, 1), None,
         lambda: count_betterleaks(rep / "ws-betterleaks.json")),
        ("kingfisher", [tool("kingfisher"), "scan", str(repo), "--git-history", "none", "-n", "--no-update-check",
                        "-q", "-f", "json", "-o", str(rep / "ws-kingfisher.json")], (0, 200), None,
         lambda: count_kingfisher(rep / "ws-kingfisher.json")),
        ("detect-secrets", [tool("detect-secrets"), "scan", "-n", "--all-files", str(repo)], (0,),
         rep / "ws-detect-secrets.json", lambda: count_detect_secrets(rep / "ws-detect-secrets.json")),
    ]
    before = loadavg()
    rows = []
    for name, cmd, ok, stdout, check in specs:
        if cmd[0] is None:
            rows.append({"name": name, "cmd": cmd[1:], "ok": False, "why": "not installed", "rc": None})
            continue
        rows.append(bench(name, cmd, a.runs, ok_codes=ok, stdout_path=stdout, check=check, cwd=OUT))
    facts = repo_facts(repo)
    return {"title": "workspace", "repo": str(repo), "facts": facts, "rows": rows, "load_before": before,
            "load_after": loadavg(), "corpus_args": {"files": a.files, "commits": a.commits,
                                                    "file_lines": a.file_lines, "seed": a.seed}}


def _history_rows(repo: Path, tag: str, runs: int, timeout: float, floor: bool = True) -> list[dict]:
    rep = OUT / "reports"
    rep.mkdir(parents=True, exist_ok=True)
    specs = [
        # exit 3: the scan ran to the end and its report says what it could not read (a
        # clone missing reachable objects); its time is a full scan's
        ("credfence", [tool("credfence"), "scan", str(repo), "--format", "json", "-o",
                       str(rep / f"{tag}-credfence.json"), "-q"], (0, 1, 3), None,
         lambda: count_credfence(rep / f"{tag}-credfence.json")),
        ("betterleaks git", [tool("betterleaks"), "git", str(repo), "--no-color", "--no-banner",
                             "-o", str(rep / f"{tag}-betterleaks.json")], (0, 1), None,
         lambda: count_betterleaks(rep / f"{tag}-betterleaks.json")),
        ("kingfisher", [tool("kingfisher"), "scan", str(repo), "-n", "--no-update-check", "-q", "-f", "json",
                        "-o", str(rep / f"{tag}-kingfisher.json")], (0, 200), None,
         lambda: count_kingfisher(rep / f"{tag}-kingfisher.json")),
        ("floor: git cat-file --batch-all-objects --batch --unordered",
         ["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch", "--unordered"], (0,),
         Path(os.devnull), None),
    ]
    if not floor:
        specs = [sp for sp in specs if not sp[0].startswith("floor")]
    missing = {name: {"name": name, "cmd": cmd[1:], "ok": False, "why": "not installed", "rc": None}
               for name, cmd, *_ in specs if cmd[0] is None}
    # betterleaks stops at an object it cannot read (a snapshot missing its largest files), says
    # "incomplete scan" and exits 1 as if it had found leaks: its time is no full scan's
    stops = {"betterleaks git": "incomplete scan"}
    done = bench_round_robin([(name, cmd, dict(ok_codes=ok, stdout_path=stdout, check=check, cwd=OUT, timeout=timeout,
                                               incomplete=stops.get(name)))
                              for name, cmd, ok, stdout, check in specs if name not in missing], runs)
    by_name = {r["name"]: r for r in done}
    return [missing.get(name) or by_name[name] for name, *_ in specs]


def bench_history(a) -> dict:
    repo = history_corpus(a)
    before = loadavg()
    rows = _history_rows(repo, "hist", a.runs, a.timeout)
    res = {"title": "history", "repo": str(repo), "facts": repo_facts(repo), "rows": rows, "load_before": before,
           "load_after": loadavg()}
    if not a.no_real:
        real, how = (Path(a.real_repo).resolve(), f"{a.real_repo} (given)") if a.real_repo else real_repo()
        before = loadavg()
        res["real"] = {"repo": str(real), "how": how, "facts": repo_facts(real),
                       "rows": _history_rows(real, "real", a.runs, a.timeout), "load_before": before,
                       "load_after": loadavg()}
    return res


def real_facts(repo: Path) -> dict:
    """A real repository's shape: HEAD commit, commits, merges, refs, unique reachable blobs
    (`git rev-list --all --objects | git cat-file --batch-check`) and their bytes, pack size."""
    def git(*a: str, inp: bytes | None = None) -> bytes:
        return subprocess.run(["git", "-C", str(repo), *a], input=inp, capture_output=True).stdout

    walk = subprocess.run(["git", "-C", str(repo), "rev-list", "--all", "--objects"], capture_output=True)
    objs = walk.stdout
    if walk.returncode != 0:  # a reachable object is missing: the counts below would be partial
        facts = repo_facts(repo)
        facts.update({"head": git("rev-parse", "HEAD").decode().strip(), "blobs": "n/a (objects missing)",
                      "merges": git("rev-list", "--all", "--merges", "--count").decode().strip(), "blob_mb": "n/a"})
        return facts
    check = git("cat-file", "--batch-check=%(objecttype) %(objectsize)", inp=b"\n".join(
        line[:line.find(b" ")] if b" " in line else line for line in objs.splitlines()) + b"\n")
    blobs = [int(x.split()[1]) for x in check.splitlines() if x.startswith(b"blob ")]
    facts = repo_facts(repo)
    facts.update({"head": git("rev-parse", "HEAD").decode().strip(),
                  "merges": git("rev-list", "--all", "--merges", "--count").decode().strip(),
                  "blobs": str(len(blobs)), "blob_mb": f"{sum(blobs) / 1e6:.0f}"})
    return facts


def bench_real(a) -> dict:
    """Full-history scans of real clones: credfence, betterleaks git and kingfisher taking
    turns on each repository (and, with --floor, git reading every object)."""
    out = []
    for i, path in enumerate(a.repos):
        repo = Path(path).expanduser().resolve()
        before = loadavg()
        rows = _history_rows(repo, f"real{i}", a.runs, a.timeout, a.floor)
        out.append({"repo": str(repo), "name": repo.name, "facts": real_facts(repo), "rows": rows,
                    "load_before": before, "load_after": loadavg()})
    return {"title": "real", "repos": out}


def print_real(r: dict) -> None:
    print("### Full-history scans of real repositories\n")
    head = ["repository", "HEAD", "commits", "merges", "refs", "unique blobs", "blob MB", "credfence s",
            "betterleaks git s", "kingfisher s", "ratio to the faster peer", "credfence CPU s",
            "peer CPU s (bl / kf)", "credfence peak RSS MB (largest process)", "credfence tree MB"]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for x in r["repos"]:
        f = x["facts"]
        ok = {row["name"]: row for row in x["rows"] if row["ok"]}
        cf, bl, kf = ok.get("credfence"), ok.get("betterleaks git"), ok.get("kingfisher")
        peers = [p for p in (bl, kf) if p]
        fast = min(peers, key=lambda p: p["median"]) if peers else None
        cell = lambda row: fmt_s(row["median"]) if row else "failed"  # noqa: E731
        ratio = f"{cf['median'] / fast['median']:.2f} ({fast['name']})" if cf and fast else "n/a"
        cpu = f"{cf['cpu']:.1f}" if cf else ""
        peer_cpu = " / ".join(f"{p['cpu']:.1f}" if p else "-" for p in (bl, kf))
        rss = f"{fmt_mb(cf['maxrss_kb'])} | {fmt_mb(cf['tree_rss_kb'])}" if cf else " | "
        print(f"| {x['name']} | {f['head'][:10]} | {f['commits']} | {f['merges']} | {f['refs']} | {f['blobs']} | "
              f"{f['blob_mb']} | {cell(cf)} | {cell(bl)} | {cell(kf)} | {ratio} | {cpu} | {peer_cpu} | {rss} |")
    print("\nMedians of the timed runs, the tools taking turns (one uncounted warm-up each). Load average "
          "before/after each repository: " + "; ".join(f"{x['name']} {x['load_before']} / {x['load_after']}"
                                                       for x in r["repos"]) + ".\n")
    for x in r["repos"]:
        print(f"#### {x['name']}\n")
        _print_hist_table(x["rows"], target=0.5)
        print()
    print("Commands:\n")
    print(commands_block(r["repos"][0]["rows"], r["repos"][0]["repo"]) if r["repos"] else "")
    print()


def fake_github_pat(rng: random.Random) -> str:
    """A ghp_ token with a valid CRC32 suffix, generated at run time (never committed)."""
    b62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
    body = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(30))
    crc, digits = zlib.crc32(body.encode()) & 0xFFFFFFFF, ""
    while crc:
        crc, d = divmod(crc, 62)
        digits = b62[d] + digits
    return f"ghp_{body}{digits.rjust(6, '0')}"


def hook_command() -> tuple[list[str], bool, str]:
    """credfence's pre-commit hook command, from .pre-commit-hooks.yaml when it exists."""
    hooks = ROOT / ".pre-commit-hooks.yaml"
    default = ["credfence", "scan", "--staged", "--quiet"]
    if not hooks.exists():
        return default, False, "`credfence scan --staged --quiet` (.pre-commit-hooks.yaml absent)"
    code = ("import json, sys, yaml; hs = yaml.safe_load(open(sys.argv[1]));"
            "h = next(h for h in hs if h['id'] == 'credfence');"
            "print(json.dumps([h['entry'], h.get('args', []), h.get('pass_filenames', True)]))")
    r = subprocess.run([str(venv_bin() / "python"), "-c", code, str(hooks)], capture_output=True, text=True)
    if r.returncode:
        return default, False, f"`credfence scan --staged --quiet` (could not read .pre-commit-hooks.yaml: " \
                               f"{r.stderr.strip().splitlines()[-1:]})"
    entry, args, pass_files = json.loads(r.stdout)
    cmd = shlex.split(entry) + list(args)
    return cmd, bool(pass_files), f"hook `credfence` of .pre-commit-hooks.yaml: entry `{entry}` args {args}" + \
        (", staged file names appended (pass_filenames)" if pass_files else "")


def bench_precommit(a) -> dict:
    src = corpus(a.files, a.commits, a.file_lines, a.seed)
    work = OUT / "precommit-repo"
    if work.exists():
        shutil.rmtree(work)
    subprocess.run(["cp", "-a", str(src), str(work)], check=True)
    target = "src/settings_local.py"
    hook, pass_files, hook_how = hook_command()
    exe = tool(hook[0]) or hook[0]
    hook = [exe, *hook[1:]]
    rng = random.Random(a.seed)
    variants = {
        "clean": "LOG_LEVEL = \"info\"\nRETRIES = 3\n",
        "secret": f"GITHUB_TOKEN = \"{fake_github_pat(rng)}\"\n",
    }
    out = {"title": "precommit", "repo": str(work), "source": str(src), "hook": hook_how, "variants": {},
           "load_before": loadavg()}
    for vname, text in variants.items():
        subprocess.run(["git", "-C", str(work), "reset", "-q", "--hard"], check=True)
        (work / target).write_text("# local settings\n" + text)
        subprocess.run(["git", "-C", str(work), "add", target], check=True)
        staged = subprocess.run(["git", "-C", str(work), "diff", "--cached", "--name-only"], capture_output=True,
                                text=True).stdout.split()
        want = (0,) if vname == "clean" else (1,)
        specs = [
            ("credfence (hook)", hook + (staged if pass_files else []), want),
            ("betterleaks git --staged", [tool("betterleaks"), "git", "--staged", "--no-color", "--no-banner", "."],
             want),
            ("kingfisher --staged", [tool("kingfisher"), "scan", ".", "--staged", "-n", "--no-update-check", "-q"],
             (0,) if vname == "clean" else (200,)),
            ("detect-secrets-hook", [tool("detect-secrets-hook"), *staged], want),
        ]
        rows = []
        for name, cmd, ok in specs:
            if cmd[0] is None:
                rows.append({"name": name, "cmd": cmd[1:], "ok": False, "why": "not installed", "rc": None})
                continue
            # the expected exit code is the check: clean change passes, a staged token blocks
            rows.append(bench(f"{name}", cmd, a.runs, ok_codes=ok, cwd=work, timeout=120))
        out["variants"][vname] = {"rows": rows, "staged": staged, "change": f"{target}: new file, "
                                  + ("2 lines of settings, no secret" if vname == "clean"
                                     else "1 line with a fake GitHub token generated at run time (valid CRC32)")}
    subprocess.run(["git", "-C", str(work), "reset", "-q", "--hard"], check=True)
    out["load_after"] = loadavg()
    return out


# ---------------------------------------------------------------------------------------------
# printing

def print_header(meta: dict) -> None:
    m, v = meta["machine"], meta["versions"]
    print(f"Measured {meta['date']} with `{meta['command']}` (from the repository root).\n")
    print(f"Machine: {m['nproc']} cores ({m['arch']}, {m['cpu']}), {m['memory']} RAM, Linux {m['kernel']}.")
    print("Tools: " + "; ".join(f"{k} {val}" for k, val in v.items()) + ".")
    print("Live verification off for every tool (kingfisher `-n`, detect-secrets `-n`, betterleaks without "
          "`--validate`; credfence never calls out).\n")


def print_workspace(r: dict) -> None:
    f, c = r["facts"], r["corpus_args"]
    print(f"### Workspace scan (no history)\n\nCorpus: `make_corpus.py --files {c['files']} --commits {c['commits']}` "
          f"({f['worktree_files']} tracked files, {f['commits']} commits). Load average before/after: "
          f"{r['load_before']} / {r['load_after']}.\n")
    print(table(r["rows"]))
    print("\nCommands (REPO = the corpus; reports go to bench/out/reports/):\n")
    print(commands_block(r["rows"], r["repo"]))
    print()


def _print_hist_table(rows: list[dict], target: float = 0.6) -> None:
    print(table(rows))
    ok = {r["name"]: r for r in rows if r["ok"]}
    cf = ok.get("credfence")
    peers = [r for n, r in ok.items() if n.startswith(("betterleaks", "kingfisher"))]
    floor = next((r for n, r in ok.items() if n.startswith("floor")), None)
    if cf and peers:
        fast = min(peers, key=lambda r: r["median"])
        print(f"\ncredfence / faster peer ({fast['name']}): **{cf['median'] / fast['median']:.2f}** (target <= {target})")
    if cf and floor:
        print(f"credfence / floor (git cat-file): **{cf['median'] / floor['median']:.2f}**")


def print_history(r: dict) -> None:
    f = r["facts"]
    print(f"### Full-history scan\n\nRepository: {r['repo']} (`make_corpus.py --files 20000 --commits 8000 "
          f"--file-lines 200`: {f['commits']} commits, {f.get('objects')} objects, {f.get('pack_mb')} MB packed). "
          f"Load average before/after: {r['load_before']} / {r['load_after']}.\n")
    _print_hist_table(r["rows"])
    print("\nCommands:\n")
    print(commands_block(r["rows"], r["repo"]))
    if "real" in r:
        x = r["real"]
        f = x["facts"]
        print(f"\n#### Real repository\n\n{x['how']}: {f['commits']} commits, {f.get('objects')} objects, "
              f"{f.get('pack_mb')} MB packed. Load average before/after: {x['load_before']} / {x['load_after']}.\n")
        _print_hist_table(x["rows"])
    print()


def print_precommit(r: dict) -> None:
    print(f"### Pre-commit: staged one-file change in the workspace corpus\n\ncredfence command: {r['hook']}. "
          f"Repository: a copy of {r['source']}. Load average before/after: {r['load_before']} / {r['load_after']}.\n")
    for vname, v in r["variants"].items():
        print(f"Change `{vname}`: {v['change']}. Expected exit: "
              f"{'0 (pass)' if vname == 'clean' else 'blocked (1; kingfisher 200)'}.\n")
        print(table(v["rows"], ref="credfence (hook)"))
        ok = [x for x in v["rows"] if x["ok"]]
        cf = next((x for x in ok if x["name"].startswith("credfence")), None)
        peers = [x for x in ok if not x["name"].startswith("credfence")]
        if cf and peers:
            fast = min(peers, key=lambda x: x["median"])
            print(f"\ncredfence median {fmt_s(cf['median'])} s (target < 0.3 s); fastest peer {fast['name']} "
                  f"{fmt_s(fast['median'])} s.\n")
    print("Commands (run in the repository copy):\n")
    print(commands_block(next(iter(r["variants"].values()))["rows"], r["repo"]))
    print()


def save(meta: dict, results: list[dict]) -> Path:
    d = OUT / "results"
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{meta['date'].replace(':', '').replace(' ', 'T')}-{'-'.join(r['title'] for r in results)}.json"
    p.write_text(json.dumps({"meta": meta, "results": results}, indent=1, default=str))
    return p


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    sub = ap.add_subparsers(dest="what", required=True)

    def common(p, runs: int, defaults: dict = WS_ARGS):
        p.add_argument("--runs", type=int, default=runs, help=f"timed runs after one warm-up (default {runs})")
        p.add_argument("--files", type=int, default=defaults["files"])
        p.add_argument("--commits", type=int, default=defaults["commits"])
        p.add_argument("--file-lines", type=int, default=defaults["file_lines"])
        p.add_argument("--seed", type=int, default=defaults["seed"])
        p.add_argument("--wait-load", type=float, default=None, metavar="L",
                       help="before measuring, wait until the 1-minute load average is below L (poll every 60 s)")
        p.add_argument("--wait-max", type=float, default=1800, help="give up waiting after this many seconds")
        p.add_argument("--timeout", type=float, default=1800, help="per-run timeout in seconds")

    p = sub.add_parser("corpus", help="build (or reuse) a corpus with make_corpus.py")
    p.add_argument("out", help="output directory (relative paths go under bench/out/corpus/)")
    p.add_argument("--files", type=int, required=True)
    p.add_argument("--commits", type=int, required=True)
    p.add_argument("--file-lines", type=int, default=120)
    p.add_argument("--seed", type=int, default=7)
    common(sub.add_parser("workspace", help="workspace scan (no history) of --files 5000 --commits 100"), 3)
    p = sub.add_parser("history", help="full-history scan of --files 20000 --commits 8000 --file-lines 200")
    common(p, 3, HIST_ARGS)
    for q in (p,):
        q.add_argument("--repo", help=f"history repository (default {SHARED_BIG} when it is that corpus, else built)")
        q.add_argument("--real-repo", help="a real repository with history (default: a clone of this checkout)")
        q.add_argument("--no-real", action="store_true", help="skip the real repository")
    common(sub.add_parser("precommit", help="staged one-file change in the workspace corpus"), 10)
    p = sub.add_parser("real", help="full-history scans of real clones (--repos PATH...)")
    common(p, 3)
    p.add_argument("--repos", nargs="+", required=True, metavar="PATH", help="git clones to scan, full history")
    p.add_argument("--floor", action="store_true", help="also time git reading every object (cat-file)")
    p = sub.add_parser("all", help="workspace, history and precommit; Markdown for BENCHMARKS.md")
    common(p, 3)
    p.add_argument("--precommit-runs", type=int, default=10)
    p.add_argument("--repo", help="history repository (see `history --help`)")
    p.add_argument("--real-repo")
    p.add_argument("--no-real", action="store_true")
    a = ap.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    if a.what == "corpus":
        print(build_corpus(Path(a.out), a.files, a.commits, a.file_lines, a.seed))
        return 0

    # credfence's bytecode, as ./quickstart and a regular install leave it (this machine sets
    # PYTHONDONTWRITEBYTECODE, so nothing else would write it); -f as in bench/ab.py: a stale
    # .pyc that compileall takes as current costs a compile of the source at every run
    subprocess.run([str(venv_bin() / "python"), "-m", "compileall", "-f", "-q", str(ROOT / "scanner"), str(ROOT / "detectors")],
                   stdout=subprocess.DEVNULL, check=False)
    quiet = wait_for_quiet(a.wait_load, a.wait_max)
    meta = {"date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
            "command": "python bench/run.py " + shlex.join(sys.argv[1:] if argv is None else argv),
            "machine": machine(), "versions": versions(), "load_start": quiet}
    become_subreaper()
    results = []
    if a.what == "real":
        results.append(bench_real(a))
    if a.what in ("workspace", "all"):
        results.append(bench_workspace(a))
    if a.what in ("history", "all"):
        h = argparse.Namespace(**vars(a))
        if a.what == "all":
            h.files, h.commits, h.file_lines = HIST_ARGS["files"], HIST_ARGS["commits"], HIST_ARGS["file_lines"]
        results.append(bench_history(h))
    if a.what in ("precommit", "all"):
        pc = argparse.Namespace(**vars(a))
        if a.what == "all":
            pc.runs, pc.files, pc.commits, pc.file_lines = a.precommit_runs, WS_ARGS["files"], WS_ARGS["commits"], \
                WS_ARGS["file_lines"]
        results.append(bench_precommit(pc))
    meta["load_end"] = loadavg()
    path = save(meta, results)

    print_header(meta)
    print(f"Load average at start: {meta['load_start']}; at end: {meta['load_end']}.\n")
    for r in results:
        {"workspace": print_workspace, "history": print_history, "precommit": print_precommit,
         "real": print_real}[r["title"]](r)
    print(f"(raw results: {path.relative_to(ROOT)})")
    failed = [f"{r['title']}: {row['name']}" for r in results for row in
              r.get("rows", []) + r.get("real", {}).get("rows", []) +
              [x for repo in r.get("repos", []) for x in repo["rows"]] +
              [x for v in r.get("variants", {}).values() for x in v["rows"]] if not row["ok"]]
    if failed:
        print("\nFailed: " + "; ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
