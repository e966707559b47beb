"""The admin API under /_sandbox: health, template edits, the clock, faults and reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import (
    ADMIN_TEMPLATES,
    TEMPLATES,
    create,
    error_code,
    item,
    listed,
    payload,
    register,
)
from tests.sandbox.receiver import Receiver
from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID
from wa_templates.sandbox.state import Store

PATCH_URL = ADMIN_TEMPLATES + "/order_shipped/en_US"
PHONE = f"/_sandbox/accounts/{SANDBOX_ACCOUNT_ID}/channels/{SANDBOX_CHANNEL_ID}/phone-number"
ACCOUNT_UPDATES = f"/_sandbox/accounts/{SANDBOX_ACCOUNT_ID}/account-updates"


def test_health_needs_no_key(client: httpx.Client) -> None:
    response = client.get("/_sandbox/health", headers={"Authorization": ""})
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("PATCH", PATCH_URL, {"status": "APPROVED"}),
        ("GET", PATCH_URL, None),
        ("POST", "/_sandbox/clock", {"advance_hours": 1}),
        ("PUT", "/_sandbox/faults", {}),
        ("POST", "/_sandbox/reset", None),
        ("GET", "/_sandbox/config", None),
        ("PATCH", "/_sandbox/config", {"list_extras": True}),
        ("GET", PHONE, None),
        ("PATCH", PHONE, {"quality_rating": "RED"}),
        ("POST", ACCOUNT_UPDATES, {"event": "ACCOUNT_DELETED"}),
        ("POST", "/_sandbox/webhooks/deliver", None),
        ("GET", "/_sandbox/webhooks/deliveries", None),
    ],
)
def test_admin_routes_need_the_key(client: httpx.Client, method: str, url: str, body: Any) -> None:
    response = client.request(method, url, json=body, headers={"Authorization": "Bearer x"})
    assert error_code(response) == (401, 1200)


# --- PATCH ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    ["APPROVED", "REJECTED", "PAUSED", "DISABLED", "FLAGGED", "IN_APPEAL", "PENDING_DELETION"],
)
def test_patch_sets_any_meta_status(client: httpx.Client, status: str) -> None:
    create(client)
    response = client.patch(PATCH_URL, json={"status": status})
    assert response.status_code == 200
    assert item(client)["status"] == status


def test_patch_category_as_meta_recategorising(client: httpx.Client) -> None:
    create(client)
    client.patch(PATCH_URL, json={"category": "MARKETING"})
    found = item(client)
    assert (found["category"], found["categoryName"], found["status"]) == (
        "MARKETING",
        "Marketing",
        "APPROVED",
    )


def test_patch_components_as_an_edit_in_whatsapp_manager(client: httpx.Client) -> None:
    create(client)
    edited = payload(text="Hi {{1}}, your order left our warehouse this morning.", examples=["Bo"])[
        "components"
    ]
    edited.append({"type": "FOOTER", "text": "Shop team"})
    response = client.patch(PATCH_URL, json={"components": edited})
    assert response.status_code == 200
    found = item(client)
    assert found["components"] == [
        {
            "type": "BODY",
            "text": "Hi {{1}}, your order left our warehouse this morning.",
            "example": {"bodyText": ["Bo"]},
        },
        {"type": "FOOTER", "text": "Shop team"},
    ]
    assert found["status"] == "APPROVED"
    assert found["updatedAt"] >= found["createdAt"]


def test_patch_to_approved_makes_a_rejected_name_lock_on_delete(client: httpx.Client) -> None:
    create(client, text="Your verification code is {{1}}, valid for ten minutes.")
    client.patch(PATCH_URL, json={"status": "APPROVED"})
    client.delete(TEMPLATES + "/order_shipped")
    assert error_code(create(client)) == (409, 3060)


def test_patch_of_an_unknown_template_is_404(client: httpx.Client) -> None:
    assert error_code(client.patch(PATCH_URL, json={"status": "APPROVED"})) == (404, 3038)
    create(client)
    response = client.patch(ADMIN_TEMPLATES + "/order_shipped/fr", json={"status": "APPROVED"})
    assert error_code(response) == (404, 3038)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, (400, 1000)),
        ([], (400, 1000)),
        ({"status": "DELETED"}, (400, 1000)),
        ({"status": "approved"}, (400, 1000)),
        ({"category": "PROMO"}, (400, 1000)),
        ({"reason": 5}, (400, 1000)),
        ({"quality": "GREEN "}, (400, 1000)),
        ({"correct_category": "PROMO"}, (400, 1000)),
        ({"status": "PAUSED", "reason": "LOW_QUALITY"}, (400, 1000)),
        ({"status": "FLAGGED", "reason": "next week"}, (400, 1000)),
        ({"pauses": 2}, (400, 1000)),
        ({"components": []}, (400, 3030)),
        ({"components": [{"type": "FOOTER", "text": "x"}]}, (400, 3034)),
        ({"components": [{"type": "NOPE"}]}, (400, 3039)),
    ],
)
def test_patch_refuses_bad_input(
    client: httpx.Client, body: Any, expected: tuple[int, int]
) -> None:
    create(client)
    before = item(client)
    assert error_code(client.patch(PATCH_URL, json=body)) == expected
    assert item(client) == before


# --- clock ---------------------------------------------------------------------------------


def test_clock_advances_and_reports_the_sandbox_time(client: httpx.Client) -> None:
    first = client.post("/_sandbox/clock", json={"advance_hours": 0}).json()["now"]
    later = client.post("/_sandbox/clock", json={"advance_hours": 48}).json()["now"]
    assert later[:10] > first[:10]
    create(client)
    assert item(client)["createdAt"][:10] == later[:10]


def test_clock_advances_by_seconds_too(client: httpx.Client) -> None:
    client.patch("/_sandbox/config", json={"clock_rate": 0})
    first = client.post("/_sandbox/clock", json={"advance_seconds": 0}).json()["now"]
    later = client.post("/_sandbox/clock", json={"advance_seconds": 90.5}).json()["now"]
    step = datetime.fromisoformat(later[:-1]) - datetime.fromisoformat(first[:-1])
    assert step == timedelta(seconds=90.5)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"advance_hours": -1},
        {"advance_hours": "2"},
        {"advance_hours": True},
        {"advance_hours": 1, "x": 2},
        {"advance_hours": 1, "advance_seconds": 2},
        {"advance_minutes": 1},
        [1],
    ],
)
def test_clock_refuses_bad_input(client: httpx.Client, body: Any) -> None:
    assert error_code(client.post("/_sandbox/clock", json=body)) == (400, 1000)


# --- settings --------------------------------------------------------------------------------


def test_config_reads_and_changes_the_stored_settings(
    client: httpx.Client, state_path: Path
) -> None:
    settings = client.get("/_sandbox/config").json()
    assert settings == {
        "max_templates": 250,
        "review_delay_minutes": 0.0,
        "deletion_delay_minutes": 0.0,
        "clock_rate": 1.0,
        "list_extras": False,
    }
    changed = client.patch("/_sandbox/config", json={"list_extras": True, "max_templates": 7})
    assert changed.json() == {**settings, "list_extras": True, "max_templates": 7}
    assert Store(state_path).read().config.max_templates == 7


@pytest.mark.parametrize(
    "body",
    [
        {"max_templates": 0},
        {"max_templates": 6001},
        {"clock_rate": -1},
        {"clock_rate": 86_401},
        {"list_extras": "yes"},
        {"review_delay_minutes": "5"},
        {"speed": 2},
        [1],
    ],
)
def test_config_refuses_bad_input_and_changes_nothing(client: httpx.Client, body: Any) -> None:
    before = client.get("/_sandbox/config").json()
    assert error_code(client.patch("/_sandbox/config", json=body)) == (400, 1000)
    assert client.get("/_sandbox/config").json() == before


def test_a_stopped_clock_stands_still_and_a_fast_one_runs_on_from_where_it_was(
    client: httpx.Client, state_path: Path
) -> None:
    client.patch("/_sandbox/config", json={"clock_rate": 0})
    stopped = client.post("/_sandbox/clock", json={"advance_seconds": 0}).json()["now"]
    create(client)
    assert item(client)["createdAt"] == stopped
    client.patch("/_sandbox/config", json={"clock_rate": 1000})
    state = Store(state_path).read()
    wall = datetime.now(UTC)
    # From the stopped moment on, 1000 sandbox seconds per second: no jump.
    ahead = state.clock_at(wall + timedelta(seconds=2)) - state.clock_at(wall)
    assert ahead == timedelta(seconds=2000)
    assert state.clock_at(wall) - datetime.fromisoformat(stopped[:-1] + "+00:00") < timedelta(
        seconds=60
    )


# --- faults --------------------------------------------------------------------------------


def test_faults_put_replaces_every_setting(client: httpx.Client) -> None:
    response = client.put("/_sandbox/faults", json={"error_rate": 0.5, "error_status": 503})
    assert response.json() == {
        "latency_ms": 0,
        "error_rate": 0.5,
        "error_status": 503,
        "drop_rate": 0.0,
    }
    assert client.put("/_sandbox/faults", json={"drop_rate": 0.1}).json()["error_rate"] == 0.0


@pytest.mark.parametrize(
    "body",
    [
        {"error_rate": 2},
        {"drop_rate": -0.1},
        {"error_status": 200},
        {"latency_ms": "5"},
        {"latency_ms": 1.5},
        {"jitter": 1},
        [0],
    ],
)
def test_faults_refuse_bad_input(client: httpx.Client, body: Any) -> None:
    assert error_code(client.put("/_sandbox/faults", json=body)) == (400, 1000)


def test_error_faults_answer_with_the_status_and_change_nothing(client: httpx.Client) -> None:
    client.put("/_sandbox/faults", json={"error_rate": 1, "error_status": 500})
    assert error_code(create(client)) == (500, 2000)
    client.put("/_sandbox/faults", json={"error_rate": 1, "error_status": 429})
    response = client.get(TEMPLATES)
    assert error_code(response) == (429, 1100)
    assert response.headers["Retry-After"] == "1"
    # The admin API is never faulty, so faults can always be switched off.
    assert client.put("/_sandbox/faults", json={}).status_code == 200
    assert listed(client) == {}


def test_partial_error_rate_fails_some_requests(client: httpx.Client) -> None:
    client.put("/_sandbox/faults", json={"error_rate": 0.5, "error_status": 503})
    statuses = [client.get(TEMPLATES).status_code for _ in range(40)]
    assert set(statuses) == {200, 503}


def test_drop_faults_raise_a_protocol_error_in_process(client: httpx.Client) -> None:
    client.put("/_sandbox/faults", json={"drop_rate": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(TEMPLATES)


def test_dropped_creates_may_have_created_the_template_but_never_twice(
    client: httpx.Client,
) -> None:
    client.put("/_sandbox/faults", json={"drop_rate": 1})
    for index in range(20):
        with pytest.raises(httpx.RemoteProtocolError):
            create(client, name=f"t{index}")
    client.put("/_sandbox/faults", json={})
    created = {name for name, _ in listed(client)}
    # The seeded generator drops some after the change and some before.
    assert 0 < len(created) < 20
    for name in created:
        assert error_code(create(client, name=name)) == (400, 1005)


# --- reset ---------------------------------------------------------------------------------


def test_reset_empties_everything_but_the_serve_options(
    state_path: Path, client: httpx.Client, receiver: Receiver
) -> None:
    register(client, receiver.url)
    receiver.stop()
    Store(state_path).configure(max_templates=7, review_delay_minutes=5)
    create(client)
    client.post("/_sandbox/clock", json={"advance_hours": 10})
    client.put("/_sandbox/faults", json={"latency_ms": 1})
    assert len(Store(state_path).read().outbox) == 1  # the receiver is down
    response = client.post("/_sandbox/reset")
    assert (response.status_code, response.json()) == (200, {})
    state = Store(state_path).read()
    assert (state.channels, state.clock_offset_seconds, state.faults.latency_ms) == ({}, 0.0, 0)
    assert (state.webhooks, state.outbox, state.finished) == ({}, [], [])
    assert (state.config.max_templates, state.config.review_delay_minutes) == (7, 5.0)
    assert listed(client) == {}


@pytest.mark.parametrize(("status", "code"), [(400, 1000), (401, 1200), (404, 1300), (503, 2000)])
def test_injected_error_codes_follow_the_status(
    client: httpx.Client, status: int, code: int
) -> None:
    client.put("/_sandbox/faults", json={"error_rate": 1, "error_status": status})
    assert error_code(client.get(TEMPLATES)) == (status, code)


def test_an_unexpected_failure_is_a_500_body_not_a_traceback(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from wa_templates.sandbox import operations

    def broken(*args: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(operations, "create", broken)
    response = create(client)
    assert error_code(response) == (500, 2000)
    assert "boom" not in response.text
    assert "boom" in caplog.text
