"""Decisions and agreements: "we besluiten", "is besloten", "afgesproken", "spreken we af", "akkoord", "voortaan",
"op voorwaarde dat", "dan <werkwoord> we dat ..."; a short "Akkoord." confirms the proposal before it.

Also stated decisions of other shapes: "we gaan <object> <verb>", the object first ("De kerstborrel houden we op
kantoor."), "Conclusie: ...", "het wordt <choice>", "we stemmen in met", "de keuze valt op", "wordt ... vastgesteld";
a statement put to the vote ("... Akkoord?", "..., akkoord?", "Kan iedereen daarmee leven?") or a proposal answered
yes by someone else (also the answer to "Wat stel je voor?" put to the meeting: "Is iedereen het daarmee eens?");
the chair's "Vastgesteld." after their own statement; a sharing out between two people named and accepted ("Dan gaat
Fatima dit jaar en Richard volgend jaar." - "Dat is prima."); "Dan besluiten we het volgende: <what>" (the words after
the colon). Thinking aloud ("misschien", "zouden",
"wellicht"), decisions recalled ("vorige keer hebben we afgesproken") or still open ("wordt besloten of") are none.

"We spreken af dat u ..." assigns a task: it becomes an action of the person addressed, not also a decision (the
actielijst holds it; the same words are not repeated in the besluitenlijst).
"""

from __future__ import annotations

import re

from notulist.summary.citations import STOPWORDS, content_words
from notulist.summary.commitments import accepts
from notulist.summary.minutes_context import MinutesContext
from notulist.summary.requests import NOT_NAMES
from notulist.summary.sentences import MONTHS, NUMBER_WORDS, Sentence, clauses, find_due

