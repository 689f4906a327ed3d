"""Issue 3, how the history is read: a full-history scan probes every blob (read and matched
a megabyte at a time, without paths) while git log names them, then rescans the few with a
candidate; `--jobs 1` reads and matches chunk by chunk after the walk; the pure-Python
engine matches blob by blob. All three must report the same findings and the same counts,
whatever sits at a blob's edges. Real repositories, the real CLI."""
from __future__ import annotations

import base64
import codecs
import json
import random

import pytest

from gitrepo import Repo, by_sha, credfence, github_pat, scan_json, sha
from test_history import GH, GH2, GL, NPM, SK

AWS_ID = "AKIA" + "Q3ZB7XKP2MNR4TWV"
# (not AWS's documented example edited: its random part reads as a stand-in, as checkov's do)
AWS_SECRET = "Xq4nR8vT2mK9pLz7Wb3Ys6" + "Hd/1Fg5Jc0UeA2oNi8"


def filler(rng: random.Random, size: int) -> str:
    words = ["def", "return", "value", "config", "items", "for", "in", "if", "else", "print", "self", "data"]
    out, n = [], 0
    while n < size:
        line = "    " + " ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) + "\n"
        out.append(line)
        n += len(line)
    return "".join(out)


@pytest.fixture(scope="module")
def edge_repo(tmp_path_factory):
    rng = random.Random(3)
    r = Repo(tmp_path_factory.mktemp("probe") / "repo")
    r.commit("initial", {"README.md": "# edges\n", "empty.txt": ""})
    # secrets at the very start and the very end of blobs, with and without a newline
    r.commit("edges", {
        "a/starts.txt": f"{GL}\nrest of the file\n",
        "a/only.txt": SK,
        "a/ends.py": "x = 1\n" + f'TOKEN = "{GH}"',
        "b/bom8.txt": b"\xef\xbb\xbf" + NPM.encode() + b"\n",
        "b/bom16.txt": codecs.BOM_UTF16_LE + f"TOKEN={GH2}\r\n".encode("utf-16-le"),
        "b/binary.bin": b"\x00\x01\x02" + GH.encode() + b"\x00",
        "b/big.lfs": b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 1234\n",
    })
    # large blobs: several one-megabyte groups, secrets in the middle and at the end
    big = {f"src/big{i}.py": filler(rng, 400_000) + (f'KEY = "{GL}"\n' if i % 2 else "") + filler(rng, 20_000)
           + (f"# {SK}" if i == 3 else "") for i in range(6)}
    r.commit("big files", big)
    # structured files: parsed by name (.env, AWS credentials) or by a marker (k8s Secret)
    secret_b64 = base64.b64encode(GH2.encode()).decode()
    r.commit("config", {
        ".env.production": "SESSION_SECRET=f3K9xQ2mV7pL4wN8rT1yB6cZ\nDEBUG=false\n",
        ".aws/credentials": f"[default]\naws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n",
        "deploy/secret.yaml": f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\ndata:\n  token: {secret_b64}\n",
        "deploy/values.yaml": "replicas: 3\nimage: nginx\n",
    })
    # history only: added, then removed
    r.commit("remove", {"a/only.txt": None, "deploy/secret.yaml": None, ".aws/credentials": None})
    return r


def summary(report: dict) -> tuple:
    findings = sorted(
        (f["rule"], f["secret_sha256"],
         tuple(sorted((loc["kind"], loc["path"], loc["line"], loc.get("commit") or "") for loc in f["locations"])))
        for f in report["findings"])
    stats = {k: report["stats"][k] for k in ("files", "blobs", "bytes", "commits", "skipped")}
    return findings, stats


def test_probe_two_phase_and_per_blob_scans_agree(edge_repo, tmp_path):
    probe, _ = scan_json(edge_repo.path, out=tmp_path / "probe.json")
    two_phase, _ = scan_json(edge_repo.path, "--jobs", "1", out=tmp_path / "two.json")
    per_blob, _ = scan_json(edge_repo.path, out=tmp_path / "python.json", env={"CREDFENCE_ENGINE": "python"})
    assert summary(probe) == summary(two_phase) == summary(per_blob)

    found = by_sha(probe)
    for secret in (GL, SK, GH, NPM, GH2, AWS_SECRET):
        assert sha(secret) in found, f"{secret[:6]}... missing"
    # a removed file's secret keeps its history location and the commit that added it
    only = found[sha(SK)]
    assert any(loc["kind"] == "history" and loc["path"] == "a/only.txt" for loc in only["locations"])
    skipped = probe["stats"]["skipped"]
    assert skipped.get("binary", 0) >= 1 and skipped.get("lfs-pointer", 0) >= 1


def test_an_unreachable_blob_is_read_but_reported_only_with_all_objects(edge_repo, tmp_path):
    dangling = "ghp_" + "Zx8Cv7Bn6Mm5Ll4Kk3Jj2Hh1Gg0Ff9Dd8Ss"
    path = tmp_path / "loose.txt"
    path.write_text(f"TOKEN={dangling}\n")
    edge_repo.git("hash-object", "-w", str(path))
    try:
        plain, _ = scan_json(edge_repo.path, out=tmp_path / "plain.json")
        assert sha(dangling) not in by_sha(plain)
        every, _ = scan_json(edge_repo.path, "--all-objects", out=tmp_path / "all.json")
        (loc,) = [loc for loc in by_sha(every)[sha(dangling)]["locations"]]
        assert loc["kind"] == "history" and loc["path"] == "" and not loc.get("commit")
        assert every["stats"]["blobs"] == plain["stats"]["blobs"] + 1
    finally:
        edge_repo.git("prune", "--expire=now")


