"""Start at once (the recording runs while the model loads), the pushed audio source, and the annotations of a
browser recording (pauses, names, details) carried into the session."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import numpy as np
import pytest
from live_support import clip_int16

from notulist.audio.capture import CaptureError, SourceEnded
from notulist.audio.pushed import PushedSource
from notulist.core.model import Segment
from notulist.live.annotations import ANNOTATIONS, Annotations, carried_names, read_annotations
from notulist.live.loading import LoadingDecoder, decoder_ready
from notulist.live.recording import LiveRecording, read_captured
from notulist.live.worker import LiveWorker


def test_pushed_source_queues_blocks_and_refuses_after_the_end() -> None:
    source = PushedSource("browser")
    blocks: queue.Queue = queue.Queue()
    source.start(blocks)
    source.push(np.arange(1600, dtype=np.int16))
    assert source.pushed_s == 0.1
    with pytest.raises(ValueError):
        source.push(np.zeros(10, dtype=np.float32))
    source.stop()
    source.stop()  # once only
    with pytest.raises(CaptureError):
        source.push(np.zeros(10, dtype=np.int16))
    assert len(blocks.get_nowait()) == 1600
    assert isinstance(blocks.get_nowait(), SourceEnded)
    assert blocks.empty()


def test_annotations_survive_a_cut_line_and_names_follow_the_overlap(tmp_path: Path) -> None:
    notes = Annotations(tmp_path)
    notes.add("recording_paused", {"at_s": 12.5})
    notes.add("live_speaker_named", {"label": "S2", "name": "mevrouw Jansen", "role": "voorzitter"})
    with open(tmp_path / ANNOTATIONS, "a", encoding="utf-8") as handle:
        handle.write('{"event": "recording_resumed", "at_')  # a crash in the middle of a line
    found = read_annotations(tmp_path)
    assert [e["event"] for e in found] == ["recording_paused", "live_speaker_named"]
    assert found[0]["at_s"] == 12.5 and found[0]["wall"]

    def seg(i: int, start: float, end: float, speaker: str) -> Segment:
        return Segment(id=f"s{i:04d}", start=start, end=end, text="x", speaker=speaker)

    live = [seg(1, 0, 5, "S1"), seg(2, 5, 9, "S2"), seg(3, 9, 12, "S1")]
    final = [seg(1, 0, 4.8, "S2"), seg(2, 4.8, 9.2, "S1"), seg(3, 9.2, 12, "S2")]  # the offline pass swapped them
    names, roles = carried_names(found[1:], live, final)
    assert names == {"S1": "mevrouw Jansen"} and roles == {"S1": "voorzitter"}


@pytest.mark.slow
def test_recording_starts_before_the_model_is_loaded(tmp_path: Path) -> None:
    """Audio pushed while the model is still loading is written at once and recognised once it has loaded."""
    from notulist.live.presets import PRESETS
    from notulist.recognition.model_pool import ModelPool
    from notulist.recognition.whisper_model import choose_device, resolve_model
    from notulist.recognition.window_decoder import WindowDecoder

    release = threading.Event()
    preset = PRESETS["balanced"]

    def load() -> WindowDecoder:
        release.wait(60)  # the model "loads" until the test has pushed the whole clip
        model = ModelPool().get(resolve_model(None), choose_device("cpu", None), 2)
        return WindowDecoder(model, preset.window)

    decoder = LoadingDecoder(load)
    source = PushedSource("browser")
    recording = LiveRecording.create(tmp_path, "vooraf", 16_000)
    worker = LiveWorker(decoder, source, recording, None, preset.streaming, paced=True)
    worker.start()
    clip = clip_int16()
    for start in range(0, len(clip), 1600):
        source.push(clip[start : start + 1600])
    source.stop()
    deadline = 30.0
    while recording.frames_written < len(clip) and deadline > 0:  # written to disk without the model
        threading.Event().wait(0.1)
        deadline -= 0.1
    assert recording.frames_written == len(clip)
    assert not decoder_ready(decoder) and worker.is_alive()
    release.set()
    result = worker.join(timeout=600)
    assert result is not None and result.recognition_error is None
    text = " ".join(s.text for s in result.segments).lower()
    assert "goedemorgen" in text.replace("goedenmorgen", "goedemorgen") and "opgenomen" in text
    assert read_captured(recording.path).frames == len(clip)