_NOT_DECIDING = (
    "weten|zien|hopen|denken|vinden|moeten|kunnen|hebben|horen|merken|vragen|gaan|beginnen|bespreken|behandelen|"
    "sluiten|komen|kijken|ronden|stoppen|starten|openen|lopen|zeggen|wachten|lezen|"
    # what happens to us, not what we decide: "dan krijgen we de rekening", "we gaan de deadline niet halen"
    "krijgen|verliezen|missen|halen|redden|lukken|riskeren|overschrijden|worden|zitten|merken"
)
_NOT_DECIDING_SET = frozenset(_NOT_DECIDING.split("|"))
_NUMBER = "|".join(NUMBER_WORDS)
_MONTH = "|".join(MONTHS)
_DECISION = tuple(
    re.compile(p)
    for p in (
        r"\b(?:we|wij) (?:besluiten|besloten)\b",
        r"\b(?:besluiten|besloten) (?:we|wij)\b",
        r"\b(?:is|wordt|werd|zijn|hebben) (?:(?!jaarlijks|altijd|niet|nooit)\w+ )?(?:besloten|afgesproken|vastgesteld|"
        r"goedgekeurd|geaccordeerd|"
        r"bekrachtigd)\b",
        # "aangenomen" also means hired, answered or assumed: only a proposal or motion is adopted
        r"\b(?:voorstel|motie|amendement|besluit|advies) (?:is|wordt) (?:\w+ )?aangenomen\b",
        r"^(?:besloten|afgesproken) (?:wordt|is)\b",
        r"\b(?:besluit|beslist) (?:\w+ )?(?:om|dat|tot)\b|\bgaan (?:we|wij) (?:\w+ )?akkoord\b",
        r"\b(?:we|wij) nemen (?:\w+ ){0,3}(?:advies|voorstel|aanbevelingen|aanbeveling|conclusies)\b"
        r"(?: \w+){0,4} over$",
        r"\blaten (?:we|wij) (?:dat|het) (?:zo )?doen$",
        r"\b(?:daar|hier) (?:zijn|is) (?:we|wij|iedereen) het (?:\w+ )?(?:over|mee) eens\b|"
        r"\b(?:we|wij) zijn het (?:daar|hier|er)? ?(?:over|mee) eens\b",
        r"\b(?:we|wij) blijven bij\b|\bblijven (?:we|wij) bij\b",
        # "We wachten gewoon tot april." (not "we wachten op het advies": a state of affairs)
        r"\b(?:we|wij) wachten (?:\w+ ){0,4}tot\b|\bwachten (?:we|wij) (?:\w+ ){0,4}tot\b",
        r"\b(?:we|wij) doen het (?:dan )?zo\b|\bdaar gaan (?:we|wij) voor\b",
        r"\b(?:we|wij) stellen (?:\w+ ){1,5}vast$",
        r"\bhakken (?:we|wij) de knoop door\b|\b(?:we|wij) hakken de knoop door\b|\bknoop (?:is )?doorgehakt\b",
        # "Het kader wordt dan in de vergadering van oktober vastgesteld." (the participle last, nothing negated)
        # (not "wordt jaarlijks vastgesteld", "is door Panteia vastgesteld": a habit, a finding)
        r"\b(?:is|wordt|worden) (?:(?!niet\b|nooit\b|geen\b|jaarlijks\b|altijd\b|door\b)\w+ ){0,8}(?:besloten|"
        r"vastgesteld|goedgekeurd|geaccordeerd|bekrachtigd|overgenomen)$",
        r"\b(?:het|ons) besluit is\b",
        r"\b(?:spreken|spraken) (?:we|wij) af\b",
        r"\b(?:we|wij) (?:spreken|spraken) (?:\w+ )?af\b",
        r"\b(?:we|wij) (?:hebben )?afgesproken\b",
        r"\bde afspraak is\b",
        r"\b(?:we|wij) gaan (?:daarmee |hiermee |ermee )?akkoord\b",
        r"\bakkoord (?:met|dat)\b",
        r"\b(?:dat|dit|die|het) nemen (?:we|wij) (?:op|mee)\b",
        r"\bzo (?:doen|gaan) (?:we|wij) het\b",
        r"\bvoortaan\b",
        r"\bop voorwaarde dat\b",
        r"\b(?:gaat|gaan|treedt|treden) (?:\w+ ){0,6}(?:per|vanaf|met ingang van) (?:\w+ ){1,4}in\b",
        # "... gaat een nieuwe richtlijnper een maart in": taking effect on a date, its "per" glued to a word
        rf"\b(?:gaat|gaan|treedt|treden) (?:\w+ ){{0,7}}(?:\d{{1,2}}|{_NUMBER}) (?:{_MONTH}) in\b",
        r"\bin werking\b",
        r"\b(?:we|wij) (?:kiezen|gaan) (?:\w+ )?voor\b",
        # "We stemmen in met het voorstel", "De keuze valt op ...", "We houden vast aan ..."
        r"\b(?:stemmen|stemt) (?:\w+ )?in met\b|\b(?:we|wij) stemmen (?:\w+ )?in\b",
        r"\b(?:de|onze) keuze (?:valt|is gevallen) op\b|\bonze keuze is\b",
        r"\b(?:we|wij) houden (?:\w+ )?vast aan\b|\bhouden (?:we|wij) (?:\w+ )?vast aan\b",
        # "Het wordt dus leverancier B." (not "het wordt lastig", "het wordt de komende weken druk")
        r"\bhet wordt (?:dus |dan |toch |gewoon |uiteindelijk )?"
        r"(?:(?:de|het) (?!komende|volgende|hele|\w+ste\b)\w+|optie|variant|scenario|leverancier|locatie)\b",
        r"\b(?:laten we|we moeten|we zullen) (?:\w+ )?afspreken\b",
        r"^(?:dan|goed,? dan) (?!weten|zien|hopen|denken|vinden|moeten|kunnen|hebben|horen|merken|vragen)\w+en "
        r"(?:we|wij) dat\b",
    )
)
# "We gaan een last onder dwangsom opleggen.", "Dan gaan we de huur opzeggen.": a plan with its object
_WE_GO = re.compile(
    r"(?:\b(?:we|wij) gaan |^(?:dan |dus |daarom )?gaan (?:we|wij) )"
    r"(?!nu|eens|even|straks|zo|zometeen|dadelijk|dan|maar|ervan|door|verder|naar|kijken|zien|beginnen|starten|"
    r"bespreken|stoppen)((?:\w+ ){1,8})(\w+en)$"
)
# "De kerstborrel houden we op kantoor.", "Die schuiven we door naar ...": the object first, then "we"
# ("Dat zoeken we nog na." is still to be found out: an open question, no decision)
# ("Dat beslissen we later." is put off)
_FRONTED = re.compile(
    r"^(?:dat|die|dit|deze|het|de) (?:\w+ ){0,3}(\w+en) (?:we|wij)\b"
    r"(?! (?:nog|later|straks|dan wel|een andere keer|volgende keer|te zijner tijd)\b)"
)
_NOT_FRONTED = frozenset(
    "krijgen willen zullen mogen zitten staan liggen missen proberen hoeven geven noemen bedoelen kennen begrijpen "
    "praten hebben zoeken bekijken onderzoeken uitzoeken nagaan nakijken checken beslissen besluiten".split()
)
# thinking aloud: "misschien kunnen we ...", "als we zouden besluiten ...", "we zouden kunnen kiezen voor ..."
_HYPOTHETICAL = re.compile(r"\b(?:misschien|wellicht|eventueel|zouden|zou|stel dat|wat als)\b")
# "<statement>. Akkoord?", "Kan iedereen daarmee leven?": a statement put to the meeting for approval
_APPROVAL = re.compile(
    r"^(?:(?:en|dus|goed|oké),? )?(?:(?:is )?iedereen (?:het )?(?:daarmee |ermee )?)?(?:akkoord|eens|mee eens|"
    r"afgesproken|goed zo|kan iedereen (?:daarmee|ermee|zich daarin|daar) (?:leven|vinden|mee leven|in vinden)|"
    r"zijn we (?:het )?(?:daarover |het daarover )?eens|bezwaren|geen bezwaar|kunnen we (?:daarmee|ermee) (?:leven|"
    r"instemmen))$"
)
# "Dan schuiven we de livegang op naar één april." (not "dan bespreken we de planning")
_THEN_WE = re.compile(
    rf"^(?:(?:goed|oké|prima|ok|helder|mooi|top|akkoord|ja|nou|dus) )?dan (?!{_NOT_DECIDING})\w+en (?:we|wij) "
    r"(?:de|het|die|deze|ze|een|alle|onze|dat)\b"
)
# what a chair says to run the meeting, not to decide: "dan nemen we het volgende punt", "akkoord, de rondvraag"
_PROCEDURAL = re.compile(r"\b(?:volgende (?:punt|agendapunt|onderwerp)|agenda|agendapunt|notulen|rondvraag)\b")
# "Afgesproken, we trainen eerst de sleutelgebruikers.": the assent says what is agreed
# "Conclusie: we verlengen de openingstijden ...": the same
_ASSENT_LEAD = re.compile(
    r"^(?:ja |goed |oké |dus )?(?:afgesproken|akkoord|besloten|(?:de )?conclusie(?: is)?(?: dat)?(?= (?:we|wij)\b))"
    r"\b(.+)$"
)
# "Conclusie: de pilot stopt per 1 januari." (not "De conclusie van het rapport is dat ...")
# ("Samenvattend: we stoppen met de pilot ...", "Kortom, we ...": the same when "we" decide)
_CONCLUSION_COLON = re.compile(
    r"^(?:[Dd]us,? )?(?:[Dd]e )?[Cc]onclusie(?: is)?\s*:\s*(.+)$|"
    r"^(?:[Ss]amenvattend|[Kk]ortom)\s*[:,]\s*((?:we|wij) .+)$"
)
_ASSENT = re.compile(
    r"^(?:ja,? )?(?:akkoord|afgesproken|eens|helemaal mee eens|mee eens|dat is afgesproken|vastgesteld|aangenomen|"
    r"besloten|goedgekeurd)$"
)
_CLOSING = re.compile(r"^(?:dan is het |dat is )?(?:vastgesteld|besloten|aangenomen|goedgekeurd|afgesproken)$")
# ("Ik wil voorstellen om ...", "Het lijkt me verstandig om ...": proposals too)
_SUGGESTING = (
    r"(?:wil|zou) (?:\w+ )?voorstellen|het lijkt me (?:\w+ )?(?:goed|verstandig|beter|handig) (?:om|als|dat)|"
    r"wat mij betreft|ik zou zeggen|mijn voorstel"
)
_PROPOSAL = re.compile(rf"\b(?:voorstel|stel (?:ik )?voor|zullen we|laten we|kunnen we|moeten we|{_SUGGESTING})\b")
# A proposal that an approving answer turns into a decision ("moeten we ...?" asks, it does not propose)
_OFFER = re.compile(
    rf"\b(?:voorstel|stel (?:ik )?voor|zullen we|laten we|kunnen we (?:\w+ )?(?:afspreken|besluiten)|{_SUGGESTING})\b"
)
# what a bare yes ("Prima.") accepts: a proposal made as one ("Ik heb een voorstel klaar" is none)
_PROPOSING = re.compile(
    r"\b(?:(?:ik )?stel (?:ik )?voor|voorstel (?:is|om|dat)|zullen we|laten we|"
    rf"kunnen we (?:\w+ )?(?:afspreken|besluiten)|{_SUGGESTING})\b"
)
_ADDRESSEE = re.compile(
    r"\b(?:(?:spreken|spraken) (?:we|wij)|(?:we|wij) (?:spreken|spraken)) af dat (u|jij|je|jullie) (.+)$"
)
_ANAPHORIC = re.compile(
    r"^(?:\w+ )?(?:dat|dit|die|zo|daar)\b|^(?:\w+ )?dan doen (?:we|wij) (?:het|dat)(?: zo)?$|"
    r"^(?:\w+ )?laten (?:we|wij) (?:dat|het) (?:zo )?doen$"
)
# "Vorige keer hebben we afgesproken ...": an earlier decision recalled, not one of this meeting; "er wordt besloten
# of ...": one still to be taken
# ("berichten met besluiten of afspraken": the noun, not a decision still to be taken)
_EARLIER = re.compile(
    r"\b(?:vorige|vorig|gisteren|destijds|eerder|afgelopen|geleden)\b|"
    r"(?<!\bmet )(?<!\bde )(?<!\ben )(?<!\bvan )(?<!\bover )(?<!\balle )"
    r"\b(?:besloten|besluiten|beslist) (?:of|wanneer|hoe)\b"
)
# "Dan besluiten we het volgende: medewerkers zetten ...", "We spreken het volgende af: ...": an explicit decision,
# its content after the colon
_IF = re.compile(r"^(?:\w+ )?(?:als|indien|wanneer|mocht|mochten|stel)\b")
_IF_WE_DECIDE = re.compile(
    r"^(?:\w+ )?(?:als|indien|mocht|mochten|wanneer) (?:we|wij) (?:\w+ )?(?:besluiten|beslissen|kiezen|afspreken)\b"
)
_CUE_COLON = re.compile(r"^(?P<cue>[^:]{3,80}):\s*(?P<said>.+)$")
_DECIDING_CUE = re.compile(
    r"\b(?:(?:we|wij) (?:besluiten|besloten|beslissen)|(?:besluiten|besloten|beslissen) (?:we|wij)|"
    r"(?:we|wij) (?:spreken|spraken) (?:\w+ ){0,3}af|(?:spreken|spraken) (?:we|wij) (?:\w+ ){0,3}af|"
    r"(?:is|wordt|werd) (?:\w+ ){0,3}(?:besloten|afgesproken)|(?:het|ons) besluit (?:is|luidt)|de afspraak is|"
    r"(?:we|wij) hakken de knoop door|hakken (?:we|wij) de knoop door)\b"
)
_EVALUATION = re.compile(
    r"^(?:\w+,? )?(?:dat|dit|het) (?:lijkt|klinkt|is|vind ik) (?:me |mij )?(?:een )?(?:goed|prima|"
    r"verstandig|redelijk|mooi)"
)


