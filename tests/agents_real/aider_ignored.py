"""Aider's own GitRepo.ignored_file (aider/repo.py) on a repository's .aiderignore.
usage: python aider_ignored.py <root> <path>...   (PYTHONPATH holds aider-chat and its pins)
GitRepo's constructor needs a git repository object from GitPython; the ignore logic does not,
so the instance is built with only the attributes ignored_file reads."""
import json
import sys
from pathlib import Path

from aider.repo import GitRepo

root, paths = sys.argv[1], sys.argv[2:]
repo = GitRepo.__new__(GitRepo)
repo.root = root
repo.subtree_only = False
repo.normalized_path = {}
repo.ignore_file_cache = {}
repo.aider_ignore_file = Path(root) / ".aiderignore"
repo.aider_ignore_spec = None
repo.aider_ignore_ts = 0
repo.aider_ignore_last_check = 0
for p in paths:
    print(json.dumps([p, bool(repo.ignored_file(p))]))
