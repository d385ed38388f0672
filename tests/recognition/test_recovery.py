"""No speech lost: the recogniser's recovery rules (fast, on hand-made segments) and, marked slow, the real model
on a recording where the first pass loops."""

from __future__ import annotations

import pytest
from conftest import DATA

from notulist.core.model import Flag, Segment, Word
from notulist.recognition.coverage import stretches, unheard, unheard_seconds, word_spans
from notulist.recognition.flags import flag_segments
from notulist.recognition.recognizer import (
    choose_candidate,
    looks_looped,
    suspect_windows,
    untranscribed_segments,
)
from notulist.recognition.whisper_model import load_whisper


def _segment(start: float, words: str, step: float = 0.4, probability: float = 0.9, **kw) -> Segment:
    items = tuple(
        Word(start + i * step, start + i * step + step * 0.8, w, probability) for i, w in enumerate(words.split())
    )
    return Segment("", items[0].start, items[-1].end, words, items, **kw)


def test_word_spans_cap_a_stretched_word_and_merge():
    assert word_spans([(1.0, 6.0)]) == [(0.6, 2.9)]  # a 5 s "word" accounts for 1.5 s (+0.4 s pad each side)
    assert word_spans([(1.0, 1.2), (1.5, 1.7)]) == [(0.6, 2.1)]


def test_unheard_counts_voiced_time_without_words_and_ignores_slivers():
    voiced = [(0.0, 4.0), (10.0, 12.0)]
    assert unheard(voiced, [(0.5, 1.0)]) == [(1.4, 4.0), (10.0, 12.0)]
    assert unheard_seconds(voiced, [(0.5, 1.0), (1.2, 2.5), (2.6, 3.5), (10.2, 11.2), (11.3, 11.5)]) == 0.0


def test_stretches_join_regions_with_short_pauses():
    assert stretches([(0.0, 1.0), (1.5, 2.0), (4.0, 5.0)]) == [(0.0, 2.0), (4.0, 5.0)]


def test_a_looping_segment_is_suspect_without_any_hints():
    loop = _segment(5.0, "Dat sluit aan mei mei mei mei mei mei")
    assert looks_looped(loop)
    fine = _segment(0.0, "Goedemorgen allemaal")
    assert suspect_windows([fine, loop], [(0.0, 1.0), (5.0, 8.5)], 1.0) == [(5.0, pytest.approx(8.52))]


def test_voiced_audio_without_words_is_suspect_but_well_covered_speech_is_not():
    said = _segment(0.0, "een twee drie vier vijf zes")  # 0.0-2.3 s
    voiced = [(0.0, 2.4), (6.0, 9.0)]  # 6-9 s: nothing written
    assert suspect_windows([said], voiced, 1.0) == [(6.0, 9.0)]
    assert suspect_windows([said], voiced[:1], 1.0) == []


def test_choose_candidate_keeps_the_first_pass_unless_it_loops_or_leaves_speech_unheard():
    voiced = [(0.0, 4.0)]
    looped = [_segment(0.0, "mei mei mei mei mei mei mei mei mei mei")]
    partial = [_segment(0.0, "dat sluit", probability=0.99)]
    full = [_segment(0.0, "dat sluit aan bij de visie van BZK", step=0.5, probability=0.6)]
    sure = [_segment(0.0, "dat sluit aan bij de visie van BZK", step=0.5, probability=0.8)]
    assert choose_candidate([looped, partial, full], voiced, 0.5) == 2  # no loop, then coverage over probability
    assert choose_candidate([looped, full, sure], voiced, 0.5) == 2  # equal coverage: the surer decoding
    assert choose_candidate([full, sure], voiced, 0.5) == 0  # the first pass stands when nothing is gained
    assert choose_candidate([partial, full], voiced, 0.5) == 1  # ... and falls when it leaves speech unheard
    assert choose_candidate([looped, looped], voiced, 0.5) == 1  # all loop: the retry (no hints, no prompt)


def test_a_window_takes_in_every_segment_it_touches():
    before = _segment(0.0, "een twee drie vier vijf zes zeven acht")  # 0.0-3.1 s
    voiced = [(0.0, 6.0)]  # 3.5-6.0 s voiced without words
    assert suspect_windows([before], voiced, 1.0) == [(0.0, 6.0)]


def test_wordless_voiced_audio_becomes_an_untranscribed_segment_that_keeps_its_flag():
    said = _segment(0.0, "een twee drie")
    pieces = untranscribed_segments([said], [(0.0, 1.2), (5.0, 7.5)], [((5.0, 7.5), 3)], 1.0)
    assert [(p.start, p.end, p.text, p.words) for p in pieces] == [(5.0, 7.5, "", ())]
    assert pieces[0].flags == (Flag("untranscribed", "2.5 s stem zonder woorden na 3 pogingen"),)
    flagged = flag_segments([said, *pieces], [(0.0, 1.2), (5.0, 7.5)])
    assert flagged[1].flags == pieces[0].flags  # no other flag on an empty line, and this one survives


