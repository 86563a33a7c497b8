"""The HTTP client against a real local server: retries, Retry-After, pacing, timeouts, caps, cancel."""

from __future__ import annotations

import email.utils
import socket
import threading
import time

import pytest
from enrich_server import FakeClock, Reply

import reader
from reader.enrich.http import (
    Cancelled,
    FetchError,
    HttpClient,
    HttpStatusError,
    RateLimiter,
    ResponseTooLarge,
    RetryNotice,
    SystemClock,
    retry_after_seconds,
    user_agent,
)


def test_user_agent_names_the_app_its_version_and_the_contact(server, client):
    server.script = [Reply(200, b"ok")]
    response = client.get(server.url + "/x", {"q": "a b"}, accept="text/plain")
    assert response.body == b"ok" and response.status == 200
    seen = server.requests[0]
    assert seen.headers["user-agent"].startswith(f"DigestReader/{reader.__version__} (")
    assert "mailto:reader@example.org" in seen.headers["user-agent"]
    assert seen.headers["accept"] == "text/plain"
    assert seen.query == {"q": ["a b"]}
    assert "mailto" not in user_agent(None)


def test_503_with_retry_after_seconds_waits_that_long_then_succeeds(server, client, clock):
    server.script = [Reply(503, b"busy", {"Retry-After": "7"}), Reply(200, b"fine")]
    assert client.get(server.url + "/q").body == b"fine"
    assert len(server.requests) == 2
    assert clock.sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(server, client, clock):
    when = email.utils.formatdate(clock.time() + 12, usegmt=True)
    server.script = [Reply(503, b"", {"Retry-After": when}), Reply(200, b"fine")]
    assert client.get(server.url + "/q").body == b"fine"
    assert clock.sleeps == [pytest.approx(12.0, abs=1.0)]


def test_429_and_5xx_without_retry_after_back_off_exponentially(server, client, clock):
    server.script = [Reply(429), Reply(502), Reply(200, b"fine")]
    assert client.get(server.url + "/q").body == b"fine"
    assert clock.sleeps == [2.0, 4.0]


def test_a_server_that_keeps_failing_gives_one_clear_error(server, client):
    server.handler = lambda seen: Reply(504, b"gateway")
    with pytest.raises(FetchError, match=r"127\.0\.0\.1: HTTP 504 .*gave up after 3 attempts") as caught:
        client.get(server.url + "/q")
    assert caught.value.status == 504
    assert len(server.requests) == 3


def test_a_client_error_is_not_retried(server, client, clock):
    server.script = [Reply(404, b"nope")]
    with pytest.raises(HttpStatusError, match="HTTP 404") as caught:
        client.get(server.url + "/q")
    assert caught.value.status == 404
    assert len(server.requests) == 1 and clock.sleeps == []


def test_a_retry_after_of_hours_fails_at_once_instead_of_hanging(server, client, clock):
    server.script = [Reply(503, b"", {"Retry-After": "7200"})]
    with pytest.raises(FetchError, match="wait 7200 s"):
        client.get(server.url + "/q")
    assert clock.sleeps == [] and len(server.requests) == 1


def test_a_silent_server_times_out_and_the_retry_succeeds(server, client):
    server.script = [Reply(200, b"late", delay=5.0), Reply(200, b"fine")]
    started = time.monotonic()
    assert client.get(server.url + "/q").body == b"fine"
    assert time.monotonic() - started < 2.0  # 0.3 s of timeout, never the server's 5 s
    assert len(server.requests) == 2


def test_a_server_that_never_answers_fails_with_a_timeout_message(server, clock):
    client = HttpClient(timeout=0.2, retries=0, rate_limiter=RateLimiter(clock=clock), clock=clock)
    server.script = [Reply(200, b"late", delay=5.0)]
    with pytest.raises(FetchError, match=r"no answer within 0\.2 s"):
        client.get(server.url + "/q")


def test_a_truncated_response_is_retried(server, client):
    server.script = [Reply(200, b"x" * 1000, truncate_to=100), Reply(200, b"whole")]
    assert client.get(server.url + "/q").body == b"whole"
    assert len(server.requests) == 2


def test_a_response_that_is_always_truncated_fails(server, client):
    server.handler = lambda seen: Reply(200, b"x" * 1000, truncate_to=100)
    with pytest.raises(FetchError, match="cut off"):
        client.get(server.url + "/q")


@pytest.mark.parametrize("declared", [True, False])
def test_responses_over_the_size_cap_are_refused_and_not_retried(server, clock, declared):
    client = HttpClient(max_bytes=1000, rate_limiter=RateLimiter(clock=clock), clock=clock)
    server.handler = lambda seen: Reply(200, b"x" * 5000, content_length=declared)
    with pytest.raises(ResponseTooLarge):
        client.get(server.url + "/big")
    assert len(server.requests) == 1


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_server_at_all_is_retried_briefly_and_told(clock):
    told: list[RetryNotice] = []
    client = HttpClient(retries=4, rate_limiter=RateLimiter(clock=clock), clock=clock, on_retry=told.append)
    with pytest.raises(FetchError, match=r"^127\.0\.0\.1 cannot be reached \(connection refused; "
                                         r"gave up after 3 attempts\)$"):
        client.get(f"http://127.0.0.1:{closed_port()}/q")
    # Seconds in all, not the 2 + 4 + 8 + 16 s of backoff a failing server gets.
    assert clock.sleeps == [1.0, 2.0]
    assert [(n.problem, n.wait, n.attempt, n.attempts) for n in told] == [
        ("127.0.0.1 cannot be reached (connection refused)", 1.0, 2, 3),
        ("127.0.0.1 cannot be reached (connection refused)", 2.0, 3, 3),
    ]


