"""Action items: who does what, by when.

A speaker who commits ("ik zal ...", "ik ga ... doen", "dat doe ik", "die kan ik ... aanleveren") owns the task, and
an answer like "dat doe ik" takes its task from the question before it ("wie neemt de actie om de werkinstructie te
schrijven?"), even when the diarization gave question and answer to the same speaker; "Jan gaat ... doen" names Jan;
"iedereen levert ... voor vrijdag" is everyone's. Deadlines ("voor vrijdag", "binnen twee weken", "het volgende
overleg", 12-03) come from the same lines or the committing speaker's next sentence.

What a question or request asks, and of whom, is read by ``requests``. Beyond those forms (see ``commitments``):
"ik" with any verb that acts and a deadline ("Dan pas ik het aan en stuur ik het uiterlijk woensdag ..."), or a verb
that undertakes something ("Ik zoek het uit."); a yes to a request ("Kun jij ...?" - "Is goed." / "Zeker." /
"Natuurlijk."); "Wie pakt dat op?" answered "Ik." or with a name ("Dat kan Sanne doen."); "Zal ik ...?" answered
"Graag."; an offer accepted ("Ik kan het haar vragen." - "Ja, doe dat maar.", its deadline from the answer to "Laat
je het me deze week weten?"); a name with any verb and a deadline ("Karin maakt een voorstel voor de volgende
vergadering."). Refusals ("Dat doe ik niet."), "ja, maar ...", requests to speak now ("Kun je even toelichten ...?"),
questions about facts ("Heb je dat vastgelegd?"), habits and expectations give none.
"""

from __future__ import annotations

import re

from notulist.summary.citations import STOPWORDS, content_words
from notulist.summary.commitments import HABIT, accepts, accepts_first, commitment_verb, undertakes, volunteers
from notulist.summary.minutes_context import MinutesContext
from notulist.summary.requests import (
    ACTION_VERBS,
    ASK_YOU,
    NOT_NAMES,
    OFFER_ASKED,
    SPEAK_NOW,
    WHO,
    WHO_STATE,
    YOU_DO,
    addressed_name,
    asks_a_deed,
    is_request,
    task_asked,
    task_from,
)
from notulist.summary.sentences import Sentence, clauses, find_due

_COMMIT = re.compile(rf"\bik ({ACTION_VERBS})\b(.*)$")
_COMMIT_INVERTED = re.compile(
    rf"^(?:(?:ja|oké|goed|prima),? )?(?:(dat|die|dit|het|dan|daar|en) )?({ACTION_VERBS}) ik\b(.*)$"
)
# "Ik pak dat op." / "Ik regel het.": the object is the task asked just before
_COMMIT_PRONOUN = re.compile(rf"^(?:(?:ja|oké|goed|prima) )?ik ({ACTION_VERBS}) (dat|die|dit|het)\b(.*)$")
_INTERJECTION = frozenset({"ja", "oké", "ok", "goed", "prima", "zeker"})
_CAN_DO = re.compile(
    r"^(?:(?:ja|oké|goed|prima),? )?(?:(?:dat|die|dit|het) (?:kan|wil) ik|(?:dat |het )?komt (?:in orde|goed)|"
    r"wordt geregeld|geen probleem)\b(.*)$"
)
_SOON = re.compile(r"\b(?:nog|straks|zo meteen|meteen|direct|even|vandaag|morgen|na afloop)\b")
_NOT_COMMIT = re.compile(
    r"\bik (?:ga ervan uit|ga (?:door|verder|naar)|maak me|doe mee|zal (?:eerlijk|u|je) |kijk (?:even|naar)|"
    r"werk (?:bij|als|hier|er|al|sinds)|neem aan|vraag me af|doe dat (?:altijd|nooit|zelf))|"
    r"\b(?:met|op) (?:vakantie|verlof|reis)\b"
)
# "Ik kan een nieuwe tekst voorstellen." - "Graag.": an offer that another speaker accepts
# ("Ik zou een informatieavond voor de buurt willen organiseren." - "Prima, doe dat.")
_OFFER = re.compile(
    r"^(?:(?:ja|oké|goed|prima|nou|dan) )?ik (?:kan|wil (?:graag|wel)|zou graag|zou(?= .*\bwillen \w+en$)) "
    r"(?!me |mij |niet |geen |het niet |dat niet )(.+\w+en)$"
)
_ACCEPT = re.compile(
    r"^(?:(?:ja|oké|ok|nou) )?(?:graag|heel graag|prima|fijn|goed|top|uitstekend|doe (?:dat|maar)|dat is goed|"
    r"akkoord)\b"
)
_THIRD = re.compile(
    r"\b([A-Z][\w-]+(?: (?:en|&) [A-Z][\w-]+)?) (gaat(?! het\b| om\b| over\b| goed\b| niet\b| er\b)|zal|neemt|"
    r"pakt|zorgt|stuurt|regelt|schrijft|levert|mailt|"
    r"belt|checkt|controleert|organiseert|plant) (.+)$"
)
# "Bas zorgt ervoor dat ...": a task even when the recognition garbled the name ("Maar zorg ervoor dat ...")
_SEE_TO_IT = re.compile(r"^(?:(\w+) )?zorg(?:t)? (?:er ?voor|ervoor) dat\b")
_EVERYONE = re.compile(
    r"^(?:(?:en|prima|goed|oké|ok|ja|nou|dus|dan) )?"
    r"(?:iedereen|jullie|allemaal|ieder teamlid|elk teamlid|alle deelnemers) \w+"
)
_PRONOUNS = ("dat", "die", "dit", "het")


