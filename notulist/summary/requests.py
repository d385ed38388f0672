"""What a question or request asks, and of whom: the tasks put to someone in a meeting.

"Kun jij ...?", "Ruud, regel jij ...?", "Henk, jij stelt ... op?", "Mag ik jou vragen om ...?", "Kan iemand ...?",
"Wie pakt dat op?", "Zal ik ...?": ``is_request`` tells a request for a task from a question about facts ("Heb je
dat vastgelegd?") or an offer of coffee ("Wilt u een kopje koffie?"), ``task_from`` takes the task in the
question's own words, ``addressed_name`` the name of the person asked.
"""

from __future__ import annotations

import re

from notulist.summary.sentences import Sentence

ACTION_VERBS = (
    "zal|ga|neem|pak|zorg|stuur|maak|schrijf|regel|check|controleer|bel|mail|plan|lever|doe|zoek|verstuur|"
    "organiseer|verwerk|bereid|vraag|werk|kijk|leg|breng|zet|informeer|haal|geef|meld|deel"
)
# "Lotte, kun jij ...": a request may start with the name of the person asked
# ("Klopt, Peter, kun jij ...": up to two words before it)
# "Kan iemand ...?", "Lisa, mag ik jou vragen om ...?", "Ik wil je vragen om ..."
REQUEST = re.compile(
    r"^(?:\w+ ){0,2}(?:(?:kunt|kun|kan|wilt|wil|zou|zoudt) (?:u|je|jij|jullie|iemand)|"
    r"(?:mag ik|ik wil|ik zou) (?:u|je|jou|jullie) (?:\w+ )?(?:vragen|verzoeken)(?: om)?|"
    r"lukt het (?:jou |je |u |jullie )?(?:om)?) (.+?)\??$"
)
# "Daan, maak jij een standaardtekst?": a task put as a question to the person asked
_ASKED_VERBS = ACTION_VERBS.replace("zal|ga|", "") + "|zoek|schrijf"
ASK_YOU = re.compile(rf"^(?:(?:en|dan|maar|nou|\w+),? ){{0,2}}({_ASKED_VERBS}) (?:jij|je|u) (.+?)\??$")
# "Henk, jij stelt de offerteaanvraag op?": a task put as a statement asked back (or as an assignment to a name)
YOU_DO = re.compile(
    r"^(?:(?:en|dan|maar|(?!heb|hebt|ben|bent|is|was|had|weet|ken|vind|denk|zie|zit|ga|kom|mag|moet|wil|kan|kun)"
    r"\w+),? )?"
    r"(?:jij|je|u) ((?!bent|hebt|heeft|weet|denkt|vindt|kent|wilt|kunt|zult)\w+t .+?)\??$"
)
WHO = re.compile(r"^(?:en )?wie (.+?)\??$")
# "wie heeft de stukken gelezen?" asks about what is, not who will do something
WHO_STATE = re.compile(r"^(?:en )?wie (?:heeft|hebben|had|is|was|waren|zijn|weet|kent|zit|ziet|denkt|vindt|werd)\b")
# "Kun je even toelichten ...?": a request to speak now, not a task for the minutes
SPEAK_NOW = re.compile(
    r"\b(?:toelichten|uitleggen|vertellen|zeggen|herhalen|samenvatten|reageren|beginnen|aangeven|verduidelijken|"
    r"schetsen|voorlezen|bevestigen)\b"
)
# "Zal ik de evaluatie opstellen?" - "Graag.": an offer put as a question
OFFER_ASKED = re.compile(r"^(?:(?:dan|en|ja|oké|goed|nou),? )?zal ik (?:dan |ook |dan ook )?(.+?)\??$")
_TASK_QUESTION = re.compile(r"\b(?:wie|actie|actiepunt)\b|\bom .+ te \w+")
NOT_NAMES = frozenset(
    "dat die dit het de dan wie wat er ik we wij je jij u hij zij ze men iemand niemand iedereen alleen ook nu "
    "toen daar hier ja nee goed prima wanneer hoe waarom welke waar een en maar of als mijn onze ons uw zo".split()
)


def task_from(sentence: Sentence) -> str:
    """The task named by a question or request, as a clause of its own words."""
    clause = re.search(r"\bom (.+?) te (\w+)\b", sentence.norm)
    if clause:
        what = sentence.original(clause.start(1), clause.end(1))
        return f"{what} {sentence.original(clause.start(2), clause.end(2))}"
    asked = ASK_YOU.match(sentence.norm)
    if asked:  # "Ruud, regel jij die twee mensen?" -> "regel die twee mensen"
        return f"{sentence.original(asked.start(1), asked.end(1))} {sentence.original(asked.start(2), asked.end(2))}"
    for pattern in (REQUEST, YOU_DO, WHO):
        match = pattern.match(sentence.norm)
        if match:
            task = sentence.original(match.start(match.lastindex or 1), match.end(match.lastindex or 1))
            return re.sub(r",\s*[A-Z][\w-]+$", "", task)  # "die handleiding schrijven, Joost"
    return sentence.text


def asks_a_deed(sentence: Sentence) -> bool:
    """ "Kun jij de zaal regelen?" names something to do (an infinitive); "Wilt u een kopje koffie?" does not."""
    asked = REQUEST.match(sentence.norm)
    words = asked.group(1).split() if asked else []
    return any(w.endswith("en") and w not in ("een", "geen", "hen", "ben", "men", "wen") for w in words)


def is_request(sentence: Sentence) -> bool:
    asked_back = sentence.question and (ASK_YOU.match(sentence.norm) or YOU_DO.match(sentence.norm))
    # "Henk, je stelt de offerteaanvraag op." (its question mark lost, or said as an assignment)
    assigned = YOU_DO.match(sentence.norm) and addressed_name(sentence)
    return bool(asks_a_deed(sentence) or asked_back or assigned)


def task_asked(sentence: Sentence) -> bool:
    return bool(_TASK_QUESTION.search(sentence.norm) or addressed_name(sentence))


def addressed_name(sentence: Sentence) -> str | None:
    """ "Lotte, kun jij ...?": the name of the person a request is made to."""
    named = re.search(r"(?:^|, )([A-Z][\w-]+), (?:\w+ )?(?:u|je|jij)\b", sentence.text)
    if named and named.group(1).lower() not in NOT_NAMES:
        return named.group(1)
    return None
