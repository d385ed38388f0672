"""The audio every stage works on: mono float32 (or int16 while recording) at one sample rate."""

from __future__ import annotations

SAMPLE_RATE = 16_000  # Hz: what Whisper, Silero VAD and the speaker encoders expect; captures are resampled to it