def _asked_task(context: MinutesContext, i: int) -> int | None:
    """The question or request "dat doe ik" answers: by another speaker, or (diarization slips) the same one.

    A task question or request just before ("wie ...?", "Lotte, kun jij ...?") is the one answered, even when the
    recognition garbled most of its words."""
    if i > 0 and context.sentences[i].segment - context.sentences[i - 1].segment <= 1:
        before = context.sentences[i - 1]
        if before.question and (WHO.match(before.norm) or is_request(before) or task_asked(before)):
            return i - 1
    other = context.previous(i)
    if other is not None:
        return other
    same = context.previous(i, other_speaker=False, max_segments=1)
    if same is not None and context.sentences[same].question and task_asked(context.sentences[same]):
        return same
    return None


def _answer_owner(context: MinutesContext, asked: int, i: int) -> str | None:
    """Who answered: the speaker, unless the request named someone and the answer is given to the very speaker who
    asked (no one asks themselves: the diarization merged the two voices), then the name addressed."""
    question, answer = context.sentences[asked], context.sentences[i]
    if answer.speaker is not None and question.speaker == answer.speaker:
        return addressed_name(question) or context.owner_of(answer)
    return context.owner_of(answer)


def _answer_commitment(context: MinutesContext, i: int, match: re.Match[str]) -> None:
    """ "Dat doe ik" / "die kan ik deze week aanleveren": the task comes from the question it answers."""
    sentence = context.sentences[i]
    rest = match.groups()[-1].strip()
    pronoun = "dat"
    if match.re is _COMMIT_INVERTED:
        pronoun = match.group(1)
    elif match.re is _COMMIT_PRONOUN:
        pronoun = match.group(2)
    if pronoun is None and (not rest or sentence.norm.split()[0] in _INTERJECTION) and len(content_words(rest)) < 2:
        pronoun = "dat"  # "Ja, doe ik.": "dat doe ik" without its "dat"
    if (
        pronoun not in _PRONOUNS
        and rest.split()[:1] in (["het"], ["dat"], ["die"], ["dit"])
        and len(content_words(rest)) < 2
    ):
        pronoun = rest.split()[0]  # "Goed, dan pak ik het op.": the task is the one just put
    if pronoun not in _PRONOUNS:
        if len(content_words(rest)) >= 2:  # "en schrijf ik de brief": a commitment of its own
            context.add("action", sentence.text, [i], owner=context.owner_of(sentence), due=context.due_near([i]))
        return
    asked = _asked_task(context, i)
    if asked is None:
        return
    if match.re is _CAN_DO and not is_request(context.sentences[asked]):
        return
    task = task_from(context.sentences[asked])
    if content_words(rest):  # keep the how and when
        task = f"{task} ({sentence.original(match.start(match.lastindex or 0), len(sentence.norm)).strip(' .')})"
    context.add("action", task, [asked, i], owner=_answer_owner(context, asked, i), due=context.due_near([asked, i]))


