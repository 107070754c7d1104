#!/usr/bin/env bash
# Installs Debian's Chromium for the web UI's browser tests (chromedp drives
# it headless). Does nothing when a Chromium or Chrome is already on PATH.
set -euo pipefail
for b in chromium chromium-browser google-chrome google-chrome-stable; do
	if command -v "$b" >/dev/null 2>&1; then
		echo "install-chromium: $(command -v "$b") is already installed"
		exit 0
	fi
done
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
if ! $SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
	$SUDO apt-get update -qq
	$SUDO apt-get install -y --no-install-recommends chromium >/dev/null
fi
echo "install-chromium: installed $(command -v chromium) in $(( $(date +%s) - start )) s"