def find_decisions(context: MinutesContext) -> None:
    for i, sentence in enumerate(context.sentences):
        if sentence.question or i in context.used:
            continue
        if _ASSENT.match(sentence.norm):
            _assent(context, i)
            continue
        if accepts(sentence) and (_approved_statement(context, i) or _accepted_proposal(context, i, _PROPOSING)):
            continue
        if _EVALUATION.match(sentence.norm) and _accepted_proposal(context, i):
            continue
        if (accepts(sentence) or _EVALUATION.match(sentence.norm)) and _accepted_allocation(context, i):
            continue
        if _decided_in_assent(context, i) or _decided_after_colon(context, i):
            continue
        if not _decides(sentence) or _HYPOTHETICAL.search(sentence.norm) or _EARLIER.search(sentence.norm):
            continue
        if _IF_WE_DECIDE.match(sentence.norm):
            continue  # "Als we besluiten ..., dan ...": a condition, not a decision
        addressed = _ADDRESSEE.search(sentence.norm)
        if addressed:
            _agreed_task(context, i, addressed)
            continue
        indices, text = [i], sentence.text
        if _ANAPHORIC.match(sentence.norm) and len(content_words(sentence.text)) < 5:
            prior = _antecedent(context, i)
            if prior is not None and _extends_decision(context, prior, i):
                continue  # "Zo doen we het, ...": the proposal just accepted, said once
            if prior is not None:  # "Dat nemen we op in de werkinstructie": say what "dat" is
                indices.insert(0, prior)
                text = f"{context.sentences[prior].text} {sentence.text}"
        context.add("decision", text, indices, due=find_due(sentence))


