"""The glossary: file format and validation, the bundled glossary, normalisation, the linker, hints, the CLI."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from conftest import DATA, REPO, SHARED

from notulist.core.errors import NotulistError
from notulist.core.model import Segment, Transcript, segment_id, transcript_from_dict, transcript_to_dict
from notulist.glossary import GlossaryError, entries_snapshot, load_glossary
from notulist.glossary.hints import MAX_CHARS, MAX_TERMS, decoding_hints
from notulist.glossary.linker import link_texts, link_transcript
from notulist.glossary.normalise import normalise_key, spelled_key

LABELLED = DATA / "glossary_labelled.yaml"


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


def write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def linked(glossary, text: str) -> list[tuple[str, str]]:
    return [(link.surface, link.entry_id) for link in link_texts([text], glossary)]


# --- the bundled glossary ---
def test_bundled_glossary_is_large_sourced_and_versioned(glossary):
    assert len(glossary) >= 300
    assert glossary.version and len(glossary.sha256) == 64
    for entry in glossary.entries.values():
        for meaning in entry.meanings:
            assert meaning.source, meaning.id
            assert meaning.expansion, meaning.id
    for term in (
        "btw",
        "BSN",
        "FIOD",
        "KvK",
        "Awb",
        "AWR",
        "IB",
        "Vpb",
        "Woo",
        "Wob",
        "AVG",
        "DPIA",
        "FG",
        "MKB",
        "MT",
    ):
        assert glossary.lookup(term), term


def test_bundled_glossary_has_no_municipalities(glossary):
    for name in ("Aalsmeer", "Aalten", "Aa en Hunze", "Utrecht", "Amsterdam"):
        assert glossary.lookup(name) == [], name


def test_ambiguous_abbreviations_carry_context_words(glossary):
    for term in ("AP", "IV", "OB"):
        meanings = glossary.lookup(term)
        assert len(meanings) >= 2, term
        assert all(m.context_words for m in meanings), term


def test_bundled_file_is_what_the_build_script_makes(tmp_path):
    sources = SHARED / "glossary-sources"
    if not sources.is_dir():
        pytest.skip("../shared/glossary-sources is absent")
    from notulist.glossary.build_bundled import main

    out = tmp_path / "rebuilt.yaml"
    main(["--sources", str(sources), "--out", str(out)])
    bundled = REPO / "notulist" / "glossary" / "data" / "civil_service.yaml"
    assert out.read_text(encoding="utf-8") == bundled.read_text(encoding="utf-8")


# --- normalisation and lookup ---
@pytest.mark.parametrize(
    ("term", "key"),
    [("a.v.g.", "AVG"), ("Avg", "AVG"), ("DF en A", "DF&A"), ("KI & S", "KI&S"), ("K.v.K.", "KVK"), (" Woo ", "WOO")],
)
def test_normalise_key(term, key):
    assert normalise_key(term) == key


def test_spelled_key_reads_dutch_letter_names():
    assert spelled_key("aa vee gee") == "AVG"
    assert spelled_key("bee-es-en") == "BSN"
    assert spelled_key("ka vee ka") == "KVK"
    assert spelled_key("goedemorgen allemaal") is None


def test_lookup_is_normalised(glossary):
    assert [m.id for m in glossary.lookup("a.v.g.")] == ["avg"]
    assert [m.id for m in glossary.lookup("aa vee gee")] == ["avg"]
    assert [m.id for m in glossary.lookup("kvk")] == ["kvk"]
    assert glossary.lookup("woo")[0].expansion == "Wet open overheid"
    assert glossary.lookup("niet-bestaand") == []


# --- user glossaries: layering and validation ---
def test_user_glossary_adds_and_overrides(tmp_path):
    path = write(
        tmp_path,
        """
glossary: 1
version: team-7
entries:
  - abbreviation: XQZ
    spoken: [iks kuu zet]
    expansion: Extra Kwaliteitszorg
    source: eigen teamafspraak
  - abbreviation: AVG
    expansion: Afdeling Verkeer en Groen
    source: eigen organisatie
    context: [verkeer]
  - abbreviation: MT
    extend: true
    meanings:
      - expansion: Mobiel Team
        id: mt.mobiel-team
        context: [wagen, buitendienst]
        source: eigen organisatie
