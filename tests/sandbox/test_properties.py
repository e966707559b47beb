"""Any create payload the tool can produce is accepted, and listed back as the same content."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from tests.sandbox.conftest import TEMPLATES, client_for
from tests.strategies import create_payloads
from wa_templates.channel.payload import (
    collapse_auth_presets,
    expand_auth_presets,
    from_payload,
)
from wa_templates.channel.remote import parse


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(create_payloads())
def test_create_then_list_round_trips_the_content(body: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder, client_for(Path(folder) / "s.json") as client:
        response = client.post(TEMPLATES, json=body)
        assert response.status_code == 200, response.text
        [listed] = client.get(TEMPLATES).json()["templates"]
    expected = from_payload(body).languages[body["language"]]
    if listed["category"] == "AUTHENTICATION":
        expected = collapse_auth_presets(expand_auth_presets(expected))
    assert parse(listed).model() == expected
    assert listed["status"] in ("APPROVED", "REJECTED")
    assert ("reason" in listed) == (listed["status"] == "REJECTED")
