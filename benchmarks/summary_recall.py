"""Recall and precision of the minutes against hand-labelled decisions and action items.

For each synthetic recording with labels (``tests/data/NAME.minutes.json``) the extractive summariser runs on the
reference text (``tests/data/NAME.ref.tsv``) and on ASR transcripts of it (the pipeline's fixture
``tests/data/NAME.transcript.json`` when present, and ``NAME.asr_refspeakers.transcript.json``: plain Whisper
base with reference speakers). Printed per transcript:

- recall: required decisions/actions found (a point of the same kind citing a segment that overlaps the labelled
  line in time);
- owner: found actions whose owner is the right speaker (the reference speaker mapped onto the transcript's
  speaker labels by time overlap); due: found items whose deadline matches what was said;
- precision: decision/action points that match a labelled item (required or optional);
- duplicates: pairs of points (any kinds) that say the same thing (the same committing line, or nearly the same
  words on a shared line);
- citations: every cited segment exists; transparency: the share of points the citation checker supports (their
  lines carry their words and none of those lines is doubtful); on doubt: the share whose lines carry their words but
  one of those lines is doubtful (flagged, e.g. ``no_speech``, or dense with uncertain words): supported by lines to
  re-listen to, not unsupported;
- time: wall time of the summariser (ms).

Owners are checked by name, as a secretary reads them: the summariser runs on the transcript as the pipeline wrote
it (speaker ids S1, S2, ...), then each transcript speaker is named after the reference speaker it overlaps most (as
``notulist speakers --name`` would) and the point's owner is shown by that name, as the reports do.

Meetings made with ``make_meeting.sh`` from the scripts in ``benchmarks/meetings`` were written and labelled before
the summariser saw them: ``overleg_huisvesting`` and ``mt_informatiebeveiliging`` were unseen for the first rules and
then used to tune the rules for garbled ASR cues; ``teamoverleg_woo`` was kept aside until those were final, reported
apart, then fixed and so became tuning material too, as did ``projectoverleg_zaaksysteem`` and
``stuurgroep_subsidieregeling`` (first run recorded, then used to tune). ``mt_jaarplan_rondvraag`` and
``werkoverleg_handhaving`` were kept aside in the second round (first run with the rules frozen: reference text
0.50 and 0.60, pipeline 0.50 and 0.40), since tuning material; ``teamoverleg_klantcontact`` was written with
phrasings no earlier meeting had (first run: 0.00 on both), since tuning material, and ``afdelingsoverleg_subsidies``
after the rules for it were written, with phrasings their tests did not have (first run: reference text 0.80,
pipeline 0.20), since tuning material, as is ``stuurgroep_woningbouw``, written later still (first run: reference
text 0.50 with precision 0.67, pipeline 0.25 with precision 0.50), and ``werkoverleg_ict_migratie``, written once
the rules were final (first run: reference text 0.80, pipeline 0.60, precision 1.00). ``KEPT_ASIDE`` is empty: meetings
written and labelled apart go there, are run once on the frozen rules and reported apart. Pipeline transcripts
(``NAME.pipeline.transcript.json``: ``notulist transcribe`` with the bundled Whisper base and Resemblyzer
diarization, defaults) are used when present.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/summary_recall.py`` (every meeting), or with ``--tuned``,
``--kept-aside`` or meeting names to run only those. ``--pipeline-dir DIR`` takes the pipeline transcripts from
``DIR/NAME.transcript.json`` (``notulist transcribe`` run now on the audio ``make_meeting.sh`` makes from the script)
instead of the committed ones, to see what today's recogniser and diarizer give.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from notulist.core.model import Segment, Transcript, segment_id, transcript_from_dict  # noqa: E402
from notulist.summary.citations import SUPPORT_THRESHOLD  # noqa: E402
from notulist.summary.model import Summary  # noqa: E402

# heldout_teamoverleg: a text written after the first rules (no audio, so reference text only).
# overleg_huisvesting, mt_informatiebeveiliging: unseen for the first rules (reference text recall 1.00, pipeline
# transcripts 0.33 and 0.40); the rules for garbled ASR cues were then tuned on their pipeline transcripts.
RECORDINGS = (
    "overleg_dpia",
    "interview_fiod",
    "heldout_teamoverleg",
    "overleg_huisvesting",
    "mt_informatiebeveiliging",
    # kept aside in its first round (first run: reference text 0.50, pipeline 0.33), then fixed: now tuning material
    "teamoverleg_woo",
    # written and labelled before any run; first run recorded, then used to tune the rules
    "projectoverleg_zaaksysteem",
    "stuurgroep_subsidieregeling",
    # kept aside in the second round (first run: reference text 0.50 and 0.60, pipeline 0.50 and 0.40), since
    # tuning material
    "mt_jaarplan_rondvraag",
    "werkoverleg_handhaving",
    # written with phrasings unlike the others, labelled before any run (first run: 0.00 on both transcripts), since
    # tuning material
    "teamoverleg_klantcontact",
    # written after the third round's first rules with phrasings their tests did not have, labelled before any run
    # (first run: reference text 0.80, pipeline 0.20), since tuning material
    "afdelingsoverleg_subsidies",
    # the same, written later still (first run: reference text 0.50 with precision 0.67, pipeline 0.25 with precision
    # 0.50), since tuning material
    "stuurgroep_woningbouw",
    # written after the third round's rules were final, labelled before any run (first run: reference text 0.80,
    # pipeline 0.60, precision 1.00), since tuning material
    "werkoverleg_ict_migratie",
    # kept aside in the third round, written by someone who did not write the rules; first run on the frozen rules:
    # reference text 0.67 and 0.50, pipeline 0.33 and 0.25 (9/20 required items), precision 1.00, no duplicates;
    # since tuning material
    "afdelingsoverleg_klantcontact",
    "teamoverleg_informatiebeheer",
)
# Meetings written and labelled apart, not looked at until the rules are frozen, run once and reported apart
# (tests/data/NAME.minutes.json, NAME.ref.tsv, NAME.pipeline.transcript.json).
KEPT_ASIDE: tuple[str, ...] = ()


def load_reference(path: Path) -> Transcript:
    """A reference ``.ref.tsv`` (start, end, speaker, text) as a transcript, one segment per row."""
    segments = []
    for index, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        start, end, speaker, text = line.split("\t", 3)
        segments.append(Segment(segment_id(index), float(start), float(end), text, speaker=speaker))
    return Transcript("nl", segments[-1].end if segments else 0.0, tuple(segments))


def load_labels(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["items"])


def speaker_map(reference: Transcript, transcript: Transcript) -> dict[str, str | None]:
    """Each reference speaker -> the transcript speaker label that overlaps it most in time."""
    overlap: dict[str, dict[str | None, float]] = defaultdict(lambda: defaultdict(float))
    for ref in reference.segments:
        for seg in transcript.segments:
            shared = min(ref.end, seg.end) - max(ref.start, seg.start)
            if shared > 0:
                overlap[ref.speaker or ""][seg.speaker] += shared
    return {ref: max(by, key=by.__getitem__) for ref, by in overlap.items() if by}


def _overlaps(segment: Segment, rows: list[Segment], min_s: float = 0.3) -> bool:
    return any(min(segment.end, r.end) - max(segment.start, r.start) >= min_s for r in rows)


@dataclass
class Score:
    required: int = 0
    found: int = 0
    owners_expected: int = 0
    owners_right: int = 0
    dues_expected: int = 0
    dues_right: int = 0
    predicted: int = 0
    correct: int = 0
    duplicates: int = 0
    citations_ok: bool = True
    transparency: float = 0.0
    on_doubt: float = 0.0
    missed: list[str] = field(default_factory=list)
    wrong_owner: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.required if self.required else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0


def duplicates(summary: Summary) -> int:
    """Pairs of points that say the same thing: the same last cited line, or nearly the same words on a shared line."""
    points = [p for p in summary.points if p.segment_ids]
    count = 0
    for i, a in enumerate(points):
        for b in points[i + 1 :]:
            same_line = a.kind in ("decision", "action") and b.kind in ("decision", "action")
            same_line = same_line and a.segment_ids[-1] == b.segment_ids[-1]
            same_words = fuzz.token_set_ratio(a.text.lower(), b.text.lower()) >= 90
            if same_line or (same_words and set(a.segment_ids) & set(b.segment_ids)):
                count += 1
    return count


def on_doubtful_lines(summary: Summary) -> float:
    """The share of points whose cited lines carry their words but one of those lines is doubtful."""
    if not summary.points:
        return 0.0
    carried = [p for p in summary.points if not p.supported and p.doubtful_segments and p.support >= SUPPORT_THRESHOLD]
    return len(carried) / len(summary.points)


def named_as_reference(reference: Transcript, transcript: Transcript) -> dict[str, str]:
    """Each transcript speaker named after the reference speaker it overlaps most (the user's naming)."""
    overlap: dict[str | None, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for ref in reference.segments:
        for seg in transcript.segments:
            shared = min(ref.end, seg.end) - max(ref.start, seg.start)
            if shared > 0 and seg.speaker:
                overlap[seg.speaker][ref.speaker or ""] += shared
    return {spk: max(by, key=by.__getitem__) for spk, by in overlap.items() if by and spk}


def evaluate(summary: Summary, transcript: Transcript, reference: Transcript, labels: list[Mapping[str, Any]]) -> Score:
    by_id = {s.id: s for s in transcript.segments}
    shown = named_as_reference(reference, transcript)
    score = Score(transparency=summary.source_transparency, duplicates=duplicates(summary))
    score.on_doubt = on_doubtful_lines(summary)
    score.citations_ok = all(i in by_id for p in summary.points for i in p.segment_ids)
    candidates = [(n, p) for n, p in enumerate(summary.points) if p.kind in ("decision", "action")]
    score.predicted = len(candidates)
    matched_points: dict[int, str] = {}
    matched_items: dict[str, int] = {}
    ordered = sorted(labels, key=lambda item: not item.get("required", True))
    for last_only in (True, False):  # first the point whose last (committing) line is the labelled one
        for item in ordered:
            if item["id"] in matched_items:
                continue
            rows = [reference.segments[line - 1] for line in item["lines"]]
            for n, point in candidates:
                if n in matched_points or point.kind != item["kind"]:
                    continue
                cited = [by_id[i] for i in point.segment_ids if i in by_id]
                cited = cited[-1:] if last_only else cited
                if any(_overlaps(segment, rows) for segment in cited):
                    matched_points[n] = item["id"]
                    matched_items[item["id"]] = n
                    break
    score.correct = len(matched_points)
    for item in labels:
        if not item.get("required", True):
            continue
        score.required += 1
        if item["id"] not in matched_items:
            score.missed.append(item["id"])
            continue
        score.found += 1
        point = summary.points[matched_items[item["id"]]]
        if item.get("owner"):
            score.owners_expected += 1
            owner = shown.get(point.owner or "", point.owner or "")  # as the report shows it after naming
            if owner and owner.lower() == item["owner"].lower():
                score.owners_right += 1
            else:
                score.wrong_owner.append(f"{item['id']}: {owner!r} (expected {item['owner']!r})")
        if item.get("due"):
            score.dues_expected += 1
            if point.due and fuzz.partial_ratio(item["due"].lower(), point.due.lower()) >= 80:
                score.dues_right += 1
    return score


def cases(name: str, pipeline_dir: Path | None = None) -> list[tuple[str, Transcript]]:
    """The reference text and the transcripts of ``name``; the pipeline's from ``pipeline_dir/NAME.transcript.json``
    (a fresh ``notulist transcribe``) instead of the committed one when given."""
    found = [("reference text", load_reference(DATA / f"{name}.ref.tsv"))]
    pipeline = pipeline_dir / f"{name}.transcript.json" if pipeline_dir else DATA / f"{name}.pipeline.transcript.json"
    for label, file in (
        ("pipeline (whisper+resemblyzer)", pipeline),
        ("whisper base + ref speakers", DATA / f"{name}.asr_refspeakers.transcript.json"),
    ):
        if file.is_file():
            found.append((label, transcript_from_dict(json.loads(file.read_text(encoding="utf-8")))))
    return found


def report(title: str, names: tuple[str, ...], summarizer: Any, pipeline_dir: Path | None = None) -> tuple[int, int]:
    """Print one table; returns (found, required)."""
    from notulist.core.progress import no_progress

    header = (
        f"{'recording':<25} {'transcript':<31} {'recall':>7} {'owner':>6} {'due':>6} {'prec.':>6} "
        f"{'dupl.':>5} {'points':>6} {'cites':>5} {'transp.':>7} {'doubt':>6} {'ms':>6}"
    )
    print(title)
    print(header)
    print("-" * len(header))
    total_required = total_found = 0
    for name in names:
        reference = load_reference(DATA / f"{name}.ref.tsv")
        labels = load_labels(DATA / f"{name}.minutes.json")
        for label, transcript in cases(name, pipeline_dir):
            started = time.perf_counter()
            summary = summarizer.summarize(transcript, no_progress)
            elapsed_ms = (time.perf_counter() - started) * 1000
            score = evaluate(summary, transcript, reference, labels)
            total_required += score.required
            total_found += score.found
            owner = f"{score.owners_right}/{score.owners_expected}"
            due = f"{score.dues_right}/{score.dues_expected}"
            print(
                f"{name:<25} {label:<31} {score.recall:>7.2f} {owner:>6} {due:>6} {score.precision:>6.2f} "
                f"{score.duplicates:>5} {len(summary.points):>6} {'ok' if score.citations_ok else 'BAD':>5} "
                f"{score.transparency:>7.2f} {score.on_doubt:>6.2f} {elapsed_ms:>6.0f}"
            )
            for problem in score.missed:
                print(f"    missed {problem}")
            for problem in score.wrong_owner:
                print(f"    wrong owner {problem}")
    print(f"recall of required decisions/actions: {total_found}/{total_required}\n")
    return total_found, total_required


def main(argv: list[str] | None = None) -> int:
    import argparse

    from notulist.summary.extractive import ExtractiveSummarizer

    parser = argparse.ArgumentParser(description="Recall of labelled decisions and actions in the extractive minutes.")
    parser.add_argument("names", nargs="*", help="only these meetings (tests/data/NAME.minutes.json)")
    parser.add_argument("--tuned", action="store_true", help="only the meetings the rules were built on")
    parser.add_argument("--kept-aside", action="store_true", help="only the meetings kept aside from tuning")
    parser.add_argument(
        "--pipeline-dir",
        type=Path,
        help="pipeline transcripts from DIR/NAME.transcript.json (made now) instead of the committed ones",
    )
    args = parser.parse_args(argv)
    summarizer = ExtractiveSummarizer()
    if args.names:
        report("extractive minutes vs hand labels: selected meetings", tuple(args.names), summarizer, args.pipeline_dir)
        return 0
    if not args.kept_aside:
        report(
            "extractive minutes vs hand labels (tests/data/*.minutes.json): recordings the rules were built on",
            RECORDINGS,
            summarizer,
            args.pipeline_dir,
        )
    if not args.tuned and KEPT_ASIDE:
        report(
            "kept aside (labelled before the summariser ran on them, not looked at until the rules were frozen)",
            KEPT_ASIDE,
            summarizer,
            args.pipeline_dir,
        )
    elif args.kept_aside:
        print("no meetings are kept aside now (KEPT_ASIDE in benchmarks/summary_recall.py is empty)")
    if not (args.tuned or args.kept_aside):
        long_meeting_speed(summarizer)
    return 0


def long_meeting_speed(summarizer: Any) -> None:
    from notulist.core.progress import no_progress

    # Speed on a long meeting: the reference meeting repeated to 800 segments (about 85 minutes of talk).
    base = load_reference(DATA / "overleg_dpia.ref.tsv")
    repeats = 50
    long_segments = tuple(
        Segment(
            segment_id(r * len(base.segments) + i), s.start + r * 105.0, s.end + r * 105.0, s.text, speaker=s.speaker
        )
        for r in range(repeats)
        for i, s in enumerate(base.segments)
    )
    long = Transcript("nl", repeats * 105.0, long_segments)
    started = time.perf_counter()
    summary = summarizer.summarize(long, no_progress)
    elapsed = time.perf_counter() - started
    print(
        f"speed: {len(long_segments)} segments ({long.duration / 60:.0f} min of meeting) summarised in {elapsed:.2f} s "
        f"({elapsed / long.duration:.4f} s per audio second), {len(summary.points)} points, "
        f"transparency {summary.source_transparency:.2f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