def _decides(sentence: Sentence) -> bool:
    """A sentence that states a decision: a cue ("we besluiten", "afgesproken", "we kiezen voor" ...), "dan <verb>
    we de ...", "we gaan <object> <verb>", or the object first ("De kerstborrel houden we op kantoor.")."""
    if _PROCEDURAL.search(sentence.norm):
        return any(p.search(sentence.norm) for p in _DECISION)
    if _ALREADY.search(sentence.norm) or _PUT_OFF.search(sentence.norm):
        return False  # "Dat doen we nu ook al.", "We besluiten dat volgende keer."
    if any(_THEN_WE.match(clause) for clause in clauses(sentence)):
        return True
    if re.search(r"\b[Hh]et wordt (?:dus |dan |toch |gewoon )?[A-Z][\w-]+", sentence.text):
        return True  # "Het wordt Utrecht."
    plan = _WE_GO.search(sentence.norm)
    if plan and plan.group(2) not in _NOT_DECIDING_SET and len(content_words(plan.group(1))) >= 1:
        return not re.search(r"\b(?:niet|nooit|geen)\b", plan.group(1))  # "we gaan het niet redden": a forecast
    fronted = _FRONTED.match(sentence.norm)
    if fronted and fronted.group(1) not in _NOT_DECIDING_SET | _NOT_FRONTED:
        return True
    return any(p.search(sentence.norm) for p in _DECISION)


