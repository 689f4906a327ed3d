"""Load detector rules from YAML (detectors/rules/*.yaml and user config) into Rule objects.

Parsing YAML for hundreds of rules costs more than a pre-commit hook can spend, so the
parsed rules are cached as JSON keyed by a hash of the rule files' bytes (see cache.py).
"""
from __future__ import annotations

from scanner.errors import CredfenceError

import hashlib
import json
import re
from pathlib import Path

from scanner.model import CONFIDENCES, PRIVILEGES, SCOPES, ENVS, Rule

RULES_DIR = Path(__file__).resolve().parent.parent / "detectors" / "rules"

_FIELDS = {"id", "provider", "name", "pattern", "keywords", "entropy", "context", "context_lines",
           "validate", "scope", "privilege", "env_from_secret", "privilege_from_secret",
           "scope_from_secret", "public", "generic", "impact", "description", "examples",
           "multiline", "structured", "example_path", "requires", "confidence", "carrier", "prefilter", "refine",
           "lifetime_hours"}
REQUIRES = ("context", "entropy", "checksum", "structure")
_REFINE_FIELDS = {"context", "context_lines", "privilege", "scope", "evidence", "examples"}
# a refinement reads lines the evidence memo keys on (scanner/context.py: 400 above, 50 below)
MAX_REFINE_LINES = 50


class RuleError(CredfenceError, ValueError):
    """A rule file is malformed; the message names the file and rule."""


def rule_files(extra: list[Path] | None = None) -> list[Path]:
    return sorted(RULES_DIR.glob("*.yaml")) + list(extra or [])


def files_digest(files: list[Path], extra_rules: list[dict] | None = None) -> str:
    """The key of load_rules' cache: the rule files, the configuration's rules, and this
    module and scanner/model.py, whose checks and Rule the cached entries passed."""
    h = hashlib.sha256()
    for own in (Path(__file__), Path(__file__).with_name("model.py")):
        h.update(own.read_bytes())
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    if extra_rules:
        h.update(json.dumps(extra_rules, sort_keys=True).encode())
    return h.hexdigest()[:24]


def rule_from_dict(d: dict, family: str, compile: bool = True, checked: bool = False) -> Rule:
    """The Rule a rule file's entry (or a configuration's) describes, its fields checked
    first unless `checked` (load_rules' cache holds only entries checked when it was
    written: checking the 419 built-in rules again was 7 ms of every run's start)."""
    rid = d.get("id", "?")
    where = f"{family}: rule {rid if isinstance(rid, str) else repr(rid)[:40]}"
    if not checked:
        _check(d, where)
    rule = _build(d, family)
    if compile:
        compile_rule(rule, where)
    return rule


def _check(d: dict, where: str) -> None:
    """Refuse an entry that is not a valid rule, with a line that says where and why."""
    unknown = set(d) - _FIELDS
    if unknown:
        raise RuleError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    for key in ("id", "provider") if d.get("structured") else ("id", "provider", "pattern"):
        if not isinstance(d.get(key), str) or not d.get(key):
            raise RuleError(f"{where}: missing {key!r}")
    if d.get("scope", "unknown") not in SCOPES:
        raise RuleError(f"{where}: scope must be one of {', '.join(SCOPES)}")
    if (d.get("confidence") or "high") not in CONFIDENCES:
        raise RuleError(f"{where}: confidence must be one of {', '.join(CONFIDENCES)}")
    if d.get("privilege", "unknown") not in PRIVILEGES:
        raise RuleError(f"{where}: privilege must be one of {', '.join(PRIVILEGES)}")
    check_types(d, where)
    for m, allowed in (("env_from_secret", ENVS), ("privilege_from_secret", PRIVILEGES), ("scope_from_secret", SCOPES)):
        for v in (d.get(m) or {}).values():
            if v not in allowed:
                raise RuleError(f"{where}: {m} value {v!r} must be one of {', '.join(allowed)}")
    for req in d.get("requires") or []:
        if req not in REQUIRES:
            raise RuleError(f"{where}: requires value {req!r} must be among {', '.join(REQUIRES)}")
    if "context" in (d.get("requires") or []) and not d.get("context"):
        raise RuleError(f"{where}: requires context but has no context regex")
    if "entropy" in (d.get("requires") or []) and not d.get("entropy"):
        raise RuleError(f"{where}: requires entropy but has no entropy threshold")
    if "checksum" in (d.get("requires") or []) and not d.get("validate"):
        raise RuleError(f"{where}: requires checksum but has no validator")
    if d.get("prefilter"):
        if d["prefilter"] != "context":
            raise RuleError(f"{where}: prefilter must be 'context'")
        if "context" not in (d.get("requires") or []) or d.get("multiline"):
            raise RuleError(f"{where}: prefilter: context needs requires: [context] and a one-line pattern")


