"""Issue 2: the workspace as an agent sees it: tracked, untracked and git-ignored files
labelled from git's view, `.git/` skipped, symlinks never followed out of the root, and
every skip (noise, lock files, binaries, size limit) counted. Real repositories."""
from __future__ import annotations

import os

import pytest

from gitrepo import Repo, by_sha, scan_api, scan_json, sha, write_tree
from scanner.sources.workspace import walk

GH = "ghp_" + "1NzPjNABzLPEbirvMKksEwq8GQTIsn2HT8lN"
GL = "glpat-" + "chhPjrsiumMlkXGVe8Q5"
NPM = "npm_" + "LEFgzWORDu9hQvoJ5htMjvUT1UXgiB1kYVvT"


def statuses(ws) -> dict[str, str]:
    return {f.path: f.status for f in ws.files}


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("init", {
        ".gitignore": ".env\nbuild/\n*.local\n",
        "src/app.py": "print('hi')\n",
        "src/settings.py": f'GITHUB_TOKEN = "{GH}"\n',
    })
    r.write(".env", f"GITLAB_TOKEN={GL}\n")  # ignored
    r.write("build/out.txt", "built\n")  # ignored directory
    r.write("config.local", "x=1\n")  # ignored by pattern
    r.write("notes/todo.txt", f"npm token {NPM}\n")  # untracked, inside an untracked directory
    r.write("scratch.py", "print(1)\n")  # untracked
    r.write("src/app.py", "print('changed')\n")  # tracked, modified
    return r


def test_classification_comes_from_git(repo):
    ws = walk(repo.path)
    assert ws.in_repo
    assert statuses(ws) == {
        ".gitignore": "tracked",
        "src/app.py": "tracked",
        "src/settings.py": "tracked",
        ".env": "ignored",
        "build/out.txt": "ignored",
        "config.local": "ignored",
        "notes/todo.txt": "untracked",
        "scratch.py": "untracked",
    }


def test_findings_carry_the_status_and_ignored_files_are_scanned(repo):
    rep, p = scan_json(repo.path, "--no-history")
    assert p.returncode == 1
    got = {f["secret_sha256"]: [(loc["status"], loc["path"]) for loc in f["locations"]] for f in rep["findings"]}
    assert got[sha(GH)] == [("tracked", "src/settings.py")]
    assert got[sha(GL)] == [("ignored", ".env")]
    assert got[sha(NPM)] == [("untracked", "notes/todo.txt")]


def test_subdirectory_of_a_repository_uses_git_status(repo):
    ws = walk(repo.path / "src")
    assert ws.in_repo
    assert statuses(ws) == {"app.py": "tracked", "settings.py": "tracked"}


def test_not_a_repository_means_everything_untracked(tmp_path):
    root = write_tree(tmp_path / "plain", {".env": f"GITLAB_TOKEN={GL}\n", "a/b.py": "x = 1\n"})
    ws = walk(root)
    assert not ws.in_repo
    assert statuses(ws) == {".env": "untracked", "a/b.py": "untracked"}
    res = scan_api(root)
    assert not res.in_repo and not res.history_scanned
    (f,) = res.findings
    assert [(loc.kind, loc.status) for loc in f.locations] == [("worktree", "untracked")]


def test_dot_git_is_skipped(repo):
    # a credential in .git/config (a remote URL with a token) is git's, not the tree's
    with open(repo.path / ".git" / "config", "a") as fh:
        fh.write(f'[remote "origin"]\n\turl = https://x:{GH}@github.com/o/r.git\n')
    ws = walk(repo.path)
    assert not any(p == ".git" or p.startswith(".git/") for p in statuses(ws))
    assert "noise-directory" not in ws.skipped, ".git is not noise: it is simply not part of the tree"
    # nor does a plain directory's .git get walked
    plain = write_tree(repo.path.parent / "plain", {".git/config": f"token={GH}\n", "a.txt": "a\n"})
    assert statuses(walk(plain)) == {"a.txt": "untracked"}


