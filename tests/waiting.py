"""Waiting in a test for what a page does in a thread of its own."""

from __future__ import annotations

import time

import pytest

#: How long a test waits for something the page does in a thread of its own (seconds).
TIMEOUT = 10.0


def wait_until(condition, what: str, timeout: float = TIMEOUT) -> None:
    """Poll ``condition()`` until it holds; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.02)