def _direct_commitment(context: MinutesContext, i: int, direct: re.Match[str]) -> bool:
    """ "ik zal/ga ..." is a commitment; "ik stuur ..." only with a time to it (else it is a habit)."""
    sentence = context.sentences[i]
    if len(content_words(direct.group(2))) < 2 or HABIT.search(sentence.norm):
        return False
    if direct.group(1) not in ("zal", "ga") and not (find_due(sentence) or _SOON.search(sentence.norm)):
        return False
    start = direct.start(1) if direct.group(1) not in ("zal", "ga") else direct.start(2)
    task = sentence.original(start, len(sentence.norm)).strip(" .")
    context.add("action", task, [i], owner=context.owner_of(sentence), due=context.due_near([i]))
    return True


# "Karin maakt een voorstel voor de volgende vergadering.": a name, any verb, a deadline
# ("Bas en Inge werken het voorstel uit voor ...": two names, the plural)
_NAME_ACTS = re.compile(
    r"(?:^|(?<=[,:] ))([A-Z][\w-]+) (\w+t) (.+)$|(?:^|(?<=[,:] ))([A-Z][\w-]+ en [A-Z][\w-]+) (\w+en) (.+)$"
)
_NOT_VERBS = frozenset("het niet dat wat met tot toch echt net recht licht want".split())
_NOT_A_NAME = frozenset(
    "daarna vooral misschien eerst verder straks morgen vandaag gisteren volgens intussen inmiddels tenslotte "
    "uiteindelijk sinds vervolgens daarom daarnaast bovendien helaas gelukkig natuurlijk eigenlijk waarschijnlijk "
    "echter samen alles iets niets elk ieder dus zoals verder actie conclusie aanvullend deels bijgaand tevens "
    "eveneens momenteel vanaf hiermee ten".split()
)
_NOT_DOING = frozenset(
    "is heeft had was wordt werd zit staat ligt weet vindt denkt zegt wil kan moet mag komt krijgt lijkt blijkt heet "
    "kent snapt begrijpt hoort ziet voelt mist vraagt meldt gaat zal zorgt".split()
)


def _may_be_name(word: str) -> bool:
    """ "Bas", "Inkoop": not "Daarom", "Hierbij", "Aanvullend" (adverbs that open a sentence)."""
    lower = word.lower()
    if lower in NOT_NAMES or lower in _NOT_A_NAME or lower in STOPWORDS:
        return False
    return not re.match(r"(?:hier|daar|waar|er)(?:bij|om|naast|door|onder|na|mee|voor|in|op|over|uit|toe|van)$", lower)


def _named_with_deadline(sentence: Sentence) -> re.Match[str] | None:
    named = _NAME_ACTS.search(sentence.text)
    if named is not None and named.group(1) is None:  # the plural: check the first name, give both
        named = re.search(r"([A-Z][\w-]+ en [A-Z][\w-]+) (\w+en) (.+)$", sentence.text)
        if named is None or not _may_be_name(named.group(1).split()[0]):
            return None
        return named if find_due(sentence) and not re.search(r"\b(?:sinds|vorige|niet|geen)\b", sentence.norm) else None
    if named is None or named.group(1).lower() in STOPWORDS | NOT_NAMES or named.group(2).lower() in _NOT_VERBS:
        return None
    if named.group(1).lower() in _NOT_A_NAME or named.group(2).lower() in _NOT_DOING or len(named.group(2)) < 4:
        return None
    if not find_due(sentence) or re.search(r"\b(?:sinds|vorige|gisteren|geleden|niet|geen)\b", sentence.norm):
        return None
    return named


