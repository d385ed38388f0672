"""End to end: the bundled Whisper base transcribes a real (synthetic-voice) Dutch clip, the linker links it.

The clip is the first 34.5 s of ../shared/audio/synthetic/overleg_dpia.wav (copied into tests/data): the DPIA is
said twice and the FG twice. Runs the real model on CPU (about 20-60 s on 2 cores).
"""

from __future__ import annotations

import pytest
from conftest import DATA

from notulist.glossary import load_glossary
from notulist.glossary.hints import HINT_PARAMETER, decoding_hints
from notulist.glossary.linker import link_texts

CLIP = DATA / "glossary_overleg_excerpt.flac"
SAID = {"dpia": 2, "fg": 2}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pipeline():
    faster_whisper = pytest.importorskip("faster_whisper")
    from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model

    model = load_whisper(resolve_model(None), choose_device("cpu"), cpu_threads=2)
    return faster_whisper.BatchedInferencePipeline(model)


def transcribe(pipeline, **options) -> list:
    from notulist.audio.decode import load_for_recognition

    audio = load_for_recognition(CLIP)
    segments, _ = pipeline.transcribe(audio, language="nl", vad_filter=True, beam_size=5, batch_size=8, **options)
    return list(segments)


def check_links(segments, glossary) -> int:
    links = link_texts(
        [s.text for s in segments],
        glossary,
        [str(i) for i in range(len(segments))],
        [(s.start, s.end) for s in segments],
    )
    counts: dict[str, int] = {}
    for link in links:
        assert segments[int(link.segment_id)].text[link.char_start : link.char_end] == link.surface
        counts[link.entry_id] = counts.get(link.entry_id, 0) + 1
    # every link points at an abbreviation that was said, never more often than it was said
    for entry_id, count in counts.items():
        assert entry_id in SAID, f"linked {entry_id}, which nobody said"
        assert count <= SAID[entry_id]
    return sum(counts.values())


def test_linker_on_recognised_speech_without_hints(pipeline):
    glossary = load_glossary()
    assert check_links(transcribe(pipeline), glossary) >= 2


def test_linker_on_recognised_speech_with_keyword_hints(pipeline):
    glossary = load_glossary()
    hint = decoding_hints(glossary, "privacy", ["DPIA", "FG"])  # the agenda's terms, as --keyword
    assert hint == "DPIA, FG"
    assert check_links(transcribe(pipeline, **{HINT_PARAMETER: hint}), glossary) >= 3
