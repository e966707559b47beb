"""Any create payload the tool can produce is accepted, and listed back as the same content."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from tests.sandbox.conftest import ADMIN_TEMPLATES, TEMPLATES, client_for
from tests.strategies import create_payloads
from wa_templates.channel import auth_presets
from wa_templates.channel.payload import from_payload
from wa_templates.channel.remote import parse


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(create_payloads())
def test_create_then_list_round_trips_the_content(body: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder, client_for(Path(folder) / "s.json") as client:
        response = client.post(TEMPLATES, json=body)
        assert response.status_code == 200, response.text
        [listed] = client.get(TEMPLATES).json()["templates"]
        admin = client.get(f"{ADMIN_TEMPLATES}/{body['name']}/{body['language']}").json()
    expected = from_payload(body).languages[body["language"]]
    if listed["category"] == "AUTHENTICATION":
        expanded = auth_presets.expand(expected, body["language"])
        expected = auth_presets.collapse(expanded)
    assert parse(listed).model() == expected
    assert listed["status"] in ("APPROVED", "REJECTED")
    # 8x8's list shape: the reason reaches a client through the status webhook only.
    assert not {"reason", "otherInfo", "disableInfo"} & set(listed)
    assert ("reason" in admin) == (listed["status"] == "REJECTED")
