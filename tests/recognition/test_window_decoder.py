"""The live recogniser: one Whisper pass sized to the window, with the real bundled model on a real clip."""

from __future__ import annotations

import numpy as np
import pytest
from live_support import CLIP, REFERENCE, normal, wer

from notulist.audio.decode import load_for_recognition
from notulist.live.streaming import SAMPLE_RATE, InferenceRequest, transcribe_request
from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model
from notulist.recognition.window_decoder import WindowDecoder

pytestmark = pytest.mark.slow  # the real Whisper base model


@pytest.fixture(scope="module")
def model():
    return load_whisper(resolve_model(None), choose_device("cpu"), cpu_threads=2)


@pytest.fixture(scope="module")
def clip() -> np.ndarray:
    return load_for_recognition(CLIP)


def test_decodes_a_short_window_with_word_times_inside_it(model, clip):
    words = WindowDecoder(model).decode(clip)
    text = " ".join(w.text for w in words)
    assert wer(text) < 0.45, text
    duration = len(clip) / SAMPLE_RATE
    assert all(0.0 <= w.start <= w.end <= duration + 0.05 for w in words)
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert "fiod" in normal(text) or "vries" in normal(text)


def test_silence_before_the_speech_shifts_the_word_times(model, clip):
    decoder = WindowDecoder(model)
    plain = decoder.decode(clip)
    padded = decoder.decode(np.concatenate([np.zeros(3 * SAMPLE_RATE, dtype=np.float32), clip]))
    assert len(padded) >= len(plain) - 2
    # The VAD leaves the silence out of the decoded audio and maps the times back onto the window.
    shifts = [b.start - a.start for a, b in zip(plain, padded, strict=False) if normal(a.text) == normal(b.text)]
    assert len(shifts) >= len(plain) // 2
    assert float(np.median(shifts)) == pytest.approx(3.0, abs=0.3)
    assert padded[0].start >= 3.0 - 0.5  # (the VAD keeps up to 0.4 s of padding around speech)


def test_silence_and_a_too_short_window_give_no_words(model, clip):
    decoder = WindowDecoder(model)
    assert decoder.decode(np.zeros(4 * SAMPLE_RATE, dtype=np.float32)) == []
    assert decoder.decode(clip[: SAMPLE_RATE // 20]) == []
    rng = np.random.default_rng(3)
    quiet_noise = (rng.standard_normal(4 * SAMPLE_RATE) * 1e-4).astype(np.float32)
    assert decoder.decode(quiet_noise) == []  # the VAD finds no speech, so Whisper never sees it


def test_the_prefix_is_kept_and_continued(model, clip):
    """A step hands over the words already committed in the buffer; the decoder continues after them."""
    prefix = "Goedemorgen. Het is dinsdag veertien oktober, tien uur."
    words = WindowDecoder(model).decode(clip, prompt="", prefix=prefix)
    text = " ".join(w.text for w in words)
    assert normal(text).startswith(normal(prefix))
    assert len(normal(text).split()) > len(normal(prefix).split()) + 8  # it went on with the rest of the clip
    assert wer(text) < 0.45, text


def test_transcribe_request_passes_prompt_and_prefix(model, clip):
    request = InferenceRequest(clip, offset=12.0, prompt="Dit is een verhoor.", prefix="Goedemorgen.")
    words = transcribe_request(WindowDecoder(model), request)
    assert normal(words[0].text) == "goedemorgen"
    assert words[-1].end <= len(clip) / SAMPLE_RATE + 0.05  # times stay relative to the window
    assert len(REFERENCE.split()) - 8 <= len(words) <= len(REFERENCE.split()) + 8
