"""Reading and validating glossary YAML files, with errors that name the file, the line and the field.

Format (UTF-8 YAML)::

    glossary: 1                      # format version (optional)
    version: "2026.11"               # the file's own version (optional)
    entries:
      - abbreviation: AP             # required; as it is written ("AP", "KvK", "btw", "DF&A")
        spoken: [aa pee]             # optional: how a recogniser may write it when spoken ("woo", "wo")
        spoken_in_context: [pia]     # optional: such variants that are also ordinary words or names; linked only
                                     # when one of the entry's context words is near
        extend: false                # optional: add these meanings to an existing entry instead of replacing it
        meanings:                    # one or more; or give the meaning fields directly on the entry
          - expansion: Autoriteit Persoonsgegevens      # required
            id: ap.autoriteit-persoonsgegevens          # optional, unique; derived when absent
            description: toezichthouder op de AVG       # optional
            domain: privacy                              # optional
            organisation: Rijksoverheid                  # optional
            context: [privacy, avg, toezichthouder]      # optional: words nearby that select this meaning
            source: "https://..." or a document name     # required
            url: https://autoriteitpersoonsgegevens.nl   # optional
            valid_from: 2016-01-01                       # optional dates (YYYY-MM-DD)
            valid_until: 2026-08-01

Files given later override earlier ones entry by entry (same normalised abbreviation), unless ``extend: true``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import yaml

from notulist.glossary.errors import GlossaryError
from notulist.glossary.model import Glossary, GlossaryEntry, Meaning
from notulist.glossary.normalise import fold, slug

FORMAT_VERSION = 1
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the bundled file parses ~10x faster
ENTRY_FIELDS = {"abbreviation", "spoken", "spoken_in_context", "extend", "meanings"}
MEANING_FIELDS = {
    "id",
    "expansion",
    "description",
    "domain",
    "organisation",
    "context",
    "source",
    "url",
    "valid_from",
    "valid_until",
}
TOP_FIELDS = {"glossary", "version", "description", "entries"}


@dataclass(frozen=True)
class ParsedEntry:
    entry: GlossaryEntry
    extend: bool
    explicit_ids: frozenset[str]


@dataclass(frozen=True)
class ParsedFile:
    path: str
    version: str
    entries: tuple[ParsedEntry, ...]
    data: bytes


class _Problems:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, node: yaml.Node | None, field: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        where = f" field '{field}'" if field else ""
        self.items.append(f"{self.path}:{line}:{where}: {message}")


def _scalar(node: yaml.Node, field: str, problems: _Problems, required: bool = False) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        problems.add(node, field, "must be a single value, not a list or mapping")
        return None
    value = fold(str(node.value))
    if required and not value:
        problems.add(node, field, "must not be empty")
        return None
    return value


def _strings(node: yaml.Node, field: str, problems: _Problems) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):
        value = fold(node.value)
        return (value,) if value else ()
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, field, "must be a list of words")
        return ()
    values = []
    for item in node.value:
        text = _scalar(item, field, problems, required=True)
        if text:
            values.append(text)
    return tuple(values)


def _date(node: yaml.Node, field: str, problems: _Problems) -> dt.date | None:
    text = _scalar(node, field, problems)
    if not text or text.lower() in {"null", "~"}:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.add(node, field, f"'{text}' is not a date; write YYYY-MM-DD")
        return None


def _mapping(node: yaml.Node, what: str, problems: _Problems) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, "", f"{what} must be a mapping of 'field: value' lines")
        return None
    fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in fields:
            problems.add(key_node, key, "appears twice")
        fields[key] = (key_node, value_node)
    return fields


def _meaning(
    fields: dict[str, tuple[yaml.Node, yaml.Node]],
    abbreviation: str,
    where: yaml.Node,
    problems: _Problems,
    default_source: str,
) -> tuple[Meaning, bool] | None:
    for key, (key_node, _) in fields.items():
        if key not in MEANING_FIELDS:
            problems.add(key_node, key, f"unknown field; expected one of {', '.join(sorted(MEANING_FIELDS))}")
    if "expansion" not in fields:
        problems.add(where, "expansion", "is missing: every meaning needs the words the abbreviation stands for")
        return None
    values: dict[str, str] = {}
    for key in ("id", "expansion", "description", "domain", "organisation", "source", "url"):
        if key in fields:
            values[key] = _scalar(fields[key][1], key, problems, required=key in {"expansion", "id"}) or ""
    source = values.get("source") or default_source
    if not source:
        problems.add(where, "source", "is missing: say where this meaning comes from (a document, a URL, 'own use')")
    url = values.get("url", "")
    if url and not url.startswith(("http://", "https://")):
        problems.add(fields["url"][1], "url", f"'{url}' is not an http(s) address")
    context = (
        tuple(w.lower() for w in _strings(fields["context"][1], "context", problems)) if "context" in fields else ()
    )
    valid_from = _date(fields["valid_from"][1], "valid_from", problems) if "valid_from" in fields else None
    valid_until = _date(fields["valid_until"][1], "valid_until", problems) if "valid_until" in fields else None
    if valid_from and valid_until and valid_until <= valid_from:
        problems.add(fields["valid_until"][1], "valid_until", "must be later than valid_from")
    meaning = Meaning(
        id=values.get("id", ""),
        abbreviation=abbreviation,
        expansion=values.get("expansion", ""),
        description=values.get("description", ""),
        domain=values.get("domain", "").lower(),
        organisation=values.get("organisation", ""),
        context_words=context,
        source=source,
        url=url,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return meaning, bool(values.get("id"))


def _entry(node: yaml.Node, path: str, problems: _Problems, default_source: str) -> ParsedEntry | None:
    fields = _mapping(node, "an entry", problems)
    if fields is None:
        return None
    if "abbreviation" not in fields:
        problems.add(node, "abbreviation", "is missing: every entry needs the abbreviation itself")
        return None
    abbreviation = _scalar(fields["abbreviation"][1], "abbreviation", problems, required=True)
    if not abbreviation:
        return None
    if not any(ch.isalnum() for ch in abbreviation):
        problems.add(fields["abbreviation"][1], "abbreviation", f"'{abbreviation}' has no letters or digits")
        return None
    if "meanings" in fields:
        stray = [k for k in fields if k not in ENTRY_FIELDS]
        for key in stray:
            problems.add(fields[key][0], key, "belongs inside one of the 'meanings' (or drop the 'meanings' list)")
        meanings_node = fields["meanings"][1]
        if not isinstance(meanings_node, yaml.SequenceNode) or not meanings_node.value:
            problems.add(meanings_node, "meanings", "must be a non-empty list of meanings")
            return None
        meaning_fields = [_mapping(item, "a meaning", problems) for item in meanings_node.value]
        meaning_nodes = list(meanings_node.value)
    else:
        meaning_fields = [{k: v for k, v in fields.items() if k not in ENTRY_FIELDS}]
        meaning_nodes = [node]
    built: list[tuple[Meaning, bool]] = []
    for item_fields, item_node in zip(meaning_fields, meaning_nodes, strict=True):
        if item_fields is None:
            continue
        result = _meaning(item_fields, abbreviation, item_node, problems, default_source)
        if result:
            built.append(result)
    spoken: dict[str, tuple[str, ...]] = {}
    for name in ("spoken", "spoken_in_context"):
        if name in fields:
            values = _strings(fields[name][1], name, problems)
            spoken[name] = tuple(" ".join(v.lower().replace("-", " ").split()) for v in values)
    if spoken.get("spoken_in_context") and not any(m.context_words for m, _ in built):
        problems.add(fields["spoken_in_context"][0], "spoken_in_context", "needs context words in a meaning")
    extend = False
    if "extend" in fields:
        value = _scalar(fields["extend"][1], "extend", problems)
        if value not in {"true", "false", "True", "False", "yes", "no"}:
            problems.add(fields["extend"][1], "extend", "must be true or false")
        extend = value in {"true", "True", "yes"}
    if not built:
        return None
    entry = GlossaryEntry(
        abbreviation=abbreviation,
        meanings=tuple(m for m, _ in built),
        spoken_variants=spoken.get("spoken", ()),
        context_variants=spoken.get("spoken_in_context", ()),
        origin=f"{path}:{node.start_mark.line + 1}",
    )
    return ParsedEntry(entry, extend, frozenset(m.id for m, explicit in built if explicit))


def parse_file(path: Path, label: str | None = None, data: bytes | None = None) -> ParsedFile:
    """Parse and validate one glossary file; raise GlossaryError listing every problem (file:line: field: what)."""
    label = label or str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise GlossaryError(f"{label}: cannot read the glossary file ({exc.strerror}); check the path") from exc
    root = _compose(data, label)
    problems = _Problems(label)
    top = _mapping(root, "the file", problems)
    if top is None:
        raise GlossaryError.from_problems(problems.items)
    version = _check_top_fields(top, problems)
    entries = _parse_entries(_entries_node(root, top, problems), label, problems)
    _check_duplicates(entries, label, problems)
    if problems.items:
        raise GlossaryError.from_problems(problems.items)
    entries = [
        ParsedEntry(_with_ids(p.entry, p.explicit_ids, qualified=p.extend), p.extend, p.explicit_ids) for p in entries
    ]
    return ParsedFile(label, version, tuple(entries), data)


def _compose(data: bytes, label: str) -> yaml.Node:
    """The YAML node tree of a glossary file (with line numbers); not UTF-8, not YAML or empty is an error."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{label}:1: the file is not UTF-8 text; save it as UTF-8") from exc
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GlossaryError(f"{label}:{line}: not valid YAML ({reason}); check indentation and quotes") from exc
    if root is None:
        raise GlossaryError(f"{label}:1: the file is empty; it needs an 'entries:' list")
    return root