def test_a_name_that_cannot_be_looked_up_is_unreachable_too(client, clock, monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(FetchError, match=r"export\.example\.org cannot be reached \(name not found"):
        client.get("http://export.example.org/api/query")
    assert clock.sleeps == [1.0, 2.0]


def test_a_host_given_up_on_fails_at_once_for_the_rest_of_the_run(server, client, clock):
    port = closed_port()
    with pytest.raises(FetchError) as first:
        client.get(f"http://127.0.0.1:{port}/q")
    waited = list(clock.sleeps)
    with pytest.raises(FetchError) as second:
        client.get(f"http://127.0.0.1:{port}/other")
    assert str(second.value) == str(first.value) and clock.sleeps == waited


def test_an_unreachable_host_is_tried_again_without_waiting_out_the_pacing(clock):
    # The interval spares the server; a connection that was never made cost it nothing.
    limiter = RateLimiter(intervals={"127.0.0.1": 3.0}, clock=clock)
    client = HttpClient(retries=2, rate_limiter=limiter, clock=clock)
    with pytest.raises(FetchError, match="cannot be reached"):
        client.get(f"http://127.0.0.1:{closed_port()}/q")
    assert clock.sleeps == [1.0, 2.0]


def test_retries_of_a_failing_server_are_told_with_the_servers_wait(server, clock):
    told: list[RetryNotice] = []
    client = HttpClient(retries=2, rate_limiter=RateLimiter(clock=clock), clock=clock, on_retry=told.append)
    server.script = [Reply(503, b"", {"Retry-After": "7"}), Reply(200, b"fine")]
    assert client.get(server.url + "/q").body == b"fine"
    assert [(n.problem, n.wait, n.attempt, n.attempts) for n in told] == [
        ("127.0.0.1: HTTP 503 Service Unavailable", 7.0, 2, 3)]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "data:,hi", "//host/x", "x"])
def test_only_http_urls_are_fetched(client, url):
    with pytest.raises(ValueError, match="Only http"):
        client.get(url)


def test_a_redirect_to_a_file_url_is_not_followed(server, client):
    server.script = [Reply(302, b"", {"Location": "file:///etc/passwd"})]
    with pytest.raises(HttpStatusError):
        client.get(server.url + "/q")


def test_a_redirect_to_http_is_followed(server, client):
    server.script = [Reply(302, b"", {"Location": server.url + "/there"}), Reply(200, b"here")]
    response = client.get(server.url + "/q")
    assert response.body == b"here" and response.url.endswith("/there")


def test_requests_to_one_host_keep_the_minimum_interval(server, clock):
    limiter = RateLimiter(intervals={"127.0.0.1": 3.0}, clock=clock)
    client = HttpClient(rate_limiter=limiter)
    server.handler = lambda seen: Reply(200, b"ok")
    for _ in range(3):
        client.get(server.url + "/q")
    assert clock.sleeps == [3.0, 3.0]


def test_the_interval_is_per_host_and_only_what_remains_is_waited(clock):
    limiter = RateLimiter(intervals={"slow.example": 3.0}, clock=clock)
    limiter.wait("slow.example")
    limiter.wait("fast.example")
    limiter.wait("fast.example")
    assert clock.sleeps == []
    clock.now += 1.0  # a request took a second
    limiter.wait("SLOW.example")
    assert clock.sleeps == [2.0]


def test_cancel_before_a_request_sends_nothing(server, client):
    client.cancel.set()
    with pytest.raises(Cancelled):
        client.get(server.url + "/q")
    assert server.requests == []


def test_cancel_during_a_retry_wait_stops_retrying(server, client, clock):
    server.handler = lambda seen: Reply(503, b"", {"Retry-After": "30"})
    clock.on_sleep = lambda seconds: client.cancel.set()
    with pytest.raises(Cancelled):
        client.get(server.url + "/q")
    assert len(server.requests) == 1


def test_cancel_during_pacing_stops_waiting(clock):
    limiter = RateLimiter(intervals={"h": 3.0}, clock=clock)
    cancel = threading.Event()
    limiter.wait("h", cancel)
    clock.on_sleep = lambda seconds: cancel.set()
    with pytest.raises(Cancelled):
        limiter.wait("h", cancel)


def test_with_the_real_clock_a_cancel_ends_a_long_wait_at_once(server):
    client = HttpClient(timeout=2, clock=SystemClock())
    server.handler = lambda seen: Reply(503, b"", {"Retry-After": "60"})
    timer = threading.Timer(0.1, client.cancel.set)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(Cancelled):
            client.get(server.url + "/q")
    finally:
        timer.cancel()
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: retry now
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_values(value, expected):
    now = email.utils.parsedate_to_datetime("Wed, 21 Oct 2015 07:27:30 GMT").timestamp()
    assert retry_after_seconds(value, now) == expected


def test_fake_clock_is_what_the_client_uses():
    clock = FakeClock()
    client = HttpClient(clock=clock)
    assert client.rate_limiter.clock is clock
