"""What drift adds from a history store, per template and for the channel, in every format; and
what it says, once, without one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.drift.test_stage import ORDER, PROMO, drift_of, edited
from tests.memory import STORE, Remembered
from tests.plan.channel import NOW, listed, simple, source
from tests.wire import drift
from wa_templates.channel.known import CategoryChange, Known, PhoneState
from wa_templates.drift.report import DriftReport, parse_fail_on
from wa_templates.plan.model import PlanOptions
from wa_templates.render import drift as render

T = datetime(2026, 3, 2, 14, 3, tzinfo=UTC)
PAUSED = Known(
    approved_at=T - timedelta(days=1),
    status="PAUSED",
    status_at=T,
    pause_title="SECOND_PAUSE",
    quality="RED",
    previous_quality="GREEN",
    quality_at=T - timedelta(minutes=1),
    category_changes=(CategoryChange(T - timedelta(hours=5), "UTILITY", "MARKETING", "webhook"),),
    pauses=2,
    last_heard=T + timedelta(minutes=2),
)
PHONE = PhoneState("15550783881", "FLAGGED", T, "TIER_2K", True)


def remembered_drift(memory: Remembered) -> DriftReport:
    promo = source(PROMO)
    items = listed(promo, status="PAUSED")  # as 8x8 lists it: no pause title
    return drift(
        [promo], items, "target prod", PlanOptions(), parse_fail_on("warning"), memory=memory
    )


def test_each_template_gets_its_history() -> None:
    memory = Remembered({("promo", "en_US"): PAUSED}, PHONE)
    report = remembered_drift(memory)
    assert [(f.kind, f.detail) for f in report.findings] == [
        ("paused", "paused by Meta (SECOND_PAUSE): not sendable"),
        ("quality_red", "quality turned RED (was GREEN): recipients block or report it"),
    ]
    assert report.findings[0].next_step.startswith("second quality pause: auto-unpauses after 6 h")
    out = render.text(report, color=False)
    assert (
        "    history: approved 2026-03-01 14:03Z; quality RED since 2026-03-02 14:02Z, was GREEN; "
        "2nd pause: a 3rd disables it; category UTILITY -> MARKETING 2026-03-02 09:03Z; "
        "last heard 2026-03-02 14:05Z\n" in out
    )
    assert (
        "Phone number 15550783881 flagged for low quality; messaging limit TIER_2K\n"
        "    next: its messaging limit is lowered" in out
    )
    assert f"history {STORE}" in out and "No history store" not in out


def test_the_history_in_json_and_markdown() -> None:
    report = remembered_drift(Remembered({("promo", "en_US"): PAUSED}, PHONE))
    data = json.loads(render.as_json(report))
    assert data["history"] == {"store": STORE} and data["cannot_know"] == []
    assert data["phone"] == {
        "phone_number": "15550783881",
        "messaging_limit": "TIER_2K",
        "flagged": True,
        "last_event": "FLAGGED",
        "at": "2026-03-02T14:03:00+00:00",
    }
    [template] = data["templates"]
    history = template["history"]
    assert (history["pause_title"], history["pauses"], history["quality"]) == (
        "SECOND_PAUSE",
        2,
        "RED",
    )
    assert history["pauses_note"] == "2nd pause: a 3rd disables it"
    assert history["category_changes"] == [
        {
            "at": "2026-03-02T09:03:00+00:00",
            "from": "UTILITY",
            "to": "MARKETING",
            "source": "webhook",
        }
    ]
    assert history["last_heard"] == "2026-03-02T14:05:00+00:00"
    md = render.markdown(report)
    assert "**Phone number:** phone number 15550783881 flagged for low quality" in md
    assert "<details><summary>History: what 8x8's webhooks and earlier runs told (1)" in md
    assert "2nd pause: a 3rd disables it" in md


def promo_detail(status: str, known: Known) -> str:
    """The first finding of the promo listed with `status`, the history knowing `known`."""
    promo = source(PROMO)
    memory = Remembered({("promo", "en_US"): known})
    return drift([promo], listed(promo, status=status), "p", memory=memory).findings[0].detail


def test_details_are_borrowed_only_for_the_status_the_channel_shows() -> None:
    flagged = Known(status="FLAGGED", disable_date="2026-03-09", last_heard=T)
    expected = "flagged for low quality: will be disabled on 2026-03-09"
    assert promo_detail("FLAGGED", flagged) == expected
    # The history's newest status is not what the channel lists now: its details are not used.
    assert promo_detail("PAUSED", flagged) == "paused by Meta: not sendable"
    paused = Known(status="PAUSED", pause_title="FIRST_PAUSE", last_heard=T)
    assert promo_detail("PAUSED", paused) == "paused by Meta (FIRST_PAUSE): not sendable"


def test_an_approved_then_rejected_template_out_of_sync_is_not_recreated_by_apply() -> None:
    order = source(ORDER)
    [item] = listed(order, status="REJECTED")
    item["updatedAt"] = (NOW + timedelta(hours=1)).isoformat()  # inside the 48 hours
    items = [edited(item, "Hello {{1}}, edited in WhatsApp Manager.")]
    plain = drift([order], items, "p")
    [out_of_sync] = [f for f in plain.findings if f.kind == "out_of_sync"]
    assert "`wa-templates apply` recreates 'order_update'" in out_of_sync.next_step
    memory = Remembered({("order_update", "en_US"): Known(approved_at=NOW, status="REJECTED")})
    known = drift([order], items, "p", memory=memory)
    [out_of_sync] = [f for f in known.findings if f.kind == "out_of_sync"]
    assert "recreates" not in out_of_sync.next_step
    assert "8x8 cannot edit a live template" in out_of_sync.next_step
    [rejected] = [f for f in known.findings if f.kind == "rejected"]
    assert rejected.detail.startswith("rejected by Meta after it was approved on 2024-05-01")


def test_a_recategorisation_says_when() -> None:
    utility = source(simple("ship"))
    change = CategoryChange(T, "UTILITY", "MARKETING", "webhook")
    memory = Remembered({("ship", "en_US"): Known(approved_at=NOW, category_changes=(change,))})
    report = drift([utility], listed(utility, category="MARKETING"), "p", memory=memory)
    [finding] = report.findings
    assert finding.detail == "Meta recategorised it from UTILITY to MARKETING on 2026-03-02 14:03Z"


def test_quality_yellow_is_a_note_and_green_only_a_fact() -> None:
    promo = source(PROMO)
    for score, kinds in (("YELLOW", ["quality"]), ("GREEN", [])):
        known = Known(approved_at=NOW, status="APPROVED", quality=score, quality_at=T)
        report = drift([promo], listed(promo), "p", memory=Remembered({("promo", "en_US"): known}))
        assert [f.kind for f in report.findings] == kinds
        assert not report.drift  # a YELLOW score is information, not counted by default
    data = json.loads(render.as_json(report))
    assert data["templates"][0]["history"]["quality"] == "GREEN"


def test_a_template_the_history_holds_nothing_of_says_so() -> None:
    promo = source(PROMO)
    report = drift([promo], listed(promo, status="PAUSED"), "p", memory=Remembered())
    assert "    history: nothing recorded yet\n" in render.text(report, color=False)
    assert json.loads(render.as_json(report))["templates"][0]["history"] is None


def test_without_history_drift_says_once_what_it_cannot_know() -> None:
    promo, order = source(PROMO), source(ORDER)
    report = drift_of(
        [promo, order], listed(promo, status="PAUSED") + listed(order, status="FLAGGED")
    )
    out = render.text(report, color=False)
    assert out.count("No history store") == 1
    assert "pause titles, disable dates, quality scores" in out
    assert "set `history` for the target" in out
    assert "history:" not in out
    md = render.markdown(report)
    assert md.count("No history store") == 1 and "[!NOTE]" in md
    assert "History:" not in md
