"""8x8's Webhook Configuration API on the sandbox: list, create or replace, delete, with 8x8's
validation and error bodies (webhooks-api.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import error_code
from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID
from wa_templates.sandbox.state import Store

WEBHOOKS = f"/api/v1/accounts/{SANDBOX_ACCOUNT_ID}/webhooks"
SECRET = "Bearer webhook-secret-9QQhlsEb8VY"


def hooks(client: httpx.Client, account: str = SANDBOX_ACCOUNT_ID) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/accounts/{account}/webhooks")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_an_account_starts_without_webhooks(client: httpx.Client) -> None:
    assert hooks(client) == []


def test_post_adds_and_get_masks_the_credentials(client: httpx.Client) -> None:
    response = client.post(
        WEBHOOKS,
        json=[
            {
                "subAccountId": "*",
                "type": "CABM",
                "url": "https://h.example/8x8",
                "enabled": True,
                "httpAuthorization": SECRET,
            },
            {
                "subAccountId": "Onion_Marketing",
                "url": "http://h.example/dr",
                "oauth": {
                    "url": "https://auth.example/token",
                    "clientId": "id",
                    "clientSecret": "shh",
                    "credentialsLocation": "body",
                    "scope": "read write",
                },
            },
        ],
    )
    assert (response.status_code, response.content) == (200, b"")
    listed = hooks(client)
    assert listed[0] == {
        "type": "CABM",
        "subAccountId": "*",
        "url": "https://h.example/8x8",
        "enabled": True,
        "httpAuthorization": "***",
    }
    # Without a type, CADR and MSG are set, as 8x8 documents.
    assert [(h["type"], h["subAccountId"]) for h in listed[1:]] == [
        ("CADR", "Onion_Marketing"),
        ("MSG", "Onion_Marketing"),
    ]
    assert listed[1]["oauth"] == {
        "url": "https://auth.example/token",
        "clientId": "id",
        "clientSecret": "***",
        "credentialsLocation": "body",
        "scope": "read write",
    }
    assert "httpAuthorization" not in listed[1]
    assert SECRET not in client.get(WEBHOOKS).text and "shh" not in client.get(WEBHOOKS).text


def test_post_replaces_by_subaccount_and_type_in_place(
    client: httpx.Client, state_path: Path
) -> None:
    first = {
        "subAccountId": "*",
        "type": "CABM",
        "url": "https://a.example/1",
        "httpAuthorization": SECRET,
    }
    client.post(WEBHOOKS, json=[first, {"subAccountId": "*", "type": "MSG", "url": "https://m"}])
    client.post(
        WEBHOOKS,
        json=[
            {"subAccountId": "*", "type": "CABM", "url": "https://a.example/2", "enabled": False}
        ],
    )
    listed = hooks(client)
    assert listed == [
        {"type": "CABM", "subAccountId": "*", "url": "https://a.example/2", "enabled": False},
        {"type": "MSG", "subAccountId": "*", "url": "https://m", "enabled": True},
    ]
    # Replaced means replaced: the credential left out is gone, not kept.
    [stored, _] = Store(state_path).read().webhooks[SANDBOX_ACCOUNT_ID.replace("-", "")]
    assert stored.http_authorization is None


def test_delete_removes_what_it_names_and_nothing_else(client: httpx.Client) -> None:
    client.post(
        WEBHOOKS,
        json=[
            {"subAccountId": "*", "url": "https://all"},
            {"subAccountId": "*", "type": "CABM", "url": "https://bm"},
            {"subAccountId": "sales", "type": "CABM", "url": "https://sales"},
        ],
    )
    response = client.request("DELETE", WEBHOOKS, json=[{"subAccountId": "*"}])
    assert (response.status_code, response.content) == (200, b"")
    # Without a type only CADR and MSG go; '*' names the account-wide webhook, no wildcard.
    assert [(h["type"], h["subAccountId"]) for h in hooks(client)] == [
        ("CABM", "*"),
        ("CABM", "sales"),
    ]
    gone = [{"subAccountId": "*", "type": "CABM"}, {"subAccountId": "nobody", "type": "MSG"}]
    assert client.request("DELETE", WEBHOOKS, json=gone).status_code == 200
    assert [h["subAccountId"] for h in hooks(client)] == ["sales"]


def test_an_account_is_the_same_with_or_without_hyphens(client: httpx.Client) -> None:
    client.post(WEBHOOKS, json=[{"subAccountId": "*", "type": "CABM", "url": "https://x"}])
    plain = SANDBOX_ACCOUNT_ID.replace("-", "").upper()
    assert hooks(client, plain) == hooks(client)
    assert len(hooks(client)) == 1


def test_accounts_are_separate(client: httpx.Client) -> None:
    other = "0f88f5c4fae74dcf8ff2b2990133edea"
    client.post(
        f"/api/v1/accounts/{other}/webhooks", json=[{"subAccountId": "*", "url": "https://x"}]
    )
    assert hooks(client) == [] and len(hooks(client, other)) == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"subAccountId": "*", "url": "https://x"}, (400, 1000)),
        ([], (400, 1000)),
        (["x"], (400, 1000)),
        ([{"url": "https://x"}], (400, 1000)),
        ([{"subAccountId": "a b", "url": "https://x"}], (400, 1001)),
        ([{"subAccountId": 5, "url": "https://x"}], (400, 1001)),
        ([{"subAccountId": "*"}], (400, 1000)),
        ([{"subAccountId": "*", "url": "ftp://x"}], (400, 1000)),
        ([{"subAccountId": "*", "url": "/relative"}], (400, 1000)),
        ([{"subAccountId": "*", "url": "https://x:99999/"}], (400, 1000)),
        ([{"subAccountId": "*", "url": "https://x/a b"}], (400, 1000)),
        ([{"subAccountId": "*", "url": "https://x", "type": "SMS"}], (400, 1000)),
        ([{"subAccountId": "*", "url": "https://x", "enabled": "yes"}], (400, 1000)),
        ([{"subAccountId": "*", "url": "https://x", "httpAuthorization": 5}], (400, 1000)),
        ([{"subAccountId": "*", "url": "https://x", "secret": "s"}], (400, 1000)),
        ([{"subAccountId": "*", "url": "https://x", "type": "CABM"}] * 2, (400, 1000)),
        (
            [
                {
                    "subAccountId": "*",
                    "url": "https://x",
                    "httpAuthorization": "Basic a",
                    "oauth": {
                        "url": "https://t",
                        "clientId": "i",
                        "clientSecret": "s",
                        "credentialsLocation": "header",
                    },
                }
            ],
            (400, 1000),
        ),
        (
            [
                {
                    "subAccountId": "*",
                    "url": "https://x",
                    "oauth": {
                        "url": "https://t",
                        "clientId": "i",
                        "clientSecret": "s",
                        "credentialsLocation": "query",
                    },
                }
            ],
            (400, 1000),
        ),
        (
            [
                {
                    "subAccountId": "*",
                    "url": "https://x",
                    "oauth": {"url": "https://t", "clientId": "i", "credentialsLocation": "body"},
                }
            ],
            (400, 1000),
        ),
        ([{"subAccountId": "*", "url": "https://x", "oauth": "token"}], (400, 1000)),
    ],
)
def test_post_refuses_bad_input_and_changes_nothing(
    client: httpx.Client, body: Any, expected: tuple[int, int]
) -> None:
    client.post(WEBHOOKS, json=[{"subAccountId": "*", "type": "CABM", "url": "https://keep"}])
    before = hooks(client)
    assert error_code(client.post(WEBHOOKS, json=body)) == expected
    assert hooks(client) == before


@pytest.mark.parametrize(
    "body",
    [
        {"subAccountId": "*"},
        [],
        [{"type": "MSG"}],
        [{"subAccountId": "*", "type": "X"}],
        [{"subAccountId": "*", "url": "https://x"}],
    ],
)
def test_delete_refuses_bad_input(client: httpx.Client, body: Any) -> None:
    code = error_code(client.request("DELETE", WEBHOOKS, json=body))
    assert code in ((400, 1000), (400, 1001))


def test_the_api_needs_the_key_and_a_well_formed_account(client: httpx.Client) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = client.request(method, WEBHOOKS, headers={"Authorization": "Bearer no"})
        assert error_code(response) == (401, 1200)
    assert error_code(client.get("/api/v1/accounts/not-an-account/webhooks")) == (400, 1000)
    assert error_code(client.put(WEBHOOKS, json=[])) == (405, 1000)
    assert error_code(client.post(WEBHOOKS, content=b"{")) == (400, 1000)


def test_faults_apply_to_the_webhook_api_too(client: httpx.Client) -> None:
    client.put("/_sandbox/faults", json={"error_rate": 1, "error_status": 503})
    assert error_code(client.get(WEBHOOKS)) == (503, 2000)
    client.put("/_sandbox/faults", json={})
    assert hooks(client) == []


def test_reset_removes_webhooks(client: httpx.Client) -> None:
    client.post(WEBHOOKS, json=[{"subAccountId": "*", "type": "CABM", "url": "https://x"}])
    client.post("/_sandbox/reset")
    assert hooks(client) == []
