"""The server side of a browser recording without a browser: numbered messages handled once and in order, pauses
noted with their position in the audio, names, and the abbreviation links of a live line."""

from __future__ import annotations

import queue
from pathlib import Path

import numpy as np
import pytest

from notulist.audio.pushed import PushedSource
from notulist.core.model import Segment
from notulist.live.annotations import read_annotations
from notulist.web.live_recorder import LiveRecorder, SequenceGap


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[LiveRecorder, queue.Queue]:
    rec = LiveRecorder("abc", "Test", tmp_path, "toetser")
    rec.source = PushedSource("browser")
    blocks: queue.Queue = queue.Queue()
    rec.source.start(blocks)
    return rec, blocks


def frame(value: int) -> np.ndarray:
    return np.full(1600, value, dtype=np.int16)


def test_resent_messages_are_handled_once_and_a_skip_asks_for_a_resend(recorder) -> None:
    rec, blocks = recorder
    rec.receive_audio(0, frame(1))
    rec.receive_audio(1, frame(2))
    rec.receive_audio(0, frame(1))  # a resend after a reconnect
    rec.receive_audio(1, frame(2))
    with pytest.raises(SequenceGap):
        rec.receive_audio(3, frame(4))
    rec.receive_audio(2, frame(3))
    assert rec.next_seq == 3
    assert [int(blocks.get_nowait()[0]) for _ in range(3)] == [1, 2, 3] and blocks.empty()


def test_paused_audio_is_not_recorded_and_the_pause_is_noted(recorder, tmp_path: Path) -> None:
    rec, blocks = recorder
    rec.receive_audio(0, frame(1))
    rec.receive_control(1, {"type": "pause", "seq": 1})
    rec.receive_audio(2, frame(9))  # sent by mistake while paused: never recorded
    rec.receive_control(3, {"type": "resume", "seq": 3})
    rec.receive_control(3, {"type": "resume", "seq": 3})  # a resend: one event only
    rec.receive_audio(4, frame(2))
    rec.receive_control(5, {"type": "name", "label": "S2", "name": "mevrouw Jansen", "role": "voorzitter"})
    rec.receive_control(6, {"type": "name", "label": "../x", "name": "ignored"})
    assert [int(blocks.get_nowait()[0]) for _ in range(2)] == [1, 2] and blocks.empty()
    notes = read_annotations(tmp_path)
    assert [n["event"] for n in notes] == ["recording_paused", "recording_resumed", "live_speaker_named"]
    assert notes[0]["at_s"] == notes[1]["at_s"] == 0.1
    assert notes[2]["label"] == "S2" and notes[2]["operator"] == "toetser"
    assert rec.names == {"S2": {"name": "mevrouw Jansen", "role": "voorzitter"}}
    assert rec.gaps == [{"at_s": 0.1, "paused_s": notes[1]["paused_s"]}]


def test_a_live_line_carries_its_abbreviations_explained(recorder) -> None:
    from notulist.live.abbreviations import AbbreviationMarker

    rec, _ = recorder
    rec._marker = AbbreviationMarker.create()
    text = "Mijn naam is Pieter de Vries en ik ben rechercheur bij de FIOD."
    line = rec._line(Segment(id="s0004", start=6.1, end=9.9, text=text, speaker="S1"), with_links=True)
    assert line["type"] == "line" and line["speaker"] == "S1"
    (link,) = line["links"]
    assert text[link["start"] : link["end"]] == "FIOD"
    assert "Fiscale" in link["expansion"]


def test_the_final_pass_stages_are_named_in_dutch_like_the_upload_page() -> None:
    from notulist.core.progress import Progress, Stage
    from notulist.web.jobs import STAGES_NL
    from notulist.web.live_recorder import progress_message

    for stage in Stage:
        message = progress_message(Progress(stage, 3, 10))
        assert message["stage"] == STAGES_NL[stage] != str(stage)
        assert message["stage_en"] == str(stage)
        assert (message["type"], message["done"], message["total"]) == ("progress", 3, 10)
    assert progress_message(Progress(Stage.RECOGNIZE, 0, 1))["stage"] == "spraak herkennen"
