"""The GGUF backend (llama-cpp-python, optional extra ``llm-gguf``): clear errors for a missing file, a file that is
not GGUF, and a missing extra. The extra is not built here (it compiles for ~9 minutes); where it is installed, the
last test loads nothing and is skipped."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

from notulist.cli.flags import said_as_flags
from notulist.core.errors import ModelError, NotulistError
from notulist.summary.llm_gguf import GgufChatBackend
from notulist.summary.summarizer import make_summarizer

HAS_LLAMA_CPP = importlib.util.find_spec("llama_cpp") is not None


def test_missing_file_is_a_clear_error(tmp_path):
    with (
        pytest.raises(ModelError, match="is not a file: give the path of a .gguf model file with --llm-gguf"),
        said_as_flags(),
    ):
        GgufChatBackend(tmp_path / "absent.gguf")
    with pytest.raises(ModelError, match="--llm-gguf"), said_as_flags():
        make_summarizer(llm_gguf=tmp_path / "absent.gguf")


def test_a_file_that_is_not_gguf_is_refused(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ModelError, match="not a GGUF model file"):
        GgufChatBackend(fake)


@pytest.mark.skipif(HAS_LLAMA_CPP, reason="llama-cpp-python is installed here")
def test_without_the_extra_the_error_says_how_to_install_it(tmp_path):
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 0))  # a GGUF v3 header with no tensors
    with pytest.raises(ModelError) as caught:
        make_summarizer(llm_gguf=model)
    message = str(caught.value)
    assert "llama-cpp-python" in message and "pip install 'notulist[llm-gguf]'" in message
    assert "\n" not in message
    assert isinstance(caught.value, NotulistError)


def test_only_one_model_at_a_time(tmp_path):
    with pytest.raises(NotulistError, match="only one"):
        make_summarizer(llm_gguf=Path("a.gguf"), llm_hf=Path("dir"))
