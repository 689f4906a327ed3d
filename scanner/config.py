"""Project configuration: ``[tool.credfence]`` in pyproject.toml, or ``.credfence.yaml``.

Where it is read from (the first that applies wins; files are never merged):

1. ``explicit``: the file given on the command line. ``*.toml`` is read as TOML, its
   ``[tool.credfence]`` table if it has a ``tool`` table, else the whole document; any
   other name is read as YAML. A missing explicit file is an error.
2. ``<root>/.credfence.yaml`` (``.credfence.yml`` too).
3. ``[tool.credfence]`` in ``<root>/pyproject.toml``. A pyproject.toml without that table
   is not credfence's and is ignored.

When both 2 and 3 exist, ``.credfence.yaml`` wins and ``Config.notes`` says the
pyproject table was ignored. Without any, ``Config()`` holds the defaults.

Keys (``-`` and ``_`` are interchangeable: ``min-severity`` = ``min_severity``):

=================  ====================================  =====================================
key                type                                  meaning
=================  ====================================  =====================================
exclude            list of gitignore patterns            paths not scanned (``is_excluded``)
min_severity       critical|high|medium|low|info         report threshold (None: CLI default)
rules              list of mappings                      extra rules, detectors' YAML format,
                                                         carried through unchanged
agents             "auto" | "all" | list of names        agents whose ignore files are written
                   (or "a,b")
task_paths         list of globs                         the task scope (``--task-paths``)
max_file_size      positive int (bytes)                  larger files are skipped and counted
ignore_threshold   severity, default medium              lowest severity hidden from agents
=================  ====================================  =====================================

Unknown keys and wrong types raise ConfigError with one line naming the key and file.
The configuration of a scanned repository is data, never code: YAML is read with
``yaml.safe_load`` only, TOML with ``tomllib`` (``tomli`` on Python 3.10 when installed).
"""
from __future__ import annotations

from scanner.errors import CredfenceError

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.model import SEVERITIES

YAML_NAMES = (".credfence.yaml", ".credfence.yml")
PYPROJECT = "pyproject.toml"
MAX_CONFIG_BYTES = 1 << 20
KEYS = ("exclude", "min_severity", "rules", "agents", "task_paths", "max_file_size", "ignore_threshold")


class ConfigError(CredfenceError):
    """An unusable configuration; the message is one line naming the file (and key)."""


@dataclass
class Config:
    exclude: list[str] = field(default_factory=list)
    min_severity: str | None = None
    rules: list[dict] = field(default_factory=list)
    agents: str | list[str] = "auto"
    task_paths: list[str] = field(default_factory=list)
    max_file_size: int | None = None
    ignore_threshold: str = "medium"
    source: Path | None = None  # the file the values came from; None for defaults
    notes: list[str] = field(default_factory=list)
    _spec: Any = field(default=None, repr=False, compare=False)

    def is_excluded(self, relpath: str) -> bool:
        """True when the repo-relative path (``/`` or ``\\`` separators) matches `exclude`."""
        if not self.exclude:
            return False
        if self._spec is None:
            self._spec = _exclude_spec(self.exclude)
        p = relpath.replace("\\", "/")
        while p.startswith("./"):
            p = p[2:]
        return bool(self._spec.match_file(p.lstrip("/")))


