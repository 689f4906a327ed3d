"""Accepted findings: credfence's own baseline, detect-secrets' baseline, inline allow markers.

credfence baseline (``.credfence-baseline.json``, written by ``credfence baseline``)::

    {"version": 1, "tool": "credfence", "generated_at": "2024-05-01T12:00:00+00:00",
     "accepted": [{"fingerprint": "<sha256 of 'rule:secret'>", "rule": "stripe-secret-key",
                   "secret_sha256": "<sha256 of the secret>", "secret_redacted": "sk_live_4eC…",
                   "paths": ["src/x.py"]}]}

* The fingerprint is ``Finding.fingerprint``: a hash of rule id and secret, never of an
  offset, so an accepted secret stays accepted when it moves to another line or file.
  A finding is accepted when its fingerprint OR its secret_sha256 is listed (the second
  keeps a value accepted when a rule is renamed or a more specific rule takes it over).
  ``paths`` is informational (for review in pull requests); matching does not use it.
* It holds hashes and redacted forms only, never a secret, and is meant to be committed:
  it is written atomically with mode 0644 (not 0600 like reports, which may be private).
  Re-writing it with the same accepted set leaves the file untouched (no churn of
  ``generated_at`` in commits).

detect-secrets baseline (``.secrets.baseline``)::

    {"results": {"app/x.py": [{"type": ..., "hashed_secret": "<sha1 of the secret>",
                               "line_number": 3, "is_secret": false}]}, ...}

* An entry matches a finding when sha1(finding.secret) equals ``hashed_secret`` and the
  file name equals the finding's path (detect-secrets baselines are per file).
* ``is_secret: false`` (audited as a false positive): accepted.
* no ``is_secret`` (never audited): accepted, as detect-secrets' own pre-commit hook
  treats every secret already in the baseline as known and reports only new ones.
* ``is_secret: true`` (audited and confirmed a real secret): NOT accepted. Someone
  confirmed it is live; credfence's job is to say who can reach it. detect-secrets writes
  one entry per plugin that saw a value; a confirmation on any of them wins.
* ``Accepted.covers(finding)`` via detect-secrets needs every tree path of the finding
  (worktree/staged; history paths only for a history-only finding) to be accepted for
  that hash: the same credential pasted into a new file is a new exposure.
  ``Accepted.covers_location`` answers for one location.

Inline markers (``has_allow_marker``, ``line_allowed``), case-insensitive, on the hit line
or the line before: ``credfence: allow``; detect-secrets' ``pragma: allowlist secret`` and
``pragma: allowlist nextline secret``; ``gitleaks:allow``; kingfisher's
``kingfisher:ignore``; trufflehog's ``trufflehog:ignore``; GitGuardian's ``ggignore``; gosec's
and bandit's ``#nosec`` and golangci-lint's ``nolint:gosec`` (scanner/allow.py).
"""
from __future__ import annotations

from scanner.errors import CredfenceError

import hashlib
import json
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scanner.model import Finding, Location
from scanner.outfile import write_private

CREDFENCE_BASELINE = ".credfence-baseline.json"
DETECT_SECRETS_BASELINE = ".secrets.baseline"
BASELINE_VERSION = 1
BASELINE_MODE = 0o644

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def is_baseline_file(data: bytes) -> bool:
    """A credfence or detect-secrets baseline, by its opening: hashes and redacted prefixes
    only, never a secret, yet every `"secret_sha256": "<hex>"` line looks like an
    assignment to the generic detector (a second per baseline version in a history)."""
    if not data.startswith(b"{"):
        return False
    head = data[:512]
    # detect-secrets writes "version" first since 1.0; its 0.x baselines (2018-2020) open
    # with "exclude_regex" and "generated_at", and keep "version" for their last line
    return (b'"tool": "credfence"' in head and b'"accepted"' in head) or \
        (b'"plugins_used"' in head and (b'"version"' in head or b'"generated_at"' in head))


class BaselineError(CredfenceError):
    """A baseline file that cannot be used; the message is one line naming the file."""


# --------------------------------------------------------------------------- inline markers

# in scanner/allow.py (the engine needs them on its hot path without this module's imports)
from scanner.allow import has_allow_marker, line_allowed  # noqa: E402,F401

# --------------------------------------------------------------------------- accepted set

def _norm_path(p: str) -> str:
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p.lstrip("/")


