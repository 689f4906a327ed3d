"""The workspace as an agent sees it: every file on disk, tracked, untracked and ignored.

git's view of each file comes from two `git ls-files` calls for the whole tree, never one
per file. Symlinks are never followed: a link to a file inside the root is recorded (the
agent files hide both link and target), a link out of the root or to a directory is
skipped and counted. Skips are counted by reason in `stats.skipped`, never silent.
"""
from __future__ import annotations

import os
import re
import stat as statmod
from dataclasses import dataclass, field
from pathlib import Path

from scanner import gitcmd

DEFAULT_MAX_FILE_SIZE = 25 * 1024 * 1024
# Directories an agent may see but that are installed, generated or cached: scanning them
# buries real findings under third-party test fixtures. Counted as skipped.
NOISE_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache",
              ".pytest_cache", ".ruff_cache", ".hypothesis", "bower_components", ".next", ".cache",
              ".gradle", ".idea/caches", "site-packages"}
NOISE_FILES = {"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "Pipfile.lock", "Cargo.lock",
               "composer.lock", "Gemfile.lock", "go.sum", "uv.lock", "bun.lockb", "npm-shrinkwrap.json",
               # the other package managers' lock files, package names, versions and digests:
               # Deno's (remix-run/remix's deno.lock, `"minipass": "minipass@7.1.2"`, read as a
               # password), Bun's text one, PDM's, pixi's, Dart's, CocoaPods', SwiftPM's, NuGet's,
               # Mix's, Nix flakes', Gradle's and Terraform's providers'
               "deno.lock", "bun.lock", "pdm.lock", "pixi.lock", "pubspec.lock", "Podfile.lock", "Package.resolved",
               "packages.lock.json", "mix.lock", "flake.lock", "gradle.lockfile", ".terraform.lock.hcl",
               # `cargo vendor`'s record of each vendored crate: its files' SHA-256 digests, one
               # line of JSON keyed by file names (foundry's vendored elliptic-curve crate)
               ".cargo-checksum.json",
               ".credfence-baseline.json", ".secrets.baseline",
               # built documentation's search index, the site's text in one line of JSON or
               # JS (MkDocs search/search_index.json, Sphinx searchindex.js): pydantic's
               # gh-pages branch holds 2,315 versions of a 2.3 MB one, 0.7 s each to confirm
               "search_index.json", "searchindex.js"}
# minified code and source maps, whatever flavour of JavaScript (.cjs, .mjs) or TypeScript
# (.d.ts.map) they map: a map's sourcesContent is the source again, on one line of JSON.
# "-min.js" is YUI's and Google's Closure builds' naming (firebase/quickstart-js vendored
# Google's firebaseauth-min.js, whose gapi configuration carries Google's own browser key)
NOISE_SUFFIXES = (".min.js", ".min.cjs", ".min.mjs", ".min.css", ".js.map", ".cjs.map", ".mjs.map", ".ts.map",
                  ".css.map", ".min.map", "-min.js", "-min.css")
BINARY_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tiff", ".psd", ".pdf", ".zip", ".gz", ".tgz",
    ".bz2", ".xz", ".7z", ".rar", ".jar", ".war", ".class", ".so", ".dylib", ".dll", ".exe", ".o", ".a",
    ".pyc", ".pyo", ".whl", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".mov", ".avi",
    ".wav", ".flac", ".ogg", ".webm", ".sqlite", ".db", ".parquet", ".onnx", ".pt", ".bin", ".iso", ".dmg",
    # Python pickles and Sphinx's doctrees (pickles too): a docs build committed to a gh-pages
    # branch (getsentry/sentry-python's .doctrees/) held 742 of the history's 1,696 MB, each
    # version read through git only to be found binary; NumPy's and HDF5's arrays, gettext's
    # compiled catalogues, WebAssembly
    ".pickle", ".pkl", ".doctree", ".npy", ".npz", ".h5", ".hdf5", ".mo", ".wasm",
}
LFS_MAGIC = b"version https://git-lfs.github.com/spec/v1"


def binary_name(name: str) -> bool:
    """A file name whose suffix says binary (an image, an archive, a compiled object ...):
    skipped unread, in the work tree as in the history."""
    return os.path.splitext(name)[1].lower() in BINARY_SUFFIXES


# a bundler's output named for its content's hash, in a build output folder: Vite's
# dist/assets/index-OwCBJrCK.js (pocketbase commits its admin UI's: 1.2 of the 1.5 GB its
# history's versions hold, a new bundle each release), webpack's and Create React App's
# build/static/js/main.8f2c3a1d.chunk.js, Rails' public/assets/application-<sha256>.css.
# Minified bundles, as .min.js is; a library's dist/mylib.js keeps its name and is read, and
# so do jquery.ui.datepicker-en-GB.js and bootstrap-native-v4.js, whose tails are words.
BUILD_DIRS = {"dist", "build", "out", "public", "static", "assets", "packs", "bundles"}
_BUNDLE_SUFFIXES = (".js", ".mjs", ".cjs", ".css")
_HEX_HASH = re.compile(r"(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{8,64}")
_B64_HASH = re.compile(r"(?=[A-Za-z0-9_-]*[a-z])[A-Za-z0-9_-]{8}")


