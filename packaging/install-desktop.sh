#!/usr/bin/env bash
# Install (or remove) Digest Reader's menu entry, icons and AppStream metainfo for this user.
#
#   install-desktop.sh                 into ${XDG_DATA_HOME:-~/.local/share}
#   install-desktop.sh --prefix DIR    into DIR/share (e.g. --prefix /usr/local, as root)
#   install-desktop.sh --exec PATH     launch PATH instead of `digest-reader` found on PATH
#   install-desktop.sh --uninstall     remove what an earlier run installed
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
share="${XDG_DATA_HOME:-$HOME/.local/share}"
exec_path=""
uninstall=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --prefix) share="${2:?--prefix needs a folder}/share"; shift 2 ;;
        --exec) exec_path="${2:?--exec needs the path of the digest-reader program}"; shift 2 ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "install-desktop.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
done

# Run from the repo (resources/ next to packaging/) or from a PyInstaller bundle,
# where this script sits beside the program and the files under _internal/.
if [[ -f "$here/../resources/digest-reader.desktop" ]]; then
    resources="$here/../resources"
elif [[ -f "$here/_internal/reader/resources/digest-reader.desktop" ]]; then
    resources="$here/_internal/reader/resources"
    if [[ -z "$exec_path" && -x "$here/digest-reader" ]]; then
        exec_path="$here/digest-reader"
    fi
else
    echo "install-desktop.sh: cannot find the resources folder next to $here" >&2
    exit 1
fi

desktop_name=digest-reader.desktop
metainfo_name=io.github.digestreader.DigestReader.metainfo.xml
sizes=(16 24 32 48 64 128 256 512)

installed_files() {
    echo "$share/applications/$desktop_name"
    echo "$share/metainfo/$metainfo_name"
    echo "$share/icons/hicolor/scalable/apps/digest-reader.svg"
    for size in "${sizes[@]}"; do
        echo "$share/icons/hicolor/${size}x${size}/apps/digest-reader.png"
    done
}

refresh_caches() {
    # Menus pick changes up without these too, only later; failures here are harmless.
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$share/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null && [[ -f "$share/icons/hicolor/index.theme" ]]; then
        gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
    fi
}

if [[ $uninstall == 1 ]]; then
    installed_files | while read -r file; do rm -f "$file"; done
    refresh_caches
    echo "Removed Digest Reader's desktop entry, icons and metainfo from $share"
    exit 0
fi

install -Dm644 "$resources/$desktop_name" "$share/applications/$desktop_name"
if [[ -n "$exec_path" ]]; then
    exec_path="$(cd "$(dirname "$exec_path")" && pwd)/$(basename "$exec_path")"
    # Quote the path in Exec= so folders with spaces work; TryExec takes it unquoted.
    sed -i -e "s|^Exec=digest-reader|Exec=\"$exec_path\"|" -e "s|^TryExec=.*|TryExec=$exec_path|" \
        "$share/applications/$desktop_name"
fi
install -Dm644 "$resources/$metainfo_name" "$share/metainfo/$metainfo_name"
install -Dm644 "$resources/digest-reader.svg" "$share/icons/hicolor/scalable/apps/digest-reader.svg"
for size in "${sizes[@]}"; do
    install -Dm644 "$resources/icons/digest-reader-$size.png" \
        "$share/icons/hicolor/${size}x${size}/apps/digest-reader.png"
done
refresh_caches
echo "Installed Digest Reader's desktop entry, icons and metainfo into $share"
