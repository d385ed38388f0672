"""Minutes from a local language model, every point citing the segments it came from.

The model gets numbered segments (``[s0001] Jan: text``) and is asked for JSON points that cite segment ids. Its
answer is validated and repaired (JSON inside code fences or prose is dug out; Dutch kind names and id spellings
like ``s1``/``[s0001]`` are normalised); a malformed answer or a refusal is retried once with a correction. Long
transcripts are summarised in chunks of whole segments and the points merged, keeping every citation. Whatever
goes wrong (a timeout, a refusal, malformed JSON, citations of segments that do not exist) is logged and recorded
in ``Summary.problems``; a chunk the model could not summarise gets the extractive points instead, so a session
always gets minutes. The model supports; it never decides: ``check_citations`` scores each point against the lines
it cites.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from rapidfuzz import fuzz

from notulist.core.errors import NotulistError
from notulist.core.model import Segment, Transcript
from notulist.core.progress import Progress, ProgressHook, Stage
from notulist.summary.citations import check_citations, normalise_segment_id
from notulist.summary.model import POINT_KINDS, Summary, SummaryPoint

logger = logging.getLogger(__name__)

Message = Mapping[str, str]


class LLMError(NotulistError):
    """A language model could not be asked or did not answer (the summariser records it and carries on)."""


class LLMTimeout(LLMError):
    """The model did not answer in time."""


class LLMUnavailable(LLMError):
    """The model cannot be reached at all (no server at the URL): asking again for the next chunk is pointless."""


class ChatBackend(Protocol):
    """A chat model: messages (``{"role", "content"}``) in, the assistant's text out; raises ``LLMError``.

    ``schema`` is the JSON schema the answer must follow: a backend that can constrain decoding to it (a grammar in
    llama.cpp, guided decoding in vLLM, structured outputs in Ollama) does; one that cannot ignores it."""

    method: str  # "llm-http" | "llm-gguf" | "llm-hf"
    model: str

    def chat(self, messages: Sequence[Message], max_tokens: int, schema: Mapping[str, Any] | None = None) -> str: ...


MAX_POINTS_PER_CHUNK = 12


def points_schema(segment_ids: Sequence[str], max_points: int = MAX_POINTS_PER_CHUNK) -> dict[str, Any]:
    """The JSON schema of an answer for a chunk: ``{"points": [...]}`` whose citations can only be the chunk's own
    segment ids (a constrained model cannot cite a line that does not exist; whether the line says what the point
    says is still for ``check_citations`` to judge)."""
    # bounded lengths: a small model that rambles ends its string instead of running out of tokens mid-JSON
    nullable_text = {"anyOf": [{"type": "string", "maxLength": 80}, {"type": "null"}]}
    point = {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": list(POINT_KINDS)},
            "text": {"type": "string", "minLength": 3, "maxLength": 300},
            "segment_ids": {
                "type": "array",
                "items": {"type": "string", "enum": list(segment_ids)},
                "minItems": 1,
                "maxItems": 6,
            },
            "owner": nullable_text,
            "due": nullable_text,
        },
        "required": ["kind", "text", "segment_ids", "owner", "due"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"points": {"type": "array", "items": point, "maxItems": max_points}},
        "required": ["points"],
        "additionalProperties": False,
    }


SYSTEM_PROMPT = """Je bent een notulist. Je ondersteunt; je beslist niets en je verzint niets.
Je krijgt genummerde segmenten van een transcript, elk als: [segment-id] spreker: tekst.
Maak de notulen in het Nederlands als JSON, en antwoord met alleen dit JSON-object:
{"points": [{"kind": "topic|decision|action|question", "text": "...", "segment_ids": ["s0001"],
"owner": null, "due": null}]}
- kind: "topic" (besproken onderwerp), "decision" (besluit of afspraak), "action" (actiepunt: wie doet wat, wanneer),
  "question" (open vraag die niet beantwoord is).
