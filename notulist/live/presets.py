"""The two settings of live recognition: where a step's compute goes decides latency against live accuracy.

On 2 CPU cores a step of Whisper ``base`` costs about 0.7-1.1 s, and LocalAgreement-2 commits a word after two steps
that both heard it, so the live delay is about 2.5-3 steps. Every saving in a step (a shorter buffer, a shorter
prompt, a narrower beam, less silence after the speech, smaller steps) also takes context or search away from
the live text. ``benchmarks/live_settings.py`` measures both on one recording; the figures are in BENCHMARKS.md
("Live"). The live text is a preview either way: the session made when recording stops is recognised offline
at full quality.

- ``balanced`` (the default): beam 3, 2 s of silence after the speech, 1 s steps, a 200-character prompt, the
  buffer trimmed at a committed sentence end once past 8 s, and a word settled (committed from one hypothesis)
  once the decoder has heard 1.5 s of audio after it. A step takes 0.7-1.1 s, so steps mostly wait for their
  second of audio: cheaper steps alone would not show words sooner.
- ``low``: 0.5 s steps, and steps made cheap enough to keep up with them: the buffer trimmed at a committed
  sentence end or a pause of 0.2 s once past 3 s, beam 2, 1.5 s of silence, a 100-character prompt, and
  agreement alone (settling words raised its live WER from 0.38 to 0.48). About 0.8x
  the delay of ``balanced`` at a clearly higher live WER (two hypotheses half a second apart agree more often on
  a word that is still wrong).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from notulist.live.streaming import StreamingOptions
from notulist.recognition.window_decoder import WindowSettings


@dataclass(frozen=True)
class LivePreset:
    streaming: StreamingOptions
    window: WindowSettings

    def for_language(self, language: str) -> LivePreset:
        return replace(self, window=replace(self.window, language=language))


BALANCED = LivePreset(StreamingOptions(), WindowSettings())
LOW_LATENCY = LivePreset(
    StreamingOptions(min_chunk_s=0.5, trim_after_s=3.0, pause_s=0.2, prompt_chars=100, settle_s=0.0),
    WindowSettings(beam_size=2, pad_s=1.5),
)
PRESETS = {"balanced": BALANCED, "low": LOW_LATENCY}
