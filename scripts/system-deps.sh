#!/usr/bin/env bash
# Install the system libraries Qt needs on Debian/Ubuntu (offscreen, X11 and Xvfb); elsewhere do nothing.
set -euo pipefail

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: no apt-get here; Qt's own wheels usually need nothing more on this system." >&2
    exit 0
fi

packages=(
    # Qt's offscreen platform (tests, CI)
    libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0
    # a real window on X11, and Xvfb for screenshots and the end-to-end tests
    xvfb xauth libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1
    fonts-dejavu-core
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system-deps: installed ${missing[*]}" >&2
