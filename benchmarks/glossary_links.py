"""Measure the abbreviation linker; prints its figures.

    python benchmarks/glossary_links.py                 # labelled sentences: link precision and recall
    python benchmarks/glossary_links.py -v              # ... and list every miss and false link
    python benchmarks/glossary_links.py --audio         # end to end on ../shared/audio/synthetic, with and
                                                        # without decoding hints (about 8 min on 2 CPU cores)
    python benchmarks/glossary_links.py --audio --cache /tmp/glossary-asr   # keep/reuse the recognised text

Labelled set: tests/data/glossary_labelled.yaml. A predicted link is right when it overlaps a labelled span and
points at the same entry id (each labelled span counts once).

End to end: the bundled Whisper base through notulist's recogniser (batched, language nl, VAD, beam 5, int8 CPU)
transcribes both synthetic recordings; the linker runs on its segments. Recall = share of the 17 spoken
abbreviations (tests/data/glossary_spoken_abbreviations.yaml) that end up linked to the right entry in a segment
overlapping the reference line that says them; link precision = share of the links made that point at such a
spoken abbreviation. WER (jiwer, lower-case, punctuation removed) shows whether hints hurt the rest of the text.
Modes: plain, or PARAMETER:SOURCE: faster-whisper `hotwords` or `initial_prompt` given the string of
glossary.hints.decoding_hints built from the user's own --keyword list (KEYWORDS below: the case file's and the
agenda's terms), from a --domain per recording (16 or 8 everyday abbreviations of that domain), or both.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import notulist.glossary.hints as hints  # noqa: E402
from notulist.glossary import load_glossary  # noqa: E402
from notulist.glossary.hints import decoding_hints  # noqa: E402
from notulist.glossary.linker import Linker, link_texts  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "glossary_labelled.yaml"
SPOKEN = ROOT / "tests" / "data" / "glossary_spoken_abbreviations.yaml"
SYNTHETIC = ROOT.parent / "shared" / "audio" / "synthetic"
DOMAINS = {"interview_fiod": "belastingen,opsporing", "overleg_dpia": "privacy,openbaarheid,ict"}
# what a meeting secretary or investigator would type as --keyword: the agenda's and the case file's terms
KEYWORDS = {"interview_fiod": ["FIOD", "btw", "KvK", "BSN", "ICP"], "overleg_dpia": ["DPIA", "FG", "AVG", "Woo"]}


def gold_spans(text: str, links: list[list[str]]) -> list[tuple[int, int, str]]:
    spans, position = [], 0
    for surface, entry_id in links:
        start = text.index(surface, position)
        spans.append((start, start + len(surface), entry_id))
        position = start + len(surface)
    return spans


def score_labelled(verbose: bool) -> dict[str, float]:
    items = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["items"]
    figures = score_items(items, "labelled set, all", verbose)
    score_items([i for i in items if i.get("held_out")], "  of which held out (never tuned on)", False)
    return figures


@dataclass(frozen=True)
class LabelledScore:
    """Links made on labelled sentences against the labels: a link is right when it names the labelled entry and
    overlaps the labelled span."""

    right: int
    predicted: int
    gold_total: int
    false_links: tuple[str, ...]  # "'surface' -> entry_id  in: text"
    missed: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.gold_total if self.gold_total else 1.0


def score_labelled_items(items: list[dict], glossary) -> LabelledScore:
    right = predicted = gold_total = 0
    false_links: list[str] = []
    missed: list[str] = []
    linker = Linker(glossary)  # built once, as a caller that links many texts does
    for item in items:
        text = item["text"]
        unused = gold_spans(text, item.get("links") or [])
        links = link_texts([text], glossary, linker=linker)
        gold_total += len(unused)
        predicted += len(links)
        for link in links:
            hit = next(
                (g for g in unused if g[2] == link.entry_id and link.char_start < g[1] and g[0] < link.char_end), None
            )
            if hit:
                unused.remove(hit)
                right += 1
            else:
                false_links.append(f"{link.surface!r} -> {link.entry_id}  in: {text}")
        missed.extend(f"{text[start:end]!r} -> {entry_id}  in: {text}" for start, end, entry_id in unused)
    return LabelledScore(right, predicted, gold_total, tuple(false_links), tuple(missed))


def score_items(items: list[dict], label: str, verbose: bool) -> dict[str, float]:
    started = time.perf_counter()
    score = score_labelled_items(items, load_glossary())
    elapsed = time.perf_counter() - started
    if verbose:
        for line in score.false_links:
            print(f"  FALSE  {line}")
        for line in score.missed:
            print(f"  MISSED {line}")
    negatives = sum(1 for item in items if not item.get("links"))
    print(
        f"{label}: {len(items)} sentences ({negatives} without abbreviations), {score.gold_total} labelled links, "
        f"{score.predicted} predicted, {score.right} right"
    )
    print(
        f"  link precision {score.precision:.3f}   recall {score.recall:.3f}   "
        f"({elapsed * 1000 / len(items):.2f} ms/sentence)"
    )
    return {"precision": score.precision, "recall": score.recall}


def _normalise_words(text: str) -> str:
    text = text.lower().replace("-", " ")
    return " ".join(re.findall(r"[\w']+", text))


def hint_for(glossary, mode: str, name: str) -> str | None:
    """mode = plain | PARAMETER:SOURCE, PARAMETER hotwords|prompt, SOURCE keywords|domain|domain+keywords|domain8..."""
    if mode == "plain":
        return None
    source = mode.split(":", 1)[1]
    keywords = KEYWORDS[name] if "keywords" in source else ()
    with_domain = source.startswith("domain")
    limit = int(re.sub(r"\D", "", source.split("+")[0]) or hints.MAX_TERMS) if with_domain else hints.MAX_TERMS
    saved, hints.MAX_TERMS = hints.MAX_TERMS, limit
    try:
        return decoding_hints(glossary, DOMAINS[name], keywords, include_domain=with_domain)
    finally:
        hints.MAX_TERMS = saved


def transcribe_all(modes: list[str], cache: Path | None) -> dict[str, dict[str, list[dict]]]:
    from notulist.audio.decode import load_for_recognition
    from notulist.core.progress import no_progress
    from notulist.recognition.model_pool import ModelPool
    from notulist.recognition.recognizer import FasterWhisperRecognizer, RecognizerSettings
    from notulist.recognition.whisper_model import choose_device, resolve_model

    glossary = load_glossary()
    results: dict[str, dict[str, list[dict]]] = {}
    model = None
    for mode in modes:
        path = cache / f"{mode}.json" if cache else None
        if path and path.exists():
            results[mode] = json.loads(path.read_text(encoding="utf-8"))
            continue
        if model is None:
            model = ModelPool().get(resolve_model(None), choose_device("cpu"), cpu_threads=2)
        out: dict[str, list[dict]] = {}
        for name in DOMAINS:
            audio = load_for_recognition(SYNTHETIC / f"{name}.wav")
            options: dict = {}
            hint = hint_for(glossary, mode, name)
            if mode.startswith("hotwords"):
                options["hotwords"] = hint
            elif mode.startswith("prompt"):
                options["initial_prompt"] = hint
            started = time.perf_counter()
            recognizer = FasterWhisperRecognizer(model, RecognizerSettings(**options))
            segments = recognizer.recognize(audio, no_progress)
            out[name] = [{"start": s.start, "end": s.end, "text": s.text} for s in segments]
            print(f"  transcribed {name} [{mode}] in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        results[mode] = out
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def score_audio(modes: list[str], cache: Path | None, verbose: bool) -> None:
    import jiwer

    glossary = load_glossary()
    spoken = yaml.safe_load(SPOKEN.read_text(encoding="utf-8"))["recordings"]
    results = transcribe_all(modes, cache)
    total_spoken = sum(len(v) for v in spoken.values())
    print(f"end to end: {', '.join(DOMAINS)}; {total_spoken} spoken abbreviations")
    for mode in modes:
        found = made = right = 0
        wers = []
        for name, segments in results[mode].items():
            reference = (SYNTHETIC / f"{name}.ref.txt").read_text(encoding="utf-8")
            hypothesis = " ".join(s["text"] for s in segments)
            wers.append(jiwer.wer(_normalise_words(reference), _normalise_words(hypothesis)))
            links = link_texts(
                [s["text"] for s in segments],
                glossary,
                [str(i) for i in range(len(segments))],
                [(s["start"], s["end"]) for s in segments],
            )
            unused = list(spoken[name])
            made += len(links)
            for link in links:
                segment = segments[int(link.segment_id)]
                hit = next(
                    (
                        o
                        for o in unused
                        if o["entry"] == link.entry_id
                        and o["start"] < segment["end"] + 1
                        and segment["start"] - 1 < o["end"]
                    ),
                    None,
                )
                if hit:
                    unused.remove(hit)
                    right += 1
                elif verbose:
                    print(f"    [{mode}] {name}: link not said: {link.surface!r} -> {link.entry_id}")
            found += len(spoken[name]) - len(unused)
            if verbose:
                for o in unused:
                    print(f"    [{mode}] {name}: not linked: {o['surface']} (line {o['line']})")
        hint_note = ""
        if mode != "plain":
            hint_note = " hints: " + " | ".join(str(hint_for(glossary, mode, n)) for n in DOMAINS)
        print(
            f"  {mode:20s} linked right {found}/{total_spoken} = {found / total_spoken:.2f}   "
            f"link precision {right}/{made} = {right / made if made else 1:.2f}   "
            f"WER {wers[0]:.3f} / {wers[1]:.3f}{hint_note if verbose else ''}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--audio", action="store_true", help="also run end to end on the synthetic recordings")
    parser.add_argument("--cache", type=Path, help="folder to keep the recognised text in, per mode")
    parser.add_argument(
        "--modes",
        default="plain,hotwords:keywords,prompt:keywords,hotwords:domain,prompt:domain,prompt:domain8,"
        "hotwords:domain+keywords,prompt:domain+keywords,prompt:domain8+keywords",
        help="comma-separated: plain or PARAMETER:SOURCE with PARAMETER hotwords|prompt and SOURCE keywords, "
        "domain (16 terms), domain8 (8 terms), domain+keywords, domain8+keywords",
    )
    args = parser.parse_args()
    score_labelled(args.verbose)
    if args.audio:
        if not SYNTHETIC.is_dir():
            print(f"skipped end to end: {SYNTHETIC} is absent")
            return 0
        score_audio(args.modes.split(","), args.cache, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
