"""Diarization accuracy (DER) and cost against transcription, on the shared recordings with reference RTTMs.

    python benchmarks/diarization_der.py                # DER on all three + time against Whisper base batched
    python benchmarks/diarization_der.py --no-asr       # DER only
    python benchmarks/diarization_der.py --vad coarse   # faster-whisper's default VAD regions (2 s silence, 0.4 s pad)
    python benchmarks/diarization_der.py --no-asr --dir DIR [--dir DIR2]   # also every DIR/NAME.wav with NAME.rttm

``--dir`` adds recordings made with ../shared/tools/make_meeting.sh (each NAME.wav beside its NAME.rttm), for
example the meetings of benchmarks/meetings/ (four voices) and the recordings of benchmarks/context_links.py;
``--only-dirs`` leaves the three shared recordings out. ``--threshold``, ``--min-share`` and ``--min-s`` override the
diarizer's settings of the same meaning (tuning).

Speech regions come from notulist.audio.vad (what `notulist transcribe` passes) unless --vad names another setting.

DER is pyannote.metrics' DiarizationErrorRate with a 0.25 s collar, overlap scored. Speaker counts are found
automatically (no --speakers). The cost figure is diarization wall time over the wall time of a Whisper base
(int8, batched, beam 5, word timestamps) transcription of the same file in the same process, both on 2 CPU threads;
the one-time warm-up is timed separately (the pipeline runs it in a background thread during recognition).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from notulist.core.audio import SAMPLE_RATE  # noqa: E402

SHARED = ROOT.parent / "shared" / "audio"
FILES = {  # name: (audio, reference RTTM, language spoken)
    "interview_fiod": (SHARED / "synthetic/interview_fiod.wav", SHARED / "synthetic/interview_fiod.rttm", "nl"),
    "overleg_dpia": (SHARED / "synthetic/overleg_dpia.wav", SHARED / "synthetic/overleg_dpia.rttm", "nl"),
    "pyannote-sample": (SHARED / "real/pyannote-sample/sample.wav", SHARED / "real/pyannote-sample/sample.rttm", "en"),
}
VAD = {
    # (min_silence_duration_ms, speech_pad_ms)
    "fine": (300, 100),
    "pad200": (300, 200),
    "mid": (500, 300),
    "coarse": (2000, 400),
}


def speech_regions(audio, vad: str) -> list[tuple[float, float]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if vad == "pipeline":
        from notulist.audio.vad import speech_regions as pipeline_regions

        return pipeline_regions(audio)
    silence_ms, pad_ms = VAD[vad]
    options = VadOptions(min_silence_duration_ms=silence_ms, speech_pad_ms=pad_ms)
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in get_speech_timestamps(audio, options)]


def annotation(turns, uri: str):
    from pyannote.core import Annotation, Segment

    result = Annotation(uri=uri)
    for turn in turns:
        result[Segment(turn.start, turn.end)] = turn.speaker
    return result


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-asr", action="store_true", help="skip the transcription timing")
    parser.add_argument(
        "--vad",
        choices=["pipeline", *sorted(VAD)],
        default="pipeline",
        help="speech regions (default: notulist.audio.vad's)",
    )
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for Whisper and the diarizer")
    parser.add_argument("--hop-s", type=float, default=None, help="seconds between embedding windows (tuning)")
    parser.add_argument("--dir", type=Path, action="append", default=[], help="also every NAME.wav with NAME.rttm here")
    parser.add_argument("--only-dirs", action="store_true", help="leave the shared recordings out")
    parser.add_argument("--threshold", type=float, help="cosine distance of the automatic speaker count (tuning)")
    parser.add_argument("--min-share", type=float, help="share of the speech a speaker needs at least (tuning)")
    parser.add_argument("--min-s", type=float, help="...unless it has this many seconds of speech (tuning)")
    return parser.parse_args()


def recordings(args: argparse.Namespace) -> dict[str, tuple[Path, Path, str]]:
    """The files to measure: the shared three (unless --only-dirs; when present) and those of each --dir."""
    files = {}
    missing = [str(p) for wav, rttm, _ in FILES.values() for p in (wav, rttm) if not p.is_file()]
    if missing and not args.only_dirs:
        print(f"shared audio missing ({missing[0]}): only the --dir recordings")
    if not (missing or args.only_dirs):
        files.update(FILES)
    for folder in args.dir:
        for rttm in sorted(folder.glob("*.rttm")):
            if rttm.with_suffix(".wav").is_file():
                files[rttm.stem] = (rttm.with_suffix(".wav"), rttm, "nl")
    return files


def main() -> int:
    args = arguments()
    files = recordings(args)
    if not files:
        print("no recordings to measure")
        return 0
    import torch

    from notulist.diarization.diarize import warm_up

    warnings.filterwarnings("ignore", message="'uem' was approximated")
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    warm_up()
    print(f"warm-up (once per process, off the hot path): {time.perf_counter() - started:.2f} s")
    pipeline = None if args.no_asr else asr_pipeline(args.threads)
    print(
        f"{'file':<28} {'dur_s':>6} {'ref':>3} {'hyp':>3} {'DER':>6} {'miss':>6} {'fa':>6} {'conf':>6}"
        f" {'diar_s':>7} {'asr_s':>7} {'ratio':>6}"
    )
    total_diar = total_asr = 0.0
    ders = []
    for name, (wav, rttm, language) in files.items():
        diar_s, asr_s, der, counted = measure(name, wav, rttm, language, args, pipeline)
        total_diar += diar_s
        total_asr += 0.0 if pipeline is None else asr_s
        ders.append((der, counted))
    print(
        f"mean DER {sum(d for d, _ in ders) / len(ders):.1%}; speaker count right on "
        f"{sum(c for _, c in ders)} of {len(ders)}"
    )
    if pipeline is not None:
        print(
            f"diarization / transcription wall time, all files: {total_diar:.2f} s / {total_asr:.2f} s = "
            f"{total_diar / total_asr:.1%} (goal <= 15%)"
        )
    return 0


def asr_pipeline(threads: int):  # -> faster_whisper.BatchedInferencePipeline
    """Batched recognition as the pipeline runs it, to time diarization against."""
    from faster_whisper import BatchedInferencePipeline

    from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model

    return BatchedInferencePipeline(load_whisper(resolve_model(None), choose_device("cpu"), cpu_threads=threads))


def measure(name: str, wav: Path, rttm: Path, language: str, args: argparse.Namespace, pipeline):
    """Diarize one file (and transcribe it, for the time ratio), print its row; its diarization and ASR seconds,
    DER and whether the speaker count is right."""
    from faster_whisper.audio import decode_audio
    from pyannote.metrics.diarization import DiarizationErrorRate

    from notulist.diarization.diarize import make_diarizer, turns_from_rttm

    audio = decode_audio(str(wav), sampling_rate=SAMPLE_RATE)
    reference_turns = turns_from_rttm(rttm.read_text())
    speech = speech_regions(audio, args.vad)
    asr_s = float("nan")
    if pipeline is not None:
        started = time.perf_counter()
        segments, _ = pipeline.transcribe(audio, language=language, beam_size=5, batch_size=8, word_timestamps=True)
        list(segments)
        asr_s = time.perf_counter() - started
    diarizer = make_diarizer()
    if args.hop_s is not None:
        diarizer.settings = replace(diarizer.settings, hop_frames=round(args.hop_s * 100))
    for option, field in (("threshold", "threshold"), ("min_share", "min_cluster_share"), ("min_s", "min_cluster_s")):
        if getattr(args, option) is not None:
            diarizer.settings = replace(diarizer.settings, **{field: getattr(args, option)})
    started = time.perf_counter()
    turns = diarizer.diarize(audio, speech, lambda _: None)
    diar_s = time.perf_counter() - started
    metric = DiarizationErrorRate(collar=0.25, skip_overlap=False)
    der = metric(annotation(reference_turns, name), annotation(turns, name), detailed=True)
    total = der["total"] or 1.0
    ref_n = len({t.speaker for t in reference_turns})
    hyp_n = len({t.speaker for t in turns})
    print(
        f"{name:<28} {len(audio) / SAMPLE_RATE:6.1f} {ref_n:3d} {hyp_n:3d} {der['diarization error rate']:6.1%}"
        f" {der['missed detection'] / total:6.1%} {der['false alarm'] / total:6.1%}"
        f" {der['confusion'] / total:6.1%} {diar_s:7.2f} {asr_s:7.2f} {diar_s / asr_s:6.1%}"
    )
    return diar_s, asr_s, der["diarization error rate"], ref_n == hyp_n


if __name__ == "__main__":
    sys.exit(main())
