"""The shared state of the extractive finders: the sentences, what is already used, the drafted points.

Each finder (``find_decisions``, ``find_actions``, ``find_topics``, ``find_questions``) reads the sentences and adds
``Draft`` points here; a sentence that became a decision or an action is ``used`` so that no later finder turns it
into a point of another kind (no point is said twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from notulist.core.model import Transcript
from notulist.summary.citations import content_words
from notulist.summary.sentences import Sentence, capitalise, find_due, split_sentences


@dataclass
class Draft:
    kind: str
    text: str
    segments: list[int]
    owner: str | None = None  # a speaker id (the report shows its current name) or a name said in the meeting
    due: str | None = None


@dataclass
class MinutesContext:
    transcript: Transcript
    sentences: list[Sentence] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    drafts: list[Draft] = field(default_factory=list)

    @classmethod
    def of(cls, transcript: Transcript) -> MinutesContext:
        return cls(transcript, split_sentences(transcript))

    def owner_of(self, sentence: Sentence) -> str | None:
        """Who said ``sentence``: its speaker's name when one is known, else the speaker id (named later)."""
        if sentence.speaker is None:
            return None
        return self.transcript.speaker_name(sentence.speaker) or sentence.speaker

    def previous(self, index: int, other_speaker: bool = True, max_segments: int = 2) -> int | None:
        """The nearest substantive sentence before ``index`` (by another speaker if asked), or None.

        A confident sentence is preferred over a doubtful one at the same distance or one further back.
        """
        here = self.sentences[index]
        doubtful: int | None = None
        for j in range(index - 1, -1, -1):
            candidate = self.sentences[j]
            if here.segment - candidate.segment > max_segments:
                break
            if other_speaker and here.speaker is not None and candidate.speaker == here.speaker:
                continue  # (without speaker labels every other segment may be someone else)
            if other_speaker and candidate.segment == here.segment:
                continue
            if len(content_words(candidate.text)) >= 2:
                if not candidate.doubtful:
                    return j if doubtful is None or doubtful - j <= 1 else doubtful
                doubtful = j if doubtful is None else doubtful
        return doubtful

    def due_near(self, indices: Sequence[int]) -> str | None:
        """A deadline said in these sentences or in the next sentence of the same speaker."""
        candidates = list(indices)
        last = max(indices)
        if last + 1 < len(self.sentences) and self.sentences[last + 1].speaker == self.sentences[last].speaker:
            candidates.append(last + 1)
        for j in candidates:
            due = find_due(self.sentences[j])
            if due:
                self.used.add(j)  # the line that gives the deadline belongs to this point, not to a topic
                return due
        return None

    def addressee(self, i: int) -> int | None:
        """The last sentence, before ``i``, of the person ``i`` speaks to (the previous other speaker)."""
        here = self.sentences[i]
        for j in range(i - 1, -1, -1):
            if self.sentences[j].speaker not in (None, here.speaker):
                return j
        return None

    def add(
        self, kind: str, text: str, indices: Sequence[int], owner: str | None = None, due: str | None = None
    ) -> None:
        segments = sorted({self.sentences[i].segment for i in indices})
        self.drafts.append(Draft(kind, capitalise(text), segments, owner, due))
        self.used.update(indices)