def _sha1(secret: str) -> str:
    return hashlib.sha1(secret.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class Accepted:
    """Findings accepted by baselines. Empty when there is no baseline."""

    fingerprints: set[str] = field(default_factory=set)
    secret_sha256: set[str] = field(default_factory=set)
    # detect-secrets: sha1 of the secret -> file names where it is accepted
    detect_secrets: dict[str, set[str]] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)
    # baselines found on their own that could not be used (the scan goes on without them)
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fingerprints or self.secret_sha256 or self.detect_secrets)

    def _by_hash(self, f: Finding) -> bool:
        return f.fingerprint in self.fingerprints or f.sha256 in self.secret_sha256

    def covers(self, finding: Finding) -> bool:
        if self._by_hash(finding):
            return True
        if not self.detect_secrets:
            return False
        files = self.detect_secrets.get(_sha1(finding.secret))
        if not files:
            return False
        paths = {_norm_path(loc.path) for loc in finding.locations if loc.kind != "history"}
        if not paths:
            paths = {_norm_path(loc.path) for loc in finding.locations}
        return bool(paths) and paths <= files

    def covers_location(self, finding: Finding, location: Location) -> bool:
        if self._by_hash(finding):
            return True
        files = self.detect_secrets.get(_sha1(finding.secret)) if self.detect_secrets else None
        return bool(files) and _norm_path(location.path) in files

    def merge(self, other: "Accepted") -> "Accepted":
        self.fingerprints |= other.fingerprints
        self.secret_sha256 |= other.secret_sha256
        for h, files in other.detect_secrets.items():
            self.detect_secrets.setdefault(h, set()).update(files)
        self.sources += other.sources
        self.warnings += other.warnings
        return self