# an optional quote in a pattern, `["']?` (a backtick too, escaped or not): it also takes the
# backslash that escapes it, for a JSON document written inside a string, `"{\"password\":
# \"...\"}"` in a Java or C# test, a curl -d payload in a script (CredSweeper's samples hold
# such lines; every rule's separator missed them). Only an optional one: a quote a pattern
# requires is part of a format.
_OPTIONAL_QUOTE = re.compile(r"""(?<!\\)\[(\\?"'`?)\]\?""")


def escaped_quotes_too(pattern: str) -> str:
    """The pattern with each optional quote class also taking a backslash before the quote
    (idempotent: the rewritten form has no `["']?` left)."""
    return _OPTIONAL_QUOTE.sub(lambda m: "(?:\\\\?[" + m.group(1) + "])?", pattern)


def _build(d: dict, family: str) -> Rule:
    ex = d.get("examples") or {}
    return Rule(
        id=d["id"], provider=d["provider"], name=d.get("name") or d["id"],
        pattern=escaped_quotes_too(d.get("pattern") or ""),
        keywords=[str(k) for k in (d.get("keywords") or [])],
        scope=d.get("scope", "unknown"), privilege=d.get("privilege", "unknown"),
        entropy=d.get("entropy"), context=d.get("context"), context_lines=int(d.get("context_lines", 3)),
        validate=d.get("validate"), env_from_secret=dict(d.get("env_from_secret") or {}),
        privilege_from_secret=dict(d.get("privilege_from_secret") or {}),
        scope_from_secret=dict(d.get("scope_from_secret") or {}),
        public=bool(d.get("public", False)), generic=bool(d.get("generic", False)),
        impact=d.get("impact", ""), description=d.get("description", ""),
        positive=[str(x) for x in ex.get("positive") or []], negative=[str(x) for x in ex.get("negative") or []],
        multiline=bool(d.get("multiline", False)), structured=bool(d.get("structured", False)),
        example_path=d.get("example_path", ""), family=family, requires=[str(x) for x in d.get("requires") or []],
        confidence=d.get("confidence") or "", carrier=bool(d.get("carrier", False)),
        prefilter=d.get("prefilter") or "", refine=[dict(x) for x in d.get("refine") or []],
        lifetime_hours=d.get("lifetime_hours"),
    )


_STR_FIELDS = ("name", "context", "validate", "impact", "description", "example_path", "scope", "privilege",
               "prefilter")
_BOOL_FIELDS = ("public", "generic", "multiline", "structured")
MAX_PATTERN = 4096  # characters of a rule's pattern or context regex


def _kind(v) -> str:
    return type(v).__name__


