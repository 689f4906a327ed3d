"""SARIF 2.1.0 output for GitHub code scanning (and any other SARIF consumer).

Shape (checked against GitHub's "SARIF support for code scanning" reference and validated
by Microsoft's SARIF Multitool in tests/test_sarif.py):

* one run; ``tool.driver`` is credfence with ``rules``: one reportingDescriptor per rule
  that has a finding, with ``shortDescription``, ``fullDescription``, ``help`` (text and
  markdown: what the credential can do, rotate it, move it out of the repository) and
  ``properties.tags`` ``["security", "secret", <provider>]`` plus
  ``properties.security-severity``.
* severity -> SARIF ``level`` and GitHub ``security-severity``:

  =========  =======  ==================  =========================================
  severity   level    security-severity   GitHub shows
  =========  =======  ==================  =========================================
  critical   error    9.5                 Critical (> 9.0)
  high       error    8.0                 High (7.0 - 8.9)
  medium     warning  5.5                 Medium (4.0 - 6.9)
  low        note     3.0                 Low (0.1 - 3.9)
  info       note     1.0                 Low: 0.0 falls in none of GitHub's bands,
                                          so info (public-by-design values) is shown
                                          as the lowest Low rather than guessed at
  =========  =======  ==================  =========================================

  GitHub reads ``security-severity`` from the *rule* only, while credfence rates each
  finding (the same rule can be critical in one file and low in another). The rule gets
  the highest severity of its findings in this run; every result carries its own
  ``level`` and ``properties.severity``.
* results: one per worktree or staged location of each finding, on that path and line.
  History locations (commits) are not separate alerts when the secret is still in the
  tree: they are attached to each result as ``relatedLocations`` (path and line, the
  commit in the location's ``properties`` and message) and listed in
  ``properties.history``. A finding that exists only in history (removed from the tree
  but still in git) gets one result per distinct history path and line, with the commits
  in ``properties.commits``: rewriting history (and rotating) is the only fix for those.
* ``partialFingerprints``: ``{"credfence/v1": fingerprint}`` where fingerprint is
  sha256("rule:secret") (Finding.fingerprint), which survives the secret moving lines.
  A second occurrence of the same secret in the same file gets ``fingerprint:N`` so that
  GitHub does not fold two places into one alert.
* no plain secret, ever: only ``Finding.redacted``, ``.sha256`` and ``.fingerprint`` are
  used, and every string of the document is scrubbed of the secret before it is returned.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from scanner.model import SEVERITY_RANK, Finding, Location
from scanner.outfile import write_private

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/credfence/credfence"
FINGERPRINT_KEY = "credfence/v1"
SRCROOT = "%SRCROOT%"

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
MAX_RELATED = 1000  # GitHub keeps at most 1000 relatedLocations per result
_SCRUB_MIN_LEN = 6  # shorter "secrets" would scrub ordinary words


def _severity(f: Finding) -> str:
    return f.blast.severity if f.blast.severity in LEVELS else "medium"


def _uri(path: str) -> str:
    """A repo-relative path as a relative URI reference (percent-encoded, '/' separators)."""
    p = path.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    # the name's exact bytes, so a name that is not UTF-8 is a valid URI too (RFC 3986: %XX)
    from scanner.redact import name_bytes
    return quote(name_bytes(p.lstrip("/")), safe="/-._~!$&'()*+,;=:@")


def _physical(loc: Location) -> dict:
    return {
        "artifactLocation": {"uri": _uri(loc.path), "uriBaseId": SRCROOT},
        "region": {"startLine": max(1, int(loc.line or 1)), "startColumn": max(1, int(loc.column or 1))},
    }


def _what_it_can_do(f: Finding) -> str:
    rule = f.rule
    if rule.impact:
        return rule.impact.rstrip(".")
    scope = {"account": "reaches the whole account or organisation",
             "environment": "is bound to one environment or resource"}.get(rule.scope, "may reach more than its name suggests")
    priv = {"destructive": "can delete data or infrastructure", "write": "can change data",
            "read": "can read data"}.get(rule.privilege, "may be able to delete data: nothing in the repository says how it is scoped")
    return f"{scope} and {priv}"


def _rule_descriptor(f: Finding, severity: str) -> dict:
    rule = f.rule
    name = rule.name or rule.id
    provider = rule.provider or "unknown provider"
    can = _what_it_can_do(f)
    full = (rule.description.strip() if rule.description else f"A {name} ({provider}) was found in the repository.")
    text = (
        f"{name} ({provider}). {full}\n"
        f"What it can do: it {can}. Anyone, and any AI coding agent, that can read the file can use it.\n"
        "What to do: 1. rotate (revoke and reissue) the credential at the provider now; "
        "2. remove it from the repository and, if it was committed, from the git history; "
        "3. load it at run time from a secret manager or an environment variable kept outside the "
        "working tree; until then keep the file out of agents' reach with `credfence ignore --write`."
    )
    markdown = (
        f"**{name}** ({provider})\n\n{full}\n\n"
        f"**What it can do:** it {can}. Anyone, and any AI coding agent, that can read the file can use it.\n\n"
        "**What to do**\n\n"
        "1. Rotate (revoke and reissue) the credential at the provider now: assume it is compromised.\n"
        "2. Remove it from the repository; if it was ever committed, rewrite the git history "
        "(for example with `git filter-repo`) as well, since old commits still hold it.\n"
        "3. Load it at run time from a secret manager or an environment variable kept outside the working "
        "tree. Until then, keep the file out of AI agents' reach with `credfence ignore --write`.\n\n"
        "If this value is not a real credential, accept it with `credfence baseline` or an inline "
        "`credfence: allow` comment."
    )
    tags = ["security", "secret"]
    if rule.provider and rule.provider not in tags:
        tags.append(rule.provider)
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.replace("_", "-").split("-") if part) or rule.id,
        "shortDescription": {"text": f"{name} ({provider})"},
        "fullDescription": {"text": full},
        "help": {"text": text, "markdown": markdown},
        "helpUri": INFORMATION_URI,
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[severity],
            "precision": "high" if not rule.generic else "medium",
            "problem.severity": {"error": "error", "warning": "warning", "note": "recommendation"}[LEVELS[severity]],
            "scope": rule.scope,
            "privilege": rule.privilege,
        },
    }


RANK = {"high": 90.0, "medium": 60.0, "low": 20.0}


def _message(f: Finding, severity: str, loc: Location, history_only: bool) -> str:
    b = f.blast
    name = f.rule.name or f.rule.id
    parts = [
        f"{name} ({f.rule.provider}) {f.redacted}: {severity} exposure "
        f"(env {b.env}, scope {b.scope}, privilege {b.privilege})."
    ]
    if b.why:
        parts.append(b.why.rstrip(".") + ".")
    if history_only:
        parts.append(f"Removed from the working tree but still in git history (commit {(loc.commit or '?')[:12]}).")
    elif loc.kind == "staged":
        parts.append("Staged for commit.")
    if f.task_related is False:
        parts.append("Outside the task's paths: an agent working on the task has no reason to see it.")
    parts.append("Rotate it and move it out of the repository.")
    return " ".join(parts)


def _properties(f: Finding, severity: str, loc: Location) -> dict:
    b = f.blast
    props: dict = {
        "provider": f.rule.provider,
        "secret_redacted": f.redacted,
        "secret_sha256": f.sha256,
        "severity": severity,
        "env": b.env,
        "scope": b.scope,
        "privilege": b.privilege,
        "evidence": list(b.evidence),
        "task_related": f.task_related,
        "hidden_from": list(f.hidden_from),
        "location_kind": loc.kind,
        "confidence": f.confidence,
    }
    if loc.status:
        props["status"] = loc.status
    return props


def _history_related(hist: list[Location], start_id: int = 1) -> list[dict]:
    out = []
    for i, loc in enumerate(hist[:MAX_RELATED]):
        props = {"commit": loc.commit}
        if loc.date:
            props["date"] = loc.date
        if loc.refs:
            props["refs"] = list(loc.refs)
            props["refs_count"] = loc.refs_count if loc.refs_count is not None else len(loc.refs)
        out.append({
            "id": start_id + i,
            "physicalLocation": _physical(loc),
            "message": {"text": f"also in git history: commit {(loc.commit or '?')[:12]}"},
            "properties": props,
        })
    return out


def _history_json(hist: list[Location]) -> list[dict]:
    from scanner.redact import path_fields
    return [{"commit": h.commit, **path_fields(h.path), "line": h.line, "date": h.date} for h in hist]


def _scrub(obj, secrets: list[str]):
    """Replace any occurrence of a plain secret in any string by the redacted form."""
    if isinstance(obj, str):
        for secret, red in secrets:
            if secret in obj:
                obj = obj.replace(secret, red)
        return obj
    if isinstance(obj, list):
        return [_scrub(x, secrets) for x in obj]
    if isinstance(obj, dict):
        return {_scrub(k, secrets): _scrub(v, secrets) for k, v in obj.items()}
    return obj


def to_sarif(findings: list[Finding], root: str, tool_version: str) -> dict:
    """Build a SARIF 2.1.0 log (a dict ready for json.dump) for `findings` under `root`."""
    # rules: one per rule id, rated at the highest severity of its findings
    rule_sev: dict[str, str] = {}
    rule_first: dict[str, Finding] = {}
    for f in findings:
        sev = _severity(f)
        rid = f.rule.id
        if rid not in rule_first:
            rule_first[rid] = f
            rule_sev[rid] = sev
        elif SEVERITY_RANK[sev] > SEVERITY_RANK[rule_sev[rid]]:
            rule_sev[rid] = sev
    rule_ids = sorted(rule_first)
    rule_index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = [_rule_descriptor(rule_first[rid], rule_sev[rid]) for rid in rule_ids]

    results: list[dict] = []
    for f in sorted(findings, key=lambda f: (-SEVERITY_RANK[_severity(f)], f.rule.id, f.fingerprint)):
        sev = _severity(f)
        tree = [loc for loc in f.locations if loc.kind != "history"]
        hist = sorted((loc for loc in f.locations if loc.kind == "history"),
                      key=lambda loc: (loc.date or "", loc.commit or "", loc.path, loc.line))
        history_only = not tree
        if history_only:
            # one result per distinct (path, line), carrying every commit that holds it
            by_place: dict[tuple[str, int], list[Location]] = {}
            for loc in hist:
                by_place.setdefault((loc.path, loc.line), []).append(loc)
            primaries = [(locs[0], locs) for locs in by_place.values()]
        else:
            seen: set[tuple[str, str, int, int]] = set()
            primaries = []
            for loc in sorted(tree, key=lambda loc: (loc.path, loc.line, loc.column, loc.kind)):
                key = (loc.kind, loc.path, loc.line, loc.column)
                if key not in seen:
                    seen.add(key)
                    primaries.append((loc, None))
        occurrence: dict[str, int] = {}
        for loc, commits in primaries:
            n = occurrence.get(loc.path, 0)
            occurrence[loc.path] = n + 1
            fp = f.fingerprint if n == 0 else f"{f.fingerprint}:{n}"
            props = _properties(f, sev, loc)
            result = {
                "ruleId": f.rule.id,
                "ruleIndex": rule_index[f.rule.id],
                "level": LEVELS[sev],
                "kind": "fail",
                "message": {"text": _message(f, sev, loc, history_only)},
                "locations": [{"physicalLocation": _physical(loc)}],
                "partialFingerprints": {FINGERPRINT_KEY: fp},
                "rank": RANK.get(f.confidence, 50.0),  # how sure: confidence high/medium/low
            }
            if commits is not None:
                props["commits"] = [c.commit for c in commits]
                props["history"] = _history_json(commits)
            elif hist:
                props["history"] = _history_json(hist)
                result["relatedLocations"] = _history_related(hist)
            result["properties"] = props
            results.append(result)

    root_uri = Path(root).resolve().as_uri()
    if not root_uri.endswith("/"):
        root_uri += "/"
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "credfence",
                "informationUri": INFORMATION_URI,
                "semanticVersion": tool_version,
                "version": tool_version,
                "rules": rules,
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    secrets = sorted({(f.secret, f.redacted) for f in findings if f.secret and len(f.secret) >= _SCRUB_MIN_LEN},
                     key=lambda s: -len(s[0]))
    from scanner.redact import json_safe
    return json_safe(_scrub(sarif, secrets) if secrets else sarif)  # valid Unicode for any file name


def dumps(sarif: dict, ascii_only: bool = False) -> str:
    return json.dumps(sarif, indent=2, ensure_ascii=ascii_only) + "\n"


def write_sarif(path, sarif: dict) -> None:
    """Write `sarif` to `path` atomically (temporary file + rename), mode 0600."""
    path = Path(path)
    write_private(path, dumps(sarif).encode("utf-8"))


def _doc(report) -> dict:
    from scanner import __version__

    return to_sarif(report.findings, str(report.result.root), __version__)


def render(report, out) -> None:
    """The SARIF log on `out` (reporter signature: scanner/report)."""
    out.write(dumps(_doc(report), ascii_only=True))  # a terminal's encoding may not be UTF-8


def write_file(report, path) -> None:
    """`--output FILE`: the SARIF log through write_sarif."""
    write_sarif(path, _doc(report))
