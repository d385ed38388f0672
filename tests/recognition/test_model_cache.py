"""The bundled model's cache is checked file by file: a changed tokenizer (the words), vocabulary or configuration,
or a stray file, makes the cache be rebuilt, never used."""

from __future__ import annotations

import json

import pytest

from notulist.archive.session import sha256_file
from notulist.recognition.whisper_model import BUNDLED_FILES_SHA256, assemble_bundled, resolve_model


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTULIST_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def swap_two_tokens(path) -> None:
    """What an attacker does to make "Peter" come out as another name: two token ids swapped."""
    data = json.loads(path.read_text(encoding="utf-8"))
    vocab = data["model"]["vocab"]
    first, second = "ĠPeter", "ĠPaul"
    vocab[first], vocab[second] = vocab[second], vocab[first]
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("damage", ["swap-tokens", "broken-tokenizer", "extra-file"])
def test_every_file_of_the_cache_is_checked_and_rebuilt(cache, damage):
    target = assemble_bundled()
    if damage == "swap-tokens":
        swap_two_tokens(target / "tokenizer.json")
    elif damage == "broken-tokenizer":
        (target / "tokenizer.json").write_text("{ not json")
    else:
        (target / "added.bin").write_bytes(b"x")
    rebuilt = assemble_bundled()
    for name, expected in BUNDLED_FILES_SHA256.items():
        assert sha256_file(rebuilt / name) == expected
    assert not (rebuilt / "added.bin").exists()


def test_the_manifest_names_every_model_file(cache, tmp_path):
    spec = resolve_model(None)
    assert spec.files == BUNDLED_FILES_SHA256
    custom = tmp_path / "custom"
    custom.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (custom / name).write_text("{}")
    assert set(resolve_model(custom).files) == {"config.json", "tokenizer.json"}
