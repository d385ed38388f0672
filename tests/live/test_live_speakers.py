"""Provisional live speaker labels on real speech: the online labeler, and one LiveWorker run that labels segments.

The audio is tests/data/diarize_interview_40s.flac, the first 40 s of the shared ``interview_fiod`` recording (an
interviewer and an interviewee, different voices), with its reference RTTM.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import DATA

from notulist.core.model import Segment
from notulist.live.speakers import AudioHistory, LiveSpeakerLabeler

CLIP = DATA / "diarize_interview_40s.flac"
# from diarize_interview_40s.rttm: INTERVIEWER 0.000-9.896 and 17.389-24.200, GEINTERVIEWDE 10.386-16.319 and
# 24.770-28.999 (the segments below lie inside those turns)
INTERVIEWER = [(0.3, 5.0), (17.6, 23.9)]
INTERVIEWEE = [(10.5, 16.1), (24.9, 28.8)]

needs_encoder = pytest.mark.skipif(
    importlib.util.find_spec("resemblyzer") is None, reason="Resemblyzer (the speaker model) is not installed"
)


@pytest.fixture(scope="module")
def clip() -> np.ndarray:
    if not CLIP.is_file():
        pytest.skip(f"{CLIP.name} is missing")
    audio, rate = sf.read(CLIP, dtype="float32")
    assert rate == 16_000 and audio.ndim == 1
    return audio


def labeler_over(clip: np.ndarray) -> LiveSpeakerLabeler:
    labeler = LiveSpeakerLabeler()
    for first in range(0, len(clip), 1600):  # fed in 0.1 s blocks as int16, like the capture
        labeler.add_audio((clip[first : first + 1600] * 32767).astype(np.int16))
    return labeler


def segment(number: int, span: tuple[float, float]) -> Segment:
    return Segment(f"s{number:04d}", span[0], span[1], "tekst")


@needs_encoder
@pytest.mark.slow
def test_one_speaker_keeps_a_label_and_another_voice_gets_a_new_one(clip) -> None:
    labeler = labeler_over(clip)
    a1, b1, a2, b2 = (
        labeler.label(segment(i, span))
        for i, span in enumerate([INTERVIEWER[0], INTERVIEWEE[0], INTERVIEWER[1], INTERVIEWEE[1]])
    )
    assert (a1.speaker, b1.speaker, a2.speaker, b2.speaker) == ("S1", "S2", "S1", "S2")
    assert labeler.speakers == ["S1", "S2"]
    assert (a1.id, a1.start, a1.end, a1.text) == ("s0000", *INTERVIEWER[0], "tekst")  # only the speaker changes


@needs_encoder
@pytest.mark.slow
def test_a_too_short_segment_opens_no_speaker(clip) -> None:
    labeler = labeler_over(clip)
    first = labeler.label(segment(0, INTERVIEWER[0]))
    start = INTERVIEWEE[0][0]
    short = labeler.label(segment(1, (start, start + 0.8)))  # the other voice, but under min_speech_s
    assert (first.speaker, short.speaker) == ("S1", "S1")
    assert labeler.speakers == ["S1"]
    longer = labeler.label(segment(2, INTERVIEWEE[0]))  # the same voice, long enough
    assert longer.speaker == "S2"


@needs_encoder
def test_torch_keeps_one_thread_while_live_and_gets_its_threads_back() -> None:
    import torch

    before = torch.get_num_threads()
    labeler = LiveSpeakerLabeler()
    labeler.start().join(timeout=120)
    try:
        assert torch.get_num_threads() == 1
    finally:
        labeler.stop()
    assert torch.get_num_threads() == before


def test_audio_history_cuts_on_the_stream_clock_and_forgets_old_audio() -> None:
    history = AudioHistory(keep_s=2.0)
    ramp = np.arange(5 * 16_000, dtype=np.float32) / 1e6
    for first in range(0, len(ramp), 1600):
        history.append(ramp[first : first + 1600])
    assert history.total == len(ramp)
    np.testing.assert_array_equal(history.cut(3.5, 4.0), ramp[56_000:64_000])
    assert history.cut(1.0, 1.5) is None  # dropped
    assert history.cut(4.5, 5.5) is None  # not arrived yet
    history.append(np.full(1600, 16384, dtype=np.int16))  # int16 in, float32 out
    np.testing.assert_allclose(history.cut(5.0, 5.1), 0.5)


@needs_encoder
@pytest.mark.slow
def test_a_live_run_over_two_speakers_labels_its_segments(clip, tmp_path: Path) -> None:
    from notulist.audio.capture import FileSource
    from notulist.live.recording import LiveRecording, read_captured
    from notulist.live.worker import LiveWorker
    from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model

    model = load_whisper(resolve_model(None), choose_device("cpu"), cpu_threads=2)
    if importlib.util.find_spec("notulist.recognition.window_decoder") is not None:  # the worker takes a window decoder
        from notulist.recognition.window_decoder import WindowDecoder

        model = WindowDecoder(model)
    source = FileSource(CLIP, realtime=False, max_s=17.0)  # "Goedemorgen. ... FIOD." then "Goedemorgen. Ik ben ..."
    recording = LiveRecording.create(tmp_path, "two-speakers", source.sample_rate)
    updates = []
    worker = LiveWorker(model, source, recording, updates.append, paced=False, speakers=LiveSpeakerLabeler())
    worker.start()
    result = worker.join(timeout=600)
    assert result is not None and result.recognition_error is None
    segments = result.segments
    assert len(segments) >= 3
    first_labeled = next(i for i, s in enumerate(segments) if s.speaker is not None)
    assert all(s.speaker is not None for s in segments[first_labeled:])
    assert all(s.end - s.start < 1.5 for s in segments[:first_labeled])  # only a short "Goedemorgen." may lack one
    assert len({s.speaker for s in segments[first_labeled:]}) >= 2
    first_turn = [s for s in segments[first_labeled:] if s.end < 10.1]
    second_turn = [s for s in segments if s.start > 10.2]
    assert first_turn and second_turn
    assert {s.speaker for s in first_turn} == {"S1"}
    assert max(second_turn, key=lambda s: s.end - s.start).speaker == "S2"
    shown = [s for update in updates for s in update.closed]
    assert shown == list(segments)  # the screen got the labeled segments, in order
    # ... and each segment's words before that, while its label was being computed
    waiting = {s.id: i for i, update in reversed(list(enumerate(updates))) for s in update.unlabeled}
    printed = {s.id: i for i, update in enumerate(updates) for s in update.closed}
    assert waiting and all(waiting[id_] < printed[id_] for id_ in waiting)
    saved = read_captured(recording.path).segments  # and so did the recording
    assert [(s.id, s.speaker) for s in saved] == [(s.id, s.speaker) for s in segments]


def test_the_live_view_shows_the_provisional_speaker() -> None:
    import io

    from notulist.cli.live_view import LiveView
    from notulist.live.worker import LiveUpdate

    out = io.StringIO()
    view = LiveView(out, tty=False)
    closed = (Segment("s0003", 12.0, 14.0, "Klopt dat?", speaker="S1"), Segment("s0004", 14.5, 15.0, "Ja."))
    view.update(LiveUpdate(closed, (), (), (), 15.0, 3.0, 0.0))
    assert out.getvalue() == "[00:00:12] s0003 S1  Klopt dat?\n[00:00:14] s0004  Ja.\n"
