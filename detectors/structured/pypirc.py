"""`.pypirc`: `[repository] username / password`. A `pypi-` API token is reported under the
regex rule id `pypi-token` (so the findings merge), any other password as `pypirc-password`."""
from __future__ import annotations

from scanner.model import Hit

from ._util import ctx, ini_items, is_placeholder, url_host

_DEFAULT_HOSTS = {"pypi": "upload.pypi.org", "testpypi": "test.pypi.org"}


def scan(text: str) -> list[Hit]:
    sections: dict[str | None, dict[str, tuple[str, int, int]]] = {}
    for section, key, value, line, col in ini_items(text):
        sections.setdefault(section, {})[key.lower()] = (value, line, col)
    hits: list[Hit] = []
    for section, items in sections.items():
        if section == "distutils" or "password" not in items:
            continue
        value, line, col = items["password"]
        if not value or is_placeholder(value, ("pypi-",)):
            continue
        user = items.get("username", (None,))[0]
        repo = items.get("repository", (None,))[0]
        host = url_host(repo) if repo else _DEFAULT_HOSTS.get(section or "")
        rule = "pypi-token" if value.startswith("pypi-") else "pypirc-password"
        hits.append(Hit(rule, value, line, col, ctx(key="password", section=section, host=host, user=user)))
    return hits