def _hashed_bundle(parts: list[str]) -> bool:
    name = parts[-1]
    if not name.endswith(_BUNDLE_SUFFIXES) or not any(d in BUILD_DIRS for d in parts[:-1]):
        return False
    stem = name.rsplit(".", 1)[0].removesuffix(".chunk")
    # webpack's, Rails' and Django's: hex digits (both kinds) after the last dot or dash
    tail = re.split(r"[.-]", stem)[-1]
    if len(tail) < len(stem) and _HEX_HASH.fullmatch(tail):
        return True
    # Vite's: eight base64url characters after a dot or dash, with a digit or two capitals
    h = stem[-8:]
    return len(stem) > 8 and stem[-9] in ".-" and bool(_B64_HASH.fullmatch(h)) and \
        (any(c.isdigit() for c in h) or sum(c.isupper() for c in h) >= 2)


def noise_file(rel: str) -> bool:
    """Noise by the file's own name: a lock file, a minified bundle (by suffix, or a
    bundler's hashed output in a build folder) or a source map."""
    parts = rel.split("/")
    name = parts[-1]
    return name in NOISE_FILES or name.endswith(NOISE_SUFFIXES) or _hashed_bundle(parts)


def noise_path(rel: str) -> bool:
    """The work tree's noise rule for a repo-relative path (history blobs use it too, issue
    15): a noise file (noise_file), or a file under an installed, generated or cached
    directory (node_modules/, .venv/ ...). Built documentation on a gh-pages branch is
    mostly minified assets (MkDocs, Sphinx), caught by the same suffixes."""
    parts = rel.split("/")
    name = parts[-1]
    if name in (".credfence-baseline.json", ".secrets.baseline"):
        return False  # history reads these by content and counts them as baseline-file
    return noise_file(rel) or any(d in NOISE_DIRS for d in parts[:-1])


@dataclass
class FileItem:
    path: str  # relative to the root, "/" separators
    status: str  # tracked | untracked | ignored
    size: int


@dataclass
class Workspace:
    root: Path
    files: list[FileItem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)  # link -> target, both root-relative
    in_repo: bool = False
    warnings: list[str] = field(default_factory=list)
    nested: list[str] = field(default_factory=list)  # nested repositories to scan on their own

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n


def _rel(root: str, p: str) -> str:
    # p is always below root (the walk builds it from root): slicing is 20 times faster
    # than os.path.relpath, which showed in the walk of large trees
    r = p[len(root):].lstrip(os.sep) if p.startswith(root) else os.path.relpath(p, root)
    return r.replace(os.sep, "/") if os.sep != "/" else r


def git_status_sets(root: Path) -> tuple[set[str], set[str], list[str]] | None:
    """(tracked, untracked files, untracked directory prefixes) relative to root, or None
    when root is not inside a git work tree."""
    if gitcmd.toplevel(root) is None:
        return None
    tracked = set(gitcmd.ls_z(root, "ls-files", "-z", "--cached"))
    others = gitcmd.ls_z(root, "ls-files", "-z", "--others", "--exclude-standard", "--directory", "--no-empty-directory")
    untracked = {p for p in others if not p.endswith("/")}
    dirs = [p for p in others if p.endswith("/")]
    return tracked, untracked, dirs


