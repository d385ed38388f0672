"""First-person commitments with any verb, and the short answers that accept a request.

A speaker commits when "ik" is the subject of a present-tense verb that does something ("Ik actualiseer de
risicolijst ...", "Dan pas ik het aan en stuur ik het ...", "Het verslag stuur ik morgen rond.", "Die training
verzorg ik.") and a time is said with it; verbs of being, having, thinking, wanting and being able ("ik ben", "ik
heb", "ik denk", "ik wil", "ik kan") and past, hypothetical or negated sentences are no commitment. The verb is not
looked up in a list of actions: any word in the verb's place counts unless it is one of those, so phrasings no
meeting used before are found too.

A request ("Kun jij ...?", "Ruud, regel jij ...?") is accepted by a short answer made only of yes-words ("Is goed.",
"Zeker.", "Natuurlijk.", "Ja hoor, dat wil ik wel.", "Prima, doe ik."), and a "wie ...?" question by "Ik." or "Ik,
samen met ...". "Nee", "ja, maar ..." and anything with more words are no acceptance.
"""

from __future__ import annotations

import re

from notulist.summary.sentences import Sentence

# first-person forms that state, think, want or may, and words that stand where a verb could: no commitment
_NOT_ACTING = frozenset(
    """
    ben heb had was waren denk dacht vind vond weet wist hoop zie zag mis miste wil wilde kan kon moet moest mag
    mocht zou begrijp snap ken kende bedoel geloof twijfel merk hoor voel vrees verwacht sta zit lig woon heet
    ga zal kom blijf word werd zeg zei lees schrik baal sluit open hoef hoefde durf begin start stop vertrek verhuis
    het de een dat die dit deze er daar hier dan toen nu ook wel niet nog al zelf alleen eerst graag dus maar en of
    want als me mij mijn je jij u we wij ze zij hem haar ons jullie wat wie hoe waar waarom wanneer welke
    zo even eens altijd nooit vaak soms meestal liever heel echt gewoon natuurlijk toch juist ja nee
    """.split()
)
# a word before "ik" that makes it a subordinate clause ("dat ik het morgen stuur") or no verb at all
_SUBORDINATE = frozenset(
    """
    dat als omdat zodat wat toen wanneer of zoals voordat nadat totdat tot terwijl hoe waar waarom die wie welke
    want maar en dus dan ook zelf nu wel niet nog al even misschien
    """.split()
)
# past, hypothetical or negated: not a promise for the minutes
_NOT_PROMISE = re.compile(
    r"\b(?:gisteren|vorige|afgelopen|geleden|sinds|eerder|al eens|misschien|wellicht|eventueel|zou|zouden|"
    r"tenzij|als ik|niet|nooit|geen)\b"
)
# "Ik denk dat ik het morgen stuur", "die vee ik verwacht daar binnen twee weken" (recognised): an expectation
_EXPECTING = re.compile(r"\b(?:ik (?:denk|verwacht|hoop|vrees|geloof|vermoed|gok)|(?:denk|verwacht|hoop|vrees) ik)\b")
# the last word of a past participle clause ("ik heb het gestuurd") is caught by "heb"; a past form "stuurde"
_PAST = re.compile(r"\w{3,}(?:de|te|den|ten)$")


def commitment_verb(sentence: Sentence) -> int | None:
    """The position in ``sentence.norm`` of the verb "ik" commits with ("ik <verb> ..." or "... <verb> ik"), or None."""
    if sentence.question or _NOT_PROMISE.search(sentence.norm) or _EXPECTING.search(sentence.norm):
        return None
    tokens = sentence.norm.split()
    offsets = sentence.starts
    for n, token in enumerate(tokens):
        if token != "ik":
            continue
        before = tokens[n - 1] if n else None
        if n + 1 < len(tokens) and (before is None or before in ("en", "dan", "dus", "ja", "oké", "goed", "prima")):
            if _acting(tokens[n + 1]):  # "Ik actualiseer ...", "en ik stuur ..."
                return offsets[n + 1]
        if before is not None and before not in _SUBORDINATE and n >= 2 and _acting(before):
            return offsets[n - 1]  # "Dan pas ik ...", "Het verslag stuur ik ...", "Morgen bel ik ..."
        if before == "kom" and n >= 2 and "terug" in tokens[n:]:
            return offsets[n - 1]  # "Daar kom ik volgende week op terug."
    return None


