"""Polling for a condition that another thread makes true, with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable

TIMEOUT = 10.0


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