def _exclude_spec(patterns: list[str]):
    """pathspec's GitIgnoreSpec of `exclude`, with its "simple" backend (Python regexes):
    its default, Hyperscan when it is installed, keeps one scratch per spec, and the
    history walk's threads ask is_excluded at once (ScratchInUseError, one CI run in a few:
    test_config_cli's exclude test); it also refuses a path that is not UTF-8, which a
    history's names can be."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns, backend="simple")


def toml_module():
    """tomllib, or tomli on Python 3.10 (None without it): imported when a TOML file is read."""
    try:
        import tomllib  # Python 3.11+
        return tomllib
    except ImportError:
        try:
            import tomli  # type: ignore[import-not-found]
            return tomli
        except ImportError:
            return None


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except (ValueError, OSError):
        return str(path)


def _read_text(path: Path, shown: str) -> str:
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{shown}: larger than {MAX_CONFIG_BYTES} bytes, not a configuration file")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{shown}: file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not UTF-8 text") from None
    except OSError as e:
        raise ConfigError(f"{shown}: cannot read it ({e.strerror or e})") from None


def _load_yaml(path: Path, shown: str) -> dict:
    import yaml
    text = _read_text(path, shown)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or "syntax error"
        raise ConfigError(f"{shown}: invalid YAML{where}: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: invalid YAML: nested too deeply") from None
    except ValueError:  # a number with more digits than Python converts
        raise ConfigError(f"{shown}: invalid YAML: a number with too many digits") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}: expected a mapping of settings at the top level")
    return data


def _load_toml(path: Path, shown: str, pyproject: bool) -> dict | None:
    """The credfence table of a TOML file; None when a pyproject has no such table."""
    text = _read_text(path, shown)
    if pyproject and "credfence" not in text:
        # however its table is written ([tool.credfence], dotted keys, an inline table),
        # it names us: most scans meet a pyproject that does not, and parsing it (and
        # importing the TOML parser) was 20 ms of each such scan's start
        return None
    toml = toml_module()
    if toml is None:
        if pyproject and "tool.credfence" not in text:
            return None
        raise ConfigError(f"{shown}: reading TOML needs Python 3.11+ or the 'tomli' package (pip install tomli)")
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as e:
        raise ConfigError(f"{shown}: invalid TOML: {e}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: invalid TOML: nested too deeply") from None
    except ValueError:  # a number with more digits than Python converts
        raise ConfigError(f"{shown}: invalid TOML: a number with too many digits") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and "credfence" in tool:
        table = tool["credfence"]
    elif pyproject or isinstance(tool, dict):
        return None
    else:
        table = data  # a standalone credfence TOML file
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: [tool.credfence] must be a table")
    return table


def _type_error(key: str, where: str, expected: str, value) -> ConfigError:
    return ConfigError(f"'{key}' in {where} must be {expected}, not {type(value).__name__} {value!r}"[:300])


def _str_list(key: str, where: str, value) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _type_error(key, where, "a list of strings", value)
    return list(value)


def _severity(key: str, where: str, value) -> str:
    if not isinstance(value, str) or value.lower() not in SEVERITIES:
        raise ConfigError(f"'{key}' in {where} must be one of {', '.join(SEVERITIES)}, not {value!r}"[:300])
    return value.lower()


def _check_rules(rules: list[dict], where: str) -> None:
    """Each rule's fields have their types, checked now so that a mistake is one line
    naming this file and key (the rules are otherwise carried through unchanged)."""
    from scanner.rules import RuleError, check_types

    for r in rules:
        rid = r.get("id", "?")
        try:
            check_types(r, f"{where}: rule {rid if isinstance(rid, str) else repr(rid)[:40]}")
        except RuleError as e:
            raise ConfigError(str(e)[:300]) from None


def _build(raw: dict, where: str, source: Path) -> Config:
    cfg = Config(source=source)
    seen: dict[str, str] = {}
    for k, value in raw.items():
        if not isinstance(k, str):
            raise ConfigError(f"unknown key {k!r} in {where}")
        key = k.replace("-", "_")
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(KEYS)})"
            raise ConfigError(f"unknown key '{k}' in {where}{hint}")
        if key in seen:
            raise ConfigError(f"key '{k}' in {where} is given twice (as '{seen[key]}' too)")
        seen[key] = k
        if key == "exclude":
            cfg.exclude = _str_list(k, where, value)
            try:
                cfg._spec = _exclude_spec(cfg.exclude)
            except Exception as e:  # pathspec raises several kinds for bad patterns
                raise ConfigError(f"'{k}' in {where}: invalid pattern ({e})"[:300]) from None
        elif key == "task_paths":
            cfg.task_paths = _str_list(k, where, value)
        elif key in ("min_severity", "ignore_threshold"):
            setattr(cfg, key, _severity(k, where, value))
        elif key == "max_file_size":
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise _type_error(k, where, "a positive integer (bytes)", value)
            cfg.max_file_size = value
        elif key == "rules":
            if not isinstance(value, list):
                raise _type_error(k, where, "a list of rule mappings", value)
            for i, rule in enumerate(value):
                if not isinstance(rule, dict) or not all(isinstance(rk, str) for rk in rule):
                    raise ConfigError(f"'{k}[{i}]' in {where} must be a mapping (a rule in the detectors' YAML format)")
            cfg.rules = [dict(r) for r in value]
            _check_rules(cfg.rules, f"{where}: '{k}'")
        elif key == "agents":
            if isinstance(value, str):
                v = value.strip().lower()
                if v in ("auto", "all"):
                    cfg.agents = v
                else:
                    names = [n.strip().lower() for n in v.split(",") if n.strip()]
                    if not names:
                        raise _type_error(k, where, '"auto", "all" or a list of agent names', value)
                    cfg.agents = names
            elif isinstance(value, list) and value and all(isinstance(n, str) and n.strip() for n in value):
                cfg.agents = [n.strip().lower() for n in value]
            else:
                raise _type_error(k, where, '"auto", "all" or a list of agent names', value)
    return cfg


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """The configuration for a scan of `root` (see the module docstring for precedence)."""
    root = Path(root)
    if explicit is not None:
        path = Path(explicit)
        shown = str(path)
        if not path.is_file():
            raise ConfigError(f"{shown}: config file not found")
        if path.suffix == ".toml":
            table = _load_toml(path, shown, pyproject=path.name == PYPROJECT)
            if table is None:
                raise ConfigError(f"{shown}: has no [tool.credfence] table")
            where = f"{shown} [tool.credfence]" if path.name == PYPROJECT else shown
            return _build(table, where, path)
        return _build(_load_yaml(path, shown), shown, path)

    yaml_path = next((root / n for n in YAML_NAMES if (root / n).is_file()), None)
    pyproject = root / PYPROJECT
    if yaml_path is not None:
        shown = _display(yaml_path, root)
        cfg = _build(_load_yaml(yaml_path, shown), shown, yaml_path)
        if pyproject.is_file():
            try:
                has_table = _load_toml(pyproject, _display(pyproject, root), pyproject=True) is not None
            except ConfigError:
                has_table = False  # not ours to judge: the YAML file is the configuration
            if has_table:
                cfg.notes.append(f"both {shown} and {PYPROJECT} [tool.credfence] exist: using {shown}")
        return cfg
    if pyproject.is_file():
        shown = _display(pyproject, root)
        table = _load_toml(pyproject, shown, pyproject=True)
        if table is not None:
            return _build(table, f"{shown} [tool.credfence]", pyproject)
    return Config()
