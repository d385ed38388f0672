"""``notulist speakers SESSION``: list a session's speakers, or give them names.

    notulist speakers SESSION                                   # each speaker's id, name and talk time
    notulist speakers SESSION --name S1="Interviewer" --name S2="Geïnterviewde"
    notulist speakers SESSION --name S1="Mevrouw Jansen" --role S1=voorzitter --role S3=notulist

Names are recorded as a ``speakers_named`` audit event; the machine's labels (S1, S2, ...) stay in
``transcript.json``. Then every derived output (transcript.txt/.srt/.vtt, speakers.rttm, the reports) is rendered
again with the names.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from notulist.archive.session import SPEAKERS_NAMED, Session
from notulist.core.errors import NotulistError
from notulist.core.model import Transcript
from notulist.core.times import duration
from notulist.diarization.diarize import turns_from_rttm, turns_from_transcript

RTTM = "speakers.rttm"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "speakers",
        help="list a session's speakers or name them",
        description="List the speakers of a session with their talk time, or give them names with --name. "
        "Names are logged in the audit trail and every output is rendered again with them.",
    )
    parser.add_argument("session", type=Path, metavar="SESSION", help="the session folder")
    parser.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="ID=NAME",
        help='name a speaker, e.g. --name S1="Interviewer" (repeat for more speakers)',
    )
    parser.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="ID=ROLE",
        help="a speaker's role in the minutes, e.g. --role S1=voorzitter (repeat; an empty role removes it)",
    )
    parser.set_defaults(func=run)


def parse_names(items: list[str], known: list[str]) -> dict[str, str]:
    """``["S1=Interviewer", ...]`` as ``{"S1": "Interviewer"}``; unknown ids and empty names are errors."""
    names: dict[str, str] = {}
    for item in items:
        speaker, sep, name = item.partition("=")
        speaker, name = speaker.strip(), " ".join(name.split())
        if not sep or not speaker:
            raise NotulistError(f'--name {item!r} is not ID=NAME: write it as --name S1="Interviewer"')
        if speaker not in known:
            listed = ", ".join(known) if known else "none: the session has no speakers"
            raise NotulistError(
                f"--name {item!r}: there is no speaker {speaker!r} in this session (speakers: {listed})"
            )
        if not name:
            raise NotulistError(f"--name {item!r} gives {speaker} an empty name: write a name after the '='")
        if speaker in names and names[speaker] != name:
            raise NotulistError(f"--name gives {speaker} two names ({names[speaker]!r} and {name!r}): give one")
        names[speaker] = name
    return names


def parse_roles(items: list[str], known: list[str]) -> dict[str, str]:
    """``["S1=voorzitter"]`` as ``{"S1": "voorzitter"}``; an empty role ("S1=") removes the speaker's role."""
    roles: dict[str, str] = {}
    for item in items:
        speaker, sep, role = item.partition("=")
        speaker = speaker.strip()
        if not sep or speaker not in known:
            listed = ", ".join(known) or "geen"
            raise NotulistError(f"--role {item!r}: schrijf ID=ROL met een spreker van deze sessie ({listed})")
        roles[speaker] = " ".join(role.split())
    return roles


def speaker_ids(transcript: Transcript) -> list[str]:
    """The machine speaker ids in order of first speech (S1, S2, ...)."""
    ordered: dict[str, None] = {}
    for segment in sorted(transcript.segments, key=lambda s: s.start):
        if segment.speaker:
            ordered.setdefault(segment.speaker, None)
    for speaker in transcript.speakers:
        ordered.setdefault(speaker, None)
    return list(ordered)


def talk_times(session: Session, transcript: Transcript, known: list[str]) -> dict[str, float]:
    """Seconds of speech per speaker: from speakers.rttm when it holds the machine ids, else from the transcript."""
    turns = ()
    rttm = session.path / RTTM
    if rttm.is_file():
        try:
            turns = turns_from_rttm(rttm.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, NotulistError):
            turns = ()
        if not {t.speaker for t in turns} <= set(known):  # an RTTM written with display names
            turns = ()
    if not turns:
        turns = turns_from_transcript(transcript)
    totals = dict.fromkeys(known, 0.0)
    for turn in turns:
        totals[turn.speaker] = totals.get(turn.speaker, 0.0) + turn.end - turn.start
    return totals


def run(args: argparse.Namespace) -> int:
    session = Session(args.session)
    machine = session.machine_transcript()
    known = speaker_ids(machine)
    if args.name or args.role:
        names = parse_names(args.name, known)
        roles = parse_roles(args.role, known)
        session.record(SPEAKERS_NAMED, {"names": names, **({"roles": roles} if roles else {})})
        from notulist.reports.session_files import rerender  # imported here: only naming needs the renderers

        rerender(session, "outputs_rendered", {"reason": SPEAKERS_NAMED, "names": names})
    current = session.transcript()
    if not known:
        print(f"{session.path.name}: no speakers (the session was transcribed without telling speakers apart)")
        return 0
    totals = talk_times(session, machine, known)
    width = max(len(current.speaker_name(s)) for s in known)
    print(f"{'id':<4} {'name':<{width}}  talk time")
    for speaker in known:
        print(f"{speaker:<4} {current.speaker_name(speaker):<{width}}  {duration(totals.get(speaker, 0.0)):>9}")
    return 0
