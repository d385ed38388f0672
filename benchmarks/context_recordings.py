"""The recordings of benchmarks/context_links.py, rebuilt from their scripts (no audio is kept in the repository).

Each script in benchmarks/context_links/scripts/ is written the way minutes would write it ("KI&S", "MJP", "IAMA").
Before synthesis every abbreviation is turned into the way people say it: letter by letter with Dutch letter names
("KI&S" -> "kaa ie en es", "MJP" -> "em jot pee"), except the ones said as a word (``SAID_AS_WORD``). The reference
texts keep the written form. The audio is made with ../shared/tools/make_meeting.sh (espeak-ng + MBROLA voices),
which is deterministic for a given espeak-ng version.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "context_links"
SHARED = Path(os.environ.get("NOTULIST_SHARED", ROOT.parent / "shared"))  # ../shared beside the checkout
MAKE_MEETING = SHARED / "tools" / "make_meeting.sh"
# Rules were set on TUNED; HELD_OUT was kept aside until they were final. overleg_algoritme and interview_toezicht
# (kept aside in the first round) and overleg_gegevensdeling and interview_inspectie (kept aside in the second) have
# been tuning material since, and so have overleg_cloud and interview_jeugdhulp (kept aside in the third round; their
# first-run figures are in BENCHMARKS.md), and overleg_energiesubsidie (written to test rules on new material, then
# tuned on). HELD_OUT: the fourth round's two, written with their agenda and invitation by someone who did not write
# the rules, run once on the frozen rules.
TUNED = (
    "overleg_kis", "interview_bio", "overleg_begroting", "overleg_algoritme", "interview_toezicht",
    "overleg_gegevensdeling", "interview_inspectie", "overleg_cloud", "interview_jeugdhulp",
    "overleg_energiesubsidie",
)  # fmt: skip
HELD_OUT: tuple[str, ...] = ("overleg_verduurzaming", "interview_administratiekantoor")

SAID_AS_WORD = {
    "IAMA": "iama", "FIOD": "fiod", "BIO": "bio", "CISO": "sieso", "DUO": "duo", "Woo": "woo",
    "ENSIA": "ensia", "DigiD": "diegie dee", "FRAIA": "fraja", "ISO": "iezo", "NEN": "nen",
    "DICTU": "diktuu", "SaaS": "saas", "EMVI": "emvie", "ARVODI": "arvodie", "SISA": "siesa",
    "ANBI": "anbie", "IBAN": "iebaan",
}  # fmt: skip
LETTER_SOUNDS = {
    "A": "aa", "B": "bee", "C": "cee", "D": "dee", "E": "ee", "F": "ef", "G": "gee", "H": "haa", "I": "ie",
    "J": "jot", "K": "kaa", "L": "el", "M": "em", "N": "en", "O": "oo", "P": "pee", "Q": "kuu", "R": "èr",
    "S": "es", "T": "tee", "U": "uu", "V": "vee", "W": "wee", "X": "iks", "Y": "ij", "Z": "zet", "&": "en",
}  # fmt: skip
ABBREVIATION = re.compile(r"(?<![\w&-])(?:[A-Z][A-Za-z]*[A-Z](?:&[A-Z]+|-[A-Z]+\b)?|Woo)(?![\w&])")


def abbreviations(text: str) -> list[str]:
    """The abbreviations written in a script line, in order ("SSC-ICT" is two: SSC and ICT)."""
    return ABBREVIATION.findall(text)


def spoken(text: str) -> str:
    """A script line as it is said: abbreviations spelled with Dutch letter names or said as a word."""

    def say(match: re.Match[str]) -> str:
        term = match.group()
        if term in SAID_AS_WORD:
            return SAID_AS_WORD[term]
        return " ".join(LETTER_SOUNDS[c.upper()] for c in term if c != "-")

    return ABBREVIATION.sub(say, text).replace("-", " ")


def make_recording(name: str, out: Path) -> Path:
    """``out/NAME.wav`` (+ .ref.tsv, .ref.txt, .rttm) with the written text as reference; reuses what exists."""
    wav = out / f"{name}.wav"
    if wav.exists():
        return wav
    lines = [line for line in (DATA / "scripts" / f"{name}.txt").read_text(encoding="utf-8").splitlines() if line]
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / f"{name}.txt"
        said = []
        for line in lines:
            speaker, voice, text = line.split("|", 2)
            said.append(f"{speaker}|{voice}|{spoken(text)}")
        script.write_text("\n".join(said) + "\n", encoding="utf-8")
        subprocess.run(["bash", str(MAKE_MEETING), str(script), tmp, name], check=True, capture_output=True)
        rows = (Path(tmp) / f"{name}.ref.tsv").read_text(encoding="utf-8").splitlines()
        written = [line.split("|", 2)[2] for line in lines]
        (out / f"{name}.ref.tsv").write_text(
            "".join("\t".join([*row.split("\t")[:3], text]) + "\n" for row, text in zip(rows, written, strict=True)),
            encoding="utf-8",
        )
        (out / f"{name}.ref.txt").write_text("\n".join(written) + "\n", encoding="utf-8")
        shutil.copy(Path(tmp) / f"{name}.rttm", out / f"{name}.rttm")
        shutil.copy(Path(tmp) / f"{name}.wav", wav)
    return wav


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "notulist-context-audio"
    for recording in TUNED + HELD_OUT:
        print(make_recording(recording, target))