""",
    )
    glossary = load_glossary([path])
    bundled = load_glossary()
    assert glossary.version.endswith("+team-7")
    assert glossary.sha256 != bundled.sha256
    assert [m.expansion for m in glossary.lookup("AVG")] == ["Afdeling Verkeer en Groen"]
    assert glossary.lookup("XQZ")[0].source == "eigen teamafspraak"
    assert {m.id for m in glossary.lookup("MT")} >= {"mt", "mt.mobiel-team"}
    assert linked(glossary, "Het Mobiel MT staat met de wagen in de buitendienst.") == [("MT", "mt.mobiel-team")]
    assert linked(glossary, "Zeg maar iks kuu zet.") == [("iks kuu zet", "xqz")]


def test_malformed_glossary_names_file_line_and_field(tmp_path):
    path = write(
        tmp_path,
        """entries:
  - abbreviation: ABC
    meanings:
      - expansion: Een
        source: eigen gebruik
        valid_from: 2020-13-01
        colour: rood
  - expansion: zonder afkorting
    source: x
""",
    )
    with pytest.raises(GlossaryError) as caught:
        load_glossary([path])
    problems = caught.value.problems
    assert f"{path}:6: field 'valid_from'" in problems[0]
    assert any(p.startswith(f"{path}:7: field 'colour'") for p in problems)
    assert any(p.startswith(f"{path}:8: field 'abbreviation'") for p in problems)
    assert isinstance(caught.value, NotulistError)
    assert "\n" not in str(caught.value) and "more problems" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entries:\n  - abbreviation: [a\n", ":3: not valid YAML"),
        ("", ":1: the file is empty"),
        ("version: 1\n", "field 'entries': is missing"),
        ("entries:\n  - abbreviation: XY\n", ":2: field 'expansion': is missing"),
        ("entries:\n  - abbreviation: XY\n    expansion: Iets\n", ":2: field 'source': is missing"),
        ("glossary: 9\nentries: []\n", ":1: field 'glossary': format 9 is not supported"),
    ],
)
def test_each_kind_of_problem_is_reported(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(GlossaryError) as caught:
        load_glossary([path])
    assert expected in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_missing_glossary_file_is_a_clear_error(tmp_path):
    with pytest.raises(GlossaryError, match="cannot read the glossary file"):
        load_glossary([tmp_path / "absent.yaml"])


# --- the linker ---
def test_labelled_set_precision_and_recall(glossary):
    from benchmarks.glossary_links import score_labelled_items

    items = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["items"]
    assert len(items) >= 120
    assert sum(1 for item in items if not item.get("links")) >= 30
    score = score_labelled_items(items, glossary)
    assert score.precision >= 0.95, score.false_links
    assert score.recall >= 0.90, score.missed


def test_labelled_entry_ids_exist(glossary):
    items = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["items"]
    for item in items:
        for _, entry_id in item.get("links") or []:
            glossary.meaning(entry_id)


def test_links_point_at_their_surface(glossary):
    text = "Het Woo-verzoek over de A.V.G. en het bsn-nummer, via DF en A en de aa-vee-gee, bij de RIEC's."
    links = link_texts([text], glossary)
    assert [(link.surface, link.entry_id) for link in links] == [
        ("Woo", "woo"),
        ("A.V.G.", "avg"),
        ("bsn", "bsn"),
        ("DF en A", "df-en-a"),
        ("aa-vee-gee", "avg"),
        ("RIEC", "riec"),
    ]
    for link in links:
        assert text[link.char_start : link.char_end] == link.surface
        assert 0 < link.score <= 1


@pytest.mark.parametrize(
    "text",
    [
        "Om tien uur gaan we door, en dan of niet.",
        "De wet is duidelijk. Wet en regelgeving.",
        "Het is mt, zei hij.",
        "Heeft u facturen van Nova Trading?",
        "Op de agenda staan de Pia en de planning.",
        "Een boa constrictor in de dierentuin.",
        "Hij zei er en es niets over.",
    ],
)
def test_ordinary_words_are_not_linked(glossary, text):
    assert linked(glossary, text) == []


def test_context_chooses_between_meanings(glossary):
    assert linked(glossary, "De AP legde een boete op voor het datalek.") == [("AP", "ap.autoriteit-persoonsgegevens")]
    assert linked(glossary, "De ADR rapporteerde een AP over de onvolkomenheid.")[1] == ("AP", "ap.aandachtspunt")
    # context from neighbouring segments counts too
    links = link_texts(["Het gaat om persoonsgegevens.", "Meld het bij de AP."], glossary)
    assert links[0].entry_id == "ap.autoriteit-persoonsgegevens"


def test_a_name_that_is_a_spoken_variant_needs_context(glossary):
    assert linked(glossary, "Ik begin met de Pia. De eerste versie ligt bij de FG.")[0] == ("Pia", "dpia")


def test_link_transcript_and_snapshot_roundtrip(glossary):
    texts = ["Ik ben rechercheur bij de FIOD.", "Het bsn-nummer en de btw-aangifte.", "Niets hier."]
    transcript = Transcript(
        language="nl",
        duration=9.0,
        segments=tuple(Segment(segment_id(i), i * 3.0, i * 3.0 + 3, t) for i, t in enumerate(texts)),
    )
    result = link_transcript(transcript, glossary)
    assert result.segments == transcript.segments
    assert [(link.segment_id, link.entry_id) for link in result.links] == [
        ("s0001", "fiod"),
        ("s0002", "bsn"),
        ("s0002", "btw"),
    ]
    again = transcript_from_dict(json.loads(json.dumps(transcript_to_dict(result))))
    assert again.links == result.links
    snapshot = entries_snapshot(glossary, result.links)
    assert snapshot["version"] == glossary.version and snapshot["sha256"] == glossary.sha256
    assert set(snapshot["entries"]) == {"fiod", "bsn", "btw"}
    assert snapshot["entries"]["bsn"]["expansion"] == "burgerservicenummer"
    assert set(snapshot["entries"]["fiod"]) == {"abbreviation", "expansion", "description", "domain", "source", "url"}


def test_fixture_transcripts_get_links(glossary):
    """Transcripts of the two synthetic recordings made by the real pipeline: every link must point at an
    abbreviation spoken in that recording, at the characters it names."""
    spoken = yaml.safe_load((DATA / "glossary_spoken_abbreviations.yaml").read_text(encoding="utf-8"))["recordings"]
    paths = [p for name in spoken for p in sorted(DATA.glob(f"{name}*.transcript.json")) if "refspeakers" not in p.name]
    if not paths:
        pytest.skip("fixture transcripts not there yet")
    for path in paths:
        said = {o["entry"] for o in spoken[path.name.split(".")[0]]}
        transcript = transcript_from_dict(json.loads(path.read_text(encoding="utf-8")))
        result = link_transcript(dataclasses.replace(transcript, links=()), glossary)
        assert len(result.links) >= 3, path.name
        for link in result.links:
            assert result.segment(link.segment_id).text[link.char_start : link.char_end] == link.surface
            assert link.entry_id in said, (path.name, link)


# --- hints ---
def test_decoding_hints_are_the_users_keywords_only(glossary):
    assert decoding_hints(glossary) is None
    assert decoding_hints(glossary, "privacy") is None  # a domain list inserted abbreviations nobody said
    assert decoding_hints(glossary, "privacy", ["kvk", "Project Zeus", "a.v.g."]) == "KvK, Project Zeus, AVG"
    many = decoding_hints(glossary, keywords=[f"TERM{i}" for i in range(40)])
    assert len(many) <= MAX_CHARS and many.count(",") < MAX_TERMS


def test_domain_hints_can_be_asked_for(glossary):
    hint = decoding_hints(glossary, "privacy", include_domain=True)
    assert hint and "AVG" in hint and "DPIA" in hint and len(hint) <= MAX_CHARS
    assert "FIOD" not in hint
    assert decoding_hints(glossary, "privacy", ["FIOD"], include_domain=True).startswith("FIOD, ")


# --- CLI ---
def run_cli(argv: list[str]) -> int:
    from notulist.cli import cmd_glossary

    parser = argparse.ArgumentParser(prog="notulist")
    cmd_glossary.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_lookup_shows_every_meaning_with_source(capsys):
    assert run_cli(["glossary", "lookup", "AP"]) == 0
    out = capsys.readouterr().out
    assert "Autoriteit Persoonsgegevens" in out and "aandachtspunt" in out
    assert out.count("source: ") == 2
    assert run_cli(["glossary", "lookup", "aa", "vee", "gee"]) == 0
    assert "Algemene verordening gegevensbescherming" in capsys.readouterr().out
    assert run_cli(["glossary", "lookup", "QQQX"]) == 1


def test_cli_check(tmp_path, capsys):
    good = write(tmp_path, "entries:\n  - abbreviation: XY\n    expansion: Iets\n    source: eigen\n", "good.yaml")
    assert run_cli(["glossary", "check", str(good)]) == 0
    assert "ok: 1 abbreviations" in capsys.readouterr().out
    bad = write(tmp_path, "entries:\n  - abbreviation: XY\n    expansion: Iets\n    url: ftp://x\n", "bad.yaml")
    assert run_cli(["glossary", "check", str(bad)]) == GlossaryError.exit_code
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}:2: field 'source'")
    assert err[1].startswith(f"{bad}:4: field 'url'")


def test_transcribe_flags():
    from notulist.cli.glossary_args import add_glossary_arguments, glossary_from_args

    parser = argparse.ArgumentParser()
    add_glossary_arguments(parser)
    args = parser.parse_args(["--keyword", "DPIA", "--keyword", "FG", "--no-links"])
    choice = glossary_from_args(args)
    assert choice.link is False
    assert choice.hints == "DPIA, FG"
    assert glossary_from_args(parser.parse_args([])).hints is None


def test_rhyming_letter_slips_leave_a_doubled_letter_alone(glossary):
    # one rhyming letter misheard: read as the everyday abbreviation
    assert linked(glossary, "Daar zit geen BTV op.") == [("BTV", "btw")]
    assert linked(glossary, "Die leveren we zonder BSM aan.") == [("BSM", "bsn")]
    # a doubled letter is an acronym's own spelling (SDT written STT), not Stb or btw misheard
    assert linked(glossary, "Hoe werkt de samenwerking in het STT?") == []
    assert linked(glossary, "Valt dat onder de WTW?") == []


def test_a_law_citation_is_not_read_from_capitals(glossary):
    # Sv (Wetboek van Strafvordering) is written so and said as the law's name: "SV" is SG or SVB misheard
    assert linked(glossary, "Dat staat in artikel 27 Sv.") == [("Sv", "sv")]
    assert linked(glossary, "Ik stel voor dat DF&A een notitie schrijft voor de SV.") == [("DF&A", "df-en-a")]


def test_an_abbreviation_of_the_field_read_as_a_word_is_linked_where_a_word_sounds_exactly_like_it(glossary):
    # IAMA said "iama", written by the recogniser as it sounds (lines of benchmarks/context_links.py recordings)
    assert linked(glossary, "Dan hebt we de punt, de jama, voor het nieuwe algoritme.") == [("jama", "iama")]
    assert linked(glossary, "De Jama is gestart.") == [("Jama", "iama")]
    assert linked(glossary, "Heeft de stichting een anbie-status?") == [("anbie", "anbi")]
    # not an ordinary word, not a near sound, not letters of a chain, not a short reading that is a name
    assert linked(glossary, "Ik heb mijn pyjama aan.") == []
    assert linked(glossary, "Daar klopt geen iota van.") == []
    assert linked(glossary, "Vraagt u dan om een diama?") == []
    assert linked(glossary, "Rik stuurt het stuk rond.") == []
    assert linked(glossary, "Het F-jama-project.") == []


def test_words_with_a_written_letter_that_sound_exactly_like_spelled_letters_are_linked(glossary):
    # BZK said "bee zet kaa", written "bezet K" (interview_inspectie and overleg_kis of benchmarks/context_links.py)
    assert linked(glossary, "De AMVB wordt voorbereid door bezet K, moet OM") == [
        ("AMVB", "amvb"),
        ("bezet K", "bzk"),
        ("OM", "om"),
    ]
    assert linked(glossary, "Die AMVB wordt voorbereid door bezet K.") == [("AMVB", "amvb"), ("bezet K", "bzk")]
    # no written letter, or a sound that is not exactly an abbreviation's letters: ordinary words stay words
    assert linked(glossary, "De zaal is bezet, kan het morgen?") == []
    assert linked(glossary, "Zaal K is bezet, zaal B niet.") == []


def test_the_ap_beside_the_fg_is_the_privacy_authority_even_after_the_adr_was_mentioned(glossary):
    # interview_bio, overleg_energiesubsidie (benchmarks/context_links): an ADR two lines before made it aandachtspunt
    lines = [
        "De ADR doet elk jaar een audit.",
        "Welke stappen volgen er bij een incident?",
        "Dan melden we het binnen 3 dagen, bij de AP, de FG beordeeld of betrokkenen bericht krijgen.",
    ]
    links = link_texts(lines, glossary)
    assert [(link.surface, link.entry_id) for link in links if link.surface == "AP"] == [
        ("AP", "ap.autoriteit-persoonsgegevens")
    ]
    lines[2] = "De ADR heeft een AP gegeven: een bevinding, geen onvolkomenheid."
    assert [link.entry_id for link in link_texts(lines, glossary) if link.surface == "AP"] == ["ap.aandachtspunt"]
