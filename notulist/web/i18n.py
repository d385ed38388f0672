"""The app's words in Dutch (the default) and English."""

from __future__ import annotations

LANGUAGES = ("nl", "en")

FLAG_NAMES = {
    "nl": {
        "low_confidence": "lage zekerheid",
        "no_speech": "mogelijk geen spraak",
        "repetition": "herhaling",
        "phantom_phrase": "bekende spookzin",
        "outside_speech": "buiten spraak",
        "untranscribed": "niet uitgeschreven spraak",
    },
    "en": {
        "low_confidence": "low confidence",
        "no_speech": "possibly no speech",
        "repetition": "repetition",
        "phantom_phrase": "known phantom phrase",
        "outside_speech": "outside speech",
        "untranscribed": "untranscribed speech",
    },
}

STATES = {
    "nl": {
        "complete": "compleet",
        "live": "live",
        "interrupted": "onderbroken",
        "held": "vastgehouden",
        "deleted": "verwijderd",
        "concept": "concept",
        "definitief": "definitief",
        "unreadable": "onleesbaar",
    },
    "en": {
        "complete": "complete",
        "live": "live",
        "interrupted": "interrupted",
        "held": "on hold",
        "deleted": "deleted",
        "concept": "draft",
        "definitief": "final",
        "unreadable": "unreadable",
    },
}

KINDS = {
    "nl": {"topic": "onderwerp", "decision": "besluit", "action": "actie", "question": "vraag"},
    "en": {"topic": "topic", "decision": "decision", "action": "action", "question": "question"},
}

ROLES = ("voorzitter", "notulist", "geïnterviewde", "interviewer", "deelnemer", "getuige", "advocaat", "tolk")

