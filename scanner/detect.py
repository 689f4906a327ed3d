"""Detection: the one entry from a piece of content to its hits.

`detect(engine, data, path)` owns every step: the binary and LFS checks, the candidate
search (scanner/engine.py: Hyperscan or the regex fallback), confirmation by the rules'
own regexes, validators and the generic detector, the structured parsers
(detectors/structured, by file name or content marker), the rescans of decoded text
(notebook cells, Kubernetes Secret data, base64 or %-escaped values), and the one dedupe
rule (`dedupe`). Sources (scanner/sources) say where content comes from; the pipeline
(scanner/pipeline.py) only spreads the calls over the cores.
"""
from __future__ import annotations

from scanner.model import Hit  # noqa: F401 - the type detect returns

from detectors.generic import reading_path
from scanner.context import rule_test_text
from scanner.engine import BOMS, Engine, decode, dedupe, is_binary, mark_generated, without_terminal_codes
from scanner.sources.workspace import LFS_MAGIC

__all__ = ["BOMS", "detect", "dedupe", "structured_parsers"]


def detect(engine: Engine, data: bytes, path: str, cand=None) -> tuple[list[Hit] | None, str | None]:
    """Hits in one file or blob, or (None, skip reason). Content is decoded to text only
    when a rule, a structured parser or the decoder may have something to say. `cand`:
    the content's candidates when they were matched already (a chunk of blobs at once)."""
    if is_binary(data):
        return None, "binary"
    data = without_terminal_codes(data)  # (a history chunk's were blanked in its buffer)
    if data.startswith(LFS_MAGIC):
        return None, "lfs-pointer"
    if data.startswith(b"{"):
        from scanner.baseline import is_baseline_file

        if is_baseline_file(data):
            return None, "baseline-file"
    structured = structured_parsers()
    text = None
    if cand is None:
        hs_ok = engine.hyperscan and not data.startswith(BOMS)
        text = None if hs_ok else decode(data)
        cand = engine.candidates(data if hs_ok else None, text)
    # a parser applies only to a file its name decides or that holds a marker the engine
    # looked for (STRUCTURED_CANDIDATE): without either, parsing a candidate file (a setup.cfg
    # with a password in each of its hundred versions) searched its text for nothing
    # a script with no extension is read in the language its #! line names, not as configuration
    rpath = reading_path(path, data[:200])
    parse = structured.path_may_be_structured(rpath) and \
        (cand.structured_hint or structured.name_decides_parse(path))
    if cand.empty and not cand.decode_lines and not parse:
        return [], None
    if text is None:
        text = decode(data)
    hits = engine.confirm(text, cand, rpath) if not cand.empty else []
    if parse:
        found = structured.scan_structured(path, text)
        if found and rule_test_text(text):  # (a regex hit's context says so itself: context.extract)
            for h in found:
                h.context["pattern_example"] = True
        hits += found
    # texts hidden inside other encodings are decoded once and scanned with the regex rules:
    # notebook cells and k8s Secret data (whole file), encoded values under secret-bearing keys
    virtual: list = []  # detectors.structured.VirtualText
    # (a Secret declared as one: a CustomResourceDefinition that mentions `kind:` and a
    # SecretKeySelector is no Secret, and decoding all of it, 800 kB at each of hundreds of
    # versions, was most of prometheus-operator/kube-prometheus's history scan)
    if parse and (path.endswith(".ipynb") or ("kind:" in text and "Secret" in structured.kinds(text))):
        virtual = structured.virtual_texts(path, text)
    elif cand.decode_lines:
        lines = text.split("\n")
        from detectors.structured.decode import decoded_lines

        virtual = [structured.VirtualText(ln, t, {}, True) for ln, t in decoded_lines(lines, cand.decode_lines)]
    for v in virtual:
        for h in engine.scan_text(v.text, path):
            h.line = v.line if v.one_line else v.line + h.line - 1
            h.context.update(v.context)
            h.context["decoded"] = True
            hits.append(h)
    hits = dedupe(hits, engine.by_id)
    mark_generated(engine, hits, data, path)
    return hits, None


_STRUCTURED = None


def structured_parsers():
    """detectors.structured, imported on first use (keeps the pre-commit start-up short)
    and then kept: an import statement per blob cost a second on a large history."""
    global _STRUCTURED
    if _STRUCTURED is None:
        from detectors import structured

        _STRUCTURED = structured
    return _STRUCTURED


def secrets_in_text(text: str) -> list[str]:
    """Every secret the built-in rules find in a short text (an agent file's diff, to
    redact it). The pure-Python engine: a diff is small, and Hyperscan's database for the
    built-in rules alone may not be cached (a configuration with rules has its own)."""
    from scanner.rules import load_rules

    return [h.secret for h in Engine(load_rules(), use_hyperscan=False).scan_text(text)]
