"""The embedded default diarizer: Resemblyzer d-vectors over voiced audio, clustered with SciPy.

1. Voiced regions (from the VAD) are cut into sliding windows of 1.6 s (the length the GE2E encoder was trained
   on), and each window is embedded with Resemblyzer's bundled weights (256-dim, L2-normalised).
2. The embeddings are clustered by average-linkage agglomerative clustering on cosine distance
   (``scipy.cluster.hierarchy``). The number of speakers is where the dendrogram is cut at a fixed distance,
   unless given (``num_speakers``) or bounded (``min_speakers``/``max_speakers``). Clusters too small to be a
   speaker (windows straddling a change of speaker, a cough) are folded into the nearest real speaker.
3. Each 10 ms frame of voiced audio takes the speaker whose centroid the windows covering it resemble most;
   turns shorter than ``min_turn_s`` are absorbed by their neighbours. The result is exclusive turns.

Resemblyzer's own ``VoiceEncoder`` is not imported: its package imports ``webrtcvad``, which needs the deprecated
``pkg_resources``, and its mel spectrogram goes through librosa's numba code (about 20-30 s of JIT on first use).
The same network (a 3-layer LSTM and a linear layer) is rebuilt here and loaded from Resemblyzer's own
``pretrained.pt``; the mel spectrogram is computed with ``torch.stft`` and librosa's mel filter bank, which matches
``resemblyzer.audio.wav_to_mel_spectrogram`` to within 1e-5 (see tests).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from notulist.core.audio import SAMPLE_RATE
from notulist.core.errors import ModelError
from notulist.core.hashing import sha256_file
from notulist.core.progress import Progress, ProgressHook, Stage, no_progress
from notulist.diarization.diarize import Turn, check_speaker_counts, relabel_turns

log = logging.getLogger(__name__)

HOP_SAMPLES = 160  # 10 ms mel frames
N_FFT = 400  # 25 ms window
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s: the encoder's training length
TARGET_DBFS = -30.0


@dataclass(frozen=True)
class Settings:
    """Tuning of the embedded diarizer (defaults measured on benchmarks/diarization_der.py)."""

    window_frames: int = PARTIAL_FRAMES
    hop_frames: int = 50  # 0.5 s between windows
    min_window_frames: int = 40  # voiced regions shorter than 0.4 s are not embedded on their own
    threshold: float = 0.30  # cosine distance at which the dendrogram is cut (automatic speaker count)
    # A cluster with less of the speech than min_cluster_share is not a speaker, unless it has min_cluster_s of it;
    # and never one with less than min_speaker_s (windows straddling a change of speaker). In a meeting of four the
    # quietest voice has 8-13 % of the speech (benchmarks/diarization_der.py).
    min_cluster_share: float = 0.05
    min_cluster_s: float = 30.0
    min_speaker_s: float = 4.0
    forced_min_share: float = 0.03  # the same floor when the number of speakers is given or bounded
    min_turn_s: float = 0.5
    batch_size: int = 64
    max_linkage_windows: int = 4000  # about 33 min of speech; longer recordings are clustered on a sample


# --- the encoder -----------------------------------------------------------------------------------------------


class _Encoder:
    """Resemblyzer's GE2E speaker encoder and the mel front end, loaded once per process."""

    def __init__(self) -> None:
        import librosa
        import torch

        weights = _weights_path()
        try:
            checkpoint = torch.load(weights, map_location="cpu", weights_only=True)
            state = checkpoint["model_state"]
        except Exception as exc:  # a damaged file raises anything from pickle/zip errors to KeyError
            raise ModelError(
                f"cannot read the Resemblyzer weights {weights} ({exc}): reinstall them with "
                "`pip install --force-reinstall resemblyzer`"
            ) from exc
        self.torch = torch
        self.lstm = torch.nn.LSTM(N_MELS, 256, 3, batch_first=True)
        self.linear = torch.nn.Linear(256, 256)
        self.lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
        self.linear.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("linear.")})
        self.lstm.eval()
        self.linear.eval()
        self.mel_basis = torch.from_numpy(librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS))
        self.window = torch.hann_window(N_FFT)

    def mel(self, audio: np.ndarray) -> np.ndarray:
        """(frames, 40) power mel spectrogram, as ``resemblyzer.audio.wav_to_mel_spectrogram``."""
        torch = self.torch
        with torch.inference_mode():
            spectrum = torch.stft(
                torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)),
                n_fft=N_FFT,
                hop_length=HOP_SAMPLES,
                window=self.window,
                center=True,
                pad_mode="constant",
                return_complex=True,
            )
            return (self.mel_basis @ spectrum.abs().square()).T.numpy()

    def embed(self, mels: np.ndarray) -> np.ndarray:
        """L2-normalised d-vectors of a batch of mel windows of equal length, shape (batch, 256)."""
        torch = self.torch
        with torch.inference_mode():
            _, (hidden, _) = self.lstm(torch.from_numpy(np.ascontiguousarray(mels, dtype=np.float32)))
            raw = torch.relu(self.linear(hidden[-1]))
            norm = torch.linalg.vector_norm(raw, dim=1, keepdim=True).clamp_min(1e-12)
            return (raw / norm).numpy()


