"""Simulated Meta review: the validator and the category wording decide the outcome."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.sandbox.conftest import ADMIN_TEMPLATES, TEMPLATES, create, item, payload
from wa_templates.sandbox.state import Store


def test_clean_template_is_approved_immediately_by_default(client: httpx.Client) -> None:
    assert create(client).status_code == 200
    found = item(client)
    assert (found["status"], found["statusName"], found["category"]) == (
        "APPROVED",
        "Approved",
        "UTILITY",
    )
    assert "reason" not in found


def test_validator_error_is_rejected_as_invalid_format(client: httpx.Client) -> None:
    # A body over 1024 characters (WA202) is Meta's to judge: accepted, then rejected.
    assert create(client, text="Your parcel is here. " * 60).status_code == 200
    found = item(client)
    assert (found["status"], found["reason"]) == ("REJECTED", "INVALID_FORMAT")


def test_body_starting_with_a_variable_is_rejected(client: httpx.Client) -> None:
    assert create(client, text="{{1}} your order has shipped and arrives on Tuesday.").is_success
    assert item(client)["reason"] == "INVALID_FORMAT"


def test_otp_wording_in_utility_is_rejected_as_incorrect_category(client: httpx.Client) -> None:
    create(client, text="Your verification code is {{1}}, it is valid for ten minutes.")
    found = item(client)
    assert (found["status"], found["reason"], found["category"]) == (
        "REJECTED",
        "INCORRECT_CATEGORY",
        "UTILITY",
    )


def test_otp_wording_in_marketing_is_rejected_too(client: httpx.Client) -> None:
    create(client, category="MARKETING", text="Use the OTP we sent to claim your reward today.")
    assert item(client)["reason"] == "INCORRECT_CATEGORY"


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
    found = item(client)
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
    assert item(client)["reason"] == "INCORRECT_CATEGORY"
