#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing, so DashboardBrowserTest runs in CI instead of skipping.
# Called by DashboardBrowserTest when chromium is absent; about a minute on a fresh machine, nothing when
# already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-chromium: not root, cannot apt-get install chromium; the dashboard browser test will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2; do
  if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
    break
  fi
  echo "install-chromium: attempt $attempt failed" >&2
  sleep 5
done
/usr/bin/chromium --version
