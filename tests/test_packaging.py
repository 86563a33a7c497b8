"""The desktop entry, AppStream metainfo and PyInstaller files are well formed and agree."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "resources"
PACKAGING = REPO / "packaging"
DESKTOP_FILE = RESOURCES / "digest-reader.desktop"
METAINFO_FILE = RESOURCES / "io.github.digestreader.DigestReader.metainfo.xml"


def desktop_entry() -> configparser.SectionProxy:
    # Desktop files are case-sensitive key=value groups: keep key case, no interpolation.
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment]
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def metainfo() -> ET.Element:
    return ET.parse(METAINFO_FILE).getroot()


def test_desktop_entry_has_the_keys_a_launcher_needs():
    entry = desktop_entry()
    for key in ("Type", "Name", "GenericName", "Comment", "Exec", "Icon", "Categories",
                "MimeType", "StartupWMClass", "Keywords"):
        assert entry.get(key, "").strip(), f"{key} missing or empty"
    assert entry["Type"] == "Application"
    assert entry["GenericName"] == "Paper digest reader"
    assert entry["Icon"] == "digest-reader"


def test_desktop_entry_runs_the_installed_script_with_files():
    exec_line = desktop_entry()["Exec"].split()
    assert exec_line[0] == "digest-reader"
    assert exec_line[1:] == ["%F"]


def test_desktop_entry_lists_end_with_semicolons_and_name_text_files():
    entry = desktop_entry()
    for key in ("Categories", "MimeType", "Keywords"):
        assert entry[key].endswith(";"), f"{key} must end with ';'"
    mime_types = entry["MimeType"].rstrip(";").split(";")
    assert {"text/plain", "text/markdown"} <= set(mime_types)


def test_desktop_entry_matches_the_script_name_in_pyproject():
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert desktop_entry()["Exec"].split()[0] in scripts


def test_metainfo_names_the_app_and_launches_the_desktop_file():
    root = metainfo()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == "io.github.digestreader.DigestReader"
    assert root.findtext("name") == desktop_entry()["Name"]
    assert root.findtext("summary").strip()
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP_FILE.name


def test_metainfo_release_is_the_package_version():
    import reader

    versions = [r.get("version") for r in metainfo().iter("release")]
    assert reader.__version__ in versions


def test_metainfo_screenshot_points_at_the_repo_screenshot():
    images = [img.text for img in metainfo().iter("image")]
    assert images and all(url.endswith("docs/screenshots/main.png") for url in images)
    assert metainfo().find("content_rating") is not None


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_file_validate_accepts_the_entry():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line or ": warning:" in line]
    assert result.returncode == 0 and errors == [], result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_appstreamcli_accepts_the_metainfo():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO_FILE)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyinstaller_spec_builds_the_real_entry_point_with_only_the_qt_modules_used():
    spec = (PACKAGING / "digest-reader.spec").read_text(encoding="utf-8")
    launcher = (PACKAGING / "launcher.py").read_text(encoding="utf-8")
    assert "launcher.py" in spec
    assert "from reader.__main__ import main" in launcher
    for module in ("QtCore", "QtGui", "QtWidgets", "QtSvg"):
        assert module in spec
    assert "tkinter" in spec
    assert "reader.resources" in spec and "reader/resources" in spec


def test_packaging_scripts_parse_as_shell():
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not available")
    for script in ("build.sh", "install-desktop.sh"):
        result = subprocess.run([bash, "-n", str(PACKAGING / script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script}: {result.stderr}"


def test_install_desktop_script_installs_into_a_chosen_prefix(tmp_path):
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not available")
    result = subprocess.run([bash, str(PACKAGING / "install-desktop.sh"), "--prefix", str(tmp_path)],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    share = tmp_path / "share"
    assert (share / "applications" / DESKTOP_FILE.name).read_bytes() == DESKTOP_FILE.read_bytes()
    assert (share / "metainfo" / METAINFO_FILE.name).is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "digest-reader.svg").is_file()
    for size in (16, 48, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "digest-reader.png").is_file()
