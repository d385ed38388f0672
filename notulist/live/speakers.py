"""Provisional speaker labels for live segments: an online version of the embedded diarizer.

The voiced audio (Silero VAD, ``notulist.audio.vad``) of each segment the live worker closes is embedded with the
offline diarizer's encoder and windows (``diarize_resemblyzer.embed_stretch``: Resemblyzer GE2E d-vectors over 1.6 s
windows, averaged): live segment bounds come from word times and often hold a pause or a bit of the previous turn. The
vector is compared by cosine similarity with the running centroid of every speaker seen so far: the most similar speaker
takes the segment when the similarity reaches ``threshold`` (and its centroid becomes the running mean of its segments,
weighted by their seconds of speech), otherwise a new speaker opens. Speakers are named S1, S2, ... in order of
appearance. A segment with less than ``min_speech_s`` of speech is too short to tell voices apart: it takes the most
similar speaker's label (the previous segment's when it is shorter than one 0.4 s window) and neither opens nor moves a
speaker.

The labels are provisional: once the recording stops, the offline diarizer labels the whole recording again and
its labels are the ones the session keeps. ``threshold`` was chosen with ``benchmarks/live_speakers.py`` (see
BENCHMARKS.md, "Live speaker labels").

The labeler keeps a rolling copy of the last ``history_s`` seconds of the audio fed to the recognizer (the session
clock the segments' times are on; it holds at most about twice that); a segment whose audio has left that window gets
the previous label. Embedding a segment takes tens to hundreds of milliseconds on a busy CPU, so the live worker runs
``label`` on a helper thread of its own, never on the thread that writes the audio. Labeling never raises: when the
encoder cannot be loaded, segments stay unlabeled and the recording goes on.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace

import numpy as np

from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Segment

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveSpeakerSettings:
    threshold: float = 0.75  # cosine similarity to a speaker's centroid needed to join that speaker
    min_speech_s: float = 1.0  # shorter segments neither open nor move a speaker
    hop_frames: int = 100  # 10 ms frames between the 1.6 s windows (offline: 50; as accurate here at 60 % of the cost)
    history_s: float = 120.0  # seconds of audio kept to cut segments from
    # torch's threads while live: the recognizer needs the cores, and idle torch threads spin against it (two
    # threads here cost the recognizer 0.6 s of median latency on 2 cores; BENCHMARKS.md, "Live")
    torch_threads: int = 1


class AudioHistory:
    """A rolling copy of the last ``keep_s`` seconds of a 16 kHz mono stream, addressed on the stream's clock."""

    def __init__(self, keep_s: float) -> None:
        self.keep = int(keep_s * SAMPLE_RATE)
        self._lock = threading.Lock()  # the worker appends while the labeling thread cuts
        self._blocks: list[np.ndarray] = []
        self._first = 0  # stream sample index of self._blocks[0][0]
        self._held = 0
        self.total = 0  # samples appended since the start

    def append(self, samples: np.ndarray) -> None:
        """Add float32 samples in [-1, 1] or int16 samples."""
        samples = np.asarray(samples).reshape(-1)
        if samples.dtype == np.int16:
            samples = samples.astype(np.float32) / 32768.0
        with self._lock:
            self._blocks.append(samples.astype(np.float32, copy=False))
            self._held += len(samples)
            self.total += len(samples)
            while self._blocks and self._held - len(self._blocks[0]) >= self.keep:
                dropped = self._blocks.pop(0)
                self._held -= len(dropped)
                self._first += len(dropped)

    def cut(self, start_s: float, end_s: float) -> np.ndarray | None:
        """The samples between two stream times; None when any of them has been dropped or not arrived yet."""
        first, last = int(round(start_s * SAMPLE_RATE)), int(round(end_s * SAMPLE_RATE))
        with self._lock:
            if first < self._first or last > self.total or last <= first:
                return None
            held = np.concatenate(self._blocks) if len(self._blocks) != 1 else self._blocks[0]
            self._blocks = [held]  # one block, so the next cut does not concatenate it all again
            return held[first - self._first : last - self._first]


