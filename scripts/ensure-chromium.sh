#!/bin/sh
# The browser test drives Debian's Chromium. On a fresh Debian machine, as root, install it once;
# anywhere else (present already, not root, not Debian) do nothing and let the test say what is missing.
set -e
[ -x /usr/bin/chromium ] && exit 0
[ "$(id -u)" = "0" ] || exit 0
command -v apt-get >/dev/null 2>&1 || exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
