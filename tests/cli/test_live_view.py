"""The live terminal view: committed lines, the provisional status line, abbreviations from the real glossary."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from notulist.cli.live_view import CLEAR_LINE, LiveView, clock
from notulist.core.model import Segment, Word
from notulist.live.abbreviations import AbbreviationMarker
from notulist.live.worker import LiveResult, LiveUpdate

FIOD = Segment("s0004", 6.1, 9.4, "Mijn naam is Pieter de Vries en ik ben rechercheur bij de FIOD.")


def update(closed=(), open_words=(), provisional=(), captured_s=10.0) -> LiveUpdate:
    return LiveUpdate(tuple(closed), (), tuple(open_words), tuple(provisional), captured_s, 5.0, 0.0)


def test_plain_output_prints_each_committed_segment_once_with_time_and_id() -> None:
    out = io.StringIO()
    view = LiveView(out, tty=False)
    view.update(update(closed=[Segment("s0001", 0.0, 0.6, "Goedemorgen.")]))
    view.update(update(provisional=[Word(1.0, 1.5, "Het")]))  # provisional text: not in a log
    view.update(update(closed=[Segment("s0002", 3725.0, 3727.0, "Tot ziens.")]))
    assert out.getvalue() == "[00:00:00] s0001  Goedemorgen.\n[01:02:05] s0002  Tot ziens.\n"
    assert "\x1b" not in out.getvalue()


def test_terminal_output_redraws_the_provisional_tail_on_one_line() -> None:
    out = io.StringIO()
    view = LiveView(out, tty=True)
    view.update(update(open_words=[Word(0, 1, "Het")], provisional=[Word(1, 2, "is"), Word(2, 3, "dinsdag")]))
    first = out.getvalue()
    assert "Het" in first and "dinsdag" in first and not first.endswith("\n")
    view.update(update(closed=[Segment("s0001", 0.0, 3.0, "Het is dinsdag.")]))
    second = out.getvalue()[len(first) :]
    assert second.startswith(CLEAR_LINE)  # the status line is wiped before the committed line is printed
    assert "s0001" in second and "Het is dinsdag." in second
    view.finished(LiveResult(recording=Path("x"), captured_s=75.0, segments=(), stop_reason="ended"))
    assert "recording stopped after 00:01:15" in out.getvalue()


def test_segments_waiting_for_a_speaker_label_stay_on_the_status_line() -> None:
    out = io.StringIO()
    view = LiveView(out, tty=True)
    waiting = Segment("s0001", 0.0, 3.0, "Het is dinsdag.")
    view.update(LiveUpdate((), (), (Word(3.2, 3.5, "Tien"),), (Word(3.5, 3.8, "uur"),), 4.0, 4.0, 0.0, (waiting,)))
    first = out.getvalue()
    assert "Het is dinsdag. Tien" in first and "uur" in first and "s0001" not in first and "\n" not in first
    view.update(update(closed=[replace(waiting, speaker="S1")], open_words=[Word(3.2, 3.5, "Tien")]))
    assert "s0001 S1" in out.getvalue()[len(first) :]


def test_abbreviations_are_marked_and_explained_with_the_bundled_glossary() -> None:
    marker = AbbreviationMarker.create()
    if marker is None:
        pytest.skip("the glossary package is not available")
    out = io.StringIO()
    LiveView(out, tty=False, marker=marker).update(update(closed=[FIOD]))
    text = out.getvalue()
    assert "rechercheur bij de [FIOD]." in text
    assert "FIOD = Fiscale Inlichtingen- en Opsporingsdienst" in text


def test_clock() -> None:
    assert clock(0) == "00:00:00" and clock(59.9) == "00:00:59" and clock(3600 * 2 + 61) == "02:01:01"
