"""The one vocabulary of notulist.core: times, the text normaliser, the sample rate."""

from __future__ import annotations

import pytest
from faster_whisper.utils import format_timestamp

from notulist.core import times
from notulist.core.text import comparable, comparable_word, spoken


@pytest.mark.parametrize("seconds", [0.0, 0.0004, 1.5, 59.9995, 133.48, 3599.9999, 3725.25, 36000.5])
def test_subtitle_timestamps_match_faster_whisper(seconds: float) -> None:
    assert times.srt_timestamp(seconds) == format_timestamp(seconds, always_include_hours=True, decimal_marker=",")
    assert times.vtt_timestamp(seconds) == format_timestamp(seconds, always_include_hours=True)


def test_one_format_per_purpose() -> None:
    moment = 133.9  # 2:13.9
    assert times.clock(moment) == "00:02:13"
    assert times.short_clock(moment) == "02:13" and times.short_clock(3725) == "1:02:05"
    assert times.short_clock(5, with_hours=True) == "0:00:05"
    assert times.duration(moment) == "2:14" and times.duration(3725.6) == "1:02:06"
    for bad in (-3.0, float("nan"), float("-inf")):
        assert times.clock(bad) == "00:00:00" and times.short_clock(bad) == "00:00" and times.duration(bad) == "0:00"


def test_the_text_normaliser() -> None:
    assert comparable("Goedemorgen,  mevrouw Jansen!\n") == "goedemorgen mevrouw jansen"
    assert comparable("btw-aangifte") == "btw aangifte"
    assert comparable_word("Interview,") == "interview" and comparable_word("…") == ""
    assert spoken("Op 14 Oktober de A.V.G. en btw-aangifte") == "op veertien oktober de avg en btw aangifte"
    assert spoken("zo'n 2 & 3") == "zo'n twee en drie"


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch) -> None:
    import errno
    import os

    from notulist.core.files import DISK_FULL, write_atomic

    target = tmp_path / "manifest.json"
    write_atomic(target, b"old")
    assert target.read_bytes() == b"old"

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as exc:
        write_atomic(target, b"new")
    assert exc.value.errno in DISK_FULL
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
