"""Reading recordings: any audio or video container PyAV (FFmpeg) can read.

``archive_flac`` decodes one audio stream at its own sample rate and channel layout and writes it losslessly to
FLAC (16-bit for 16-bit and narrower sources, 24-bit otherwise). Recognition then reads the archived FLAC,
resampled to 16 kHz mono float32 (``load_for_recognition``), so the transcript is derived from exactly the audio
that is archived and hashed.

What is taken in is said, never silently changed: a WAV whose header declares less than the file holds (a stale
header) is archived whole, with a note; a streaming WAV (unknown length) is accepted; a float source with peaks
above full scale is scaled down by a recorded gain instead of being clipped (FLAC holds integers only: divide by
the gain for the original levels); a file with several audio streams must say which one; a stereo recording whose
channels cancel when mixed to mono (one channel wired in antiphase) is recognised from one channel, with a note.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from notulist.audio.wav_header import WavLayout, read_layout, write_repaired
from notulist.core.audio import SAMPLE_RATE
from notulist.core.errors import AudioError

TRUNCATION_TOLERANCE_S = 1.0
FLOAT_FORMATS = ("flt", "fltp", "dbl", "dblp")
HEADROOM = 0.999  # the loudest float sample lands just below full scale
CANCEL_RATIO = 0.1  # mono mix energy below this share of the channels' own: the mix cancels


@dataclass(frozen=True)
class ArchivedAudio:
    """What was archived: the decoded original's properties, and what was done to take it in."""

    sample_rate: int
    channels: int
    duration: float
    bits_per_sample: int
    source_format: str
    declared_duration: float | None
    stream_index: int = 0
    gain: float = 1.0  # applied to a float source whose peaks exceed full scale
    recognition_channel: int | None = None  # recognise this channel alone: the mono mix cancels
    notes: tuple[str, ...] = ()
    decode_error: str | None = None  # decoding stopped early with this error


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


def describe_streams(container) -> str:
    """``#0 aac 2 ch 48000 Hz 'nld', #1 ...``: the audio streams of a container, for an error message."""
    parts = []
    for number, stream in enumerate(container.streams.audio):
        language = stream.metadata.get("language") or stream.metadata.get("title")
        ctx = stream.codec_context
        parts.append(
            f"#{number} {ctx.name} {ctx.channels} ch {ctx.sample_rate} Hz" + (f" '{language}'" if language else "")
        )
    return ", ".join(parts)


def _choose_stream(container, source: Path, stream_index: int | None):
    streams = container.streams.audio
    if not streams:
        raise AudioError(f"{source} has no audio stream: give a recording that contains sound")
    if stream_index is None:
        if len(streams) > 1:
            raise AudioError(
                f"{source} has {len(streams)} audio streams ({describe_streams(container)}): choose one with "
                "--audio-stream N"
            )
        return streams[0]
    if not 0 <= stream_index < len(streams):
        raise AudioError(
            f"{source} has no audio stream #{stream_index} (it has {describe_streams(container)}): choose one of "
            "those with --audio-stream N"
        )
    return streams[stream_index]


def archive_flac(
    source: Path, target: Path, accept_truncated: bool = False, stream_index: int | None = None
) -> ArchivedAudio:
    """Decode one audio stream of ``source`` and write it losslessly to ``target`` (FLAC)."""
    source, target = Path(source), Path(target)
    layout = read_layout(source)
    repaired: Path | None = None
    notes: list[str] = []
    try:
        if layout is not None and layout.stale:
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=".repaired.", suffix=".wav")
            os.close(fd)
            repaired = Path(name)
            write_repaired(source, layout, repaired)
            notes.append(_stale_note(layout))
        archived = _archive(repaired or source, source, target, stream_index)
    finally:
        if repaired is not None:
            repaired.unlink(missing_ok=True)
    declared = layout.declared_duration if layout is not None and not layout.stale else archived.declared_duration
    if layout is not None and layout.streaming:
        notes.append("the WAV header gives no length (a streaming WAV): all audio in the file was archived")
        declared = None
    _check_truncation(source, archived, declared, accept_truncated)
    return _with(archived, declared, notes)


def _stale_note(layout: WavLayout) -> str:
    return (
        f"the WAV header declares {layout.declared_duration:.1f} s but the file holds {layout.actual_duration:.1f} s "
        "(a header not updated when the recording stopped): all of it was archived"
    )


def _with(archived: ArchivedAudio, declared: float | None, notes: list[str]) -> ArchivedAudio:
    return replace(archived, declared_duration=declared, notes=(*notes, *archived.notes))


def _check_truncation(source: Path, archived: ArchivedAudio, declared: float | None, accept: bool) -> None:
    duration = archived.duration
    short = declared is not None and declared - duration > max(TRUNCATION_TOLERANCE_S, 0.02 * declared)
    if (short or archived.decode_error) and not accept:
        what = (
            f"it declares {declared:.1f} s but only" if short else f"decoding stopped ({archived.decode_error}) after"
        )
        raise AudioError(
            f"{source} is truncated or damaged: {what} {duration:.1f} s can be decoded; "
            "use the complete file, or pass `accept_truncated=True` to transcribe what is there",
            parameter="accept_truncated",
        )


