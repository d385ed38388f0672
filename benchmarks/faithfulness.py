"""Faithfulness of the transcript against plain faster-whisper, in the same run: lost speech, WER, word doubt, live.

Recordings: the shared ones (``../shared/audio/synthetic``: ``interview_fiod``, ``overleg_dpia``) and ones made
here from ``benchmarks/data/faithful/*.txt`` with ``make_meeting.sh`` plus long noisy pauses
(``faithfulness_audio``). ``tuning``: the recordings the recovery and doubt rules were written and fitted on;
``aside``: the ``*_aside`` recordings, made together with the last three tuning ones and kept out of every fit
until the rules were frozen; reported separately.

Per recording, in one process: plain faster-whisper (``WhisperModel.transcribe``: beam 5, VAD on, word
timestamps), and notulist's recogniser with each first-pass decoding (``sequential``, ``batched``): the first pass
alone and with loop and coverage recovery, each timed (wall seconds). The transcript of the default decoding gets
flags and word doubt. Figures:

- voiced seconds with no word (``coverage.unheard_seconds`` over the Silero VAD regions of ``audio.vad``);
- WER (jiwer, ``notulist.core.text.spoken`` on both sides) and decoding time per variant;
- word doubt (notulist only): precision/recall of ``uncertain`` against the wrong words of the jiwer alignment
  (substitutions and insertions), as a curve over thresholds and at the chosen one, with Whisper's probability
  alone (``p < 0.7``) beside it; lines whose own WER exceeds 0.5 and carry no mark (no flag, no uncertain word);
  every word's doubt features go into ``--json`` for ``faithfulness_doubt.py`` (the fit);
- live (``--live``): the first minute of ``interview_fiod`` (the caution, the answers) replayed through the live
  recogniser (``balanced``, 1 s steps); the share of committed live lines that neither the reference nor the final
  pass supports (``live.recording.unsupported_live_lines``: rapidfuzz partial ratio < 60 against the text within
  1 s of the line).

Decodings are cached in ``--cache`` (keyed by the audio's and the recogniser's sha256), so a second run that only
changes the doubt rule decodes nothing; a cached decoding keeps the time measured when it was made.

    NOTULIST_SHARED=../shared nice -n 10 python benchmarks/faithfulness.py --cache /tmp/faith-cache --live
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.faithfulness_audio import SHARED, make_recording, read_turns  # noqa: E402
from benchmarks.faithfulness_metrics import align, doubt_curve, wer  # noqa: E402
from notulist.audio.decode import load_for_recognition  # noqa: E402
from notulist.audio.vad import speech_regions  # noqa: E402
from notulist.core.model import Flag, Segment, Word  # noqa: E402
from notulist.recognition.coverage import unheard_seconds  # noqa: E402
from notulist.recognition.doubt import DoubtRule, doubt_features, mark_uncertain, rarity_check, word_scores  # noqa: E402
from notulist.recognition.flags import flag_segments  # noqa: E402
from notulist.recognition.recognizer import (  # noqa: E402
    DECODINGS,
    FasterWhisperRecognizer,
    RecognizerSettings,
    looks_looped,
)
from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model  # noqa: E402

TUNING_SHARED = ("interview_fiod", "overleg_dpia")
TUNING_MADE = (
    "overleg_ai_loop",
    "overleg_ai_loop2",
    "interview_btw",
    "overleg_archief",
    "overleg_subsidie",
    "interview_toeslagen",
    "overleg_ict_storing",
)
ASIDE_MADE = ("interview_douane_aside", "overleg_begroting_aside", "overleg_privacy_aside")
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
RECOGNIZER_CODE = ("recognizer.py", "coverage.py", "flags.py")


def recordings(folder: Path, only: set[str] | None) -> list[tuple[str, str, Path, str]]:
    """(name, group, wav, reference text) of every recording (of ``only``), the made ones made into ``folder`` (or
    taken from it when an earlier run made them there: espeak's own voices do not speak twice the same)."""
    found = []
    for name in TUNING_SHARED:
        if only is None or name in only:
            wav = SHARED / "audio" / "synthetic" / f"{name}.wav"
            found.append((name, "tuning", wav, _text(read_turns(wav.with_suffix(".ref.tsv")))))
    for group, names in (("tuning", TUNING_MADE), ("aside", ASIDE_MADE)):
        for name in names:
            if only is None or name in only:
                wav = folder / f"{name}.wav"
                if wav.is_file() and wav.with_suffix(".ref.tsv").is_file():
                    turns = read_turns(wav.with_suffix(".ref.tsv"))
                else:
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
            avg_logprob=s.avg_logprob,
            compression_ratio=s.compression_ratio,
        )
        for s in raw
    ]


