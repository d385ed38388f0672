"""run_pipeline as a library: the progress it reports through the one hook."""

from __future__ import annotations

import pytest
from conftest import DATA

from notulist.core.progress import Progress


@pytest.mark.slow
def test_recognition_reports_progress_from_its_start(tmp_path):
    from notulist.pipeline.run import PipelineOptions, run_pipeline

    events: list[Progress] = []
    options = PipelineOptions(device="cpu", report_formats=())
    run_pipeline(DATA / "interview_25s.flac", tmp_path, options, events.append)
    stages = [event.stage for event in events]
    recognize = [event for event in events if event.stage == "recognize"]
    # the bar leaves "detect speech" as soon as recognition (the model loading included) begins
    assert stages.index("recognize") == max(i for i, stage in enumerate(stages) if stage == "detect speech") + 1
    assert recognize[0].done == 0 and recognize[-1].done == recognize[-1].total == pytest.approx(25.0, abs=0.05)
    assert [event.done for event in recognize] == sorted(event.done for event in recognize)
