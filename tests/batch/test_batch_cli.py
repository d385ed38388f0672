"""`notulist batch` in this process, end to end with the real bundled model."""

from __future__ import annotations

import json
import shutil

import pytest
from batch_support import FAST, assert_clean_sessions_folder, by_input, make_recordings, transcribe

from notulist.batch import InProcessBackend, find_recordings, run_batch
from notulist.batch.model import DONE, NOT_RUN
from notulist.batch.resume import DoneSessions, options_fingerprint
from notulist.cli.main import build_parser, main
from notulist.cli.pipeline_args import options_from_args

pytestmark = pytest.mark.slow


def test_a_folder_with_one_recording_done_and_one_corrupt(tmp_path, capsys):
    paths = make_recordings(tmp_path / "in")
    sessions = tmp_path / "sessions"
    done_before = transcribe(paths["wav"], sessions)  # made by `notulist transcribe` with the same options
    capsys.readouterr()
    report = tmp_path / "report.json"
    argv = ["batch", str(tmp_path / "in"), "--sessions-dir", str(sessions), "--report", str(report), *FAST]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1, err  # something failed

    entries = by_input(json.loads(report.read_text()))
    assert set(entries) == {"live_fiod_10s.wav", "overleg_12s.ogg", "interview_25s.flac", "kapot.flac"}
    assert entries["live_fiod_10s.wav"]["status"] == "skipped"
    assert entries["live_fiod_10s.wav"]["session"] == str(done_before)
    assert entries["kapot.flac"]["status"] == "failed"
    assert "kapot.flac" in entries["kapot.flac"]["error"] and "\n" not in entries["kapot.flac"]["error"]
    made = {entries[name]["session"] for name in ("overleg_12s.ogg", "interview_25s.flac")}
    assert all(entries[name]["status"] == "done" for name in ("overleg_12s.ogg", "interview_25s.flac"))

    found = assert_clean_sessions_folder(sessions)
    assert {str(s.path) for s in found} == made | {str(done_before)}
    for session in found:
        manifest = session.manifest
        assert manifest["options"]["no_diarize"] is True and "workers" not in manifest["options"]
        assert session.transcript().segments
    sources = {s.manifest["audio"]["source_name"] for s in found}
    assert sources == {"live_fiod_10s.wav", "overleg_12s.ogg", "interview_25s.flac"}

    assert "kapot.flac" in err and "FAILED" in err  # one line per file as it goes
    table = out.splitlines()
    assert table[0].split()[:2] == ["status", "input"]
    assert any(line.startswith("failed") and "kapot.flac" in line for line in table)
    assert "2 transcribed, 1 skipped (already done), 1 failed" in out

    # Run again: everything is done, only the corrupt file fails again; nothing is made twice.
    assert main(argv) == 1
    assert "0 transcribed, 3 skipped (already done), 1 failed" in capsys.readouterr().out
    assert len(assert_clean_sessions_folder(sessions)) == 3


def test_other_options_make_a_new_session_and_a_clean_batch_exits_zero(tmp_path, capsys):
    paths = make_recordings(tmp_path / "in")
    sessions = tmp_path / "sessions"
    first = transcribe(paths["wav"], sessions)
    code = main(["batch", str(paths["wav"]), "--sessions-dir", str(sessions), *FAST, "--beam-size", "2"])
    assert code == 0, capsys.readouterr().err
    assert "1 transcribed, 0 skipped" in capsys.readouterr().out
    assert len([s for s in assert_clean_sessions_folder(sessions) if s.path != first]) == 1


def test_an_interrupted_batch_leaves_no_half_made_session(tmp_path):
    paths = make_recordings(tmp_path / "in")
    sessions = tmp_path / "sessions"
    args = build_parser().parse_args(["batch", str(paths["wav"]), *FAST])
    options = options_from_args(args)
    recordings, _ = find_recordings([paths["wav"], paths["flac"]])

    def interrupt_during_recognition(event):
        if event.kind == "progress" and event.progress.stage == "recognize" and event.recording.path == paths["flac"]:
            raise KeyboardInterrupt

    backend = InProcessBackend(sessions, options, interrupt_during_recognition)
    done = DoneSessions.scan(sessions, options_fingerprint(options))
    result = run_batch(recordings, backend, done, interrupt_during_recognition)
    assert result.interrupted and result.failed
    assert [o.status for o in result.outcomes] == [DONE, NOT_RUN]
    (session,) = assert_clean_sessions_folder(sessions)
    assert session.path == result.outcomes[0].session
    shutil.rmtree(tmp_path / "in")