def test_noise_lock_binary_and_size_are_counted(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("init", {"src/app.py": "print(1)\n"})
    r.write("node_modules/pkg/index.js", f"const t = '{GH}';\n")
    r.write("node_modules/other/index.js", "x\n")
    r.write(".venv/lib/site.py", "x\n")
    r.write("package-lock.json", f'{{"token": "{GH}"}}\n')
    r.write("poetry.lock", "x\n")
    r.write("web/vendor.min.js", f"var t='{GH}';\n")
    r.write("web/yui-min.js", f"var t='{GH}';\n")  # YUI's and Closure's naming
    r.write("dist/node/bundle.cjs.map", f'{{"version":3,"sourcesContent":["var t=\\"{GH}\\";"]}}\n')
    r.write("logo.png", b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    r.write("data/blob.dat", b"abc\0def" + GH.encode())  # binary by content, not by name
    r.write("big.txt", "x" * 5000 + f"\nGITHUB_TOKEN={GH}\n")

    rep, p = scan_json(r.path, "--no-history", "--max-file-size", "4096")
    assert p.returncode == 0, rep["findings"]
    sk = rep["stats"]["skipped"]
    assert sk.get("noise-directory") == 2  # node_modules and .venv, each counted once
    assert sk.get("noise-file") == 5  # package-lock.json, poetry.lock, vendor.min.js, yui-min.js, bundle.cjs.map
    assert sk.get("binary") == 2  # logo.png by name, data/blob.dat by content
    assert sk.get("too-large") == 1
    # and the summary a user sees mentions the skips
    assert "skipped" in p.stderr

    rep, p = scan_json(r.path, "--no-history")
    assert p.returncode == 1
    assert [loc["path"] for f in rep["findings"] for loc in f["locations"]] == ["big.txt"]


def test_symlink_inside_root_is_a_location_and_outside_is_not_followed(tmp_path):
    outside = write_tree(tmp_path / "outside", {"secret.env": f"GITLAB_TOKEN={GL}\n"})
    r = Repo(tmp_path / "repo")
    r.commit("init", {"config/real.env": f"NPM_TOKEN={NPM}\n"})
    os.symlink("config/real.env", r.path / "link.env")
    os.symlink(str(outside / "secret.env"), r.path / "out.env")
    os.symlink(str(outside), r.path / "outdir")
    os.symlink("loop", r.path / "loop")

    ws = walk(r.path)
    assert ws.symlinks == {"link.env": "config/real.env"}
    assert ws.skipped.get("symlink-outside-root") == 2
    assert "link.env" not in statuses(ws), "the link's content is its target's: scanned once"

    rep, _ = scan_json(r.path, "--no-history")
    found = by_sha(rep)
    assert sha(GL) not in found, "never follow a symlink out of the root"
    paths = sorted(loc["path"] for loc in found[sha(NPM)]["locations"])
    assert paths == ["config/real.env", "link.env"]
    assert sum(rep["stats"]["skipped"].get(k, 0) for k in ("symlink-loop", "symlink-broken")) == 1


def test_unusual_file_names_keep_their_status(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("init", {".gitignore": "secret dir/\n", "docs/naïve file.txt": "x\n"})
    r.write("secret dir/ä b.env", f"GITLAB_TOKEN={GL}\n")
    r.write("new dir/ü.txt", "y\n")
    assert statuses(walk(r.path)) == {".gitignore": "tracked", "docs/naïve file.txt": "tracked",
                                      "secret dir/ä b.env": "ignored", "new dir/ü.txt": "untracked"}
    rep, _ = scan_json(r.path, "--no-history")
    assert [(loc["status"], loc["path"]) for loc in by_sha(rep)[sha(GL)]["locations"]] == [("ignored", "secret dir/ä b.env")]


@pytest.mark.parametrize("path", [
    "ui/dist/assets/index-OwCBJrCK.js", "ui/dist/assets/index-f865402a.js", "ui/dist/assets/index-BHLn-F0I.js",
    "build/static/js/main.8f2c3a1d.chunk.js", "build/static/css/main.5ecd60fb.css",
    "public/assets/application-" + "3f" * 32 + ".css", "dist/chunk-vendors.0a1b2c3d.mjs",
    "web/dist/assets/actionscript-3-B3316cI-.js", "ui/dist/assets/AuthMethodsDocs-Cqvl0T_l.js",
    "assets/blog_index.md.DVr8y6Zf.js", "public/js/about.bundle.b4e0fef2bfd282de.js",
])
def test_a_bundler_s_hashed_output_in_a_build_folder_is_noise(path):
    """Vite's, webpack's, Create React App's and Rails' bundles, named for their content's
    hash: minified, as a .min.js is (pocketbase's history holds 1.2 GB of them)."""
    from scanner.sources.workspace import noise_path

    assert noise_path(path)


@pytest.mark.parametrize("path", [
    "dist/mylib.js", "dist/mylib.umd.js", "build/config-production.js", "dist/polyfills-legacy.js",
    "dist/polyfill-es2015.js", "src/handlers/index-OwCBJrCK.js", "ui/dist/assets/index-OwCBJrCK.ts",
    "dist/settings.Production.js",
    # words after the dot or dash, in static/ folders (jumpserver's, wagtail's, healthchecks', vaultwarden's)
    "static/js/plugins/jqGrid/i18n/grid.locale-bg1251.js", "static/jbox/i18n/jquery.jBox-zh-CN.js",
    "static/js/vendor/i18n/jquery.ui.datepicker-en-GB.js", "static/css/selectize.bootstrap3.css",
    "src/static/scripts/bootstrap-native-v4.js", "public/js/app-20231010.js",
])
def test_a_build_folder_s_named_files_and_hashes_elsewhere_are_read(path):
    from scanner.sources.workspace import noise_path

    assert not noise_path(path)


def test_a_hashed_bundle_is_skipped_in_the_history_and_the_work_tree_alike(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("build", {"ui/dist/assets/index-Xq3LmP9a.js": f'const k="{GL}";\n',
                          "dist/mylib.js": f'const k="{GL}";\n'})
    rep, _ = scan_json(repo.path)
    f = by_sha(rep)[sha(GL)]
    assert {loc["path"] for loc in f["locations"]} == {"dist/mylib.js"}
    assert rep["stats"]["skipped"].get("noise-file", 0) >= 2  # the bundle's blob and its file


@pytest.mark.parametrize("path", ["deno.lock", "web/bun.lock", "pdm.lock", "app/pubspec.lock", "ios/Podfile.lock",
                                  "App.xcworkspace/xcshareddata/swiftpm/Package.resolved", "src/packages.lock.json",
                                  "mix.lock", "flake.lock", "gradle.lockfile", "infra/.terraform.lock.hcl",
                                  # cargo vendor's digests of a crate's files (foundry's vendored crates)
                                  "vendor/elliptic-curve/.cargo-checksum.json"])
def test_every_package_manager_s_lock_file_is_noise(path):
    """Names, versions and digests (remix-run/remix's deno.lock: `"minipass": "minipass@7.1.2"`
    read as a password)."""
    from scanner.sources.workspace import noise_path

    assert noise_path(path)
    assert not noise_path(path + ".bak") and not noise_path(path.rsplit("/", 1)[0] + "/lock.txt")


def test_noise_suffixes_are_whole_name_endings():
    from scanner.sources.workspace import noise_path

    assert noise_path("js/firebaseauth-min.js") and noise_path("web/app.min.js")
    assert not noise_path("web/admin.js") and not noise_path("src/cumin.js") and not noise_path("css/admin.css")