def _named_owner(context: MinutesContext, i: int) -> None:
    """Someone named, or everyone, takes the task."""
    sentence = context.sentences[i]
    if _EVERYONE.match(sentence.norm) and find_due(sentence):
        mine = re.search(r"\bvan mij\b", sentence.norm)  # "Jullie krijgen het stuk ... van mij."
        context.add(
            "action", sentence.text, [i], owner=context.owner_of(sentence) if mine else None, due=find_due(sentence)
        )
        return
    third = _THIRD.search(sentence.text) or _named_with_deadline(sentence)
    if third and _may_be_name(third.group(1).split()[0]):
        context.add("action", sentence.text, [i], owner=third.group(1), due=context.due_near([i]))
        return
    assigned = YOU_DO.match(sentence.norm)
    if assigned and addressed_name(sentence):  # "Jan, jij neemt contact op met de gemeente." (no answer heard)
        task = sentence.original(assigned.start(1), assigned.end(1))
        context.add("action", task, [i], owner=addressed_name(sentence), due=context.due_near([i]))
        return
    see_to_it = _SEE_TO_IT.search(sentence.norm)
    if see_to_it:  # "... zorgt ervoor dat ...", its name lost by the recognition; "ik zorg ervoor dat": the speaker
        owner = context.owner_of(sentence) if see_to_it.group(1) == "ik" else None
        context.add("action", sentence.text, [i], owner=owner, due=context.due_near([i]))
        return
    mine = re.search(r"\bactie(?:punt)? (?:voor mij|op mijn naam|bij mij)\b", sentence.norm)
    if mine and not _NOT_PROMISE_HERE.search(sentence.norm):  # "Dat is een actie voor mij."
        context.add("action", sentence.text, [i], owner=context.owner_of(sentence), due=context.due_near([i]))
        return
    named = re.search(r"\b[Aa]ctie(?:punt)? (?:voor|bij) ([A-Z][\w-]+)", sentence.text)
    if named and named.group(1).lower() not in NOT_NAMES:
        context.add("action", sentence.text, [i], owner=named.group(1), due=context.due_near([i]))


def _refuses(sentence: Sentence) -> bool:
    """ "Dat doe ik niet.", "Die kan ik niet voor vrijdag aanleveren.", "Ik pak dat niet op, dat is iets voor
    inkoop.": a no in the first clause is no commitment."""
    first = clauses(sentence)[:1]
    no = r"\b(?:niet|nooit|helaas)\b|\bgeen\b(?! (?:probleem|punt|bezwaar)\b)"  # "Geen probleem." is a yes
    return bool(first) and bool(re.search(no, first[0]))


def _answer(sentence: Sentence) -> re.Match[str] | None:
    """ "Dat doe ik", "Ja, doe ik", "Komt goed", "Ik pak dat op": an answer that takes its task from the question."""
    first = clauses(sentence)[:1]  # "Ik pak dat op, ik zorg dat ...": the answer is the first clause
    said = first[0] if first and sentence.norm.startswith(first[0]) else sentence.norm
    pronoun_object = _COMMIT_PRONOUN.match(said)
    if pronoun_object and len(content_words(pronoun_object.group(3))) >= 2:
        pronoun_object = None  # "ik zorg dat het voor vrijdag klaar is": a commitment of its own
    return _COMMIT_INVERTED.match(sentence.norm) or _CAN_DO.match(sentence.norm) or pronoun_object


def _accepted_offer(context: MinutesContext, i: int) -> bool:
    """ "Ik kan een nieuwe tekst voorstellen." answered by another speaker with "Graag." (and maybe a deadline);
    "... zit iemand die nog uren over heeft. Ik kan het haar vragen." - "Ja, doe dat maar.": an offer of "het" is
    the offer with what the speaker said just before."""
    offer = _OFFER.match(context.sentences[i].norm)
    if offer is None or i + 1 >= len(context.sentences):
        return False
    sentence, reply = context.sentences[i], context.sentences[i + 1]
    if reply.speaker == sentence.speaker or reply.segment - sentence.segment > 1 or not _ACCEPT.match(reply.norm):
        return False
    task, cited = re.sub(r"\bwillen\s+", "", sentence.original(offer.start(1), offer.end(1))), [i, i + 1]
    if len(content_words(offer.group(1))) < 2:
        before = context.sentences[i - 1] if i > 0 else None
        if before is None or before.segment != sentence.segment or before.question:
            return False
        if len(content_words(before.text)) < 2 or i - 1 in context.used:
            return False
        task, cited = f"{before.text} {sentence.text}", [i - 1, i, i + 1]
    due = _follow_up_due(context, i, cited) or context.due_near(cited)
    context.add("action", task, cited, owner=context.owner_of(sentence), due=due)
    return True