def _acting(token: str) -> bool:
    return len(token) >= 2 and token.isalpha() and token not in _NOT_ACTING and not _PAST.fullmatch(token)


# Separable verbs that undertake something ("Ik zoek het uit.", "Ik neem contact op met ...", "Dan loop ik de lijst
# na."): a commitment even without a deadline; other verbs ("ik deel die zorg", "ik steun dat") need one.
_UNDERTAKINGS = frozenset(
    """
    neem:op zoek:uit loop:na werk:bij stem:af koppel:terug kom:terug geef:door vraag:na vraag:op pak:op stuur:rond
    stuur:door leg:voor werk:uit pas:aan vul:aan maak:af rond:af kijk:na zoek:op nodig:uit plan:in lever:aan
    dien:in stel:op zet:klaar zet:uit breng:rond zoek:na trek:na neem:mee laat:weten laat:horen
    """.split()
)
HABIT = re.compile(r"\b(?:elke|iedere|altijd|meestal|vaak|soms|gewoonlijk|normaal|normaliter|steeds|alleen)\b")


def undertakes(sentence: Sentence, verb_at: int) -> bool:
    """ "Ik zoek het uit.": the verb at ``verb_at`` with its particle later in the sentence, said as no habit."""
    if HABIT.search(sentence.norm):
        return False
    tokens = sentence.norm.split()
    n = sentence.starts.index(verb_at)
    return any(f"{tokens[n]}:{particle}" in _UNDERTAKINGS for particle in tokens[n + 1 :])


_YES_HEADS = frozenset(
    """
    ja jawel jazeker zeker natuurlijk tuurlijk uiteraard prima goed oké ok okay top helder akkoord graag doe regel
    pak geregeld lukt orde probleem kan wil plezier afgesproken klopt correct inderdaad
    """.split()
)
_YES_WORDS = _YES_HEADS | frozenset("hoor is dat komt in geen ik het wordt wel met zal doen dit die plan idee".split())


def accepts(sentence: Sentence) -> bool:
    """ "Is goed.", "Zeker.", "Ja hoor, dat wil ik wel.", "Prima, doe ik.": a yes and nothing more."""
    tokens = sentence.norm.split()
    return bool(tokens) and set(tokens) <= _YES_WORDS and bool(set(tokens) & _YES_HEADS) and not sentence.question


# "Ja, ik pak het met Sanne op.", "Ja, hoor, dat wil ik wel." heard garbled: a yes first, and nothing that holds back
_HOLDING_BACK = re.compile(
    r"\b(?:maar|nee|niet|geen|nooit|weet|denk|vraag|misschien|wellicht|zou|als|tenzij|lastig)\b|"
    r"\b(?:ik (?:heb|had|was|ben)|(?:heb|had|was|ben) ik)\b"
)


def accepts_first(sentence: Sentence, first_clause: str) -> bool:
    """A yes as the first clause ("Ja, ...", "Zeker, ...") of an answer that does not hold back."""
    tokens = first_clause.split()
    if not tokens or sentence.question or not set(tokens) <= _YES_WORDS or not set(tokens) & _YES_HEADS:
        return False
    return not _HOLDING_BACK.search(sentence.norm)


_I_DO = re.compile(r"^(?:(?:nou|ja|oké|goed|dan) )?ik(?: (?:wel|zelf|doe het|neem het|pak het|neem dat|pak dat))?$")


def volunteers(sentence: Sentence, first_clause: str) -> bool:
    """ "Ik.", "Ik wel.", "Ik, samen met inkoop.": the answer to "wie ...?" by the one who takes it on."""
    return not sentence.question and bool(_I_DO.match(first_clause))