def check_types(d: dict, where: str) -> None:
    """Every field of a rule has its type, or one RuleError line names the rule and key
    (a wrong type used to surface as "internal error (TypeError)" mid-scan)."""
    for k in _STR_FIELDS:
        if d.get(k) is not None and not isinstance(d[k], str):
            raise RuleError(f"{where}: '{k}' must be a string, not {_kind(d[k])}")
    for k in ("pattern", "context"):
        if isinstance(d.get(k), str) and len(d[k]) > MAX_PATTERN:
            raise RuleError(f"{where}: '{k}' is longer than {MAX_PATTERN} characters")
    for k in _BOOL_FIELDS:
        if d.get(k) is not None and not isinstance(d[k], bool):
            raise RuleError(f"{where}: '{k}' must be true or false, not {_kind(d[k])}")
    kw = d.get("keywords")
    if kw is not None and (not isinstance(kw, list) or not all(isinstance(k, str) and k for k in kw)):
        raise RuleError(f"{where}: 'keywords' must be a list of non-empty strings, not {_kind(kw)}")
    ent = d.get("entropy")
    if ent is not None and (isinstance(ent, bool) or not isinstance(ent, (int, float)) or not 0 <= ent <= 8):
        raise RuleError(f"{where}: 'entropy' must be a number from 0 to 8 (bits per character), not {_kind(ent)}")
    cl = d.get("context_lines")
    if cl is not None and (isinstance(cl, bool) or not isinstance(cl, int) or not 0 <= cl <= 1000):
        raise RuleError(f"{where}: 'context_lines' must be a whole number from 0 to 1000, not {_kind(cl)}")
    life = d.get("lifetime_hours")
    if life is not None and (isinstance(life, bool) or not isinstance(life, int) or not 0 < life <= 24 * 366):
        raise RuleError(f"{where}: 'lifetime_hours' must be a whole number of hours from 1 to 8784, not {life!r}")
    for k in ("env_from_secret", "privilege_from_secret", "scope_from_secret"):
        m = d.get(k)
        if m is not None and (not isinstance(m, dict) or not all(isinstance(a, str) and isinstance(b, str)
                                                                 for a, b in m.items())):
            raise RuleError(f"{where}: '{k}' must be a mapping of secret prefixes to names")
    _check_refine(d.get("refine"), where)
    ex = d.get("examples")
    if ex is not None:
        if not isinstance(ex, dict) or set(ex) - {"positive", "negative"}:
            raise RuleError(f"{where}: 'examples' must be a mapping with 'positive' and 'negative' lists")
        for k in ("positive", "negative"):
            v = ex.get(k)
            if v is not None and (not isinstance(v, list) or not all(isinstance(x, (str, int, float)) for x in v)):
                raise RuleError(f"{where}: 'examples.{k}' must be a list of strings")


def _check_refine(refine, where: str) -> None:
    """`refine`: a list of mappings, each a context regex, the privilege or scope it means,
    one clause of evidence, and an example text the tests run both ways."""
    if refine is None:
        return
    if not isinstance(refine, list) or not all(isinstance(x, dict) for x in refine):
        raise RuleError(f"{where}: 'refine' must be a list of mappings")
    for x in refine:
        unknown = set(x) - _REFINE_FIELDS
        if unknown:
            raise RuleError(f"{where}: refine: unknown key {sorted(unknown)[0]!r}")
        if not isinstance(x.get("context"), str) or not x["context"] or len(x["context"]) > MAX_PATTERN:
            raise RuleError(f"{where}: refine: 'context' must be a regex of at most {MAX_PATTERN} characters")
        cl = x.get("context_lines", 0)
        if isinstance(cl, bool) or not isinstance(cl, int) or not 0 <= cl <= MAX_REFINE_LINES:
            raise RuleError(f"{where}: refine: 'context_lines' must be a whole number from 0 to {MAX_REFINE_LINES}")
        if not x.get("privilege") and not x.get("scope"):
            raise RuleError(f"{where}: refine: needs a 'privilege' or a 'scope'")
        if x.get("privilege") is not None and x["privilege"] not in PRIVILEGES:
            raise RuleError(f"{where}: refine: privilege must be one of {', '.join(PRIVILEGES)}")
        if x.get("scope") is not None and x["scope"] not in SCOPES:
            raise RuleError(f"{where}: refine: scope must be one of {', '.join(SCOPES)}")
        if not isinstance(x.get("evidence"), str) or not x["evidence"]:
            raise RuleError(f"{where}: refine: 'evidence' must be one clause of text")
        ex = x.get("examples")
        if ex is not None and (not isinstance(ex, dict) or set(ex) - {"refined", "unrefined"} or
                               not all(isinstance(v, list) and all(isinstance(t, str) for t in v)
                                       for v in ex.values())):
            raise RuleError(f"{where}: refine: 'examples' must map 'refined' and 'unrefined' to lists of texts")


