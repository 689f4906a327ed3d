"""Where a command's CPU goes, by kind of process, and how busy each process was over time
(issue 16): a history scan is the main process, its forked workers and their git
processes, and whether the two cores are saturated decides what can still make it faster.

    .venv/bin/python bench/cpu_by_process.py -- .venv/bin/credfence scan REPO --format json -q -o out.json

Samples /proc every 10 ms (Linux only) for the command and every process under it, and
prints the wall time, each kind's CPU seconds (user and system), and one line per process
of its CPU use in each tenth of a second (0-9: the share of one core, `.` idle). A process
that lives less than 10 ms may be missed; its CPU then goes uncounted. The sampling takes
CPU of its own (reading /proc for every process a hundred times a second): a sampled run
is slower than an unsampled one (httpx 1.38 against 1.02 s), so read the shares and the
idle stretches, and time the command on its own.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float, float]]:
    """pid -> (parent pid, user CPU s, system CPU s) of every process now."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after the command name, which may hold spaces
        out[int(name)] = (int(fields[1]), int(fields[11]) / TICK, int(fields[12]) / TICK)
    return out


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def _kind(cmd: str, is_root: bool, root_cmd: str) -> str:
    if is_root:
        return "the command"
    if cmd == root_cmd:
        return "forked copy of the command (a worker)"
    words = cmd.split()
    if words and words[0].rsplit("/", 1)[-1] == "git":
        k = 1
        while k < len(words) and words[k].startswith("-"):  # git's own options, some with a value
            k += 2 if words[k] in ("-C", "-c") else 1
        sub = words[k] if k < len(words) else "?"
        if sub == "cat-file":
            sub += " --batch-check" if "--batch-check" in cmd else " --batch"
        return "git " + sub
    return (words or ["?"])[0].rsplit("/", 1)[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("give the command to run after --")
    t0 = time.monotonic()
    root = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[int, dict] = {}  # pid -> {"cmd", "start", "cpu": [(t, user, sys)]}
    while True:
        done = root.poll() is not None
        now = time.monotonic() - t0
        procs = _processes()
        tree, grew = {root.pid}, True
        while grew:
            grew = False
            for pid, (parent, _, _) in procs.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        for pid in tree & procs.keys():
            rec = seen.get(pid)
            if rec is None:  # a reused pid is not told apart: the run is short
                rec = seen[pid] = {"cmd": _command_line(pid), "start": now, "cpu": []}
            rec["cpu"].append((now, procs[pid][1], procs[pid][2]))
        if done:
            break
        time.sleep(0.01)
    wall = time.monotonic() - t0
    by_kind: dict[str, list[float]] = {}
    print(f"wall {wall:.2f} s, exit {root.returncode}")
    for pid, rec in sorted(seen.items(), key=lambda kv: kv[1]["start"]):
        _, user, system = rec["cpu"][-1]
        kind = _kind(rec["cmd"], pid == root.pid, seen[root.pid]["cmd"])
        k = by_kind.setdefault(kind, [0.0, 0.0, 0])
        k[0] += user
        k[1] += system
        k[2] += 1
        line, last = [], 0.0
        tenth = {int(t * 10): u + s for t, u, s in rec["cpu"]}
        for i in range(int(rec["start"] * 10), int(rec["cpu"][-1][0] * 10) + 1):
            if i in tenth:
                used, last = tenth[i] - last, tenth[i]
                line.append(str(min(9, round(used * 100))) if used > 0 else ".")
            else:
                line.append(" ")
        print(f"{rec['start']:6.2f} s  {user + system:6.2f} cpu-s  {' ' * int(rec['start'] * 10)}{''.join(line)}"
              f"  {kind}")
    print()
    for kind, (user, system, n) in sorted(by_kind.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
        print(f"{user + system:7.2f} cpu-s ({user:.2f} user, {system:.2f} system)  {n} x {kind}")
    return root.returncode


if __name__ == "__main__":
    sys.exit(main())
