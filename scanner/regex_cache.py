"""credfence's own regular expressions, compiled once and kept between runs.

Importing the detectors compiles about 300 patterns (65-90 ms), on the path every scan
waits for: a tenth of a small history's scan. Python keeps a compiled pattern only in the
process that compiled it, in `re`'s own cache (keyed by the pattern's type, text and
flags), which `re.compile` looks in first. warm() puts the programs a previous run compiled
into that cache before the modules are imported; their `re.compile` calls then find them
there. keep() stores the programs after a run that compiled any afresh.

Only the patterns held by credfence's modules once imported are kept (their globals and
their classes' attributes: text written in this package), never one built at run time from
a configuration or from what a scan read, so no scanned value reaches the file. The file is
per interpreter (version and regex engine): another Python compiles afresh. Whatever is
unexpected (a Python whose `re` keeps no such cache, a damaged or foreign file) leaves `re`
to compile as it always does; `_sre.compile` checks every program it is given.
"""
from __future__ import annotations

import marshal
import re
import sys

_built: dict[int, re.Pattern] = {}  # the patterns warm() built, by id


def _file_name() -> str | None:
    try:
        import _sre

        return (f"regex-{sys.implementation.name}-{'.'.join(map(str, sys.version_info[:3]))}"
                f"-{_sre.MAGIC}-{_sre.CODESIZE}.marshal")
    except (ImportError, AttributeError):
        return None


def _re_cache() -> dict | None:
    cache = getattr(re, "_cache", None)
    return cache if isinstance(cache, dict) and sys.implementation.name == "cpython" else None


def warm() -> int:
    """Put the kept programs in re's cache; how many."""
    name, cache = _file_name(), _re_cache()
    if name is None or cache is None:
        return 0
    from scanner import cache as disk

    data = disk.load_bytes(name)
    if not data:
        return 0
    try:
        import _sre

        built = {}
        for pattern, flags, all_flags, code, groups, groupindex, indexgroup in marshal.loads(data):
            built[(type(pattern), pattern, flags)] = _sre.compile(pattern, all_flags, code, groups, groupindex,
                                                                 indexgroup)
    except Exception:  # a damaged or foreign file: compiled afresh, and kept anew at the end
        return 0
    room = getattr(re, "_MAXCACHE", 512) - len(cache)  # re drops its oldest entries beyond that
    for key in list(built)[:max(0, room)]:
        if key not in cache:
            cache[key] = built[key]
            _built[id(built[key])] = built[key]
    return len(_built)


def _held_patterns() -> list[re.Pattern]:
    """The compiled patterns credfence's imported modules hold: module globals, and the
    values of their dicts, lists and tuples and of their classes' attributes."""
    seen: dict[int, re.Pattern] = {}

    def take(v, depth: int = 0) -> None:
        if isinstance(v, re.Pattern):
            seen.setdefault(id(v), v)
        elif depth < 2 and isinstance(v, (tuple, list, frozenset, set)):
            for x in v:
                take(x, depth + 1)
        elif depth < 2 and isinstance(v, dict):
            for x in v.values():
                take(x, depth + 1)

    for name, module in list(sys.modules.items()):
        if module is None or name == __name__ or not name.startswith(("scanner.", "detectors.")):
            continue
        for k, v in list(vars(module).items()):
            if k.startswith("__"):  # __builtins__ and the like
                continue
            if isinstance(v, type) and v.__module__ == name:
                for x in list(vars(v).values()):
                    take(x)
            else:
                take(v)
    return list(seen.values())


def _program(pattern, flags: int | None, all_flags: int):
    """What re compiles a pattern into, as warm() needs it: the key re.compile looks it up by
    (`flags`, those it was given; when unknown, all_flags without the ones the pattern sets
    itself, inline or str's default UNICODE) and what _sre.compile takes."""
    try:
        from re import _compiler, _parser  # Python 3.11+
    except ImportError:  # Python 3.10
        import sre_compile as _compiler  # type: ignore[no-redef]
        import sre_parse as _parser  # type: ignore[no-redef]
    if flags is None:
        flags = all_flags & ~_parser.parse(pattern, 0).state.flags
    p = _parser.parse(pattern, flags)
    if int(flags | p.state.flags) != all_flags:
        raise ValueError("flags not recovered")
    code = _compiler._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup = [None] * p.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    return (pattern, int(flags), int(all_flags), [int(c) for c in code], p.state.groups - 1, groupindex,
            tuple(indexgroup))


def keep() -> None:
    """Store the programs of the patterns credfence's modules hold, when any of them was
    compiled afresh in this run (a first run, a new Python, a changed pattern)."""
    name, cache = _file_name(), _re_cache()
    if name is None or cache is None:
        return
    held = [p for p in _held_patterns() if not p.flags & re.DEBUG]
    if all(id(p) in _built for p in held):
        return
    # the flags each was compiled with, from its key in re's cache while it is there (the
    # pattern's own flags add its inline ones: `(?i)x` given no flags is kept under 0)
    given = {id(v): k[2] for k, v in list(cache.items()) if isinstance(k, tuple) and len(k) == 3}
    out = []
    for p in held:
        try:
            out.append(_program(p.pattern, given.get(id(p)), p.flags))
        except Exception:  # noqa: BLE001 - that one is compiled afresh each run
            continue
    if out:
        from scanner import cache as disk

        disk.store_bytes(name, marshal.dumps(out))
