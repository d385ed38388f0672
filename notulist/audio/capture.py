"""Audio input for live mode: a microphone through sounddevice (PortAudio), or a file replayed through the same path.

Every source delivers 16 kHz mono int16 blocks into a ``queue.Queue`` and ends with ``SourceEnded`` (normal end) or
``SourceFailed`` (the device went away). The PortAudio callback only copies (or resamples) the block into the
queue: no locks, no I/O. Everything else happens in the worker that reads the queue.

A device that refuses 16 kHz (many USB headsets and built-in codecs opened without a rate converter, and often on
macOS and Windows) is opened at its own default rate, or else 48 or 44.1 kHz, and every block is resampled to
16 kHz in the callback by a streaming soxr resampler (about 40 microseconds per 0.1 s block); its tail (the
filter's delay, about 15 ms) is flushed when the stream ends, so no captured audio is lost.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from notulist.core.audio import SAMPLE_RATE
from notulist.core.errors import AudioError

log = logging.getLogger(__name__)

BLOCK_S = 0.1
FALLBACK_RATES = (48_000, 44_100)  # tried after 16 kHz and the device's default rate
PORTAUDIO_PACKAGE = "libportaudio2"


class CaptureError(AudioError):
    """No usable input device, PortAudio missing, or the device stopped delivering audio."""


class DeviceLostError(CaptureError):
    """The input device disappeared (or stopped delivering audio) during the recording."""


@dataclass(frozen=True)
class SourceEnded:
    """The source has no more audio (end of file, requested stop, or the requested duration reached)."""


@dataclass(frozen=True)
class SourceFailed:
    error: CaptureError


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    host_api: str
    is_default: bool


class AudioSource(Protocol):
    """Pushes int16 mono 16 kHz blocks, then ``SourceEnded`` or ``SourceFailed``, into a queue."""

    name: str
    sample_rate: int
    live: bool  # a real device (can disappear) rather than a replayed file

    def start(self, blocks: queue.Queue) -> None: ...

    def stop(self) -> None: ...


def import_sounddevice():  # -> module sounddevice
    """Import sounddevice, turning a missing PortAudio into an error that names the package to install."""
    try:
        import sounddevice
    except ImportError as exc:
        raise CaptureError(
            "the Python package sounddevice is not installed: run `pip install sounddevice` (and install the "
            f"system package {PORTAUDIO_PACKAGE})"
        ) from exc
    except OSError as exc:  # "PortAudio library not found"
        raise CaptureError(
            f"the PortAudio library is missing ({exc}): install the system package {PORTAUDIO_PACKAGE} "
            f"(Debian/Ubuntu: `apt-get install {PORTAUDIO_PACKAGE}`; macOS: `brew install portaudio`)"
        ) from exc
    return sounddevice


def list_input_devices() -> list[InputDevice]:
    """Every device with at least one input channel."""
    sd = import_sounddevice()
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise CaptureError(f"PortAudio cannot list the audio devices ({exc}): check the sound system") from exc
    try:
        default_in = sd.default.device[0]
    except (TypeError, IndexError):
        default_in = -1
    result = []
    for device in devices:
        if device["max_input_channels"] < 1:
            continue
        result.append(
            InputDevice(
                index=int(device["index"]),
                name=str(device["name"]),
                channels=int(device["max_input_channels"]),
                default_samplerate=float(device["default_samplerate"]),
                host_api=str(apis[device["hostapi"]]["name"]),
                is_default=int(device["index"]) == default_in,
            )
        )
    return result


def resolve_device(spec: str | int | None) -> InputDevice:
    """The input device named (a substring, case-insensitive) or numbered by ``spec``; the default when None."""
    devices = list_input_devices()
    if not devices:
        raise CaptureError(
            "no audio input device found: connect a microphone (and check it is not muted or used by another "
            "program), or replay a file (`FileSource`)",
            parameter="input_device",
        )
    if spec is None or spec == "":
        defaults = [d for d in devices if d.is_default]
        return defaults[0] if defaults else devices[0]
    text = str(spec).strip()
    if text.isdigit():
        for device in devices:
            if device.index == int(text):
                return device
        raise CaptureError(
            f"there is no input device number {text}: see `list_input_devices()`", parameter="input_device"
        )
    matches = [d for d in devices if text.lower() in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == text.lower()]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CaptureError(
            f"no input device is called {text!r}: see them with `list_input_devices()`", parameter="input_device"
        )
    names = ", ".join(f"{d.index} ({d.name})" for d in matches)
    raise CaptureError(
        f"{text!r} matches several input devices: {names}; give the number with `input_device`",
        parameter="input_device",
    )


def candidate_rates(device: InputDevice) -> tuple[int, ...]:
    """Capture rates to try, best first: 16 kHz (no resampling), the device's default rate, 48 kHz, 44.1 kHz."""
    rates = (SAMPLE_RATE, int(round(device.default_samplerate)), *FALLBACK_RATES)
    return tuple(dict.fromkeys(rate for rate in rates if rate > 0))


