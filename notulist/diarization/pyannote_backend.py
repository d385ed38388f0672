"""The pyannote.audio diarizer, for organisations that have a pyannote pipeline on disk (an optional extra).

``--diarizer pyannote --diarizer-model DIR`` loads the pipeline in ``DIR`` (a ``config.yaml`` and the weights it
names, as saved from the Hub: for example ``speaker-diarization-community-1``). Nothing is downloaded: the Hub is
switched off (``HF_HUB_OFFLINE=1``) and so is pyannote's telemetry (``PYANNOTE_METRICS_ENABLED=0``) before the
library is imported. The audio is passed in memory (``{"waveform", "sample_rate"}``), so pyannote's own file
decoding (torchcodec) is never used. Overlapping speech is resolved with pyannote's exclusive diarization (4.x)
or, for 3.x pipelines, by letting the later speaker hold the floor.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from notulist.core.audio import SAMPLE_RATE
from notulist.core.errors import ModelError, NotulistError
from notulist.core.progress import Progress, ProgressHook, Stage, no_progress
from notulist.diarization.diarize import Turn, check_speaker_counts, exclusive_turns, relabel_turns

log = logging.getLogger(__name__)

CONFIG_FILE = "config.yaml"
INSTALL_HINT = "install the extra with `pip install 'notulist[pyannote]'`, or use the embedded `backend=resemblyzer`"


def offline_environment() -> None:
    """Switch off the Hub and pyannote's telemetry for this process (before pyannote is imported)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["PYANNOTE_METRICS_ENABLED"] = "0"


def check_model_dir(model_dir: Path | None) -> Path:
    """The pipeline directory, checked: it exists and holds a ``config.yaml``."""
    if model_dir is None:
        raise NotulistError(
            "`backend=pyannote` needs the pipeline's folder: give `model_dir` (a folder with config.yaml)",
            parameter="model_dir",
        )
    path = Path(model_dir).expanduser()
    if not path.exists():
        raise ModelError(
            f"pyannote pipeline folder {path} does not exist: check the path given to `model_dir`",
            parameter="model_dir",
        )
    if path.is_file() and path.name.endswith((".yaml", ".yml")):
        return path
    if not path.is_dir():
        raise ModelError(
            f"`model_dir` {path} is not a folder: give the pyannote pipeline folder (with config.yaml)",
            parameter="model_dir",
        )
    if not (path / CONFIG_FILE).is_file():
        raise ModelError(
            f"{path} has no {CONFIG_FILE}: give the folder of a pyannote pipeline as saved from the Hub "
            "(for example speaker-diarization-community-1)"
        )
    return path


def _import_pipeline_class() -> Any:
    offline_environment()
    try:
        from pyannote.audio import Pipeline
    except ModuleNotFoundError as exc:
        raise ModelError(f"pyannote.audio is not installed: {INSTALL_HINT}") from exc
    except (ImportError, OSError, RuntimeError) as exc:  # e.g. a torchaudio built for another torch
        raise ModelError(
            f"pyannote.audio is installed but cannot be loaded ({exc.__class__.__name__}: {exc}): install a "
            f"torchaudio that matches torch, or use the embedded `backend=resemblyzer`"
        ) from exc
    return Pipeline


def load_pipeline(model_dir: Path) -> Any:
    """Load the pyannote pipeline in ``model_dir`` on the CPU (or the GPU when torch sees one); never downloads."""
    path = check_model_dir(model_dir)
    pipeline_class = _import_pipeline_class()
    try:
        pipeline = pipeline_class.from_pretrained(str(path))
    except NotulistError:
        raise
    except Exception as exc:  # yaml, missing weights, unknown classes: pyannote raises many kinds
        raise ModelError(
            f"cannot load the pyannote pipeline in {path} ({exc.__class__.__name__}: {exc}): check that the folder "
            "is complete (config.yaml and every model it names)"
        ) from exc
    if pipeline is None:
        raise ModelError(f"{path} did not yield a pyannote pipeline: check its config.yaml")
    import torch

    if torch.cuda.is_available():
        pipeline.to(torch.device("cuda"))
    return pipeline


def _annotation_turns(annotation: Any) -> list[Turn]:
    return [
        Turn(float(segment.start), float(segment.end), str(label))
        for segment, _, label in annotation.itertracks(yield_label=True)
    ]


class PyannoteDiarizer:
    """Diarization with a local pyannote.audio pipeline (loaded when the diarizer is made, to fail early)."""

    def __init__(
        self,
        model_dir: Path | None,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
    ) -> None:
        check_speaker_counts(num_speakers, min_speakers, max_speakers)
        self.model_dir = check_model_dir(model_dir)
        self.num_speakers = num_speakers
        self.min_speakers = min_speakers
        self.max_speakers = max_speakers
        self.pipeline = load_pipeline(self.model_dir)

    def warm_up(self) -> None:
        """Nothing to do: the pipeline was loaded when the diarizer was made."""

    def describe(self) -> dict[str, Any]:
        return {
            "name": "pyannote.audio pipeline",
            "path": str(self.model_dir),
            "speakers": self.num_speakers,
            "min_speakers": self.min_speakers,
            "max_speakers": self.max_speakers,
        }

    def diarize(
        self, audio: np.ndarray, speech: Sequence[tuple[float, float]], progress: ProgressHook = no_progress
    ) -> tuple[Turn, ...]:
        import torch

        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        duration = len(audio) / SAMPLE_RATE
        progress(Progress(Stage.DIARIZE, 0.0, duration, "s"))
        if not any(end > start for start, end in speech) or duration == 0:
            return ()

        def hook(
            step_name: str, artefact: Any, file: Any = None, completed: int | None = None, total: int | None = None
        ):
            if completed is not None and total:
                progress(Progress(Stage.DIARIZE, duration * min(completed / total, 1.0) * 0.99, duration, "s"))

        options = {
            key: value
            for key, value in (
                ("num_speakers", self.num_speakers),
                ("min_speakers", self.min_speakers),
                ("max_speakers", self.max_speakers),
            )
            if value is not None
        }
        file = {"waveform": torch.from_numpy(audio)[None, :], "sample_rate": SAMPLE_RATE, "uri": "audio"}
        try:
            output = self.pipeline(file, hook=hook, **options)
        except Exception as exc:
            raise ModelError(
                f"the pyannote pipeline in {self.model_dir} failed ({exc.__class__.__name__}: {exc}): check the "
                "pipeline, or use the embedded `backend=resemblyzer`"
            ) from exc
        annotation = getattr(output, "exclusive_speaker_diarization", None)
        if annotation is None:
            annotation = getattr(output, "speaker_diarization", output)
        turns = exclusive_turns(_annotation_turns(annotation))
        progress(Progress(Stage.DIARIZE, duration, duration, "s"))
        log.info("pyannote diarization: %d turns, %d speakers", len(turns), len({t.speaker for t in turns}))
        return relabel_turns(turns)
