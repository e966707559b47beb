"""wait: poll the channel until every created template has Meta's verdict, or time runs out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wa_templates.apply.wait import wait_for_review
from wa_templates.channel.remote import ChannelTemplate, parse_list
from wa_templates.cli.commands.apply import parse_duration
from wa_templates.errors import UsageError
from wa_templates.provider.errors import AuthError, TransportError


class Reviewing:
    """A channel whose statuses move on, one snapshot per list call (the last one stays)."""

    description = "reviewing"

    def __init__(self, *snapshots: dict[tuple[str, str], dict[str, Any]]) -> None:
        self.snapshots = list(snapshots)
        self.lists = 0

    def list_templates(self) -> list[ChannelTemplate]:
        snapshot = self.snapshots[min(self.lists, len(self.snapshots) - 1)]
        self.lists += 1
        return parse_list(
            {"templateName": n, "language": lang, **extra} for (n, lang), extra in snapshot.items()
        )

    def create_template(self, payload: dict[str, Any]) -> None:
        raise AssertionError("wait never creates")

    def delete_template(self, name: str) -> None:
        raise AssertionError("wait never deletes")

    def upload_file(self, path: Path) -> str:
        raise AssertionError("wait never uploads")

    def close(self) -> None:
        pass


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


A, B, C = ("a", "en_US"), ("b", "en_US"), ("c", "es")
PENDING = {"status": "PENDING"}


def test_polls_until_nothing_is_pending() -> None:
    channel = Reviewing(
        {A: PENDING, B: PENDING, C: PENDING},
        {A: {"status": "APPROVED"}, B: PENDING, C: PENDING},
        {
            A: {"status": "APPROVED"},
            B: {"status": "REJECTED", "reason": "INVALID_FORMAT"},
            C: {"status": "APPROVED"},
        },
    )
    time = FakeTime()
    verdicts = wait_for_review(channel, [A, B, C], 600, 10, time.sleep, time.clock)
    assert channel.lists == 3 and time.slept == [10, 10]
    assert verdicts.approved == ["template.a[en_US]", "template.c[es]"]
    assert verdicts.rejected == [("template.b[en_US]", "INVALID_FORMAT")]
    assert verdicts.pending == [] and verdicts.other == []


def test_timeout_leaves_the_rest_pending() -> None:
    channel = Reviewing({A: PENDING, B: {"status": "APPROVED"}})
    time = FakeTime()
    verdicts = wait_for_review(channel, [A, B], 25, 10, time.sleep, time.clock)
    assert time.slept == [10, 10, 5] and time.now == 25
    assert verdicts.pending == ["template.a[en_US]"]
    assert verdicts.approved == ["template.b[en_US]"]


def test_a_template_gone_from_the_channel_is_reported_as_missing() -> None:
    channel = Reviewing({B: {"status": "PAUSED"}})
    time = FakeTime()
    verdicts = wait_for_review(channel, [A, B], 60, 10, time.sleep, time.clock)
    assert verdicts.other == [("template.a[en_US]", "MISSING"), ("template.b[en_US]", "PAUSED")]
    assert time.slept == []


def test_rejection_without_a_reason() -> None:
    channel = Reviewing({A: {"status": "REJECTED"}})
    verdicts = wait_for_review(channel, [A], 60, 10, FakeTime().sleep, FakeTime().clock)
    assert verdicts.rejected == [("template.a[en_US]", "reason not reported")]


class Flaky(Reviewing):
    """Fails its first lists the way the client gives up after its retries."""

    def __init__(self, failures: int, *snapshots: dict[tuple[str, str], dict[str, Any]]) -> None:
        super().__init__(*snapshots)
        self.failures = failures

    def list_templates(self) -> list[ChannelTemplate]:
        if self.failures:
            self.failures -= 1
            raise TransportError("ReadTimeout", summary="no answer")
        return super().list_templates()


def test_a_failed_poll_is_retried_at_the_next_interval() -> None:
    channel = Flaky(2, {A: {"status": "APPROVED"}})
    time = FakeTime()
    verdicts = wait_for_review(channel, [A], 600, 10, time.sleep, time.clock)
    assert verdicts.approved == ["template.a[en_US]"] and time.slept == [10, 10]


def test_polls_that_keep_failing_end_with_the_error_at_the_timeout() -> None:
    channel = Flaky(100, {A: PENDING})
    time = FakeTime()
    with pytest.raises(TransportError):
        wait_for_review(channel, [A], 30, 10, time.sleep, time.clock)
    assert time.now == 30


def test_a_refused_key_is_not_retried() -> None:
    class Refused(Reviewing):
        def list_templates(self) -> list[ChannelTemplate]:
            raise AuthError(401, 1200, "bad key", None)

    with pytest.raises(AuthError):
        wait_for_review(Refused(), [A], 600, 10, FakeTime().sleep, FakeTime().clock)


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("90", 90), ("90s", 90), ("2h", 7200), (" 1.5m ", 90)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "10d", "1h30m"])
def test_bad_durations_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--timeout"):
        parse_duration(text)
