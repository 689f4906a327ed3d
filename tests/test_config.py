"""Configuration from real pyproject.toml and .credfence.yaml files."""
from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import Config, ConfigError, load_config


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


PYPROJECT = '''
[project]
name = "demo"

[tool.ruff]
line-length = 100

[tool.credfence]
exclude = ["vendor/", "*.min.js", "!keep.min.js", "/fixtures/"]
min-severity = "high"
agents = ["cursor", "claude-code"]
task_paths = ["src/billing/**"]
max_file_size = 2_000_000
ignore_threshold = "low"

[[tool.credfence.rules]]
id = "acme-token"
provider = "acme"
name = "Acme token"
pattern = "acme_[a-z0-9]{32}"
keywords = ["acme_"]
'''

YAML = '''
# credfence settings
exclude:
  - "docs/**/*.md"
  - build/
min_severity: medium
agents: auto
rules:
  - id: acme-token
    provider: acme
    name: Acme token
    pattern: "acme_[a-z0-9]{32}"
    keywords: [acme_]
    positive: ["acme_0123456789abcdef0123456789abcdef"]
'''


def test_defaults_without_files(tmp_path):
    cfg = load_config(tmp_path)
    assert cfg == Config()
    assert cfg.agents == "auto" and cfg.ignore_threshold == "medium" and cfg.min_severity is None
    assert not cfg.is_excluded("anything.py")


def test_pyproject_without_table_is_ignored(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.black]\nline-length = 88\n')
    assert load_config(tmp_path) == Config()


def test_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", PYPROJECT)
    cfg = load_config(tmp_path)
    assert cfg.source == tmp_path / "pyproject.toml"
    assert cfg.min_severity == "high"
    assert cfg.agents == ["cursor", "claude-code"]
    assert cfg.task_paths == ["src/billing/**"]
    assert cfg.max_file_size == 2_000_000
    assert cfg.ignore_threshold == "low"
    assert cfg.rules == [{"id": "acme-token", "provider": "acme", "name": "Acme token",
                          "pattern": "acme_[a-z0-9]{32}", "keywords": ["acme_"]}]
    assert cfg.is_excluded("vendor/lib/x.py")
    assert cfg.is_excluded("a/vendor/y.js")
    assert cfg.is_excluded("web/app.min.js")
    assert not cfg.is_excluded("web/keep.min.js")  # negation
    assert cfg.is_excluded("fixtures/a.env")
    assert not cfg.is_excluded("src/fixtures/a.env")  # anchored to the root
    assert cfg.is_excluded("./vendor/z") and cfg.is_excluded("vendor\\w.py")
    assert not cfg.is_excluded("src/app.py")


def test_yaml(tmp_path):
    write(tmp_path / ".credfence.yaml", YAML)
    cfg = load_config(tmp_path)
    assert cfg.source == tmp_path / ".credfence.yaml"
    assert cfg.min_severity == "medium" and cfg.agents == "auto"
    assert cfg.rules[0]["positive"] == ["acme_0123456789abcdef0123456789abcdef"]
    assert cfg.is_excluded("docs/a/b/readme.md") and cfg.is_excluded("build/out.txt")
    assert not cfg.is_excluded("docs/a/b/readme.txt")


def test_yaml_wins_over_pyproject_and_says_so(tmp_path):
    write(tmp_path / "pyproject.toml", PYPROJECT)
    write(tmp_path / ".credfence.yaml", YAML)
    cfg = load_config(tmp_path)
    assert cfg.source.name == ".credfence.yaml" and cfg.min_severity == "medium"
    assert any("pyproject.toml" in n for n in cfg.notes)


def test_explicit_wins(tmp_path):
    write(tmp_path / ".credfence.yaml", YAML)
    other = write(tmp_path / "ci-credfence.yml", "min_severity: critical\nagents: cursor, aider\n")
    cfg = load_config(tmp_path, other)
    assert cfg.min_severity == "critical" and cfg.agents == ["cursor", "aider"]
    toml = write(tmp_path / "credfence.toml", 'min_severity = "low"\nexclude = ["x/"]\n')
    assert load_config(tmp_path, toml).min_severity == "low"
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path, tmp_path / "missing.yaml")