def _follow_up_due(context: MinutesContext, i: int, cited: list[int]) -> str | None:
    """ "Ja, doe dat maar. Laat je het me deze week weten?" - "Ja, uiterlijk donderdag.": the one who accepted the
    offer asks when, and the offerer's answer (or else the question) gives the deadline."""
    accepted = cited[-1]
    if accepted + 2 >= len(context.sentences):
        return None
    asked, answer = context.sentences[accepted + 1], context.sentences[accepted + 2]
    if asked.speaker != context.sentences[accepted].speaker or not asked.question:
        return None
    if answer.speaker != context.sentences[i].speaker or answer.segment - asked.segment > 1:
        return None
    first = clauses(answer)[:1]
    due = find_due(answer) if first and accepts_first(answer, first[0]) else None
    due = due or find_due(asked)
    if due:
        cited.extend([accepted + 1, accepted + 2])
    return due


def _accepted_request(context: MinutesContext, i: int) -> bool:
    """ "Is goed." / "Zeker." / "Natuurlijk." after "Kun jij ...?", or "Ik." / "Ik, samen met inkoop." after "Wie
    pakt dat op?": the one who answers takes on the task asked (its deadline may follow in their next sentence)."""
    sentence = context.sentences[i]
    first = clauses(sentence)[:1]
    volunteered = bool(first) and volunteers(sentence, first[0])
    leading_yes = not accepts(sentence) and bool(first) and accepts_first(sentence, first[0])
    if not (volunteered or accepts(sentence) or leading_yes):
        return False
    asked = _asked_task(context, i)
    if asked is None or asked in context.used:  # already someone's task (a name was given in answer)
        return False
    question = context.sentences[asked]
    if leading_yes and not (asks_a_deed(question) or ASK_YOU.match(question.norm)):
        return False  # "Heb je dat vastgelegd?" - "Ja, ik heb foto's gemaakt ...": a yes to a question, no task
    who = bool(WHO.match(question.norm)) and not WHO_STATE.match(question.norm)
    if not (who or (not volunteered and is_request(question) and not SPEAK_NOW.search(question.norm))):
        return False
    found = _task_of_question(context, asked, needs_words=True)
    running = who and _RUNNING_THE_MEETING.search(question.norm)  # "Wie neemt de notulen?"
    if found is None or (who and SPEAK_NOW.search(question.norm)) or running:
        return False
    task, cited = found[0], [*found[1], i]
    context.add("action", task, cited, owner=_answer_owner(context, asked, i), due=context.due_near(cited))
    return True


_NOT_PROMISE_HERE = re.compile(r"\b(?:niet|geen|nooit|zou|misschien)\b")
_RUNNING_THE_MEETING = re.compile(r"\b(?:rondvraag|agenda|agendapunt|volgende punt|notulen)\b")


def _task_of_question(context: MinutesContext, asked: int, needs_words: bool) -> tuple[str, list[int]] | None:
    """The task a question asks for, and its lines: its own words, or (too few: "Wie pakt dat op?") what the asker
    said just before ("Dan moet het contract nog worden opgesteld."). None for a "wie"-question without a task ("Wie
    wil er koffie?")."""
    task = task_from(context.sentences[asked])
    if len(content_words(task)) >= 2:
        return task, [asked]
    before = context.previous(asked, other_speaker=False, max_segments=1)
    if before is not None:
        antecedent = context.sentences[before]
        usable = not antecedent.question and len(content_words(antecedent.text)) >= 3
        if usable and not _RUNNING_THE_MEETING.search(antecedent.norm):
            return antecedent.text, [before, asked]
    return None if needs_words else (task, [asked])


# "Wie pakt dat op?" - "Sanne." / "Dat kan Sanne doen." / "Sanne doet dat wel.": someone named in answer
_NAMED_ANSWER = re.compile(
    r"^(?:(?i:dat|die|dit|het) (?:kan|doet|wil|pakt|neemt) )?([A-Z][\w-]+)"
    r"(?: (?:kan|doet|wil|pakt|neemt) (?:dat|het|die)(?: wel)?(?: (?:doen|oppakken|op|regelen))?| (?:doen|wel))?[.!]?$"
)


