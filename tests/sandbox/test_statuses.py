"""Meta's message_template_status_update statuses beyond review and quality, through the
sandbox's admin API, and what Meta does to an archived template."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import ADMIN_TEMPLATES, TEMPLATES, error_code, item, listed
from wa_templates.sandbox import errors as codes

CATALOG = [
    {"type": "BODY", "text": "Shop our range here on WhatsApp. Reply STOP to opt out."},
    {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Show me"}]},
]


def create(client: httpx.Client, name: str, components: list[Any]) -> httpx.Response:
    body = {"name": name, "language": "en_US", "category": "MARKETING", "components": components}
    return client.post(TEMPLATES, json=body)


def patch(client: httpx.Client, name: str, **body: Any) -> httpx.Response:
    return client.patch(f"{ADMIN_TEMPLATES}/{name}/en_US", json=body)


@pytest.mark.parametrize(
    ("status", "name"),
    [
        ("REINSTATED", "Reinstated"),
        ("LOCKED", "Locked"),
        ("ARCHIVED", "Archived"),
        ("UNARCHIVED", "Unarchived"),
        ("LIMIT_EXCEEDED", "Limit exceeded"),
    ],
)
def test_the_admin_api_accepts_each_of_metas_statuses(
    client: httpx.Client, status: str, name: str
) -> None:
    assert create(client, "catalog", CATALOG).status_code == 200
    response = patch(client, "catalog", status=status)
    assert response.status_code == 200, response.text
    listed_item = item(client, "catalog")
    assert (listed_item["status"], listed_item["statusName"]) == (status, name)


def test_meta_deletes_an_archived_template_after_28_days_and_locks_its_name(
    client: httpx.Client,
) -> None:
    assert create(client, "catalog", CATALOG).status_code == 200
    assert patch(client, "catalog", status="ARCHIVED").status_code == 200
    client.post("/_sandbox/clock", json={"advance_hours": 27 * 24})
    assert item(client, "catalog")["status"] == "ARCHIVED"
    client.post("/_sandbox/clock", json={"advance_hours": 25})
    assert listed(client) == {}
    again = create(client, "catalog", CATALOG)
    assert error_code(again) == (409, codes.BEING_DELETED)


def test_an_unarchived_template_stays(client: httpx.Client) -> None:
    assert create(client, "catalog", CATALOG).status_code == 200
    assert patch(client, "catalog", status="ARCHIVED").status_code == 200
    client.post("/_sandbox/clock", json={"advance_hours": 24})
    assert patch(client, "catalog", status="UNARCHIVED").status_code == 200
    client.post("/_sandbox/clock", json={"advance_hours": 30 * 24})
    assert item(client, "catalog")["status"] == "UNARCHIVED"
