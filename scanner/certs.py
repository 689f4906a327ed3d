"""The certificates beside a private key: what they are issued to says whose key it is.

A PEM private key whose own file, or whose folder, holds certificates issued only to names
no deployment can have (localhost, a loopback address, example.com, .test: detectors/x509.py)
is a test or local server's key, whatever its folder is called: redis-py's
docker/stunnel/keys/ (a CA, a server and a client key, their certificates issued to
example.com). Each location's context gets `cert_hosts` (the names) and `cert_file`, which
scanner/blast.py reads. A folder with any certificate for another name changes nothing.

Read for the key findings only (a handful), from the work tree (never following a link out
of the root) or, for a key only the history holds, from the tree of the commit that brought
it in (git ls-tree and cat-file, with gitcmd's hardening: no lazy fetch, no filters).
"""
from __future__ import annotations

import posixpath
from pathlib import Path

from detectors.x509 import certificates, host_names
from scanner import gitcmd
from scanner.model import Finding

KEY_RULES = frozenset({"private-key"})
CERT_SUFFIXES = (".crt", ".cer", ".cert", ".pem")
MAX_CERT_BYTES = 64 << 10
MAX_KEYS = 200  # key findings looked at per scan (their places: at most one history place each)
# certificate files read per folder: a folder of thousands of .pem files (a CA's issued
# certificates, or a repository made to slow the scan) is read no further; the key's own
# file comes first
MAX_CERT_FILES = 32


def annotate_keys(root: Path, findings: list[Finding], prefix: str = "", in_repo: bool = True) -> None:
    """Set `cert_hosts` and `cert_file` on the contexts of key findings' places whose own file
    or folder holds readable certificates. `prefix`: the scanned subdirectory's path in the
    repository (history paths are relative to the scanned root, git's to the top level)."""
    keys = [f for f in findings if f.rule.id in KEY_RULES][:MAX_KEYS]
    seen: dict[tuple, tuple[list[str], str] | None] = {}
    readers: list = []  # the one BlobReader of the history's folders, opened when first needed
    try:
        _annotate(root, keys, prefix, in_repo, seen, readers)
    finally:
        for r in readers:
            r.close()


def _annotate(root: Path, keys: list[Finding], prefix: str, in_repo: bool, seen: dict, readers: list) -> None:
    for f in keys:
        # a key the work tree holds is judged by its folder there; one the history alone holds,
        # by its folder in the commit that brought it in (the first of its places)
        history_done = any(loc.kind == "worktree" for loc in f.locations)
        for i, loc in enumerate(f.locations):
            if loc.kind == "worktree":
                where = ("worktree", posixpath.dirname(loc.path))
            elif loc.kind == "history" and loc.commit and in_repo and not history_done:
                history_done = True
                where = ("history", loc.commit, posixpath.dirname(prefix + loc.path))
            else:
                continue
            if where not in seen:
                seen[where] = _worktree_certs(root, where[1], loc.path) if where[0] == "worktree" \
                    else _history_certs(root, where[1], where[2], prefix + loc.path, readers)
            got = seen[where]
            if got:
                # a copy: one context dict may serve several places of a hit
                f.contexts[i] = {**f.contexts[i], "cert_hosts": got[0], "cert_file": got[1]}


def _names(files: list[tuple[str, bytes]]) -> tuple[list[str], str] | None:
    """(every host name of every certificate in the files, the first file holding one), or
    None when no certificate names a host."""
    hosts: list[str] = []
    first = ""
    for name, data in files:
        if b"CERTIFICATE-----" not in data:
            continue
        for der in certificates(data):
            got = host_names(der)
            if got and not first:
                first = name
            hosts += got
    return (sorted(set(hosts)), first) if hosts else None


def _is_cert_name(name: str, key_name: str) -> bool:
    return name == key_name or name.lower().endswith(CERT_SUFFIXES)


def _first(names: list[str], key_name: str) -> list[str]:
    """The key's own file, then the others, MAX_CERT_FILES in all."""
    return ([key_name] if key_name in names else []) + [n for n in names if n != key_name][:MAX_CERT_FILES - 1]


def _worktree_certs(root: Path, folder: str, key_path: str) -> tuple[list[str], str] | None:
    from scanner.sources.workspace import list_dir, read_file

    key_name = posixpath.basename(key_path)
    try:
        names = list_dir(root, folder)
    except OSError:
        return None
    files = []
    for name in _first(sorted(n for n in names if _is_cert_name(n, key_name)), key_name):
        rel = posixpath.join(folder, name) if folder else name
        data, _ = read_file(root, rel, MAX_CERT_BYTES)
        if data is not None:
            files.append((rel, data))
    return _names(files)


def _history_certs(root: Path, commit: str, folder: str, key_path: str,
                   readers: list) -> tuple[list[str], str] | None:
    key_name = posixpath.basename(key_path)
    try:
        # --full-tree: the folder is the top level's, wherever in the work tree git runs
        listing = gitcmd.run(root, "ls-tree", "-z", "-l", "--full-tree", "--end-of-options", commit,
                             *(["--", folder + "/"] if folder else []))
    except gitcmd.GitError:
        return None
    found: dict[str, tuple[str, str]] = {}  # file name -> (oid, path)
    for entry in listing.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        words = meta.split()
        if len(words) != 4 or words[1] != b"blob" or not words[3].isdigit() or int(words[3]) > MAX_CERT_BYTES:
            continue
        name = path.decode("utf-8", "surrogateescape")
        base = posixpath.basename(name)
        if _is_cert_name(base, key_name):
            found[base] = (words[2].decode(), name)
    wanted = [found[n] for n in _first(sorted(found), key_name)]
    if not wanted:
        return None
    from scanner.sources.history import BlobReader

    try:
        if not readers:
            readers.append(BlobReader(root))
        files = [(name, data) for (_, name), (_, data) in zip(wanted, readers[0].read([o for o, _ in wanted]))
                 if data is not None]
    except (gitcmd.GitError, OSError, ValueError):
        for r in readers:  # a reader stopped mid-answer is not asked again
            r.close()
        readers.clear()
        return None
    return _names(files)