def _read_json(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: file not found") from None
    except UnicodeDecodeError:
        raise BaselineError(f"baseline {path}: not UTF-8 text") from None
    except OSError as e:
        raise BaselineError(f"baseline {path}: cannot read it ({e.strerror or e})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise BaselineError(f"baseline {path}: invalid JSON (line {e.lineno}: {e.msg})") from None
    except RecursionError:
        raise BaselineError(f"baseline {path}: invalid JSON (nested too deeply)") from None
    except ValueError:  # a number too long to convert (Python's int digit limit)
        raise BaselineError(f"baseline {path}: invalid JSON (a number with too many digits)") from None


def _short(value) -> str:
    """repr of a value from the file, cut short: an error message is one line."""
    try:
        r = repr(value)
    except ValueError:  # an int too long for repr
        return "(a number too long to show)"
    return r if len(r) <= 60 else r[:57] + "..."


def _parse_credfence(path: Path, data: dict) -> Accepted:
    if data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"baseline {path}: unsupported version {_short(data.get('version'))} (expected 1)")
    entries = data.get("accepted")
    if not isinstance(entries, list):
        raise BaselineError(f"baseline {path}: 'accepted' must be a list")
    acc = Accepted(sources=[path])
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            raise BaselineError(f"baseline {path}: accepted[{i}] must be an object")
        fp, sha = e.get("fingerprint"), e.get("secret_sha256")
        if fp is None and sha is None:
            raise BaselineError(f"baseline {path}: accepted[{i}] has neither 'fingerprint' nor 'secret_sha256'")
        for key, val in (("fingerprint", fp), ("secret_sha256", sha)):
            if val is not None and not (isinstance(val, str) and _HEX64.match(val)):
                raise BaselineError(f"baseline {path}: accepted[{i}].{key} must be a sha256 hex string")
        if fp:
            acc.fingerprints.add(fp)
        if sha:
            acc.secret_sha256.add(sha)
    return acc


def _parse_detect_secrets(path: Path, data: dict) -> Accepted:
    results = data.get("results")
    if not isinstance(results, dict):
        raise BaselineError(f"baseline {path}: 'results' must be an object of file names")
    acc = Accepted(sources=[path])
    confirmed: set[tuple[str, str]] = set()
    for filename, entries in results.items():
        if not isinstance(entries, list):
            raise BaselineError(f"baseline {path}: results[{_short(filename)}] must be a list")
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not isinstance(e.get("hashed_secret"), str):
                raise BaselineError(f"baseline {path}: results[{_short(filename)}][{i}] needs a 'hashed_secret' string")
            is_secret = e.get("is_secret")
            if is_secret is not None and not isinstance(is_secret, bool):
                raise BaselineError(f"baseline {path}: results[{_short(filename)}][{i}].is_secret must be true or false")
            name = _norm_path(e.get("filename") if isinstance(e.get("filename"), str) else filename)
            if is_secret is True:  # audited as a real secret: keep reporting it
                confirmed.add((e["hashed_secret"].lower(), name))
                continue
            acc.detect_secrets.setdefault(e["hashed_secret"].lower(), set()).add(name)
    # one value can have several entries (one per plugin): a confirmation wins over the others
    for h, name in confirmed:
        files = acc.detect_secrets.get(h)
        if files is not None:
            files.discard(name)
            if not files:
                del acc.detect_secrets[h]
    return acc


def load_baseline_file(path: Path) -> Accepted:
    """Read one baseline, credfence's or detect-secrets' (told apart by content)."""
    path = Path(path)
    data = _read_json(path)
    if not isinstance(data, dict):
        raise BaselineError(f"baseline {path}: expected a JSON object")
    if data.get("tool") == "credfence" or "accepted" in data:
        return _parse_credfence(path, data)
    if "results" in data:
        return _parse_detect_secrets(path, data)
    raise BaselineError(f"baseline {path}: neither a credfence baseline nor a detect-secrets .secrets.baseline")


def load_accepted(root: Path, baseline_path: Path | None = None) -> Accepted:
    """The accepted set for a scan of `root`.

    With `baseline_path`, that one file (it must exist). Without, both
    `<root>/.credfence-baseline.json` and `<root>/.secrets.baseline` when present, merged.
    Raises BaselineError on an unreadable, invalid or wrongly shaped file given as
    `baseline_path`. A baseline found on its own that cannot be used is left out with a
    warning (``Accepted.warnings``): repositories ship broken `.secrets.baseline` files
    as test data, and a file nobody asked for must never make a scan fail or find less.
    """
    if baseline_path is not None:
        return load_baseline_file(Path(baseline_path))
    acc = Accepted()
    for name in (CREDFENCE_BASELINE, DETECT_SECRETS_BASELINE):
        p = Path(root) / name
        if p.is_file():
            try:
                acc.merge(load_baseline_file(p))
            except BaselineError as e:
                acc.warnings.append(f"{str(e).splitlines()[0]}; scanned without it")
    return acc


# --------------------------------------------------------------------------- writing

def hashable(f: Finding) -> bool:
    """May a baseline store hashes of this finding's secret? Not when it is shorter than
    MIN_SECRET_LEN: the sha256 of a short value is reversed by trying every value, and the
    hashes of short overlapping pieces of one token would rebuild it (issue 13)."""
    from scanner.redact import MIN_SECRET_LEN
    return len(f.secret) >= MIN_SECRET_LEN


def baseline_entries(findings: list[Finding]) -> list[dict]:
    """Entries for the findings a baseline may hold (see `hashable`; the others are left
    out, and write_baseline's caller says so)."""
    out = []
    for f in findings:
        if not hashable(f):
            continue
        out.append({
            "fingerprint": f.fingerprint,
            "rule": f.rule.id,
            "secret_sha256": f.sha256,
            "secret_redacted": f.redacted,
            "paths": sorted({_norm_path(loc.path) for loc in f.locations}),
        })
    out.sort(key=lambda e: (e["rule"], e["fingerprint"]))
    # one entry per fingerprint (findings are already distinct, but be safe)
    uniq: dict[str, dict] = {}
    for e in out:
        if e["fingerprint"] in uniq:
            uniq[e["fingerprint"]]["paths"] = sorted(set(uniq[e["fingerprint"]]["paths"]) | set(e["paths"]))
        else:
            uniq[e["fingerprint"]] = e
    return list(uniq.values())


def write_baseline(path, findings: list[Finding], repository_file: bool = False) -> dict:
    """Record `findings` as accepted in `path` (atomic, mode 0644). Returns the document.
    `repository_file`: path is the scanned repository's default baseline, not one the user
    named: it is written only as a regular file (outfile.write_private)."""
    path = Path(path)
    accepted = baseline_entries(findings)
    try:
        # only a regular file is read (a FIFO would block, a terminal wait for input), and a
        # repository's symlink not at all: the write below refuses both
        kind = (path.lstat() if repository_file else path.stat()).st_mode
        if not stat.S_ISREG(kind):
            raise OSError
        old = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(old, dict) and old.get("tool") == "credfence" and old.get("accepted") == accepted \
                and old.get("version") == BASELINE_VERSION:
            return old
    except (OSError, ValueError):
        pass
    doc = {
        "version": BASELINE_VERSION,
        "tool": "credfence",
        "generated_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "accepted": accepted,
    }
    secrets = [f.secret for f in findings if len(f.secret) >= 8]
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    # the fields that hold text from the scanned content (rule ids and hashes are ours: a
    # password `postgres` is in the rule id `postgres-url`, and is not written by it)
    written = json.dumps([[e["secret_redacted"], e["paths"]] for e in accepted], ensure_ascii=False)
    if any(s in written for s in secrets):  # cannot happen with redacted forms; never risk it
        raise BaselineError(f"baseline {path}: refusing to write a plain secret")
    write_private(path, text.encode("utf-8"), BASELINE_MODE, repository_file)
    return doc
