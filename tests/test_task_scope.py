"""Issue 4: task scope. `--task-paths GLOB` and `--task "text"` mark each finding inside
(true) or outside (false) the task an agent was given; without a task, null."""
from __future__ import annotations

import pytest

from gitrepo import Repo, scan_api, scan_json, sha

GH = "ghp_" + "1NzPjNABzLPEbirvMKksEwq8GQTIsn2HT8lN"
GL = "glpat-" + "chhPjrsiumMlkXGVe8Q5"
NPM = "npm_" + "LEFgzWORDu9hQvoJ5htMjvUT1UXgiB1kYVvT"
RAILWAY = "eb9f630f-d16a-4a57-" + "8d11-a1408fce203a"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    r = Repo(tmp_path_factory.mktemp("task") / "repo")
    r.commit("init", {
        "src/checkout/form.py": f'GITHUB_TOKEN = "{GH}"\n',
        "src/billing/invoice.py": f'GITLAB_TOKEN = "{GL}"\n',
        "scripts/staging_cleanup.sh": f"RAILWAY_API_TOKEN={RAILWAY}\n",
    })
    r.commit("history only", {"src/checkout/old.py": f"NPM_TOKEN={NPM}\n"})
    r.commit("drop", {"src/checkout/old.py": None})
    return r


def related(rep) -> dict[str, object]:
    return {f["secret_sha256"]: f["task_related"] for f in rep["findings"]}


def test_task_paths_marks_inside_and_outside(repo):
    rep, _ = scan_json(repo.path, "--task-paths", "src/checkout/")
    assert related(rep) == {sha(GH): True, sha(NPM): True, sha(GL): False, sha(RAILWAY): False}


def test_no_task_is_null(repo):
    rep, _ = scan_json(repo.path)
    assert set(related(rep).values()) == {None}


def test_task_text_matches_paths(repo):
    rep, _ = scan_json(repo.path, "--task", "fix rounding in the checkout form")
    assert related(rep) == {sha(GH): True, sha(NPM): True, sha(GL): False, sha(RAILWAY): False}


def test_repeatable_task_paths_and_globs(repo):
    rep, _ = scan_json(repo.path, "--task-paths", "src/billing/*.py", "--task-paths", "scripts/")
    assert related(rep) == {sha(GH): False, sha(NPM): False, sha(GL): True, sha(RAILWAY): True}


@pytest.mark.parametrize("glob", ["src/checkout", "src/checkout/", "src/checkout/**", "./src/checkout/", "form.py"])
def test_task_path_spellings(repo, glob):
    res = scan_api(repo.path, task_paths=[glob], history=False)
    got = {f.secret: f.task_related for f in res.findings}
    assert got == {GH: True, GL: False, RAILWAY: False}, glob


def test_outside_the_task_is_said_in_the_report(repo):
    from gitrepo import credfence

    p = credfence("scan", str(repo.path), "--quiet", "--task-paths", "src/checkout/")
    assert p.returncode == 1
    assert "outside the task" in p.stdout
    assert RAILWAY not in p.stdout


def test_dot_is_the_whole_tree(repo):
    res = scan_api(repo.path, task_paths=["."], history=False)
    assert {f.task_related for f in res.findings} == {True}
