"""Sandbox responses validate against 8x8's official OpenAPI subset.

The spec is vendored under tests/data/8x8-openapi/ (its README says where it came from), so this
contract runs on every CI run, from a fresh clone too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator

from tests.sandbox.conftest import ADMIN_TEMPLATES, TEMPLATES, create, payload
from wa_templates.sandbox.embedded import SANDBOX_SUBACCOUNT_ID

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "8x8-openapi" / "templates-api.json"
UPLOAD = f"/api/v1/subaccounts/{SANDBOX_SUBACCOUNT_ID}/files"
TEMPLATES_PATH = "/api/v1/accounts/{accountId}/channels/{channelId}/templates"
DELETE_PATH = TEMPLATES_PATH + "/{templateName}"
UPLOAD_PATH = "/api/v1/subaccounts/{subAccountId}/files"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def check(spec: dict[str, Any], path: str, method: str, response: httpx.Response) -> None:
    """Validate status, body (and declared headers) against the spec's response for them."""
    responses = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, (
        f"{method.upper()} {path} does not document {response.status_code}"
    )
    documented = responses[str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    validator = OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(response.json())]
    assert errors == [], errors
    for header in documented.get("headers", {}):
        assert header in response.headers


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
