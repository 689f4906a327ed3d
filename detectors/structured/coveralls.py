"""Coveralls' configuration file, `.coveralls.yml`: a YAML mapping whose `repo_token` is
"the secret repo token for your repository" (coveralls-python's and coveralls-ruby's
documentation; coveralls-ruby also reads `repo_secret_token`). A CI job posts the
repository's coverage with it. The file names no provider next to the value, so the
Coveralls rule's pattern (`COVERALLS_REPO_TOKEN=...`) cannot see it, and the generic guess
rated it high, a secret of unknown scope and privilege (aio-libs/aiohttp's 2013 history)."""
from __future__ import annotations

from scanner.model import Hit

from ._util import compose_yaml_all, ctx, is_placeholder, yget, ypos, ystr

_KEYS = ("repo_token", "repo_secret_token")


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for doc in compose_yaml_all(text):
        for key in _KEYS:
            node = yget(doc, key)
            val = ystr(node)
            if not val or is_placeholder(val):
                continue
            line, col = ypos(node)
            hits.append(Hit("coveralls-repo-token", val, line, col,
                            ctx(key=key, service=ystr(yget(doc, "service_name")))))
    return hits
