"""notulist: offline transcription and minutes for interviews and meetings, Dutch first.

The stages, one folder each: ``audio`` (decoding, capture, voice activity) -> ``recognition`` (Whisper) ->
``diarization`` (who spoke when) -> ``glossary`` (abbreviations) -> ``summary`` (minutes) -> ``reports`` (HTML,
DOCX, txt/srt/vtt), kept in the ``archive`` (the session folder). ``pipeline`` runs them for a recording,
``live`` for a microphone; ``cli`` is the command line. ``core`` holds the vocabulary they share.
"""

from importlib.metadata import PackageNotFoundError, version

from notulist.core.offline import switch_off_telemetry

switch_off_telemetry()  # before any stage imports onnxruntime, torch or a Hugging Face library

try:
    __version__ = version("notulist")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
