"""Structured credential files, parsed rather than regex-matched (issue 8 items 2 and 3).

Public API (the engine calls these; all are pure functions of (path, text), never raise,
never execute anything, and return [] quickly for ordinary source files):

- `scan_structured(path, text) -> list[Hit]`: kubeconfig, GCP service-account JSON, AWS
  credentials/config, .netrc, .pypirc, .npmrc, Docker config.json, .git-credentials,
  Kubernetes Secret manifests, Terraform, dotenv. Hit.context carries `key`, `section`,
  `host`, `user` (omitted when unknown) plus parser-specific extras.
- `notebook_texts(text) -> list[(first_line, text)]`: un-escaped .ipynb cell sources/outputs
  for the engine to scan with its regex rules (see notebook.py for the line mapping).
- `k8s_secret_texts(text) -> list[(line, "KEY=value", context)]`: decoded Secret values.
- `decoded_texts(text, max_depth=2, max_len=65536) -> list[(line, decoded)]`: base64 and
  URL-encoded values in secret-bearing contexts, decoded.
- `virtual_texts(path, text) -> list[VirtualText]`: all of the above that apply to this
  file, for scanner/detect.py. `context` is merged into the hits' context. When `one_line`
  is true the whole virtual text belongs to `line` (a decoded value sits on one line of
  the file); otherwise virtual line k is file line `line + k - 1` (notebook cells).
- `is_structured_candidate(path, text) -> bool`: the cheap dispatch check alone.
- `path_may_be_structured(path)` and `name_decides_parse(path)`: the same question from
  the name alone, before decoding; the content markers the other parsers need are matched
  by the engine with the rules (scanner.engine.STRUCTURED_CANDIDATE).
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from detectors.structured_registry import BY_CONTENT, NAME_DECIDES, YAML_EXT as _YAML_EXT, kinds
from scanner.model import Hit

from .decode import decoded_texts
from .k8s_secret import k8s_secret_texts
from .notebook import notebook_texts

__all__ = ["scan_structured", "virtual_texts", "VirtualText", "notebook_texts", "k8s_secret_texts", "decoded_texts", "is_structured_candidate",
           "STRUCTURED_RULE_IDS"]

STRUCTURED_RULE_IDS = (
    "kubeconfig-token", "kubeconfig-client-key", "kubeconfig-password", "gcp-service-account-key",
    "aws-secret-access-key", "aws-session-token", "netrc-password", "pypirc-password", "pypi-token",
    "npmrc-auth", "docker-config-auth", "git-credentials", "kubernetes-secret", "terraform-secret",
    "dotenv-secret", "pgpass-password", "maven-server-password", "maven-master-password", "rails-master-key",
    "coveralls-repo-token",  # defined by rules/ci.yaml: .coveralls.yml's token is that token
)

# source files no parser reads (the registry's content checks never run on them)
_SKIP_EXT = {"py", "js", "ts", "tsx", "jsx", "go", "rs", "java", "c", "h", "cpp", "rb", "php", "md", "html",
             "css", "scss", "svg", "lock", "sum", "mod", "ipynb", "csv", "sh", "kt", "swift", "cs",
             # JavaScript's and TypeScript's module forms: Yarn's 3 MB release bundle,
             # .yarn/releases/yarn-4.x.cjs, says "kind:" and "Secret" and was decoded whole
             "cjs", "mjs", "cts", "mts"}


@lru_cache(maxsize=1 << 16)  # a history holds many versions of the same paths
def _split(path: str) -> tuple[str, str, str]:
    p = path.replace("\\", "/")
    base = p.rsplit("/", 1)[-1]
    low = base.lower()
    ext = low.rsplit(".", 1)[-1] if "." in low.lstrip(".") else ""
    return p.lower(), low, ext


def _module(name: str):
    import importlib
    return importlib.import_module(f"{__name__}.{name}")


def _parsers(path: str, text: str):
    """The parser modules that apply (detectors.structured_registry decides)."""
    p, low, ext = _split(path)
    if ext in _SKIP_EXT:
        return
    for entry in NAME_DECIDES:
        if entry.by_name(p, low, ext):
            yield _module(entry.module)
            return
    for entry in BY_CONTENT:
        if entry.wants(p, low, ext, text):
            yield _module(entry.module)


def is_structured_candidate(path: str, text: str) -> bool:
    return next(iter(_parsers(path, text)), None) is not None


def scan_structured(path: str, text: str) -> list[Hit]:
    """Hits from every structured parser that applies to this file; [] on any parse problem."""
    hits: list[Hit] = []
    try:
        for mod in _parsers(path, text):
            try:
                hits.extend(mod.scan(text))
            except Exception:  # malformed input never raises out of a parser
                continue
    except Exception:
        return hits
    return hits


_MAX_DECODE_INPUT = 5 * 1024 * 1024


class VirtualText(NamedTuple):
    """A text hidden inside another (a decoded value, a notebook cell), and where it sits."""
    line: int  # the file line it starts on
    text: str
    context: dict  # merged into the context of every hit in it
    one_line: bool  # the whole text belongs to `line` (a decoded value on one line)


def virtual_texts(path: str, text: str) -> list[VirtualText]:
    """Texts hidden inside encodings, for the engine to scan with its regex rules."""
    out: list[VirtualText] = []
    try:
        _p, low, ext = _split(path)
        if ext == "ipynb":
            compact = text.count("\n") < 2
            return [VirtualText(line, t, {"notebook": True}, compact) for line, t in notebook_texts(text)]
        if ext in _YAML_EXT | {"json"} and "Secret" in kinds(text):
            out = [VirtualText(line, t, dict(c), True) for line, t, c in k8s_secret_texts(text)]
            if out:
                return out
        if len(text) <= _MAX_DECODE_INPUT:
            out += [VirtualText(line, t, {}, True) for line, t in decoded_texts(text)]
    except Exception:
        return out
    return out


_CODE_EXT = _SKIP_EXT - {"ipynb"}


@lru_cache(maxsize=1 << 16)
def path_may_be_structured(path: str) -> bool:
    """From the name alone: could a parser or an embedded-text extractor apply? False for
    ordinary source files, so the scanner need not decode them when no rule fires."""
    _p, _low, ext = _split(path)
    return ext not in _CODE_EXT


@lru_cache(maxsize=1 << 16)
def name_decides_parse(path: str) -> bool:
    """Files parsed whatever they hold (dotenv, .netrc, .pypirc, .npmrc, git credentials,
    Terraform, .pgpass, notebooks). Every other structured parser first looks for a marker
    that scanner.engine.STRUCTURED_CANDIDATE lists (detectors.structured_registry.MARKER), so
    a file without one has nothing to parse."""
    p, low, ext = _split(path)
    return ext == "ipynb" or any(e.by_name(p, low, ext) for e in NAME_DECIDES)
