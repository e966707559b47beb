"""Simulated Meta review: the validator and the category wording decide the outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import ADMIN_TEMPLATES, TEMPLATES, admin_item, create, item, payload
from wa_templates.provider.client import Client
from wa_templates.sandbox.embedded import (
    SANDBOX_ACCOUNT_ID,
    SANDBOX_CHANNEL_ID,
    SANDBOX_SUBACCOUNT_ID,
)
from wa_templates.sandbox.lifecycle import settle, unsettled
from wa_templates.sandbox.serve import start_in_thread
from wa_templates.sandbox.state import SandboxState, Store, Template


def test_clean_template_is_approved_immediately_by_default(client: httpx.Client) -> None:
    assert create(client).status_code == 200
    found = item(client)
    assert (found["status"], found["statusName"], found["category"]) == (
        "APPROVED",
        "Approved",
        "UTILITY",
    )
    assert "reason" not in found
    assert admin_item(client)["templateId"] > 0


def test_validator_error_is_rejected_as_invalid_format(client: httpx.Client) -> None:
    # A body over 1024 characters (WA202) is Meta's to judge: accepted, then rejected.
    assert create(client, text="Your parcel is here. " * 60).status_code == 200
    # 8x8's list has no reason (it reaches a client through the status webhook).
    assert item(client)["status"] == "REJECTED" and "reason" not in item(client)
    found = admin_item(client)
    assert (found["status"], found["reason"]) == ("REJECTED", "INVALID_FORMAT")


def test_body_starting_with_a_variable_is_rejected(client: httpx.Client) -> None:
    assert create(client, text="{{1}} your order has shipped and arrives on Tuesday.").is_success
    assert admin_item(client)["reason"] == "INVALID_FORMAT"


def test_otp_wording_in_utility_is_rejected_as_incorrect_category(client: httpx.Client) -> None:
    create(client, text="Your verification code is {{1}}, it is valid for ten minutes.")
    found = admin_item(client)
    assert (found["status"], found["reason"], found["category"]) == (
        "REJECTED",
        "INCORRECT_CATEGORY",
        "UTILITY",
    )


def test_otp_wording_in_marketing_is_rejected_too(client: httpx.Client) -> None:
    create(client, category="MARKETING", text="Use the OTP we sent to claim your reward today.")
    assert admin_item(client)["reason"] == "INCORRECT_CATEGORY"


def test_promotional_utility_moves_to_marketing_by_default(client: httpx.Client) -> None:
    create(client, text="Big sale: 50% off everything in the store this weekend only.")
    found = item(client)
    assert (found["status"], found["category"], found["categoryName"]) == (
        "APPROVED",
        "MARKETING",
        "Marketing",
    )


def test_promotional_utility_with_category_change_true_moves(client: httpx.Client) -> None:
    create(client, text="Exclusive discount for members this week.", allow_category_change=True)
    assert item(client)["category"] == "MARKETING"


def test_promotional_utility_without_category_change_is_rejected(client: httpx.Client) -> None:
    create(
        client,
        text="Big sale: 50% off everything in the store this weekend only.",
        allow_category_change=False,
    )
    found = admin_item(client)
    assert (found["status"], found["reason"], found["category"]) == (
        "REJECTED",
        "INCORRECT_CATEGORY",
        "UTILITY",
    )


def test_promotional_marketing_is_approved_as_is(client: httpx.Client) -> None:
    create(
        client,
        category="MARKETING",
        text="Big sale: 50% off everything this weekend. Reply STOP to opt out.",
    )
    found = item(client)
    assert (found["status"], found["category"]) == ("APPROVED", "MARKETING")


def test_authentication_with_presets_is_approved(client: httpx.Client) -> None:
    response = client.post(
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
    assert response.status_code == 200, response.text
    found = item(client, "login_code", "en")
    assert (found["status"], found["category"]) == ("APPROVED", "AUTHENTICATION")


def test_delayed_review_stays_pending_until_the_clock_moves(
    state_path: Path, client: httpx.Client
) -> None:
    Store(state_path).configure(review_delay_minutes=30)
    create(client)
    create(client, name="promo", text="Huge discount on all shoes, today only.")
    assert item(client)["status"] == "PENDING"
    assert item(client, "promo")["statusName"] == "Pending"
    client.post("/_sandbox/clock", json={"advance_hours": 0.25})
    assert item(client)["status"] == "PENDING"
    client.post("/_sandbox/clock", json={"advance_hours": 0.25})
    assert item(client)["status"] == "APPROVED"
    promo = item(client, "promo")
    assert (promo["status"], promo["category"]) == ("APPROVED", "MARKETING")
    assert promo["updatedAt"] > promo["createdAt"]


def test_components_edited_while_pending_are_what_gets_reviewed(
    state_path: Path, client: httpx.Client
) -> None:
    Store(state_path).configure(review_delay_minutes=60)
    create(client)
    edited = payload(text="Your verification code is {{1}}, valid for ten minutes.")["components"]
    response = client.patch(f"{ADMIN_TEMPLATES}/order_shipped/en_US", json={"components": edited})
    assert response.status_code == 200, response.text
    client.post("/_sandbox/clock", json={"advance_hours": 1})
    assert admin_item(client)["reason"] == "INCORRECT_CATEGORY"


# --- media uploaded to the sandbox itself ------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_media_uploaded_to_a_served_sandbox_passes_review(tmp_path: Path, host: str) -> None:
    # Served over plain http: the upload URL is http://127.0.0.1:<port>/files/..., which 8x8
    # would have given as https; the review must judge it as that, not reject it (WA703).
    running = start_in_thread(tmp_path / "state.json", api_key="k", host=host)
    try:
        banner = tmp_path / "banner.png"
        banner.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
        with Client(
            base_url=running.url,
            account_id=SANDBOX_ACCOUNT_ID,
            channel_id=SANDBOX_CHANNEL_ID,
            api_key="k",
            subaccount_id=SANDBOX_SUBACCOUNT_ID,
        ) as client:
            url = client.upload_file(banner)
            assert url.startswith(f"http://{host}:")
            assert httpx.get(url).content == banner.read_bytes()
            with httpx.Client(base_url=running.url, headers={"Authorization": "Bearer k"}) as admin:
                Store(tmp_path / "state.json").configure(review_delay_minutes=60)
                client.create_template(media_template("local_banner", url))
                client.create_template(media_template("elsewhere", "http://example.com/a.png"))
                statuses = {t.name: t.status for t in client.list_templates()}
                assert statuses == {"local_banner": "PENDING", "elsewhere": "PENDING"}
                admin.post("/_sandbox/clock", json={"advance_hours": 1}).raise_for_status()
                found = {t.name: t.raw for t in client.list_templates()}
                elsewhere = admin_item(admin, "elsewhere")
    finally:
        running.stop()
    assert found["local_banner"]["status"] == "APPROVED", found["local_banner"]
    assert found["local_banner"]["components"][0]["example"] == {"headerHandle": [url]}
    # A plain-http sample hosted anywhere else is still Meta's to refuse.
    assert (elsewhere["status"], elsewhere["reason"]) == ("REJECTED", "INVALID_FORMAT")


def media_template(name: str, sample: str) -> dict[str, Any]:
    return {
        "name": name,
        "language": "en_US",
        "category": "MARKETING",
        "components": [
            {"type": "HEADER", "format": "IMAGE", "examples": [sample]},
            {
                "type": "BODY",
                "text": "Our spring sale starts today, {{1}}. Reply STOP to opt out.",
                "examples": ["Ana"],
            },
        ],
    }


# --- settle, and telling whether it has anything to do ----------------------------------------

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PAST, FUTURE = -timedelta(seconds=1), timedelta(seconds=1)


@pytest.mark.parametrize(
    ("review_due", "lock_ends", "oldest_creation", "due"),
    [
        (None, None, None, False),
        (FUTURE, FUTURE, timedelta(minutes=59), False),
        (timedelta(0), None, None, True),
        (PAST, None, None, True),
        (None, timedelta(0), None, True),
        (None, PAST, None, True),
        (None, None, timedelta(hours=1), True),
        (None, None, timedelta(hours=2), True),
    ],
)
def test_unsettled_says_whether_settle_would_change_anything(
    review_due: timedelta | None,
    lock_ends: timedelta | None,
    oldest_creation: timedelta | None,
    due: bool,
) -> None:
    state = SandboxState()
    channel = state.channel(SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID)
    if review_due is not None:
        channel.templates.append(
            Template(
                name="t",
                language="en_US",
                category="UTILITY",
                components=payload()["components"],
                created_at=NOW - timedelta(hours=1),
                updated_at=NOW - timedelta(hours=1),
                review_due=NOW + review_due,
            )
        )
    if lock_ends is not None:
        channel.locks["gone"] = NOW + lock_ends
    if oldest_creation is not None:
        channel.creations = [NOW - oldest_creation, NOW]
    assert unsettled(state, NOW) is due
    before = state.model_dump_json()
    settle(state, NOW)
    assert (state.model_dump_json() != before) is due
    assert not unsettled(state, NOW)
