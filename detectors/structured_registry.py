"""Which structured parser reads which file (issue 14): one entry per module in
detectors/structured/, so a new parser is that module (with a `scan(text) -> list[Hit]`), its
rule data in rules/structured.yaml, and one line here.

Kept free of imports beyond `re` because the engine builds its Hyperscan marker from it at
start-up (`MARKER`), before anything is parsed; the parser modules themselves are imported
only when a file needs them (detectors.structured.parsers_for).

An entry says when its parser runs:
- `names` / `paths` / `exts`: the file's base name (lower case), path suffix or extension
  decides alone: the file is parsed whatever it holds, and by that parser only.
- otherwise `wants(p, low, ext, text)` decides from the name and cheap content checks, and
  `marker` is a regex (Python and Hyperscan syntax) that every file it wants holds: a file
  with no marker and no deciding name is never parsed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

YAML_EXT = frozenset({"yaml", "yml", ""})
INI_EXT = frozenset({"ini", "cfg", "conf", "config", "txt", ""})
_KIND = re.compile(r"""^\s{0,8}(?:-\s+)?["']?kind["']?\s*:\s*["']?(Config|Secret)["']?\s*,?\s*$""", re.M)
_AWS_KEYS = re.compile(r"aws_secret_access_key|aws_session_token", re.I)
DOCKER_NAMES = frozenset({"config.json", ".dockercfg", "dockerconfig.json", ".dockerconfigjson"})


# _KIND without its start: found in every text _KIND matches, and fast to look for (it starts with
# a word, which re finds at C speed; _KIND's `^\s{0,8}` is tried at every line): a Helm
# repository's 1 MB index.yaml, confirmed at each of its versions, took 25 ms to find no kind
_KIND_CORE = re.compile(r"""kind["']?\s*:\s*["']?(?:Config|Secret)["']?\s*,?\s*$""", re.M)


_KINDS_OF: tuple = (None, frozenset())  # the last text kinds() was asked about, and its answer


def kinds(text: str) -> frozenset[str]:
    """The Kubernetes kinds among Config and Secret that the text declares (YAML or JSON, any
    indentation: list items and `kind: List` members count). The last text's answer is kept:
    detect asks about one text up to three times (two parsers' `wants`, then whether its
    Secret data is decoded), each a search through all of it."""
    global _KINDS_OF
    last = _KINDS_OF  # (read once: a thread replacing it meanwhile cannot mix two texts' answers)
    if last[0] is text:
        return last[1]
    if "kind" not in text:
        found = frozenset()
    else:
        # _KIND tried only at the start of each line _KIND_CORE ends: its own finditer tried
        # `^` at every character (15 % of linkerd2's history scan, whose generated install
        # manifests of hundreds of kB each declare Secrets, in thousands of versions)
        got = set()
        for m in _KIND_CORE.finditer(text):
            line = _KIND.match(text, text.rfind("\n", 0, m.start()) + 1)
            if line:
                got.add(line.group(1))
        found = frozenset(got)
    _KINDS_OF = (text, found)
    return found


def is_dotenv(low: str) -> bool:
    return low == ".env" or low.startswith(".env.") or (low.endswith(".env") and len(low) > 4)


@dataclass(frozen=True)
class Parser:
    module: str  # detectors.structured.<module>
    names: frozenset = frozenset()
    paths: tuple = ()
    exts: frozenset = frozenset()
    name_test: Callable[[str], bool] | None = None  # on the lower-case base name
    path_test: Callable[[str], bool] | None = None  # on the lower-case path
    wants: Callable[[str, str, str, str], bool] | None = None  # (path lower, base lower, ext, text)
    marker: str | None = None

    def by_name(self, p: str, low: str, ext: str) -> bool:
        return low in self.names or ext in self.exts or any(p.endswith(s) for s in self.paths) or \
            bool(self.name_test and self.name_test(low)) or bool(self.path_test and self.path_test(p))


PARSERS: tuple[Parser, ...] = (
    Parser("dotenv", name_test=is_dotenv),
    Parser("netrc", names=frozenset({".netrc", "_netrc", "netrc"})),
    Parser("pypirc", names=frozenset({".pypirc"})),
    Parser("npmrc", names=frozenset({".npmrc", "npmrc"})),
    Parser("gitcreds", names=frozenset({".git-credentials", "git-credentials"}), paths=(".config/git/credentials",)),
    Parser("terraform", exts=frozenset({"tf", "tfvars"})),
    Parser("pgpass", names=frozenset({".pgpass", "pgpass", "pgpass.conf"})),
    Parser("coveralls", names=frozenset({".coveralls.yml", ".coveralls.yaml"})),
    Parser("rails_key", paths=("config/master.key",), path_test=lambda p: "config/credentials/" in p and p.endswith(".key")),
    # container registry credentials: a Docker config by name, or an `auths` map in any JSON.
    # The marker is the key `"auths"` whole, or `"auth"` holding a string (a legacy .dockercfg's
    # base64 user:password): `"auth` alone is in every package.json's `"author"`, and made
    # every version of each one be confirmed (getsentry/sentry-javascript: 24,147 of its
    # 108,988 blobs, for nothing), and `"auth"` alone in every AWS service model's
    # `"auth": ["aws.auth#sigv4"]` (aws/aws-cli's botocore data: thousands of megabyte versions)
    Parser("docker", marker=r'"auths"|"auth"\s*:\s*"',
           wants=lambda p, low, ext, text: (ext == "json" or low == ".dockercfg") and (
               '"auths"' in text or (low in DOCKER_NAMES and '"auth' in text))),
    Parser("gcp", marker=r'"service_account"',
           wants=lambda p, low, ext, text: ext == "json" and '"service_account"' in text and '"private_key"' in text),
    Parser("aws", marker=r"(?i:aws_se)",
           wants=lambda p, low, ext, text: (ext in INI_EXT or low == "credentials" or "/.aws/" in p or p.startswith(".aws/"))
           and _AWS_KEYS.search(text) is not None),
    # (the marker is the kind the parser wants, as k8s_secret's is: `kind:` alone is in every
    # Kubernetes manifest)
    Parser("kubeconfig", marker=r"""kind["']?\s*:\s*["']?Config\b""",
           wants=lambda p, low, ext, text: (ext in YAML_EXT or "kubeconfig" in low or "/.kube/" in p or p.startswith(".kube/"))
           and "users:" in text and "Config" in kinds(text)),
    Parser("k8s_secret", marker=r'kind"?\s*:\s*"?Secret',
           wants=lambda p, low, ext, text: ext in YAML_EXT | {"json"} and "Secret" in kinds(text)),
    # Maven settings.xml <server><password> and settings-security.xml <master>
    Parser("maven", marker=r"<password>|<passphrase>|<master>",
           wants=lambda p, low, ext, text: ext == "xml" and (
               ("<server>" in text and ("<password>" in text or "<passphrase>" in text)) or "<settingsSecurity>" in text)),
)

# what the engine matches with the rules (scanner.engine.STRUCTURED_CANDIDATE)
MARKER = "|".join(dict.fromkeys(p.marker for p in PARSERS if p.marker))
NAME_DECIDES = tuple(p for p in PARSERS if p.wants is None)
BY_CONTENT = tuple(p for p in PARSERS if p.wants is not None)
