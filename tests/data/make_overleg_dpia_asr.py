"""Rebuild ``NAME.asr_refspeakers.transcript.json`` (NAME: overleg_dpia, the default, or interview_fiod): plain
faster-whisper (bundled multilingual base, int8, beam 5, VAD, ``language="nl"``) on
``../shared/audio/synthetic/NAME.wav``, each segment given the reference speaker (RTTM) it overlaps most, named
S1, S2, ... in order of appearance. A stand-in for the real pipeline's fixture transcripts.

Run from the repository root: ``PYTHONPATH=. .venv/bin/python tests/data/make_overleg_dpia_asr.py [NAME]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from notulist.core.model import Segment, Transcript, Word, segment_id, transcript_to_dict
from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC = ROOT.parent / "shared" / "audio" / "synthetic"


def main(name: str = "overleg_dpia") -> None:
    audio = SYNTHETIC / f"{name}.wav"
    rttm = audio.with_suffix(".rttm")
    out = Path(__file__).with_name(f"{name}.asr_refspeakers.transcript.json")
    turns = []
    for line in rttm.read_text().splitlines():
        parts = line.split()
        start, duration = float(parts[3]), float(parts[4])
        turns.append((start, start + duration, parts[7]))
    names: dict[str, str] = {}
    for _, _, ref in turns:
        names.setdefault(ref, f"S{len(names) + 1}")
    model = load_whisper(resolve_model(None), choose_device("cpu"), cpu_threads=2)
    raw, info = model.transcribe(str(audio), language="nl", beam_size=5, vad_filter=True, word_timestamps=True)
    segments = []
    for index, seg in enumerate(raw):
        overlap: dict[str, float] = {}
        for start, end, ref in turns:
            overlap[ref] = overlap.get(ref, 0.0) + max(0.0, min(end, seg.end) - max(start, seg.start))
        speaker = names[max(overlap, key=overlap.__getitem__)]
        words = tuple(Word(w.start, w.end, w.word, w.probability, speaker) for w in seg.words or ())
        segments.append(
            Segment(
                id=segment_id(index),
                start=seg.start,
                end=seg.end,
                text=seg.text.strip(),
                words=words,
                speaker=speaker,
                avg_logprob=seg.avg_logprob,
                no_speech_prob=seg.no_speech_prob,
                compression_ratio=seg.compression_ratio,
            )
        )
    transcript = Transcript(
        language="nl",
        duration=info.duration,
        segments=tuple(segments),
        speakers={name: name for name in names.values()},
        provenance={"made_by": "tests/data/make_overleg_dpia_asr.py", "model": "whisper-base int8 beam 5 vad"},
    )
    out.write_text(json.dumps(transcript_to_dict(transcript), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:2])
