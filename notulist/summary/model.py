"""The summary data model and its JSON form (``summary.json``).

``{"method", "model", "points": [{"kind", "text", "segment_ids", "owner", "due", "supported", "support"}],
"source_transparency", "problems"}``. Every point cites the transcript segments it came from; ``support`` (0..1)
says how well those segments support it and ``supported`` whether that is enough. ``source_transparency`` is the
share of supported points. ``problems`` lists what went wrong while summarising (a model that timed out, refused,
answered malformed JSON or cited segments that do not exist), one plain sentence each, so the report can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

PointKind = Literal["topic", "decision", "action", "question"]
POINT_KINDS: tuple[str, ...] = ("topic", "decision", "action", "question")


@dataclass(frozen=True)
class SummaryPoint:
    kind: PointKind
    text: str
    segment_ids: tuple[str, ...]
    owner: str | None = None
    due: str | None = None
    support: float = 0.0
    supported: bool = False


@dataclass(frozen=True)
class Summary:
    points: tuple[SummaryPoint, ...]
    method: str  # "extractive", "llm-http", "llm-gguf", "llm-hf"
    model: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def source_transparency(self) -> float:
        if not self.points:
            return 1.0
        return sum(p.supported for p in self.points) / len(self.points)


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    return {
        "method": summary.method,
        "model": summary.model,
        "points": [
            {
                "kind": p.kind,
                "text": p.text,
                "segment_ids": list(p.segment_ids),
                "owner": p.owner,
                "due": p.due,
                "supported": p.supported,
                "support": round(float(p.support), 4),
            }
            for p in summary.points
        ],
        "source_transparency": round(summary.source_transparency, 4),
        "problems": list(summary.problems),
    }


def summary_from_dict(data: Mapping[str, Any]) -> Summary:
    return Summary(
        points=tuple(
            SummaryPoint(
                kind=p["kind"],
                text=str(p["text"]),
                segment_ids=tuple(p.get("segment_ids", ())),
                owner=p.get("owner"),
                due=p.get("due"),
                support=float(p.get("support", 0.0)),
                supported=bool(p.get("supported", False)),
            )
            for p in data.get("points", ())
        ),
        method=str(data.get("method", "")),
        model=data.get("model"),
        problems=tuple(str(p) for p in data.get("problems", ())),
    )
