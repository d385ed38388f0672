"""Nothing leaves the machine: every dependency's telemetry and online look-ups are switched off.

Imported by ``notulist/__init__.py``, so it runs before any stage loads onnxruntime (the voice activity detector),
torch, Hugging Face libraries, pyannote or a web server. ``setdefault`` keeps a value the operator set on purpose
(for example ``HF_HUB_OFFLINE=0`` to fetch a model once, by hand). Native libraries read these at load time, which
is why they must be set here and not later; the test suite checks under ``strace`` that a whole run connects nowhere.
"""

from __future__ import annotations

import os

OFFLINE_ENVIRONMENT = {
    # onnxruntime (Silero VAD) sends usage events to Microsoft from native code unless this is set.
    "ORT_DISABLE_TELEMETRY": "1",
    # Hugging Face hub, transformers, datasets: no downloads, no version checks, no usage reports.
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    # pyannote.audio's usage metrics.
    "PYANNOTE_METRICS_ENABLED": "0",
    # Ray (pulled in by some optional backends), Gradio, Streamlit-like tools and the general convention.
    "RAY_USAGE_STATS_ENABLED": "0",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "DO_NOT_TRACK": "1",
    # Weights & Biases, in case an optional backend imports them.
    "WANDB_MODE": "disabled",
    "WANDB_DISABLED": "true",
}


def switch_off_telemetry() -> None:
    """Set every variable above unless the environment already has a value for it."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