@dataclass
class _Tally:
    """Running figures while encoding: samples written, and energy per channel and of the mono mix."""

    samples: int = 0
    channel_energy: np.ndarray | None = None
    mix_energy: float = 0.0

    def add(self, frame, channels: int) -> None:
        self.samples += frame.samples
        data = frame.to_ndarray().reshape(-1, channels).astype(np.float64)
        energy = np.square(data).sum(axis=0)
        self.channel_energy = energy if self.channel_energy is None else self.channel_energy + energy
        self.mix_energy += float(np.square(data.mean(axis=1)).sum())

    def cancelling_channel(self) -> int | None:
        """The louder channel when mixing to mono cancels (antiphase), else None."""
        energy = self.channel_energy
        if energy is None or len(energy) < 2 or energy.mean() <= 0:
            return None
        if self.mix_energy >= CANCEL_RATIO * energy.mean():
            return None
        return int(np.argmax(energy))


def _archive(readable: Path, source: Path, target: Path, stream_index: int | None) -> ArchivedAudio:
    import av

    with _open(readable) as container:
        stream = _choose_stream(container, source, stream_index)
        rate = stream.codec_context.sample_rate or stream.rate
        if not rate:
            raise AudioError(f"{source} does not say its sample rate: convert it to WAV or FLAC first")
        source_format = stream.codec_context.format.name if stream.codec_context.format else "s16"
        declared = _declared_duration(container, stream)
        index = list(container.streams.audio).index(stream)
    peak = _float_peak(readable, index) if source_format in FLOAT_FORMATS else 0.0
    gain = HEADROOM / peak if peak > 1.0 else 1.0
    try:
        tally, channels, bits, decode_error = _encode(readable, index, target, rate, source_format, gain)
    except av.error.FFmpegError as exc:
        raise AudioError(f"cannot write the archive copy of {source.name} ({exc})") from exc
    if tally.samples == 0:
        if decode_error:
            raise AudioError(f"{source} is damaged and cannot be decoded ({decode_error}): use an undamaged copy")
        raise AudioError(f"{source} contains no audio samples: the recording is empty; use the original file")
    notes = []
    if gain != 1.0:
        notes.append(
            f"the float source peaks at {peak:.2f} (above full scale): scaled by {gain:.4f} so nothing is clipped; "
            "divide by the gain for the original levels"
        )
    channel = tally.cancelling_channel()
    if channel is not None:
        notes.append(
            f"the channels cancel when mixed to mono (one is in antiphase): recognition uses channel {channel + 1} "
            "alone; the archive keeps both"
        )
    return ArchivedAudio(
        rate, channels, tally.samples / rate, bits, source_format, declared, index, round(gain, 6), channel,
        tuple(notes), decode_error,
    )  # fmt: skip


def _float_peak(path: Path, index: int) -> float:
    """The largest absolute sample of a float stream (a first pass, only for float sources)."""
    peak = 0.0
    with _open(path) as container:
        for frame in _frames(container, container.streams.audio[index]):
            if isinstance(frame, str):
                break
            peak = max(peak, float(np.abs(frame.to_ndarray()).max(initial=0.0)))
    return peak


def _scaled(frame, gain: float):
    import av

    if gain == 1.0:
        return frame
    scaled = av.AudioFrame.from_ndarray(
        (frame.to_ndarray() * gain).astype(frame.to_ndarray().dtype), format=frame.format.name, layout=frame.layout.name
    )
    scaled.sample_rate = frame.sample_rate
    return scaled


def _encode(readable: Path, index: int, target: Path, rate: int, source_format: str, gain: float):
    """Write the FLAC; returns the tally, the channel count, the bit depth and any decoding error."""
    import av

    with _open(readable) as container:
        stream = container.streams.audio[index]
        layout = stream.codec_context.layout.name if stream.codec_context.layout else "mono"
        channels = stream.codec_context.channels or 1
        if channels > 2:
            layout, channels = "stereo", 2  # FLAC via FFmpeg takes up to 8, but keep the archive simple to play
        bits = 16 if source_format in ("u8", "u8p", "s16", "s16p") else 24
        sample_format = "s16" if bits == 16 else "s32"
        resampler = av.AudioResampler(format=sample_format, layout=layout, rate=rate)
        tally, decode_error = _Tally(), None
        with av.open(str(target), "w", format="flac") as output:
            out_stream = output.add_stream("flac", rate=rate, layout=layout)
            out_stream.codec_context.format = sample_format
            if bits == 24:
                out_stream.codec_context.options = {"bits_per_raw_sample": "24"}
            for frame in itertools.chain(_frames(container, stream), [None]):
                if isinstance(frame, str):
                    decode_error, frame = frame, None
                for converted in resampler.resample(None if frame is None else _scaled(frame, gain)):
                    tally.add(converted, channels)
                    converted.pts = None
                    for packet in out_stream.encode(converted):
                        output.mux(packet)
                if frame is None:
                    break
            for packet in out_stream.encode(None):
                output.mux(packet)
    return tally, channels, bits, decode_error


def _frames(container, stream):
    """Decoded frames; a decoding error ends the stream with a string saying what went wrong."""
    import av

    try:
        yield from container.decode(stream)
    except av.error.EOFError:
        return
    except av.error.FFmpegError as exc:
        yield f"{exc.__class__.__name__}: {exc.strerror or exc}"


def load_for_recognition(path: Path, channel: int | None = None) -> np.ndarray:
    """The audio of ``path`` as 16 kHz mono float32 in [-1, 1]; ``channel`` (0-based) alone when given."""
    from faster_whisper.audio import decode_audio

    try:
        if channel is None:
            return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
        left, right = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=True)
        return left if channel == 0 else right
    except Exception as exc:  # PyAV raises many types; all mean the same to the user
        raise AudioError(f"cannot decode {path} ({exc}): the file is damaged") from exc
