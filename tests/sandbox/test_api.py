"""The template endpoints: what 8x8 accepts, refuses, and the codes it refuses with."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import TEMPLATES, create, error_code, listed, payload
from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID

# --- auth ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic sandbox", "Bearer", "sandbox"])
def test_bad_or_missing_key_is_401_code_1200(client: httpx.Client, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    request = client.build_request("GET", TEMPLATES, headers=headers)
    if header is None:
        del request.headers["Authorization"]
    response = client.send(request)
    assert error_code(response) == (401, 1200)
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_writes_need_the_key_too(client: httpx.Client, method: str) -> None:
    url = TEMPLATES if method == "POST" else TEMPLATES + "/x"
    response = client.request(method, url, json=payload(), headers={"Authorization": "Bearer no"})
    assert error_code(response) == (401, 1200)
    assert listed(client) == {}


def test_bearer_scheme_is_case_insensitive(client: httpx.Client) -> None:
    assert client.get(TEMPLATES, headers={"Authorization": "bearer sandbox"}).status_code == 200


# --- identifiers ------------------------------------------------------------------------------


def test_any_well_formed_account_and_channel_has_its_own_state(client: httpx.Client) -> None:
    other = "/api/v1/accounts/0123456789abcdef0123456789ABCDEF/channels/other-channel/templates"
    assert client.post(other, json=payload()).status_code == 200
    assert client.get(other).json()["templates"][0]["channelId"] == "other-channel"
    assert listed(client) == {}


@pytest.mark.parametrize("account", ["not-a-uuid", "0123456789abcdef0123456789abcdeg"])
def test_malformed_account_id_is_400(client: httpx.Client, account: str) -> None:
    response = client.get(f"/api/v1/accounts/{account}/channels/c/templates")
    assert error_code(response) == (400, 1000)


def test_malformed_channel_id_is_400(client: httpx.Client) -> None:
    response = client.get(f"/api/v1/accounts/{SANDBOX_ACCOUNT_ID}/channels/a%20b/templates")
    assert error_code(response) == (400, 1000)


def test_unknown_route_is_404_and_wrong_method_405(client: httpx.Client) -> None:
    assert error_code(client.get("/api/v1/nothing")) == (404, 1300)
    assert error_code(client.put(TEMPLATES, json={})) == (405, 1000)


# --- create ----------------------------------------------------------------------------------


def test_empty_list_for_a_new_channel(client: httpx.Client) -> None:
    assert client.get(TEMPLATES).json() == {"templates": []}


def test_create_answers_200_with_an_empty_object(client: httpx.Client) -> None:
    response = create(client)
    assert (response.status_code, response.json()) == (200, {})


def _without(key: str) -> dict[str, Any]:
    body = payload()
    del body[key]
    return body


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([1, 2], (400, 1000)),
        (_without("name"), (400, 3032)),
        (payload(name=""), (400, 3032)),
        (payload(name="a" * 513), (400, 3031)),
        (payload(name="Order-Shipped"), (400, 3032)),
        (_without("language"), (400, 3036)),
        (payload(language="en-US"), (400, 3037)),
        (payload(language="xx"), (400, 3037)),
        (_without("category"), (400, 1000)),
        (payload(category="PROMO"), (400, 1000)),
        (_without("components"), (400, 3030)),
        (dict(payload(), components=[]), (400, 3030)),
        (dict(payload(), components=["BODY"]), (400, 3039)),
        (dict(payload(), components=[{"type": "SIDEBAR"}]), (400, 3039)),
        (
            dict(payload(), components=[{"type": "BODY", "text": "a"}, {"type": "body"}]),
            (400, 3034),
        ),
        (dict(payload(), components=[{"type": "FOOTER", "text": "a"}]), (400, 3034)),
        (dict(payload(), colour="red"), (400, 1000)),
        (dict(payload(), allow_category_change="yes"), (400, 1000)),
        (dict(payload(), message_send_ttl_seconds="60"), (400, 1000)),
        (dict(payload(), components=[{"type": "BODY", "text": ["a"]}]), (400, 1000)),
    ],
)
def test_structural_problems_are_refused_at_create(
    client: httpx.Client, body: Any, expected: tuple[int, int]
) -> None:
    response = client.post(TEMPLATES, json=body)
    assert error_code(response) == expected, response.text
    assert listed(client) == {}


def test_invalid_json_is_400(client: httpx.Client) -> None:
    response = client.post(
        TEMPLATES, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert error_code(response) == (400, 1000)


def test_lower_case_types_and_category_are_accepted(client: httpx.Client) -> None:
    body = payload(category="utility")
    body["components"] = [
        {"type": "body", "text": "Your parcel is on its way to you now."},
        {"type": "buttons", "buttons": [{"type": "quick_reply", "text": "Ok"}]},
    ]
    assert client.post(TEMPLATES, json=body).status_code == 200
    found = listed(client)[("order_shipped", "en_US")]
    assert found["category"] == "UTILITY"
    assert found["components"][1]["buttons"] == [{"type": "QUICK_REPLY", "text": "Ok"}]


def test_existing_name_and_language_is_refused(client: httpx.Client) -> None:
    assert create(client).status_code == 200
    response = create(client, text="Another text for the same name and language, please.")
    assert error_code(response) == (400, 1005)
    assert "already exists" in response.json()["message"]


def test_rejected_name_and_language_still_exists(client: httpx.Client) -> None:
    create(client, text="Your verification code is {{1}}, valid for ten minutes.")
    assert error_code(create(client)) == (400, 1005)


def test_same_name_in_another_language_is_a_new_template(client: httpx.Client) -> None:
    assert create(client).status_code == 200
    assert (
        create(
            client, language="pt_BR", text="Olá {{1}}, seu pedido foi enviado e chega na terça."
        ).status_code
        == 200
    )
    assert set(listed(client)) == {("order_shipped", "en_US"), ("order_shipped", "pt_BR")}


# --- delete ----------------------------------------------------------------------------------


def test_delete_removes_every_language_of_the_name(client: httpx.Client) -> None:
    create(client)
    create(client, language="es", text="Hola {{1}}, tu pedido fue enviado y llega el martes.")
    create(client, name="other")
    response = client.delete(TEMPLATES + "/order_shipped")
    assert (response.status_code, response.json()) == (200, {})
    assert set(listed(client)) == {("other", "en_US")}


def test_delete_of_an_unknown_name_is_404_code_3038(client: httpx.Client) -> None:
    response = client.delete(TEMPLATES + "/nothing_here")
    assert error_code(response) == (404, 3038)
    assert response.json()["message"].startswith("Template not found")


def test_deleting_an_approved_name_locks_it_for_30_days(client: httpx.Client) -> None:
    create(client)
    client.delete(TEMPLATES + "/order_shipped")
    for language in ("en_US", "de"):
        response = create(client, language=language)
        assert error_code(response) == (409, 3060)
    assert "30 days" in response.json()["message"]
    assert error_code(client.delete(TEMPLATES + "/order_shipped")) == (404, 3038)
    client.post("/_sandbox/clock", json={"advance_hours": 29 * 24})
    assert error_code(create(client)) == (409, 3060)
    client.post("/_sandbox/clock", json={"advance_hours": 24})
    assert create(client).status_code == 200


def test_deleting_a_never_approved_name_does_not_lock_it(client: httpx.Client) -> None:
    create(client, text="Your verification code is {{1}}, valid for ten minutes.")
    assert client.delete(TEMPLATES + "/order_shipped").status_code == 200
    assert create(client).status_code == 200


def test_a_name_approved_once_then_rejected_still_locks(client: httpx.Client) -> None:
    from tests.sandbox.conftest import ADMIN_TEMPLATES

    create(client)
    client.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"status": "REJECTED"})
    client.delete(TEMPLATES + "/order_shipped")
    assert error_code(create(client)) == (409, 3060)
