"""The embedded diarizer on real speech (the bundled Resemblyzer weights, excerpts of the synthetic recordings).

tests/data/diarize_interview_40s.flac (2 speakers) and diarize_overleg_36s.flac (3 speakers) are the first seconds
of ../shared/audio/synthetic/interview_fiod.wav and overleg_dpia.wav, with their reference RTTMs cut to match;
diarize_meeting4_60s.flac (4 speakers) the first 60 s of benchmarks/meetings/mt_informatiebeveiliging.txt as
../shared/tools/make_meeting.sh speaks it.
"""

from __future__ import annotations

import os
from itertools import pairwise

import numpy as np
import pytest
import soundfile as sf
from conftest import DATA

from notulist.core.progress import Progress
from notulist.diarization.diarize import Turn, make_diarizer, turns_from_rttm, warm_up
from notulist.diarization.resemblyzer_backend import HOP_SAMPLES, N_FFT, encoder

SR = 16_000
pytestmark = pytest.mark.filterwarnings("ignore:'uem' was approximated")


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """The test machine is shared: one torch thread is faster than two that spin against other work."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def load(name: str) -> tuple[np.ndarray, tuple[Turn, ...]]:
    audio, rate = sf.read(DATA / f"{name}.flac", dtype="float32")
    assert rate == SR
    return audio, turns_from_rttm((DATA / f"{name}.rttm").read_text())


def vad(audio: np.ndarray) -> list[tuple[float, float]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=300, speech_pad_ms=200)
    return [(c["start"] / SR, c["end"] / SR) for c in get_speech_timestamps(audio, options)]


def der(reference: tuple[Turn, ...], hypothesis: tuple[Turn, ...]) -> float:
    os.environ["PYANNOTE_METRICS_ENABLED"] = "0"
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    def annotation(turns):
        result = Annotation()
        for turn in turns:
            result[Segment(turn.start, turn.end)] = turn.speaker
        return result

    return DiarizationErrorRate(collar=0.25)(annotation(reference), annotation(hypothesis))


def check_exclusive(turns: tuple[Turn, ...]) -> None:
    for first, second in pairwise(turns):
        assert first.end <= second.start + 1e-9
    assert all(t.end > t.start for t in turns)
    assert all(type(t.start) is float and type(t.end) is float for t in turns)  # JSON-ready, not numpy scalars


def first_speech_order(turns: tuple[Turn, ...]) -> list[str]:
    seen: list[str] = []
    for turn in turns:
        if turn.speaker not in seen:
            seen.append(turn.speaker)
    return seen


@pytest.mark.slow
def test_mel_front_end_matches_resemblyzers_librosa_spectrogram():
    """torch.stft + librosa's mel bank == librosa.feature.melspectrogram as resemblyzer calls it (numpy reference)."""
    import librosa

    rng = np.random.default_rng(0)
    audio = rng.normal(0, 0.1, SR).astype(np.float32)
    padded = np.pad(audio, N_FFT // 2)  # center=True, pad_mode="constant"
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP_SAMPLES]
    window = np.hanning(N_FFT + 1)[:-1]  # periodic Hann, as librosa's get_window("hann")
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    reference = power @ librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=40).T
    ours = encoder().mel(audio)
    assert ours.shape == reference.shape == (101, 40)
    np.testing.assert_allclose(ours, reference, rtol=1e-3, atol=1e-4)


@pytest.mark.slow
def test_two_speakers_found_and_placed():
    audio, reference = load("diarize_interview_40s")
    events: list[Progress] = []
    turns = make_diarizer().diarize(audio, vad(audio), events.append)
    check_exclusive(turns)
    assert first_speech_order(turns) == ["S1", "S2"]
    assert der(reference, turns) < 0.08
    assert {e.stage for e in events} == {"diarize"} and {e.unit for e in events} == {"s"}
    assert events[-1].done == events[-1].total > 30


@pytest.mark.slow
def test_three_speakers_found():
    audio, reference = load("diarize_overleg_36s")
    turns = make_diarizer().diarize(audio, vad(audio), lambda _: None)
    assert first_speech_order(turns) == ["S1", "S2", "S3"]
    assert der(reference, turns) < 0.08


