#!/usr/bin/env bash
# Set up notulist and transcribe the bundled Dutch sample interview with the embedded defaults
# (Whisper base, Resemblyzer speakers, the bundled glossary, the extractive summariser).
# The last line printed is the new session folder; open its report.html in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/notulist transcribe samples/interview_fiod.flac --sessions-dir sessions
