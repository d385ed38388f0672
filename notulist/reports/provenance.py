"""The "Verantwoording" appendix: how a report was made (recording, hashes, models, settings), without local paths.

A report is sent on; the folders of the machine that made it (a model cache in someone's home folder, Python's
site-packages) are nobody's business and say nothing to the reader. Paths inside the session stay, relative to it;
any other absolute path is cut down to its last component (the file or folder name), wherever it occurs in a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from notulist.reports.text import clean_text, format_duration, get

# An absolute path (POSIX, home-relative or Windows) not inside a URL: everything up to its last component.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/\\])(?:~|[A-Za-z]:)?(?:[/\\][^\s/\\,;()]+)+[/\\]?")


def strip_local_paths(value: Any) -> str:
    """``value`` as text with every absolute path replaced by its last component."""

    def last_component(match: re.Match[str]) -> str:
        parts = [p for p in re.split(r"[/\\]", match.group(0)) if p and p != "~"]
        return parts[-1] if parts else ""

    return _ABSOLUTE_PATH.sub(last_component, clean_text(value))


def _recording_rows(
    manifest: Mapping[str, Any], duration: float, language: str, labels: Mapping[str, str]
) -> list[tuple[str, str]]:
    rate, channels = get(manifest, "audio", "sample_rate"), get(manifest, "audio", "channels")
    audio_format = ", ".join(p for p in (f"{rate} Hz" if rate else "", f"{channels} ch" if channels else "") if p)
    glossary = get(manifest, "glossary")
    glossary_text = ""
    if isinstance(glossary, Mapping):
        glossary_text = " ".join(clean_text(glossary.get(k)) for k in ("version", "sha256") if glossary.get(k))
    return [
        (labels["name"], get(manifest, "name")),
        (labels["created"], get(manifest, "created")),
        (labels["duration"], format_duration(duration)),
        (labels["language"], language),
        (labels["source_name"], get(manifest, "audio", "source_name")),
        (labels["source_sha256"], get(manifest, "audio", "source_sha256")),
        (labels["audio_sha256"], get(manifest, "audio", "sha256")),
        (labels["audio_format"], audio_format),
        (labels["glossary"], glossary_text),
        (labels["tool_version"], get(manifest, "tool_version")),
    ]


def model_rows(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """One row per model in the manifest: name, device and precision, sha256 and (local paths cut) its location."""
    models = get(manifest, "models")
    if not isinstance(models, Mapping):
        return []
    rows: list[tuple[str, str]] = []
    for role, spec in models.items():
        if isinstance(spec, Mapping):
            parts = [clean_text(spec.get("name"))]
            extras = [clean_text(spec.get(k)) for k in ("device", "compute_type") if spec.get(k) not in (None, "")]
            if extras:
                parts.append(f"({', '.join(extras)})")
            if spec.get("sha256"):
                parts.append(f"sha256 {clean_text(spec.get('sha256'))}")
            location = strip_local_paths(spec.get("path")) if spec.get("path") else ""
            if location and location != parts[0]:
                parts.append(location)
            rows.append((clean_text(role), strip_local_paths(" ".join(p for p in parts if p))))
        elif spec is not None:
            rows.append((clean_text(role), strip_local_paths(spec)))
    return rows


def option_rows(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The recorded settings (``options`` and the word-doubt rule), values with local paths cut."""
    rows: list[tuple[str, str]] = []
    options = get(manifest, "options")
    if isinstance(options, Mapping):
        for key, value in options.items():
            if value not in (None, "", [], {}):
                rows.append((clean_text(key), strip_local_paths(value)))
    doubt = get(manifest, "word_doubt")
    if isinstance(doubt, Mapping):
        text = "; ".join(f"{clean_text(k)} {strip_local_paths(v)}" for k, v in doubt.items() if v not in (None, ""))
        rows.append(("word_doubt", text))
    return rows


def summary_rows(summary: Any, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """Who wrote the summary: the method, and for a model its name, file sha256 and server."""
    if summary is None:
        return []
    info = summary.model_info if isinstance(summary.model_info, Mapping) else {}
    parts = [clean_text(summary.method), clean_text(info.get("name") or summary.model or "")]
    if info.get("sha256"):
        parts.append(f"{labels['model_file']} sha256 {clean_text(info['sha256'])}")
    if info.get("url"):
        parts.append(f"{labels['server']} {clean_text(info['url'])}")
    return [(labels["summary_method"], strip_local_paths(", ".join(p for p in parts if p)))]


def accountability_rows(
    manifest: Mapping[str, Any], duration: float, transcript: Any, summary: Any, labels: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """Every row of the appendix that has a value, in reading order."""
    rows = _recording_rows(manifest, duration, transcript.language, labels)
    rows += [(f"{labels['models']}: {role}", text) for role, text in model_rows(manifest)]
    rows += summary_rows(summary, labels)
    rows += [(f"{labels['options']}: {key}", text) for key, text in option_rows(manifest)]
    rows.append((labels["segments"], str(len(transcript.segments))))
    cleaned = ((clean_text(key), strip_local_paths(value)) for key, value in rows)
    return tuple((key, value) for key, value in cleaned if value.strip())
