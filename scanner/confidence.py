"""How sure a finding is to be a real credential (issue 15): `high`, `medium` or `low`.

- high: the credential proved its shape: a checksum or a decoded structure (`validate`),
  a structured parser (kubeconfig, service-account JSON, .netrc ...), a PEM block, or a
  provider pattern whose rule also needed the provider named nearby (`context`).
- medium: a provider pattern alone; a generic value that is random-looking and assigned to
  a secret-bearing name in code or configuration.
- low: every other generic guess, and anything in documentation (docs/, examples/,
  README, *.md, *.rst, docstrings, comments) or, for generic values, in tests or in a
  source file that says a generator wrote it (`Code generated ... DO NOT EDIT`), unless a
  checksum or a structure says otherwise: these are reported for review, rated low, and
  never make `credfence ignore` hide a file.

A finding seen in several places takes the highest confidence of its places.
"""
from __future__ import annotations

from scanner.model import CONFIDENCES, Finding, Rule

_ORDER = {c: i for i, c in enumerate(reversed(CONFIDENCES))}  # low=0 .. high=2
DOC_NOTE = "documentation example: low confidence, reported for review"
GENERIC_NOTE = "generic guess (a secret-sounding name and a literal value): low confidence, reported for review"


# validators that prove a value's structure (a checksum, a decodable key, a parsed token),
# as opposed to ones that only reject unlikely shapes (mixed-hex, url-password)
# (not basic-auth: any base64 of `user:password` decodes so, and documentation is full of
# them, RFC 7617's Aladdin:open sesame first)
STRUCTURAL_VALIDATORS = {"github-crc32", "pypi-macaroon", "pem-body", "b64-private-key", "jwt", "bech32"}


def proven(rule: Rule, ctx: dict) -> bool:
    """A checksum, a decoded structure or a parser vouches for the value (not a validator
    that found the shape without the structure: a PEM armour around no key's bytes)."""
    if ctx.get("unproven"):
        return False
    return bool(rule.validate in STRUCTURAL_VALIDATORS or ctx.get("checksum") == "valid"
                or (rule.structured and not rule.generic) or rule.multiline or ctx.get("structured"))


def location_confidence(rule: Rule, path: str, ctx: dict) -> tuple[str, bool]:
    """(confidence, is documentation) for one place a finding was seen. A rule's own
    `confidence:` (rule data) stands unless a checksum failed or the place is documentation."""
    from detectors.generic import is_doc_path

    doc = bool(ctx.get("doc")) or (bool(path) and is_doc_path(path))
    if rule.generic:
        conf = ctx.get("confidence") or "low"
        # a generated source file's literals are its generator's input (an API's examples)
        return ("low" if doc or ctx.get("generated") else conf), doc
    if ctx.get("checksum") == "invalid":
        return "low", doc  # a documentation-format or older token: kept, and said so
    if proven(rule, ctx):
        return "high", doc
    if doc:
        return "low", doc
    if rule.confidence:
        return rule.confidence, doc
    if rule.context:
        return "high", doc
    return "medium", doc


def finding_confidence(f: Finding) -> str:
    best, all_doc = "low", True
    for loc, ctx in zip(f.locations, f.contexts or [{}] * len(f.locations)):
        conf, doc = location_confidence(f.rule, loc.path, ctx or {})
        all_doc = all_doc and doc
        if _ORDER[conf] > _ORDER[best]:
            best = conf
    if not f.locations:
        best = "medium"
    if best == "low":
        note = DOC_NOTE if all_doc and f.locations else GENERIC_NOTE if f.rule.generic else None
        if note and note not in f.notes:
            f.notes.append(note)
    return best


def at_least(conf: str, floor: str) -> bool:
    return _ORDER[conf] >= _ORDER[floor]
