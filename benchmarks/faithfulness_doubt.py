"""Fit the word-doubt rule (``notulist.recognition.doubt.DoubtRule``) on the tuning recordings of
``benchmarks/faithfulness.py --json`` runs, and compare sets of signals by leaving one recording out at a time.

Every word of the final transcripts carries its signals (``doubt.doubt_features``) and whether the jiwer alignment
makes it wrong. For each candidate set of signals a logistic regression (scikit-learn, L2, C=1) is fitted on all
tuning recordings but one and scores the one left out; the pooled out-of-recording scores give the precision at
70% recall, the figure the rule must reach on speech it was not fitted on. The set with the best such precision is
fitted on all tuning recordings; its threshold is the highest at which the tuning recall is still at least
``--recall`` (0.72: a margin above the 0.70 goal). Recordings of the ``aside`` group are never read for the fit.

``--evaluate GROUP`` fits nothing: it marks the stored transcripts of that group with the rule as it stands in
``DoubtRule`` and prints its figures (``faithfulness.doubt_table``) - for the recordings kept aside, once the rule
is frozen.

    python benchmarks/faithfulness_doubt.py /tmp/faith-runs/tuning.json
    python benchmarks/faithfulness_doubt.py /tmp/faith-runs/aside.json --evaluate aside
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIGNAL_SETS = {
    "p": ("log_p",),
    "p+rare": ("log_p", "rare"),
    "p+rare+neighbour": ("log_p", "rare", "neighbour_log_p"),
    "+line_log_p": ("log_p", "rare", "neighbour_log_p", "line_log_p"),
    "+compression": ("log_p", "rare", "neighbour_log_p", "compression"),
    "+letters": ("log_p", "rare", "neighbour_log_p", "letters"),
    "+line_log_p+letters": ("log_p", "rare", "neighbour_log_p", "line_log_p", "letters"),
    "all": ("log_p", "rare", "neighbour_log_p", "line_log_p", "compression", "letters"),
}


def load(paths: list[Path], group: str = "tuning") -> list[dict]:
    """The recordings of ``group`` in the given runs (the last run wins for a recording measured twice)."""
    found: dict[str, dict] = {}
    for path in paths:
        for recording in json.loads(path.read_text())["recordings"]:
            if recording["group"] == group:
                found[recording["name"]] = recording
    return list(found.values())


def matrix(recordings: list[dict], names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    rows = [[f[n] for n in names] for r in recordings for f in r["features"]]
    wrong = [w for r in recordings for w in r["is_wrong"]]
    return np.array(rows, dtype=float), np.array(wrong, dtype=bool)


def fit(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=1000).fit(x, y)


def precision_at_recall(scores: np.ndarray, wrong: np.ndarray, recall: float) -> tuple[float, float]:
    """(threshold, precision) at the highest threshold whose recall is at least ``recall``."""
    best = (0.0, float(wrong.mean()))
    for threshold in np.round(np.arange(0.05, 0.95, 0.01), 2):
        marked = scores >= threshold
        hits = int((marked & wrong).sum())
        if hits / max(int(wrong.sum()), 1) >= recall:
            best = (float(threshold), hits / max(int(marked.sum()), 1))
    return best


def left_out_scores(recordings: list[dict], names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    scores, wrong = [], []
    for i, recording in enumerate(recordings):
        x, y = matrix(recordings[:i] + recordings[i + 1 :], names)
        x_out, y_out = matrix([recording], names)
        if len(y_out):
            scores.append(fit(x, y).predict_proba(x_out)[:, 1])
            wrong.append(y_out)
    return np.concatenate(scores), np.concatenate(wrong)


def evaluate(recordings: list[dict], group: str) -> int:
    """Score a group's words with the rule as it is: from the stored transcripts (also the lines left without a
    mark), or, for a run that stored none, from the stored signals of each word."""
    from benchmarks.faithfulness import doubt_figures, doubt_table, stored_segment
    from notulist.recognition.doubt import DoubtRule

    scored = []
    for recording in recordings:
        if "segments" in recording:
            figures = doubt_figures([stored_segment(s) for s in recording["segments"]], recording["reference"])
            unmarked = figures["unmarked_lines_over_half"]
            print(f"{recording['name']}: lines with own WER > 0.5 left without a mark: {unmarked}")
        else:
            figures = recording | {"scores": [DoubtRule().score(f) for f in recording["features"]]}
            figures |= {"lines_over_half": 0, "unmarked_lines_over_half": []}  # not known without the lines
        scored.append({"name": recording["name"], "group": group} | figures)
    table = doubt_table(scored, group)
    print("\n".join(table if all("segments" in r for r in recordings) else table[:-2]))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, nargs="+", help="--json files of benchmarks/faithfulness.py")
    parser.add_argument("--recall", type=float, default=0.72, help="recall the threshold keeps on tuning")
    parser.add_argument("--evaluate", metavar="GROUP", help="only score GROUP's transcripts with the rule as it is")
    args = parser.parse_args(argv)
    if args.evaluate:
        return evaluate(load(args.runs, args.evaluate), args.evaluate)
    recordings = load(args.runs)
    words = sum(len(r["is_wrong"]) for r in recordings)
    wrong = sum(sum(r["is_wrong"]) for r in recordings)
    print(f"{len(recordings)} tuning recordings, {words} words, {wrong} wrong\n")
    print("| signals | precision at 70% recall, each recording scored by a fit without it |\n|---|---|")
    results = {}
    for label, names in SIGNAL_SETS.items():
        _threshold, precision = precision_at_recall(*left_out_scores(recordings, names), 0.70)
        results[label] = precision
        print(f"| {label} | {precision:.3f} |")
    chosen = max(results, key=lambda k: (round(results[k], 3), -len(SIGNAL_SETS[k])))
    names = SIGNAL_SETS[chosen]
    x, y = matrix(recordings, names)
    model = fit(x, y)
    threshold, precision = precision_at_recall(model.predict_proba(x)[:, 1], y, args.recall)
    weights = {f"weight_{n}": round(float(w), 2) for n, w in zip(names, model.coef_[0], strict=True)}
    print(f"\nchosen: {chosen}; bias {model.intercept_[0]:.2f}, {weights}")
    print(f"threshold {threshold:.2f}: tuning precision {precision:.3f} at recall >= {args.recall}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
