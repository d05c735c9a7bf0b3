#!/usr/bin/env bash
# Installs a Debian package when the program a test needs is missing, so the test runs in CI instead of
# skipping: install-debian.sh PACKAGE PROGRAM (e.g. chromium /usr/bin/chromium, sslscan /usr/bin/sslscan).
# Called by the tests themselves (dev.palisade.testing.DebianTool); nothing happens when the program is there.
set -euo pipefail
package=$1
program=$2
if [ -x "$program" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-debian: not root, cannot apt-get install $package; the test that needs it will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2; do
  if apt-get update -qq && apt-get install -y -qq "$package" >/dev/null; then
    break
  fi
  echo "install-debian: attempt $attempt at $package failed" >&2
  sleep 5
done
[ -x "$program" ]
