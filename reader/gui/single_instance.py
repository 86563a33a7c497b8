"""One app per library: a second launch hands its files to the running one over a local socket."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

TIMEOUT_MS = 3000
MAX_MESSAGE = 1 << 20  # a list of file paths; anything longer is not ours
MAX_FILES = 1000


def server_name(library_dir: Path) -> str:
    """The socket name for a library: per user and per library folder."""
    folder = str(Path(library_dir).expanduser().resolve())
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha256(f"{user}\0{folder}".encode()).hexdigest()[:20]
    return f"digest-reader-{digest}"


def send_files(name: str, files: list[Path], timeout_ms: int = TIMEOUT_MS) -> bool:
    """Hand files (none: just show the window) to the app serving `name`; whether it took them."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    message = json.dumps({"open": [str(Path(f).absolute()) for f in files]}).encode() + b"\n"
    socket.write(QByteArray(message))
    socket.flush()
    answer = b""
    while b"\n" not in answer and socket.waitForReadyRead(timeout_ms):
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return answer.startswith(b"ok")


class InstanceServer(QObject):
    """Listens for later launches on the same library; files_received(paths) per launch."""

    files_received = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        # Only this user may connect: the paths sent are imported as if dropped on the window.
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        if self.server.listen(self.name):
            return True
        # A socket file left by an app that crashed: we hold the library lock, so it is stale.
        QLocalServer.removeServer(self.name)
        return self.server.listen(self.name)

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(lambda socket=socket: self._drop(socket))

    def _drop(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if len(data) > MAX_MESSAGE:
            socket.abort()
            return
        if b"\n" not in data:
            self._buffers[socket] = data
            return
        self._buffers[socket] = b""
        try:
            files = json.loads(data.split(b"\n", 1)[0])["open"]
            paths = [Path(str(name)) for name in files[:MAX_FILES]]
        except (ValueError, KeyError, TypeError):
            socket.write(QByteArray(b"error\n"))
            socket.flush()
            socket.disconnectFromServer()
            return
        socket.write(QByteArray(b"ok\n"))
        socket.flush()
        self.files_received.emit(paths)
