#!/usr/bin/env bash
# Debian's Chromium for the browser tests, installed when missing (Playwright drives it; never
# `playwright install`). Needs apt-get, as root or through sudo.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The browser tests need Chromium at /usr/bin/chromium; install it with your package manager." >&2
    exit 1
fi
run=""
if [ "$(id -u)" -ne 0 ]; then
    run="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq
$run apt-get install -y -qq chromium >/dev/null
