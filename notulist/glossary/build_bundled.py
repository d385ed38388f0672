"""Rebuild the bundled civil-service glossary (notulist/glossary/data/civil_service.yaml) from its sources.

    python -m notulist.glossary.build_bundled [--sources ../shared/glossary-sources] [--version 2026.11]

Inputs: the hand-written everyday abbreviations (notulist/glossary/data/everyday.yaml, first and authoritative), the
abbreviations mined from the seed documents (seed_abbreviations.csv; high/medium confidence only), the Ministry of
Finance selection lists (minfin_selectielijst_afkortingen.csv) and the CC0 Register van Overheidsorganisaties
(roo_polder_org_abbreviations.csv, without the municipalities whose "abbreviation" is their name). A meaning that
repeats one already present (same expansion up to case and small spelling differences) is dropped. The output is
deterministic for the same inputs and is committed, so the product never needs ../shared at run time.
This is a developer tool: it prints what it did.
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from notulist.glossary.loader import parse_file
from notulist.glossary.model import Meaning
from notulist.glossary.normalise import normalise_key

DATA = Path(__file__).parent / "data"
DEFAULT_SOURCES = Path(__file__).resolve().parents[2] / "shared" / "glossary-sources"

SEED_TITLES = {
    "000_fcdb49c4f9c67d6d.txt": "seed interview data scientist Belastingdienst (juni 2025)",
    "001_b428648717ec9a2a.txt": "seed stand-van-zakenbrief Belastingdienst (13 november 2025)",
    "003_8d25ea8fee195e23.txt": "seed Kamerbrief Voortgang ICT Belastingdienst (2024D25613, 18 juni 2024)",
    "004_3526c7f4b0a91078.txt": "seed Kamerbrief Openbaarmaking Risicoclassificatiemodel Toeslagen (2021D46370)",
}
ROO_DOMAIN = {
    "ministerie": "overheid",
    "zbo": "overheid",
    "agentschap": "overheid",
    "adviescollege": "advies",
    "inspectie": "toezicht",
    "hoge-college": "overheid",
    "rechterlijke-instantie": "recht",
    "politie": "opsporing",
    "provincie": "overheid",
    "waterschap": "overheid",
    "rwt": "overheid",
    "organisatieonderdeel": "organisatie",
    "gemeenschappelijke-regeling": "regio",
    "caribisch-openbaar-lichaam": "overheid",
}
CONTEXT_STOP = {
    "afdeling",
    "directie",
    "directoraat",
    "generaal",
    "directoraat-generaal",
    "cluster",
    "bureau",
    "dienst",
    "voor",
    "van",
    "en",
    "de",
    "het",
    "der",
    "team",
    "nederland",
    "nederlandse",
    "programma",
    "programmadirectie",
    "landelijk",
    "landelijke",
    "centrum",
    "commissie",
}
ABBREVIATION_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9&\-]{1,9}$")
SPACED_EN = re.compile(r"^[A-Z]{1,3} en [A-Z]{1,3}$")


@dataclass
class Sense:
    expansion: str
    source: str
    abbreviation: str
    description: str = ""
    domain: str = ""
    organisation: str = ""
    context: list[str] = field(default_factory=list)
    url: str = ""
    valid_from: str = ""
    valid_until: str = ""

    def to_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"expansion": self.expansion}
        for name in ("description", "domain", "organisation"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.context:
            out["context"] = self.context
        out["source"] = self.source
        for name in ("url", "valid_from", "valid_until"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


def _words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", ascii_text.replace("&", " en "))


def _same(a: str, b: str) -> bool:
    """Two expansions of one key that name the same thing ("Hoge Raad" / "Hoge Raad der Nederlanden",
    "Klantinteractie en Services" / "Klant, Interactie & Services", "Cluster Omzetbelasting" / "omzetbelasting")."""
    words_a, words_b = _words(a), _words(b)
    if fuzz.ratio("".join(words_a), "".join(words_b)) >= 85:
        return True
    short, long = sorted((set(words_a), set(words_b)), key=len)
    return bool(short) and short <= long


def _looks_like_abbreviation(text: str) -> bool:
    if SPACED_EN.match(text):
        return True
    if not ABBREVIATION_SHAPE.match(text):
        return False
    return sum(ch.isupper() for ch in text) >= 2 and len(normalise_key(text)) <= 8


def _context_from(*texts: str) -> list[str]:
    words: list[str] = []
    for text in texts:
        for word in re.findall(r"[a-zà-ÿ]+", text.lower()):
            if len(word) >= 5 and word not in CONTEXT_STOP and word not in words:
                words.append(word)
    return words[:6]


def _url(site: str) -> str:
    site = site.strip()
    if not site:
        return ""
    return site if site.startswith(("http://", "https://")) else f"https://{site}"


def _date(text: str) -> str:
    text = (text or "").strip()
    return "" if not text or text.startswith("1900-") else text


def read_seeds(path: Path) -> list[Sense]:
    senses = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["confidence"] not in {"high", "medium"} or not row["expansion"].strip():
                continue
            if row["pattern"] in {"party_label", "hierna-alias", "alias-context"}:
                continue
            abbreviation = row["abbreviation"].strip()
            if not _looks_like_abbreviation(abbreviation):
                continue
            title = SEED_TITLES.get(row["seed_file"], f"seed {row['seed_file']}")
            senses.append(Sense(row["expansion"].strip(), f"{title}, regel {row['line']}", abbreviation))
    return senses


def read_minfin(path: Path) -> list[Sense]:
    senses = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            abbreviation = row["abbreviation"].strip().rstrip(".")
            if not _looks_like_abbreviation(abbreviation):
                continue
            source = f"Ministerie van Financiën, {row['source_title']} ({row['bwb_id']})"
            url = f"https://wetten.overheid.nl/{row['bwb_id']}"
            senses.append(Sense(row["expansion"].strip(), source, abbreviation, domain="belastingen", url=url))
    return senses


def read_roo(path: Path) -> list[Sense]:
    senses: dict[tuple[str, str], Sense] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["likely_not_abbreviation"] == "True" or row["org_type"] == "gemeente":
                continue
            abbreviation = row["abbreviation"].strip().strip("()")
            if not _looks_like_abbreviation(abbreviation):
                continue
            expansion = row["expansion"].strip()
            until = _date(row["org_valid_until"]) or _date(row["name_valid_until"])
            since = _date(row["name_valid_from"])
            if since and until and until <= since:  # contradictory register dates: trust the end date only
                since = ""
            parent = row["parent"].strip()
            kind = row["org_type"].replace("-", " ")
            sense = Sense(
                expansion=expansion,
                source=f"Register van Overheidsorganisaties, {row['polder_id'] or row['roo_id']} (CC0, via polder)",
                abbreviation=abbreviation,
                description=f"{kind}" + (f" onder {parent}" if parent else ""),
                domain=ROO_DOMAIN.get(row["org_type"], "overheid"),
                organisation=parent,
                context=_context_from(expansion, parent),
                url=_url(row["website"])
                or (f"https://organisaties.overheid.nl/{row['roo_id']}" if row["roo_id"] else ""),
                valid_from=since,
                valid_until=until,
            )
            key = (normalise_key(abbreviation), expansion.lower())
            if key in senses:  # the same organisation listed twice (renamed, re-founded): keep the widest validity
                old = senses[key]
                old.valid_until = "" if not until or not old.valid_until else max(until, old.valid_until)
                continue
            senses[key] = sense
    return list(senses.values())


def build(sources: Path, version: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The bundled glossary document (everyday.yaml first, then the registers' meanings not already there) and how
    many meanings each source gave."""
    counts: dict[str, int] = defaultdict(int)
    entries = _everyday_entries(counts)
    _add_register_meanings(entries, sources, counts)
    out_entries = [_entry_body(entries[key]) for key in sorted(entries)]
    counts["entries"] = len(out_entries)
    counts["meanings"] = sum(len(entries[k]["meanings"]) for k in entries)
    counts["ambiguous"] = sum(1 for k in entries if len(entries[k]["meanings"]) > 1)
    return {"glossary": 1, "version": version, "entries": out_entries}, dict(counts)