@pytest.mark.slow
def test_four_speakers_found_when_one_says_little():
    """The quietest of four voices has 6 of the 53 s of speech (11 %): a speaker, not a stray cluster."""
    audio, reference = load("diarize_meeting4_60s")
    turns = make_diarizer().diarize(audio, vad(audio), lambda _: None)
    assert first_speech_order(turns) == ["S1", "S2", "S3", "S4"]
    assert der(reference, turns) < 0.08


@pytest.mark.slow
def test_given_number_of_speakers_is_used():
    audio, _ = load("diarize_overleg_36s")
    turns = make_diarizer(num_speakers=2).diarize(audio, vad(audio), lambda _: None)
    assert {t.speaker for t in turns} == {"S1", "S2"}
    bounded = make_diarizer(max_speakers=2).diarize(audio, vad(audio), lambda _: None)
    assert {t.speaker for t in bounded} == {"S1", "S2"}


def one_speaker(audio: np.ndarray, reference: tuple[Turn, ...]) -> np.ndarray:
    """The interviewer's turns only, one after another with short pauses."""
    pause = np.zeros(SR // 2, dtype=np.float32)
    pieces = [
        np.concatenate([audio[int(t.start * SR) : int(t.end * SR)], pause])
        for t in reference
        if t.speaker == "INTERVIEWER"
    ]
    return np.concatenate(pieces)


@pytest.mark.slow
def test_one_speaker_recording_gives_one_speaker():
    audio, reference = load("diarize_interview_40s")
    single = one_speaker(audio, reference)
    turns = make_diarizer().diarize(single, vad(single), lambda _: None)
    assert {t.speaker for t in turns} == {"S1"}
    # more speakers asked for than there are: no crash, never more than asked, every turn in the audio
    forced = make_diarizer(num_speakers=4).diarize(single, vad(single), lambda _: None)
    check_exclusive(forced)
    assert 1 <= len({t.speaker for t in forced}) <= 4
    assert forced[-1].end <= len(single) / SR + 1e-6


@pytest.mark.slow
def test_long_silence_is_left_out_and_speakers_still_found():
    audio, reference = load("diarize_interview_40s")
    gap_s = 30.0
    cut = int(17.0 * SR)
    padded = np.concatenate([audio[:cut], np.zeros(int(gap_s * SR), dtype=np.float32), audio[cut:]])
    turns = make_diarizer().diarize(padded, vad(padded), lambda _: None)
    assert {t.speaker for t in turns} == {"S1", "S2"}
    assert not any(t.start < 17.0 + gap_s - 0.5 and t.end > 17.5 for t in turns)


def test_recording_shorter_than_two_seconds():
    audio, _ = load("diarize_interview_40s")
    short = audio[int(1.0 * SR) : int(2.5 * SR)]
    turns = make_diarizer().diarize(short, [(0.0, 1.5)], lambda _: None)
    assert turns and {t.speaker for t in turns} == {"S1"}
    assert turns[0].start >= 0.0 and turns[-1].end <= 1.5 + 1e-6
    tiny = make_diarizer(num_speakers=3).diarize(short[: SR // 5], [(0.0, 0.2)], lambda _: None)
    assert tiny == (Turn(0.0, 0.2, "S1"),)


@pytest.mark.slow
def test_no_speech_at_all():
    silence = np.zeros(5 * SR, dtype=np.float32)
    events: list[Progress] = []
    assert make_diarizer().diarize(silence, [], events.append) == ()
    assert events and events[0].total == 0.0
    # the VAD claimed speech in pure silence, or regions lie outside the audio: still no crash
    turns = make_diarizer().diarize(silence, [(1.0, 3.5), (9.0, 12.0)], lambda _: None)
    assert {t.speaker for t in turns} <= {"S1"} and all(t.end <= 5.0 for t in turns)
    forced = make_diarizer(num_speakers=2).diarize(silence, [(0.0, 2.0), (2.5, 4.9), (4.99, 4.995)], lambda _: None)
    check_exclusive(forced)
    assert 1 <= len({t.speaker for t in forced}) <= 2
    assert make_diarizer().diarize(np.zeros(0, dtype=np.float32), [(0.0, 1.0)], lambda _: None) == ()


@pytest.mark.slow
def test_warm_up_is_idempotent():
    warm_up()
    first = encoder()
    warm_up()
    assert encoder() is first
