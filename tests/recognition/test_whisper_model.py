"""The embedded Whisper base: assembled once, verified, rebuilt when damaged; and clear errors for --model."""

from __future__ import annotations

import shutil

import pytest

from notulist.archive.session import sha256_file
from notulist.core.errors import ModelError
from notulist.recognition.whisper_model import (
    BUNDLED_MODEL_SHA256,
    assemble_bundled,
    choose_device,
    load_whisper,
    resolve_model,
)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTULIST_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.slow
def test_bundled_model_is_assembled_and_verified(cache):
    spec = resolve_model(None)
    assert spec.path == cache / "whisper-base"
    assert spec.sha256 == BUNDLED_MODEL_SHA256 == sha256_file(spec.path / "model.bin")
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no partial build left behind


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["flip", "truncate", "delete-tokenizer"])
def test_damaged_cache_is_rebuilt_not_used(cache, damage):
    target = assemble_bundled()
    model = target / "model.bin"
    if damage == "flip":
        with open(model, "r+b") as handle:
            handle.seek(1000)
            byte = handle.read(1)
            handle.seek(1000)
            handle.write(bytes([byte[0] ^ 0xFF]))
    elif damage == "truncate":
        with open(model, "r+b") as handle:
            handle.truncate(1000)
    else:
        (target / "tokenizer.json").unlink()
    rebuilt = assemble_bundled()
    assert sha256_file(rebuilt / "model.bin") == BUNDLED_MODEL_SHA256
    assert (rebuilt / "tokenizer.json").is_file()


def test_missing_model_dir(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        resolve_model(tmp_path / "large-v3")


def test_model_path_is_a_file(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"x")
    with pytest.raises(ModelError, match="is a file"):
        resolve_model(path)


def test_incomplete_model_dir(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="model.bin missing"):
        resolve_model(tmp_path)


def test_broken_config(tmp_path):
    for name in ("model.bin", "tokenizer.json"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        resolve_model(tmp_path)


@pytest.mark.slow
def test_garbage_weights_fail_to_load_with_a_clear_error(tmp_path, cache):
    bundled = assemble_bundled()
    broken = tmp_path / "broken"
    shutil.copytree(bundled, broken)
    with open(broken / "model.bin", "r+b") as handle:
        handle.truncate(4096)
    spec = resolve_model(broken)
    with pytest.raises(ModelError, match="cannot load the Whisper model"):
        load_whisper(spec, choose_device("cpu"))


def test_device_choice_on_a_machine_without_gpu():
    import ctranslate2

    if ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a GPU")
    assert choose_device("auto").device == "cpu"
    assert choose_device("auto").compute_type == "int8"
    assert choose_device("cpu", "float32").compute_type == "float32"
    with pytest.raises(ModelError, match="no CUDA GPU"):
        choose_device("cuda")