# what is done already or decided later is no decision of this meeting
_ALREADY = re.compile(r"\b(?:nu (?:ook )?al|ook al|al jaren|meestal)\b|\b(?:doen|deden) (?:we|wij) (?:dat |het )?al\b")
_PUT_OFF = re.compile(
    r"\b(?:besluiten|beslissen|bespreken) (?:we|wij )?(?:dat|daarover|het|dit)? ?(?:later|volgende keer|"
    r"een andere keer|in het volgende overleg|volgende week|te zijner tijd)$"
)


def _approved_statement(context: MinutesContext, i: int) -> bool:
    """ "En in de tussentijd huren we ... in. Akkoord?" - "Akkoord.": the statement put to the meeting is decided
    when another speaker says yes to it."""
    here = context.sentences[i]
    for j in range(i - 1, -1, -1):
        asked = context.sentences[j]
        if here.segment - asked.segment > 2 or j in context.used:
            return False
        if asked.speaker == here.speaker or not asked.question:
            continue
        tagged = clauses(asked)
        if len(tagged) > 1 and _APPROVAL.match(tagged[-1]) and len(content_words(asked.text)) >= 4:
            # "En in de tussentijd huren we ... in, akkoord?": the statement and its question in one sentence
            context.add("decision", asked.text, [j, i], due=find_due(asked))
            return True
        if not _APPROVAL.match(asked.norm) or j == 0:
            continue
        statement = context.sentences[j - 1]
        if statement.question or len(content_words(statement.text)) < 2:
            return False
        if statement.speaker != asked.speaker and not _proposed(context, j - 1):
            return False
        context.add("decision", statement.text, [j - 1, j, i], due=find_due(statement))
        return True
    return False