def plain_repeats(model, wav: Path, reference: str, times: int) -> list[float]:
    """Plain's WER on ``times`` more decodings of the same audio (temperature fallback samples at random)."""
    audio = load_for_recognition(wav)
    return [round(wer(plain(model, audio), reference), 3) for _ in range(times)]


class Decodings:
    """Every decoding of one recording, each with its wall time; from ``cache`` when it was made before with the
    same audio and the same recogniser code."""

    def __init__(self, model, audio, cache: Path | None) -> None:
        self.model, self.audio, self.cache = model, audio, cache
        code = b"".join((ROOT / "notulist" / "recognition" / name).read_bytes() for name in RECOGNIZER_CODE)
        self.key = hashlib.sha256(audio.tobytes() + code).hexdigest()[:16]

    def get(self, variant: str) -> tuple[list[Segment], float]:
        path = self.cache / f"{self.key}-{variant}.json" if self.cache else None
        if path is not None and path.is_file():
            stored = json.loads(path.read_text())
            return [stored_segment(s) for s in stored["segments"]], stored["seconds"]
        began = time.perf_counter()
        segments = self._decode(variant)
        seconds = round(time.perf_counter() - began, 2)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {"segments": [dataclasses.asdict(s) for s in segments], "seconds": seconds}
            path.write_text(json.dumps(data, ensure_ascii=False))
        return segments, seconds

    def _decode(self, variant: str) -> list[Segment]:
        if variant == "plain":
            return plain(self.model, self.audio)
        decoding, _, stage = variant.partition("-")
        recognizer = FasterWhisperRecognizer(self.model, RecognizerSettings(decoding=decoding))
        if stage == "first":
            return recognizer.first_pass(self.audio, lambda _: None)
        first, _seconds = self.get(f"{decoding}-first")
        return sorted(recognizer.recover(self.audio, first), key=lambda s: (s.start, s.end))


def stored_segment(data: dict) -> Segment:
    """A segment stored with ``dataclasses.asdict``."""
    words = tuple(Word(**w) for w in data["words"])
    flags = tuple(Flag(**f) for f in data["flags"])
    return Segment(**(data | {"words": words, "flags": flags}))


def _spans(segments) -> list[tuple[float, float]]:
    return [(w.start, w.end) for s in segments for w in s.words]


VARIANTS = ("plain", *(f"{d}-{stage}" for d in DECODINGS for stage in ("first", "recovered")))


def measure(model, name: str, group: str, wav: Path, reference: str, cache: Path | None, only=VARIANTS) -> dict:
    audio = load_for_recognition(wav)
    voiced = speech_regions(audio)
    decodings = Decodings(model, audio, cache)
    variants = {}
    for variant in (v for v in VARIANTS if v in only):
        segments, seconds = decodings.get(variant)
        if variant.endswith("-recovered"):  # recovery alone was timed: add its first pass
            first = variant.replace("-recovered", "-first")
            seconds += variants[first]["seconds"] if first in variants else decodings.get(first)[1]
        variants[variant] = {
            "wer": round(wer(segments, reference), 3),
            "seconds": seconds,
            "unheard": round(unheard_seconds(voiced, _spans(segments)), 1),
            "looping_lines": sum(1 for s in segments if looks_looped(s)),
        }
    ours, _seconds = decodings.get(f"{RecognizerSettings().decoding}-recovered")
    flagged = flag_segments(ours, voiced)
    result = {
        "name": name,
        "group": group,
        "duration": round(len(audio) / 16000, 1),
        "voiced": round(sum(b - a for a, b in voiced), 1),
        "variants": variants,
        "reference": reference,
        "segments": [dataclasses.asdict(s) for s in flagged],  # flagged, before word doubt: for rescoring
    }
    return result | doubt_figures(flagged, reference)


def glossary_terms() -> list[str]:
    """What a default run does not call rare: the bundled glossary's abbreviations and their spoken forms (as
    ``pipeline.run`` passes them to ``mark_uncertain``; no decoding hints are given here)."""
    from notulist.glossary.loader import load_glossary

    return [term for e in load_glossary().entries.values() for term in (e.abbreviation, *e.spoken_variants)]