class MicrophoneSource:
    """Records 16 kHz mono int16 from a PortAudio input device.

    The stream is opened at the first of ``rates`` (default: ``candidate_rates``) that PortAudio accepts;
    ``capture_rate`` says which (None before ``start``). At any other rate than 16 kHz each block is resampled to
    16 kHz, so consumers always see 16 kHz. ``max_s`` stops the recording after that much (16 kHz) audio (a scheduled
    end; tests use it with devices that deliver faster than real time). A stream that ends without being asked to
    becomes ``SourceFailed(DeviceLostError)``. ``frames`` counts 16 kHz frames delivered, ``device_frames`` frames
    read from the device at ``capture_rate``.
    """

    live = True
    sample_rate = SAMPLE_RATE

    def __init__(
        self,
        device: InputDevice,
        max_s: float | None = None,
        block_s: float = BLOCK_S,
        rates: Sequence[int] | None = None,
    ) -> None:
        self.device = device
        self.name = device.name
        self.max_frames = None if max_s is None else int(round(max_s * SAMPLE_RATE))
        self.block_s = block_s
        self.block_frames = int(round(block_s * SAMPLE_RATE))
        self.rates = tuple(rates) if rates else candidate_rates(device)
        self.capture_rate: int | None = None
        self.frames = 0
        self.device_frames = 0
        self.overflows = 0
        self._stream = None
        self._stopping = False
        self._blocks: queue.Queue | None = None
        self._resampler = None  # soxr.ResampleStream when capture_rate is not 16 kHz
        self._in_callback = False  # with _abandoned: who may flush the resampler when the device hangs
        self._abandoned = False

    def start(self, blocks: queue.Queue) -> None:
        sd = import_sounddevice()
        self._blocks = blocks
        refused: list[str] = []
        for rate in self.rates:
            try:
                self._open(sd, blocks, rate)
            except sd.PortAudioError as exc:
                log.info("%r refused %d Hz mono: %s", self.name, rate, exc)
                self._resampler = None
                refused.append(str(exc))
                continue
            if rate == SAMPLE_RATE:
                log.info("recording from %r at 16000 Hz", self.name)
            else:
                log.info("recording from %r at %d Hz (16000 Hz refused), resampled to 16000 Hz", self.name, rate)
            return
        tried = ", ".join(str(rate) for rate in self.rates)
        raise CaptureError(
            f"cannot record from {self.name!r} in mono at any of {tried} Hz ({refused[-1] if refused else 'no rate'}):"
            " choose another device with `input_device` (see `list_input_devices()`), check it is not in use by "
            "another program, or set its sample rate to 16000 or 48000 Hz in the system's sound settings",
            parameter="input_device",
        )

    def _open(self, sd, blocks: queue.Queue, rate: int) -> None:
        """Open and start the stream at ``rate``; raises ``sd.PortAudioError`` when the device refuses it."""
        resampling = rate != SAMPLE_RATE
        if resampling:
            import soxr

            self._resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="int16")
        else:
            self._resampler = None

        def callback(indata, frames, _time, status) -> None:  # PortAudio thread: convert and queue, nothing more
            self._in_callback = True
            try:
                if self._abandoned:
                    raise sd.CallbackAbort
                if status.input_overflow:
                    self.overflows += 1
                self.device_frames += frames
                if not resampling:
                    block = indata[:, 0].copy()
                elif self._resampler is not None:  # (held by self only: a stuck stream must not keep it alive)
                    block = self._resampler.resample_chunk(indata[:, 0])
                else:
                    return
                if self._deliver(blocks, block):
                    raise sd.CallbackStop
            finally:
                self._in_callback = False

        def finished() -> None:
            self._in_callback = True
            try:
                if self._abandoned:  # stop() gave up on the device and has ended the source
                    return
                self._flush()
                reached = self.max_frames is not None and self.frames >= self.max_frames
                if self._stopping or reached:
                    blocks.put(SourceEnded())
                else:
                    blocks.put(SourceFailed(_lost(self.name, self.frames)))
            finally:
                self._in_callback = False

        stream = sd.InputStream(
            samplerate=rate,
            channels=1,
            dtype="int16",
            device=self.device.index,
            blocksize=int(round(self.block_s * rate)),
            callback=callback,
            finished_callback=finished,
        )
        try:
            stream.start()
        except sd.PortAudioError:
            stream.close()
            raise
        self._stream = stream
        self.capture_rate = rate

    def _deliver(self, blocks: queue.Queue, block: np.ndarray) -> bool:
        """Queue ``block`` (16 kHz), cut at ``max_frames``; True when that limit is reached."""
        if self.max_frames is not None and self.frames + len(block) >= self.max_frames:
            block = block[: self.max_frames - self.frames]
            self.frames += len(block)
            if len(block):
                blocks.put(block)
            return True
        self.frames += len(block)
        if len(block):
            blocks.put(block)
        return False

    def _flush(self) -> None:
        """Queue what the resampler still holds (the last ~15 ms). Runs once, after the last callback."""
        resampler, self._resampler = self._resampler, None
        if resampler is not None and self._blocks is not None:
            self._deliver(self._blocks, resampler.resample_chunk(np.zeros(0, dtype=np.int16), last=True))

    def stop(self) -> None:
        """Stop recording; blocks already captured stay in the queue. Safe to call twice and from any thread."""
        self._stopping = True
        stream, self._stream = self._stream, None
        if stream is None:
            return
        # A vanished device can make PortAudio's stop hang; never let that block the end of the session.
        closer = threading.Thread(target=_close_stream, args=(stream,), name="close-audio", daemon=True)
        closer.start()
        closer.join(timeout=3.0)
        if closer.is_alive():
            log.warning("the audio device did not stop within 3 s; continuing without it")
            # sounddevice's exit handler would wait for the stuck stream forever and hang the process at exit.
            import atexit

            handler = getattr(import_sounddevice(), "_exit_handler", None)
            if handler is not None:
                atexit.unregister(handler)
            self._abandoned = True  # from now on the PortAudio thread touches nothing (see the callbacks)
            if not self._in_callback:  # else the device thread is mid-block and the resampler's tail is lost
                self._flush()
            if self._blocks is not None:
                self._blocks.put(SourceEnded())


