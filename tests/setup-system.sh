#!/usr/bin/env bash
# System packages the test suite needs and pip cannot provide: Debian's chromium for the
# browser tests (no browser download), a Java runtime for the Nu HTML Checker, and python3
# with venv. Installs only what is missing with apt-get, so it is a no-op on a ready machine.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "tests/setup-system.sh: missing ${missing[*]}; install them with apt-get as root" >&2
  exit 1
fi

echo "tests/setup-system.sh: installing ${missing[*]}" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