def test_unknown_key_names_key_and_file(tmp_path):
    write(tmp_path / ".credfence.yaml", "exclude: []\nfoo: 1\n")
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert "unknown key 'foo' in .credfence.yaml" in str(exc.value)
    (tmp_path / ".credfence.yaml").unlink()
    write(tmp_path / "pyproject.toml", '[tool.credfence]\nmin_severty = "high"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    msg = str(exc.value)
    assert "unknown key 'min_severty' in pyproject.toml [tool.credfence]" in msg
    assert "did you mean 'min_severity'" in msg and "\n" not in msg


@pytest.mark.parametrize("text, needle", [
    ("exclude: vendor/\n", "'exclude' in .credfence.yaml must be a list of strings"),
    ("exclude: [1, 2]\n", "'exclude'"),
    ("min_severity: severe\n", "'min_severity' in .credfence.yaml must be one of critical, high"),
    ("ignore_threshold: 3\n", "'ignore_threshold'"),
    ("max_file_size: '10MB'\n", "'max_file_size' in .credfence.yaml must be a positive integer"),
    ("max_file_size: true\n", "'max_file_size'"),
    ("max_file_size: -1\n", "'max_file_size'"),
    ("rules: {id: x}\n", "'rules' in .credfence.yaml must be a list"),
    ("rules: [x]\n", "'rules[0]'"),
    ("agents: 3\n", "'agents' in .credfence.yaml must be"),
    ("agents: []\n", "'agents'"),
    ("task_paths: src\n", "'task_paths'"),
    ("- a\n- b\n", "expected a mapping"),
    ("exclude: [a\n", "invalid YAML at line"),
])
def test_wrong_types_and_syntax(tmp_path, text, needle):
    write(tmp_path / ".credfence.yaml", text)
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


def test_invalid_toml_names_file(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.credfence\nexclude = [\n")
    with pytest.raises(ConfigError, match="pyproject.toml: invalid TOML"):
        load_config(tmp_path)


def test_another_tools_broken_pyproject_is_not_ours_to_judge(tmp_path):
    # a pyproject that never names credfence holds no configuration of ours, valid or not
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.black\nline-length = 88\n')
    assert load_config(tmp_path).source is None


@pytest.mark.parametrize("text", ['[tool]\ncredfence = { min_severity = "high" }\n',
                                  'tool.credfence.min_severity = "high"\n',
                                  '[ tool . credfence ]\nmin_severity = "high"\n'])
def test_pyproject_table_written_any_way(tmp_path, text):
    write(tmp_path / "pyproject.toml", text)
    assert load_config(tmp_path).min_severity == "high"


def test_yaml_never_executes(tmp_path):
    marker = tmp_path / "pwned"
    write(tmp_path / ".credfence.yaml",
          f"exclude: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(tmp_path)
    assert not marker.exists()


def test_empty_yaml_is_defaults(tmp_path):
    write(tmp_path / ".credfence.yaml", "# nothing yet\n")
    cfg = load_config(tmp_path)
    assert cfg.source == tmp_path / ".credfence.yaml" and cfg.exclude == [] and cfg.agents == "auto"


def test_exclude_is_asked_from_many_threads_at_once_and_for_names_that_are_not_utf8(tmp_path):
    """The history walk's threads ask is_excluded at the same time. pathspec's default
    backend, Hyperscan when it is installed, keeps one scratch per spec and raised
    ScratchInUseError then (a CI run in a few failed so), and refused a name that is not
    UTF-8 (UnicodeEncodeError); both the loaded spec and the one built on first use must
    answer every thread, and such a name."""
    import threading

    write(tmp_path / ".credfence.yaml", 'exclude: ["vendor/", "*.min.js", "build/**"]\n')
    for cfg in (load_config(tmp_path), Config(exclude=["vendor/", "*.min.js", "build/**"])):
        errors: list[str] = []
        wrong: list[str] = []

        def ask(cfg=cfg, errors=errors, wrong=wrong) -> None:
            try:
                for k in range(20_000):
                    if cfg.is_excluded(f"src/mod{k}/file{k}.py") or not cfg.is_excluded(f"vendor/lib{k}.py"):
                        wrong.append(str(k))
            except Exception as e:  # noqa: BLE001 - the test is that nothing is raised
                errors.append(type(e).__name__)

        threads = [threading.Thread(target=ask) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and wrong == []
        assert cfg.is_excluded("vendor/\udcff.py") and not cfg.is_excluded("src/\udcff.py")