def voiced_vector(audio: np.ndarray, hop_frames: int) -> tuple[np.ndarray | None, float]:
    """The d-vector of a segment's voiced audio (Silero VAD, as the offline diarizer) and its seconds of speech."""
    from notulist.audio.vad import speech_regions
    from notulist.diarization.resemblyzer_backend import Settings, embed_stretch

    speech = [audio[round(s * SAMPLE_RATE) : round(e * SAMPLE_RATE)] for s, e in speech_regions(audio)]
    if not speech:
        return None, 0.0
    voiced = np.concatenate(speech)
    return embed_stretch(voiced, Settings(hop_frames=hop_frames)), len(voiced) / SAMPLE_RATE


class LiveSpeakerLabeler:
    """Labels segments S1, S2, ... as they close (see the module docstring).

    ``add_audio`` may be called from another thread than ``label``; ``label`` calls are made one at a time.
    """

    def __init__(self, settings: LiveSpeakerSettings = LiveSpeakerSettings()) -> None:
        self.settings = settings
        self.history = AudioHistory(settings.history_s)
        self.speakers: list[str] = []
        self._sums: list[np.ndarray] = []  # per speaker: length-weighted sum of its segments' vectors
        self._previous: str | None = None
        self._failed = False
        self._torch_threads: int | None = None  # torch's thread count before ``start``

    def start(self) -> threading.Thread:
        """Limit torch to ``settings.torch_threads`` and load the speaker encoder on a background thread (a few
        seconds), so the first label does not wait long. ``stop`` gives torch its threads back."""
        try:
            import torch

            self._torch_threads = torch.get_num_threads()
            torch.set_num_threads(self.settings.torch_threads)
        except ImportError:  # reported by the first label
            pass
        from notulist.diarization.resemblyzer_backend import warm_up

        def run() -> None:
            try:
                warm_up()
            except Exception as exc:  # reported again (once) by the first label
                log.info("speaker encoder warm-up failed: %s", exc)

        thread = threading.Thread(target=run, name="speaker-warm-up", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Give torch the thread count it had before ``start`` (the offline pass diarizes with every core)."""
        if self._torch_threads is not None:
            import torch

            torch.set_num_threads(self._torch_threads)
            self._torch_threads = None

    def add_audio(self, samples: np.ndarray) -> None:
        """Audio as fed to the recognizer (int16 or float32, 16 kHz mono), in order."""
        self.history.append(samples)

    def label(self, segment: Segment) -> Segment:
        """The segment with its provisional speaker set (unchanged when no label can be given)."""
        speaker = self.assign(self.history.cut(segment.start, segment.end))
        return segment if speaker is None else replace(segment, speaker=speaker)

    def assign(self, audio: np.ndarray | None) -> str | None:
        """The speaker of one stretch of audio (None only before the first speaker or when the encoder is missing)."""
        if self._failed:
            return None
        if audio is None:
            return self._previous
        try:
            vector, seconds = voiced_vector(audio, self.settings.hop_frames)
        except Exception as exc:  # no labels rather than no recording
            log.warning("live speaker labels are off: %s", exc)
            self._failed = True
            return None
        if vector is None:
            return self._previous
        return self.place(vector, seconds)

    def place(self, vector: np.ndarray, seconds: float) -> str:
        """The speaker of a segment's d-vector (opens a new speaker when none is similar enough)."""
        best, similarity = self._nearest(vector)
        if seconds < self.settings.min_speech_s:  # too short to open or move a speaker
            self._previous = self._previous if best is None else self.speakers[best]
            return self._previous
        if best is None or similarity < self.settings.threshold:
            self.speakers.append(f"S{len(self.speakers) + 1}")
            self._sums.append(vector * seconds)
            best = len(self.speakers) - 1
            log.debug("live speaker %s opened (best similarity so far %.3f)", self.speakers[best], similarity)
        else:
            self._sums[best] = self._sums[best] + vector * seconds
            log.debug("live speaker %s (similarity %.3f)", self.speakers[best], similarity)
        self._previous = self.speakers[best]
        return self._previous

    def _nearest(self, vector: np.ndarray) -> tuple[int | None, float]:
        if not self._sums:
            return None, -1.0
        centroids = np.stack(self._sums)
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True).clip(1e-12)
        similarities = centroids @ vector
        best = int(np.argmax(similarities))
        return best, float(similarities[best])
