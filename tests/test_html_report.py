"""`credfence audit --format html` on the demo repository (the incident, before the agent
files are written): one self-contained page holding every finding of the JSON report and
no plaintext secret, rendered by headless Chromium (Debian's `chromium`; `.ci/run`
installs it when it can) without errors, on a desktop and a phone width, and printed to PDF.

Screenshots are left in the test's temporary directory (desktop.png, phone.png)."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def cf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CREDFENCE_"))}
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=str(cwd), env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory):
    """(demo root, JSON report with secrets, the HTML page's text, its path)."""
    from scanner import demo

    base = tmp_path_factory.mktemp("html")
    root = demo.build(base / "demo")
    args = [".", "--task-paths", *demo.TASK_PATHS, "--quiet"]
    p = cf("audit", *args, "--format", "json", "--show-secrets", cwd=root)
    assert p.returncode == 1, p.stderr
    rep = json.loads(p.stdout)
    out = base / "audit.html"
    p = cf("audit", *args, "--format", "html", "--output", str(out), cwd=root)
    assert p.returncode == 1, p.stderr
    assert "report written to" in p.stderr
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    return root, rep, out.read_text(encoding="utf-8"), out


def test_page_holds_every_finding_and_no_secret(demo_page):
    root, rep, page, _ = demo_page
    assert rep["findings"], "the demo has findings"
    fps = set(re.findall(r'data-fingerprint="([0-9a-f]{64})"', page))
    assert fps == {f["fingerprint"] for f in rep["findings"]}
    for f in rep["findings"]:
        secret = f["secret"]
        for form in {secret, html.escape(secret), html.escape(secret, quote=False)}:
            assert form not in page, "a plaintext secret in the HTML"
        assert secret[-8:] not in page, "the tail of a secret in the HTML"
        assert html.escape(f["secret_redacted"]) in page
        assert f["blast"]["severity"] in page
    # every path:line of the JSON is on the page, the history ones with their commit
    for f in rep["findings"]:
        loc = f["locations"][0]
        assert html.escape(f"{loc['path']}:{loc['line']}") in page, loc
    for fp in rep["audit"]["exposed"]:
        f = next(x for x in rep["findings"] if x["fingerprint"] == fp)
        if all(loc["kind"] == "history" for loc in f["locations"]):
            assert "Only in history, to rotate" in page and f["locations"][0]["commit"][:12] in page
    # next steps follow the state: the files are not hidden yet
    assert "ignore" in page and "--write" in page


def test_page_is_self_contained(demo_page):
    _, _, page, _ = demo_page
    low = page.lower()
    assert page.startswith("<!doctype html>")
    assert "<script" not in low and "javascript:" not in low
    assert not re.search(r"""(src|href|action|poster)\s*=""", low), "no link to load or follow"
    assert "url(" not in low and "@import" not in low
    assert "content-security-policy" in low and "default-src 'none'" in low
    assert '<meta name="viewport"' in low and "@media print" in low and "@media (max-width" in low


def test_html_escapes_everything(tmp_path):
    """A path that is markup is shown as text, never as markup."""
    from gitrepo import Repo, github_pat

    repo = Repo(tmp_path / "r")
    evil = "<img src=x onerror=alert(1)>.env"
    repo.write("CLAUDE.md", "# n\n")
    repo.write(evil, f"GITHUB_TOKEN={github_pat()}\n")
    p = cf("audit", ".", "--format", "html", "--no-history", cwd=repo.path)
    assert p.returncode == 1, p.stderr
    assert "<img" not in p.stdout and html.escape(evil) in p.stdout


def test_a_path_that_is_not_utf8_or_holds_controls_is_shown_escaped(tmp_path):
    """A file name with a byte that is not UTF-8, a terminal's escape and a right-to-left
    override: the page is written (it crashed on the undecodable byte) as valid UTF-8, and
    shows each as the terminal report does, never the character itself."""
    from gitrepo import Repo, github_pat

    repo = Repo(tmp_path / "r")
    repo.write("CLAUDE.md", "# n\n")
    name = b"cr\xffeds\x1b[31m\xe2\x80\xaegpj.env"
    (repo.path / os.fsdecode(name)).write_text(f"GITHUB_TOKEN={github_pat()}\n")
    out = tmp_path / "audit.html"
    p = cf("audit", ".", "--format", "html", "--no-history", "--output", str(out), cwd=repo.path)
    assert p.returncode == 1, p.stderr
    page = out.read_bytes().decode("utf-8")  # strict: the page is valid UTF-8
    assert "cr\\xffeds\\x1b[31m\\u202egpj.env" in page
    assert "\x1b" not in page and "\u202e" not in page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/install-chromium.sh installs it with apt)")
def test_chromium_renders_the_page(demo_page, tmp_path):
    _, rep, page, path = demo_page
    url = path.as_uri()

    def chrome(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args, url],
                              capture_output=True, text=True, timeout=180)

    # the DOM Chromium built holds what the page holds: it parsed the whole document
    dom = chrome("--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "</main>" in dom.stdout and "credfence audit" in dom.stdout
    assert set(re.findall(r'data-fingerprint="([0-9a-f]{64})"', dom.stdout)) == {f["fingerprint"] for f in rep["findings"]}
    for word in ("Refused to", "Uncaught", "net::ERR_", "Failed to load resource"):
        assert word not in dom.stderr, dom.stderr[-2000:]
    for f in rep["findings"]:
        assert f["secret"] not in dom.stdout
    # a desktop and a phone screenshot, and a printed PDF
    for name, size in (("desktop.png", "1200,2600"), ("phone.png", "390,3000")):
        shot = tmp_path / name
        p = chrome(f"--screenshot={shot}", f"--window-size={size}", "--hide-scrollbars")
        assert p.returncode == 0 and shot.is_file() and shot.stat().st_size > 20_000, p.stderr[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = tmp_path / "audit.pdf"
    p = chrome(f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert p.returncode == 0 and pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-", p.stderr[-2000:]
    keep = os.environ.get("CREDFENCE_KEEP_SCREENSHOTS")
    if keep:
        for name in ("desktop.png", "phone.png", "audit.pdf"):
            shutil.copy(tmp_path / name, Path(keep) / name)
