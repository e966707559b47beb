"""Fixtures for the sandbox: an in-process client on a fresh state file, and payload helpers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sandbox.receiver import Receiver
from wa_templates.sandbox.embedded import (
    SANDBOX_ACCOUNT_ID,
    SANDBOX_API_KEY,
    SANDBOX_BASE_URL,
    SANDBOX_CHANNEL_ID,
    open_transport,
)

TEMPLATES = f"/api/v1/accounts/{SANDBOX_ACCOUNT_ID}/channels/{SANDBOX_CHANNEL_ID}/templates"
ADMIN_TEMPLATES = f"/_sandbox/accounts/{SANDBOX_ACCOUNT_ID}/channels/{SANDBOX_CHANNEL_ID}/templates"
AUTH = {"Authorization": f"Bearer {SANDBOX_API_KEY}"}
CLEAN_BODY = "Hello {{1}}, your order has shipped and will arrive on Tuesday."


def payload(
    name: str = "order_shipped",
    *,
    language: str = "en_US",
    category: str = "UTILITY",
    text: str = CLEAN_BODY,
    examples: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "BODY", "text": text}
    if "{{1}}" in text:
        body["examples"] = examples or ["Ana"]
    return {"name": name, "language": language, "category": category, "components": [body], **extra}


def client_for(state_path: Path, rng: random.Random | None = None) -> httpx.Client:
    transport = open_transport(state_path, rng=rng or random.Random(7))
    return httpx.Client(transport=transport, base_url=SANDBOX_BASE_URL, headers=AUTH)


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / ".wa-templates" / "sandbox.json"


@pytest.fixture
def client(state_path: Path) -> Iterator[httpx.Client]:
    with client_for(state_path) as c:
        yield c


def create(client: httpx.Client, **kwargs: Any) -> httpx.Response:
    return client.post(TEMPLATES, json=payload(**kwargs))


def listed(client: httpx.Client) -> dict[tuple[str, str], dict[str, Any]]:
    response = client.get(TEMPLATES)
    assert response.status_code == 200, response.text
    return {(t["templateName"], t["language"]): t for t in response.json()["templates"]}


def item(
    client: httpx.Client, name: str = "order_shipped", language: str = "en_US"
) -> dict[str, Any]:
    return listed(client)[(name, language)]


def error_code(response: httpx.Response) -> tuple[int, int]:
    body = response.json()
    assert set(body) == {"code", "message", "errorId", "timestamp"}, body
    return response.status_code, body["code"]


def admin_item(
    client: httpx.Client, name: str = "order_shipped", language: str = "en_US"
) -> dict[str, Any]:
    """The admin API's view of a template: its list item plus what 8x8's list never shows
    (reason, otherInfo, disableInfo, qualityScore, templateId)."""
    response = client.get(f"{ADMIN_TEMPLATES}/{name}/{language}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def older_data(client: httpx.Client) -> None:
    """List reason, otherInfo and disableInfo as the sandbox did before webhooks (a switch for
    tests of older data only: 8x8's list never shows them)."""
    response = client.patch("/_sandbox/config", json={"list_extras": True})
    assert response.status_code == 200, response.text


# --- webhooks ------------------------------------------------------------------------------------

WEBHOOKS = f"/api/v1/accounts/{SANDBOX_ACCOUNT_ID}/webhooks"
WEBHOOK_SECRET = "Bearer 9QQhlsEb8VY-webhook-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.stop()


def register(client: httpx.Client, url: str, **fields: Any) -> None:
    """A CABM webhook for every subaccount, sending WEBHOOK_SECRET unless `fields` say else."""
    hook = {"subAccountId": "*", "type": "CABM", "url": url, "httpAuthorization": WEBHOOK_SECRET}
    response = client.post(WEBHOOKS, json=[{**hook, **fields}])
    assert response.status_code == 200, response.text


def freeze(client: httpx.Client) -> None:
    """Stop the sandbox clock: only `advance` moves it, so retry timing is exact."""
    response = client.patch("/_sandbox/config", json={"clock_rate": 0})
    assert response.status_code == 200, response.text


def advance(client: httpx.Client, seconds: float) -> str:
    response = client.post("/_sandbox/clock", json={"advance_seconds": seconds})
    assert response.status_code == 200, response.text
    now: str = response.json()["now"]
    return now


def deliveries(client: httpx.Client) -> dict[str, list[dict[str, Any]]]:
    response = client.get("/_sandbox/webhooks/deliveries")
    assert response.status_code == 200, response.text
    found: dict[str, list[dict[str, Any]]] = response.json()
    return found