def _check_top_fields(top: dict[str, tuple[yaml.Node, yaml.Node]], problems: _Problems) -> str:
    """Unknown top-level fields and an unsupported format noted; the file's version ('' when absent)."""
    for key, (key_node, _) in top.items():
        if key not in TOP_FIELDS:
            problems.add(key_node, key, f"unknown top-level field; expected one of {', '.join(sorted(TOP_FIELDS))}")
    if "glossary" in top:
        fmt = _scalar(top["glossary"][1], "glossary", problems)
        if fmt is not None and fmt != str(FORMAT_VERSION):
            problems.add(top["glossary"][1], "glossary", f"format {fmt} is not supported; this notulist reads format 1")
    return _scalar(top["version"][1], "version", problems) or "" if "version" in top else ""


def _entries_node(root: yaml.Node, top: dict[str, tuple[yaml.Node, yaml.Node]], problems: _Problems) -> yaml.Node:
    """The 'entries:' list; its absence, or anything but a list, ends the parse with the problems so far."""
    if "entries" not in top:
        problems.add(root, "entries", "is missing: the file needs an 'entries:' list")
        raise GlossaryError.from_problems(problems.items)
    entries_node = top["entries"][1]
    if not isinstance(entries_node, yaml.SequenceNode):
        problems.add(entries_node, "entries", "must be a list; start each entry with '- abbreviation:'")
        raise GlossaryError.from_problems(problems.items)
    return entries_node