def _weights_path() -> Path:
    """Resemblyzer's bundled ``pretrained.pt``, found without importing the package (see module docstring)."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "Resemblyzer (the embedded speaker model) is not installed: run `pip install resemblyzer`, or leave "
            "speakers out (`diarizer=None`)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    if not path.is_file():
        raise ModelError(
            f"Resemblyzer's weights {path} are missing: reinstall with `pip install --force-reinstall resemblyzer`"
        )
    return path


_encoder: _Encoder | None = None
_encoder_lock = threading.Lock()


def encoder() -> _Encoder:
    """The process's one encoder (built on first use; a concurrent caller waits for the first)."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = _Encoder()
            # the first forward pass of each shape pays for oneDNN kernel selection; pay it here
            _encoder.embed(_encoder.mel(np.zeros(SAMPLE_RATE * 2, dtype=np.float32))[None, :PARTIAL_FRAMES])
        return _encoder


def warm_up() -> None:
    """Load the weights and the mel filter bank and run one forward pass (a few seconds once per process)."""
    encoder()


def embed_stretch(audio: np.ndarray, settings: Settings = Settings()) -> np.ndarray | None:
    """The d-vector of one stretch of voiced 16 kHz audio: the normalised mean of its windows.

    The stretch is raised to -30 dBFS as in ``diarize`` and cut into the same sliding windows; None when it is
    shorter than ``settings.min_window_frames`` or silent (no direction to compare). Used by the live labeler
    (``notulist.live.speakers``), which embeds one segment at a time.
    """
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    model = encoder()
    mel = model.mel(audio * _gain(audio, [(0, len(audio))]))[: len(audio) // HOP_SAMPLES]
    windows = _windows(len(mel), 0, settings)
    if not windows:
        return None
    vectors = model.embed(np.stack([mel[w.first_frame : w.last_frame] for w in windows]))
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 1e-6 else None


# --- diarization -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    region: int
    first_frame: int  # relative to the region's first frame
    last_frame: int  # exclusive


def _voiced_regions(speech: Sequence[tuple[float, float]], duration: float) -> list[tuple[int, int]]:
    """Sorted, merged, clipped regions as sample indices."""
    clipped = sorted((max(0.0, float(s)), min(duration, float(e))) for s, e in speech)
    merged: list[list[float]] = []
    for start, end in clipped:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(int(round(s * SAMPLE_RATE)), int(round(e * SAMPLE_RATE))) for s, e in merged]


def _gain(audio: np.ndarray, regions: Sequence[tuple[int, int]]) -> float:
    """Resemblyzer's volume normalisation (raise to -30 dBFS, never lower), measured on the voiced audio."""
    voiced = np.concatenate([audio[s:e] for s, e in regions])
    rms = float(np.sqrt(np.mean(np.square(voiced, dtype=np.float64)))) if voiced.size else 0.0
    if rms <= 1e-9:
        return 1.0
    change_db = TARGET_DBFS - 20 * np.log10(rms)
    return float(10 ** (change_db / 20)) if change_db > 0 else 1.0


def _windows(n_frames: int, region: int, settings: Settings) -> list[_Window]:
    size, hop = settings.window_frames, settings.hop_frames
    if n_frames < settings.min_window_frames:
        return []
    if n_frames <= size:
        return [_Window(region, 0, n_frames)]
    starts = list(range(0, n_frames - size + 1, hop))
    if starts[-1] + size < n_frames:
        starts.append(n_frames - size)
    return [_Window(region, s, s + size) for s in starts]