# "Wat stel je voor?", "Wat is jouw voorstel?", "Hoe wil je het oplossen?": asking someone for a proposal
_ASKS_PROPOSAL = re.compile(
    r"\bwat (?:stel (?:je|jij|u) voor|(?:is|zou) (?:je|jouw|uw) voorstel|(?:wil|zou) (?:je|jij|u) voorstellen)\b|"
    r"\bhoe (?:wil|zou) (?:je|jij|u) (?:het|dat|dit) (?:oplossen|aanpakken)\b"
)


def _proposed(context: MinutesContext, j: int) -> bool:
    """Sentence ``j`` proposes: a proposal made as one ("Ik stel voor ..."), or the answer to "Wat stel je voor?"
    ("Dat we op maandagochtend twee extra medewerkers inroosteren.")."""
    statement = context.sentences[j]
    if _PROPOSING.search(statement.norm):
        return True
    if j == 0:
        return False
    asked = context.sentences[j - 1]  # (too short for ``previous``: few content words)
    near = statement.segment - asked.segment <= 1 and asked.speaker != statement.speaker
    return near and asked.question and bool(_ASKS_PROPOSAL.search(asked.norm))


# "Dan gaat Fatima dit jaar en Richard volgend jaar.", "Dan doet Sanne maandag en Bas dinsdag.": the chair shares
# something out between two people named (not "Dan gaan we naar punt 3", "Dan geeft Sanne eerst een toelichting")
_ALLOCATION = re.compile(r"^(?:(?:Goed|Oké|Prima|Nou|Ja),? )?[Dd]an ([a-z]+t) ([A-Z][\w-]+)\b.*?,? en ([A-Z][\w-]+)\b")
_TAKING_TURNS = re.compile(
    r"\b(?:het woord|aan de beurt|beurt|toelichting|toelichten|vertellen|presenteren|presentatie|voorstellen|"
    r"beginnen|begint|starten|start|eerst|even)\b"
)


