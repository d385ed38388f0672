"""Audio taken in as it is, or with what was done said: stale and streaming WAV headers, float peaks above full
scale, several audio streams, antiphase stereo, and end times past the audio's end. Real files, no model."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from notulist.audio.decode import archive_flac, load_for_recognition
from notulist.core.errors import AudioError
from notulist.core.model import Segment, Transcript, Word
from notulist.pipeline.run import clamp_to_audio

RATE = 16_000


def tone(seconds: float, freq: float = 220.0, amplitude: float = 0.3, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def wav_with_data_size(path: Path, samples: np.ndarray, data_size: int | None, riff_size: int | None = None) -> Path:
    sf.write(path, samples, RATE, subtype="PCM_16")
    data = bytearray(path.read_bytes())
    at = data.find(b"data")
    if data_size is not None:
        struct.pack_into("<I", data, at + 4, data_size)
        struct.pack_into("<I", data, 4, riff_size if riff_size is not None else min(0xFFFFFFFF, at + data_size))
    path.write_bytes(bytes(data))
    return path


def test_a_stale_header_keeps_all_the_audio_with_a_note(tmp_path):
    source = wav_with_data_size(tmp_path / "crashed.wav", tone(20.0), 5 * RATE * 2)
    archived = archive_flac(source, tmp_path / "audio.flac")
    assert archived.duration == pytest.approx(20.0, abs=0.01)
    assert len(sf.read(tmp_path / "audio.flac")[0]) == 20 * RATE
    assert any("declares 5.0 s but the file holds 20.0 s" in note for note in archived.notes)
    assert not list(tmp_path.glob(".repaired*"))  # the corrected copy is gone


def test_a_streaming_wav_is_complete(tmp_path):
    source = wav_with_data_size(tmp_path / "stream.wav", tone(12.0), 0xFFFFFFFF, 0xFFFFFFFF)
    archived = archive_flac(source, tmp_path / "audio.flac")
    assert archived.duration == pytest.approx(12.0, abs=0.01)
    assert any("streaming WAV" in note for note in archived.notes)


def test_a_truncated_wav_is_still_refused(tmp_path):
    full = wav_with_data_size(tmp_path / "full.wav", tone(20.0), None)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[: 44 + 5 * RATE * 2])
    with pytest.raises(AudioError, match="declares 20.0 s but only 5.0 s"):
        archive_flac(cut, tmp_path / "audio.flac")
    assert archive_flac(cut, tmp_path / "audio.flac", accept_truncated=True).duration == pytest.approx(5.0, abs=0.01)


def test_a_chunk_after_the_data_is_not_taken_for_audio(tmp_path):
    source = wav_with_data_size(tmp_path / "tagged.wav", tone(3.0), None)
    info = b"INFOISFT" + struct.pack("<I", 10) + b"notulist\x00\x00"
    data = bytearray(source.read_bytes() + b"LIST" + struct.pack("<I", len(info)) + info)
    struct.pack_into("<I", data, 4, len(data) - 8)
    source.write_bytes(bytes(data))
    archived = archive_flac(source, tmp_path / "audio.flac")
    assert archived.duration == pytest.approx(3.0, abs=0.01) and archived.notes == ()


def test_float_peaks_above_full_scale_are_scaled_not_clipped(tmp_path):
    samples = tone(4.0, amplitude=3.0)  # peaks at 3.0: a float WAV from an editor that boosted the level
    sf.write(tmp_path / "loud.wav", samples, RATE, subtype="FLOAT")
    archived = archive_flac(tmp_path / "loud.wav", tmp_path / "audio.flac")
    assert archived.gain == pytest.approx(0.999 / 3.0, rel=1e-3)
    assert any("scaled by" in note for note in archived.notes)
    restored, _ = sf.read(tmp_path / "audio.flac", dtype="float64")
    assert np.abs(restored).max() < 1.0  # nothing at full scale: nothing clipped
    assert np.allclose(restored / archived.gain, samples, atol=1e-4)  # the original levels come back


def test_float_within_full_scale_is_archived_unchanged(tmp_path):
    samples = tone(2.0, amplitude=0.5)
    sf.write(tmp_path / "ok.wav", samples, RATE, subtype="FLOAT")
    archived = archive_flac(tmp_path / "ok.wav", tmp_path / "audio.flac")
    assert archived.gain == 1.0 and archived.notes == ()
    assert np.allclose(sf.read(tmp_path / "audio.flac", dtype="float32")[0], samples, atol=1e-6)


def two_stream_file(path: Path) -> Path:
    """A Matroska file with two audio streams: silence on the first, a tone on the second."""
    with av.open(str(path), "w", format="matroska") as out:
        streams = [out.add_stream("pcm_s16le", rate=RATE, layout="mono") for _ in range(2)]
        streams[0].metadata["language"] = "nld"
        for stream, samples in zip(streams, (np.zeros(RATE * 3, np.float32), tone(3.0)), strict=True):
            frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
            frame.sample_rate = RATE
            for packet in [*stream.encode(frame), *stream.encode(None)]:
                out.mux(packet)
    return path


def test_several_audio_streams_are_listed_and_one_is_chosen(tmp_path):
    source = two_stream_file(tmp_path / "two.mkv")
    with pytest.raises(AudioError, match=r"2 audio streams \(#0 pcm_s16le 1 ch 16000 Hz 'nld', #1 .*--audio-stream"):
        archive_flac(source, tmp_path / "audio.flac")
    with pytest.raises(AudioError, match="no audio stream #2"):
        archive_flac(source, tmp_path / "audio.flac", stream_index=2)
    archived = archive_flac(source, tmp_path / "audio.flac", stream_index=1)
    assert archived.stream_index == 1
    assert np.abs(sf.read(tmp_path / "audio.flac")[0]).max() > 0.25  # the tone, not the silence


def test_antiphase_stereo_is_recognised_from_one_channel(tmp_path):
    voice = tone(3.0)
    sf.write(tmp_path / "antiphase.wav", np.stack([voice, -voice], axis=1), RATE, subtype="PCM_16")
    archived = archive_flac(tmp_path / "antiphase.wav", tmp_path / "audio.flac")
    assert archived.channels == 2 and archived.recognition_channel is not None
    assert any("cancel" in note for note in archived.notes)
    assert np.abs(load_for_recognition(tmp_path / "audio.flac")).max() < 0.01  # the mono mix is silence
    alone = load_for_recognition(tmp_path / "audio.flac", archived.recognition_channel)
    assert np.abs(alone).max() > 0.25
    sf.write(tmp_path / "stereo.wav", np.stack([voice, 0.5 * voice], axis=1), RATE, subtype="PCM_16")
    assert archive_flac(tmp_path / "stereo.wav", tmp_path / "ok.flac").recognition_channel is None


def test_end_times_are_clamped_to_the_audio():
    words = (Word(19.5, 19.9, "tot", 0.9), Word(19.9, 20.35, "ziens", 0.9))
    transcript = Transcript("nl", 20.0, (Segment("s1", 19.5, 20.35, "tot ziens", words),))
    (segment,) = clamp_to_audio(transcript).segments
    assert segment.end == 20.0 and segment.words[-1].end == 20.0 and segment.words[0].end == 19.9
