"""The glossary second pass end to end, with the real Whisper base model: `notulist transcribe --context`.

The clip is 21 s of a synthetic meeting (benchmarks/context_links, recording overleg_kis, lines 8-10): "Ik stuur de
IAMA naar de FG ...", "En de RAG-pilot ... BSN", "Besluit: de pilot gaat door als de IAMA voor de zomer klaar is.
Actie voor KI&S: het datalab in het MJP zetten." IAMA is said as a word; Whisper base writes it "Lama" or "jama"
unless told. The agenda (tests/data/context_kis_agenda.md) was written before the recording was transcribed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA

from notulist.cli.main import main
from notulist.glossary.spelled import find_spots, make_candidates, sound_key

SAID = {"IAMA", "FG", "RAG", "BSN", "KI&S", "MJP"}


def test_letter_names_and_sound_alike_words_are_spotted():
    candidates = make_candidates([(a, "context") for a in ("KI&S", "DF&A", "MJP", "IAMA", "RAG", "BZK")], {})
    assert sound_key("dee ef en aa") == sound_key("dee-ef-en-aa") == "defena"
    line = "Welkom bij het overleg tussen Kajandes en even aan over het MEP en de janna van errage."
    spots = find_spots(line.split(), candidates)
    found = {" ".join(line.split()[s.first_word : s.last_word + 1]): s.candidate.abbreviation for s in spots}
    assert found == {"Kajandes": "KI&S", "even aan": "DF&A", "MEP": "MJP", "janna": "IAMA", "errage.": "RAG"}
    assert find_spots("Goedemorgen, ik heb de stukken gelezen en ga akkoord.".split(), candidates) == []
    assert find_spots("Het KI&S-team en DF&A".split(), candidates) == []  # already written


def test_an_acronym_written_among_ordinary_words_must_fit_the_candidate():
    # overleg_energiesubsidie: said "Heeft de EC er iets over gezegd?"; the agenda's ADR sounds a little like "de ECR"
    candidates = make_candidates([(a, "context") for a in ("EZK", "RVO", "BZK", "DPIA", "ADR", "IAMA", "DICTU")], {})
    assert find_spots("En de staatsunnerwiel geeft de ECR iets over genegd.".split(), candidates) == []
    # letters that agree but for one are still a spot, alone or among words
    assert [s.candidate.abbreviation for s in find_spots("via DICT doen,".split(), candidates)] == ["DICTU"]
    assert [s.candidate.abbreviation for s in find_spots("van de EZG betaalt".split(), candidates)] == ["EZK"]


def test_glossary_candidates_never_stand_for_ordinary_words():
    from notulist.glossary import load_glossary
    from notulist.recognition.second_pass import second_pass_candidates

    candidates = second_pass_candidates(load_glossary())
    assert all(c.source == "glossary" for c in candidates) and len(candidates) > 20
    assert find_spots("Dan gaan we naar huis.".split(), candidates) == []
    # letters the recogniser wrote were heard as letters: a glossary guess must fit them but for one
    assert find_spots("het ministerie van me met K.A.R.O.K.".split(), candidates) == []  # not CAO (BZK was said)
    assert [s.candidate.abbreviation for s in find_spots("staan in de DPA.".split(), candidates)] == ["DPIA"]
    # one written word stands for a glossary candidate only as the candidate read as a word, never spelled out
    # (overleg_energiesubsidie, said "om aanvragen te selecteren": scored 3.3 nats better as AWR)
    assert find_spots("Ja, een ouderwitme om aanweer te selecteren voor de koppeling.".split(), candidates) == []
    assert [s.candidate.abbreviation for s in find_spots("Vraagt u dan om een jama?".split(), candidates)] == ["IAMA"]
    assert [s.candidate.abbreviation for s in find_spots("in de BS en in het".split(), candidates)] == ["BSN"]


def _words(text: str, start: float = 0.0) -> tuple:
    from notulist.core.model import Word

    return tuple(Word(start + i, start + i + 0.8, t, 0.9) for i, t in enumerate(text.split()))


def test_only_the_hinted_words_at_the_spot_are_kept():
    from notulist.recognition.second_pass import join_words, splice

    candidates = make_candidates([(a, "context") for a in ("ILT", "RDW")], {})
    first_text = "De ie el tee doet dat bij transportbedrijven, samen met de RDW."
    first = _words(first_text)
    spots = find_spots([w.text for w in first], candidates)
    assert [(s.first_word, s.last_word, s.candidate.abbreviation) for s in spots] == [(1, 3, "ILT")]

    def spliced(hinted: str) -> str:
        return join_words([w.text for w in splice(first, _words(hinted), spots)])

    # the hinted decoding wrote ILT but rewrote the rest of the line worse: only the spot is taken from it
    assert spliced("De ILT doet dat bij trans portbedrijven Samen met de RDW.") == (
        "De ILT doet dat bij transportbedrijven, samen met de RDW."
    )
    assert spliced("De ILT.Betronsportbedrijven doet dat bij transportbedrijven, samen met de RDW.") == (
        "De ILT.Betronsportbedrijven doet dat bij transportbedrijven, samen met de RDW."
    )  # the word that writes the abbreviation comes as the hinted decoding wrote it
    # nothing differs outside the spot: the hinted line as it is
    assert spliced("De ILT doet dat bij transportbedrijven, samen met de RDW.") == (
        "De ILT doet dat bij transportbedrijven, samen met de RDW."
    )
    # an abbreviation written away from the spot is not taken: the spot's words stay as first written
    assert spliced("De ie el tee doet dat bij ILT, samen met de RDW.") == first_text
    # a hinted word said during the spot but aligned elsewhere is not taken either
    from notulist.core.model import Word

    hinted = (*first[:4], Word(4.0, 4.8, "doet", 0.9), Word(2.2, 2.9, "ILT", 0.9), *first[5:])
    assert join_words([w.text for w in splice(first, hinted, spots)]) == first_text


def test_of_a_stretch_aligned_with_the_spot_only_the_words_said_during_it_are_taken():
    """overleg_gegevensdeling (benchmarks/context_links), with the agenda: "Het CAK staat niet in de DPIA. Dat moeten
    we toevoegen." was said; the hinted decoding wrote DPIA but also rewrote the words after it, and difflib aligns
    them in one stretch with the spot."""
    from notulist.core.model import Word
    from notulist.recognition.second_pass import join_words, splice

    def timed(*words) -> tuple:
        return tuple(Word(start, end, text, 0.9) for start, end, text in words)

    first = timed(
        (40.14, 40.84, "Het"), (40.84, 41.52, "CAK"), (41.52, 41.9, "staat"), (41.9, 42.18, "niet"),
        (42.18, 42.44, "in"), (42.44, 42.62, "de"), (42.62, 43.42, "wPIA,"), (44.0, 44.16, "dat"),
        (44.16, 44.4, "loopt"), (44.4, 44.54, "een"), (44.54, 45.32, "metovolgen."),
    )  # fmt: skip
    hinted = timed(
        (40.14, 40.84, "Het"), (40.84, 41.52, "CAK"), (41.52, 41.9, "staat"), (41.9, 42.18, "niet"),
        (42.18, 42.44, "in"), (42.44, 42.62, "de"), (42.62, 43.48, "DPIA."), (44.02, 44.3, "Natuur"),
        (44.3, 44.54, "en"), (44.54, 44.74, "met"), (44.74, 44.86, "de"), (44.86, 45.18, "volgende."),
    )  # fmt: skip
    spots = find_spots([w.text for w in first], make_candidates([(a, "context") for a in ("DPIA", "CAK")], {}))
    assert [(s.first_word, s.last_word, s.candidate.abbreviation) for s in spots] == [(5, 6, "DPIA")]  # "de wPIA,"
    spliced = splice(first, hinted, spots)
    assert join_words([w.text for w in spliced]) == "Het CAK staat niet in de DPIA. dat loopt een metovolgen."
    assert spliced[6] is hinted[6] and spliced[7:] == first[7:]
    # spelled letters the hinted decoding wrote as one word: the word said during them takes their place
    first = timed((0.0, 0.3, "de"), (0.3, 0.6, "dee"), (0.6, 0.9, "pie"), (0.9, 1.2, "ie"), (1.2, 1.5, "aa."))
    hinted = timed((0.0, 0.3, "de"), (0.35, 1.45, "DPIA."))
    spots = find_spots([w.text for w in first], make_candidates([("DPIA", "context")], {}))
    assert join_words([w.text for w in splice(first, hinted, spots)]) == "de DPIA."


def test_a_replacement_never_writes_an_abbreviation_the_line_already_has_elsewhere():
    """overleg_gegevensdeling (benchmarks/context_links): "BRP en de BAG" was said and written; scored without a
    prompt, "BRP en de BRP" fitted the audio 7.5 nats better and the swap check wrote it."""
    from notulist.core.model import Segment
    from notulist.recognition.second_pass import join_words, repeats_abbreviation, swap_variants

    agenda = ["BRP", "BAG", "BSN", "VNG", "DPIA", "ENSIA"]
    said = "Goedemorgen allemaal, we beginnen met de gegevens uit de BRP en de BAG."
    line = Segment("s0000", 0.0, 11.0, said, _words(said))
    swaps = {(join_words([w.text for w in words]), other) for words, other in swap_variants(line.words, agenda)}
    assert not any("BRP en de BRP" in text for text, _ in swaps)
    assert ("Goedemorgen allemaal, we beginnen met de gegevens uit de BRP en de VNG.", "VNG") in swaps
    assert ("Goedemorgen allemaal, we beginnen met de gegevens uit de BAG en de BAG.", "BAG") not in swaps
    assert ("Goedemorgen allemaal, we beginnen met de gegevens uit de BSN en de BAG.", "BSN") in swaps
    assert repeats_abbreviation(said.split(), said.replace("BAG", "BRP").split(), ["BRP"])
    # a right replacement still goes through: BAG where the recogniser wrote another one
    written = said.replace("BAG", "VNG")
    swaps = {other for _, other in swap_variants(_words(written), agenda)}
    assert "BAG" in swaps and "BRP" not in swaps
    assert not repeats_abbreviation(written.split(), said.split(), ["BAG"])
    # and a line that said it twice may keep it twice
    twice = "De BRP levert, en de BRP-koppeling loopt."
    assert not repeats_abbreviation(twice.split(), twice.replace("levert", "levert,").split(), ["BRP"])
    # the hinted decoding's proposals are held to the same rule (the second pass drops one that repeats)
    assert repeats_abbreviation("de BSN en het BS".split(), "de BSN en het BSN".split(), ["BSN"])
    assert not repeats_abbreviation("de BRP en het BS".split(), "de BRP en het BSN".split(), ["BSN"])


def test_only_abbreviations_said_letter_by_letter_are_swapped():
    """overleg_algoritme: "Actie voor de CIO" was said and written; scored without a prompt, "... de Woo." fitted the
    audio 2.8 nats better (one syllable where three letter names were said) and the swap check wrote it."""
    from notulist.recognition.second_pass import swap_variants

    agenda = ["IAMA", "DPIA", "RAG", "KI&S", "CIO", "Woo", "AVG", "FG"]
    swaps = {other for _, other in swap_variants(_words("Axie voor de CIO."), agenda)}
    assert "Woo" not in swaps and {"RAG", "AVG"} <= swaps
    assert swap_variants(_words("Dat vraagt de Woo."), agenda) == []  # nor the other way round
    # a lower-case consonant is still letters: interview_toezicht, "de BSN" said, "de KvK" written with the hints
    assert "BSN" in {other for _, other in swap_variants(_words("Gebruik u naar mij de KvK?"), ["KvK", "BSN", "ILT"])}


def test_a_glossary_candidate_is_not_read_from_written_letters_with_one_more():
    from notulist.glossary import load_glossary
    from notulist.recognition.second_pass import second_pass_candidates

    candidates = second_pass_candidates(load_glossary())
    # overleg_cloud: "MAPI" where MKB was said became MAP (lost 1.9 nats, within the written margin)
    line = "Ik neem de MAPI een mond dat in CIO en de MIPI-kameraar en duur een mond mijnaast rond."
    assert "MAP" not in {s.candidate.abbreviation for s in find_spots(line.split(), candidates)}
    # one letter fewer than the candidate is still read so ("DPA" for DPIA)
    assert [s.candidate.abbreviation for s in find_spots("in de DPA.".split(), candidates)] == ["DPIA"]


@pytest.mark.slow
def test_second_pass_writes_the_agenda_abbreviation_and_records_both_texts(tmp_path, capsys):
    notes = tmp_path / "notitie.txt"
    notes.write_text("Zie ook de toets aan het basisbeveiligingsniveau (BBN).\n", encoding="utf-8")
    argv = ["transcribe", str(DATA / "context_kis_clip.flac"), "--sessions-dir", str(tmp_path / "sessions")]
    argv += ["--context", str(DATA / "context_kis_agenda.md"), "--context", str(notes)]
    code = main([*argv, "--no-summary", "--format", "html", "--no-diarize", "--device", "cpu", "--threads", "2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    session = Path(out.strip().splitlines()[-1])

    manifest = json.loads((session / "manifest.json").read_text())
    assert [c["file"] for c in manifest["context"]] == ["context/context_kis_agenda.md", "context/notitie.txt"]
    assert manifest["files"]["context/notitie.txt"] == manifest["context"][1]["sha256"]
    assert (session / "context" / "notitie.txt").read_bytes() == notes.read_bytes()
    assert manifest["options"]["decoding_hints"].startswith("KI&S, DF&A, MJP, IAMA")

    glossary = json.loads((session / "glossary.json").read_text())
    (unknown,) = glossary["context"]["unknown_abbreviations"]
    assert unknown["abbreviation"] == "BBN" and unknown["add"].startswith('notulist glossary add BBN "basis')
    report = (session / "report.html").read_text(encoding="utf-8")  # the appendix "Onbekende afkortingen"
    assert "<h2>Onbekende afkortingen (1)</h2>" in report and "notulist glossary add BBN &#34;basis" in report

    events = [json.loads(line) for line in (session / "audit.jsonl").read_text().splitlines()]
    replaced = [e["data"] for e in events if e["event"] == "abbreviation_redecoded"]
    assert replaced, "no line was decoded again"
    for item in replaced:
        assert "IAMA" in item["new"] and "IAMA" not in item["old"] and item["abbreviations"] == ["IAMA"]
        assert item["new_score"] >= item["old_score"] - 3.5
    transcript = json.loads((session / "transcript.json").read_text())
    texts = {s["id"]: s["text"] for s in transcript["segments"]}
    assert all(texts[item["segment_id"]] == item["new"] for item in replaced)
    # every link points at an abbreviation that was said: nothing inserted
    surfaces = {link["surface"] for link in transcript["links"]}
    linked = {glossary["entries"][link["entry_id"]]["abbreviation"] for link in transcript["links"]}
    assert "IAMA" in linked and linked <= SAID, surfaces
    assert main(["verify", str(session)]) == 0


@pytest.mark.slow
def test_a_session_abbreviation_written_for_another_is_swapped_back_by_the_audio():
    """The hint list can make the recogniser write one agenda abbreviation where another was said (ILT for LNV); the
    line is scored without a prompt with each other session abbreviation of as many letters in its place."""
    from faster_whisper import WhisperModel

    from notulist.audio.decode import load_for_recognition
    from notulist.core.model import Segment
    from notulist.glossary import load_glossary
    from notulist.recognition.second_pass import SecondPass, second_pass_candidates
    from notulist.recognition.whisper_model import resolve_model

    model = WhisperModel(str(resolve_model(None).path), device="cpu", compute_type="int8", cpu_threads=2)
    audio = load_for_recognition(DATA / "context_kis_clip.flac")  # the last line: "... in het MJP zetten."
    agenda = ["KI&S", "DF&A", "MJP", "IAMA", "RAG", "BZK", "FG"]
    second = SecondPass(model, second_pass_candidates(load_glossary(), agenda))

    def line(text: str) -> Segment:
        return Segment("s0003", 12.0, 20.8, text, _words(text, 12.0))

    said = "Besluit: de pilot gaat door als de IAMA voor de zomer klaar is. "
    said += "Actie voor KI&S: het datalab in het MJP zetten."
    swapped = line(said.replace("MJP", "BZK"))
    segments, replaced = second.run(audio, [swapped])
    assert segments[0].text == said
    assert [(r.old_text, r.candidates) for r in replaced] == [(swapped.text, ("MJP",))]
    assert replaced[0].new_score > replaced[0].old_score + 1.0
    right = line(said)
    assert second.run(audio, [right]) == ([right], [])
    # IAMA has no other session abbreviation of four letters: nothing to check, nothing decoded
    alone = SecondPass(model, second_pass_candidates(load_glossary(), ["IAMA", "FG"], with_glossary=False))
    assert alone.run(audio, [line("de IAMA")]) == ([line("de IAMA")], [])