@pytest.mark.slow
def test_real_model_keeps_every_turn_of_a_meeting_where_the_first_pass_loops():
    """A 3-speaker meeting with long noisy pauses and repeated phrases (made with make_meeting.sh, see
    benchmarks/faithfulness_audio.py), where the batched first pass writes one word ("Mayens") over three turns: the
    recovery must bring them back."""
    from notulist.audio.decode import load_for_recognition
    from notulist.audio.vad import speech_regions
    from notulist.recognition.coverage import unheard
    from notulist.recognition.recognizer import FasterWhisperRecognizer, RecognizerSettings
    from notulist.recognition.whisper_model import choose_device, resolve_model

    audio = load_for_recognition(DATA / "loop_meeting_68s.flac")
    model = load_whisper(resolve_model(None), choose_device("cpu"), 2)
    settings = RecognizerSettings(decoding="batched")  # the decoding that loops here
    segments = FasterWhisperRecognizer(model, settings).recognize(audio, lambda _: None)
    assert [s.id for s in segments] == [f"s{i + 1:04d}" for i in range(len(segments))]
    assert not any(looks_looped(s) for s in segments), [s.text for s in segments]
    words = [w for s in segments for w in s.words]
    for line in (DATA / "loop_meeting_68s.ref.tsv").read_text(encoding="utf-8").splitlines():
        start, end, _speaker, text = line.split("\t")
        inside = [w for w in words if float(start) - 0.5 <= w.start <= float(end) + 0.5]
        assert len(inside) >= min(3, len(text.split())), (text, [w.text for w in inside])
    text = " ".join(s.text for s in segments).lower()
    assert "betaalt" in text and "agenda" in text
    # whatever voiced audio is still without words is listed as an untranscribed line, not hidden
    still = unheard(speech_regions(audio), [(w.start, w.end) for w in words], 1.0)
    listed = [(s.start, s.end) for s in segments if any(f.kind == "untranscribed" for f in s.flags)]
    assert listed == still


def test_the_first_pass_decodes_sequentially_unless_batched_is_asked_and_nothing_else():
    from notulist.cli.main import build_parser
    from notulist.cli.pipeline_args import options_from_args
    from notulist.recognition.recognizer import FasterWhisperRecognizer, RecognizerSettings

    assert RecognizerSettings().decoding == "sequential"
    with pytest.raises(ValueError, match="sequential or batched"):
        FasterWhisperRecognizer(object(), RecognizerSettings(decoding="fast"))
    parser = build_parser()
    assert options_from_args(parser.parse_args(["transcribe", "a.wav"])).decoding == "sequential"
    given = options_from_args(parser.parse_args(["transcribe", "a.wav", "--decoding", "batched"]))
    assert given.decoding == "batched" and given.recorded["decoding"] == "batched"


@pytest.mark.slow
def test_real_model_first_pass_writes_plain_faster_whispers_text_with_word_times():
    """The sequential first pass decodes as plain faster-whisper (word_timestamps=False: with word timestamps
    faster-whisper starts each next 30 s window at the last aligned word, and the text of the later windows changes),
    and its words, aligned afterwards, lie in order inside their lines on the recording's clock."""
    from notulist.audio.decode import load_for_recognition
    from notulist.audio.vad import speech_regions
    from notulist.recognition.recognizer import FasterWhisperRecognizer, RecognizerSettings
    from notulist.recognition.whisper_model import choose_device, resolve_model

    audio = load_for_recognition(DATA / "diarize_interview_40s.flac")  # two windows after the VAD
    model = load_whisper(resolve_model(None), choose_device("cpu"), 2)
    plain, _ = model.transcribe(audio, language="nl", beam_size=5, vad_filter=True, word_timestamps=False)
    lines = FasterWhisperRecognizer(model, RecognizerSettings(recover=False)).recognize(audio, lambda _: None)
    assert " ".join(s.text for s in lines).split() == " ".join(s.text for s in plain).split()
    words = [w for s in lines for w in s.words]
    assert [w.text for w in words] == " ".join(s.text for s in lines).split()
    assert all(a.start <= b.start for a, b in zip(words, words[1:], strict=False))
    assert all(s.start <= w.start <= w.end <= s.end for s in lines for w in s.words)
    voiced = speech_regions(audio)
    inside = [w for w in words if any(a - 0.5 <= (w.start + w.end) / 2 <= b + 0.5 for a, b in voiced)]
    assert len(inside) >= 0.9 * len(words)
    assert words[-1].end > 30.0  # the second window's words are on the recording's clock


def test_silence_gives_no_lines_without_decoding_anything():
    import numpy as np

    from notulist.recognition.recognizer import FasterWhisperRecognizer

    silence = np.zeros(16000 * 5, dtype=np.float32)
    assert FasterWhisperRecognizer(object()).recognize(silence, lambda _: None) == ()  # no model call: no speech


def test_a_line_squeezed_into_no_audio_is_left_out():
    from types import SimpleNamespace

    from notulist.recognition.recognizer import FasterWhisperRecognizer, squeezed

    def raw(words, start):
        timed = [
            SimpleNamespace(start=start + i * d, end=start + (i + 1) * d, word=" " + w, probability=0.5)
            for i, (w, d) in enumerate(words)
        ]
        return SimpleNamespace(
            words=timed, avg_logprob=-0.5, no_speech_prob=0.1, compression_ratio=1.2, end=timed[-1].end
        )

    said = raw([(w, 0.3) for w in "Dank u wel, ik stuur u het verslag.".split()], 71.8)
    ghost = "Wat vraagt u van de ADR bij audits ook naar de jama keikt mee voor het Algeritmes register."
    tail = raw([(w, 0.0) for w in ghost.split()], 77.2)  # interview_inspectie with its agenda's hints
    lines = FasterWhisperRecognizer(object())._segments([said, tail], 0.0, lambda _: None)
    assert [s.text for s in lines] == ["Dank u wel, ik stuur u het verslag."]
    assert not squeezed(lines[0].words)
    short = raw([("Ja.", 0.0)], 3.0)  # one word aligned without length is kept: too little to judge
    assert [s.text for s in FasterWhisperRecognizer(object())._segments([short], 0.0, lambda _: None)] == ["Ja."]
