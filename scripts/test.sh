#!/usr/bin/env bash
# Set up notulist with its test dependencies and run the whole test suite (unit, real-model, browser, DOCX/PDF).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
