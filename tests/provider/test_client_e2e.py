"""The client against `sandbox serve` over real HTTP: real sockets, real dropped connections."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from wa_templates.provider.base import Deleted
from wa_templates.provider.client import Client
from wa_templates.provider.errors import (
    AuthError,
    NameLockedError,
    RateLimitError,
    ServerError,
    TemplateExistsError,
    TransportError,
)
from wa_templates.provider.retry import RetryPolicy
from wa_templates.sandbox.serve import start_in_thread

pytestmark = pytest.mark.e2e

KEY = "CANARY-KEY-0123456789"
ACCOUNT = "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40"
CHANNEL = "8f14e45f-ceea-4e7a-9b2d-3c1a7e6d5b90"
SUBACCOUNT = "acme_wa"


@dataclass
class Sandbox:
    url: str
    admin: httpx.Client
    sleeps: list[float]

    def client(self, **overrides: Any) -> Client:
        options: dict[str, Any] = {
            "base_url": self.url,
            "account_id": ACCOUNT,
            "channel_id": CHANNEL,
            "subaccount_id": SUBACCOUNT,
            "api_key": KEY,
            "retry": RetryPolicy(max_attempts=8, base_delay=0.001, max_delay=0.005),
            "sleep": self.sleeps.append,
            "timeout": 5.0,
        }
        options.update(overrides)
        return Client(**options)

    def faults(self, **settings: Any) -> None:
        self.admin.put("/_sandbox/faults", json=settings).raise_for_status()

    def approve(self, name: str, language: str) -> None:
        path = f"/_sandbox/accounts/{ACCOUNT}/channels/{CHANNEL}/templates/{name}/{language}"
        self.admin.patch(path, json={"status": "APPROVED"}).raise_for_status()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    # A seeded generator makes the injected faults the same on every run.
    running = start_in_thread(tmp_path / "sandbox.json", api_key=KEY, rng=random.Random(7))
    admin = httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {KEY}"})
    try:
        assert admin.get("/_sandbox/health").json() == {"status": "ok"}
        yield Sandbox(running.url, admin, [])
    finally:
        admin.close()
        running.stop()


def payload(name: str, text: str = "Your order {{1}} has shipped.") -> dict[str, Any]:
    return {
        "name": name,
        "language": "en_US",
        "category": "UTILITY",
        "components": [{"type": "BODY", "text": text, "examples": ["A-1"]}],
    }


def test_list_create_delete_upload(sandbox: Sandbox, tmp_path: Path) -> None:
    with sandbox.client() as client:
        assert client.list_templates() == []
        client.create_template(payload("order_update"))
        [listed] = client.list_templates()
        assert (listed.name, listed.language) == ("order_update", "en_US")
        client.create_template(payload("order_update"))  # the same again: already done
        with pytest.raises(TemplateExistsError, match="exists with different content"):
            client.create_template(payload("order_update", "Other text for {{1}} here."))
        assert client.delete_template("order_update") is Deleted.DELETED
        # Gone already: still success, and 8x8's 404 (3038) says so.
        assert client.delete_template("order_update") is Deleted.ALREADY_GONE
        assert client.list_templates() == []
        image = tmp_path / "banner.png"
        image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        url = client.upload_file(image)
    assert url.startswith(f"{sandbox.url}/files/")
    fetched = httpx.get(url)
    assert fetched.status_code == 200 and fetched.content == image.read_bytes()


def test_a_deleted_approved_name_is_locked(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        client.create_template(payload("promo"))
        sandbox.approve("promo", "en_US")
        client.delete_template("promo")
        with pytest.raises(NameLockedError, match="name locked after deletion: 'promo'"):
            client.create_template(payload("promo"))
        sandbox.admin.post("/_sandbox/clock", json={"advance_hours": 31 * 24}).raise_for_status()
        client.create_template(payload("promo"))


def test_dropped_connections_during_create_leave_no_duplicate(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="wa_templates")
    names = [f"order_{n}" for n in range(12)]
    sandbox.faults(drop_rate=0.4)
    with sandbox.client() as client:
        for name in names:
            client.create_template(payload(name))
        sandbox.faults()
        listed = [(t.name, t.language) for t in client.list_templates()]
    assert sorted(listed) == sorted((name, "en_US") for name in names)
    lines = [r.getMessage() for r in caplog.records if r.name == "wa_templates.provider.client"]
    requests = [line for line in lines if " -> " in line]
    dropped = [i for i, line in enumerate(requests) if line.startswith("POST") and "Error" in line]
    assert dropped, "the seeded faults dropped no create: the test proves nothing"
    # After every create whose answer was lost, the next request is a look, not a resend.
    assert all(requests[i + 1].startswith("GET") for i in dropped)


def test_server_errors_are_retried_then_reported(sandbox: Sandbox) -> None:
    sandbox.faults(error_rate=0.5, error_status=503)
    with sandbox.client() as client:
        for n in range(5):
            client.create_template(payload(f"flaky_{n}"))
        sandbox.faults(error_rate=1.0, error_status=500)
        with pytest.raises(ServerError, match=r"after 8 attempts") as caught:
            client.list_templates()
        sandbox.faults()
        assert len(client.list_templates()) == 5
    assert caught.value.code == 2000 and caught.value.error_id


def test_rate_limits_honour_retry_after(sandbox: Sandbox) -> None:
    sandbox.faults(error_rate=1.0, error_status=429)
    client = sandbox.client(retry=RetryPolicy(max_attempts=3))
    with client, pytest.raises(RateLimitError) as caught:
        client.list_templates()
    assert sandbox.sleeps == [1.0, 1.0]
    assert caught.value.retry_after == 1.0


def test_latency_beyond_the_read_timeout_is_a_transport_error(sandbox: Sandbox) -> None:
    sandbox.faults(latency_ms=400)
    timeout = httpx.Timeout(0.1, connect=2.0)
    client = sandbox.client(timeout=timeout, retry=RetryPolicy(max_attempts=2, base_delay=0))
    with client, pytest.raises(TransportError, match="ReadTimeout") as caught:
        client.list_templates()
    assert "(after 2 attempts)" in str(caught.value)


def test_nothing_listening_is_a_transport_error(sandbox: Sandbox) -> None:
    client = sandbox.client(base_url="http://127.0.0.1:9", retry=RetryPolicy(max_attempts=2))
    with client, pytest.raises(TransportError, match="ConnectError"):
        client.list_templates()


def test_the_canary_key_appears_nowhere(
    sandbox: Sandbox,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[Exception] = []
    sandbox.faults(drop_rate=0.3, error_rate=0.2, error_status=500)
    with sandbox.client() as client:
        for n in range(4):
            client.create_template(payload(f"canary_{n}"))
        (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        client.upload_file(tmp_path / "a.png")
        sandbox.faults()
        for again in (payload("canary_0"), payload("canary_0", "Different text {{1}} here.")):
            try:
                client.create_template(again)
            except Exception as exc:
                errors.append(exc)
        shown = repr(client)
    with sandbox.client(api_key="WRONG-" + KEY) as wrong:
        try:
            wrong.list_templates()
        except AuthError as exc:
            errors.append(exc)
    # The same content again is done; other content under the name is the conflict.
    assert [type(e).__name__ for e in errors] == ["TemplateConflictError", "AuthError"]
    out, err = capsys.readouterr()
    captured = [out, err, shown, caplog.text, *(r.getMessage() for r in caplog.records)]
    captured += [text for exc in errors for text in (str(exc), repr(exc))]
    assert not [text for text in captured if KEY in text]
    assert any("api/v1/accounts" in r.getMessage() for r in caplog.records)
