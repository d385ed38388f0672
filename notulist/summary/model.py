"""The summary data model and its JSON form (``summary.json``).

``{"method", "model", "model_info", "points": [{"kind", "text", "segment_ids", "owner", "due", "supported",
"support", "doubtful_segments", "written_by"}], "source_transparency", "problems"}``. Every point cites the transcript
segments it came from; ``support`` (0..1) says how well those segments support it and ``supported`` whether that is
enough: a point resting on a doubtful line (a flagged line, or one dense with uncertain words) is never supported,
and ``doubtful_segments`` names those lines so a reader knows what to listen to again. ``written_by`` says who wrote
the point ("extractive" or the model's name); ``model_info`` describes that model (name, file sha256, server URL).
``source_transparency`` is the share of supported points. ``problems`` lists what went wrong while summarising (a
model that timed out, refused, answered malformed JSON or cited segments that do not exist), one plain sentence
each, so the report can say so.
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
    doubtful_segments: tuple[str, ...] = ()  # cited lines that are flagged or dense with uncertain words
    written_by: str | None = None  # "extractive" or the model's name


@dataclass(frozen=True)
class Summary:
    points: tuple[SummaryPoint, ...]
    method: str  # "extractive", "llm-http", "llm-gguf", "llm-hf"
    model: str | None = None
    problems: tuple[str, ...] = ()
    model_info: Mapping[str, Any] | None = None  # {"name", "sha256", "url", "method"} of the model that wrote it

    @property
    def source_transparency(self) -> float:
        if not self.points:
            return 1.0
        return sum(p.supported for p in self.points) / len(self.points)


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    return {
        "method": summary.method,
        "model": summary.model,
        "model_info": dict(summary.model_info) if summary.model_info else None,
        "points": [
            {
                "kind": p.kind,
                "text": p.text,
                "segment_ids": list(p.segment_ids),
                "owner": p.owner,
                "due": p.due,
                "supported": p.supported,
                "support": round(float(p.support), 4),
                "doubtful_segments": list(p.doubtful_segments),
                "written_by": p.written_by,
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
                doubtful_segments=tuple(str(s) for s in p.get("doubtful_segments") or ()),
                written_by=p.get("written_by"),
            )
            for p in data.get("points", ())
        ),
        method=str(data.get("method", "")),
        model=data.get("model"),
        problems=tuple(str(p) for p in data.get("problems", ())),
        model_info=data.get("model_info") if isinstance(data.get("model_info"), Mapping) else None,
    )
