"""The crash-safe live writer, recovery reading, and keeping live segment ids (no model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from notulist.core.errors import AudioError
from notulist.core.model import Link, Segment, Transcript
from notulist.live.recording import (
    RAW,
    SEGMENTS,
    DiskFullError,
    LiveRecording,
    find_interrupted,
    is_in_use,
    keep_live_ids,
    read_captured,
    seal,
)

ROOT = REPO


def seg(id_: str, start: float, end: float, text: str) -> Segment:
    return Segment(id=id_, start=start, end=end, text=text)


def test_writer_appends_raw_frames_and_segments(tmp_path: Path) -> None:
    recording = LiveRecording.create(tmp_path, "interview", 16_000)
    assert recording.path.name.endswith("_interview.live")
    assert is_in_use(recording.path)
    assert find_interrupted(tmp_path) == []  # a running recording is not "interrupted"
    samples = (np.arange(16_000 * 2) % 2000 - 1000).astype(np.int16)
    recording.append(samples[:12_000])
    recording.append(samples[12_000:])
    recording.add_segment(seg("s0001", 0.0, 1.0, "Goedemorgen."))
    assert recording.duration_s == 2.0
    # readable while recording: every block is in the file at once (no user-space buffer)
    assert np.array_equal(np.fromfile(recording.path / RAW, dtype="<i2"), samples)
    recording.close()
    assert not is_in_use(recording.path)
    assert find_interrupted(tmp_path) == [recording.path]

    captured = read_captured(recording.path)
    assert captured.frames == 32_000 and captured.meta.sample_rate == 16_000
    assert [s.text for s in captured.segments] == ["Goedemorgen."]
    wav = seal(captured)
    assert wav.name == "interview.wav"
    with wave.open(str(wav)) as handle:
        assert (handle.getframerate(), handle.getnchannels(), handle.getnframes()) == (16_000, 1, 32_000)
        assert np.array_equal(np.frombuffer(handle.readframes(32_000), dtype="<i2"), samples)


def test_recovery_keeps_whole_frames_and_skips_a_torn_segment_line(tmp_path: Path) -> None:
    recording = LiveRecording.create(tmp_path, "x", 16_000)
    recording.append(np.ones(1000, dtype=np.int16))
    recording.add_segment(seg("s0001", 0.0, 0.05, "ja"))
    recording.close()
    with open(recording.path / RAW, "ab") as raw:  # a power cut in the middle of a sample
        raw.write(b"\x07")
    with open(recording.path / SEGMENTS, "a", encoding="utf-8") as lines:
        lines.write('{"id": "s0002", "start": 0.1, "te')
    captured = read_captured(recording.path)
    assert captured.frames == 1000
    assert [s.id for s in captured.segments] == ["s0001"]


def test_empty_or_foreign_folders_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="not a live recording folder"):
        read_captured(tmp_path)
    recording = LiveRecording.create(tmp_path, "leeg", 16_000)
    recording.close()
    with pytest.raises(AudioError, match="holds no audio"):
        seal(read_captured(recording.path))


@pytest.mark.slow
def test_a_killed_writer_loses_nothing_it_was_given(tmp_path: Path) -> None:
    """kill -9 a process writing blocks: every block it reported as written is in the file."""
    script = (
        "import sys, numpy as np\n"
        "from pathlib import Path\n"
        "from notulist.live.recording import LiveRecording\n"
        "r = LiveRecording.create(Path(sys.argv[1]), 'kill', 16000)\n"
        "i = 0\n"
        "while True:\n"
        "    r.append(np.full(1600, i % 30000, dtype=np.int16)); i += 1\n"
        "    print(i, flush=True)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    reported = 0
    for line in child.stdout:
        reported = int(line)
        if reported >= 200:
            break
    child.kill()
    child.wait()
    (live,) = find_interrupted(tmp_path)
    captured = read_captured(live)
    assert captured.frames >= reported * 1600
    raw = np.fromfile(live / RAW, dtype="<i2")[: captured.frames]
    # the kill may land in the middle of writing a block: that block's first samples count too
    blocks = [raw[first : first + 1600] for first in range(0, len(raw), 1600)]
    assert all(np.all(block == i % 30000) for i, block in enumerate(blocks))


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or sys.platform != "linux", reason="needs root to mount a tiny tmpfs")
def test_a_full_disk_stops_cleanly_and_keeps_what_was_written(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        recording = LiveRecording.create(small, "vol", 16_000)
        block = np.arange(1600, dtype=np.int16)
        written = 0
        with pytest.raises(DiskFullError, match="disk .* is full.*notulist recover"):
            for _ in range(1000):
                recording.append(block)
                written += 1
        recording.close()
        captured = read_captured(recording.path)
        assert captured.frames == recording.frames_written
        assert written * 1600 <= captured.frames < (written + 1) * 1600
        data = np.fromfile(recording.path / RAW, dtype="<i2")
        assert len(data) == captured.frames
        assert np.array_equal(data[: written * 1600].reshape(written, 1600), np.tile(block, (written, 1)))
    finally:
        subprocess.run(["umount", str(small)], check=False)


# ------------------------------------------------------------------------------------------------- keep_live_ids


def transcript(*segments: Segment, links: tuple[Link, ...] = ()) -> Transcript:
    return Transcript(language="nl", duration=60.0, segments=segments, links=links)


def test_matching_final_segments_keep_their_live_ids() -> None:
    live = [
        seg("s0001", 0.0, 0.6, "Goedenmorgen."),
        seg("s0002", 1.1, 2.8, "Het is de dinsdag 14 oktober."),
        seg("s0003", 3.9, 5.5, "De Dit gesprek wordt opgenomen."),
        seg("s0004", 6.1, 9.4, "Mijn naam is Peter de Vries."),
    ]
    final = transcript(
        seg("x1", 0.0, 0.5, "Guten Morgen."),  # too different: fresh id
        seg("x2", 1.1, 3.7, "Het is dinsdag 14 oktober, 10 uur."),  # too different
        seg("x3", 4.0, 5.5, "Dit gesprek wordt opgenomen."),
        seg("x4", 6.1, 9.4, "Mijn naam is Pieter de Vries."),
        seg("x5", 10.0, 12.0, "Goedemorgen."),
        links=(Link("x4", 20, 28, "fiod", "de Vries", 1.0), Link("x5", 0, 4, "goed", "Goed", 1.0)),
    )
    result = keep_live_ids(final, live)
    assert [(s.id, s.text) for s in result.segments] == [
        ("s0005", "Guten Morgen."),
        ("s0006", "Het is dinsdag 14 oktober, 10 uur."),
        ("s0003", "Dit gesprek wordt opgenomen."),
        ("s0004", "Mijn naam is Pieter de Vries."),
        ("s0007", "Goedemorgen."),  # same text as s0001 but at another time: not that segment
    ]
    assert [link.segment_id for link in result.links] == ["s0004", "s0007"]
    assert result.provenance["live"] == {"live_segments": 4, "ids_kept": 2}


def test_ids_are_never_reused_and_each_live_id_is_used_once() -> None:
    live = [seg("s0001", 0.0, 2.0, "ja dat klopt"), seg("s0009", 2.0, 4.0, "nee")]
    final = transcript(seg("a", 0.0, 1.0, "ja dat klopt"), seg("b", 1.0, 2.0, "ja dat klopt"), seg("c", 5, 6, "x"))
    result = keep_live_ids(final, live)
    assert [s.id for s in result.segments] == ["s0001", "s0010", "s0011"]
    assert len({s.id for s in result.segments}) == 3
    assert keep_live_ids(final, []).segments[0].id == "s0001"


def test_final_segments_stay_in_time_order() -> None:
    live = [seg("s0001", 5.0, 6.0, "tweede zin"), seg("s0002", 0.0, 1.0, "eerste zin")]
    final = transcript(seg("a", 0.0, 1.0, "eerste zin"), seg("b", 5.0, 6.0, "tweede zin"))
    assert [(s.id, s.start) for s in keep_live_ids(final, live).segments] == [("s0002", 0.0), ("s0001", 5.0)]


def test_recorded_segments_round_trip(tmp_path: Path) -> None:
    recording = LiveRecording.create(tmp_path, "rt", 16_000)
    recording.add_segment(seg("s0001", 0.25, 1.5, "Klopt het dat u de btw-aangifte zelf doet?"))
    recording.append(np.zeros(10, dtype=np.int16))
    recording.close()
    line = json.loads((recording.path / SEGMENTS).read_text(encoding="utf-8").splitlines()[0])
    assert line["id"] == "s0001" and line["text"].endswith("zelf doet?")
    assert read_captured(recording.path).segments[0].start == 0.25
