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
- `virtual_texts(path, text) -> list[(base_line, text, extra)]`: all of the above that apply
  to this file, in the shape scanner/pipeline.py consumes. `extra` is merged into the hits'
  context. When `extra["fixed_line"]` is true the whole virtual text belongs to `base_line`
  (a decoded value sits on one line of the file); otherwise virtual line k is file line
  `base_line + k - 1` (notebook cells).
- `is_structured_candidate(path, text) -> bool`: the cheap dispatch check alone.
- `path_may_be_structured(path)` and `name_decides_parse(path)`: the same question from
  the name alone, before decoding; the content markers the other parsers need are matched
  by the engine with the rules (scanner.engine.STRUCTURED_CANDIDATE).
"""
from __future__ import annotations

import re
from functools import lru_cache

from scanner.model import Hit

from .decode import decoded_texts
from .k8s_secret import k8s_secret_texts
from .notebook import notebook_texts

__all__ = ["scan_structured", "virtual_texts", "notebook_texts", "k8s_secret_texts", "decoded_texts", "is_structured_candidate",
           "STRUCTURED_RULE_IDS"]

STRUCTURED_RULE_IDS = (
    "kubeconfig-token", "kubeconfig-client-key", "kubeconfig-password", "gcp-service-account-key",
    "aws-secret-access-key", "aws-session-token", "netrc-password", "pypirc-password", "pypi-token",
    "npmrc-auth", "docker-config-auth", "git-credentials", "kubernetes-secret", "terraform-secret",
    "dotenv-secret",
)

_KIND = re.compile(r"^kind:\s*[\"']?(Config|Secret)[\"']?\s*$", re.M)
_AWS_KEYS = re.compile(r"aws_secret_access_key|aws_session_token", re.I)
_YAML_EXT = {"yaml", "yml", ""}
_INI_EXT = {"ini", "cfg", "conf", "config", "txt", ""}


@lru_cache(maxsize=1 << 16)  # a history holds many versions of the same paths
def _split(path: str) -> tuple[str, str, str]:
    p = path.replace("\\", "/")
    base = p.rsplit("/", 1)[-1]
    low = base.lower()
    ext = low.rsplit(".", 1)[-1] if "." in low.lstrip(".") else ""
    return p.lower(), low, ext


def _is_dotenv(low: str) -> bool:
    return low == ".env" or low.startswith(".env.") or (low.endswith(".env") and len(low) > 4)


def _parsers(path: str, text: str):
    """The parser modules that apply, decided from the name and cheap substring checks."""
    p, low, ext = _split(path)
    if ext in ("py", "js", "ts", "tsx", "jsx", "go", "rs", "java", "c", "h", "cpp", "rb", "php", "md", "html",
               "css", "scss", "svg", "lock", "sum", "mod", "ipynb", "csv", "xml", "sh", "kt", "swift", "cs"):
        return
    if _is_dotenv(low):
        from . import dotenv
        yield dotenv
        return
    if low in (".netrc", "_netrc", "netrc"):
        from . import netrc
        yield netrc
        return
    if low == ".pypirc":
        from . import pypirc
        yield pypirc
        return
    if low in (".npmrc", "npmrc"):
        from . import npmrc
        yield npmrc
        return
    if low in (".git-credentials", "git-credentials") or p.endswith(".config/git/credentials"):
        from . import gitcreds
        yield gitcreds
        return
    if ext in ("tf", "tfvars"):
        from . import terraform
        yield terraform
        return
    if ext == "json" or low == ".dockercfg":
        if low in ("config.json", ".dockercfg", "dockerconfig.json", ".dockerconfigjson") and '"auth' in text:
            from . import docker
            yield docker
        if '"service_account"' in text and '"private_key"' in text:
            from . import gcp
            yield gcp
        return
    if (ext in _INI_EXT or low == "credentials" or "/.aws/" in p or p.startswith(".aws/")) and _AWS_KEYS.search(text):
        from . import aws
        yield aws
    if (ext in _YAML_EXT or "kubeconfig" in low or "/.kube/" in p or p.startswith(".kube/")) and "kind:" in text:
        kinds = {m.group(1) for m in _KIND.finditer(text)}
        if "Config" in kinds and "users:" in text:
            from . import kubeconfig
            yield kubeconfig
        if "Secret" in kinds:
            from . import k8s_secret
            yield k8s_secret


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


def virtual_texts(path: str, text: str) -> list[tuple[int, str, dict]]:
    """Texts hidden inside encodings, for the engine to scan with its regex rules."""
    out: list[tuple[int, str, dict]] = []
    try:
        _p, low, ext = _split(path)
        if ext == "ipynb":
            compact = text.count("\n") < 2
            return [(line, t, {"notebook": True, "fixed_line": True} if compact else {"notebook": True})
                    for line, t in notebook_texts(text)]
        if ext in _YAML_EXT and "kind:" in text and any(m.group(1) == "Secret" for m in _KIND.finditer(text)):
            out = [(line, t, {**c, "fixed_line": True}) for line, t, c in k8s_secret_texts(text)]
            if out:
                return out
        if len(text) <= _MAX_DECODE_INPUT:
            out += [(line, t, {"fixed_line": True}) for line, t in decoded_texts(text)]
    except Exception:
        return out
    return out


_CODE_EXT = {"py", "js", "ts", "tsx", "jsx", "go", "rs", "java", "c", "h", "cpp", "rb", "php", "md", "html",
             "css", "scss", "svg", "lock", "sum", "mod", "csv", "xml", "sh", "kt", "swift", "cs"}


@lru_cache(maxsize=1 << 16)
def path_may_be_structured(path: str) -> bool:
    """From the name alone: could a parser or an embedded-text extractor apply? False for
    ordinary source files, so the scanner need not decode them when no rule fires."""
    _p, _low, ext = _split(path)
    return ext not in _CODE_EXT


@lru_cache(maxsize=1 << 16)
def name_decides_parse(path: str) -> bool:
    """Files parsed whatever they hold (dotenv, .netrc, .pypirc, .npmrc, git credentials,
    Terraform, notebooks). Every other structured parser first looks for a marker that
    scanner.engine.STRUCTURED_CANDIDATE lists, so a file without one has nothing to parse."""
    p, low, ext = _split(path)
    return ext in ("ipynb", "tf", "tfvars") or _is_dotenv(low) or \
        low in (".netrc", "_netrc", "netrc", ".pypirc", ".npmrc", "npmrc", ".git-credentials", "git-credentials") or \
        p.endswith(".config/git/credentials")