def test_a_user_rule_with_anchors_matches_every_line_in_every_mode(tmp_path):
    r = Repo(tmp_path / "repo")
    r.write(".credfence.yaml", "rules:\n"
            "  - id: acme-line-key\n    provider: acme\n"
            "    pattern: '^ACME_KEY=(?P<secret>acme_[a-z0-9]{24})$'\n    keywords: [acme_key]\n"
            "  - id: acme-anchored-key\n    provider: acme\n"
            "    pattern: '\\AACME2=(?P<secret>acme2_[a-z0-9]{24})'\n    keywords: [acme2]\n")
    first = "acme_" + "k3j9x2m7q4w8z1p6r5t0y2u8"
    third = "acme_" + "p1o2i3u4y5t6r7e8w9q0a1s2"
    other = "acme2_" + "z9x8c7v6b5n4m3l2k1j0h9g8"
    r.commit("keys", {"conf/one.env": f"ACME_KEY={first}\nx=1\n", "conf/two.env": f"a=1\nb=2\nACME_KEY={third}\n",
                      "conf/three.txt": f"y=2\nACME2={other}\n"})
    r.commit("gone", {"conf/one.env": None, "conf/two.env": None, "conf/three.txt": None})
    reports = [scan_json(r.path, *args, out=tmp_path / f"r{i}.json", env=env)[0] for i, (args, env) in enumerate(
        [((), None), (("--jobs", "1"), None), ((), {"CREDFENCE_ENGINE": "python"})])]
    assert summary(reports[0]) == summary(reports[1]) == summary(reports[2])
    found = by_sha(reports[0])
    assert {found[sha(first)]["locations"][0]["line"], found[sha(third)]["locations"][0]["line"]} == {1, 3}
    assert found[sha(other)]["locations"][0]["line"] == 2, "\\A is the start of the line, as in the rule's own regex"


