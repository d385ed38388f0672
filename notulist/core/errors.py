"""Errors a user can hit. Every message says what went wrong and what to do about it, on one line.

Library code speaks of its own parameters, never of command-line flags: a message names a parameter in backquotes
(`` `num_speakers` ``, or with a value, `` `backend=pyannote` ``) and the error carries the names in
``parameters``. A front end words them its own way (the CLI says ``--speakers``: ``notulist.cli.flags``).
"""

from __future__ import annotations

from collections.abc import Sequence


class NotulistError(Exception):
    """Base of every error a user can cause or fix; the CLI prints its message and exits non-zero."""

    exit_code = 2

    def __init__(self, message: str = "", *, parameter: str | Sequence[str] | None = None) -> None:
        super().__init__(message)
        names = (parameter,) if isinstance(parameter, str) else tuple(parameter or ())
        self.parameters: tuple[str, ...] = names

    @property
    def parameter(self) -> str | None:
        """The (first) parameter the message is about, if any: what a form would highlight."""
        return self.parameters[0] if self.parameters else None


class AudioError(NotulistError):
    """The input recording is missing, unreadable, empty or silent."""


class ModelError(NotulistError):
    """A model directory or bundled model is missing, incomplete or unusable."""


class SessionError(NotulistError):
    """A session folder cannot be created, read or updated."""


class VerificationError(NotulistError):
    """A session's archive does not match its manifest or audit log."""

    exit_code = 3
