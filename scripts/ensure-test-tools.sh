#!/bin/sh
# Some tests drive real programs from Debian: the keyring tests start their own Secret Service (a
# private dbus-daemon and gnome-keyring-daemon, locked with gdbus), the docs-page test drives
# Chromium. A developer's machine that has them gets nothing installed; on a fresh Debian machine
# running as root (CI) the missing packages are installed with apt, in one go. Elsewhere this only
# says what is missing, and the tests that need it say so again when they fail.
set -eu
missing=""
command -v dbus-daemon >/dev/null 2>&1 || missing="$missing dbus"
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing="$missing gnome-keyring"
command -v gdbus >/dev/null 2>&1 || missing="$missing libglib2.0-bin"
[ -x /usr/bin/chromium ] || missing="$missing chromium fonts-dejavu-core"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the test tools:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  exit 0
fi
echo "Some tests need these packages:$missing (Debian/Ubuntu: sudo apt-get install$missing); those tests fail until they are installed." >&2
