"""Command-line slips a new user hit: one-line errors, the README's own commands, the progress bar's last line."""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime

import pytest
from conftest import DATA, REPO

from notulist.cli import cmd_glossary
from notulist.cli.main import main
from notulist.cli.progress_bar import ProgressBar
from notulist.core.progress import Progress, Stage
from notulist.glossary import load_glossary
from notulist.live.recording import LiveRecording, read_captured, remove


def test_an_unknown_report_format_is_one_line_not_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["transcribe", str(DATA / "interview_25s.flac"), "--sessions-dir", str(tmp_path), "--format", "pdf"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1].endswith("unknown report format 'pdf': choose from html, docx, or none")
    assert not any(tmp_path.iterdir())


def test_glossary_lookup_of_several_abbreviations_in_one_argument(capsys):
    assert main(["glossary", "lookup", "AVG DPIA"]) == 0  # the README's own example
    out = capsys.readouterr().out
    assert "Algemene verordening gegevensbescherming" in out and "Data Protection Impact Assessment" in out
    assert main(["glossary", "lookup", "AVG", "XYZQWV"]) == 1
    out = capsys.readouterr().out
    assert "Algemene verordening" in out and "'XYZQWV' is not in the glossary" in out


def test_lookup_terms_tries_the_whole_term_first():
    glossary = load_glossary([])
    found = cmd_glossary.lookup_terms(glossary, ["aa", "vee", "gee"])  # spoken letters are still one term
    assert [(term, [m.id for m in meanings]) for term, meanings in found] == [("aa vee gee", ["avg"])]
    assert [term for term, _ in cmd_glossary.lookup_terms(glossary, ["aa vee", "gee"])] == ["aa vee gee"]
    assert [term for term, _ in cmd_glossary.lookup_terms(glossary, ["avg  dpia"])] == ["avg", "dpia"]
    assert [term for term, _ in cmd_glossary.lookup_terms(glossary, ["AVG", "DPIA"])] == ["AVG", "DPIA"]


def test_the_readme_recover_example_names_a_live_folder_as_live_mode_makes_it(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"notulist recover sessions/(\S+)", readme)
    recording = LiveRecording.create(tmp_path, "live", 16000, created=datetime(2026, 11, 22, 10, 5))
    try:
        assert recording.path.name == example
    finally:
        recording.close()
        remove(read_captured(recording.path))


def test_the_path_printed_after_the_progress_bar_starts_its_own_line(monkeypatch):
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    with ProgressBar("transcribe", delay_s=0.0, disable=False) as bar:
        bar(Progress(Stage.RECOGNIZE, 10, 20))
        bar(Progress(Stage.RECOGNIZE, 20, 20))
    stderr.write("/tmp/sessions/2026-11-22T1005_interview\n")  # stdout and stderr share the terminal
    lines = stderr.getvalue().replace("\r", "\n").splitlines()
    assert "/tmp/sessions/2026-11-22T1005_interview" in lines
    assert "100%" in lines[-2]


def test_library_parameters_are_said_as_flags_on_the_command_line(tmp_path, capsys):
    from notulist.cli.flags import in_flags

    assert in_flags("`num_speakers=0` is not a number of speakers") == "--speakers 0 is not a number of speakers"
    assert in_flags("use `backend=resemblyzer` or leave speakers out (`diarizer=None`)") == (
        "use --diarizer resemblyzer or leave speakers out (--no-diarize)"
    )
    assert in_flags("run `pip install resemblyzer` or `ct2-transformers-converter`") == (
        "run `pip install resemblyzer` or `ct2-transformers-converter`"
    )
    assert in_flags("see `list_input_devices()`") == "see `notulist live --list-devices`"
    counts = ["--min-speakers", "3", "--max-speakers", "2"]
    assert main(["transcribe", str(DATA / "interview_25s.flac"), "--sessions-dir", str(tmp_path), *counts]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        "notulist: error: --min-speakers 3 is more than --max-speakers 2: give a minimum that is at most the maximum"
    )
