"""Reading recordings: any audio or video container PyAV (FFmpeg) can read.

``archive_flac`` decodes the first audio stream at its own sample rate and channel layout and writes it losslessly
to FLAC (16-bit for 16-bit and narrower sources, 24-bit otherwise). Recognition then reads the archived FLAC,
resampled to 16 kHz mono float32 (``load_for_recognition``), so the transcript is derived from exactly the audio
that is archived and hashed.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from notulist.core.audio import SAMPLE_RATE
from notulist.core.errors import AudioError

TRUNCATION_TOLERANCE_S = 1.0


@dataclass(frozen=True)
class ArchivedAudio:
    """What was archived: the decoded original's properties."""

    sample_rate: int
    channels: int
    duration: float
    bits_per_sample: int
    source_format: str
    declared_duration: float | None


def _open(path: Path):  # -> av.container.InputContainer
    import av

    if not path.exists():
        raise AudioError(f"{path} does not exist: check the path of the recording")
    if not path.is_file():
        raise AudioError(f"{path} is not a file: give the path of a recording")
    if path.stat().st_size == 0:
        raise AudioError(f"{path} is empty (0 bytes): the recording was not saved; use the original file")
    try:
        return av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise AudioError(
            f"{path} is not a readable audio or video file ({exc.__class__.__name__}): convert it to WAV, FLAC, "
            "MP3 or M4A, or check that it is not damaged"
        ) from exc


def _declared_duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return None


def archive_flac(source: Path, target: Path, accept_truncated: bool = False) -> ArchivedAudio:
    """Decode the first audio stream of ``source`` and write it losslessly to ``target`` (FLAC)."""
    import av

    source = Path(source)
    container = _open(source)
    with container:
        if not container.streams.audio:
            raise AudioError(f"{source} has no audio stream: give a recording that contains sound")
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or stream.rate
        if not rate:
            raise AudioError(f"{source} does not say its sample rate: convert it to WAV or FLAC first")
        layout = stream.codec_context.layout.name if stream.codec_context.layout else "mono"
        channels = stream.codec_context.channels or 1
        if channels > 2:
            layout, channels = "stereo", 2  # FLAC via FFmpeg takes up to 8, but keep the archive simple to play
        source_format = stream.codec_context.format.name if stream.codec_context.format else "s16"
        bits = 16 if source_format in ("u8", "u8p", "s16", "s16p") else 24
        sample_format = "s16" if bits == 16 else "s32"
        declared = _declared_duration(container, stream)
        resampler = av.AudioResampler(format=sample_format, layout=layout, rate=rate)
        samples = 0
        try:
            with av.open(str(target), "w", format="flac") as output:
                out_stream = output.add_stream("flac", rate=rate, layout=layout)
                out_stream.codec_context.format = sample_format
                if bits == 24:
                    out_stream.codec_context.options = {"bits_per_raw_sample": "24"}
                decode_error: str | None = None
                for frame in _frames(container, stream):
                    if isinstance(frame, str):
                        decode_error = frame
                        break
                    for converted in resampler.resample(frame):
                        samples += converted.samples
                        converted.pts = None
                        for packet in out_stream.encode(converted):
                            output.mux(packet)
                for converted in resampler.resample(None):
                    samples += converted.samples
                    converted.pts = None
                    for packet in out_stream.encode(converted):
                        output.mux(packet)
                for packet in out_stream.encode(None):
                    output.mux(packet)
        except av.error.FFmpegError as exc:
            raise AudioError(f"cannot write the archive copy of {source.name} ({exc})") from exc
    duration = samples / rate
    if samples == 0:
        if decode_error:
            raise AudioError(f"{source} is damaged and cannot be decoded ({decode_error}): use an undamaged copy")
        raise AudioError(f"{source} contains no audio samples: the recording is empty; use the original file")
    declared = _wav_declared_duration(source) or declared
    short = declared is not None and declared - duration > max(TRUNCATION_TOLERANCE_S, 0.02 * declared)
    if (short or decode_error) and not accept_truncated:
        what = f"it declares {declared:.1f} s but only" if short else f"decoding stopped ({decode_error}) after"
        raise AudioError(
            f"{source} is truncated or damaged: {what} {duration:.1f} s can be decoded; "
            "use the complete file, or pass `accept_truncated=True` to transcribe what is there",
            parameter="accept_truncated",
        )
    return ArchivedAudio(rate, channels, duration, bits, source_format, declared)


def _frames(container, stream):
    """Decoded frames; a decoding error ends the stream with a string saying what went wrong."""
    import av

    try:
        yield from container.decode(stream)
    except av.error.EOFError:
        return
    except av.error.FFmpegError as exc:
        yield f"{exc.__class__.__name__}: {exc.strerror or exc}"


def _wav_declared_duration(path: Path) -> float | None:
    """The duration a PCM WAV header declares (FFmpeg trusts the file size instead, hiding truncation)."""
    try:
        with wave.open(str(path), "rb") as handle:
            return handle.getnframes() / handle.getframerate()
    except (wave.Error, EOFError, OSError, ZeroDivisionError):
        return None


def load_for_recognition(path: Path) -> np.ndarray:
    """The audio of ``path`` as 16 kHz mono float32 in [-1, 1]."""
    from faster_whisper.audio import decode_audio

    try:
        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many types; all mean the same to the user
        raise AudioError(f"cannot decode {path} ({exc}): the file is damaged") from exc
