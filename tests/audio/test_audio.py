"""Reading recordings: lossless archiving, resampling, and clear errors for bad input."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf
from conftest import DATA

from notulist.audio.decode import archive_flac, load_for_recognition
from notulist.core.errors import AudioError


def tone(seconds: float, rate: int, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = 0.3 * np.sin(2 * np.pi * 440 * t)
    return np.stack([mono] * channels, axis=1) if channels > 1 else mono


def test_archive_is_bit_exact_for_16_bit_sources(tmp_path):
    original, rate = sf.read(DATA / "interview_25s.flac", dtype="int16")
    wav = tmp_path / "in.wav"
    sf.write(wav, original, rate, subtype="PCM_16")
    info = archive_flac(wav, tmp_path / "audio.flac")
    archived, archived_rate = sf.read(tmp_path / "audio.flac", dtype="int16")
    assert archived_rate == rate == info.sample_rate
    assert np.array_equal(archived, original)
    assert info.bits_per_sample == 16 and info.channels == 1
    assert info.duration == pytest.approx(25.0, abs=0.01)


def test_stereo_44k_24bit_is_archived_as_24_bit_and_resampled_for_recognition(tmp_path):
    wav = tmp_path / "stereo.wav"
    sf.write(wav, tone(2.0, 44_100, channels=2), 44_100, subtype="PCM_24")
    info = archive_flac(wav, tmp_path / "audio.flac")
    assert (info.sample_rate, info.channels, info.bits_per_sample) == (44_100, 2, 24)
    archived, _ = sf.read(tmp_path / "audio.flac", dtype="int32")
    original, _ = sf.read(wav, dtype="int32")
    assert np.array_equal(archived, original)
    audio = load_for_recognition(tmp_path / "audio.flac")
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) == pytest.approx(32_000, abs=50)


def test_mp3_in_a_container_is_read(tmp_path):
    path = tmp_path / "speech.mp3"
    samples = (tone(1.5, 22_050) * 32767).astype(np.int16)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mp3", rate=22_050, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = 22_050
        frame.time_base = Fraction(1, 22_050)
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    info = archive_flac(path, tmp_path / "audio.flac")
    assert info.sample_rate == 22_050
    assert info.duration == pytest.approx(1.5, abs=0.1)


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="does not exist"):
        archive_flac(tmp_path / "nope.wav", tmp_path / "audio.flac")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        archive_flac(path, tmp_path / "audio.flac")


def test_corrupt_file(tmp_path):
    path = tmp_path / "corrupt.m4a"
    path.write_bytes(b"this is not audio at all " * 100)
    with pytest.raises(AudioError, match="not a readable audio"):
        archive_flac(path, tmp_path / "audio.flac")


def test_truncated_file_is_refused_unless_accepted(tmp_path):
    wav = tmp_path / "full.wav"
    sf.write(wav, tone(10.0, 16_000), 16_000, subtype="PCM_16")
    data = wav.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 3])  # the header still declares 10 s
    with pytest.raises(AudioError, match="truncated"):
        archive_flac(cut, tmp_path / "audio.flac")
    info = archive_flac(cut, tmp_path / "audio2.flac", accept_truncated=True)
    assert info.duration == pytest.approx(10 / 3, abs=0.1)


def test_file_without_audio_stream(tmp_path):
    path = tmp_path / "video-only.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.full((32, 32, 3), i * 40, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(AudioError, match="no audio stream"):
        archive_flac(path, tmp_path / "audio.flac")


def test_wav_with_zero_samples(tmp_path):
    path = tmp_path / "zero.wav"
    sf.write(path, np.zeros(0, dtype=np.int16), 16_000, subtype="PCM_16")
    with pytest.raises(AudioError, match="no audio samples"):
        archive_flac(path, tmp_path / "audio.flac")


def test_directory_is_not_a_recording(tmp_path: Path):
    with pytest.raises(AudioError, match="not a file"):
        archive_flac(tmp_path, tmp_path / "audio.flac")
