"""Errors a user can hit. Every message says what went wrong and what to do about it, on one line."""

from __future__ import annotations


class NotulistError(Exception):
    """Base of every error a user can cause or fix; the CLI prints its message and exits non-zero."""

    exit_code = 2


class AudioError(NotulistError):
    """The input recording is missing, unreadable, empty or silent."""


class ModelError(NotulistError):
    """A model directory or bundled model is missing, incomplete or unusable."""


class SessionError(NotulistError):
    """A session folder cannot be created, read or updated."""


class VerificationError(NotulistError):
    """A session's archive does not match its manifest or audit log."""

    exit_code = 3