- text: een korte zin met alleen wat in de geciteerde segmenten staat.
- segment_ids: de ids van de segmenten waarop het punt steunt (minstens één, alleen ids die hierboven staan).
- owner: de naam van wie de actie uitvoert, alleen als dat gezegd is (een spreker die "ik doe dat" zegt), anders null.
- due: de termijn zoals gezegd ("voor vrijdag", "1 december"), anders null.
Geen uitleg, geen markdown, alleen JSON."""

_KIND_ALIASES = {
    "topic": "topic",
    "topics": "topic",
    "onderwerp": "topic",
    "onderwerpen": "topic",
    "agendapunt": "topic",
    "decision": "decision",
    "decisions": "decision",
    "besluit": "decision",
    "besluiten": "decision",
    "afspraak": "decision",
    "agreement": "decision",
    "action": "action",
    "actions": "action",
    "action_item": "action",
    "actie": "action",
    "actiepunt": "action",
    "acties": "action",
    "actiepunten": "action",
    "open_questions": "question",
    "vragen": "question",
    "open vragen": "question",
    "open_vragen": "question",
    "afspraken": "decision",
    "question": "question",
    "questions": "question",
    "open_question": "question",
    "vraag": "question",
    "open vraag": "question",
}
_ID_KEYS = ("segment_ids", "segments", "citations", "sources", "bronnen", "segment_id", "ids")
_NULLS = frozenset({"", "null", "none", "onbekend", "unknown", "n.v.t.", "nvt", "-", "niemand"})
_REFUSAL = re.compile(
    r"\b(?:i can(?:no|')t|i am unable|i'm unable|i won't|as an ai|sorry|ik kan (?:je |u )?(?:hier )?niet|"
    r"het spijt me|helaas kan ik|ik mag (?:dit|dat) niet)\b",
    re.IGNORECASE,
)
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def format_segment(transcript: Transcript, segment: Segment) -> str:
    speaker = transcript.speaker_name(segment.speaker) or "?"
    return f"[{segment.id}] {speaker}: {segment.text.strip()}"


# What each kind of minutes asks of the model, added to SYSTEM_PROMPT (an organisation's own template uses its base's).
TEMPLATE_PROMPTS = {
    "verslag": "Dit is een vergadering. Maak per besproken agendapunt een topic-punt, en noteer elk besluit, elke "
    "actie (met owner en due) en elke open vraag.",
    "besluitenlijst": "Dit is een vergadering. Noteer alleen de besluiten en de acties (met owner en due); geen "
    "topics en geen vragen.",
    "gespreksverslag": "Dit is een gesprek of verhoor. Vat elke verklaring van de geïnterviewde samen als topic-punt "
    "in de derde persoon, en noteer gemaakte afspraken als action met owner en due. Oordeel niet.",
}


# The agenda in the prompt is bounded: it must leave the chunk of transcript its room in the model's context.
AGENDA_MAX_ITEMS = 20
AGENDA_ITEM_CHARS = 100


def agenda_prompt(agenda: Sequence[str]) -> str:
    """The agenda items as the ``verslag`` prompt lists them ("" without agenda): numbered, each at most
    ``AGENDA_ITEM_CHARS`` characters, at most ``AGENDA_MAX_ITEMS`` items."""
    items = [" ".join(item.split()) for item in agenda if item and item.strip()][:AGENDA_MAX_ITEMS]
    if not items:
        return ""
    listed = "\n".join(
        f"{n}. {item if len(item) <= AGENDA_ITEM_CHARS else item[: AGENDA_ITEM_CHARS - 1] + '…'}"
        for n, item in enumerate(items, start=1)
    )
    return (
        f"De agenda van deze vergadering:\n{listed}\n"
        "Begin de tekst van elk topic-punt met het agendapunt waar het onder valt, zoals het hierboven staat, "
        'gevolgd door een dubbele punt ("Planning: ..."). Een onderwerp dat niet op de agenda staat krijgt geen '
        "agendapunt. Een agendapunt dat in deze segmenten niet besproken is, krijgt geen punt."
    )


def system_prompt(template: str = "verslag", agenda: Sequence[str] = ()) -> str:
    """The instructions for ``template`` (``verslag`` when the template is unknown); a ``verslag`` lists the agenda
    items, when the meeting has an agenda, so that the model can put each topic under its item."""
    base = template if template in TEMPLATE_PROMPTS else "verslag"
    prompt = f"{SYSTEM_PROMPT}\n{TEMPLATE_PROMPTS[base]}"
    listed = agenda_prompt(agenda) if base == "verslag" else ""
    return f"{prompt}\n{listed}" if listed else prompt


def build_messages(
    transcript: Transcript, segments: Sequence[Segment], template: str = "verslag", agenda: Sequence[str] = ()
) -> list[dict[str, str]]:
    lines = "\n".join(format_segment(transcript, s) for s in segments)
    return [
        {"role": "system", "content": system_prompt(template, agenda)},
        {"role": "user", "content": f"Segmenten:\n{lines}\n\nGeef de notulen als JSON."},
    ]


def chunk_segments(transcript: Transcript, max_chars: int) -> list[tuple[Segment, ...]]:
    """Whole segments in order, each chunk's formatted lines at most ``max_chars`` (a longer segment goes alone)."""
    chunks: list[tuple[Segment, ...]] = []
    current: list[Segment] = []
    size = 0
    for segment in transcript.segments:
        length = len(format_segment(transcript, segment)) + 1
        if current and size + length > max_chars:
            chunks.append(tuple(current))
            current, size = [], 0
        current.append(segment)
        size += length
    if current:
        chunks.append(tuple(current))
    return chunks


