"""CABM events delivered to a receiver on 127.0.0.1: 8x8's shapes, the configured Authorization,
8x8's retry schedule on the sandbox clock (stopped, so every interval is exact and no test
sleeps), and deliveries that outlive the process that queued them."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.sandbox.cabm import check_event
from tests.sandbox.conftest import (
    ADMIN_TEMPLATES,
    TEMPLATES,
    WEBHOOK_SECRET,
    WEBHOOKS,
    advance,
    client_for,
    create,
    deliveries,
    freeze,
    register,
)
from tests.sandbox.receiver import Receiver
from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID
from wa_templates.sandbox.records import business_account_id
from wa_templates.sandbox.serve import start_in_thread
from wa_templates.sandbox.state import Store

PHONE = f"/_sandbox/accounts/{SANDBOX_ACCOUNT_ID}/channels/{SANDBOX_CHANNEL_ID}/phone-number"
ACCOUNT_UPDATES = f"/_sandbox/accounts/{SANDBOX_ACCOUNT_ID}/account-updates"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """For the served sandbox's background worker: a bounded wait, never a timing assertion."""
    deadline = time.monotonic() + 15
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_every_kind_of_event_reaches_the_receiver_in_8x8s_shape(
    client: httpx.Client, receiver: Receiver
) -> None:
    register(client, receiver.url)
    create(client)
    client.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"quality": "YELLOW"})
    client.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"category": "MARKETING"})
    client.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"correct_category": "UTILITY"})
    client.patch(PHONE, json={"quality_rating": "RED", "messaging_limit": "TIER_2K"})
    update = {
        "event": "ACCOUNT_VIOLATION",
        "phoneNumber": "16505552771",
        "violationInfo": {
            "violationType": "USER_INITIATED_CALLS_LOW_PICKUP_RATE",
            "remediation": "Pick up.",
        },
    }
    assert client.post(ACCOUNT_UPDATES, json=update).status_code == 200

    # Each request's events are delivered before its answer (in-process: nothing runs later).
    assert [e["eventType"] for e in receiver.events] == [
        "template_status_update",
        "template_quality_update",
        "template_category_update",
        "template_correct_category_detection",
        "phone_number_quality_update",
        "phone_number_quality_update",
        "account_update",
    ]
    for request in receiver.received:
        check_event(request.event)
        assert request.path == "/webhooks/8x8"
        assert request.headers["Authorization"] == WEBHOOK_SECRET
        assert request.headers["Content-Type"] == "application/json"
    events = receiver.events
    assert len({e["eventId"] for e in events}) == len(events)
    assert {(e["accountId"], e["businessAccountId"]) for e in events} == {
        (SANDBOX_ACCOUNT_ID, business_account_id(SANDBOX_ACCOUNT_ID))
    }
    assert [e["eventDetails"].get("meta") for e in events] == [
        {"status": "APPROVED", "reason": "NONE"},
        {"previousQualityScore": "UNKNOWN", "newQualityScore": "YELLOW"},
        {"previousCategory": "UTILITY", "newCategory": "MARKETING"},
        {"category": "MARKETING", "correctCategory": "UTILITY"},
        {"event": "FLAGGED", "maxDailyConversationsPerBusiness": "TIER_250"},
        {"event": "UPGRADE", "maxDailyConversationsPerBusiness": "TIER_2K"},
        None,
    ]
    assert len({e["eventDetails"]["templateId"] for e in events[:4]}) == 1
    assert [e["eventDetails"]["templateName"] for e in events[:4]] == ["order_shipped"] * 4
    assert events[-1]["eventDetails"] == update
    assert deliveries(client)["pending"] == []


def test_no_webhook_no_event(client: httpx.Client, receiver: Receiver) -> None:
    create(client)
    register(client, receiver.url, enabled=False)
    client.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"status": "PAUSED"})
    register(client, receiver.url, type="MSG")
    client.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"status": "APPROVED"})
    # Created before the CABM webhook existed, or sent while it was disabled: 8x8 keeps nothing.
    assert receiver.received == [] and deliveries(client) == {"pending": [], "finished": []}


