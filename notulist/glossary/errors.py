"""The glossary's user-facing error."""

from __future__ import annotations

import re
from collections.abc import Sequence

from notulist.core.errors import NotulistError


class GlossaryError(NotulistError):
    """A glossary file is missing, unreadable or malformed. ``problems`` holds one 'file:line: field: what' each."""

    def __init__(self, message: str, problems: Sequence[str] = (), *, parameter: str | None = None) -> None:
        super().__init__(message, parameter=parameter)
        self.problems: tuple[str, ...] = tuple(problems) or (message,)

    @classmethod
    def from_problems(cls, problems: Sequence[str]) -> GlossaryError:
        """One error for all problems, in file and line order; the message names the first."""
        problems = sorted(problems, key=_position)
        first = problems[0]
        if len(problems) == 1:
            return cls(first, problems)
        return cls(
            f"{first} (and {len(problems) - 1} more problems: run `notulist glossary check FILE` to list them)",
            problems,
        )


def _position(problem: str) -> tuple[str, int]:
    match = re.match(r"^(.*?):(\d+):", problem)
    return (match.group(1), int(match.group(2))) if match else (problem, 0)
