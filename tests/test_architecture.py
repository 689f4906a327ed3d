"""The seams hold (issue 14): detectors/ depends on scanner/ only for the shared types, no
two modules import each other (lazy imports inside functions count), every declared
dependency is imported somewhere, and every repository file the docs cite exists."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _modules() -> dict[str, Path]:
    mods = {}
    for p in sorted(ROOT.glob("scanner/**/*.py")) + sorted(ROOT.glob("detectors/**/*.py")):
        rel = p.relative_to(ROOT).with_suffix("")
        mods[".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)] = p
    return mods


def _imports(path: Path) -> set[str]:
    """Every absolute module name an import statement in the file names, at any depth."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_detectors_import_only_the_shared_types_from_scanner():
    bad = {name: sorted(i for i in _imports(p) if i.split(".")[0] == "scanner" and not i.startswith("scanner.model"))
           for name, p in _modules().items() if name.startswith("detectors")}
    assert not {k: v for k, v in bad.items() if v}


def test_no_import_cycle():
    mods = _modules()
    graph = {m: {i for i in _imports(p) if i in mods and i != m} for m, p in mods.items()}
    cycles = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, cycles


# the module a distribution is imported as, where the names differ
_IMPORT_NAME = {"PyYAML": "yaml"}


def test_every_declared_dependency_is_imported():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    used = set()
    for p in _modules().values():
        used |= {i.split(".")[0] for i in _imports(p)}
    for dep in deps:
        dist = re.match(r"[A-Za-z0-9_.\-]+", dep).group(0)
        name = _IMPORT_NAME.get(dist, dist.replace("-", "_").lower())
        assert name in used, f"{dist} is declared in pyproject.toml but nothing in scanner/ or detectors/ imports {name}"


def test_every_file_the_docs_cite_exists():
    cited = set()
    for doc in [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted((ROOT / "docs").glob("*.md")),
                ROOT / "detectors" / "README.md"]:
        text = doc.read_text(encoding="utf-8")
        # `folder/file` in backquotes or a Markdown link target, in this repository's own folders
        # (BENCHMARKS.md also names files of the public repositories it measured: tests/...)
        for m in re.finditer(r"`((?:scanner|detectors|docs|bench|\.ci)/[\w./\-]+|tests/test_\w+\.py)`"
                             r"|\]\(((?!https?:)[\w./\-]+)\)", text):
            path = (m.group(1) or m.group(2)).rstrip(".")
            if "*" in path or "<" in path:
                continue
            cited.add((doc.name, path))
    missing = sorted((doc, p) for doc, p in cited if not (ROOT / p).exists())
    assert not missing, missing