def test_retries_follow_8x8s_schedule_until_the_receiver_is_back(
    client: httpx.Client, receiver: Receiver
) -> None:
    freeze(client)
    register(client, receiver.url)
    receiver.stop()
    started = moment(advance(client, 0))
    create(client)
    [pending] = deliveries(client)["pending"]
    event_id = pending["event_id"]
    # 1, 10 and 30 s after each failed attempt, on the sandbox clock.
    for attempts, wait in ((1, 1), (2, 10), (3, 30), (4, 90)):
        [pending] = deliveries(client)["pending"]
        assert (pending["event_id"], pending["attempts"]) == (event_id, attempts)
        assert moment(pending["next_attempt"]) - moment(advance(client, 0)) == timedelta(
            seconds=wait
        )
        assert "connection error" in pending["errors"][-1]
        if attempts == 4:
            receiver.start()
        advance(client, wait - 0.5)
        assert deliveries(client)["pending"][0]["attempts"] == attempts  # not yet due
        advance(client, 0.5)
    assert deliveries(client)["pending"] == []
    [done] = deliveries(client)["finished"]
    assert (done["event_id"], done["outcome"], done["attempts"]) == (event_id, "delivered", 5)
    assert [moment(error.split()[0]) - started for error in done["errors"]] == [
        timedelta(seconds=s) for s in (0, 1, 11, 41)
    ]
    [request] = receiver.received
    assert request.event["eventId"] == event_id
    assert request.headers["Authorization"] == WEBHOOK_SECRET


def test_4xx_and_5xx_answers_are_retried_and_the_fifth_failure_gives_up(
    client: httpx.Client, receiver: Receiver
) -> None:
    freeze(client)
    register(client, receiver.url)
    receiver.status = 503
    create(client)
    for wait in (1, 10, 30):
        advance(client, wait)
    receiver.status = 404
    advance(client, 90)
    [done] = deliveries(client)["finished"]
    assert (done["outcome"], done["attempts"]) == ("failed", 5)
    assert [error.split(" ", 1)[1] for error in done["errors"]] == ["HTTP 503"] * 4 + ["HTTP 404"]
    assert len({r.event["eventId"] for r in receiver.received}) == 1
    assert len(receiver.received) == 5
    advance(client, 3600)
    assert len(receiver.received) == 5 and deliveries(client)["pending"] == []


def test_a_redirect_ends_the_delivery_as_8x8_only_retries_4xx_and_5xx(
    client: httpx.Client, receiver: Receiver
) -> None:
    register(client, receiver.url)
    receiver.status = 302
    create(client)
    assert deliveries(client)["finished"][0]["outcome"] == "delivered"


def test_every_enabled_cabm_webhook_gets_each_event_with_its_own_credentials(
    client: httpx.Client, receiver: Receiver
) -> None:
    client.post(
        WEBHOOKS,
        json=[
            {
                "subAccountId": "*",
                "type": "CABM",
                "url": receiver.url + "/a",
                "httpAuthorization": "Basic YTpi",
            },
            {"subAccountId": "sales", "type": "CABM", "url": receiver.url + "/b"},
            {
                "subAccountId": "support",
                "type": "CABM",
                "url": receiver.url + "/c",
                "enabled": False,
            },
            {"subAccountId": "*", "type": "CADR", "url": receiver.url + "/d"},
        ],
    )
    create(client)
    seen = {(r.path, r.headers.get("Authorization")) for r in receiver.received}
    assert seen == {("/webhooks/8x8/a", "Basic YTpi"), ("/webhooks/8x8/b", None)}
    assert len({r.event["eventId"] for r in receiver.received}) == 1  # one event, two deliveries


def test_retries_use_the_webhook_as_configured_now(
    client: httpx.Client, receiver: Receiver
) -> None:
    freeze(client)
    register(client, receiver.url)
    receiver.status = 500
    create(client)
    register(client, receiver.url + "/new", httpAuthorization="Bearer rotated")
    receiver.status = 200
    advance(client, 1)
    assert [(r.path, r.headers["Authorization"]) for r in receiver.received] == [
        ("/webhooks/8x8", WEBHOOK_SECRET),
        ("/webhooks/8x8/new", "Bearer rotated"),
    ]


def test_an_event_whose_webhook_is_gone_is_dropped(
    client: httpx.Client, receiver: Receiver
) -> None:
    freeze(client)
    register(client, receiver.url)
    receiver.stop()
    create(client)
    client.request("DELETE", WEBHOOKS, json=[{"subAccountId": "*", "type": "CABM"}])
    advance(client, 1)
    assert deliveries(client)["pending"] == []
    assert deliveries(client)["finished"][0]["outcome"] == "dropped"


@pytest.mark.parametrize("location", ["header", "body"])
def test_oauth_client_credentials(client: httpx.Client, receiver: Receiver, location: str) -> None:
    oauth = {
        "url": f"http://127.0.0.1:{receiver.port}/oauth/token",
        "clientId": "wa",
        "clientSecret": "client-secret",
        "credentialsLocation": location,
        "scope": "events",
    }
    register(client, receiver.url, httpAuthorization=None, oauth=oauth)
    create(client)
    create(client, name="second")
    assert [r.headers["Authorization"] for r in receiver.received] == ["Bearer tok-1"] * 2
    [token] = receiver.token_requests  # cached until it expires
    form = dict(pair.split("=") for pair in token.body.decode().split("&"))
    assert form["grant_type"] == "client_credentials" and form["scope"] == "events"
    if location == "header":
        assert token.headers["Authorization"] == "Basic d2E6Y2xpZW50LXNlY3JldA=="
    else:
        assert (form["client_id"], form["client_secret"]) == ("wa", "client-secret")