def _accepted_allocation(context: MinutesContext, i: int) -> bool:
    """ "Dan gaat Fatima dit jaar en Richard volgend jaar." - "Dat is prima.": a sharing out between two people
    named, accepted by someone else, is decided."""
    before = context.previous(i, max_segments=1)
    if before is None or before in context.used:
        return False
    sentence = context.sentences[before]
    shared = _ALLOCATION.match(sentence.text.strip())
    if shared is None or sentence.question or _PROCEDURAL.search(sentence.norm) or _TAKING_TURNS.search(sentence.norm):
        return False
    names = (shared.group(2).lower(), shared.group(3).lower())
    if any(name in NOT_NAMES or name in STOPWORDS for name in names) or _HYPOTHETICAL.search(sentence.norm):
        return False
    context.add("decision", sentence.text, [before, i], due=find_due(sentence))
    return True


def _formally_closed(context: MinutesContext, i: int) -> bool:
    """ "Het kader wordt in oktober ... " - "Vastgesteld.", or "Zijn er opmerkingen over het jaarverslag?" - "Nee." -
    "Vastgesteld.": the chair's formula closes their own statement or the item they put to the meeting."""
    if not _CLOSING.match(context.sentences[i].norm):
        return False
    here = context.sentences[i]
    for j in range(i - 1, -1, -1):
        before = context.sentences[j]
        if here.segment - before.segment > 3 or j in context.used:
            return False
        if before.speaker != here.speaker:
            if len(content_words(before.text)) >= 2:
                return False  # someone said more than "Nee.": no formula for a discussion
            continue
        put = before.question and _PUT_TO_MEETING.search(before.norm) and len(content_words(before.text)) >= 2
        if (not before.question and len(content_words(before.text)) >= 3) or put:
            context.add("decision", before.text, [j, i], due=find_due(before))
            return True
        return False
    return False


_PUT_TO_MEETING = re.compile(r"\b(?:opmerkingen|bezwaren|vragen|aanvullingen|wijzigingen) (?:over|bij|op)\b")


def _decided_in_assent(context: MinutesContext, i: int) -> bool:
    """ "Afgesproken, we trainen eerst de sleutelgebruikers.": one decision in the words after the assent."""
    sentence = context.sentences[i]
    lead = _ASSENT_LEAD.match(sentence.norm) or _CONCLUSION_COLON.match(sentence.text)
    said = lead and (lead.group(1) or lead.group(lead.lastindex or 1))
    if not said or len(content_words(said)) < 2 or _PROCEDURAL.search(sentence.norm):
        return False
    context.add("decision", sentence.text, [i], due=find_due(sentence))
    return True


def _decided_after_colon(context: MinutesContext, i: int) -> bool:
    """ "Dan besluiten we het volgende: medewerkers zetten ... voortaan ... in het zaaksysteem.": a decision cue, a
    colon and what is decided; the point is what follows the colon (not when the cue thinks aloud, recalls an
    earlier decision or puts it off)."""
    found = _CUE_COLON.match(context.sentences[i].text.strip())
    if found is None:
        return False
    cue = " ".join(re.sub(r"[^\w\s]", " ", found.group("cue").lower()).split())
    said = found.group("said").strip()
    if not _DECIDING_CUE.search(cue) or _HYPOTHETICAL.search(cue) or _EARLIER.search(cue) or _IF.match(cue):
        return False
    if _PUT_OFF.search(cue) or len(content_words(said)) < 2:
        return False
    context.add("decision", said, [i], due=find_due(context.sentences[i]))
    return True


def _antecedent(context: MinutesContext, i: int) -> int | None:
    """What "dat"/"zo" refers to: the speaker's own previous statement, or, when that only judges something ("Dat
    lijkt me een goed voorstel."), the proposal someone made just before."""
    prior = context.previous(i, other_speaker=False, max_segments=2)
    while prior is not None and context.sentences[prior].question and prior > 0:
        prior = context.previous(prior, other_speaker=False, max_segments=2)
    if prior is None:  # "Zullen we de pilot verlengen?" - "Dan doen we het zo.": the proposal answered
        proposal = context.previous(i, max_segments=1)
        if proposal is not None and _OFFER.search(context.sentences[proposal].norm):
            return proposal
        return None
    if not _EVALUATION.match(context.sentences[prior].norm):
        return _proposal_answered(context, prior, i)
    proposal = context.previous(prior, other_speaker=True, max_segments=2)
    if proposal is not None and _PROPOSAL.search(context.sentences[proposal].norm):
        return proposal
    return prior


