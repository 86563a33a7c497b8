"""Fixtures for the enrichment tests: a scripted local server, a fake clock, a client on both."""

from __future__ import annotations

import pytest
from enrich_server import FakeClock, ScriptedServer

from reader.enrich.http import HttpClient, RateLimiter


@pytest.fixture
def server():
    scripted = ScriptedServer().start()
    yield scripted
    scripted.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock) -> HttpClient:
    """A client that retries twice, never really waits, and gives up on silence after 0.3 s."""
    return HttpClient(contact="reader@example.org", timeout=0.3, retries=2,
                      rate_limiter=RateLimiter(clock=clock), clock=clock)