def _close_stream(stream) -> None:
    try:
        stream.abort()
        stream.close()
    except Exception as exc:  # PortAudio errors of a vanished device: nothing more to save from it
        log.warning("closing the audio stream failed: %s", exc)


def _lost(name: str, frames: int) -> DeviceLostError:
    return DeviceLostError(
        f"the input device {name!r} stopped delivering audio after {frames / SAMPLE_RATE:.1f} s (unplugged or "
        "taken by another program): what was captured is kept; reconnect it and start a new recording"
    )


class FileSource:
    """Replays a recording through the live path, at real-time pace (``realtime=True``) or as fast as possible."""

    live = False
    sample_rate = SAMPLE_RATE

    def __init__(self, path: Path, realtime: bool = False, block_s: float = BLOCK_S, max_s: float | None = None):
        from notulist.audio.decode import load_for_recognition

        self.path = Path(path)
        self.name = self.path.name
        audio = load_for_recognition(self.path)
        if max_s is not None:
            audio = audio[: int(round(max_s * SAMPLE_RATE))]
        if len(audio) == 0:
            raise AudioError(f"{path} contains no audio samples: give a recording with sound")
        self.samples = (np.clip(audio, -1.0, 32767 / 32768) * 32768).astype(np.int16)
        self.realtime = realtime
        self.block_frames = int(round(block_s * SAMPLE_RATE))
        self.started_at: float | None = None  # time.monotonic() of sample 0 (real-time replay)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def start(self, blocks: queue.Queue) -> None:
        self._thread = threading.Thread(target=self._run, args=(blocks,), name="replay", daemon=True)
        self.started_at = time.monotonic()
        self._thread.start()

    def _run(self, blocks: queue.Queue) -> None:
        assert self.started_at is not None
        for first in range(0, len(self.samples), self.block_frames):
            block = self.samples[first : first + self.block_frames]
            if self.realtime:  # a block is "captured" when its last sample has been spoken
                due = self.started_at + (first + len(block)) / SAMPLE_RATE
                if self._stop.wait(max(0.0, due - time.monotonic())):
                    break
            elif self._stop.is_set():
                break
            blocks.put(block.copy())
        blocks.put(SourceEnded())

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
