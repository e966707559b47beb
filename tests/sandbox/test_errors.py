"""8x8's error bodies and timestamp format."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wa_templates.sandbox.errors import timestamp


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2020, 12, 22, 5, 52, 1, 850000, tzinfo=UTC), "2020-12-22T05:52:01.85Z"),
        (datetime(2025, 6, 1, 12, 0, tzinfo=UTC), "2025-06-01T12:00:00.00Z"),
        (datetime(2025, 6, 1, 23, 59, 59, 999999, tzinfo=UTC), "2025-06-01T23:59:59.99Z"),
        (datetime(2025, 6, 1, 0, 0, 0, 9999, tzinfo=UTC), "2025-06-01T00:00:00.00Z"),
        (datetime(987, 1, 2, 3, 4, 5, 60000, tzinfo=UTC), "0987-01-02T03:04:05.06Z"),
    ],
)
def test_timestamp_is_8x8s_format_with_two_fraction_digits(moment: datetime, text: str) -> None:
    assert timestamp(moment) == text
