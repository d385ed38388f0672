"""Resuming a batch: which recordings already have a session made with the same options.

A recording is done when a committed session in the sessions folder has the same ``audio.source_sha256`` (the
sha256 of the original file, whatever its name or place) and the same options. Options are compared as recorded
in ``manifest.json`` (``options``: the command's options as given, plus the decoding hints they led to), with two
changes: the options that only say how a run is executed and cannot change its result are left out (``threads``,
``verbose`` and the batch's own ``inputs``, ``workers``, ``ray_address``, ``report``), and the recognition model
and the glossary are compared by the sha256 of their content (``models.asr.sha256``, ``glossary.sha256``) instead
of by their path, so a moved model folder still matches and a changed glossary file does not. A session made by
``notulist transcribe`` with the same options counts as done too.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from notulist.pipeline.run import PipelineOptions

log = logging.getLogger(__name__)

EXECUTION_ONLY = frozenset({"verbose", "threads", "inputs", "workers", "ray_address", "report"})
BY_CONTENT = frozenset({"model", "glossary"})
MANIFEST = "manifest.json"


def fingerprint(recorded: Mapping[str, Any], asr_sha256: str | None, glossary_sha256: str | None) -> str:
    """One string that is equal exactly when two runs' options are the same in the sense above."""
    kept = {k: v for k, v in recorded.items() if k not in EXECUTION_ONLY and k not in BY_CONTENT}
    canonical = json.dumps(
        {"options": kept, "asr_sha256": asr_sha256, "glossary_sha256": glossary_sha256},
        sort_keys=True,
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def options_fingerprint(options: PipelineOptions) -> str:
    """The fingerprint of a run with ``options``, computed before it runs (resolves the model: raises ModelError)."""
    from notulist.recognition.whisper_model import resolve_model

    recorded = {**options.recorded, "decoding_hints": options.decoding_hints}
    glossary_sha = options.glossary.sha256 if options.glossary is not None else None
    return fingerprint(recorded, resolve_model(options.model).sha256, glossary_sha)


def manifest_fingerprint(manifest: Mapping[str, Any]) -> str:
    asr = manifest.get("models", {}).get("asr", {})
    return fingerprint(manifest.get("options", {}), asr.get("sha256"), (manifest.get("glossary") or {}).get("sha256"))


class DoneSessions:
    """The committed sessions of a sessions folder made with one set of options, by source sha256."""

    def __init__(self, by_source: Mapping[str, Path]) -> None:
        self._by_source = dict(by_source)

    @classmethod
    def scan(cls, sessions_dir: Path, wanted: str) -> DoneSessions:
        """Read every session's manifest (hidden and unreadable folders are passed over)."""
        found: dict[str, Path] = {}
        folder = Path(sessions_dir)
        children = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        for session in children:
            if session.name.startswith("."):
                continue  # a session under construction, or the remains of an interrupted one
            try:
                manifest = json.loads((session / MANIFEST).read_text(encoding="utf-8"))
                source = manifest["audio"]["source_sha256"]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.debug("passing over %s: %s", session, exc)
                continue
            if source and manifest_fingerprint(manifest) == wanted:
                found.setdefault(source, session)
        return cls(found)

    def get(self, source_sha256: str) -> Path | None:
        return self._by_source.get(source_sha256)

    def add(self, source_sha256: str, session: Path) -> None:
        self._by_source.setdefault(source_sha256, session)

    def __len__(self) -> int:
        return len(self._by_source)
