#!/usr/bin/env bash
# Build the one-folder bundle dist/digest-reader/ with PyInstaller, then smoke-test it.
#
#   packaging/build.sh            build and test
#   SKIP_SMOKE=1 packaging/build.sh   build only
#   PYTHON=/path/to/python packaging/build.sh   use another interpreter (needs `pip install -e '.[build]'`)
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
BUNDLE_DIR=dist/digest-reader
BUNDLE="$BUNDLE_DIR/digest-reader"

started=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/digest-reader.spec
# The desktop-integration script works from inside the bundle too.
cp packaging/install-desktop.sh "$BUNDLE_DIR/"
finished=$(date +%s)
echo "Built $BUNDLE_DIR in $((finished - started)) s, size $(du -sh "$BUNDLE_DIR" | cut -f1)"

if [[ "${SKIP_SMOKE:-}" == 1 ]]; then
    exit 0
fi

expected_version=$("$PYTHON" -c 'import reader; print(reader.__version__)')
reported=$("$BUNDLE" --version)
if [[ "$reported" != *"$expected_version"* ]]; then
    echo "smoke test failed: --version printed '$reported', expected $expected_version" >&2
    exit 1
fi
echo "--version: $reported"

# The bundle reads digests: the record finder (markdown-it-py, lxml) and a data format.
scratch_library=$(mktemp -d)
"$BUNDLE" --library "$scratch_library" import tests/fixtures/records/bot_bullets.md \
    tests/fixtures/records/cards.html tests/fixtures/ris/reading_list.ris >/dev/null \
    || { echo "smoke test failed: the bundle could not import the fixtures" >&2; rm -rf "$scratch_library"; exit 1; }
rm -rf "$scratch_library"
echo "import: the bundle read Markdown, HTML and RIS digests"

# Start the GUI without a display, in throwaway folders so no real library or
# settings are touched; the app quits by itself after a second.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
QT_QPA_PLATFORM=offscreen \
DIGEST_READER_QUIT_AFTER_MS=1000 \
DIGEST_READER_LIBRARY="$scratch/library" \
DIGEST_READER_WATCH="$scratch/watch" \
XDG_CONFIG_HOME="$scratch/config" \
XDG_DATA_HOME="$scratch/data" \
    timeout 60 "$BUNDLE" || { echo "smoke test failed: the GUI did not start and quit cleanly (exit $?)" >&2; exit 1; }
echo "Smoke test passed: the bundled GUI started offscreen and quit."
