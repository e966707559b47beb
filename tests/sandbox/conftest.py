"""Fixtures for the sandbox: an in-process client on a fresh state file, and payload helpers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

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
