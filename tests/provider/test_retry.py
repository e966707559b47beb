from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wa_templates.provider.retry import RetryPolicy, parse_retry_after, retryable_status

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "retry"),
    [(429, True), (500, True), (503, True), (400, False), (401, False), (404, False), (409, False)],
)
def test_only_rate_limits_and_server_errors_are_retryable(status: int, retry: bool) -> None:
    assert retryable_status(status) is retry


def test_backoff_doubles_up_to_the_cap_with_full_jitter() -> None:
    top = RetryPolicy(base_delay=0.5, max_delay=3, jitter=lambda: 1.0)
    assert [top.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    bottom = RetryPolicy(base_delay=0.5, max_delay=3, jitter=lambda: 0.0)
    assert [bottom.backoff(n) for n in range(1, 6)] == [0.0] * 5


def test_real_jitter_stays_within_its_window() -> None:
    policy = RetryPolicy(base_delay=1, max_delay=8)
    for retry in range(1, 10):
        ceiling = min(8, 2 ** (retry - 1))
        waits = [policy.backoff(retry) for _ in range(200)]
        assert all(0 <= wait <= ceiling for wait in waits)
        assert max(waits) > ceiling / 2  # jittered, not pinned at zero


def test_retry_after_wins_over_backoff_unless_too_long() -> None:
    policy = RetryPolicy(max_retry_after=60, jitter=lambda: 0.5)
    assert policy.wait(1, 12.0) == 12.0
    assert policy.wait(1, 60.0) == 60.0
    assert policy.wait(1, 61.0) is None
    assert policy.wait(2) == 0.5


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"base_delay": -1}, {"max_delay": -1}])
def test_nonsense_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 01 May 2024 12:00:30 GMT", 30.0),
        ("Wed, 01 May 2024 11:59:00 GMT", 0.0),
        ("Wed, 01 May 2024 12:01:00 -0000", 60.0),
        (None, None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("", None),
    ],
)
def test_retry_after_seconds_and_http_dates(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds
