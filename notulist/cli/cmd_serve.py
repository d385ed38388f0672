"""``notulist serve``: review, correct, name and approve sessions in the browser (local web app)."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
import threading
import webbrowser
from pathlib import Path

from notulist.cli.pipeline_args import add_pipeline_arguments, options_from_args
from notulist.core.errors import NotulistError
from notulist.live.presets import PRESETS

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="review and correct sessions in the browser",
        description="Start the review app on this computer: review, correct, name speakers, approve the minutes and "
        "export them. Every change is an audited event; the machine transcript is never rewritten. Prints the "
        "address with a one-time access token; nothing is sent over the network.",
    )
    parser.add_argument("--sessions-dir", type=Path, default=Path("sessions"), help="the sessions folder")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765; 0: any free)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow --host to be an address other computers can reach (the recordings become reachable)",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--operator", default=None, help="name recorded with every change (default: login name)")
    parser.add_argument("--max-upload-mb", type=int, default=2048, help="largest recording to accept (default: 2048)")
    parser.add_argument(
        "--live-latency",
        choices=sorted(PRESETS),
        default="balanced",
        help="recording in the browser: how the live text trades delay for accuracy, as in `notulist live` "
        "(default: balanced)",
    )
    add_pipeline_arguments(parser)
    parser.set_defaults(func=run)


def _has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _free_port(host: str) -> int:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _announce_interrupted(sessions_dir: Path) -> None:
    """Live recordings a crash left behind: the page "Nieuwe opname" offers to recover them."""
    from notulist.live.recording import find_interrupted

    for path in find_interrupted(sessions_dir):
        print(
            f"notulist: interrupted recording {path.name}: recover it on the page 'Nieuwe opname' (/live)", flush=True
        )


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from notulist.web.app import AppConfig, create_app
    from notulist.web.security import Guard, allowed_hosts

    if args.host not in LOCAL_HOSTS and not args.allow_remote:
        raise NotulistError(f"--host {args.host} makes the sessions reachable from other computers: add --allow-remote")
    sessions_dir = args.sessions_dir.resolve()
    if not sessions_dir.is_dir():
        raise NotulistError(f"{args.sessions_dir} is not a folder: give the sessions folder with --sessions-dir")
    options = options_from_args(args)
    port = args.port or _free_port(args.host)
    token = secrets.token_urlsafe(32)
    guard = Guard(token=token, hosts=allowed_hosts(args.host, port))
    config = AppConfig(
        sessions_dir=sessions_dir,
        guard=guard,
        operator=args.operator or getpass.getuser(),
        pipeline_options=lambda: options,
        max_upload_bytes=args.max_upload_mb * 1024 * 1024,
        live_latency=args.live_latency,
    )
    shown_host = "127.0.0.1" if args.host in LOCAL_HOSTS else (f"[{args.host}]" if ":" in args.host else args.host)
    url = f"http://{shown_host}:{port}/?token={token}"
    if args.host not in LOCAL_HOSTS:
        print(f"notulist: warning: listening on {args.host}: anyone with the link can reach the sessions", flush=True)
    _announce_interrupted(sessions_dir)
    print("notulist serve: open this address in your browser (Ctrl+C stops):", flush=True)
    print(url, flush=True)
    if not args.no_browser and _has_display():
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(config), host=args.host, port=port, log_level="warning", access_log=False)
    return 0
