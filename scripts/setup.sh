#!/usr/bin/env bash
# Set up notulist on a fresh Debian/Ubuntu machine: system packages (when run as root) and a virtualenv in .venv.
#   scripts/setup.sh          runtime only
#   scripts/setup.sh --test   runtime + everything the test suite needs (headless Chromium, LibreOffice, ALSA)
set -euo pipefail
cd "$(dirname "$0")/.."

runtime_packages=(libportaudio2)
test_packages=(chromium libreoffice-writer-nogui poppler-utils libasound2-plugins alsa-utils fonts-dejavu-core strace)
packages=("${runtime_packages[@]}")
extras=""
if [[ "${1:-}" == "--test" ]]; then
    packages+=("${test_packages[@]}")
    extras="[test]"
fi

if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if (( ${#missing[@]} )); then
        echo "setup: installing system packages: ${missing[*]}" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
else
    echo "setup: not root; make sure these system packages are installed: ${packages[*]}" >&2
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The CPU build of torch; install a CUDA build yourself first on a GPU machine if you want one.
.venv/bin/python -m pip show torch >/dev/null 2>&1 || .venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".${extras}"
