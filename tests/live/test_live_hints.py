"""The session's hints in live recognition: keywords and context documents given to the live decoder as the final
pass gets them, the guard against a copied hint list, and the prompt-copy guard of a live step still working with
hints. Fast tests use scripted recognisers that misbehave as reported; the slow one replays real audio."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from notulist.core.audio import SAMPLE_RATE
from notulist.core.model import Word
from notulist.glossary.documents import ContextDocument, ContextError
from notulist.live.context import save_context, saved_context
from notulist.live.hints import HintedDecoder
from notulist.live.streaming import InferenceRequest, transcribe_request
from notulist.pipeline.context import with_context
from notulist.pipeline.run import PipelineOptions

PREVIOUS = "Ja, dat begrijp ik. Mijn vrouw heeft goed mee uitgelegd."


def _timed(text: str) -> list[Word]:
    return [Word(i * 0.4, i * 0.4 + 0.3, w, 0.9) for i, w in enumerate(text.split())]


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


class Scripted:
    """Hears "FIOD" only when told to expect it (else "fiets", as the bundled model does), copies the committed
    prompt's last sentence when prompted with it, and answers with the hint list itself when ``copies_hints``."""

    def __init__(self, copies_hints: bool = False) -> None:
        self.copies_hints = copies_hints
        self.calls: list[str] = []

    def decode(self, audio: np.ndarray, prompt: str = "", prefix: str = "") -> list[Word]:
        self.calls.append(prompt)
        hinted = prompt.startswith("FIOD, btw, KvK")
        if self.copies_hints and hinted:
            return _timed("FIOD, btw, KvK, BSN")
        if PREVIOUS in prompt:
            return _timed(PREVIOUS.split(". ")[-1])
        return _timed("Ik ben rechercheur bij de FIOD." if hinted else "Ik ben rechercheur bij de fiets.")


HINTS = "FIOD, btw, KvK, BSN"
SILENCE = np.zeros(3 * SAMPLE_RATE, dtype=np.float32)


def test_the_hints_go_before_the_prompt_on_every_window():
    recognizer = Scripted()
    words = HintedDecoder(recognizer, HINTS).decode(SILENCE, "Goedemorgen.", "Ik ben")
    assert _text(words) == "Ik ben rechercheur bij de FIOD."
    assert recognizer.calls == [f"{HINTS} Goedemorgen."]  # faster-whisper's order for hotwords
    assert _text(HintedDecoder(Scripted(), None).decode(SILENCE)) == "Ik ben rechercheur bij de fiets."


def test_a_copied_hint_list_is_replaced_by_the_decoding_without_hints():
    recognizer = Scripted(copies_hints=True)
    words = HintedDecoder(recognizer, HINTS).decode(SILENCE, "Goedemorgen.")
    assert _text(words) == "Ik ben rechercheur bij de fiets."
    assert recognizer.calls == [f"{HINTS} Goedemorgen.", "Goedemorgen."]


def test_the_prompt_copy_guard_still_works_and_keeps_the_hints_when_it_decodes_again():
    recognizer = Scripted()
    request = InferenceRequest(SILENCE, 40.0, PREVIOUS)
    words = transcribe_request(HintedDecoder(recognizer, HINTS), request)
    # the copy of the committed text is caught; the prompt-free decoding still hears the hinted FIOD
    assert _text(words) == "Ik ben rechercheur bij de FIOD."
    assert recognizer.calls == [f"{HINTS} {PREVIOUS}", HINTS]


def test_keywords_and_documents_become_the_hints_and_the_context_of_the_final_pass(tmp_path):
    agenda = "Agenda\n1. Onderzoek van de Fiscale inlichtingen- en opsporingsdienst (FIOD)\n2. Aangifte btw\n"
    document = ContextDocument("agenda.md", agenda.encode(), agenda, "0" * 64)
    options = with_context(PipelineOptions(decoding_hints="Woo", second_pass=()), [document], ["KvK"])
    assert options.decoding_hints is not None
    hints = options.decoding_hints.split(", ")
    assert hints[:2] == ["KvK", "Woo"] and "FIOD" in hints  # keywords first, then what the agenda names
    assert options.context is not None and [d.name for d in options.context.documents] == ["agenda.md"]
    assert options.recorded["keyword"] == ["KvK"] and options.recorded["context"] == ["agenda.md"]
    assert with_context(options, [], []) is options
    save_context(tmp_path, ["KvK"], [document])
    keywords, documents = saved_context(tmp_path)
    assert keywords == ["KvK"] and [(d.name, d.text) for d in documents] == [("agenda.md", agenda)]
    assert (tmp_path / "context" / "agenda.md").read_text() == agenda


def test_a_document_the_page_sends_is_read_like_context_and_a_bad_one_is_refused():
    from notulist.web.live_socket import start_context

    data = base64.b64encode(b"Overleg over de DPIA met de FG").decode()
    context = start_context(
        "FIOD, btw\nKvK", [{"name": "../../agenda.txt", "data": data}, {"name": "agenda.txt", "data": data}]
    )
    assert context.keywords == ("FIOD", "btw", "KvK")
    assert [d.name for d in context.documents] == ["agenda.txt", "agenda-2.txt"]  # no folders, no clash
    with pytest.raises(ContextError, match=r"onbekend type \(\.exe\).*gebruik \.txt, \.md, \.docx of \.pdf"):
        start_context("", [{"name": "virus.exe", "data": data}])
    with pytest.raises(ContextError, match="geen geldig Word-bestand"):
        start_context("", [{"name": "stukken.docx", "data": data}])
    with pytest.raises(ValueError, match="kwam niet goed aan"):
        start_context("", [{"name": "agenda.txt", "data": "niet base64!"}])


@pytest.mark.slow
def test_real_live_decoding_hears_the_keyword():
    """The bundled model writes "fiets" or "field" for the FIOD of this clip while live; with the keyword, FIOD."""
    from live_support import ROOT

    from notulist.audio.decode import load_for_recognition
    from notulist.live.presets import BALANCED
    from notulist.live.streaming import replay
    from notulist.recognition.whisper_model import choose_device, load_whisper, resolve_model
    from notulist.recognition.window_decoder import WindowDecoder

    once = load_for_recognition(ROOT / "tests" / "data" / "live_fiod_10s.wav")
    audio = np.concatenate([once, once])  # FIOD ends the clip: twice, so that speech follows it as in a meeting
    decoder = WindowDecoder(load_whisper(resolve_model(None), choose_device("cpu"), 2), BALANCED.window)
    plain = " ".join(s.text for s in replay(decoder, audio, BALANCED.streaming))
    hinted = " ".join(s.text for s in replay(HintedDecoder(decoder, "FIOD"), audio, BALANCED.streaming))
    assert "FIOD" not in plain, plain
    assert "FIOD" in hinted and "rechercheur" in hinted.lower(), hinted
