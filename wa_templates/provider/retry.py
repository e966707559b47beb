"""When to try a request again, and how long to wait first.

Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
the wait before retry n is uniform in [0, min(cap, base * 2**(n-1))], so that many clients failing
together do not come back together. A server's Retry-After wins over the backoff, unless it asks
for longer than we are willing to block a terminal or CI job, in which case we stop and say so.
Small enough that a library (tenacity) would add more surface than it saves, and the create path
needs to interleave its own steps (list before resending) between attempts anyway.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_AFTER_STATUSES = frozenset({429, 503})
"""Statuses whose Retry-After header is honoured (RFC 9110, section 10.2.3)."""


def retryable_status(status: int) -> bool:
    """Rate limited, or the server failed: worth another try. Other 4xx will fail again."""
    return status == 429 or status >= 500


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    """Attempts in all, the first included: a request is sent at most this many times."""
    base_delay: float = 0.5
    """Seconds; the ceiling of the first wait, doubling with each retry."""
    max_delay: float = 20.0
    """Seconds; no backoff wait is longer than this."""
    max_retry_after: float = 120.0
    """Seconds; a Retry-After above this is not waited for: the request fails with the hint."""
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    """Uniform in [0, 1); replaceable so tests can pin the jitter."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if min(self.base_delay, self.max_delay, self.max_retry_after) < 0:
            raise ValueError("delays cannot be negative")

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (1 for the second attempt)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** max(retry - 1, 0))
        return ceiling * self.jitter()

    def wait(self, retry: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry `retry`, or None when the server asks for too long."""
        if retry_after is None:
            return self.backoff(retry)
        if retry_after > self.max_retry_after:
            return None
        return retry_after


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delay-seconds or an HTTP-date; None if absent or bad."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        # RFC 9110 HTTP-dates are always GMT; parsedate_to_datetime leaves "-0000" naive.
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(seconds, 0.0)
