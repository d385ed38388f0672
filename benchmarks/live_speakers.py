"""Live speaker labels: how often the online labeler's label of a segment is the reference speaker.

    python benchmarks/live_speakers.py                                # the default settings
    python benchmarks/live_speakers.py --thresholds 0.65,0.7,0.75,0.8  # sweep the similarity threshold
    python benchmarks/live_speakers.py --hop-s 1.6                     # fewer embedding windows per segment

Segments are fed to ``notulist.live.speakers.LiveSpeakerLabeler`` one by one in time order, as the live worker
does. Two kinds of segments are measured on each shared recording:

- ``sentences``: the segments of an offline Whisper transcript of the file (tests/data/*.asr.transcript.json, about
  the length of live segments) for the synthetic recordings, the utterances of ``sample.stm`` for the real call;
  each takes the reference speaker (RTTM) it overlaps most;
- ``turns``: the reference RTTM turns themselves.

Accuracy is the share of segments whose label is their reference speaker after the best one-to-one mapping of labels
to speakers (``scipy.optimize.linear_sum_assignment`` on segment counts); an unlabeled segment counts as wrong.
``short`` counts segments with less than ``min_speech_s`` of speech (they open no speaker). ``found`` is the number
of speakers the labeler opened, ``true`` the reference's. ``ms/seg`` is the mean embedding time of a segment, VAD
included (``--threads`` torch threads; the machine's other load counts)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from notulist.core.audio import SAMPLE_RATE  # noqa: E402

SHARED = ROOT.parent / "shared" / "audio"
DATA = ROOT / "tests" / "data"
FILES = {  # name: (audio, reference RTTM, sentence segments)
    "interview_fiod": (
        SHARED / "synthetic/interview_fiod.wav",
        SHARED / "synthetic/interview_fiod.rttm",
        DATA / "interview_fiod.asr.transcript.json",
    ),
    "overleg_dpia": (
        SHARED / "synthetic/overleg_dpia.wav",
        SHARED / "synthetic/overleg_dpia.rttm",
        DATA / "overleg_dpia.asr.transcript.json",
    ),
    "pyannote-sample": (
        SHARED / "real/pyannote-sample/sample.wav",
        SHARED / "real/pyannote-sample/sample.rttm",
        SHARED / "real/pyannote-sample/sample.stm",
    ),
}

Span = tuple[float, float, str]  # start, end, reference speaker


def rttm_turns(path: Path) -> list[Span]:
    turns = []
    for line in path.read_text().splitlines():
        fields = line.split()
        if fields and fields[0] == "SPEAKER":
            start = float(fields[3])
            turns.append((start, start + float(fields[4]), fields[7]))
    return sorted(turns)


def sentences(path: Path, turns: list[Span]) -> list[Span]:
    if path.suffix == ".stm":
        spans = [(float(f[3]), float(f[4])) for f in (line.split() for line in path.read_text().splitlines()) if f]
    else:
        spans = [(s["start"], s["end"]) for s in json.loads(path.read_text())["segments"]]
    result = []
    for start, end in sorted(spans):
        overlap: dict[str, float] = {}
        for t_start, t_end, speaker in turns:
            overlap[speaker] = overlap.get(speaker, 0.0) + max(0.0, min(end, t_end) - max(start, t_start))
        best = max(overlap, key=overlap.get)
        if overlap[best] > 0:
            result.append((start, end, best))
    return result


def accuracy(labels: list[str | None], reference: list[str]) -> float:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    hyp = sorted({label for label in labels if label is not None})
    ref = sorted(set(reference))
    counts = np.zeros((len(hyp), len(ref)))
    for label, speaker in zip(labels, reference, strict=True):
        if label is not None:
            counts[hyp.index(label), ref.index(speaker)] += 1
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum()) / len(reference)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", help="comma-separated similarity thresholds (default: the settings')")
    parser.add_argument("--hop-s", type=float, default=None, help="seconds between embedding windows")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    args = parser.parse_args()
    missing = [str(p) for paths in FILES.values() for p in paths if not p.is_file()]
    if missing:
        print(f"shared audio or transcript missing ({missing[0]}): nothing to measure")
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import numpy as np
    import torch

    from notulist.audio.decode import load_for_recognition
    from notulist.diarization.resemblyzer_backend import warm_up
    from notulist.live.speakers import LiveSpeakerLabeler, LiveSpeakerSettings, voiced_vector

    torch.set_num_threads(args.threads)
    warm_up()
    defaults = LiveSpeakerSettings()
    hop_frames = defaults.hop_frames if args.hop_s is None else round(args.hop_s * 100)
    thresholds = [float(t) for t in args.thresholds.split(",")] if args.thresholds else [defaults.threshold]
    embedded: dict[tuple[str, str], tuple[list[Span], list]] = {}
    timings: list[float] = []
    for name, (wav, rttm, sentence_file) in FILES.items():
        audio = load_for_recognition(wav)
        turns = rttm_turns(rttm)
        for kind, spans in (("sentences", sentences(sentence_file, turns)), ("turns", turns)):
            vectors = []
            for start, end, _ in spans:
                stretch = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
                started = time.perf_counter()
                vectors.append(voiced_vector(stretch, hop_frames))
                timings.append(time.perf_counter() - started)
            embedded[(name, kind)] = (spans, vectors)

    print(f"hop {hop_frames / 100:.2f} s, mean embedding time {1000 * np.mean(timings):.0f} ms per segment")
    print(
        f"{'threshold':>9} {'file':<16} {'segments':<9} {'n':>3} {'short':>5} {'accuracy':>8} {'found':>5} {'true':>4}"
    )
    for threshold in thresholds:
        scores = []
        for (name, kind), (spans, vectors) in embedded.items():
            labeler = LiveSpeakerLabeler(LiveSpeakerSettings(threshold=threshold, hop_frames=hop_frames))
            labels = []
            for vector, seconds in vectors:  # what LiveSpeakerLabeler.assign does, embeddings computed once
                labels.append(labeler.assign(None) if vector is None else labeler.place(vector, seconds))
            reference = [speaker for _, _, speaker in spans]
            score = accuracy(labels, reference)
            scores.append(score)
            short = sum(seconds < defaults.min_speech_s for _, seconds in vectors)
            print(
                f"{threshold:9.2f} {name:<16} {kind:<9} {len(spans):3d} {short:5d} {score:8.1%}"
                f" {len(labeler.speakers):5d} {len(set(reference)):4d}"
            )
        print(f"{threshold:9.2f} {'mean':<16} {'':<9} {'':>3} {'':>5} {np.mean(scores):8.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