def _cluster(embeddings: np.ndarray, weights: np.ndarray, settings: Settings, num: int | None, low: int, high: int):
    """Cluster labels 0..k-1 of each embedding and the centroids (k, 256)."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(embeddings) == 1:
        return np.zeros(1, dtype=int), embeddings.copy()
    all_embeddings = embeddings
    if len(embeddings) > settings.max_linkage_windows:  # long recordings: the dendrogram of an even sample
        sample = np.linspace(0, len(embeddings) - 1, settings.max_linkage_windows).round().astype(int)
        embeddings, weights = embeddings[sample], weights[sample]
    n = len(embeddings)
    tree = linkage(embeddings, method="average", metric="cosine")
    total = float(weights.sum())
    auto_floor = max(settings.min_speaker_s, min(settings.min_cluster_s, settings.min_cluster_share * total))
    forced_floor = max(2 * float(np.median(weights)), settings.forced_min_share * total)

    def cut(k: int | None) -> tuple[np.ndarray, list[int]]:
        if k is None:
            labels = fcluster(tree, t=settings.threshold, criterion="distance")
            min_weight = auto_floor
        else:
            labels = fcluster(tree, t=k, criterion="maxclust")
            min_weight = forced_floor
        sizes = {label: float(weights[labels == label].sum()) for label in np.unique(labels)}
        big = sorted((label for label, size in sizes.items() if size >= min_weight), key=lambda lb: -sizes[lb])
        if not big:
            big = [max(sizes, key=sizes.get)]
        return labels, big

    labels, big = cut(None)
    wanted = num if num is not None else min(max(len(big), low), high)
    if num is not None or wanted != len(big):
        # cut deeper until the dendrogram holds ``wanted`` speaker-sized clusters (or cannot)
        for k in range(wanted, min(n, wanted + 12) + 1):
            labels, big = cut(k)
            if len(big) >= wanted:
                break
        big = big[:wanted]
    centroids = np.stack([embeddings[labels == label].mean(axis=0) for label in big])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True).clip(1e-12)
    # every window (outliers included) to its nearest speaker, then centroids again from the result
    for _ in range(2):
        assigned = np.argmax(all_embeddings @ centroids.T, axis=1)
        present = [c for c in range(len(centroids)) if np.any(assigned == c)]
        centroids = np.stack([all_embeddings[assigned == c].mean(axis=0) for c in present])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True).clip(1e-12)
    return np.argmax(all_embeddings @ centroids.T, axis=1), centroids


def _smooth(labels: np.ndarray, min_frames: int) -> np.ndarray:
    """Runs shorter than ``min_frames`` take the label of the longer neighbouring run (repeated until stable)."""
    labels = labels.copy()
    while True:
        change = np.flatnonzero(np.diff(labels)) + 1
        bounds = np.concatenate([[0], change, [len(labels)]])
        runs = list(pairwise(bounds))
        if len(runs) <= 1:
            break
        short = [i for i, (a, b) in enumerate(runs) if b - a < min_frames]
        if not short:
            break
        i = min(short, key=lambda j: runs[j][1] - runs[j][0])
        a, b = runs[i]
        left = runs[i - 1] if i > 0 else None
        right = runs[i + 1] if i + 1 < len(runs) else None
        if left is None or (right is not None and right[1] - right[0] > left[1] - left[0]):
            labels[a:b] = labels[right[0]]
        else:
            labels[a:b] = labels[left[0]]
    return labels


class ResemblyzerDiarizer:
    """The embedded default diarizer (see the module docstring)."""

    def __init__(
        self,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        settings: Settings = Settings(),
    ) -> None:
        check_speaker_counts(num_speakers, min_speakers, max_speakers)
        self.num_speakers = num_speakers
        self.min_speakers = min_speakers or 1
        self.max_speakers = max_speakers or 1_000
        self.settings = settings

    def warm_up(self) -> None:
        warm_up()

    def describe(self) -> dict[str, Any]:
        weights = _weights_path()
        return {
            "name": "resemblyzer GE2E speaker encoder (embedded)",
            "path": str(weights),
            "sha256": sha256_file(weights),
            "speakers": self.num_speakers,
            "min_speakers": self.min_speakers,
            "max_speakers": self.max_speakers if self.max_speakers < 1_000 else None,
        }

    def diarize(
        self, audio: np.ndarray, speech: Sequence[tuple[float, float]], progress: ProgressHook = no_progress
    ) -> tuple[Turn, ...]:
        settings = self.settings
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        regions = _voiced_regions(speech, len(audio) / SAMPLE_RATE)
        total_s = sum(e - s for s, e in regions) / SAMPLE_RATE
        progress(Progress(Stage.DIARIZE, 0.0, total_s, "s"))
        if not regions:
            return ()
        model = encoder()
        gain = _gain(audio, regions)
        mels = [model.mel(audio[s:e] * gain)[: (e - s) // HOP_SAMPLES] for s, e in regions]
        windows = [w for i, mel in enumerate(mels) for w in _windows(len(mel), i, settings)]
        if not windows:  # only fragments shorter than a window: one speaker, since nothing tells voices apart
            return relabel_turns(Turn(round(s / SAMPLE_RATE, 3), round(e / SAMPLE_RATE, 3), "A") for s, e in regions)
        embeddings = self._embed(mels, windows, progress, total_s)
        silent = np.linalg.norm(embeddings, axis=1) < 1e-6  # digital silence can embed to zero: no direction
        embeddings[silent] = 1.0 / np.sqrt(embeddings.shape[1])
        weights = np.array([min(w.last_frame - w.first_frame, settings.hop_frames) for w in windows], dtype=float)
        weights /= 100.0  # frames -> seconds of new speech per window
        labels, centroids = _cluster(
            embeddings, weights, settings, self.num_speakers, self.min_speakers, self.max_speakers
        )
        scores = embeddings @ centroids.T
        by_region: dict[int, list[int]] = {}
        for i, window in enumerate(windows):
            by_region.setdefault(window.region, []).append(i)
        turns: list[Turn] = []
        for region, ((start, _end), mel) in enumerate(zip(regions, mels, strict=True)):
            if len(mel) == 0:  # shorter than one 10 ms frame
                continue
            covering = [(windows[i], scores[i]) for i in by_region.get(region, ())]
            frame_labels = self._frame_labels(len(mel), covering, centroids, model, mel, settings)
            change = np.flatnonzero(np.diff(frame_labels)) + 1
            bounds = np.concatenate([[0], change, [len(frame_labels)]])
            region_start = float(start) / SAMPLE_RATE
            for a, b in pairwise(bounds):
                turns.append(
                    Turn(
                        round(region_start + int(a) / 100, 3),
                        round(region_start + int(b) / 100, 3),
                        f"C{frame_labels[a]}",
                    )
                )
        progress(Progress(Stage.DIARIZE, total_s, total_s, "s"))
        log.info("diarization: %d windows, %d speakers, %d turns", len(windows), len(centroids), len(turns))
        return relabel_turns(turns)

    def _embed(self, mels, windows: Sequence[_Window], progress: ProgressHook, total_s: float) -> np.ndarray:
        model = encoder()
        out = np.zeros((len(windows), 256), dtype=np.float32)
        by_length: dict[int, list[int]] = {}
        for i, w in enumerate(windows):
            by_length.setdefault(w.last_frame - w.first_frame, []).append(i)
        done = 0
        for indices in by_length.values():
            for b in range(0, len(indices), self.settings.batch_size):
                batch = indices[b : b + self.settings.batch_size]
                stack = np.stack(
                    [mels[windows[i].region][windows[i].first_frame : windows[i].last_frame] for i in batch]
                )
                out[batch] = model.embed(stack)
                done += len(batch)
                progress(Progress(Stage.DIARIZE, total_s * done / len(windows) * 0.99, total_s, "s"))
        return out

    @staticmethod
    def _frame_labels(n_frames, covering, centroids, model, mel, settings) -> np.ndarray:
        """Each frame's speaker: the best mean score of the windows covering it."""
        acc = np.zeros((n_frames, len(centroids)))
        hits = np.zeros(n_frames)
        for w, score in covering:
            acc[w.first_frame : w.last_frame] += score
            hits[w.first_frame : w.last_frame] += 1
        if not hits.any():  # a fragment too short for a window of its own: embed it whole
            vector = model.embed(mel[None, : max(len(mel), 1)])[0] if len(mel) else centroids[0]
            return np.full(n_frames, int(np.argmax(centroids @ vector)))
        uncovered = hits == 0
        if uncovered.any():  # the tail of a region past its last full window
            covered = np.flatnonzero(~uncovered)
            nearest = covered[np.clip(np.searchsorted(covered, np.flatnonzero(uncovered)), 0, len(covered) - 1)]
            acc[uncovered] = acc[nearest]
            hits[uncovered] = hits[nearest]
        labels = np.argmax(acc / hits[:, None], axis=1)
        return _smooth(labels, int(settings.min_turn_s * 100))