def walk(root: Path, max_file_size: int = DEFAULT_MAX_FILE_SIZE, recurse_submodules: bool = False,
         exclude=None, only: set[str] | None = None) -> Workspace:
    """List the files to scan. `exclude(relpath) -> bool` drops configured paths; `only`
    restricts to a set of relative paths (the --since mode)."""
    ws = Workspace(root=root)
    roots = str(root)
    real_root = os.path.realpath(roots)
    try:
        sets = git_status_sets(root)
    except gitcmd.GitError as e:
        ws.warnings.append(f"git could not list files ({e}); treating every file as untracked")
        sets = None
    ws.in_repo = sets is not None
    tracked, untracked, udirs = sets if sets else (set(), set(), [])
    udirs_t = tuple(udirs)

    def status_of(rel: str) -> str:
        if not ws.in_repo:
            return "untracked"
        if rel in tracked:
            return "tracked"
        if rel in untracked or (udirs_t and rel.startswith(udirs_t)):
            return "untracked"
        return "ignored"

    stack = [roots]
    visited: set[tuple[int, int]] = set()
    while stack:
        d = stack.pop()
        try:
            st = os.stat(d, follow_symlinks=False)
            if (st.st_dev, st.st_ino) in visited:
                continue
            visited.add((st.st_dev, st.st_ino))
            entries = list(os.scandir(d))
        except OSError:
            ws.skip("unreadable-directory")
            continue
        for e in entries:
            name = e.name
            full = e.path
            rel = _rel(roots, full)
            try:
                if e.is_symlink():
                    _symlink(ws, full, rel, real_root)
                    continue
                if e.is_dir(follow_symlinks=False):
                    if name in NOISE_DIRS:
                        if name != ".git":
                            ws.skip("noise-directory")
                        continue
                    if os.path.lexists(os.path.join(full, ".git")):
                        # a submodule or nested clone is its own repository: scanned as one
                        # (history included) with --recurse-submodules, else counted
                        if recurse_submodules:
                            ws.nested.append(rel)
                        else:
                            ws.skip("nested-repository")
                        continue
                    if exclude is not None and exclude(rel + "/"):
                        ws.skip("excluded")
                        continue
                    stack.append(full)
                    continue
                if not e.is_file(follow_symlinks=False):
                    ws.skip("special-file")
                    continue
                size = e.stat(follow_symlinks=False).st_size
            except OSError:
                ws.skip("unreadable")
                continue
            if only is not None and rel not in only:
                continue
            if exclude is not None and exclude(rel):
                ws.skip("excluded")
                continue
            if noise_file(rel):
                ws.skip("noise-file")
                continue
            if binary_name(name):
                ws.skip("binary")
                continue
            if size > max_file_size:
                ws.skip("too-large")
                continue
            ws.files.append(FileItem(rel, status_of(rel), size))
    ws.files.sort(key=lambda f: f.path)
    return ws


def _symlink(ws: Workspace, full: str, rel: str, real_root: str) -> None:
    try:
        target = os.path.realpath(full)
    except (OSError, RuntimeError):
        ws.skip("symlink-loop")
        return
    if not (target == real_root or target.startswith(real_root + os.sep)):
        ws.skip("symlink-outside-root")
        return
    try:
        st = os.stat(target)
    except OSError:
        ws.skip("symlink-broken")
        return
    if statmod.S_ISREG(st.st_mode):
        ws.symlinks[rel] = _rel(real_root, target)
    else:
        ws.skip("symlink-directory")


def _open_beneath(root: str, rel: str) -> int:
    """Open root/rel for reading without following a symlink at ANY component.

    O_NOFOLLOW alone only guards the last component: a directory on the way swapped for a
    link to somewhere outside the root since the walk (`sub -> /home/me/.aws`) would still be
    followed (issue 7). So walk down one directory at a time with openat(O_NOFOLLOW)."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise PermissionError(f"not a plain relative path: {rel!r}")
    if os.open not in os.supports_dir_fd:  # pragma: no cover - not POSIX
        return os.open(os.path.join(root, rel), os.O_RDONLY | _NOFOLLOW)
    dfd = _open_dir_beneath(root, parts[:-1])
    try:
        return os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=dfd)
    finally:
        os.close(dfd)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _open_dir_beneath(root: str, parts: list[str]) -> int:
    """A descriptor of root/parts..., each directory opened beneath the previous one
    without following a link."""
    dfd = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts:
            nfd = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=dfd)
            os.close(dfd)
            dfd = nfd
    except BaseException:
        os.close(dfd)
        raise
    return dfd


def list_dir(root: Path, rel: str) -> list[str]:
    """The names in the folder root/rel ("" for the root), reached without following a link."""
    parts = rel.split("/") if rel else []
    if any(p in ("", ".", "..") for p in parts):
        raise PermissionError(f"not a plain relative path: {rel!r}")
    dfd = _open_dir_beneath(str(root), parts)
    try:
        return os.listdir(dfd)
    finally:
        os.close(dfd)


def read_file(root: Path, rel: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> tuple[bytes | None, str | None]:
    """Read a file without following a symlink swapped in since the walk.
    Returns (data, None) or (None, skip reason)."""
    try:
        fd = _open_beneath(str(root), rel)
    except FileNotFoundError:
        return None, "vanished"
    except OSError:
        return None, "unreadable"
    try:
        st = os.fstat(fd)
        if not statmod.S_ISREG(st.st_mode):
            return None, "special-file"
        if st.st_size > max_size:
            return None, "too-large"
        chunks = []
        while True:
            b = os.read(fd, 1 << 20)
            if not b:
                break
            chunks.append(b)
        data = b"".join(chunks)
    except OSError:
        return None, "unreadable"
    finally:
        os.close(fd)
    if data.startswith(LFS_MAGIC):
        return None, "lfs-pointer"
    return data, None


