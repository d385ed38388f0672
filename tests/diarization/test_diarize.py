"""Speaker turns, RTTM, and giving words and segments their speakers (pure, fast)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from notulist.cli.flags import said_as_flags
from notulist.core.errors import ModelError, NotulistError
from notulist.core.model import Flag, Segment, Transcript, Word, transcript_from_dict, transcript_to_dict
from notulist.diarization.diarize import (
    Turn,
    assign_speakers,
    exclusive_turns,
    make_diarizer,
    relabel_turns,
    rttm_text,
    talk_time,
    turns_from_rttm,
    turns_from_transcript,
)


def words(*items: tuple[float, float, str]) -> tuple[Word, ...]:
    return tuple(Word(start, end, text, 0.9) for start, end, text in items)


def transcript(*segments: Segment) -> Transcript:
    return Transcript(language="nl", duration=20.0, segments=segments, provenance={"asr": "test"})


def test_relabel_orders_speakers_by_first_speech():
    turns = [Turn(5, 6, "spk_0"), Turn(0, 2, "spk_1"), Turn(3, 4, "spk_2"), Turn(7, 8, "spk_1")]
    assert relabel_turns(turns) == (Turn(0, 2, "S1"), Turn(3, 4, "S2"), Turn(5, 6, "S3"), Turn(7, 8, "S1"))


def test_exclusive_turns_later_speaker_holds_the_floor_and_same_speaker_merges():
    turns = [Turn(0, 10, "A"), Turn(4, 6, "B"), Turn(9, 12, "A"), Turn(12, 13, "A"), Turn(14, 14, "C")]
    result = exclusive_turns(turns)
    assert result == (Turn(0, 4, "A"), Turn(4, 6, "B"), Turn(6, 13, "A"))
    for first, second in pairwise(result):
        assert first.end <= second.start


def test_rttm_round_trip_and_format():
    turns = (Turn(0.5, 2.25, "S1"), Turn(2.5, 4.0, "S2"))
    text = rttm_text(turns, "my interview")
    assert text.splitlines()[0] == "SPEAKER my_interview 1 0.500 1.750 <NA> <NA> S1 <NA> <NA>"
    assert turns_from_rttm(text) == turns
    assert rttm_text((), "x") == ""


def test_turns_from_rttm_rejects_malformed_lines():
    with pytest.raises(NotulistError, match="line 2"):
        turns_from_rttm("SPEAKER a 1 0.0 1.0 <NA> <NA> S1 <NA> <NA>\nSPEAKER a 1 zero\n")


def test_talk_time():
    assert talk_time([Turn(0, 2, "S1"), Turn(2, 5, "S2"), Turn(6, 7, "S1")]) == {"S1": 3.0, "S2": 3.0}


def test_assign_speakers_splits_a_segment_where_the_speaker_changes():
    flags = (Flag("low_confidence", "avg_logprob -1.2"),)
    segment = Segment(
        id="s0001",
        start=0.0,
        end=4.0,
        text="Goedemiddag. Dag meneer.",
        words=words((0.0, 0.8, " Goedemiddag."), (2.1, 2.5, " Dag"), (2.5, 3.9, " meneer.")),
        avg_logprob=-1.2,
        no_speech_prob=0.1,
        compression_ratio=1.3,
        flags=flags,
    )
    later = Segment(id="s0002", start=5.0, end=6.0, text="Ja.", words=words((5.1, 5.6, " Ja.")))
    turns = [Turn(0.0, 2.0, "spk_7"), Turn(2.0, 4.2, "spk_3"), Turn(4.8, 6.2, "spk_7")]
    result = assign_speakers(transcript(segment, later), turns)

    assert [s.id for s in result.segments] == ["s0001", "s0002", "s0003"]
    assert [s.text for s in result.segments] == ["Goedemiddag.", "Dag meneer.", "Ja."]
    assert [s.speaker for s in result.segments] == ["S1", "S2", "S1"]
    first, second, third = result.segments
    assert (first.start, first.end) == (0.0, 0.8)
    assert (second.start, second.end) == (2.1, 4.0)
    assert [w.speaker for w in second.words] == ["S2", "S2"]
    assert first.flags == flags and second.flags == flags and second.avg_logprob == -1.2
    assert result.speakers == {"S1": "S1", "S2": "S2"}
    assert result.provenance == {"asr": "test"}
    # the result is a valid transcript.json
    assert transcript_from_dict(transcript_to_dict(result)) == result


def test_each_word_gets_the_speaker_of_largest_overlap_or_the_nearest_turn():
    segment = Segment(
        id="s0001",
        start=0.0,
        end=10.0,
        text="een twee drie",
        words=words((0.0, 1.0, " een"), (1.6, 2.6, " twee"), (8.0, 8.5, " drie")),
    )
    turns = [Turn(0.0, 1.8, "A"), Turn(1.8, 3.0, "B"), Turn(9.0, 9.5, "A")]
    result = assign_speakers(transcript(segment), turns)
    assert [w.speaker for s in result.segments for w in s.words] == ["S1", "S2", "S1"]
    assert [s.text for s in result.segments] == ["een", "twee", "drie"]


def test_segment_without_words_and_no_turns():
    segment = Segment(id="s0009", start=3.0, end=4.0, text="Hm.")
    result = assign_speakers(transcript(segment), [Turn(0.0, 1.0, "X"), Turn(3.2, 3.9, "Y")])
    assert [(s.id, s.speaker) for s in result.segments] == [("s0001", "S2")]
    assert result.speakers == {"S1": "S1", "S2": "S2"}
    bare = assign_speakers(transcript(segment), [])
    assert bare.segments[0].speaker is None and bare.speakers == {}


def test_turns_from_transcript_follow_the_words():
    segment = Segment(
        id="s0001",
        start=0.0,
        end=4.0,
        text="a b",
        words=words((0.0, 1.0, " a"), (2.0, 3.0, " b")),
    )
    result = assign_speakers(transcript(segment), [Turn(0, 1.5, "A"), Turn(1.5, 4, "B")])
    assert turns_from_transcript(result) == (Turn(0.0, 1.0, "S1"), Turn(2.0, 3.0, "S2"))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"backend": "nemo"}, "unknown diarizer"),
        ({"num_speakers": 0}, "--speakers 0"),
        ({"min_speakers": 3, "max_speakers": 2}, "--min-speakers 3 is more than --max-speakers 2"),
        ({"model_dir": Path("/tmp")}, "--diarizer-model is only used with --diarizer pyannote"),
        ({"backend": "pyannote"}, "--diarizer pyannote needs"),
    ],
)
def test_make_diarizer_rejects_bad_options(kwargs, message):
    with pytest.raises(NotulistError, match=message), said_as_flags():  # the CLI's wording of the parameters
        make_diarizer(**kwargs)


def test_library_errors_name_the_parameter_not_a_flag():
    with pytest.raises(NotulistError) as exc:
        make_diarizer(num_speakers=0)
    assert exc.value.parameter == "num_speakers" and "`num_speakers=0`" in str(exc.value) and "--" not in str(exc.value)
    with pytest.raises(NotulistError) as exc:
        make_diarizer(min_speakers=3, max_speakers=2)
    assert exc.value.parameters == ("min_speakers", "max_speakers")


def test_pyannote_missing_folder_or_config(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        make_diarizer("pyannote", tmp_path / "nowhere")
    with pytest.raises(ModelError, match="has no config.yaml"):
        make_diarizer("pyannote", tmp_path)
    (tmp_path / "weights.bin").write_bytes(b"0")
    with pytest.raises(ModelError, match="is not a folder"):
        make_diarizer("pyannote", tmp_path / "weights.bin")


def test_pyannote_without_the_extra_says_how_to_install_it(tmp_path, no_network):
    try:
        import pyannote.audio  # noqa: F401
    except ModuleNotFoundError:
        pass
    except (ImportError, OSError, RuntimeError):
        pass  # installed but broken: the same clear error is expected
    else:
        pytest.skip("pyannote.audio is installed here")
    (tmp_path / "config.yaml").write_text("pipeline:\n  name: pyannote.audio.pipelines.SpeakerDiarization\n")
    with pytest.raises(ModelError, match="pyannote"):
        make_diarizer("pyannote", tmp_path)
    import os

    assert os.environ["PYANNOTE_METRICS_ENABLED"] == "0"
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_command_line_options_make_the_diarizer():
    import argparse

    from notulist.cli.diarize_args import add_diarization_arguments, diarizer_from_args
    from notulist.diarization.resemblyzer_backend import ResemblyzerDiarizer

    parser = argparse.ArgumentParser()
    add_diarization_arguments(parser)
    diarizer = diarizer_from_args(parser.parse_args(["--speakers", "3", "--max-speakers", "4"]))
    assert isinstance(diarizer, ResemblyzerDiarizer)
    assert (diarizer.num_speakers, diarizer.max_speakers) == (3, 4)
    assert diarizer_from_args(parser.parse_args(["--no-diarize", "--speakers", "2"])) is None
    with pytest.raises(NotulistError, match="needs the pipeline's folder"):
        diarizer_from_args(parser.parse_args(["--diarizer", "pyannote"]))
    with pytest.raises(SystemExit):
        parser.parse_args(["--speakers", "0"])
    with pytest.raises(SystemExit):
        parser.parse_args(["--diarizer", "nemo"])


def test_split_keeps_the_recognisers_spacing_and_joined_words():
    text = "Ik doe de btw-aangifte zelf. Nee, dat doet ons kantoor."
    parts = ["Ik", "doe", "de", "btw", "-aangifte", "zelf.", "Nee,", "dat", "doet", "ons", "kantoor."]
    timed = [Word(float(i), i + 0.8, p, 0.9) for i, p in enumerate(parts)]
    segment = Segment(id="s0001", start=0.0, end=10.8, text=text, words=tuple(timed))
    result = assign_speakers(transcript(segment), [Turn(0.0, 5.9, "A"), Turn(5.9, 11.0, "B")])
    assert [s.text for s in result.segments] == ["Ik doe de btw-aangifte zelf.", "Nee, dat doet ons kantoor."]
