"""`notulist batch` without a model: finding recordings, deciding what is already done, moving a session whole."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import DATA

from notulist.archive.session import AUDIO, NewSession
from notulist.batch import find_recordings
from notulist.batch.resume import DoneSessions, fingerprint, manifest_fingerprint
from notulist.batch.transfer import install_session, pack_session
from notulist.core.errors import SessionError

CREATED = datetime(2026, 11, 22, 10, 5, tzinfo=UTC)
OPTIONS = {"language": "nl", "beam_size": 5, "no_diarize": True, "report_formats": "none", "decoding_hints": None}


def make_session(sessions: Path, source_sha256: str, options: dict, asr_sha: str = "asr-1") -> Path:
    with NewSession(sessions, "opname.wav", CREATED) as new:
        new.write_bytes(AUDIO, b"fLaC not really audio")
        new.log("session_created", {"audio_sha256": "x"})
        manifest = {"audio": {"source_sha256": source_sha256}, "models": {"asr": {"sha256": asr_sha}}}
        return new.commit({**manifest, "options": options, "glossary": {}}).path


def test_folders_are_walked_for_media_files_skipping_hidden_ones_and_the_sessions_folder(tmp_path):
    (tmp_path / "in" / "deep" / ".hidden").mkdir(parents=True)
    for name in ("a.wav", "deep/b.M4A", "deep/c.mp4", "notes.txt", "deep/.hidden/d.wav", ".e.flac"):
        (tmp_path / "in" / name).write_bytes(b"x")
    sessions = tmp_path / "in" / "sessions" / "2026-11-22T1005_a"
    sessions.mkdir(parents=True)
    (sessions / "audio.flac").write_bytes(b"x")
    found, missing = find_recordings([tmp_path / "in"], exclude=[tmp_path / "in" / "sessions"])
    assert [r.path.relative_to(tmp_path / "in").as_posix() for r in found] == ["a.wav", "deep/b.M4A", "deep/c.mp4"]
    assert missing == []


def test_files_globs_duplicates_and_inputs_that_name_nothing(tmp_path):
    for name in ("x1.wav", "x2.wav", "y.txt"):
        (tmp_path / name).write_bytes(b"x")
    inputs = [tmp_path / "y.txt", str(tmp_path / "x*.wav"), tmp_path / "x1.wav", tmp_path / "nope.wav", "/no/*.m4a"]
    found, missing = find_recordings(inputs)
    assert [r.path.name for r in found] == ["y.txt", "x1.wav", "x2.wav"]  # a file named explicitly is always tried
    assert missing == [str(tmp_path / "nope.wav"), "/no/*.m4a"]


def test_the_duration_comes_from_the_container_header(tmp_path):
    shutil.copy(DATA / "interview_25s.flac", tmp_path / "a.flac")
    (tmp_path / "b.flac").write_bytes(b"not audio at all")
    found, _ = find_recordings([tmp_path])
    assert found[0].duration_s == pytest.approx(25.0, abs=0.05)
    assert found[1].duration_s is None


def test_options_that_only_say_how_a_run_is_executed_do_not_count():
    base = fingerprint(OPTIONS, "asr-1", None)
    assert fingerprint({**OPTIONS, "threads": 8, "verbose": True, "workers": 2}, "asr-1", None) == base
    assert fingerprint({**OPTIONS, "model": "/elsewhere/same-weights"}, "asr-1", None) == base  # by content
    assert fingerprint({**OPTIONS, "language": "en"}, "asr-1", None) != base
    assert fingerprint({**OPTIONS, "no_diarize": False}, "asr-1", None) != base
    assert fingerprint(OPTIONS, "asr-2", None) != base  # another model
    assert fingerprint(OPTIONS, "asr-1", "glossary-sha") != base


def test_done_sessions_match_on_source_sha256_and_options(tmp_path):
    same = make_session(tmp_path, "src-a", {**OPTIONS, "verbose": False})
    make_session(tmp_path, "src-b", {**OPTIONS, "language": "en"})  # other options: not done
    (tmp_path / ".2026-11-22T1005_x.abc.partial").mkdir()  # remains of an interrupted run
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    wanted = fingerprint(OPTIONS, "asr-1", None)
    assert manifest_fingerprint(json.loads((same / "manifest.json").read_text())) == wanted
    done = DoneSessions.scan(tmp_path, wanted)
    assert done.get("src-a") == same
    assert done.get("src-b") is None
    assert len(done) == 1
    assert len(DoneSessions.scan(tmp_path / "absent", wanted)) == 0


def test_a_packed_session_is_installed_whole_and_verified(tmp_path):
    made = make_session(tmp_path / "worker", "src-a", OPTIONS)
    files = pack_session(made)
    first = install_session(tmp_path / "sessions", made.name, files)
    second = install_session(tmp_path / "sessions", made.name, files)
    assert first.path.name == made.name and second.path.name == made.name + "-2"
    assert first.problems() == [] and second.problems() == []
    assert sorted(p.name for p in (tmp_path / "sessions").iterdir()) == [made.name, made.name + "-2"]


def test_a_damaged_or_strange_session_is_refused_and_leaves_nothing(tmp_path):
    made = make_session(tmp_path / "worker", "src-a", OPTIONS)
    files = pack_session(made)
    with pytest.raises(SessionError, match="does not verify"):
        install_session(tmp_path / "sessions", made.name, {**files, AUDIO: b"other bytes"})
    with pytest.raises(SessionError, match="unusable path"):
        install_session(tmp_path / "sessions", made.name, {**files, "../escape.txt": b"x"})
    with pytest.raises(SessionError, match="unusable name"):
        install_session(tmp_path / "sessions", "../up", files)
    assert list((tmp_path / "sessions").iterdir()) == []
    assert not (tmp_path / "escape.txt").exists()


def test_workers_without_ray_installed_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    import importlib.util

    from notulist.cli.main import main

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real_find_spec(name, *a)
    )
    shutil.copy(DATA / "live_fiod_10s.wav", tmp_path / "a.wav")
    code = main(["batch", str(tmp_path / "a.wav"), "--sessions-dir", str(tmp_path / "s"), "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 2
    assert "pip install 'notulist[ray]'" in err and len(err.strip().splitlines()[-1]) < 200
    assert not (tmp_path / "s").exists() or list((tmp_path / "s").iterdir()) == []


def test_no_recordings_found_is_a_one_line_error(tmp_path, capsys):
    from notulist.cli.main import main

    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--sessions-dir", str(tmp_path / "s")]) == 2
    assert "no audio or video files were found" in capsys.readouterr().err
