"""The data every stage passes on: rules, raw hits, locations, blast labels and findings.

Kept free of heavy imports so that `credfence scan --staged` starts fast.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

SEVERITIES = ("critical", "high", "medium", "low", "info")
# how sure a finding is to be a real credential: high = checksummed, structured or
# provider-specific with its context; medium = a provider pattern alone; low = a generic guess
CONFIDENCES = ("high", "medium", "low")
SEVERITY_RANK = {s: i for i, s in enumerate(reversed(SEVERITIES))}  # info=0 .. critical=4
ENVS = ("production", "staging", "development", "test", "unknown")
SCOPES = ("account", "environment", "unknown")
PRIVILEGES = ("destructive", "write", "read", "unknown")


@dataclass
class Rule:
    """One detector, loaded from detectors/rules/*.yaml (see detectors/README.md)."""

    id: str
    provider: str
    name: str
    pattern: str
    keywords: list[str]
    scope: str = "unknown"
    privilege: str = "unknown"
    entropy: float | None = None
    context: str | None = None  # regex that must match near the hit
    context_lines: int = 3
    validate: str | None = None  # name of a checker in detectors.validators
    env_from_secret: dict[str, str] = field(default_factory=dict)  # secret prefix -> env
    privilege_from_secret: dict[str, str] = field(default_factory=dict)  # secret prefix -> privilege
    scope_from_secret: dict[str, str] = field(default_factory=dict)  # secret prefix -> scope
    public: bool = False  # public by design (publishable keys): never a credential
    generic: bool = False  # name+entropy heuristics, rated below provider-specific rules
    multiline: bool = False  # the match may span lines (PEM blocks)
    structured: bool = False  # emitted by a parser in detectors/structured, not by the pattern alone
    example_path: str = ""  # structured rules: the file name their examples are parsed as
    # what makes a match real beyond its pattern (issue 15): context (the provider named
    # nearby), entropy (a random body), checksum (validate), structure (fixed segments).
    # Required for weak, short prefixes; `context` and `checksum` raise confidence to high
    requires: list[str] = field(default_factory=list)
    confidence: str = ""  # high|medium|low as the rule data says; "" derives it (scanner.confidence)
    carrier: bool = False  # a carrier pattern (auth header, URL): yields to a provider rule on the same value
    # "context": Hyperscan looks for the rule's context instead of its pattern, and the
    # pattern is tried on the lines around each context match (scanner/engine.py, ungate)
    prefilter: str = ""
    # what the lines around a hit say about what it can do: each {context, context_lines,
    # privilege and/or scope, evidence, examples: {refined, unrefined}}; the first whose
    # context matches sets the hit's privilege or scope (scanner/engine.py, _refine)
    refine: list[dict] = field(default_factory=list)
    # the longest a credential of this type lives, by its provider's documentation (a Google
    # OAuth access token: 12 hours): blast rates one first committed longer ago as expired
    lifetime_hours: int | None = None
    impact: str = ""  # what it can do, one clause: "can delete production volumes and backups"
    description: str = ""
    positive: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    family: str = ""  # the YAML file it came from
    regex: re.Pattern | None = None
    context_regex: re.Pattern | None = None
    refine_regexes: list = field(default_factory=list)  # compiled refine contexts, in order


@dataclass
class Hit:
    """One match of one rule in one piece of content (a file or a blob)."""

    rule_id: str
    secret: str
    line: int  # 1-based
    column: int  # 1-based
    # evidence read from the content around the hit: key (variable name), section, host,
    # db_user, jwt_role, local (docker-compose/devcontainer) ... see scanner/context.py
    context: dict = field(default_factory=dict)


REFS_LISTED = 20  # refs named per history location; Location.refs_count counts them all


def ref_order(ref: str) -> tuple:
    """Which refs to name first: the default branches, other local branches, tags, remote
    branches, the rest (the stash, notes); by name within each."""
    if ref in ("refs/heads/main", "refs/heads/master"):
        return 0, ref
    for rank, ns in enumerate(("refs/heads/", "refs/tags/", "refs/remotes/"), 1):
        if ref.startswith(ns):
            return rank, ref
    return 4, ref


@dataclass
class Location:
    kind: str  # worktree | history | staged
    path: str
    line: int
    column: int = 1
    status: str | None = None  # worktree: tracked | untracked | ignored
    commit: str | None = None  # history
    date: str | None = None  # history: author date, ISO-8601
    refs: list[str] | None = None  # history: refs that still reach the commit (the first REFS_LISTED)
    refs_count: int | None = None  # history: how many refs reach it (None: len(refs))
    blob: str | None = None  # history/staged: the blob id that holds it

    def to_json(self) -> dict:
        d: dict = {"kind": self.kind}
        if self.status is not None:
            d["status"] = self.status
        if self.commit is not None:
            d["commit"] = self.commit
        from scanner.redact import path_fields
        d.update(path_fields(self.path))  # + "path_b64" (exact bytes) for a name that is not UTF-8
        d["line"] = self.line
        d["column"] = self.column
        if self.kind == "history":
            d["date"] = self.date
            d["refs"] = list(self.refs or [])
            d["refs_count"] = self.refs_count if self.refs_count is not None else len(d["refs"])
        return d


@dataclass
class Blast:
    env: str = "unknown"
    scope: str = "unknown"
    privilege: str = "unknown"
    severity: str = "medium"
    evidence: list[str] = field(default_factory=list)
    reaches_production: bool = False
    why: str = ""  # one line for the terminal report

    def to_json(self) -> dict:
        return {"env": self.env, "scope": self.scope, "privilege": self.privilege,
                "severity": self.severity, "evidence": list(self.evidence)}


@dataclass
class Finding:
    rule: Rule
    secret: str
    locations: list[Location] = field(default_factory=list)
    contexts: list[dict] = field(default_factory=list)  # one per location, same order
    blast: Blast = field(default_factory=Blast)
    task_related: bool | None = None
    hidden_from: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    confidence: str = "medium"  # one of CONFIDENCES

    @property
    def short(self) -> bool:
        """A secret too short to hash where others can read the hash (reports, baselines):
        sha256 of a value under MIN_SECRET_LEN characters is reversed by trying them all."""
        from scanner.redact import MIN_SECRET_LEN
        return len(self.secret) < MIN_SECRET_LEN

    @property
    def sha256(self) -> str | None:
        """sha256 of the secret; None for a short one (see `short`)."""
        if self.short:
            return None
        return hashlib.sha256(self.secret.encode("utf-8", "surrogateescape")).hexdigest()

    @property
    def fingerprint(self) -> str:
        """Stable across moves: hash of rule and secret, never of offsets. A short secret's
        is a hash of rule and first place instead (see `short`), never of the secret."""
        if self.short:
            loc = self.locations[0] if self.locations else None
            where = f"{loc.kind}:{loc.path}:{loc.line}" if loc else ""
            return hashlib.sha256(f"short:{self.rule.id}:{where}".encode("utf-8", "surrogateescape")).hexdigest()
        return hashlib.sha256(f"{self.rule.id}:{self.secret}".encode("utf-8", "surrogateescape")).hexdigest()

    @property
    def redacted(self) -> str:
        from scanner.redact import redact
        return redact(self.secret, self.rule.keywords)

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK[self.blast.severity]

    @property
    def worktree_paths(self) -> list[str]:
        return sorted({loc.path for loc in self.locations if loc.kind == "worktree"})

    def to_json(self, show_secrets: bool = False) -> dict:
        d = {
            "rule": self.rule.id,
            "provider": self.rule.provider,
            "secret_redacted": self.redacted,
            "secret_sha256": self.sha256,
            "fingerprint": self.fingerprint,
            "locations": [loc.to_json() for loc in self.locations],
            "blast": self.blast.to_json(),
            "confidence": self.confidence,
            "task_related": self.task_related,
            "hidden_from": list(self.hidden_from),
            "notes": list(self.notes),
        }
        if show_secrets:
            d["secret"] = self.secret
        return d
