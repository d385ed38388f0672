"""Shared test fixtures: paths to the bundled samples and test data, the optional ../shared folder, and a guard
that makes any network connection fail loudly."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
DATA = Path(__file__).resolve().parent / "data"
SHARED = REPO.parent / "shared"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` beside the repository; tests using it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


class NetworkBlocked(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Any attempt to open a network connection (other than a local Unix socket) raises ``NetworkBlocked``."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):
        if getattr(self, "family", None) == socket.AF_UNIX:
            return original_connect(self, address, *args, **kwargs)
        attempts.append(address)
        raise NetworkBlocked(f"network access attempted: {address!r}")

    original_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: (_ for _ in ()).throw(NetworkBlocked(f"DNS {a!r}")))
    yield attempts
