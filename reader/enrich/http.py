"""A small polite HTTP client on urllib: retries with backoff, per-host pacing, cancellation, size caps."""

from __future__ import annotations

import email.utils
import http.client
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import reader

APP_NAME = "DigestReader"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BYTES = 20 * 1024 * 1024
CHUNK = 64 * 1024
# Waits before trying again a host that could not be reached at all (refused, no such
# name, no route): a network that is down rarely comes back within seconds, and someone
# waiting at a prompt should hear why soon, not after half a minute of backoff.
UNREACHABLE_WAITS = (1.0, 2.0)


def user_agent(contact: str | None = None) -> str:
    """The User-Agent every request carries: app, version and, when configured, a contact."""
    contact = (contact or "").strip()
    if contact and "@" in contact and not contact.startswith("mailto:"):
        contact = f"mailto:{contact}"
    suffix = f"; {contact}" if contact else ""
    return f"{APP_NAME}/{reader.__version__} (desktop reading-list app{suffix})"


class FetchError(Exception):
    """A request failed for good; the message is one sentence meant for the user."""

    def __init__(self, message: str, url: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class Cancelled(FetchError):
    """The user cancelled while a request was pending or waiting."""


class HttpStatusError(FetchError):
    """The server answered with an error status that retrying does not fix (or kept failing)."""


class ResponseTooLarge(FetchError):
    """The response exceeded the size cap; nothing of it is used."""


class BadResponse(FetchError):
    """The response arrived but cannot be read (garbage, wrong format, hostile XML)."""


@dataclass(frozen=True)
class RetryNotice:
    """An attempt that failed and is about to be made again, for whoever tells the user."""

    host: str
    problem: str  # one phrase: "127.0.0.1 cannot be reached (connection refused)"
    wait: float  # seconds before the next attempt
    attempt: int  # the number of the next attempt (2 for the first retry)
    attempts: int  # at most this many for this kind of failure


class Clock(Protocol):
    """Time as the client sees it; tests pass a fake one so nothing really sleeps."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        """Wait `seconds` or until `cancel` is set; True when cancelled."""


class SystemClock:
    """The real clock; waiting is done on the cancel event so a cancel ends it at once."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        if seconds <= 0:
            return bool(cancel and cancel.is_set())
        if cancel is None:
            time.sleep(seconds)
            return False
        return cancel.wait(seconds)


class RateLimiter:
    """A minimum interval between request starts, per host (arXiv asks for 3 s).

    Slots are reserved under a lock, so threads sharing one limiter still space out."""

    def __init__(
        self, default_interval: float = 0.0, intervals: Mapping[str, float] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.default_interval = max(0.0, default_interval)
        self.intervals = {host.lower(): max(0.0, value) for host, value in (intervals or {}).items()}
        self.clock = clock or SystemClock()
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def set_interval(self, host: str, seconds: float) -> None:
        with self._lock:
            self.intervals[host.lower()] = max(0.0, seconds)

    def interval(self, host: str) -> float:
        return self.intervals.get(host.lower(), self.default_interval)

    def wait(self, host: str, cancel: threading.Event | None = None) -> float:
        """Block until a request to `host` may start; raise Cancelled if cancelled meanwhile.
        Returns the slot taken, for release()."""
        host = host.lower()
        interval = self.interval(host)
        with self._lock:
            now = self.clock.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval
        if self.clock.sleep(slot - now, cancel):
            raise Cancelled("Cancelled.")
        return slot

    def release(self, host: str, slot: float) -> None:
        """Give back the slot of a request that never reached the host (no connection was
        made): trying again need not wait out an interval kept for the server's sake.
        Only the latest slot is given back, so requests reserved after it keep their place."""
        host = host.lower()
        with self._lock:
            if self._next_slot.get(host) == slot + self.interval(host):
                self._next_slot[host] = slot


@dataclass
class Response:
    """A successful (2xx) response, fully read."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""

    def text(self) -> str:
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    # urllib's own handler also follows redirects to ftp://.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirect to a non-HTTP URL: {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _LoopbackDirect(urllib.request.ProxyHandler):
    # A proxy cannot reach this machine's loopback: a local mirror or test server is asked directly.
    def proxy_open(self, req, proxy, type):  # noqa: A002, ANN001
        if (urllib.parse.urlsplit(req.full_url).hostname or "") in ("127.0.0.1", "localhost", "::1"):
            return None
        return super().proxy_open(req, proxy, type)


def _opener() -> urllib.request.OpenerDirector:
    # Built by hand so that no file:, ftp: or data: handler exists at all.
    opener = urllib.request.OpenerDirector()
    for handler in (
        _LoopbackDirect(), urllib.request.UnknownHandler(), urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(), _HttpOnlyRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def check_url(url: str) -> urllib.parse.SplitResult:
    """The parsed URL; ValueError unless it is an absolute http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"Only http(s) URLs can be fetched, not {url!r}")
    return parts


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


class HttpClient:
    """GET with the app's User-Agent, timeouts, retries on 429/5xx and network errors, pacing.

    One client is meant to be shared by the API clients of one run, so pacing covers them all."""

    def __init__(
        self,
        *,
        contact: str | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 2.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 300.0,
        max_bytes: int = MAX_BYTES,
        rate_limiter: RateLimiter | None = None,
        clock: Clock | None = None,
        cancel: threading.Event | None = None,
        unreachable_waits: tuple[float, ...] = UNREACHABLE_WAITS,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ) -> None:
        self.user_agent = user_agent(contact)
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.clock = clock or (rate_limiter.clock if rate_limiter else SystemClock())
        self.rate_limiter = rate_limiter or RateLimiter(clock=self.clock)
        self.cancel = cancel or threading.Event()
        self.unreachable_waits = unreachable_waits
        self.on_retry = on_retry
        # Hosts this client gave up reaching, with the reason: later requests to them fail at
        # once, so `add` with five ids offline takes seconds, not five times as long.
        self._unreachable: dict[str, str] = {}
        self._opener = _opener()

    def get(
        self, url: str, params: Mapping[str, str] | None = None, *, accept: str | None = None
    ) -> Response:
        """The response to GET `url`?`params`; FetchError (or a subclass) when it cannot be had."""
        if params:
            url = f"{url}{'&' if urllib.parse.urlsplit(url).query else '?'}{urllib.parse.urlencode(params)}"
        host = check_url(url).hostname or ""
        if host in self._unreachable:
            raise FetchError(self._unreachable[host], url)
        attempts = self.retries + 1
        unreachable = 0  # attempts that found no way to the host
        for attempt in range(attempts):
            self._check_cancel()
            slot = self.rate_limiter.wait(host, self.cancel)
            self._check_cancel()
            try:
                return self._attempt(url, accept)
            except _Retryable as problem:
                if problem.unreachable:
                    self.rate_limiter.release(host, slot)
                    unreachable += 1
                    most = min(attempts, len(self.unreachable_waits) + 1)
                    if unreachable >= most or attempt + 1 >= attempts:
                        message = (f"{host} cannot be reached ({problem.reason};"
                                   f" gave up after {attempt + 1} attempts)")
                        self._unreachable[host] = message
                        raise FetchError(message, url) from None
                    wait = self.unreachable_waits[unreachable - 1]
                    self._tell(host, f"{host} cannot be reached ({problem.reason})", wait, attempt, most)
                else:
                    wait = self._wait_before_retry(host, problem, attempt, url)
                    self._tell(host, f"{host}: {problem.reason}", wait, attempt, attempts)
                if self.clock.sleep(wait, self.cancel):
                    raise Cancelled("Cancelled.", url) from None
        raise AssertionError("unreachable")

    def _wait_before_retry(self, host: str, problem: _Retryable, attempt: int, url: str) -> float:
        """Seconds to wait after a failed attempt: the server's Retry-After, else a doubling
        backoff; FetchError when this was the last attempt or the server asks for too long."""
        if attempt >= self.retries:  # that was the last attempt
            raise FetchError(
                f"{host}: {problem.reason} (gave up after {attempt + 1} attempts)", url, problem.status
            ) from None
        wait = problem.retry_after
        if wait is None:
            return min(self.max_backoff, self.backoff * 2**attempt)
        if wait > self.max_retry_after:
            # Hours of waiting in a desktop app is worse than failing with a clear message.
            raise FetchError(
                f"{host}: {problem.reason}; the server asks to wait {wait:.0f} s, try again later",
                url, problem.status,
            ) from None
        return wait

    def _tell(self, host: str, problem: str, wait: float, attempt: int, attempts: int) -> None:
        if self.on_retry is not None:
            self.on_retry(RetryNotice(host, problem, wait, attempt + 2, attempts))

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("Cancelled.")

    def _attempt(self, url: str, accept: str | None) -> Response:
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "identity"}
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, headers=headers, method="GET")
        try:
            with self._opener.open(request, timeout=self.timeout) as raw:
                response_headers = {name.lower(): value for name, value in raw.headers.items()}
                body = self._read_capped(raw, url, response_headers)
                return Response(raw.geturl(), raw.status, response_headers, body)
        except urllib.error.HTTPError as error:
            error.close()
            if error.code in RETRY_STATUSES:
                after = retry_after_seconds(error.headers.get("Retry-After") if error.headers else None,
                                            self.clock.time())
                raise _Retryable(f"HTTP {error.code} {error.reason}", error.code, after) from None
            raise HttpStatusError(
                f"{urllib.parse.urlsplit(url).hostname}: HTTP {error.code} {error.reason}", url, error.code
            ) from None
        except (FetchError, ValueError):
            raise
        except (TimeoutError, socket.timeout):
            raise _Retryable(f"no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as error:
            # urllib wraps what fails before the request is sent: connecting, looking up the name.
            raise _Retryable(_unreachable_reason(error.reason, self.timeout), unreachable=True) from None
        except http.client.IncompleteRead:
            raise _Retryable("the response was cut off") from None
        except (http.client.HTTPException, ConnectionError, OSError) as error:
            raise _Retryable(f"connection failed ({error.__class__.__name__}: {error})") from None

    def _read_capped(self, raw, url: str, headers: dict[str, str]) -> bytes:  # noqa: ANN001
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ResponseTooLarge(self._too_large(url), url)
        chunks, size = [], 0
        while True:
            if self.cancel.is_set():
                raise Cancelled("Cancelled.", url)
            chunk = raw.read(CHUNK)
            if not chunk:
                # read(n) reports a cut-off body as a short one; only the declared length tells.
                if declared.isdigit() and size < int(declared):
                    raise http.client.IncompleteRead(b"", int(declared) - size)
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise ResponseTooLarge(self._too_large(url), url)
            chunks.append(chunk)

    def _too_large(self, url: str) -> str:
        return f"{urllib.parse.urlsplit(url).hostname}: response larger than {self.max_bytes // 1024} KB"


class _Retryable(Exception):
    def __init__(
        self, reason: str, status: int | None = None, retry_after: float | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.unreachable = unreachable  # no connection was made at all


def _unreachable_reason(reason: object, timeout: float) -> str:
    """Why no connection was made, in words (urllib's reason is an OSError or a string)."""
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no connection within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "name not found: no network, or no such host"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[:1].lower() + reason.strerror[1:]
    return str(reason)