def test_baseline_files_are_skipped_and_counted(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("code", {"src/app.py": f'TOKEN = "{GH}"\n'})
    p = credfence("baseline", str(r.path))
    assert p.returncode == 0, p.stderr
    r.write(".secrets.baseline", json.dumps({"version": "1.5.0", "plugins_used": [{"name": "KeywordDetector"}],
                                             "results": {"x.py": [{"type": "Secret Keyword", "hashed_secret": "a" * 40,
                                                                   "line_number": 1}]}}, indent=2))
    # a JSON file that only mentions credfence further down is an ordinary file
    r.write("data/notes.json", json.dumps({"notes": "x" * 600, "tool": "credfence", "accepted": [], "key": SK}))
    r.commit("baselines")
    rep, _ = scan_json(r.path)
    assert rep["stats"]["skipped"].get("baseline-file", 0) >= 2
    paths = {loc["path"] for f in rep["findings"] for loc in f["locations"]}
    assert ".credfence-baseline.json" not in paths and ".secrets.baseline" not in paths
    assert sha(SK) in by_sha(rep), "notes.json is scanned"


def test_work_tree_files_stand_for_their_blobs_only_when_they_hash_to_them(tmp_path):
    """A full-history scan reads a blob from the work tree when the tracked file there is
    the blob byte for byte (its git id is recomputed), and then the blob's findings are the
    file's. A modified file, one git rewrites on checkout (line endings here), and a link
    swapped in for a tracked file are not the blob: the blob is read from git and the file
    is scanned as it is, and a link out of the root is never followed."""
    import os

    outside = tmp_path / "outside.txt"
    outside.write_text(f"OUTSIDE={GH2}\n")
    now_in_file = github_pat()  # as long as GH: the edited file has the blob's size
    assert len(now_in_file) == len(GH)
    r = Repo(tmp_path / "repo")
    r.commit("init", {".gitattributes": "*.crlf text eol=crlf\n", "a/modified.py": f'TOKEN = "{GH}"\n',
                      "a/lines.crlf": f"x=1\nKEY={GL}\n", "a/dup1.txt": f"{SK}\n", "b/dup2.txt": f"{SK}\n",
                      "a/link.txt": f"NPM={NPM}\n", "a/clean.py": "x = 1\n"})
    (r.path / "a/modified.py").write_text(f'TOKEN = "{now_in_file}"\n')
    (r.path / "a/lines.crlf").unlink()
    r.git("checkout", "--", "a/lines.crlf")
    assert (r.path / "a/lines.crlf").read_bytes().count(b"\r\n") == 2
    (r.path / "a/link.txt").unlink()
    os.symlink(outside, r.path / "a/link.txt")

    probe, _ = scan_json(r.path, out=tmp_path / "probe.json")
    two_phase, _ = scan_json(r.path, "--jobs", "1", out=tmp_path / "two.json")
    assert summary(probe)[0] == summary(two_phase)[0]
    for k in ("files", "blobs", "commits"):
        assert probe["stats"][k] == two_phase["stats"][k], k

    def where(secret: str) -> set[tuple[str, str]]:
        return {(loc["kind"], loc["path"]) for loc in by_sha(probe)[sha(secret)]["locations"]}

    assert where(GH) == {("history", "a/modified.py")}, "the committed blob, not the edited file"
    assert where(now_in_file) == {("worktree", "a/modified.py")}
    assert where(GL) == {("history", "a/lines.crlf"), ("worktree", "a/lines.crlf")}
    assert where(SK) == {("history", "a/dup1.txt"), ("history", "b/dup2.txt"),
                         ("worktree", "a/dup1.txt"), ("worktree", "b/dup2.txt")}
    assert where(NPM) == {("history", "a/link.txt")}
    assert sha(GH2) not in by_sha(probe), "the link out of the root was followed"


def test_a_sha256_repository_is_scanned_like_a_sha1_one(tmp_path):
    r = Repo(tmp_path / "repo")
    r.git("init", "-q", "--object-format=sha256", str(tmp_path / "repo256"))
    r256 = Repo(tmp_path / "repo256")
    for repo in (r, r256):
        repo.commit("add", {"app/settings.py": f'TOKEN = "{GH}"\n', "app/old.txt": f"{SK}\n", "x.txt": "x\n"})
        repo.commit("remove", {"app/old.txt": None})
    reports = [scan_json(repo.path, *args, out=tmp_path / f"{i}.json")[0]
               for i, (repo, args) in enumerate([(r, ()), (r256, ()), (r256, ("--jobs", "1"))])]
    views = [sorted((f["rule"], tuple(sorted((loc["kind"], loc["path"], loc["line"]) for loc in f["locations"])))
                    for f in rep["findings"]) for rep in reports]
    assert views[0] == views[1] == views[2]
    assert {len(loc.get("commit") or "") for f in reports[1]["findings"] for loc in f["locations"]} == {0, 64}
    # the clean files were recognised as their SHA-256 blobs: nothing was read twice
    assert reports[0]["stats"]["bytes"] == reports[1]["stats"]["bytes"] == reports[2]["stats"]["bytes"]


def test_chunks_spread_small_scans_and_fit_the_pipe():
    """A history of a few megabytes is split for every worker (it was one chunk, scanned
    by one worker while the other waited), a blob worth much confirming work gets a chunk
    of its own, and a chunk's request of SHA-256 ids still fits in the pipe buffer."""
    from scanner.sources.history import CHUNK_BYTES, chunks

    blobs = [(f"{i:040x}", 1000, "") for i in range(40)]
    assert len(chunks(blobs)) == 1
    split = chunks(blobs, parts=8)
    assert len(split) >= 8 and [b for c in split for b in c] == blobs, "every blob once, in order"
    weighted = chunks(blobs, parts=2, cost=lambda b: b[1] + (10**6 if b[0] == blobs[5][0] else 0))
    assert [blobs[5]] in weighted or weighted[0][-1] == blobs[5], "the costly blob closes its chunk"
    many = [(f"{i:064x}", 10, "") for i in range(5000)]
    for c in chunks(many):
        assert len("".join(b[0] + "\n" for b in c)) <= CHUNK_BYTES + 64


def test_history_chunks_shrink_towards_the_end():
    """Large chunks keep a file's versions together (a delta is matched where it differs
    from its base only when the base is in its chunk); towards the end each chunk is at
    most about 1/parts of what is left, so no worker is left with a large last chunk while
    the others wait."""
    from scanner.sources.history import CHUNK_CONTENT, chunks

    blobs = [(f"{i:040x}", 100_000, "", "") for i in range(6000)]  # 600 MB
    got = chunks(blobs, parts=8)
    assert [b for c in got for b in c] == blobs
    sizes = [sum(b[1] for b in c) for c in got]
    assert max(sizes) <= CHUNK_CONTENT + 100_000 and sizes[0] > CHUNK_CONTENT // 2
    left = sum(sizes)
    for size in sizes:
        assert size <= max(left // 8 + 100_000, 100_000)
        left -= size
    assert sizes[-1] < CHUNK_CONTENT // 8


def test_blobs_are_read_after_the_base_git_stores_them_against(tmp_path):
    """The history's blobs come in the order of their deltas: every blob after the blob git
    stores it as a delta against (git rebuilds it from that base, and its cache of rebuilt
    bases then serves). Versions of a file packed as deltas by real git; a secret in one
    version is still found in every version that holds it."""
    from scanner.sources.history import Enumeration

    rng = random.Random(5)
    r = Repo(tmp_path / "repo")
    body = filler(rng, 30_000)
    for k in range(25):
        lines = body.split("\n")
        lines.insert(rng.randrange(len(lines)), f"    step = {k}")
        body = "\n".join(lines)
        r.commit(f"edit {k}", {"app/big.py": body + (f'\nTOKEN = "{GH}"\n' if 10 <= k < 15 else "\n")})
    r.git("gc", "-q", "--aggressive")
    listing = r.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(deltabase)")
    base_of = {o: b for o, t, b in (line.split() for line in listing.splitlines()) if t == "blob" and b.strip("0")}
    assert len(base_of) >= 20, "git stored most versions as deltas"
    order = [oid for oid, *_ in Enumeration(r.path).result().blobs]
    at = {oid: k for k, oid in enumerate(order)}
    assert len(at) == len(order) == 25
    assert all(at[base] < at[oid] for oid, base in base_of.items() if base in at)
    rep, _ = scan_json(r.path, out=tmp_path / "o.json")
    [f] = [f for f in rep["findings"] if f["rule"] == "github-pat"]
    assert len({loc["commit"] for loc in f["locations"] if loc["kind"] == "history"}) == 1  # first introduction per path


def test_a_cycle_of_delta_bases_is_still_read_each_blob_once_and_last():
    from scanner.sources.history import order_by_delta

    a, b, c, d = (x.encode() * 40 for x in "abcd")
    # a and b each other's base (a corrupt pack), d stored against a: no root reaches them
    assert order_by_delta([(a, 1, "x", b), (b, 1, "y", a), (c, 1, "z", b"0" * 40), (d, 1, "w", a)]) == \
        [(c.decode(), 1, "z", ""), (a.decode(), 1, "x", ""), (b.decode(), 1, "y", ""), (d.decode(), 1, "w", "")]
    assert order_by_delta([(a, 1, "x", b), (b, 1, "y", b"0" * 40), (c, 1, "z", a)]) == \
        [(b.decode(), 1, "y", ""), (a.decode(), 1, "x", b.decode()), (c.decode(), 1, "z", a.decode())]


def test_siblings_in_the_delta_order_come_smallest_family_first():
    """Blobs stored against one base come in the order of their family's bytes (the blob and
    all stored against it), smallest first, each still after its base: a small version read
    after a large sibling's many versions found its base chunks back and was matched whole."""
    from scanner.sources.history import order_by_delta

    root, big, b1, b2, leaf = (c.encode() * 40 for c in "abcde")
    zero = b"0" * 40
    blobs = [(root, 10, "f", zero), (big, 10, "f", root), (b1, 500, "f", big), (b2, 500, "f", b1),
             (leaf, 300, "f", root)]  # big's family: 1,010 bytes; leaf's: 300
    got = [(oid.encode(), base.encode()) for oid, _, _, base in order_by_delta(blobs)]
    assert [oid for oid, _ in got] == [root, leaf, big, b1, b2]
    assert [base for _, base in got] == [b"", root, root, big, b1]


def test_a_base_in_an_earlier_chunk_is_carried_for_the_versions_stored_against_it():
    """The bases of a chunk's versions that an earlier chunk holds come first in the chunk,
    path None, when the versions they save are worth it, most saved first, within the
    request's room, counting only versions large enough to be matched where they differ;
    blobs without bases and chunks without outside bases are untouched."""
    from scanner.sources import history

    a, b, c, d, e, f = (ch * 40 for ch in "abcdef")
    first = [(c, 50, "x", ""), (a, 1000, "log", c), (b, 900, "log", a)]
    second = [(d, 1000, "log", a), (e, 1000, "log", a), (f, 60, "x", c)]  # a saves 2,000; c 60
    got = list(history.with_outside_bases(iter([first, second])))
    assert got[0] == first
    assert got[1] == [(a, 1000, None, "")] + second, "c (60 bytes for 50) is not worth carrying"
    small = list(history.with_outside_bases(iter([first, second]), edited_from=1001))
    assert small[1] == second, "versions matched whole anyway save nothing"
    plain = [[(a, 10, "p")], [(b, 10, "p")]]
    assert list(history.with_outside_bases(iter(plain))) == plain
    full = [(f"{k:040x}", 10, "log", a) for k in range(history.CHUNK_BYTES // 65)]
    assert list(history.with_outside_bases(iter([first, full])))[1] == full, "no room in the request"


def test_every_outside_base_of_a_delta_ordered_forest_is_found_from_the_chain_alone():
    """with_outside_bases keeps only the chain of bases down to the last blob handed out,
    not every blob: in delta order (depth first) it finds the same outside bases, and
    carries the same ones, as a record of every earlier blob would, however the forest
    branches and wherever the chunks are cut."""
    from scanner.sources import history

    rng = random.Random(11)
    carried_some = 0
    for trial in range(40):
        oids = [f"{k:040x}".encode() for k in range(rng.randrange(5, 120))]
        blobs = []
        for k, oid in enumerate(oids):  # a base among the earlier blobs, or none
            base = oids[rng.randrange(k)] if k and rng.random() < 0.8 else b"0" * 40
            blobs.append((oid, rng.randrange(1, 3000), "f", base))
        rng.shuffle(blobs)
        ordered = history.order_by_delta(blobs)
        cuts = sorted(rng.sample(range(1, len(ordered)), min(len(ordered) - 1, rng.randrange(1, 8))))
        chunks = [ordered[a:b] for a, b in zip([0] + cuts, cuts + [len(ordered)])]
        every: dict[str, int] = {}  # what the chain stands for: every blob handed out
        expected = []
        for chunk in chunks:
            inside = {b[0] for b in chunk}
            saved: dict[str, int] = {}
            for _, size, _, base in chunk:
                if base and base not in inside and base in every:
                    saved[base] = saved.get(base, 0) + size
            carried = sorted((b for b, n in saved.items() if n > history.CARRY_FACTOR * every[b]),
                             key=lambda b: -saved[b])
            expected.append([(b, every[b], None, "") for b in carried] + chunk)
            every.update((b[0], b[1]) for b in chunk)
        assert list(history.with_outside_bases(iter(chunks))) == expected, trial
        carried_some += any(len(c) > len(o) for c, o in zip(expected, chunks))
    assert carried_some > 10


def test_versions_split_over_chunks_are_matched_against_their_carried_base(tmp_path, monkeypatch):
    """A large file's versions cut by a chunk's edge from the base git stores them against:
    with the base carried (history.with_outside_bases), each version is matched where it
    differs from it, as in one chunk, and the hits, counts and bytes are those of one
    chunk, whatever the cut; the carried base is reported by its own chunk only."""
    import scanner.engine as engine_mod
    from scanner import pipeline
    from scanner.engine import Engine
    from scanner.rules import load_rules
    from scanner.sources import history

    rng = random.Random(5)
    r = Repo(tmp_path / "repo")
    lines = filler(rng, 80_000).split("\n")
    for k in range(24):
        at = rng.randrange(len(lines) // 4, 3 * len(lines) // 4)
        lines[at] = f'TOKEN_{k} = "{GL if k % 5 == 2 else "x" * k}"'
        r.commit(f"edit {k}", {"CHANGES.txt": "\n".join(lines) + "\n", f"n{k}.txt": f"{NPM}\n" if k == 7 else "n\n"})
    r.git("gc", "-q", "--aggressive")
    e = history.Enumeration(r.path)
    bl = e.result(ordered=False)
    blobs = list(bl.in_delta_order())
    e.close()
    assert sum(1 for b in blobs if b[3]) >= 15, "git stores most versions as deltas"
    # what the scan asks of the blobs once matched: each one's path, by id
    assert bl.scanned == {b[0].encode(): b[2] for b in blobs} and not bl.unordered
    windows = [0]
    real_window = engine_mod._edit_window

    def counted(*args):
        got = real_window(*args)
        windows[0] += got is not None
        return got

    monkeypatch.setattr(engine_mod, "_edit_window", counted)
    monkeypatch.setattr(history, "CARRY_FACTOR", 0)  # every outside base carried
    pipeline._init_worker(Engine(load_rules()), r.path, 25 << 20)

    def scan(chunk_list):
        windows[0] = 0
        hits, items, size = set(), 0, 0
        try:
            for chunk in chunk_list:
                res = pipeline._scan_blobs(chunk)
                items, size = items + res.items, size + res.bytes
                hits |= {(oid, h.rule_id, h.secret, h.line, h.column) for oid, hs in res.hits for h in hs}
        finally:
            pipeline._close_reader()
        return hits, items, size, windows[0]

    whole = scan([blobs])
    assert whole[0] and whole[1] == len(blobs) and whole[3] >= 10
    cut_from_base = 0
    for cut in range(2, len(blobs) - 1, 3):
        split = [blobs[:cut], blobs[cut:]]
        assert scan(history.with_outside_bases(iter(split))) == whole, cut
        cut_from_base += scan(split)[3] < whole[3]
    assert cut_from_base, "some cut leaves versions without their base (else this test shows nothing)"


def test_chunks_handed_out_as_the_blobs_are_ordered_are_the_chunks_of_the_whole_list():
    from scanner.sources.history import chunks

    sizes = [5, 3 << 20, 1, 9 << 20, 700, 4 << 20, 4 << 20, 12, 0, 2 << 20] * 7
    blobs = [(f"{k:040x}", n, f"p{k}", "") for k, n in enumerate(sizes)]
    total = sum(sizes)
    for parts in (1, 2, 8, 300):
        lazy = chunks(iter(blobs), parts, total=total)
        assert not isinstance(lazy, list)
        assert list(lazy) == chunks(blobs, parts)


def test_the_first_introduction_of_a_secret_does_not_depend_on_the_scan_order():
    """Two commits that bring a secret into one path on the same date (a rebase keeps the
    author dates): the report names the same one whichever blob was scanned first."""
    from scanner.findings import _first_introductions
    from scanner.model import Location

    one = Location("history", "p", 1, 1, commit="b" * 40, date="2024-01-01T00:00:00+00:00")
    two = Location("history", "p", 1, 1, commit="a" * 40, date="2024-01-01T00:00:00+00:00")
    for pairs in ([(one, {}), (two, {})], [(two, {}), (one, {})]):
        [(loc, _)] = _first_introductions([(Location(**vars(x)), c) for x, c in pairs])
        assert loc.commit == "a" * 40


def test_the_versions_of_a_path_share_their_refs_and_a_lone_one_keeps_its_own():
    """The first introduction kept per path carries the refs reaching any of its versions
    (ref_order, at most REFS_LISTED), the largest count and the latest removal; a path
    with one version keeps its location as it was."""
    from scanner.findings import _first_introductions
    from scanner.model import REFS_LISTED, Location, ref_order

    refs = [f"refs/tags/v{k}" for k in range(30)] + ["refs/heads/main", "refs/remotes/origin/x"]
    versions = [(Location("history", "p", 1, 1, commit=f"{k:040x}", date=f"2024-01-{k + 1:02d}T00:00:00+00:00",
                          refs=sorted(refs[k::4], key=ref_order)[:REFS_LISTED], refs_count=len(refs[k::4])),
                 {"removed_at": f"2024-02-0{k + 1}T00:00:00+00:00"} if k in (1, 2) else {}) for k in range(4)]
    lone = Location("history", "q", 2, 1, commit="f" * 40, date="2024-03-01T00:00:00+00:00", refs=["refs/x"],
                    refs_count=None)
    for pairs in (versions + [(lone, {})], list(reversed(versions)) + [(lone, {})]):
        got = {loc.path: (loc, ctx) for loc, ctx in _first_introductions(
            [(Location(**{**vars(x), "refs": list(x.refs)}), dict(c)) for x, c in pairs])}
        first, ctx = got["p"]
        assert first.commit == f"{0:040x}"
        assert first.refs == sorted({r for x, _ in versions for r in x.refs}, key=ref_order)[:REFS_LISTED]
        assert first.refs[0] == "refs/heads/main" and first.refs_count == REFS_LISTED
        assert ctx == {"removed_at": "2024-02-03T00:00:00+00:00"}
        assert (got["q"][0].refs, got["q"][0].refs_count) == (["refs/x"], None)


def test_findings_alike_but_for_their_place_come_in_one_order():
    """Two secrets of one rule in one file, equal in every way the report ranks by: listed
    by place then secret, whichever the workers handed back first."""
    from scanner.model import Finding, Location, Rule
    from scanner.scan import danger_order

    rule = Rule(id="generic-secret", provider="generic", name="generic", pattern="", keywords=[])
    a = Finding(rule, "first-secret-value", [Location("worktree", "conf/app.yml", 4, 13)])
    b = Finding(rule, "another-secret-value", [Location("worktree", "conf/app.yml", 5, 23)])
    c = Finding(rule, "a-third-secret-value", [Location("worktree", "conf/app.yml", 5, 23)])
    for order in ([a, b, c], [c, b, a], [b, c, a]):
        assert sorted(order, key=danger_order) == [a, c, b]


def test_versions_of_a_file_judged_by_their_lines_report_what_confirming_each_would(tmp_path):
    """A secret on a line a rule accepted before is taken from that judgment in later
    versions of the file (Engine.known_hits), and so are a generic guess judged alike in
    and out of a docstring and an encoded value whose decoding found nothing
    (Engine._decode_quiet); the evidence is read once for the places the
    report keeps (scan._fill_deferred). The report must be the one the pure-Python engine
    gives, which confirms every version whole: the line moves, the section above it
    changes, an allow marker comes and goes on the line before, a copy lands in another
    file."""
    r = Repo(tmp_path / "repo")
    secret_line = '    url = "postgres://admin:' + "Xq7-vRt2kP9mWz4L" + '@db.internal.example.com:5432/app"\n'
    token_line = f'GITHUB_TOKEN = "{GH}"\n'
    # encoded values (scanner/detect.py decodes them): one hides a token, one does not
    hidden = base64.b64encode(f"token={GH2}".encode()).decode()
    harmless = base64.b64encode(b"just some harmless configuration text here").decode()
    encoded = f'auth_blob = "{hidden}"\nsession_blob = "{harmless}"\n'
    header = "[production]\n"
    for k in range(14):
        above = "".join(f"# note {j}\n" for j in range(k))
        marker = "# credfence: allow\n" if k in (0, 1) else ""  # the first versions: allowed
        if k == 9:
            header = "[staging]\n"
        # a generic guess (a password assigned in code), in a docstring in some versions
        doc_open, doc_close = ('"""Example:\n', '"""\n') if k in (3, 4, 12) else ("", "")
        settings = ("import os\n" + above + doc_open + '    DB_PASSWORD = "' + "Zq8Lm3Xv7Rt2Kp9W" + '"\n' +
                    doc_close + marker + 'API_SECRET = "' + "Hn4Bv8Cx2Zl6Qw1E" + '"\n')
        r.commit(f"v{k}", {"conf/app.ini": above + header + marker + secret_line + token_line + f"# end {k}\n",
                           "docs/copy.ini": (header + secret_line) if k >= 11 else None,
                           "app/settings.py": settings, "conf/encoded.ini": above + encoded})
    fast, _ = scan_json(r.path, out=tmp_path / "fast.json")
    slow, _ = scan_json(r.path, out=tmp_path / "slow.json", env={"CREDFENCE_ENGINE": "python"})

    def view(rep):
        return sorted(json.dumps(f, sort_keys=True) for f in rep["findings"])

    assert view(fast) == view(slow)
    assert "_deferred" not in json.dumps(fast)
    found = by_sha(fast)
    assert sha(GH) in found and sha(GH2) in found and len(fast["findings"]) >= 3
    assert any(f["rule"] == "generic-secret" for f in fast["findings"])
    # the allow marker in the first two versions: the secrets below it came in with v2
    commits = {c: r.git("log", "-1", "--format=%s", c).strip()
               for f in fast["findings"] for c in [loc.get("commit") for loc in f["locations"]] if c}
    firsts = {f["rule"]: {commits[loc["commit"]] for loc in f["locations"] if loc.get("commit")} for f in fast["findings"]}
    assert firsts["postgres-url"] >= {"v2"} and "v0" not in firsts["postgres-url"], firsts
    # the first version that brought the URL in kept its own evidence: the production section
    url = [f for f in fast["findings"] if f["rule"] == "postgres-url"]
    assert url and all(f["blast"]["env"] == "production" for f in url), [f["blast"] for f in url]


def test_deferred_evidence_is_read_from_its_blob_or_the_scan_says_it_could_not(tmp_path):
    """scan._fill_deferred reads a deferred hit's evidence from the blob it was found in;
    a blob that cannot be read again leaves the finding, without evidence, and a warning."""
    from scanner.engine import DEFERRED, Engine
    from scanner.model import Finding, Location
    from scanner.rules import load_rules
    from scanner.scan import ScanOptions, _fill_deferred, _Scan

    r = Repo(tmp_path / "repo")
    r.commit("add", {"conf/app.ini": f'[production]\nGITHUB_TOKEN = "{GH}"\n'})
    blob = r.git("rev-parse", "HEAD:conf/app.ini").strip()
    rules = load_rules()
    engine = Engine(rules)
    s = _Scan(ScanOptions(root=r.path), r.path, False, True, True, "", 1, engine, {x.id: x for x in rules}, None, 0.0)
    gone = "0" * 40
    s.scanned_as = {blob: "conf/app.ini", gone: "conf/old.ini"}
    rule = next(x for x in rules if x.id == "github-pat")
    kept = Finding(rule, GH, [Location("history", "conf/app.ini", 2, 17, commit="c", blob=blob)],
                   [{DEFERRED: True, "removed_at": "2024-01-01"}])
    lost = Finding(rule, GH, [Location("history", "conf/old.ini", 2, 17, commit="d", blob=gone)], [{DEFERRED: True}])
    _fill_deferred(s, [kept, lost])
    assert kept.contexts[0].get("key") == "GITHUB_TOKEN" and kept.contexts[0]["removed_at"] == "2024-01-01"
    assert kept.contexts[0].get("section") == ["production"]
    assert lost.contexts[0] == {}
    assert any("could not be read again" in w for w in s.warnings)
    assert not any(DEFERRED in c for f in (kept, lost) for c in f.contexts)


def test_deferred_evidence_confirms_only_its_lines_and_gives_what_detecting_whole_gives():
    """The evidence of deferred hits is read by confirming their lines alone, in the whole
    content (pipeline._on_lines): each hit and its context are what detecting the whole
    content gives for it, and no other line is confirmed."""
    from scanner import pipeline
    from scanner.detect import detect
    from scanner.engine import Engine
    from scanner.rules import load_rules

    try:
        engine = Engine(load_rules(), use_hyperscan=True)
    except RuntimeError:
        pytest.skip("hyperscan is not available on this machine")
    other = github_pat()
    data = (f'[production]\nGITHUB_TOKEN = "{GH}"\n\n[staging]\napi_password = "Wq3vN8rT5zXy7LmK"\n'
            f'[ci]\nRUNNER_TOKEN = "{other}"\n').encode()
    whole = {(h.rule_id, h.line): h for h in detect(engine, data, "conf/app.ini")[0]}
    assert {line for _, line in whole} == {2, 5, 7}
    pipeline._init_worker(engine, None, 1 << 20)
    got = detect(engine, data, "conf/app.ini", pipeline._on_lines(data, [2, 5]))[0]
    assert {(h.rule_id, h.line) for h in got} == {k for k in whole if k[1] in (2, 5)}
    for h in got:
        w = whole[(h.rule_id, h.line)]
        assert (h.secret, h.column, h.context) == (w.secret, w.column, w.context)
    assert next(h for h in got if h.line == 2).context.get("section") == ["production"]


def test_versions_matched_where_they_differ_from_their_base_report_what_whole_reads_do(tmp_path):
    """A version git stores as a delta is matched only around what it changed over its base
    (Engine.match_spans' bases); git stores an older version against a newer one. On a
    large file edited over thirty commits, each secret is added in one version and
    changed in the next, so that the version that adds it is matched against a base
    without it: a token broken by a space in its middle (a match across the edit), a
    key ID followed by a letter (a match ending where the edit starts), a PEM key with
    one middle line rotated (a match starting far before the edit), a token below a block
    of lines added further up (matches moved by the edit's length). The findings and
    their locations are those of the pure-Python engine, which reads every version whole."""
    rng = random.Random(11)
    r = Repo(tmp_path / "repo")
    lines = filler(rng, 60_000).split("\n")
    key_body = [base64.b64encode(rng.randbytes(48)).decode() for _ in range(20)]
    for k in range(30):
        at = rng.randrange(len(lines) // 4, 3 * len(lines) // 4)
        if k == 3:
            lines.insert(at, f'GITLAB = "{GL}"')
        elif k == 4:
            lines = [ln.replace(GL, GL[:12] + " " + GL[12:]) for ln in lines]
        elif k == 6:
            lines.insert(len(lines) - 40, f"# deploy key\n{NPM}")
        elif k == 7:
            lines[40:40] = [f"    added = {j}" for j in range(60)]
        elif k == 9:
            lines.insert(at, "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(key_body) + "\n-----END RSA PRIVATE KEY-----")
        elif k == 10:
            old = key_body[10]
            key_body[10] = base64.b64encode(rng.randbytes(48)).decode()
            lines = [ln.replace(old, key_body[10]) for ln in lines]
        elif k == 12:
            lines.insert(at, f"aws_key_id = {AWS_ID}")
        elif k == 13:
            lines = [ln.replace(AWS_ID, AWS_ID + "x") for ln in lines]
        elif k == 25:
            lines = [ln for ln in lines if NPM not in ln]
        else:  # one line replaced: each version differs from the next in one place
            lines[at] = f"    step = {k}"
        r.commit(f"edit {k}", {"app/big.py": "\n".join(lines) + "\n", "app/other.py": f"x = {k}\n"})
    r.git("gc", "-q", "--aggressive")
    listing = r.git("cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(deltabase)")
    assert sum(1 for ln in listing.splitlines() if ln.startswith("blob ") and ln.split()[1].strip("0")) >= 25
    whole, _ = scan_json(r.path, out=tmp_path / "python.json", env={"CREDFENCE_ENGINE": "python"})
    edited, _ = scan_json(r.path, out=tmp_path / "edited.json")
    assert summary(edited) == summary(whole)
    found = by_sha(edited)
    assert {sha(GL), sha(NPM), sha(AWS_ID)} <= set(found)
    assert sum(f["rule"] == "private-key" for f in edited["findings"]) == 2, "the key before and after rotation"


def test_binary_versions_between_text_ones_are_skipped_and_the_text_ones_found_whole(tmp_path):
    """A file that turns binary for a version (a NUL byte put at its start) and then text
    again: the binary version is not matched (Engine.match_spans' `unmatched`) and is
    counted as skipped binary, as detect counts it, and it is never a text version's base.
    The secret is added in the binary version, so the text version after it, which git
    stores as a delta against it, first holds the secret far from their one difference:
    it must still be found there. The findings, their locations and the skip counts are
    those of the pure-Python engine, which reads and detects every version whole."""
    rng = random.Random(5)
    r = Repo(tmp_path / "repo")
    lines = filler(rng, 60_000).split("\n")
    # (a large other file: the history's chunks are then large enough to hold all three versions)
    r.commit("text", {"app/big.dat": "\n".join(lines) + "\n", "app/other.txt": filler(rng, 4_000_000)})
    lines.insert(len(lines) // 2, f'GITLAB = "{GL}"')
    r.commit("binary", {"app/big.dat": "\0" + "\n".join(lines) + "\n"})
    text_again = r.commit("text again", {"app/big.dat": "\n".join(lines) + "\n"})
    r.git("gc", "-q", "--aggressive")  # (the largest version, the binary one, is the others' base)
    binary_blob, text_blob = r.git("rev-parse", f"{text_again}~1:app/big.dat", f"{text_again}:app/big.dat").split()
    assert r.git("cat-file", "--batch-check=%(deltabase)", input=text_blob + "\n").strip() == binary_blob
    whole, _ = scan_json(r.path, out=tmp_path / "python.json", env={"CREDFENCE_ENGINE": "python"})
    edited, _ = scan_json(r.path, out=tmp_path / "edited.json")
    assert summary(edited) == summary(whole)
    assert edited["stats"]["skipped"].get("binary") == 1
    assert [loc["commit"] for loc in by_sha(edited)[sha(GL)]["locations"] if loc["kind"] == "history"] == [text_again]


def _jwt(rng: random.Random, claims: dict) -> str:
    def part(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    sig = base64.urlsafe_b64encode(rng.randbytes(32)).decode().rstrip("=")
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{sig}"


def test_lines_judged_in_earlier_versions_keep_their_findings_and_evidence(tmp_path):
    """A line a rule judged in an earlier version is taken from the engine's memo (known_hits,
    and Engine.confirm's rejected lines), its evidence read again from its blob where the
    report needs it (scan._fill_deferred). A file of tokens edited over many commits: a
    token added in each version, lines moved from a staging section to a production one
    (their evidence), an allow marker put above a line already accepted, a Twilio key's
    context there in one version only (a rule with context), a placeholder line kept. The
    whole report, evidence and blast radius included, is the pure-Python engine's, with one
    worker and with two, and holds every token, the Twilio key at its one version."""
    rng = random.Random(7)
    r = Repo(tmp_path / "repo")
    tokens = [github_pat() for _ in range(12)]
    jwts = [_jwt(rng, {"sub": f"user-{k}", "iat": 1712000000 + k, "aud": "api"}) for k in range(6)]
    twilio = "SK" + rng.randbytes(16).hex()  # a Twilio API key: reported only with "twilio" near it
    staging = [f"token_{k} = {t}" for k, t in enumerate(tokens[:4])] + [f"jwt_{k} = {j}" for k, j in enumerate(jwts)]
    production = ["placeholder = ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"]
    for k in range(14):
        if k < 8:
            staging.insert(rng.randrange(len(staging) + 1), f"token_{k + 4} = {tokens[k + 4]}")
        if k in (3, 9):  # two lines move to production: the same lines, other evidence
            production += [staging.pop(0), staging.pop(-1)]
        if k == 5:
            production.insert(1, "# credfence: allow")  # above a line accepted before
        # the Twilio key without its context, but in one version in the middle
        extra = [f"# twilio\nservice = {twilio}"] if k == 10 else [f"service = {twilio}"] if k % 3 else []
        text = "\n".join(["[staging]", *staging, "", "[production]", *production, "", *extra, f"# version {k}"]) + "\n"
        r.commit(f"edit {k}", {"conf/tokens.ini": text, "app/other.py": f"x = {k}\n"})
    r.git("gc", "-q", "--aggressive")

    def report(name: str, *args: str, env=None) -> list:
        got, _ = scan_json(r.path, *args, out=tmp_path / name, env=env)
        assert not got.get("warnings"), got.get("warnings")
        return sorted(json.dumps(f, sort_keys=True) for f in got["findings"])

    whole = report("python.json", env={"CREDFENCE_ENGINE": "python"})
    found = [json.loads(f) for f in whole]
    assert sorted(f["rule"] for f in found).count("github-pat") == len(tokens)
    assert {f["secret_sha256"] for f in found} >= {sha(t) for t in tokens + jwts + [twilio]}
    places = {loc.get("commit") for f in found if f["secret_sha256"] == sha(twilio) for loc in f["locations"]}
    assert places == {r.git("rev-parse", "HEAD~3").strip()}, "the one version with its context"
    assert report("one.json", "--jobs", "1") == whole
    assert report("two.json", "--jobs", "2") == whole


def test_a_utf8_byte_order_mark_is_read_past_in_every_version_of_the_history(tmp_path):
    """A file that starts with a UTF-8 byte-order mark (what Visual Studio writes) is matched
    in the history as decode() reads it, after the mark: a rule anchored at a line's start
    (an htpasswd entry, `^user:$apr1$...`) finds its first line, in the version stored whole
    and in the one stored as a delta against it, with the line and column the work tree
    gives; the mark makes no version a candidate by itself."""
    rng = random.Random(7)
    crypt = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    entry = "alice:$apr1$" + "".join(rng.choice(crypt) for _ in range(8)) + "$" + \
        "".join(rng.choice(crypt) for _ in range(22))
    rows = "".join(f"    value_{k} = compute(items, {k})\n" for k in range(400))
    r = Repo(tmp_path / "repo")
    r.commit("users", {"conf/users.htpasswd": b"\xef\xbb\xbf" + (entry + "\n" + rows).encode(),
                       "src/App.cs": b"\xef\xbb\xbf" + rows.encode()})
    r.commit("more", {"conf/users.htpasswd": b"\xef\xbb\xbf" + (entry + "\n" + rows + "    tail = 1\n").encode(),
                      "src/App.cs": b"\xef\xbb\xbf" + (rows + "    tail = 1\n").encode()})
    r.git("gc", "-q", "--aggressive")
    report = scan_json(r.path, "--jobs", "1")[0]
    secret = entry.split("$apr1$")[1]
    found = by_sha(report)[sha(secret)]
    assert {(loc["kind"], loc["path"], loc["line"], loc["column"]) for loc in found["locations"]} == {
        ("worktree", "conf/users.htpasswd", 1, len("alice:$apr1$") + 1),
        ("history", "conf/users.htpasswd", 1, len("alice:$apr1$") + 1)}
    assert all(f["locations"][0]["path"] != "src/App.cs" for f in report["findings"])
