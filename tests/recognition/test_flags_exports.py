"""Hallucination flags with their evidence, sentence splitting, and the plain-text/subtitle exports."""

from __future__ import annotations

from notulist.core.model import Segment, Transcript, Word
from notulist.recognition.flags import flag_segments, segment_flags
from notulist.recognition.recognizer import split_sentences
from notulist.reports.exports import render_srt, render_txt, render_vtt

SPEECH = [(0.0, 10.0)]


def seg(text="Goedemorgen, dit gesprek wordt opgenomen.", start=1.0, end=4.0, **kw) -> Segment:
    return Segment(id="s0001", start=start, end=end, text=text, **kw)


def kinds(segment: Segment, speech=SPEECH) -> set[str]:
    return {f.kind for f in segment_flags(segment, speech)}


def test_clean_segment_has_no_flags():
    assert kinds(seg(avg_logprob=-0.2, no_speech_prob=0.01, compression_ratio=1.3)) == set()


def test_whispers_own_signals():
    flags = segment_flags(seg(avg_logprob=-1.4, no_speech_prob=0.8, compression_ratio=2.9), SPEECH)
    assert {f.kind for f in flags} == {"low_confidence", "no_speech", "repetition"}
    assert "avg_logprob -1.40" in next(f.evidence for f in flags if f.kind == "low_confidence")


def test_no_speech_needs_unsure_words_or_little_voice():
    """Whisper's no_speech_prob belongs to a whole 30 s window: a confident line over voiced audio is speech."""
    assert "no_speech" not in kinds(seg(avg_logprob=-0.4, no_speech_prob=0.79))
    unsure = segment_flags(seg(avg_logprob=-1.2, no_speech_prob=0.79), SPEECH)
    assert "avg_logprob -1.20" in next(f.evidence for f in unsure if f.kind == "no_speech")
    half = seg(start=8.0, end=12.0, avg_logprob=-0.4, no_speech_prob=0.79)  # half of it voiced
    assert "no_speech" not in kinds(half)
    quiet = segment_flags(seg(start=8.5, end=12.0, avg_logprob=-0.4, no_speech_prob=0.79), SPEECH)
    assert "only 43% voiced" in next(f.evidence for f in quiet if f.kind == "no_speech")


def test_low_word_probability_is_low_confidence():
    words = (Word(1.0, 1.5, "Wat", 0.3), Word(1.5, 2.0, "moet", 0.4))
    flagged = segment_flags(seg("Wat moet", words=words), SPEECH)
    assert [f.kind for f in flagged] == ["low_confidence"]
    assert "mean word probability 0.35" in flagged[0].evidence


def test_repeated_ngrams():
    assert "repetition" in kinds(seg("en dan gaan we en dan gaan we en dan gaan we verder"))
    assert "repetition" not in kinds(seg("nee nee, dat klopt niet"))


def test_phantom_phrase_needs_evidence():
    phantom = "Ondertiteld door de Amara.org gemeenschap"
    assert "phantom_phrase" not in kinds(seg(phantom, no_speech_prob=0.05))
    flagged = segment_flags(seg(phantom, no_speech_prob=0.45), SPEECH)
    assert "phantom_phrase" in {f.kind for f in flagged}
    assert "Bedankt voor het kijken" not in kinds(seg("Bedankt voor het kijken naar de cijfers", no_speech_prob=0.9))


def test_text_outside_speech():
    assert "outside_speech" in kinds(seg(start=20.0, end=23.0))
    assert "outside_speech" not in kinds(seg(start=9.0, end=11.0))


def test_flag_segments_keeps_everything_else():
    original = seg(avg_logprob=-1.2)
    (flagged,) = flag_segments([original], SPEECH)
    assert flagged.text == original.text and flagged.id == original.id and flagged.flags


def test_split_sentences_at_ends_pauses_and_length():
    words = [Word(0.0, 0.4, "Goedemorgen.", 0.9), Word(0.5, 0.9, "Ik", 0.9), Word(1.0, 1.3, "ben", 0.9)]
    words += [Word(3.0, 3.4, "Sandra.", 0.9)]
    lines = split_sentences(words)
    assert [" ".join(w.text for w in line) for line in lines] == ["Goedemorgen.", "Ik ben", "Sandra."]
    long_run = [Word(i * 0.5, i * 0.5 + 0.4 + (0.3 if i == 20 else 0), f"w{i}", 0.9) for i in range(40)]
    pieces = split_sentences(long_run, max_line_s=12.0)
    assert all(p[-1].end - p[0].start <= 12.0 for p in pieces)
    assert sum(len(p) for p in pieces) == 40


def test_exports_use_speaker_names_and_escape_vtt():
    segments = (
        Segment("s0001", 0.0, 2.5, "Goedemorgen.", speaker="S1"),
        Segment("s0002", 3661.2, 3663.0, "a <b> --> c", speaker="S2"),
    )
    transcript = Transcript("nl", 3663.0, segments, speakers={"S1": "Interviewer", "S2": "S2"})
    assert render_txt(transcript).splitlines() == ["[00:00:00] Interviewer: Goedemorgen.", "[01:01:01] S2: a <b> --> c"]
    srt = render_srt(transcript)
    assert "1\n00:00:00,000 --> 00:00:02,500\nInterviewer: Goedemorgen.\n" in srt
    assert "01:01:01,200 --> 01:01:03,000" in srt
    vtt = render_vtt(transcript)
    assert vtt.startswith("WEBVTT\n")
    assert "<v Interviewer>Goedemorgen." in vtt
    assert "a &lt;b&gt; --&gt; c" in vtt
