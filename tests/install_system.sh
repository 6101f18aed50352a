#!/usr/bin/env bash
# What the tests need from Debian, installed when missing: Chromium for the browser tests and
# image export (Playwright and kaleido drive it; never `playwright install`), LibreOffice Impress
# and poppler for rendering the slide deck, and PostgreSQL, whose server the tests start in a
# temporary folder of their own (tests/postgres.py). Needs apt-get, as root or through sudo.
set -euo pipefail
browser=()
command -v chromium >/dev/null 2>&1 || browser+=(chromium)
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-impress)
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
# Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, off PATH.
postgres=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null 2>&1; then
    postgres+=(postgresql)
fi
if [ ${#browser[@]} -eq 0 ] && [ ${#missing[@]} -eq 0 ] && [ ${#postgres[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need: ${browser[*]} ${missing[*]} ${postgres[*]}; install them with your package manager." >&2
    exit 1
fi
run=""
if [ "$(id -u)" -ne 0 ]; then
    run="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq
if [ ${#browser[@]} -gt 0 ]; then
    $run apt-get install -y -qq "${browser[@]}" >/dev/null
fi
if [ ${#missing[@]} -gt 0 ]; then
    $run apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#postgres[@]} -gt 0 ]; then
    # Without the machine-wide cluster the package would otherwise create and start on port 5432:
    # the tests make and stop their own.
    $run apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
    $run sed -ri 's/^#?\s*(create_main_cluster)\s*=.*$/\1 = false/' /etc/postgresql-common/createcluster.conf
    $run apt-get install -y -qq --no-install-recommends "${postgres[@]}" >/dev/null
fi