def _parse_entries(entries_node: yaml.Node, label: str, problems: _Problems) -> list[ParsedEntry]:
    default_source = ""
    entries: list[ParsedEntry] = []
    for node in entries_node.value:
        parsed = _entry(node, label, problems, default_source)
        if parsed:
            entries.append(parsed)
    return entries


def _check_duplicates(entries: list[ParsedEntry], label: str, problems: _Problems) -> None:
    """An abbreviation defined twice in one file (not as an ``extend``) is a problem naming both lines."""
    seen: dict[str, str] = {}
    for parsed in entries:
        key = parsed.entry.key
        if key in seen and not parsed.extend:
            line = parsed.entry.origin.rsplit(":", 1)[1]
            problems.items.append(
                f"{label}:{line}: field 'abbreviation': '{parsed.entry.abbreviation}' is already defined at "
                f"{seen[key]}; merge the two into one entry with several meanings"
            )
        seen.setdefault(key, parsed.entry.origin)


def _with_ids(entry: GlossaryEntry, explicit: frozenset[str], qualified: bool = False) -> GlossaryEntry:
    """Ids for meanings without one: the abbreviation's slug for a sole meaning ("avg"), else abbreviation and
    expansion ("ap.autoriteit-persoonsgegevens"). Given per file, so extending an entry never renames its meanings."""
    base = slug(entry.abbreviation, max_words=8) or "x"
    meanings = []
    taken = {m.id for m in entry.meanings if m.id and m.id in explicit}
    for meaning in entry.meanings:
        if meaning.id and meaning.id in explicit:
            meanings.append(meaning)
            continue
        new_id = (
            base if len(entry.meanings) == 1 and not qualified else f"{base}.{slug(meaning.expansion, max_words=4)}"
        )
        if new_id in taken:
            new_id = f"{base}.{slug(meaning.expansion, max_words=12)}"
        number = 2
        while new_id in taken:
            new_id = f"{base}.{slug(meaning.expansion, max_words=4)}-{number}"
            number += 1
        taken.add(new_id)
        meanings.append(replace(meaning, id=new_id))
    return replace(entry, meanings=tuple(meanings))


