"""Where the bench's GUI processes draw: a real X server (Xvfb, Qt's xcb) when there is one, else offscreen.

Qt's offscreen platform never waits for a window system: a window is "exposed" the moment
it is shown. On xcb the window is mapped and exposed by an X server, as on a desktop, so
the time to the first paint includes that round trip. One Xvfb for the whole run, started
by xvfb-run around a process that only waits: the GUI processes the bench spawns draw on
it, so their start-up times do not include starting an X server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

SCREEN = "-screen 0 1600x1000x24"
# Prints the display xvfb-run made, then waits until the bench closes its stdin (also when
# the bench dies), after which xvfb-run stops the server.
HOLDER = (
    "import os, sys; print(os.environ['DISPLAY'], os.environ.get('XAUTHORITY', ''), flush=True);"
    " sys.stdin.read()"
)
PROBE = "from PySide6.QtGui import QGuiApplication; print(QGuiApplication([]).platformName())"


class Display:
    """A context manager: `env` for the GUI processes, `platform` as recorded in the JSON
    ("xcb (Xvfb)" or "offscreen")."""

    def __init__(self, log=lambda message: None) -> None:
        self.log = log
        self.env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        self.platform = "offscreen"
        self._holder: subprocess.Popen | None = None

    def __enter__(self) -> "Display":
        if shutil.which("xvfb-run") is None:
            self.log("no xvfb-run: the window is measured on Qt's offscreen platform")
            return self
        self._holder = subprocess.Popen(
            ["xvfb-run", "-a", "-s", SCREEN, sys.executable, "-c", HOLDER],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            start_new_session=True,  # its own process group: Xvfb goes with it if it must be stopped
        )
        line = self._holder.stdout.readline().split()
        if not line:
            self.log("xvfb-run started no X server: the window is measured offscreen")
            self.close()
            return self
        env = {**os.environ, "DISPLAY": line[0], "QT_QPA_PLATFORM": "xcb"}
        if len(line) > 1:
            env["XAUTHORITY"] = line[1]
        probe = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                               text=True, timeout=60)
        if probe.stdout.strip() != "xcb":
            self.log(f"Qt cannot use xcb on Xvfb ({probe.stderr.strip()[-200:]}): offscreen instead")
            self.close()
            return self
        self.env, self.platform = env, "xcb (Xvfb)"
        return self

    def close(self) -> None:
        if self._holder is not None:
            self._holder.stdin.close()
            try:
                self._holder.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._holder.pid, signal.SIGTERM)  # the group we started: xvfb-run, Xvfb
            self._holder = None

    def __exit__(self, *exc_info: object) -> None:
        self.close()
