"""The words that say a value is secret, as a regex alternation shared by every reader of
names: the engine's decode prefilter, the decoders of encoded values and Kubernetes
Secret keys, and the redaction of secret-keyed values. Each adds its own extras; the
generic detector's richer vocabulary (other languages, misspellings, compounds) lives with
it in detectors/generic.py, its Hyperscan prefilter included (CANDIDATE)."""
from __future__ import annotations

SECRET_WORDS = r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_.\-]?key|apikey|auth|credential|private[_.\-]?key"
