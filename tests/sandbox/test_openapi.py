"""Sandbox responses validate against 8x8's official OpenAPI subsets: the templates API and the
Webhook Configuration API.

The specs are vendored under tests/data/8x8-openapi/ (its README says where they came from), so
this contract runs on every CI run, from a fresh clone too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator

from tests.sandbox.conftest import ADMIN_TEMPLATES, TEMPLATES, WEBHOOKS, create, payload
from wa_templates.sandbox.embedded import SANDBOX_SUBACCOUNT_ID

SPEC_FOLDER = Path(__file__).resolve().parents[1] / "data" / "8x8-openapi"
SPEC_PATH = SPEC_FOLDER / "templates-api.json"
WEBHOOKS_SPEC_PATH = SPEC_FOLDER / "webhooks-api.json"
WEBHOOKS_PATH = "/api/v1/accounts/{accountId}/webhooks"
UPLOAD = f"/api/v1/subaccounts/{SANDBOX_SUBACCOUNT_ID}/files"
TEMPLATES_PATH = "/api/v1/accounts/{accountId}/channels/{channelId}/templates"
DELETE_PATH = TEMPLATES_PATH + "/{templateName}"
UPLOAD_PATH = "/api/v1/subaccounts/{subAccountId}/files"


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return _load(SPEC_PATH)


@pytest.fixture(scope="module")
def webhooks_spec() -> dict[str, Any]:
    return _load(WEBHOOKS_SPEC_PATH)


def check(spec: dict[str, Any], path: str, method: str, response: httpx.Response) -> None:
    """Validate status, body (and declared headers) against the spec's response for them."""
    responses = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, (
        f"{method.upper()} {path} does not document {response.status_code}"
    )
    documented = responses[str(response.status_code)]
    if "content" not in documented:
        assert response.content == b"", "the spec documents no body"
        return
    valid(documented["content"]["application/json"]["schema"], response.json())
    for header in documented.get("headers", {}):
        assert header in response.headers


def valid(schema: dict[str, Any], instance: Any) -> None:
    validator = OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(instance)]
    assert errors == [], errors


def _rich(client: httpx.Client) -> None:
    create(client)
    body = payload("order_ready", text="Hi {{1}}, your order is ready for collection.")
    body["components"] = [
        {"type": "HEADER", "format": "IMAGE", "examples": ["https://example.com/p.png"]},
        *body["components"],
        {"type": "FOOTER", "text": "Parcel desk"},
        {
            "type": "BUTTONS",
            "buttons": [
                {
                    "type": "URL",
                    "text": "Track",
                    "url": "https://example.com/t/{{1}}",
                    "examples": ["A1"],
                },
                {"type": "QUICK_REPLY", "text": "Thanks"},
            ],
        },
    ]
    client.post(TEMPLATES, json=body)
    client.post(
        TEMPLATES,
        json={
            "name": "login_code",
            "language": "en",
            "category": "AUTHENTICATION",
            "components": [
                {"type": "BODY", "add_security_recommendation": True},
                {"type": "FOOTER", "code_expiration_minutes": 5},
                {
                    "type": "BUTTONS",
                    "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}],
                },
            ],
        },
    )
    create(client, name="rejected", text="Your verification code is {{1}}, use it now.")
    client.patch(
        ADMIN_TEMPLATES + "/order_shipped/en_US", json={"status": "PAUSED", "reason": "FIRST_PAUSE"}
    )


def test_list_response_matches_the_spec(spec: dict[str, Any], client: httpx.Client) -> None:
    _rich(client)
    response = client.get(TEMPLATES)
    assert len(response.json()["templates"]) == 4
    check(spec, TEMPLATES_PATH, "get", response)


def test_list_and_create_errors_match_the_spec(spec: dict[str, Any], client: httpx.Client) -> None:
    check(spec, TEMPLATES_PATH, "get", client.get(TEMPLATES, headers={"Authorization": "x"}))
    check(spec, TEMPLATES_PATH, "post", create(client))
    check(spec, TEMPLATES_PATH, "post", create(client))  # 400: exists
    check(spec, TEMPLATES_PATH, "post", client.post(TEMPLATES, json={"name": "x"}))
    check(
        spec,
        TEMPLATES_PATH,
        "post",
        client.post(TEMPLATES, json=payload(), headers={"Authorization": "x"}),
    )
    client.delete(TEMPLATES + "/order_shipped")
    locked = create(client)
    assert locked.status_code == 409
    check(spec, TEMPLATES_PATH, "post", locked)
    client.put("/_sandbox/faults", json={"error_rate": 1})
    check(spec, TEMPLATES_PATH, "get", client.get(TEMPLATES))
    check(spec, TEMPLATES_PATH, "post", create(client, name="other"))