# key: (Dutch, English)
_WORDS: dict[str, tuple[str, str]] = {
    "app": ("notulist", "notulist"),
    "sessions": ("Sessies", "Sessions"),
    "search": ("Zoeken in titels en transcripten", "Search titles and transcripts"),
    "search_button": ("Zoeken", "Search"),
    "title": ("Titel", "Title"),
    "date": ("Datum", "Date"),
    "duration": ("Duur", "Duration"),
    "speakers": ("Sprekers", "Speakers"),
    "state": ("Status", "State"),
    "verification": ("Verificatie", "Verification"),
    "verified": ("in orde", "intact"),
    "verifying": ("wordt gecontroleerd…", "checking…"),
    "problems": ("problemen", "problems"),
    "no_sessions": ("Nog geen sessies in deze map.", "No sessions in this folder yet."),
    "no_results": ("Geen sessie gevonden voor deze zoekopdracht.", "No session matches this search."),
    "upload": ("Nieuwe opname transcriberen", "Transcribe a new recording"),
    "recording": ("Opname:", "Recording:"),
    "upload_button": ("Uploaden en transcriberen", "Upload and transcribe"),
    "upload_hint": ("Hoogstens {mb} MB. De opname blijft op deze computer.", "At most {mb} MB, stays local."),
    "context_files": ("Agenda of stukken bijvoegen (niet verplicht):", "Attach the agenda or papers (optional):"),
    "context_hint": (
        "Tekst, Markdown, Word of PDF. De afkortingen en namen erin helpen de herkenning; de stukken worden bij de "
        "sessie bewaard.",
        "Text, Markdown, Word or PDF. Their abbreviations and names help recognition; they are kept with the session.",
    ),
    "open": ("Openen", "Open"),
    "back": ("Alle sessies", "All sessions"),
    "player": ("Audio", "Audio"),
    "play": ("Afspelen/pauze", "Play/pause"),
    "back5": ("5 s terug", "Back 5 s"),
    "fwd5": ("5 s vooruit", "Forward 5 s"),
    "speed": ("Snelheid", "Speed"),
    "shortcuts": ("Sneltoetsen", "Keyboard shortcuts"),
    "transcript": ("Transcript", "Transcript"),
    "flagged": ("Te controleren regels", "Lines to check"),
    "no_flagged": ("Geen regels meer te controleren.", "No lines left to check."),
    "correct": ("Verbeteren", "Correct"),
    "save": ("Opslaan", "Save"),
    "cancel": ("Annuleren", "Cancel"),
    "reassign": ("Spreker", "Speaker"),
    "checked_ok": ("Gehoord en juist", "Heard and correct"),
    "checked_fixed": ("Gecorrigeerd", "Corrected"),
    "checked": ("gecontroleerd", "checked"),
    "original": ("oorspronkelijk", "original"),
    "name_speakers": ("Sprekers benoemen", "Name speakers"),
    "name": ("Naam", "Name"),
    "role": ("Rol", "Role"),
    "find_replace": ("Zoeken en vervangen", "Find and replace"),
    "find": ("Zoek", "Find"),
    "replace_with": ("Vervang door", "Replace with"),
    "ignore_case": ("Hoofdletters negeren", "Ignore case"),
    "replace_all": ("Alles vervangen", "Replace all"),
    "undo": ("Laatste wijziging ongedaan maken", "Undo last change"),
    "summary": ("Samenvatting", "Summary"),
    "no_summary": ("Deze sessie heeft geen samenvatting.", "This session has no summary."),
    "accept": ("Akkoord", "Accept"),
    "accepted": ("akkoord", "accepted"),
    "edit": ("Bewerken", "Edit"),
    "delete": ("Verwijderen", "Delete"),
    "add_point": ("Punt toevoegen", "Add point"),
    "kind": ("Soort", "Kind"),
    "text": ("Tekst", "Text"),
    "owner": ("Actiehouder", "Owner"),
    "cited": ("Regels (bijv. s0001 s0004)", "Lines (e.g. s0001 s0004)"),
    "lines": ("regels", "lines"),
    "export": ("Exporteren", "Export"),
    "export_html": ("HTML-verslag", "HTML report"),
    "export_docx": ("DOCX-verslag", "DOCX report"),
    "download": ("Downloaden:", "Download:"),
    "exported": ("Het verslag is opnieuw gemaakt met de correcties: download het via de link.", "Report ready."),
    "status_final": ("Notulen vaststellen (definitief)", "Approve minutes (final)"),
    "status_concept": ("Terug naar concept", "Back to draft"),
    "audit": ("Audittrail", "Audit trail"),
    "when": ("Wanneer", "When"),
    "event": ("Gebeurtenis", "Event"),
    "who": ("Wie", "Who"),
    "what": ("Wat", "What"),
    "version": ("versie", "version"),
    "language": ("English", "Nederlands"),
    "abbr_source": ("Bron", "Source"),
    "stale": ("Iemand anders heeft de sessie intussen gewijzigd: herlaad de pagina.", "Changed elsewhere: reload."),
    "saved": ("Opgeslagen.", "Saved."),
    "error": ("Er ging iets mis", "Something went wrong"),
    "not_found": ("Deze sessie bestaat niet.", "This session does not exist."),
    "k_play": ("afspelen/pauze", "play/pause"),
    "k_back": ("5 s terug", "back 5 s"),
    "k_fwd": ("5 s vooruit", "forward 5 s"),
    "k_speed": ("langzamer / sneller", "slower / faster"),
    "k_lines": ("vorige / volgende regel", "previous / next line"),
    "k_enter": ("speel de gekozen regel af", "play the focused line"),
    "k_edit": ("verbeter de gekozen regel", "correct the focused line"),
    "k_flag": ("volgende te controleren regel", "next line to check"),
    "k_speaker": ("wijs de gekozen regel aan een andere spreker toe", "reassign the focused line"),
    "k_check": ("markeer de gekozen regel als gehoord en juist", "mark the focused line heard and correct"),
    "k_undo": ("ongedaan maken", "undo"),
    "meeting": ("Gegevens", "Details"),
}


def translator(lang: str):
    index = 1 if lang == "en" else 0

    def t(key: str, **values: object) -> str:
        text = _WORDS[key][index]
        return text.format(**values) if values else text

    return t
