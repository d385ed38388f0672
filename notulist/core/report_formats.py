"""The report formats a session can hold: the one list, and the parser of a comma-separated choice of them."""

from __future__ import annotations

REPORT_FORMATS: tuple[str, ...] = ("html", "docx")
NO_REPORTS = "none"


def parse_report_formats(value: str) -> tuple[str, ...]:
    """``"html,docx"`` -> ``("html", "docx")`` (lower-cased, duplicates dropped); ``"none"`` -> ``()``.

    Raises ``ValueError`` naming an unknown format, or when the value names no format at all.
    """
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    if names == [NO_REPORTS]:
        return ()
    formats: list[str] = []
    for name in names:
        if name not in REPORT_FORMATS:
            raise ValueError(
                f"unknown report format {name!r}: choose from {', '.join(REPORT_FORMATS)}, or {NO_REPORTS}"
            )
        if name not in formats:
            formats.append(name)
    if not formats:
        raise ValueError(f"give at least one report format ({', '.join(REPORT_FORMATS)}) or {NO_REPORTS}")
    return tuple(formats)