def _proposal_answered(context: MinutesContext, prior: int, i: int) -> int:
    """ "Ik stel voor dat ..." - "Is daar geld voor?" - "Ja, dat zit in het budget." - "Prima, zo doen we het.": the
    chair accepts the proposal a short exchange ago, not the answer just before (someone else's words)."""
    here = context.sentences[i]
    if context.sentences[prior].speaker in (None, here.speaker) or _OFFER.search(context.sentences[prior].norm):
        return prior
    for j in range(prior - 1, -1, -1):
        if here.segment - context.sentences[j].segment > 3 or j in context.used:
            break
        if _OFFER.search(context.sentences[j].norm) and not context.sentences[j].question:
            return j
    return prior


def _accepted_proposal(context: MinutesContext, i: int, proposing: re.Pattern[str] = _OFFER) -> bool:
    """ "Dat lijkt me een goed voorstel." right after someone else's proposal ("kunnen we afspreken dat ...?")
    accepts it: a decision, even when the recognition garbled the "zo doen we het" that follows."""
    proposal = context.previous(i, max_segments=1)
    if proposal is None or proposal in context.used or not proposing.search(context.sentences[proposal].norm):
        return False
    sentence = context.sentences[proposal]
    if _PROCEDURAL.search(sentence.norm) or len(content_words(sentence.text)) < 3:
        return False  # "Zullen we beginnen?" - "Ja.": the chair runs the meeting
    context.add("decision", sentence.text, [proposal, i], due=find_due(sentence))
    return True


def _extends_decision(context: MinutesContext, prior: int, i: int) -> bool:
    """Add sentence ``i`` to the decision that already holds ``prior``; False when none does."""
    if prior not in context.used:
        return False
    segment = context.sentences[prior].segment
    for draft in reversed(context.drafts):
        if draft.kind == "decision" and segment in draft.segments:
            draft.segments = sorted({*draft.segments, context.sentences[i].segment})
            draft.text = f"{draft.text} {context.sentences[i].text}"
            context.used.add(i)
            return True
    return False


def _agreed_task(context: MinutesContext, i: int, addressed: re.Match[str]) -> None:
    """ "We spreken af dat u ...": the person addressed owns it; cite where they last spoke."""
    sentence = context.sentences[i]
    other = context.addressee(i)
    owner = context.owner_of(context.sentences[other]) if other is not None else None
    task = sentence.original(addressed.start(2), addressed.end(2)).rstrip(" .")
    cited = [i] if other is None else [other, i]
    context.add("action", task, cited, owner=owner, due=find_due(sentence))
    context.used.discard(other)  # their own words may hold a commitment of their own


def _assent(context: MinutesContext, i: int) -> None:
    """A short "Akkoord." confirms the decision or proposal just before it; "Mee eens. We spreken af dat ..." is
    the one decision that follows it in the same turn."""
    here = context.sentences[i].segment
    following = context.sentences[i + 1] if i + 1 < len(context.sentences) else None
    if following is not None and following.segment == here and any(p.search(following.norm) for p in _DECISION):
        return
    for draft in reversed(context.drafts):
        if draft.kind == "decision" and 0 <= here - draft.segments[-1] <= 2:
            draft.segments = sorted({*draft.segments, here})
            context.used.add(i)
            return
    if _approved_statement(context, i) or _formally_closed(context, i) or _accepted_allocation(context, i):
        return
    proposal = context.previous(i)
    if proposal is not None and _PROPOSAL.search(context.sentences[proposal].norm):
        sentence = context.sentences[proposal]
        context.add("decision", sentence.text, [proposal, i], due=find_due(sentence))