def extract_json(text: str) -> Any:
    """The first JSON object or array in ``text``: bare, inside a code fence, or inside prose. ValueError if none."""
    stripped = text.strip()
    candidates = [stripped, *(m.group(1).strip() for m in _FENCE.finditer(text))]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            pass
    decoder = json.JSONDecoder()
    for match in re.finditer(r"[{\[]", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if (isinstance(value, dict) and value) or (
            isinstance(value, list) and value and all(isinstance(item, dict) for item in value)
        ):
            return value
    raise ValueError("the answer holds no JSON object")


def salvage_points(text: str) -> dict[str, Any] | None:
    """The complete points of an answer cut off mid-JSON (the model ran out of tokens inside ``{"points": [``):
    ``{"points": [...]}`` with every whole point before the cut, or None when there is none."""
    start = re.search(r'"points"\s*:\s*\[', text)
    if start is None:
        return None
    decoder = json.JSONDecoder()
    items: list[Any] = []
    position = start.end()
    while True:
        match = re.compile(r"\s*,?\s*").match(text, position)
        position = match.end() if match else position
        if position >= len(text) or text[position] != "{":
            break
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
        items.append(item)
    return {"points": items} if items else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text.lower() in _NULLS else text


def parse_points(payload: Any, known_ids: Sequence[str]) -> tuple[list[SummaryPoint], list[str]]:
    """Points from a model's JSON (``{"points": [...]}``, a bare list, or ``{"decisions": [...], ...}``), with the
    problems met. Citations are normalised; unknown ones are kept here and dropped by ``check_citations``."""
    problems: list[str] = []
    items: list[tuple[Any, str | None]] = []
    if isinstance(payload, dict) and isinstance(payload.get("points"), list):
        items = [(item, None) for item in payload["points"]]
    elif isinstance(payload, list):
        items = [(item, None) for item in payload]
    elif isinstance(payload, dict):
        for key, value in payload.items():
            kind = _KIND_ALIASES.get(str(key).lower())
            if kind and isinstance(value, list):
                items.extend((item, kind) for item in value)
    else:
        raise ValueError("the JSON holds no list of points")
    if not items and not (isinstance(payload, dict) and "points" in payload):
        raise ValueError("the JSON holds no list of points")
    points: list[SummaryPoint] = []
    skipped = 0
    for item, implied_kind in items:
        if isinstance(item, str) and implied_kind:
            item = {"text": item}
        if not isinstance(item, dict):
            skipped += 1
            continue
        kind = _KIND_ALIASES.get(str(item.get("kind") or item.get("type") or implied_kind or "").strip().lower())
        text = _text(item.get("text") or item.get("summary") or item.get("description"))
        if kind not in POINT_KINDS or not text:
            skipped += 1
            continue
        raw_ids: Any = next((item[k] for k in _ID_KEYS if k in item), [])
        if isinstance(raw_ids, str | int):
            raw_ids = re.split(r"[,\s]+", str(raw_ids).strip())
        ids = []
        for raw in raw_ids if isinstance(raw_ids, list) else []:
            normalised = normalise_segment_id(raw, known_ids)
            value = normalised or str(raw)
            if value and value not in ids:
                ids.append(value)
        points.append(
            SummaryPoint(
                kind=kind,  # type: ignore[arg-type]
                text=text,
                segment_ids=tuple(ids),
                owner=_text(item.get("owner") or item.get("eigenaar") or item.get("wie")),
                due=_text(item.get("due") or item.get("deadline") or item.get("wanneer")),
            )
        )
    if skipped and not points:
        raise ValueError(f"none of the {skipped} item(s) in the answer is a valid point")
    if skipped:
        problems.append(f"{skipped} item(s) of the model's answer were not valid points and were left out")
    uncited = sum(1 for p in points if not p.segment_ids)
    if uncited:
        problems.append(f"{uncited} point(s) from the model cite no segment and are marked unsupported")
    return points, problems


# How alike two points' texts must be to be one point: chunks repeat a topic in other words; other kinds must be
# (nearly) the same sentence, since two decisions that differ in a date or a name are two decisions.
_SAME_POINT = {"topic": 90.0, "decision": 97.0, "action": 97.0, "question": 97.0}


def merge_points(points: Sequence[SummaryPoint], order: Mapping[str, int]) -> tuple[SummaryPoint, ...]:
    """Join repeated points of the same kind (chunks repeat a topic), keeping all their citations; sort by
    kind, then by the first segment cited."""
    merged: list[SummaryPoint] = []
    for point in points:
        twin_index = next(
            (
                i
                for i, other in enumerate(merged)
                if other.kind == point.kind
                and fuzz.token_sort_ratio(other.text.lower(), point.text.lower()) >= _SAME_POINT[point.kind]
            ),
            None,
        )
        if twin_index is None:
            merged.append(point)
            continue
        twin = merged[twin_index]
        merged[twin_index] = replace(
            twin,
            segment_ids=tuple(dict.fromkeys((*twin.segment_ids, *point.segment_ids))),
            owner=twin.owner or point.owner,
            due=twin.due or point.due,
        )
    kinds = {kind: n for n, kind in enumerate(POINT_KINDS)}

    def key(point: SummaryPoint) -> tuple[int, int]:
        positions = [order[i] for i in point.segment_ids if i in order]
        return kinds[point.kind], min(positions) if positions else len(order)

    return tuple(sorted(merged, key=key))


@dataclass
class _ChunkResult:
    points: list[SummaryPoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    failed: bool = False
    unavailable: bool = False


def model_info(backend: ChatBackend) -> dict[str, Any]:
    """Which model wrote the points: name, method and, where the backend knows them, file sha256 and server URL."""
    info: dict[str, Any] = {"name": backend.model, "method": backend.method, "sha256": None, "url": None}
    info.update({k: v for k, v in dict(getattr(backend, "info", {}) or {}).items() if v is not None})
    return info


def _payload(answer: str, problems: list[str], where: str) -> Any:
    """The answer's JSON; an answer cut off inside its points keeps the whole points before the cut (said so)."""
    try:
        payload = extract_json(answer)
    except ValueError:
        payload = None
    if isinstance(payload, list) or (isinstance(payload, dict) and isinstance(payload.get("points"), list)):
        return payload
    salvaged = salvage_points(answer)  # else extract_json may have found one point object inside the cut list
    if salvaged is None:
        if payload is None:
            raise ValueError("the answer holds no JSON object")
        return payload
    problems.append(
        f"{where}: the answer was cut off (too long for the token limit); its {len(salvaged['points'])} "
        "complete point(s) were kept"
    )
    return salvaged


class LLMSummarizer:
    """Drives a ``ChatBackend``: prompt per chunk, parse/repair/retry, merge, check citations."""

    def __init__(
        self,
        backend: ChatBackend,
        max_chunk_chars: int = 12_000,
        retries: int = 1,
        max_tokens: int = 1536,
        template: str = "verslag",
        constrained: bool = True,
        agenda: Sequence[str] = (),
    ) -> None:
        self.backend = backend
        self.template = template
        self.agenda = tuple(agenda)  # the meeting's agenda items, listed in the verslag prompt
        self.constrained = constrained  # ask for JSON following points_schema where the backend can enforce it
        self.max_chunk_chars = max(500, int(max_chunk_chars))
        self.retries = retries
        self.max_tokens = max_tokens

    def with_agenda(self, agenda: Sequence[str]) -> LLMSummarizer:
        """A copy of this summariser (same backend) whose ``verslag`` prompt lists ``agenda``."""
        copied = copy.copy(self)
        copied.agenda = tuple(agenda)
        return copied

    @property
    def chunk_chars(self) -> int:
        """The transcript's share of the prompt budget: the agenda listed in the prompt takes its part."""
        listed = len(system_prompt(self.template, self.agenda)) - len(system_prompt(self.template))
        return max(500, self.max_chunk_chars - listed)

    def summarize(self, transcript: Transcript, progress: ProgressHook) -> Summary:
        chunks = chunk_segments(transcript, self.chunk_chars)
        known = [s.id for s in transcript.segments]
        points: list[SummaryPoint] = []
        problems: list[str] = []
        fallback_chunks: list[int] = []
        unavailable = False
        progress(Progress(Stage.SUMMARIZE, 0, len(chunks), "chunks"))
        for number, chunk in enumerate(chunks, start=1):
            where = f"chunk {number} of {len(chunks)} ({chunk[0].id}-{chunk[-1].id})"
            if unavailable:
                result = _ChunkResult(failed=True)
            else:
                result = self._ask(transcript, chunk, known, where)
                unavailable = result.unavailable
            problems.extend(result.problems)
            if result.failed:
                fallback_chunks.append(number)
                points.extend(self._fallback(transcript, chunk))
            else:
                points.extend(result.points)
            progress(Progress(Stage.SUMMARIZE, number, len(chunks), "chunks"))
        method = self.backend.method
        if fallback_chunks:
            method = f"{method}+extractive"
            problems.append(
                f"the model gave no usable answer for {len(fallback_chunks)} of {len(chunks)} chunk(s); "
                "their points were made by the extractive summariser instead"
            )
        order = {segment_id: n for n, segment_id in enumerate(known)}
        summary = Summary(
            points=merge_points(points, order),
            method=method,
            model=self.backend.model,
            problems=tuple(dict.fromkeys(problems)),
            model_info=model_info(self.backend),
        )
        for problem in summary.problems:
            logger.warning("summary: %s", problem)
        return check_citations(summary, transcript)

    def _ask(self, transcript: Transcript, chunk: Sequence[Segment], known: Sequence[str], where: str) -> _ChunkResult:
        messages: list[dict[str, str]] = build_messages(transcript, chunk, self.template, self.agenda)
        schema = points_schema([s.id for s in chunk]) if self.constrained else None
        result = _ChunkResult()
        for attempt in range(1 + self.retries):
            try:
                answer = self.backend.chat(messages, self.max_tokens, schema=schema)
            except LLMUnavailable as exc:
                result.problems.append(f"{where}: {exc}")
                result.failed = result.unavailable = True
                return result
            except LLMError as exc:
                result.problems.append(f"{where}: {exc}")
                result.failed = True
                return result
            try:
                points, problems = parse_points(_payload(answer, result.problems, where), known)
            except ValueError as exc:
                refused = bool(_REFUSAL.search(answer)) or not answer.strip()
                what = "the model refused or gave an empty answer" if refused else f"malformed answer ({exc})"
                snippet = " ".join(answer.split())[:120]
                result.problems.append(f"{where}: {what}{': ' + repr(snippet) if snippet else ''}")
                logger.info("%s, attempt %d: %s", where, attempt + 1, what)
                messages = [
                    *messages,
                    {"role": "assistant", "content": answer},
                    {
                        "role": "user",
                        "content": "Dat was geen geldig antwoord. Antwoord nu met alleen het JSON-object "
                        '{"points": [...]} zoals gevraagd, zonder uitleg.',
                    },
                ]
                continue
            result.points = [replace(p, written_by=self.backend.model) for p in points]
            result.problems.extend(f"{where}: {p}" for p in problems)
            if attempt:
                result.problems.append(f"{where}: the model's answer was usable after {attempt} retry")
            return result
        result.failed = True
        return result

    @staticmethod
    def _fallback(transcript: Transcript, chunk: Sequence[Segment]) -> list[SummaryPoint]:
        from notulist.core.progress import no_progress
        from notulist.summary.extractive import ExtractiveSummarizer

        part = replace(transcript, segments=tuple(chunk))
        summary = ExtractiveSummarizer().summarize(part, no_progress)
        return [replace(p, support=0.0, supported=False) for p in summary.points]