def merge(files: Sequence[ParsedFile]) -> Glossary:
    entries: dict[str, GlossaryEntry] = {}
    for parsed_file in files:
        for parsed in parsed_file.entries:
            key = parsed.entry.key
            if parsed.extend and key in entries:
                old = entries[key]
                new = parsed.entry
                spoken = old.spoken_variants + tuple(s for s in new.spoken_variants if s not in old.spoken_variants)
                gated = old.context_variants + tuple(s for s in new.context_variants if s not in old.context_variants)
                entries[key] = replace(
                    old, meanings=old.meanings + new.meanings, spoken_variants=spoken, context_variants=gated
                )
            else:
                entries[key] = parsed.entry
    final: dict[str, GlossaryEntry] = {}
    owners: dict[str, str] = {}
    problems: list[str] = []
    for key, entry in entries.items():
        for meaning in entry.meanings:
            if meaning.id in owners:
                problems.append(
                    f"{entry.origin}: field 'id': '{meaning.id}' is used twice (also at {owners[meaning.id]}); "
                    "give each meaning its own id"
                )
            owners[meaning.id] = entry.origin
        final[key] = entry
    if problems:
        raise GlossaryError.from_problems(problems)
    digest = hashlib.sha256()
    for parsed_file in files:
        digest.update(hashlib.sha256(parsed_file.data).digest())
    versions = [f.version or Path(f.path).stem for f in files]
    version = versions[0] + "".join(f"+{v}" for v in versions[1:])
    return Glossary(entries=final, version=version, sha256=digest.hexdigest(), files=tuple(f.path for f in files))


BUNDLED_FILE = "civil_service.yaml"


def bundled_bytes() -> bytes:
    return (resources.files("notulist.glossary") / "data" / BUNDLED_FILE).read_bytes()


def _parse_bundled(data: bytes) -> ParsedFile:
    return parse_file(Path(BUNDLED_FILE), label=f"<bundled>/{BUNDLED_FILE}", data=data)


def load_glossary(extra_paths: Sequence[Path] = (), include_bundled: bool = True) -> Glossary:
    """The bundled civil-service glossary with the user's files layered on top, in the order given.

    Each call reads and checks the files again (about 0.3 s for the bundled one): a caller that needs the glossary
    more than once keeps the ``Glossary`` it got."""
    files = []
    if include_bundled:
        files.append(_parse_bundled(bundled_bytes()))
    files.extend(parse_file(Path(p)) for p in extra_paths)
    if not files:
        raise GlossaryError(
            "no glossary to load: give a file in `extra_paths` or keep the bundled one", parameter="extra_paths"
        )
    return merge(files)
