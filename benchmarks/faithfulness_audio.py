"""Recordings that provoke recognition loops, made from the scripts in ``benchmarks/data/faithful``.

``make_meeting.sh`` (beside the project in ``../shared/tools``) speaks a script with espeak-ng/MBROLA voices and
leaves 0.4-1.1 s between turns. Loops and lost speech show up after long pauses with noise in them, so
``roughen`` inserts a pause of ``pause_s`` (3-7 s, seeded) after every turn holding brown noise and a noise
burst, puts a faint noise bed under everything, and shifts the reference times to match. Only the scripts are
kept in the repository; the audio is made again on every run (a few seconds).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "benchmarks" / "data" / "faithful"
SHARED = Path(os.environ.get("NOTULIST_SHARED", ROOT.parent / "shared"))  # the shared folder beside the project
MAKE_MEETING = SHARED / "tools" / "make_meeting.sh"
RATE = 16_000


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: str
    text: str


def read_turns(path: Path) -> list[Turn]:
    turns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            start, end, speaker, text = line.split("\t", 3)
            turns.append(Turn(float(start), float(end), speaker, text))
    return turns


def _noise(length: int, rng: np.random.Generator, level: float) -> np.ndarray:
    brown = np.cumsum(rng.standard_normal(length))
    brown -= np.convolve(brown, np.ones(1601) / 1601, mode="same")  # no DC drift
    return (level * brown / (np.abs(brown).max() + 1e-9)).astype(np.float32)


def roughen(audio: np.ndarray, turns: list[Turn], seed: int) -> tuple[np.ndarray, list[Turn]]:
    """Long noisy pauses between turns and a faint noise bed; the turns' times moved accordingly."""
    rng = np.random.default_rng(seed)
    pieces: list[np.ndarray] = []
    moved: list[Turn] = []
    shift = 0.0
    cursor = 0
    for turn in turns:
        end = int(round(turn.end * RATE))
        pieces.append(audio[cursor:end])
        moved.append(Turn(turn.start + shift, turn.end + shift, turn.speaker, turn.text))
        cursor = end
        pause_s = float(rng.uniform(3.0, 7.0))
        pause = _noise(int(pause_s * RATE), rng, 0.02)
        burst = int(rng.uniform(0.2, 0.6) * RATE)  # a chair, a cough-like thump
        at = int(rng.uniform(0.5, pause_s - 1.0) * RATE)
        pause[at : at + burst] += _noise(burst, rng, 0.12)[: len(pause) - at]
        pieces.append(pause)
        shift += pause_s
    pieces.append(audio[cursor:])
    out = np.concatenate(pieces)
    out = out + _noise(len(out), rng, 0.006)
    return np.clip(out, -1.0, 1.0).astype(np.float32), moved


def make_recording(name: str, folder: Path, seed: int = 1) -> tuple[Path, list[Turn]]:
    """``folder/NAME.wav`` spoken from ``benchmarks/data/faithful/NAME.txt`` and roughened; its reference turns."""
    subprocess.run(
        ["bash", str(MAKE_MEETING), str(SCRIPTS / f"{name}.txt"), str(folder), f"{name}.clean"],
        check=True,
        capture_output=True,
    )
    clean, rate = soundfile.read(folder / f"{name}.clean.wav", dtype="float32")
    assert rate == RATE
    audio, turns = roughen(clean, read_turns(folder / f"{name}.clean.ref.tsv"), seed)
    wav = folder / f"{name}.wav"
    soundfile.write(wav, audio, RATE, subtype="PCM_16")
    lines = [f"{t.start:.3f}\t{t.end:.3f}\t{t.speaker}\t{t.text}\n" for t in turns]
    (folder / f"{name}.ref.tsv").write_text("".join(lines), encoding="utf-8")
    return wav, turns
