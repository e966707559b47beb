"""The sender's failure modes, which a live receiver cannot easily produce, and the delivery
worker keeping going when the state file breaks under it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from wa_templates.sandbox.outbox import Sender, Target
from wa_templates.sandbox.records import OAuth
from wa_templates.sandbox.state import Store
from wa_templates.sandbox.worker import DeliveryWorker

EVENT = {"eventId": "e1", "eventType": "template_status_update"}
OAUTH = OAuth(
    url="https://auth.example/token",
    client_id="wa",
    client_secret="client-secret",
    credentials_location="header",
)


def sender(handler: Callable[[httpx.Request], httpx.Response], now: list[float]) -> Sender:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return Sender(client, clock=lambda: now[0])


def test_a_timeout_and_a_refused_connection_are_failed_attempts() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    target = Target("https://hook.example/x", "Bearer s", None)
    assert sender(timeout, [0.0]).send(EVENT, target) == "timeout"
    assert sender(refused, [0.0]).send(EVENT, target) == "connection error (ConnectError)"


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(401), "token endpoint: HTTP 401"),
        (httpx.Response(200, json={"token_type": "bearer"}), "no access_token"),
        (httpx.Response(200, text="not json"), "no access_token"),
        (httpx.Response(200, json={"access_token": ""}), "no access_token"),
        (httpx.Response(200, json=["access_token"]), "no access_token"),
    ],
)
def test_a_token_endpoint_without_a_token_fails_the_attempt(
    answer: httpx.Response, error: str
) -> None:
    posted: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(str(request.url))
        return answer if request.url.host == "auth.example" else httpx.Response(200)

    result = sender(handler, [0.0]).send(EVENT, Target("https://hook.example/x", None, OAUTH))
    assert result is not None and error in result
    assert "client-secret" not in result
    assert posted == ["https://auth.example/token"]  # the event itself was not sent


def test_a_token_endpoint_out_of_reach_fails_the_attempt() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    result = sender(handler, [0.0]).send(EVENT, Target("https://hook.example/x", None, OAUTH))
    assert result == "token endpoint: connection error (ConnectError)"


def test_a_token_is_reused_until_shortly_before_it_expires() -> None:
    tokens: list[str] = []
    now = [0.0]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "auth.example":
            tokens.append(f"t{len(tokens)}")
            return httpx.Response(200, json={"access_token": tokens[-1], "expires_in": 100})
        assert request.headers["Authorization"] == f"Bearer {tokens[-1]}"
        return httpx.Response(204)

    send = sender(handler, now).send
    target = Target("https://hook.example/x", None, OAUTH)
    assert send(EVENT, target) is None
    now[0] = 69.0
    assert send(EVENT, target) is None and tokens == ["t0"]
    now[0] = 71.0  # within 30 s of expiry: a new one
    assert send(EVENT, target) is None and tokens == ["t0", "t1"]


def test_the_worker_reports_a_broken_state_file_and_keeps_going(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "s.json"
    state.write_text("not a state")
    worker = DeliveryWorker(Store(state), poll=0.01)
    worker.start()
    try:
        deadline = time.monotonic() + 15
        while "webhook delivery paused" not in caplog.text:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        state.unlink()  # deleting the file starts afresh
        worker.notify()
        assert worker.deliver().pending == 0
    finally:
        worker.stop()
    assert any(r.levelno == logging.WARNING for r in caplog.records)
