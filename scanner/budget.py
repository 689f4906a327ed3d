"""Regexes from the user's configuration run under a time budget (issue 13: ReDoS).

A scanned repository's ``.credfence.yaml`` can carry rules; a pattern with catastrophic
backtracking (``(a+)+$``) hung the scan for good. Candidates are found by Hyperscan, whose
automata never backtrack; only the confirmation of a candidate line runs Python's ``re``.
For configuration rules (and their ``context`` regexes) that step is wrapped here:

* each call (one line, or one window of a multi-line rule) may take ``CALL_SECONDS``;
* all calls of one rule together, ``TOTAL_SECONDS`` per process;

enforced with ``setitimer(ITIMER_REAL)`` and a SIGALRM handler that raises inside the
match (CPython's regex engine checks for signals while it backtracks). A rule over budget
raises ``OverBudget(rule_id)``; the engine then skips that rule for the rest of the scan
and the scan reports it once by id (a warning, and ``incomplete``). Off the main thread a
timer cannot be armed; the calls are then only measured (credfence confirms candidates
on the main thread of the process or of its forked workers).

Why not RE2 (google-re2)? Its wheel installs here, but it would give configuration rules
a second regex dialect (no lookaround or backreferences, Unicode case folding, str with
lone surrogates refused), and a rule it rejects would still need this budget: one dialect
with a budget keeps rules meaning the same everywhere, with no new dependency.
"""
from __future__ import annotations

import os
import re
import signal
import threading
import time

CALL_SECONDS = 1.0
TOTAL_SECONDS = 10.0


class OverBudget(Exception):
    def __init__(self, rule_id: str):
        super().__init__(rule_id)
        self.rule_id = rule_id


class _Alarm(BaseException):
    """Raised by the SIGALRM handler inside a match (BaseException: no `except Exception`
    between here and the regex swallows it)."""


_ACTIVE = [False]  # a budgeted call is running
_PREV: list = [None]  # the SIGALRM handler found when ours was installed
_INSTALLED = [0]  # pid of the process it was installed in


def _on_alarm(signum, frame):
    if _ACTIVE[0]:
        raise _Alarm()
    prev = _PREV[0]
    if callable(prev):
        prev(signum, frame)


def _ensure_handler() -> None:
    """Install the handler once per process (signal.signal costs ~10 us a call, ten
    times the match of a typical line; setitimer is ~2 us)."""
    if _INSTALLED[0] == os.getpid():
        return
    cur = signal.getsignal(signal.SIGALRM)
    if cur is not _on_alarm:
        _PREV[0] = cur
        signal.signal(signal.SIGALRM, _on_alarm)
    _INSTALLED[0] = os.getpid()  # a forked worker inherits the handler; checked again there anyway


class BudgetedPattern:
    """A compiled pattern with the part of re.Pattern's interface the engine uses."""

    def __init__(self, regex: re.Pattern, rule_id: str):
        self._re = regex
        self.rule_id = rule_id
        self.pattern = regex.pattern
        self.groupindex = regex.groupindex
        self.flags = regex.flags
        self.spent = 0.0

    def _run(self, fn, *args):
        if self.spent > TOTAL_SECONDS:
            raise OverBudget(self.rule_id)
        main = threading.current_thread() is threading.main_thread()
        t0 = time.monotonic()
        if not main:
            try:
                return fn(*args)
            finally:
                self.spent += time.monotonic() - t0
        left = min(CALL_SECONDS, TOTAL_SECONDS - self.spent)
        _ensure_handler()
        try:
            _ACTIVE[0] = True
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
            try:
                return fn(*args)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                _ACTIVE[0] = False
        except _Alarm:
            _ACTIVE[0] = False
            self.spent = TOTAL_SECONDS + 1
            raise OverBudget(self.rule_id) from None
        finally:
            self.spent += time.monotonic() - t0

    def finditer(self, string, pos: int = 0, endpos: int | None = None):
        """All matches at once (a generator would run the regex outside the budget)."""
        end = len(string) if endpos is None else endpos
        return self._run(lambda: list(self._re.finditer(string, pos, end)))

    def search(self, string, pos: int = 0, endpos: int | None = None):
        end = len(string) if endpos is None else endpos
        return self._run(self._re.search, string, pos, end)

    def match(self, string, pos: int = 0, endpos: int | None = None):
        end = len(string) if endpos is None else endpos
        return self._run(self._re.match, string, pos, end)

    def fullmatch(self, string, pos: int = 0, endpos: int | None = None):
        end = len(string) if endpos is None else endpos
        return self._run(self._re.fullmatch, string, pos, end)