def _everyday_entries(counts: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The hand-written entries of everyday.yaml, by key, each meaning as a ``Sense``."""
    entries: dict[str, dict[str, Any]] = {}
    for parsed in parse_file(DATA / "everyday.yaml").entries:
        entry = parsed.entry
        item: dict[str, Any] = {"abbreviation": entry.abbreviation}
        if entry.spoken_variants:
            item["spoken"] = list(entry.spoken_variants)
        if entry.context_variants:
            item["spoken_in_context"] = list(entry.context_variants)
        item["meanings"] = [_sense_of(entry.abbreviation, meaning) for meaning in entry.meanings]
        counts["everyday"] += len(item["meanings"])
        entries[entry.key] = item
    return entries


def _sense_of(abbreviation: str, meaning: Meaning) -> Sense:
    return Sense(
        expansion=meaning.expansion,
        source=meaning.source,
        abbreviation=abbreviation,
        description=meaning.description,
        domain=meaning.domain,
        organisation=meaning.organisation,
        context=list(meaning.context_words),
        url=meaning.url,
        valid_from=meaning.valid_from.isoformat() if meaning.valid_from else "",
        valid_until=meaning.valid_until.isoformat() if meaning.valid_until else "",
    )


def _add_register_meanings(entries: dict[str, dict[str, Any]], sources: Path, counts: dict[str, int]) -> None:
    """The meanings of the seed list, the Finance selection lists and the register, where not already known."""
    for label, senses in (
        ("seeds", read_seeds(sources / "seed_abbreviations.csv")),
        ("minfin", read_minfin(sources / "minfin_selectielijst_afkortingen.csv")),
        ("roo", read_roo(sources / "roo_polder_org_abbreviations.csv")),
    ):
        for sense in senses:
            key = normalise_key(sense.abbreviation)
            item = entries.setdefault(key, {"abbreviation": sense.abbreviation, "meanings": []})
            if any(_same(sense.expansion, old.expansion) for old in item["meanings"]):
                continue
            item["meanings"].append(sense)
            counts[label] += 1


def _entry_body(item: dict[str, Any]) -> dict[str, Any]:
    """One entry as written to the YAML; meanings that must be told apart get context words."""
    meanings = item["meanings"]
    if len(meanings) > 1:
        for sense in meanings:
            if not sense.context:
                sense.context = _context_from(sense.expansion, sense.organisation)
    body: dict[str, Any] = {"abbreviation": item["abbreviation"]}
    for name in ("spoken", "spoken_in_context"):
        if item.get(name):
            body[name] = item[name]
    if len(meanings) == 1:
        body.update(meanings[0].to_yaml())
    else:
        body["meanings"] = [m.to_yaml() for m in meanings]
    return body


HEADER = """\
# GENERATED by `python -m notulist.glossary.build_bundled` - do not edit by hand; edit everyday.yaml beside it or the
# sources and rebuild. The bundled Dutch civil-service glossary of notulist.
# Sources: hand-written everyday abbreviations (everyday.yaml); abbreviations defined in four public Dutch
# government documents (Belastingdienst, 2021-2025); two Ministry of Finance archive selection lists (2005,
# BWBR0018289 and related); the Register van Overheidsorganisaties (CC0, via the polder data set), without
# municipalities. Each meaning names its source.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--version", default="2026.11")
    parser.add_argument("--out", type=Path, default=DATA / "civil_service.yaml")
    args = parser.parse_args(argv)
    document, counts = build(args.sources, args.version)
    text = HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)
    args.out.write_text(text, encoding="utf-8")
    parse_file(args.out)  # the result must be a valid glossary
    print(f"wrote {args.out}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
