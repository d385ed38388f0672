"""Faithfulness of the transcript against plain faster-whisper, in the same run: lost speech, WER, word doubt, live.

Recordings: the shared ones (``../shared/audio/synthetic``: ``interview_fiod``, ``overleg_dpia``) and ones made
here from ``benchmarks/data/faithful/*.txt`` with ``make_meeting.sh`` plus long noisy pauses
(``faithfulness_audio``): ``overleg_ai_loop`` and ``overleg_ai_loop2`` provoke recognition loops; the doubt rule
was fitted on the first four (``tuning``). ``interview_btw_unseen`` and ``overleg_archief_unseen`` were kept
aside until the rules were final (``unseen``) and are reported separately.

Per recording, for plain faster-whisper (``WhisperModel.transcribe``: beam 5, VAD on, word timestamps), notulist's
batched first pass alone (``recover=False``) and notulist's recogniser (with loop and coverage recovery, flags and
word doubt):

- voiced seconds with no word (``coverage.unheard_seconds`` over the Silero VAD regions of ``audio.vad``);
- WER (jiwer, ``benchmarks/textnorm.py`` normalisation);
- word doubt (notulist only): precision/recall of ``uncertain`` against the wrong words of the jiwer alignment
  (substitutions and insertions), as a curve over thresholds and at the chosen one, with Whisper's probability
  alone (``p < 0.7``) beside it; lines whose own WER exceeds 0.5 and carry no mark (no flag, no uncertain word);
- live (``--live``): the first minute of ``interview_fiod`` (the caution, the answers) replayed through the live
  recogniser (``balanced``, 1 s steps); the share of committed live lines that neither the reference nor the final
  pass supports (``live.recording.unsupported_live_lines``: rapidfuzz partial ratio < 60 against the text within
  1 s of the line).

    NOTULIST_SHARED=../shared nice -n 10 python benchmarks/faithfulness.py --live
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.faithfulness_audio import SHARED, make_recording, read_turns  # noqa: E402
from benchmarks.faithfulness_metrics import align, doubt_curve, wer  # noqa: E402
from notulist.audio.decode import load_for_recognition  # noqa: E402
from notulist.audio.vad import speech_regions  # noqa: E402
from notulist.core.model import Segment, Word  # noqa: E402
from notulist.recognition.coverage import unheard_seconds  # noqa: E402
from notulist.recognition.doubt import DoubtRule, mark_uncertain, rarity_check, word_scores  # noqa: E402
from notulist.recognition.flags import flag_segments  # noqa: E402
from notulist.recognition.recognizer import (  # noqa: E402
    FasterWhisperRecognizer,
    RecognizerSettings,
    looks_looped,
)
from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model  # noqa: E402

TUNING_SHARED = ("interview_fiod", "overleg_dpia")
TUNING_MADE = ("overleg_ai_loop", "overleg_ai_loop2")
UNSEEN_MADE = ("interview_btw_unseen", "overleg_archief_unseen")
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.27, 0.3, 0.35, 0.4, 0.5, 0.6)


def recordings(folder: Path) -> list[tuple[str, str, Path, str]]:
    """(name, group, wav, reference text) of every recording, the made ones made into ``folder``."""
    found = []
    for name in TUNING_SHARED:
        wav = SHARED / "audio" / "synthetic" / f"{name}.wav"
        found.append((name, "tuning", wav, _text(read_turns(wav.with_suffix(".ref.tsv")))))
    for group, names in (("tuning", TUNING_MADE), ("unseen", UNSEEN_MADE)):
        for name in names:
            wav, turns = make_recording(name, folder)
            found.append((name, group, wav, _text(turns)))
    return found


def _text(turns) -> str:
    return " ".join(t.text for t in turns)


def plain(model, audio) -> list[Segment]:
    raw, _ = model.transcribe(audio, language="nl", beam_size=5, vad_filter=True, word_timestamps=True)
    return [
        Segment(
            "",
            s.start,
            s.end,
            s.text.strip(),
            tuple(Word(w.start, w.end, w.word.strip(), w.probability) for w in s.words or () if w.word.strip()),
        )
        for s in raw
    ]


def measure(model, name: str, group: str, wav: Path, reference: str, recover: bool = True) -> dict:
    audio = load_for_recognition(wav)
    voiced = speech_regions(audio)
    baseline = plain(model, audio)
    first = list(FasterWhisperRecognizer(model, RecognizerSettings(recover=False)).recognize(audio, lambda _: None))
    ours = list(FasterWhisperRecognizer(model, RecognizerSettings(recover=recover)).recognize(audio, lambda _: None))
    ours = list(mark_uncertain(flag_segments(ours, voiced)))
    rare = rarity_check((), DoubtRule().rare_zipf)
    scores = [score for s in ours for score in word_scores(s.words, rare)]
    probabilities = [w.probability for s in ours for w in s.words]
    alignment = align(ours, reference)
    unmarked = [
        s.text
        for s, line_wer in zip(ours, alignment.line_wer, strict=True)
        if line_wer is not None and line_wer > 0.5 and not s.flags and not any(w.uncertain for w in s.words)
    ]
    return {
        "name": name,
        "group": group,
        "duration": round(len(audio) / 16000, 1),
        "voiced": round(sum(b - a for a, b in voiced), 1),
        "unheard": {
            "plain": round(unheard_seconds(voiced, [(w.start, w.end) for s in baseline for w in s.words]), 1),
            "notulist": round(unheard_seconds(voiced, [(w.start, w.end) for s in ours for w in s.words]), 1),
        },
        "untranscribed_lines": sum(1 for s in ours if any(f.kind == "untranscribed" for f in s.flags)),
        "wer": {
            "plain": round(wer(baseline, reference), 3),
            "first_pass": round(wer(first, reference), 3),
            "notulist": round(wer(ours, reference), 3),
        },
        "first_pass_unheard": round(unheard_seconds(voiced, [(w.start, w.end) for s in first for w in s.words]), 1),
        "first_pass_looping_lines": sum(1 for s in first if looks_looped(s)),
        "words": len(scores),
        "wrong": sum(alignment.wrong),
        "scores": scores,
        "probabilities": probabilities,
        "is_wrong": alignment.wrong,
        "lines_over_half": sum(1 for x in alignment.line_wer if x is not None and x > 0.5),
        "unmarked_lines_over_half": unmarked,
        "flagged_lines": sum(1 for s in ours if s.flags),
        "lines": len(ours),
        "text": [s.text for s in ours],
        "final_lines": [[s.start, s.end, s.text] for s in ours],
        "plain_text": [s.text for s in baseline],
    }


def doubt_table(results: list[dict], group: str) -> list[str]:
    chosen = [r for r in results if r["group"] == group]
    scores = [x for r in chosen for x in r["scores"]]
    wrong = [x for r in chosen for x in r["is_wrong"]]
    lines = [f"Word doubt, {group} ({len(scores)} words, {sum(wrong)} wrong):", "", "| rule | precision | recall |"]
    lines.append("|---|---|---|")
    low_p = [1.0 - p for r in chosen for p in r["probabilities"]]
    (baseline,) = doubt_curve(low_p, wrong, [0.3])
    lines.append(f"| Whisper probability < 0.7 | {baseline.precision:.2f} | {baseline.recall:.2f} |")
    for point in doubt_curve(scores, wrong, THRESHOLDS):
        mark = " (chosen)" if abs(point.threshold - DoubtRule().threshold) < 1e-9 else ""
        lines.append(f"| score >= {point.threshold:.2f}{mark} | {point.precision:.2f} | {point.recall:.2f} |")
    return lines


def report(results: list[dict]) -> str:
    lines = [
        "| recording | set | voiced s | unheard s plain | unheard s first pass | unheard s notulist "
        "| untranscribed lines | looping lines first pass | WER plain | WER first pass | WER notulist "
        "| lines WER>0.5 | of those unmarked |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['group']} | {r['voiced']} | {r['unheard']['plain']} | {r['first_pass_unheard']} "
            f"| {r['unheard']['notulist']} | {r['untranscribed_lines']} | {r['first_pass_looping_lines']} "
            f"| {r['wer']['plain']:.3f} | {r['wer']['first_pass']:.3f} | {r['wer']['notulist']:.3f} "
            f"| {r['lines_over_half']} | {len(r['unmarked_lines_over_half'])} |"
        )
    for group in ("tuning", "unseen"):
        lines += ["", *doubt_table(results, group)]
    return "\n".join(lines)


def _live(model, results: list[dict], seconds: float) -> dict:
    """The live replay of the first ``seconds`` of ``interview_fiod``, checked against its reference and the final
    pass of this run (or of the run in ``results``)."""
    from benchmarks.faithfulness_live import live_unsupported

    wav = SHARED / "audio" / "synthetic" / "interview_fiod.wav"
    audio = load_for_recognition(wav)[: int(seconds * 16000)]
    turns = read_turns(wav.with_suffix(".ref.tsv"))
    reference = [Segment(f"r{i}", t.start, t.end, t.text) for i, t in enumerate(turns) if t.start < seconds]
    measured = [r for r in results if r["name"] == "interview_fiod"]
    if measured:
        final = [Segment("", a, b, text) for a, b, text in measured[0]["final_lines"] if a < seconds]
    else:
        final = list(FasterWhisperRecognizer(model, RecognizerSettings()).recognize(audio, lambda _: None))
    return live_unsupported(model, audio, reference, final)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="also replay interview_fiod through live recognition")
    parser.add_argument("--live-seconds", type=float, default=60.0, help="replay this much of it (default 60)")
    parser.add_argument("--final-from", type=Path, help="the --json of an earlier run: its final pass for --live")
    parser.add_argument("--only", help="comma-separated recording names")
    parser.add_argument("--json", type=Path, help="write every figure (and the texts) here")
    parser.add_argument("--no-recovery", action="store_true", help="notulist's first pass only (what recovery adds)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    model = load_whisper(resolve_model(None), choose_device("cpu"), args.threads)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name, group, wav, reference in recordings(Path(folder)):
            if args.only is not None and name not in args.only.split(","):
                continue
            results.append(measure(model, name, group, wav, reference, not args.no_recovery))
            print(f"{name}: {json.dumps({k: results[-1][k] for k in ('unheard', 'wer')})}", flush=True)
    live = None
    if args.live:
        earlier = json.loads(args.final_from.read_text())["recordings"] if args.final_from else []
        live = _live(model, results + earlier, args.live_seconds)
    print(report(results))
    if live is not None:
        print(
            f"\nLive: {live['unsupported']} of {live['lines']} committed lines supported by neither the reference nor "
            f"the final pass ({live['share']:.1%}); by the reference alone {len(live['unsupported_by_reference'])}, "
            f"by the final pass alone {len(live['unsupported_by_final'])}"
        )
        for text in live["unsupported_texts"]:
            print(f"  unsupported: {text}")
    if args.json:
        args.json.write_text(json.dumps({"recordings": results, "live": live}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
