"""A real HTTP server on 127.0.0.1 that plays scripted answers, and a clock that never sleeps."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One scripted answer. `delay` holds the answer back (for timeouts); `truncate_to` sends
    fewer bytes than Content-Length promises and hangs up."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate_to: int | None = None
    content_length: bool = True


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class ScriptedServer:
    """Answers each request with the next scripted Reply, or with `handler(seen)` when the script is empty."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.handler: Callable[[Seen], Reply] | None = None
        self.requests: list[Seen] = []
        self.release = threading.Event()  # ends held-back answers at teardown
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                parts = urllib.parse.urlsplit(self.path)
                seen = Seen(parts.path, urllib.parse.parse_qs(parts.query),
                            {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(seen)
                if server.script:
                    reply = server.script.pop(0)
                elif server.handler:
                    reply = server.handler(seen)
                else:
                    reply = Reply(500, b"no script")
                if reply.delay:
                    server.release.wait(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.content_length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    body = reply.body if reply.truncate_to is None else reply.body[:reply.truncate_to]
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as the timeout test wants
                self.close_connection = True

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A short poll keeps shutdown (every teardown) from costing half a second.
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> ScriptedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class FakeClock:
    """Monotonic and wall time that only move when someone sleeps; every sleep is recorded."""

    def __init__(self, wall: float = 1_700_000_000.0) -> None:
        self.now = 0.0
        self.wall = wall
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[float], None] | None = None

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall + self.now

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        if seconds > 0:
            self.sleeps.append(seconds)
            self.now += seconds
            if self.on_sleep:
                self.on_sleep(seconds)
        return bool(cancel and cancel.is_set())
