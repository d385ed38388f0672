"""``notulist live``: transcribe while the interview happens, then make the full-quality session.

Records from a microphone (or replays a file with ``--input``), shows the transcript as it is spoken, and on
Ctrl+C or ``q`` runs the normal offline pipeline over the whole recording; the final transcript keeps the ids of
the segments shown live where the text matches. The audio is on disk within a second of being captured, so a
crash loses at most about a second: ``notulist recover`` (or the next ``notulist live``) makes a session of it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from notulist.archive.session import Session
from notulist.audio.capture import FileSource, MicrophoneSource, list_input_devices, resolve_device
from notulist.cli.flags import in_flags
from notulist.cli.live_view import KeyWatcher, LiveView
from notulist.cli.summary_args import report_summary
from notulist.core.errors import NotulistError
from notulist.live.abbreviations import AbbreviationMarker
from notulist.live.hints import HintedDecoder
from notulist.live.loading import LoadingDecoder
from notulist.live.presets import PRESETS
from notulist.live.recording import LiveRecording, find_interrupted, read_captured, remove
from notulist.live.speakers import LiveSpeakerLabeler
from notulist.live.worker import LiveResult, LiveWorker
from notulist.pipeline.run import PipelineOptions
from notulist.recognition.window_decoder import WindowDecoder
from notulist.reports.session_files import session_summary


def register(subparsers: argparse._SubParsersAction) -> None:
    from notulist.cli.pipeline_args import add_pipeline_arguments, add_sessions_dir_argument

    parser = subparsers.add_parser(
        "live",
        help="record and transcribe live; a full-quality session when you stop",
        description="Record from a microphone and show the transcript while it is spoken. Stop with Ctrl+C or q: "
        "the whole recording is then transcribed again at full quality (speakers, abbreviations, summary, "
        "reports) into a new session folder, printed as the last line. The audio is saved as it is captured; "
        "after a crash, `notulist recover` turns it into a session. Runs offline.",
    )
    source = parser.add_argument_group("input")
    source.add_argument(
        "--input-device",
        metavar="NAME|INDEX",
        help="the microphone, by number or (part of) its name (default: the system default input)",
    )
    source.add_argument("--list-devices", action="store_true", help="list the input devices and exit")
    source.add_argument(
        "--input",
        type=Path,
        metavar="FILE",
        help="replay a recording through the live path instead of recording (demos, tests)",
    )
    source.add_argument("--realtime", action="store_true", help="with --input: replay at real-time pace")
    source.add_argument("--duration", type=float, metavar="SECONDS", help="stop by itself after this much audio")
    parser.add_argument(
        "--live-latency",
        choices=sorted(PRESETS),
        default="balanced",
        help="how the live text trades delay for accuracy: 'low' shows words about half a second sooner, with "
        "clearly more errors; the final session is made at full quality either way (default: balanced)",
    )
    add_sessions_dir_argument(parser)
    add_pipeline_arguments(parser)
    parser.set_defaults(func=run)


def print_devices() -> int:
    devices = list_input_devices()
    if not devices:
        print("no audio input devices found: connect a microphone", file=sys.stderr)
        return 1
    for device in devices:
        mark = "*" if device.is_default else " "
        print(
            f"{mark}{device.index:3d}  {device.name}  ({device.host_api}, {device.channels} in, "
            f"{device.default_samplerate:.0f} Hz)"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    """Record (or replay), show the live transcript, then make the full-quality session and print its folder."""
    if args.list_devices:
        return print_devices()
    if args.realtime and args.input is None:
        raise NotulistError("--realtime replays a file: give the file with --input FILE")
    from notulist.cli.pipeline_args import options_from_args

    interrupted = _announce_interrupted(args.sessions_dir)
    options = options_from_args(args)
    recording, result = _record_live(args, options)
    _say_how_recording_ended(result, recording)
    try:
        session = _finalize(recording.path, args, options, recovered=False)
    except KeyboardInterrupt:
        print(
            f"notulist: interrupted; the recording is kept in {recording.path}: `notulist recover {recording.path}`",
            file=sys.stderr,
        )
        return 130
    _recover_earlier(interrupted, args, options)
    status = report_summary(session_summary(session), args, session.path)
    print(session.path)
    return result.error.exit_code if result.error is not None else status


def _announce_interrupted(sessions_dir: Path) -> list[Path]:
    """Interrupted live recordings in the sessions folder: said now, made into sessions when this one stops."""
    interrupted = find_interrupted(sessions_dir)
    for path in interrupted:
        print(
            f"notulist: found an interrupted live recording in {path}: it becomes a session when this recording "
            "stops (or now with `notulist recover`)",
            file=sys.stderr,
        )
    return interrupted


def _open_source(args: argparse.Namespace) -> tuple[FileSource | MicrophoneSource, bool]:
    """The audio source the flags ask for, and whether it comes at real-time pace."""
    if args.input is not None:
        return FileSource(args.input, realtime=args.realtime, max_s=args.duration), args.realtime
    return MicrophoneSource(resolve_device(args.input_device), max_s=args.duration), True


def _record_live(args: argparse.Namespace, options: PipelineOptions) -> tuple[LiveRecording, LiveResult]:
    """Record into a new ``.live`` folder while the live view shows the transcript; until Ctrl+C, q or the end."""
    from notulist.recognition.whisper_model import choose_device, resolve_model

    source, paced = _open_source(args)
    spec = resolve_model(options.model)  # a wrong --model is said before anything is recorded
    name = args.input.stem if args.input is not None else "live"
    recording = LiveRecording.create(args.sessions_dir, name, source.sample_rate)
    view = LiveView(marker=AbbreviationMarker.create(options.glossary))
    preset = PRESETS[args.live_latency].for_language(options.language)

    def load_decoder() -> HintedDecoder:  # the final pass (finalize_recording) reuses this model through the pool
        device = choose_device(options.device, options.compute_type)
        window = WindowDecoder(options.models.get(spec, device, options.cpu_threads), preset.window)
        return HintedDecoder(window, options.decoding_hints)  # --keyword/--context: the final pass's hints

    # start at once: the recording runs from the first moment, the model loads beside it and catches up
    decoder = LoadingDecoder(load_decoder)
    speakers = LiveSpeakerLabeler() if options.diarizer is not None else None  # none with --no-diarize
    worker = LiveWorker(decoder, source, recording, view.update, preset.streaming, paced=paced, speakers=speakers)
    with KeyWatcher() as keys:
        worker.start()
        capture_rate = source.capture_rate if isinstance(source, MicrophoneSource) else None
        view.started(source.name, str(recording.path), keys.available, capture_rate)
        result = _wait(worker, keys)
    view.finished(result)
    return recording, result


def _say_how_recording_ended(result: LiveResult, recording: LiveRecording) -> None:
    """Nothing captured is an error (the empty folder goes); a failure after some audio is said and the audio kept."""
    if result.captured_s == 0:
        remove(read_captured(recording.path))
        raise result.error or NotulistError("nothing was recorded: check the microphone with --list-devices")
    if result.error is not None:
        print(f"notulist: error: {in_flags(str(result.error))}", file=sys.stderr)
    if result.recognition_error is not None:
        print(
            f"notulist: live recognition failed ({result.recognition_error}); the full transcript is made now",
            file=sys.stderr,
        )


def _finalize(live_dir: Path, args: argparse.Namespace, options: PipelineOptions, recovered: bool) -> Session:
    from notulist.cli.progress_bar import ProgressBar
    from notulist.live.finalize import finalize_recording

    with ProgressBar("recover" if recovered else "live") as bar:
        return finalize_recording(live_dir, args.sessions_dir, options, bar, recovered=recovered)


def _recover_earlier(interrupted: list[Path], args: argparse.Namespace, options: PipelineOptions) -> None:
    """The interrupted recordings found at the start, made into sessions; a failure leaves that folder as it is."""
    for path in interrupted:
        try:
            recovered = _finalize(path, args, options, recovered=True)
            print(f"notulist: recovered {path.name} into {recovered.path}", file=sys.stderr)
        except NotulistError as exc:
            print(f"notulist: error: {in_flags(str(exc))}", file=sys.stderr)


def _wait(worker: LiveWorker, keys: KeyWatcher) -> LiveResult:
    """Wait for the worker; Ctrl+C or q asks it to stop (it then finishes the last words and returns)."""
    stopping = False
    while True:
        try:
            result = worker.join(timeout=0.2)
            if result is not None:
                return result
            if keys.pressed.is_set() and not stopping:
                stopping = True
                worker.stop()
        except KeyboardInterrupt:
            if stopping:  # a second Ctrl+C: stop waiting for the last words
                print("notulist: stopping now", file=sys.stderr)
            stopping = True
            worker.stop()