def _named_in_answer(context: MinutesContext, i: int) -> bool:
    sentence = context.sentences[i]
    named = _NAMED_ANSWER.match(sentence.text.strip())
    if named is None or not _may_be_name(named.group(1)) or i == 0:
        return False
    question = context.sentences[i - 1]
    if question.speaker == sentence.speaker or not question.question or not WHO.match(question.norm):
        return False
    found = _task_of_question(context, i - 1, needs_words=True)
    if WHO_STATE.match(question.norm) or SPEAK_NOW.search(question.norm) or found is None:
        return False
    cited = [*found[1], i]
    context.add("action", found[0], cited, owner=named.group(1), due=context.due_near(cited))
    return True


def _accepted_offer_asked(context: MinutesContext, i: int) -> None:
    """ "Zal ik de evaluatie opstellen?" answered by another speaker with "Graag." / "Ja, prima.": the asker's."""
    offer = OFFER_ASKED.match(context.sentences[i].norm)
    if offer is None or len(content_words(offer.group(1))) < 2 or i + 1 >= len(context.sentences):
        return
    sentence, reply = context.sentences[i], context.sentences[i + 1]
    if reply.speaker == sentence.speaker or reply.segment - sentence.segment > 1:
        return
    if not (_ACCEPT.match(reply.norm) or accepts(reply)):
        return
    task = sentence.original(offer.start(1), offer.end(1))
    context.add("action", task, [i, i + 1], owner=context.owner_of(sentence), due=context.due_near([i, i + 1]))


def _any_commitment(context: MinutesContext, i: int) -> None:
    """ "Dan pas ik het aan ...", "Het verslag stuur ik morgen rond.", "Die training verzorg ik. Uiterlijk 15
    januari ...": "ik" with any verb that acts, and a deadline in the sentence or the speaker's next one."""
    sentence = context.sentences[i]
    verb = commitment_verb(sentence)
    if verb is None or len(content_words(sentence.text)) < 2 or re.search(r"\bhet woord\b", sentence.norm):
        return
    if HABIT.search(sentence.norm) or _answers_a_question_of_fact(context, i):
        return  # "Ik werk op dinsdag altijd thuis.", "Doet u dat zelf?" - "Ik lever de facturen aan."
    if not (_has_deadline(context, i) or undertakes(sentence, verb)):  # "Ik zoek het uit." needs no deadline
        return
    context.add("action", sentence.text, [i], owner=context.owner_of(sentence), due=context.due_near([i]))


def _answers_a_question_of_fact(context: MinutesContext, i: int) -> bool:
    """The sentence answers another speaker's question that asks what is, not for a task."""
    other = context.previous(i, max_segments=1)
    if other is None or not context.sentences[other].question:
        return False
    question = context.sentences[other]
    return not (is_request(question) or WHO.match(question.norm) or OFFER_ASKED.match(question.norm))


def _has_deadline(context: MinutesContext, i: int) -> bool:
    following = context.sentences[i + 1] if i + 1 < len(context.sentences) else None
    same_turn = following is not None and following.speaker == context.sentences[i].speaker
    return bool(find_due(context.sentences[i]) or (same_turn and find_due(following)))


def find_actions(context: MinutesContext) -> None:
    for i, sentence in enumerate(context.sentences):
        if i in context.used:
            continue
        if sentence.question:
            _accepted_offer_asked(context, i)
            continue
        if _NOT_COMMIT.search(sentence.norm) or _refuses(sentence):
            continue
        if _accepted_offer(context, i) or _named_in_answer(context, i):
            continue
        answer = _answer(sentence)
        if answer:
            _answer_commitment(context, i, answer)
            continue
        direct = _COMMIT.search(sentence.norm)
        if (direct and _direct_commitment(context, i, direct)) or _accepted_request(context, i):
            continue
        _any_commitment(context, i)
    for i, sentence in enumerate(context.sentences):
        if i not in context.used and not sentence.question:
            _named_owner(context, i)
