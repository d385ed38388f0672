"""Adding an abbreviation to the user's own glossary file (``notulist glossary add``)."""

from __future__ import annotations

import json
from pathlib import Path

from notulist.glossary.errors import GlossaryError
from notulist.glossary.loader import parse_file

NEW_FILE_HEADER = (
    "# Eigen afkortingen, bovenop de meegeleverde woordenlijst van de rijksoverheid:\n"
    "#   notulist transcribe opname.m4a --glossary {name}\n"
    "glossary: 1\n"
    'version: "eigen"\n'
    "entries:\n"
)


def add_entry(path: Path, abbreviation: str, expansion: str, spoken: tuple[str, ...] = (), source: str = "") -> None:
    """Append one entry to ``path`` (created when missing) and check the whole file; on a problem the file is left
    as it was and GlossaryError says what to fix."""
    path = Path(path)
    abbreviation, expansion = abbreviation.strip(), " ".join(expansion.split())
    if not abbreviation or not expansion:
        raise GlossaryError('geef de afkorting en de volledige vorm, bijvoorbeeld: BBN "basisbeveiligingsniveau"')
    try:
        before = path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise GlossaryError(f"{path}: kan het bestand niet lezen ({exc.strerror}); controleer het pad") from exc
    fields = {"abbreviation": abbreviation, "expansion": expansion, "source": source or "eigen toevoeging"}
    if spoken:
        fields["spoken"] = list(spoken)
    line = (
        "  - {" + ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()) + "}\n"
    )
    if before is None:
        text = NEW_FILE_HEADER.format(name=path.name) + line
    else:
        existing = before.decode("utf-8", errors="replace")
        text = existing + ("" if existing.endswith("\n") or not existing else "\n") + line
    data = text.encode("utf-8")
    parse_file(path, data=data)  # raises GlossaryError (file:line: field: what) before anything is written
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as exc:
        raise GlossaryError(f"{path}: kan het bestand niet schrijven ({exc.strerror}); controleer de map") from exc