def test_delete_responses_match_the_spec(spec: dict[str, Any], client: httpx.Client) -> None:
    create(client)
    check(spec, DELETE_PATH, "delete", client.delete(TEMPLATES + "/order_shipped"))
    check(
        spec, DELETE_PATH, "delete", client.delete(TEMPLATES + "/a", headers={"Authorization": "x"})
    )


def test_upload_responses_match_the_spec(spec: dict[str, Any], client: httpx.Client) -> None:
    ok = client.post(UPLOAD, files={"file": ("a.png", b"\x89PNG....", "image/png")})
    check(spec, UPLOAD_PATH, "post", ok)
    check(spec, UPLOAD_PATH, "post", client.post(UPLOAD, json={}))
    check(
        spec,
        UPLOAD_PATH,
        "post",
        client.post(UPLOAD, files={"file": ("a.png", b"x")}, headers={"Authorization": "x"}),
    )


def test_error_bodies_carry_8x8s_timestamp_format(client: httpx.Client) -> None:
    body = client.get(TEMPLATES, headers={"Authorization": "x"}).json()
    assert len(body["timestamp"]) == len("2020-12-22T05:52:01.85Z")


# --- the Webhook Configuration API (webhooks-api.json) -------------------------------------------


def test_the_specs_own_webhook_examples_are_accepted_and_listed(
    webhooks_spec: dict[str, Any], client: httpx.Client
) -> None:
    operations = webhooks_spec["paths"][WEBHOOKS_PATH]
    request = operations["post"]["requestBody"]["content"]["application/json"]
    sent = []
    for example in request["examples"].values():
        valid(request["schema"], example["value"])
        check(webhooks_spec, WEBHOOKS_PATH, "post", client.post(WEBHOOKS, json=example["value"]))
        sent += example["value"]
    listed = client.get(WEBHOOKS)
    check(webhooks_spec, WEBHOOKS_PATH, "get", listed)
    assert {hook["url"] for hook in listed.json()} == {hook["url"] for hook in sent}
    assert all(
        hook["httpAuthorization"] == "***" for hook in listed.json() if "httpAuthorization" in hook
    )
    removal = operations["delete"]["requestBody"]["x-examples"]["application/json"]
    valid(operations["delete"]["requestBody"]["content"]["application/json"]["schema"], removal)
    deleted = client.request("DELETE", WEBHOOKS, json=removal)
    check(webhooks_spec, WEBHOOKS_PATH, "delete", deleted)
    assert client.get(WEBHOOKS).json() == []


def test_webhook_api_errors_match_the_spec(
    webhooks_spec: dict[str, Any], client: httpx.Client
) -> None:
    no_key = {"Authorization": "Bearer x"}
    hook = [{"subAccountId": "*", "type": "CABM", "url": "https://example.com/8x8"}]
    for method, body in (("get", None), ("post", hook), ("delete", hook)):
        response = client.request(method.upper(), WEBHOOKS, json=body, headers=no_key)
        check(webhooks_spec, WEBHOOKS_PATH, method, response)
        assert response.status_code == 401
    for method, body in (("post", [{"url": "x"}]), ("delete", {"subAccountId": "*"})):
        response = client.request(method.upper(), WEBHOOKS, json=body)
        check(webhooks_spec, WEBHOOKS_PATH, method, response)
        assert response.status_code == 400
    check(
        webhooks_spec,
        WEBHOOKS_PATH,
        "post",
        client.post(WEBHOOKS, json=[{**hook[0], "subAccountId": "not valid"}]),
    )
    client.put("/_sandbox/faults", json={"error_rate": 1, "error_status": 500})
    for method, body in (("get", None), ("post", hook), ("delete", hook)):
        response = client.request(method.upper(), WEBHOOKS, json=body)
        check(webhooks_spec, WEBHOOKS_PATH, method, response)
        assert response.status_code == 500


def test_a_cabm_webhook_round_trips_through_the_spec(
    webhooks_spec: dict[str, Any], client: httpx.Client
) -> None:
    hook = {
        "subAccountId": "*",
        "type": "CABM",
        "url": "https://example.com/8x8",
        "enabled": True,
        "httpAuthorization": "Bearer 9QQhlsEb8VY",
    }
    request = webhooks_spec["paths"][WEBHOOKS_PATH]["post"]["requestBody"]
    valid(request["content"]["application/json"]["schema"], [hook])
    assert client.post(WEBHOOKS, json=[hook]).status_code == 200
    response = client.get(WEBHOOKS)
    check(webhooks_spec, WEBHOOKS_PATH, "get", response)
    assert response.json() == [{**hook, "httpAuthorization": "***"}]
