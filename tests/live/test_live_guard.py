"""Live says only what it heard: the prompt-copy guard of a live step, and the check of live lines against the
final pass when recording stops. Fast tests use a recogniser that misbehaves as reported (it answers a prompted
window with its prompt); the slow ones replay real audio through the real window decoder."""

from __future__ import annotations

import numpy as np
import pytest

from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Segment, Transcript, Word
from notulist.live.recording import unsupported_live_lines
from notulist.live.streaming import InferenceRequest, prompt_copy, replay, transcribe_request

PREVIOUS = "Ja, dat begrijp ik. Mijn vrouw heeft goed mee uitgelegd."
ANSWER = "Nee, dat doet ons administratiekantoor."


def _timed(text: str) -> list[Word]:
    return [Word(i * 0.4, i * 0.4 + 0.3, w, 0.9) for i, w in enumerate(text.split())]


class CopiesItsPrompt:
    """Hears ``said`` in the audio, but with a prompt it writes the prompt's last sentence instead."""

    def __init__(self, said: str) -> None:
        self.said = said
        self.calls: list[str] = []

    def decode(self, audio: np.ndarray, prompt: str = "", prefix: str = "") -> list[Word]:
        self.calls.append(prompt)
        return _timed(prompt.split(". ")[-1] if prompt else self.said)


def _request(prompt: str) -> InferenceRequest:
    return InferenceRequest(np.zeros(3 * SAMPLE_RATE, dtype=np.float32), 40.0, prompt)


def test_a_hypothesis_that_copies_its_prompt_is_replaced_by_the_prompt_free_decoding():
    recognizer = CopiesItsPrompt(ANSWER)
    words = transcribe_request(recognizer, _request(PREVIOUS))
    assert " ".join(w.text for w in words) == ANSWER
    assert recognizer.calls == [PREVIOUS, ""]


def test_a_copy_the_audio_confirms_stands():
    recognizer = CopiesItsPrompt("Mijn vrouw heeft goed mee uitgelegd.")  # really said again
    words = transcribe_request(recognizer, _request(PREVIOUS))
    assert " ".join(w.text for w in words) == "Mijn vrouw heeft goed mee uitgelegd."


def test_prompt_copy_ignores_short_common_runs_and_can_be_switched_off():
    assert prompt_copy(_timed("Mijn vrouw heeft goed mee uitgelegd."), PREVIOUS) == [
        "mijn", "vrouw", "heeft", "goed", "mee", "uitgelegd",
    ]  # fmt: skip
    assert prompt_copy(_timed("Dat begrijp ik niet goed."), PREVIOUS) == []  # three words in common
    assert prompt_copy(_timed("ja, dat begrijp"), PREVIOUS) == ["ja", "dat", "begrijp"]  # all of it copied
    assert prompt_copy(_timed("Mijn vrouw heeft goed mee uitgelegd."), PREVIOUS, 0) == []


def _segment(sid: str, start: float, end: float, text: str) -> Segment:
    return Segment(sid, start, end, text)


def test_live_lines_the_final_pass_does_not_support_are_found():
    final = Transcript(
        "nl",
        50.0,
        (
            _segment("s0004", 24.5, 28.7, "Ja, dat begrijp ik. Mijn adviseur heeft het mij uitgelegd."),
            _segment("s0005", 29.3, 37.2, "Uw onderneming staat sinds 2019 ingeschreven bij de KvK."),
            _segment("s0006", 38.3, 43.0, "Nee, dat doet ons administratiekantoor. Ik lever alleen de facturen aan."),
        ),
    )
    live = [
        _segment("s0004", 26.4, 28.6, "Mijn bad visur heeft goed mee uitgelegd."),  # garbled, but said
        _segment("s0006", 38.3, 40.9, "Mijn vrouw heeft goed mee uitgelegd."),  # a copy: never said here
        _segment("s0007", 41.2, 43.0, "Ik levert alleen de facturen aan."),
    ]
    assert [s.id for s in unsupported_live_lines(final, live)] == ["s0006"]


@pytest.mark.slow
def test_real_replay_commits_only_lines_the_audio_supports(tmp_path):
    """The sample interview from the caution to the answer, replayed through the real live decoder in 1 s steps, and
    once more with a decoder that copies its prompt: every committed line is supported by the reference."""
    from live_support import ROOT

    from notulist.audio.decode import load_for_recognition
    from notulist.live.presets import BALANCED
    from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model
    from notulist.recognition.window_decoder import WindowDecoder

    audio = load_for_recognition(ROOT / "samples" / "interview_fiod.flac")[24 * SAMPLE_RATE : 44 * SAMPLE_RATE]
    decoder = WindowDecoder(load_whisper(resolve_model(None), choose_device("cpu"), 2), BALANCED.window)

    class Copying:  # the real decoder, with the reported failure injected: a prompted window copies its prompt
        def decode(self, window: np.ndarray, prompt: str = "", prefix: str = "") -> list[Word]:
            heard = decoder.decode(window, prompt, prefix)
            copy = [w for w in _timed(prompt.split(". ")[-1])] if prompt and not prefix else []
            return copy or heard

    reference = Transcript(
        "nl",
        20.0,
        tuple(
            _segment(f"r{i}", start - 24, end - 24, text)
            for i, (start, end, text) in enumerate(
                [
                    (24.77, 29.0, "Ja, dat begrijp ik. Mijn adviseur heeft het mij uitgelegd."),
                    (29.57, 37.74, "Uw onderneming staat sinds 2019 ingeschreven bij de KvK. Klopt het dat u de "
                     "btw-aangifte zelf doet?"),
                    (38.58, 43.52, ANSWER + " Ik lever alleen de facturen aan."),
                ]
            )
        ),
    )  # fmt: skip
    for recognizer in (decoder, Copying()):
        lines = replay(recognizer, audio, BALANCED.streaming)
        assert unsupported_live_lines(reference, lines) == [], [s.text for s in lines]
        assert len(lines) >= 3
        assert "administrat" in " ".join(s.text for s in lines).lower()
