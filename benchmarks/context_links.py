"""Abbreviations in speech nobody tuned on: links with no context, with the agenda as context, and the second pass.

    NOTULIST_SHARED=../shared python benchmarks/context_links.py [--cache DIR] [--modes ...] [-v]

The recordings made from benchmarks/context_links/scripts/ (benchmarks/context_recordings.py: abbreviations
spelled with Dutch letter names or said as words, several the bundled glossary lacks); for each, the agenda or
invitation in benchmarks/context_links/agendas/ was written before any transcript was seen. The rules were set on
context_recordings.TUNED; context_recordings.HELD_OUT (empty until new recordings are kept aside) were kept aside
until they were frozen and are reported separately; a recording named with --recordings that is in neither group
(a new script) is reported on its own. The cost of the second pass (recognition alone against recognition plus the
pass, timed in this process) is printed for every recording decoded afresh.

Modes, all in one run on the same audio:
  plain        plain faster-whisper (bundled base, int8, beam 5, language nl, VAD, sequential), then the linker
  none         notulist's recogniser, no hints, then the linker
  none+2p      ... plus the glossary second pass with the glossary's everyday abbreviations as candidates
  agenda       the agenda as --context: its ranked hint list as hotwords
  agenda+2p    ... plus the second pass with the agenda's abbreviations first

Figures per mode and recording: spoken abbreviations that have a glossary entry and end up linked to it in a line
overlapping the reference line that says them (recall); the links made that point at such a spoken abbreviation
(precision); links to an abbreviation nobody said there (insertions); abbreviations the glossary lacks written
right (their written form in the line); WER (jiwer, lower case, punctuation removed).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from context_recordings import DATA, HELD_OUT, TUNED, abbreviations, make_recording  # noqa: E402

from notulist.glossary import load_glossary  # noqa: E402
from notulist.glossary.linker import link_texts  # noqa: E402
from notulist.glossary.normalise import normalise_key  # noqa: E402

MODES = ("plain", "none", "none+2p", "agenda", "agenda+2p")


@dataclass(frozen=True)
class Spoken:
    line: int
    start: float
    end: float
    surface: str
    entry: str | None  # the meaning id; None when the glossary lacks the abbreviation


def spoken_abbreviations(audio_dir: Path, name: str, glossary) -> list[Spoken]:
    """Every abbreviation of the reference, with the meaning the linker gives it on the written reference line."""
    rows = (audio_dir / f"{name}.ref.tsv").read_text(encoding="utf-8").splitlines()
    result = []
    for number, row in enumerate(rows, 1):
        start, end, _speaker, text = row.split("\t", 3)
        links = link_texts([text], glossary)
        for surface in abbreviations(text):
            key = normalise_key(surface)
            entry = next(
                (
                    link.entry_id
                    for link in links
                    if normalise_key(link.surface) == key == normalise_key(glossary.meaning(link.entry_id).abbreviation)
                ),
                None,
            )
            result.append(Spoken(number, float(start), float(end), surface, entry))
    return result


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", text.lower().replace("-", " ")))


def _to_dicts(segments) -> list[dict]:
    return [
        {
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "words": [[w.start, w.end, w.text, w.probability] for w in s.words],
        }
        for s in segments
    ]


def _to_segments(rows: list[dict]):
    from notulist.core.model import Segment, Word, segment_id

    return [
        Segment(segment_id(i), r["start"], r["end"], r["text"], tuple(Word(*w) for w in r.get("words", ())))
        for i, r in enumerate(rows)
    ]


def transcribe(name: str, mode: str, audio_dir: Path, model, glossary, first_pass: list[dict] | None) -> list[dict]:
    """The recognised segments of one recording in one mode; a +2p mode runs the second pass on ``first_pass``, the
    segments of the same mode without it (recognition is the same, so it is not repeated)."""
    from notulist.audio.decode import load_for_recognition
    from notulist.core.progress import no_progress
    from notulist.glossary.context import context_hint_terms, session_context
    from notulist.glossary.documents import read_document
    from notulist.recognition.recognizer import FasterWhisperRecognizer, RecognizerSettings

    audio = load_for_recognition(audio_dir / f"{name}.wav")
    if mode == "plain":
        segments, _ = model.transcribe(audio, language="nl", beam_size=5, vad_filter=True, word_timestamps=False)
        return [{"start": s.start, "end": s.end, "text": s.text.strip()} for s in segments]
    context = None
    if mode.startswith("agenda"):
        context = session_context([read_document(DATA / "agendas" / f"{name}.md")], glossary)
    started = time.perf_counter()
    if not mode.endswith("+2p") or first_pass is None:
        hints = ", ".join(context_hint_terms(context)) or None
        segments = FasterWhisperRecognizer(model, RecognizerSettings(hotwords=hints)).recognize(audio, no_progress)
        if not mode.endswith("+2p"):
            out = _to_dicts(segments)
            if out:
                out[0]["seconds"] = time.perf_counter() - started
            return out
    else:
        segments = _to_segments(first_pass)
    from notulist.recognition.second_pass import SecondPass, second_pass_candidates

    started = time.perf_counter()
    candidates = second_pass_candidates(glossary, context.abbreviations() if context else (), ())
    second = SecondPass(model, candidates)
    segments, replaced = second.run(audio, segments)
    out = _to_dicts(segments)
    if out:  # every line tried, accepted or not: (old, best new, old score, new score, abbreviations placed)
        out[0]["tried"] = [[old, new, a, b, "+".join(placed)] for old, new, a, b, placed in second.trace]
        out[0]["swaps_tried"] = [list(t) for t in second.swap_trace]
    if out:
        out[0]["seconds"] = time.perf_counter() - started  # the second pass alone
    if replaced:
        out[0]["replaced"] = [
            [r.old_text, r.new_text, "+".join(r.candidates), r.old_score, r.new_score] for r in replaced
        ]
    return out


def unknown_keys(name: str, mode: str, glossary) -> frozenset[str]:
    """The acronyms of the agenda that the glossary lacks (with the agenda as context), as the pipeline passes them."""
    if not mode.startswith("agenda"):
        return frozenset()
    from notulist.glossary.context import session_context
    from notulist.glossary.documents import read_document

    return session_context([read_document(DATA / "agendas" / f"{name}.md")], glossary).unknown_keys()


def score(name: str, mode: str, segments: list[dict], spoken: list[Spoken], glossary, audio_dir: Path, verbose: bool):
    import jiwer

    reference = (audio_dir / f"{name}.ref.txt").read_text(encoding="utf-8")
    wer = jiwer.wer(_words(reference), _words(" ".join(s["text"] for s in segments)))
    links = link_texts(
        [s["text"] for s in segments], glossary, [str(i) for i in range(len(segments))],
        [(s["start"], s["end"]) for s in segments], unknown=unknown_keys(name, mode, glossary),
    )  # fmt: skip
    linkable = [o for o in spoken if o.entry]
    unused = list(linkable)
    right = 0
    insertions = []
    for link in links:
        seg = segments[int(link.segment_id)]
        hit = next(
            (o for o in unused if o.entry == link.entry_id and o.start < seg["end"] + 1 and seg["start"] - 1 < o.end),
            None,
        )
        if hit:
            unused.remove(hit)
            right += 1
        else:
            insertions.append(f"{link.surface!r}->{link.entry_id} in {seg['text']!r}")
    unknown = [o for o in spoken if not o.entry]
    written = 0
    for o in unknown:
        near = " ".join(s["text"] for s in segments if o.start < s["end"] + 1 and s["start"] - 1 < o.end)
        written += re.search(rf"(?<![\w&]){re.escape(o.surface)}(?![\w&])", near) is not None
    if verbose:
        for line in insertions:
            print(f"      inserted: {line}")
        for o in unused:
            print(f"      not linked: {o.surface} (line {o.line})")
        for r in segments[0].get("replaced", []) if segments else []:
            print(f"      second pass: {r[0]!r} -> {r[1]!r} [{r[2]}] {r[3]:.3f} -> {r[4]:.3f}")
        accepted = {r[1] for r in segments[0].get("replaced", [])} if segments else set()
        for t in segments[0].get("tried", []) if segments else []:
            if t[1] not in accepted:
                print(f"      second pass refused: {t[0]!r} -> {t[1]!r} [{t[4]}] {t[2]:.3f} -> {t[3]:.3f}")
        for t in segments[0].get("swaps_tried", []) if segments else []:
            verdict = "swapped" if t[1] in accepted else "swap refused"
            print(f"      {verdict}: {t[0]!r} -> {t[1]!r} {t[2]:.3f} -> {t[3]:.3f}")
    return {
        "linked": right, "linkable": len(linkable), "links": len(links), "insertions": len(insertions),
        "unknown_written": written, "unknown": len(unknown), "wer": wer,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio-dir", type=Path, default=Path("/tmp/notulist-context-audio"))
    parser.add_argument("--cache", type=Path, help="keep/reuse the recognised text per mode and recording")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--recordings", default=",".join(TUNED + HELD_OUT))
    parser.add_argument(
        "--model",
        type=Path,
        help="a CTranslate2 Whisper directory instead of the bundled base (with a --cache of its own)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    from notulist.recognition.whisper_model import resolve_model

    glossary = load_glossary()
    names = args.recordings.split(",")
    model = WhisperModel(str(resolve_model(args.model).path), device="cpu", compute_type="int8", cpu_threads=2)
    results: dict[str, dict[str, dict]] = {}
    fresh: dict[tuple[str, str], float] = {}  # seconds of what this process decoded (not read from the cache)
    for name in names:
        make_recording(name, args.audio_dir)
        spoken = spoken_abbreviations(args.audio_dir, name, glossary)
        done: dict[str, list[dict]] = {}
        for mode in args.modes.split(","):
            path = args.cache / f"{name}.{mode}.json" if args.cache else None
            if path and path.exists():
                segments = json.loads(path.read_text(encoding="utf-8"))
            else:
                started = time.perf_counter()
                first = done.get(mode.removesuffix("+2p"))
                if first and not first[0].get("words"):
                    first = None  # cached without words (older cache): recognise again
                segments = transcribe(name, mode, args.audio_dir, model, glossary, first)
                seconds = segments[0].get("seconds") if segments else None
                if seconds is not None and (not mode.endswith("+2p") or (name, mode.removesuffix("+2p")) in fresh):
                    fresh[(name, mode)] = seconds
                print(f"  {name} [{mode}] {time.perf_counter() - started:.1f} s", file=sys.stderr)
                if path:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(json.dumps(segments, ensure_ascii=False, indent=1), encoding="utf-8")
            done[mode] = segments
            if args.verbose:
                print(f"    {name} [{mode}]")
            results.setdefault(mode, {})[name] = score(
                name, mode, segments, spoken, glossary, args.audio_dir, args.verbose
            )
    report(results, names)
    report_cost(fresh, names, args.audio_dir)
    return 0


def report_cost(fresh: dict[tuple[str, str], float], names: list[str], audio_dir: Path) -> None:
    """What the second pass costs: recognition alone against recognition plus the second pass, both timed in this
    process on the same audio (recordings read from the cache are left out)."""
    import soundfile

    for base in ("none", "agenda"):
        timed = [n for n in names if (n, base) in fresh and (n, f"{base}+2p") in fresh]
        if not timed:
            continue
        audio = sum(soundfile.info(str(audio_dir / f"{n}.wav")).duration for n in timed)
        first = sum(fresh[(n, base)] for n in timed)
        second = sum(fresh[(n, f"{base}+2p")] for n in timed)
        print(
            f"cost [{base}] {len(timed)} recordings, {audio:.0f} s audio: recognition {first:.1f} s (RTF "
            f"{first / audio:.3f}), second pass {second:.1f} s, with/without {(first + second) / first:.2f}"
        )
        for n in timed:
            print(f"  {n}: {fresh[(n, base)]:.1f} s + {fresh[(n, f'{base}+2p')]:.1f} s")


def report(results: dict[str, dict[str, dict]], names: list[str]) -> None:
    others = tuple(n for n in names if n not in TUNED + HELD_OUT)  # new recordings not yet in either group
    for group, members in (("tuned on", TUNED), ("kept aside", HELD_OUT), ("new, in no group yet", others)):
        chosen = [n for n in names if n in members]
        if not chosen:
            continue
        print(f"{group}: {', '.join(chosen)}")
        for mode, per in results.items():
            total = {k: sum(per[n][k] for n in chosen) for k in ("linked", "linkable", "links", "insertions")}
            unknown = sum(per[n]["unknown_written"] for n in chosen), sum(per[n]["unknown"] for n in chosen)
            right = total["links"] - total["insertions"]
            wers = " ".join(f"{per[n]['wer']:.3f}" for n in chosen)
            print(
                f"  {mode:10s} linked {total['linked']}/{total['linkable']} = {total['linked'] / total['linkable']:.2f}"
                f"  precision {right}/{total['links']} = {right / total['links'] if total['links'] else 1:.2f}"
                f"  insertions {total['insertions']}  unknown written {unknown[0]}/{unknown[1]}  WER {wers}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
