"""Everything a session folder can reveal about itself: each file, the manifest and the audit chain agree.

Checked: every file named in the manifest is there with its sha256; no file was added; the audit chain is intact
and ends at the manifest's ``audit_head``; the last manifest write recorded in the chain has the manifest's digest
(so any edit of the manifest shows); the file hashes the audit log recorded agree with the manifest's; the audio
hash agrees with the one logged when the session was created. A damaged line or manifest is reported, never raised.
What a session cannot reveal about itself (a consistent rewrite of files, manifest and chain) needs an anchor
outside it: see ``archive.ledger``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from notulist.archive import audit
from notulist.archive.audit import AUDIT_LOG
from notulist.archive.manifest import HEAD_KEY, MANIFEST, Manifest, content_digest, read_raw
from notulist.core.hashing import sha256_file

AUDIO = "audio.flac"


def session_problems(folder: Path) -> list[str]:
    """Every mismatch, as one line each; empty when the session is intact."""
    folder = Path(folder)
    problems = audit.chain_problems(folder / AUDIT_LOG)
    records = [audit.parse_line(line) for line in audit.read_lines(folder / AUDIT_LOG)]
    events = [record for record in records if record is not None]
    try:
        raw = read_raw(folder)
        manifest = Manifest.from_dict(raw)
    except ValueError as exc:
        return [f"{MANIFEST} is damaged: {exc}", *problems]
    if audit.head_hash(folder / AUDIT_LOG) != manifest.audit_head:
        problems.append("audit.jsonl does not end where the manifest says (lines removed or added)")
    problems.extend(_manifest_digest_problems(raw, events))
    problems.extend(_file_problems(folder, manifest))
    problems.extend(_logged_file_problems(manifest, events))
    problems.extend(_audio_problems(manifest, events))
    return problems


def _manifest_digests(events: list[dict[str, Any]]) -> list[str]:
    return [e["data"]["manifest_sha256"] for e in events if isinstance(e["data"].get("manifest_sha256"), str)]


def session_notes(folder: Path) -> list[str]:
    """What verify could not check, without it being a problem (a session made by an older notulist)."""
    records = [audit.parse_line(line) for line in audit.read_lines(Path(folder) / AUDIT_LOG)]
    if _manifest_digests([r for r in records if r is not None]):
        return []
    return [
        "the audit log records no digest of the manifest (a session made before notulist recorded it): the "
        "manifest's file hashes were checked against the audit log, its other fields only against the ledger"
    ]


def _manifest_digest_problems(raw: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    recorded = _manifest_digests(events)
    if not recorded:
        return []  # an older session: see session_notes
    if recorded[-1] != content_digest({k: v for k, v in raw.items() if k != HEAD_KEY}):
        return [f"{MANIFEST} was changed after it was written (its content differs from the digest in the audit log)"]
    return []


def _file_problems(folder: Path, manifest: Manifest) -> list[str]:
    """Missing, changed and added files; each file is hashed once (recordings can be hundreds of megabytes)."""
    problems = []
    for name, expected in sorted(manifest.files.items()):
        path = folder / name
        if not _plain_name(name) or not path.is_file() or path.is_symlink():
            problems.append(f"{name} is missing")
        elif sha256_file(path) != expected:
            problems.append(f"{name} was changed after it was written (sha256 differs from manifest)")
    expected_names = {*manifest.files, MANIFEST, AUDIT_LOG}
    expected_folders = {name.split("/")[0] for name in manifest.files if "/" in name}
    for entry in sorted(folder.iterdir()):
        if entry.name in expected_folders and entry.is_dir() and not entry.is_symlink():
            problems.extend(_added_in(entry, expected_names))
        elif entry.name not in expected_names:
            what = "folder" if entry.is_dir() and not entry.is_symlink() else "file"
            leftover = " (left over from an interrupted write)" if entry.name.endswith(".tmp") else ""
            problems.append(f"{entry.name} was added: a {what} the manifest does not list{leftover}")
    return problems


def _plain_name(name: str) -> bool:
    """A file of the session itself or of one of its sub-folders (``context/agenda.md``), never a way out of it."""
    parts = name.split("/")
    return len(parts) <= 2 and all(part and part not in (".", "..") and not part.startswith(".") for part in parts)


def _added_in(sub_folder: Path, expected_names: set[str]) -> list[str]:
    return [
        f"{sub_folder.name}/{entry.name} was added: the manifest does not list it"
        for entry in sorted(sub_folder.iterdir())
        if f"{sub_folder.name}/{entry.name}" not in expected_names
    ]


def _logged_file_problems(manifest: Manifest, events: list[dict[str, Any]]) -> list[str]:
    """The manifest's file list against the hashes the audit log recorded as each file was written."""
    logged: dict[str, str] = {}
    for event in events:
        files = event["data"].get("files")
        if isinstance(files, dict):
            logged.update({str(name): str(digest) for name, digest in files.items()})
    problems = []
    for name in sorted({*logged, *manifest.files}):
        if name not in manifest.files:
            problems.append(f"{name} was recorded in the audit log but is gone from the manifest (removed)")
        elif name not in logged:
            problems.append(f"{name} is in the manifest but was never recorded in the audit log (added)")
        elif logged[name] != manifest.files[name]:
            problems.append(f"the manifest's sha256 of {name} differs from the one in the audit log")
    return problems


def _audio_problems(manifest: Manifest, events: list[dict[str, Any]]) -> list[str]:
    audio_sha = manifest.audio.get("sha256")
    problems = []
    if audio_sha and manifest.files.get(AUDIO) not in (None, audio_sha):
        problems.append(f"{AUDIO} does not match the audio sha256 in the manifest")
    created = [e for e in events if e["event"] == "session_created"]
    if created and audio_sha and created[0]["data"].get("audio_sha256") != audio_sha:
        problems.append("the manifest's audio sha256 differs from the one logged when the session was created")
    return problems