def doubt_figures(flagged: Sequence[Segment], reference: str) -> dict:
    """Word doubt (``mark_uncertain`` by the current ``DoubtRule``) of the final transcript, flagged, against the
    wrong words of its alignment with ``reference``."""
    rule = DoubtRule()
    terms = glossary_terms()
    ours = list(mark_uncertain(flagged, terms, rule))
    rare = rarity_check(terms, rule.rare_zipf)
    alignment = align(ours, reference)
    unmarked = [
        s.text
        for s, line_wer in zip(ours, alignment.line_wer, strict=True)
        if line_wer is not None and line_wer > 0.5 and not s.flags and not any(w.uncertain for w in s.words)
    ]
    return {
        "untranscribed_lines": sum(1 for s in ours if any(f.kind == "untranscribed" for f in s.flags)),
        "words": sum(len(s.words) for s in ours),
        "wrong": sum(alignment.wrong),
        "scores": [score for s in ours for score in word_scores(s, rare, rule)],
        "features": [f for s in ours for f in doubt_features(s, rare)],
        "probabilities": [w.probability for s in ours for w in s.words],
        "is_wrong": alignment.wrong,
        "lines_over_half": sum(1 for x in alignment.line_wer if x is not None and x > 0.5),
        "unmarked_lines_over_half": unmarked,
        "flagged_lines": sum(1 for s in ours if s.flags),
        "lines": len(ours),
        "final_lines": [[s.start, s.end, s.text] for s in ours],
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
    for point in doubt_curve(scores, wrong, sorted({*THRESHOLDS, DoubtRule().threshold})):
        mark = " (chosen)" if abs(point.threshold - DoubtRule().threshold) < 1e-9 else ""
        lines.append(f"| score >= {point.threshold:.2f}{mark} | {point.precision:.2f} | {point.recall:.2f} |")
    unmarked = sum(len(r["unmarked_lines_over_half"]) for r in chosen)
    over = sum(r["lines_over_half"] for r in chosen)
    return [*lines, "", f"Lines with own WER > 0.5: {over}, of those without any mark: {unmarked}"]


def report(results: list[dict], doubt: bool = True) -> str:
    names = tuple(results[0]["variants"]) if results else VARIANTS
    lines = [
        "| recording | set | voiced s | "
        + " | ".join(f"WER {n}" for n in names)
        + " | unheard s "
        + " / ".join(names)
        + " | seconds "
        + " / ".join(names)
        + " |",
        "|---|---|---|" + "---|" * (len(names) + 2),
    ]
    for r in results:
        v = r["variants"]
        lines.append(
            f"| {r['name']} | {r['group']} | {r['voiced']} | "
            + " | ".join(f"{v[n]['wer']:.3f}" for n in names)
            + " | "
            + " / ".join(f"{v[n]['unheard']}" for n in names)
            + " | "
            + " / ".join(f"{v[n]['seconds']:.0f}" for n in names)
            + " |"
        )
    lines += ["", *speed_lines(results)]
    for group in ("tuning", "aside") if doubt else ():
        if any(r["group"] == group for r in results):
            lines += ["", *doubt_table(results, group)]
    return "\n".join(lines)


def speed_lines(results: list[dict]) -> list[str]:
    """Total decoding time per variant over all recordings, and against the batched pass when it ran."""
    total = {n: sum(r["variants"][n]["seconds"] for r in results) for n in results[0]["variants"]} if results else {}
    audio = sum(r["duration"] for r in results)
    base = total.get("batched-first")
    return [
        f"{n}: {t:.0f} s for {audio:.0f} s of audio (RTF {t / max(audio, 1):.3f}"
        + (f", {t / base:.2f}x batched first pass)" if base else ")")
        for n, t in total.items()
    ]


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
    parser.add_argument("--only", help='comma-separated recording names ("" for none)')
    parser.add_argument("--json", type=Path, help="write every figure (and the texts) here")
    parser.add_argument("--cache", type=Path, help="folder for the decodings (reused when audio and code match)")
    parser.add_argument("--no-doubt", action="store_true", help="print no word-doubt figures (recordings aside)")
    parser.add_argument("--variants", help=f"comma-separated, of {','.join(VARIANTS)} (default: all)")
    parser.add_argument("--plain-repeats", type=int, default=0, help="decode plain N more times (its own spread)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    model = load_whisper(resolve_model(None), choose_device("cpu"), args.threads)
    only = set(filter(None, args.only.split(","))) if args.only is not None else None
    results = []
    with tempfile.TemporaryDirectory() as folder:
        made = args.cache / "audio" if args.cache else Path(folder)
        made.mkdir(parents=True, exist_ok=True)
        for name, group, wav, reference in recordings(made, only):
            variants = args.variants.split(",") if args.variants else VARIANTS
            results.append(measure(model, name, group, wav, reference, args.cache, variants))
            wers = {n: v["wer"] for n, v in results[-1]["variants"].items()}
            print(f"{name}: WER {json.dumps(wers)}", flush=True)
            if args.plain_repeats:
                results[-1]["plain_repeats"] = plain_repeats(model, wav, reference, args.plain_repeats)
                print(f"{name}: plain decoded {args.plain_repeats} more times: {results[-1]['plain_repeats']}")
    live = None
    if args.live:
        earlier = json.loads(args.final_from.read_text())["recordings"] if args.final_from else []
        live = _live(model, results + earlier, args.live_seconds)
    print(report(results, doubt=not args.no_doubt))
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
