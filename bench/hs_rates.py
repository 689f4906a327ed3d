"""How fast the rules' Hyperscan database matches real text, and which patterns cost most (issue 16).

    .venv/bin/python bench/hs_rates.py ~/.cache/credfence-realworld/{twilio,sqlalchemy}

The text files of the given work trees (no NUL in the first 8 kB, under 2 MB each, .git
left out) are joined into one buffer and matched by the scan's database, with and without
a Python callback per match; then each pattern is compiled alone, in the database's form
(scanner/engine.py _prefilter_form, a context-gated rule as its context), and timed on
the same buffer: the slowest are listed with their rate and their number of matches.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import hyperscan  # noqa: E402

from scanner import engine as E  # noqa: E402
from scanner.rules import load_rules  # noqa: E402


def corpus(trees: list[Path]) -> bytes:
    data = bytearray()
    for tree in trees:
        for f in sorted(tree.rglob("*")):
            if ".git" in f.relative_to(tree).parts or not f.is_file() or f.is_symlink():
                continue
            try:
                b = f.read_bytes()
            except OSError:
                continue
            if b"\0" not in b[:8192] and len(b) <= 2_000_000:
                data += b + b"\n"
    return bytes(data)


def patterns(eng: E.Engine) -> list[tuple[str, bytes]]:
    """(name, expression) of each pattern as the database compiles it."""
    rules = eng.regex_rules
    pats = [r.pattern for r in rules] + [E.GENERIC_CANDIDATE, E.DECODE_CANDIDATE, E.STRUCTURED_CANDIDATE]
    out = []
    for i, p in enumerate(pats):
        gate = rules[i].context if i < len(rules) and rules[i].prefilter == "context" and rules[i].context \
            and not rules[i].multiline else None
        expr = gate or p
        if E._buffer_anchored(expr):
            continue
        name = rules[i].id if i < len(rules) else ("generic candidate", "decode candidate", "structured marker")[i - len(rules)]
        out.append((name + (" (its context)" if gate else ""), E._prefilter_form(expr).encode()))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trees", nargs="+", type=Path)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    eng = E.Engine(load_rules(None), use_hyperscan=True)
    data = corpus(args.trees)
    count = [0]

    def on_match(*_):
        count[0] += 1

    eng._hs.scan(data, match_event_handler=None)  # a first pass: pages and caches warm
    t = time.perf_counter()
    eng._hs.scan(data, match_event_handler=None)
    bare = time.perf_counter() - t
    t = time.perf_counter()
    eng._hs.scan(data, match_event_handler=on_match)
    with_cb = time.perf_counter() - t
    pats = patterns(eng)
    print(f"{len(data) / 1e6:.1f} MB of text, {len(pats)} patterns: {len(data) / bare / 1e6:.0f} MB/s without a "
          f"callback, {len(data) / with_cb / 1e6:.0f} MB/s with one ({count[0]} matches)")
    flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_MULTILINE
    rates = []
    for name, expr in pats:
        db = hyperscan.Database()
        db.compile(expressions=[expr], ids=[0], elements=1, flags=[flags])
        count[0] = 0
        t = time.perf_counter()
        db.scan(data, match_event_handler=None)
        alone = time.perf_counter() - t
        db.scan(data, match_event_handler=on_match)
        rates.append((alone, count[0], name))
    for alone, n, name in sorted(rates, reverse=True)[:args.top]:
        print(f"  {len(data) / alone / 1e6:7.0f} MB/s alone, {n:6d} matches: {name}")


if __name__ == "__main__":
    main()