def test_no_secret_is_shown_or_logged(
    client: httpx.Client, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "wa_templates.sandbox")
    register(client, receiver.url + "?token=in-the-query")
    receiver.status = 500
    create(client)
    shown = json.dumps(deliveries(client)) + caplog.text
    assert WEBHOOK_SECRET not in shown + client.get(WEBHOOKS).text
    # The URL is configuration (GET shows it whole), but a query may carry a token.
    assert "in-the-query" not in shown and "/webhooks/8x8" in shown
    assert "template_status_update" in caplog.text and "HTTP 500; retry in 1 s" in caplog.text


def test_pending_deliveries_outlive_the_process_that_queued_them(
    state_path: Path, receiver: Receiver
) -> None:
    with client_for(state_path) as first:
        freeze(first)
        register(first, receiver.url)
        receiver.stop()
        create(first)
    receiver.start()
    assert receiver.received == []
    # The next command's in-process sandbox delivers what fell due.
    with client_for(state_path) as second:
        advance(second, 1)
        assert len(receiver.received) == 1
        create(second, name="another")
        receiver.stop()
        second.patch(ADMIN_TEMPLATES + "/another/en_US", json={"status": "PAUSED"})
    receiver.start()
    # ... or a served sandbox, whose worker needs no request at all.
    running = start_in_thread(state_path, api_key="k", clock_rate=10_000)
    try:
        wait_until(lambda: len(receiver.received) == 3, "the retried pause event")
    finally:
        running.stop()
    assert receiver.events[-1]["eventDetails"]["meta"]["status"] == "PAUSED"
    assert Store(state_path).read().outbox == []


def test_a_served_sandbox_settles_and_delivers_in_the_background(
    tmp_path: Path, receiver: Receiver
) -> None:
    # 20,000 sandbox seconds a second: Meta's 3-hour pause lifts in about half a second.
    running = start_in_thread(tmp_path / "s.json", api_key="k", clock_rate=20_000)
    try:
        with httpx.Client(base_url=running.url, headers={"Authorization": "Bearer k"}) as http:
            register(http, receiver.url)
            create(http)
            http.patch(ADMIN_TEMPLATES + "/order_shipped/en_US", json={"quality": "RED"})
            wait_until(lambda: len(receiver.received) == 4, "the unpause")
            assert http.get(TEMPLATES).json()["templates"][0]["status"] == "APPROVED"
    finally:
        running.stop()
    metas = [e["eventDetails"]["meta"] for e in receiver.events]
    assert [m.get("status") or m["newQualityScore"] for m in metas] == [
        "APPROVED",
        "RED",
        "PAUSED",
        "APPROVED",
    ]
    assert metas[3]["otherInfo"]["title"] == "UNPAUSE"
    paused, unpaused = (moment(e["timestamp"]) for e in receiver.events[2:])
    assert unpaused - paused == timedelta(hours=3)


def test_the_deliver_route_delivers_what_is_due_and_reports_it(
    tmp_path: Path, receiver: Receiver
) -> None:
    running = start_in_thread(tmp_path / "s.json", api_key="k", clock_rate=0, deliver=False)
    try:
        with httpx.Client(base_url=running.url, headers={"Authorization": "Bearer k"}) as http:
            register(http, receiver.url)
            create(http)
            receiver.stop()
            create(http, name="second")
            assert receiver.received == []  # no worker: nothing goes out by itself
            report = http.post("/_sandbox/webhooks/deliver").json()
            assert report == {
                "attempted": 2,
                "delivered": 0,
                "failed": 2,
                "given_up": 0,
                "dropped": 0,
                "pending": 2,
                "next_attempt": report["next_attempt"],
            }
            receiver.start()
            assert http.post("/_sandbox/webhooks/deliver").json()["attempted"] == 0  # not due
            advance(http, 1)
            assert http.post("/_sandbox/webhooks/deliver").json()["delivered"] == 2
            unauthorised = http.post("/_sandbox/webhooks/deliver", headers={"Authorization": ""})
            assert unauthorised.status_code == 401
    finally:
        running.stop()
    assert sorted(e["eventDetails"]["templateName"] for e in receiver.events) == [
        "order_shipped",
        "second",
    ]