def compile_rule(rule: Rule, where: str = "") -> None:
    if rule.structured and not rule.pattern:
        return
    try:
        # ASCII semantics for \b and \w, the same as Hyperscan's, so both engines agree
        rule.regex = re.compile(rule.pattern, re.ASCII)
        rule.context_regex = re.compile(rule.context, re.ASCII) if rule.context else None
        rule.refine_regexes = [re.compile(x["context"], re.ASCII) for x in rule.refine]
    except re.error as e:
        raise RuleError(f"{where or rule.id}: bad regex: {e}") from None
    if "secret" not in rule.regex.groupindex:
        raise RuleError(f"{where or rule.id}: pattern has no (?P<secret>...) group")
    if rule.family == "config":  # a scanned repository's own rules: under a time budget
        from scanner.budget import BudgetedPattern

        rule.regex = BudgetedPattern(rule.regex, rule.id)
        if rule.context_regex is not None:
            rule.context_regex = BudgetedPattern(rule.context_regex, rule.id)
        rule.refine_regexes = [BudgetedPattern(r, rule.id) for r in rule.refine_regexes]


def rule_to_dict(r: Rule) -> dict:
    d = {k: getattr(r, k) for k in ("id", "provider", "name", "pattern", "keywords", "scope", "privilege",
                                     "entropy", "context", "context_lines", "validate", "env_from_secret",
                                     "privilege_from_secret", "scope_from_secret", "public", "generic",
                                     "impact", "description", "multiline", "structured", "example_path", "requires",
                                     "confidence", "carrier", "prefilter", "refine", "lifetime_hours")}
    d["examples"] = {"positive": r.positive, "negative": r.negative}
    return d


# validators that check a checksum or decode a structure: a hit they accept is a credential
# by construction, not by shape alone
def parse_rule_files(files: list[Path]) -> list[Rule]:
    import yaml  # lazy: only when the cache is cold

    rules: list[Rule] = []
    seen: set[str] = set()
    for f in files:
        try:
            doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise RuleError(f"{f.name}: cannot read rules: {str(e).splitlines()[0]}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
            raise RuleError(f"{f.name}: expected a mapping with a 'rules' list")
        for d in doc["rules"]:
            if not isinstance(d, dict):
                raise RuleError(f"{f.name}: each rule must be a mapping")
            r = rule_from_dict(d, f.stem)
            if r.id in seen:
                raise RuleError(f"{f.name}: duplicate rule id {r.id!r}")
            seen.add(r.id)
            rules.append(r)
    return rules


def load_rules(extra_rules: list[dict] | None = None, use_cache: bool = True) -> list[Rule]:
    """All built-in rules plus extra rule dicts from the user's configuration."""
    from scanner import cache

    files = rule_files()
    digest = files_digest(files, extra_rules)
    cached = cache.load_json(f"rules-{digest}.json") if use_cache else None
    if cached is not None:
        # validated when cached; regexes compile on first use (engine.regex_of), since a
        # pre-commit run touches only the few rules whose patterns fire
        return [rule_from_dict(d, d.pop("_family", ""), compile=False, checked=True) for d in cached]
    rules = parse_rule_files(files)
    seen = {r.id for r in rules}
    for d in extra_rules or []:
        r = rule_from_dict(d, "config")
        if r.id in seen:
            raise RuleError(f"config: rule id {r.id!r} already exists")
        rules.append(r)
    if use_cache:
        cache.store_json(f"rules-{digest}.json", [{**rule_to_dict(r), "_family": r.family} for r in rules])
    return rules
