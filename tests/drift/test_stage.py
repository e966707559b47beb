"""The drift stage: sync and health per managed name + language, from hand-made list items."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from tests.plan.catalogue import CATALOGUE
from tests.plan.channel import listed, made_for, simple, source
from tests.wire import build as build_plan
from tests.wire import drift
from wa_templates.channel.remote import ListItem
from wa_templates.drift.report import (
    DEFAULT_FAIL_ON,
    KINDS,
    DriftFinding,
    DriftReport,
    FailOnError,
    parse_fail_on,
)
from wa_templates.files.load import Source
from wa_templates.plan.build import PlanOptions
from wa_templates.plan.model import Action

ORDER = simple("order_update")
TWO_LANGS = textwrap.dedent(
    """\
    name: order_update
    category: UTILITY
    languages:
      en_US:
        body:
          text: "Hello {{1}}, your order has shipped."
          examples: ["Ana"]
      es_ES:
        body:
          text: "Hola {{1}}, tu pedido va en camino."
          examples: ["Ana"]
    """
)
PROMO = textwrap.dedent(
    """\
    name: promo
    category: MARKETING
    languages:
      en_US:
        body:
          text: "Hello {{1}}, our summer sale starts today. Reply STOP to opt out."
          examples: ["Ana"]
    """
)


def drift_of(
    sources: list[Source],
    items: list[ListItem],
    fail_on: str = DEFAULT_FAIL_ON,
    **options: Any,
) -> DriftReport:
    return drift(sources, items, "target prod", PlanOptions(**options), parse_fail_on(fail_on))


def only(report: DriftReport) -> DriftFinding:
    assert len(report.findings) == 1, [(f.kind, f.detail) for f in report.findings]
    return report.findings[0]


def edited(item: ListItem, text: str) -> ListItem:
    """`item` as if its body was changed in WhatsApp Manager."""
    components = [dict(c, text=text) if c["type"] == "BODY" else c for c in item["components"]]
    return dict(item, components=components)


# --- sync ---------------------------------------------------------------------------------


def test_synced_and_approved_is_no_finding_and_no_drift() -> None:
    src = source(TWO_LANGS)
    report = drift_of([src], listed(src))
    assert report.findings == [] and report.unmanaged == [] and not report.drift
    assert [(r.name, r.language, r.sync, r.health, r.status) for r in report.resources] == [
        ("order_update", "en_US", "Synced", "Healthy", "APPROVED"),
        ("order_update", "es_ES", "Synced", "Healthy", "APPROVED"),
    ]
    assert report.summary()["sync"] == {"Synced": 2, "OutOfSync": 0, "Missing": 0, "Unknown": 0}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_no_false_drift_right_after_apply(name: str) -> None:
    src = source(CATALOGUE[name])
    report = drift_of([src], listed(src))
    assert report.findings == [], [(f.name, f.language, f.kind, f.detail) for f in report.findings]
    assert {r.sync for r in report.resources} == {"Synced"}


def test_edited_outside_git_is_out_of_sync_with_the_field_diff() -> None:
    src = source(ORDER)
    [item] = listed(src)
    report = drift_of([src], [edited(item, "Hello {{1}}, your order left the warehouse.")])
    finding = only(report)
    assert (finding.kind, finding.severity, finding.sync, finding.health) == (
        "out_of_sync",
        "warning",
        "OutOfSync",
        "Healthy",
    )
    assert "body.text" in finding.detail and "edited outside git" in finding.detail
    assert [(c.path, c.before, c.after) for c in finding.changes] == [
        (
            "body.text",
            "Hello {{1}}, your order left the warehouse.",
            "Hello {{1}}, your order has shipped.",
        )
    ]
    # Live: apply cannot replace it under the same name, so the step says so.
    assert "cannot edit a live template" in finding.next_step
    assert "templates/t.yaml" in finding.next_step
    assert report.drift
    [resource] = report.resources
    assert (resource.sync, resource.health) == ("OutOfSync", "Healthy")


def test_out_of_sync_while_never_approved_says_apply_recreates_it() -> None:
    src = source(ORDER)
    [item] = listed(src, status="REJECTED")
    report = drift_of([src], [edited(item, "Hello {{1}}, something else entirely.")])
    kinds = {f.kind: f for f in report.findings}
    assert set(kinds) == {"out_of_sync", "rejected"}
    assert "`wa-templates apply` recreates 'order_update'" in kinds["out_of_sync"].next_step


def test_many_differing_fields_are_named_on_one_line() -> None:
    full = textwrap.dedent(
        """\
        name: t
        category: UTILITY
        languages:
          en_US:
            header: {format: TEXT, text: "Order news"}
            body:
              text: "Hi {{1}}, the parcel moved."
              examples: ["Bo"]
            footer: {text: "Thanks"}
            buttons:
              - {type: QUICK_REPLY, text: "Stop"}
              - {type: QUICK_REPLY, text: "More"}
        """
    )
    src = source(full)
    channel = source(
        full.replace("news", "update")
        .replace("moved", "left")
        .replace("Thanks", "Cheers")
        .replace("Stop", "Halt")
        .replace("More", "Less")
    )
    finding = only(drift_of([src], listed(channel)))
    assert "\n" not in finding.detail and len(finding.changes) == 5
    assert "differs from the repository in body.text, buttons[0].text, buttons[1].text, " in (
        finding.detail
    )
    assert "and 1 more" in finding.detail


def test_missing_on_the_channel() -> None:
    report = drift_of([source(ORDER)], [])
    finding = only(report)
    assert (finding.kind, finding.severity, finding.sync, finding.health) == (
        "missing",
        "error",
        "Missing",
        "Missing",
    )
    assert finding.detail == "in templates/t.yaml but not on the channel"
    assert "wa-templates apply" in finding.next_step
    assert report.drift and report.resources[0].status is None


def test_a_language_missing_from_a_name_that_is_there() -> None:
    src = source(TWO_LANGS)
    report = drift_of([src], listed(src, languages=["en_US"]))
    finding = only(report)
    assert (finding.name, finding.language, finding.kind) == ("order_update", "es_ES", "missing")


def test_language_on_the_channel_but_not_in_the_file() -> None:
    both = source(TWO_LANGS)
    one = source(TWO_LANGS.split("  es_ES:")[0])
    report = drift_of([one], listed(both, status="PAUSED"))
    by_kind = {(f.language, f.kind): f for f in report.findings}
    assert set(by_kind) == {
        ("en_US", "paused"),
        ("es_ES", "extra_language"),
        ("es_ES", "paused"),
    }
    extra = by_kind[("es_ES", "extra_language")]
    assert (extra.sync, extra.health, extra.severity) == ("OutOfSync", "Suspended", "warning")
    assert "not in templates/t.yaml" in extra.detail


def test_unreadable_content_is_unknown_sync() -> None:
    src = source(ORDER)
    [item] = listed(src)
    item["components"] = "garbage"
    report = drift_of([src], [item])
    finding = only(report)
    assert (finding.kind, finding.sync, finding.health) == ("unreadable", "Unknown", "Healthy")
    assert report.summary()["sync"]["Unknown"] == 1


def test_category_changed_by_meta_is_a_health_finding_not_a_content_change() -> None:
    src = source(ORDER)
    report = drift_of([src], listed(src, category="MARKETING"))
    finding = only(report)
    assert (finding.kind, finding.severity, finding.sync) == (
        "category_changed",
        "warning",
        "Synced",
    )
    assert "from UTILITY to MARKETING" in finding.detail
    assert "`category: MARKETING` in templates/t.yaml" in finding.next_step
    assert report.drift


def test_category_differs_on_a_template_still_in_review_is_out_of_sync() -> None:
    src = source(ORDER)
    report = drift_of([src], listed(src, category="MARKETING", status="PENDING"))
    kinds = {f.kind: f for f in report.findings}
    assert set(kinds) == {"out_of_sync", "pending_review"}
    assert [(c.path, c.before, c.after) for c in kinds["out_of_sync"].changes] == [
        ("category", "MARKETING", "UTILITY")
    ]


def test_out_of_sync_agrees_with_plan() -> None:
    """Drift calls out of sync or missing exactly what plan would create or change."""
    same = source(simple("same"))
    changed = source(simple("changed"))
    gone = source(simple("gone"))
    both = source(TWO_LANGS)
    [pending] = listed(changed, status="PENDING")
    items = [
        *listed(same),
        edited(pending, "Hello {{1}}, changed."),
        *listed(both, languages=["en_US"]),
    ]
    sources = [same, changed, gone, both]
    report = drift_of(sources, items)
    plan = build_plan(sources, items, made_for("prod"))
    unsynced = {(r.name, r.language) for r in report.resources if r.sync != "Synced"}
    changing = {(c.name, c.language) for c in plan.changes if c.action is not Action.NOOP}
    assert (
        unsynced
        == changing
        == {
            ("changed", "en_US"),
            ("gone", "en_US"),
            ("order_update", "es_ES"),
        }
    )


# --- health -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "severity", "health", "counted"),
    [
        ("PENDING", "pending_review", "info", "Progressing", False),
        ("REJECTED", "rejected", "error", "Degraded", True),
        ("PAUSED", "paused", "warning", "Suspended", True),
        ("DISABLED", "disabled", "error", "Degraded", True),
        ("FLAGGED", "flagged", "warning", "Degraded", True),
        ("IN_APPEAL", "in_appeal", "info", "Progressing", False),
        ("PENDING_DELETION", "pending_deletion", "warning", "Degraded", True),
        # Meta's message_template_status_update statuses beyond the review and quality ones.
        ("REINSTATED", "reinstated", "info", "Healthy", False),
        ("UNARCHIVED", "unarchived", "info", "Healthy", False),
        ("LOCKED", "locked", "info", "Healthy", False),
        ("ARCHIVED", "archived", "error", "Degraded", True),
        ("LIMIT_EXCEEDED", "limit_exceeded", "error", "Degraded", True),
        ("LIMBO", "unknown_status", "warning", "Unknown", True),
    ],
)
def test_every_status_has_its_kind_severity_and_health(
    status: str, kind: str, severity: str, health: str, counted: bool
) -> None:
    src = source(ORDER)
    report = drift_of([src], listed(src, status=status))
    finding = only(report)
    assert (finding.kind, finding.severity, finding.health, finding.sync) == (
        kind,
        severity,
        health,
        "Synced",
    )
    assert KINDS[kind] == severity
    assert finding.detail and "\n" not in finding.detail and finding.next_step
    assert report.resources[0].health == health
    assert report.drift is counted


@pytest.mark.parametrize(
    ("title", "category", "in_detail", "in_step", "not_in_step"),
    [
        ("FIRST_PAUSE", "UTILITY", "(FIRST_PAUSE)", "auto-unpauses after 3 h", "pacing"),
        ("SECOND_PAUSE", "UTILITY", "(SECOND_PAUSE)", "after 6 h", "pacing"),
        ("RATE_LIMITING_PAUSE", "MARKETING", "(RATE_LIMITING_PAUSE)", "pacing", "3 h"),
        (None, "MARKETING", "paused by Meta:", "unpause it in WhatsApp Manager", "3 h"),
        (None, "UTILITY", "paused by Meta:", "auto-unpauses after 3 h", "pacing"),
    ],
)
def test_pause_title_picks_the_next_step(
    title: str | None, category: str, in_detail: str, in_step: str, not_in_step: str
) -> None:
    src = source(PROMO if category == "MARKETING" else ORDER)
    report = drift_of([src], listed(src, status="PAUSED", reason=title))
    finding = only(report)
    assert finding.kind == "paused" and finding.health == "Suspended"
    assert in_detail in finding.detail
    assert in_step in finding.next_step and not_in_step not in finding.next_step
    if title is None:
        assert "(" not in finding.detail


def test_flagged_names_its_disable_date() -> None:
    src = source(ORDER)
    dated = only(drift_of([src], listed(src, status="FLAGGED", reason="2024-06-01")))
    assert "disabled on 2024-06-01" in dated.detail
    undated = only(drift_of([src], listed(src, status="FLAGGED")))
    assert "disabled soon" in undated.detail


@pytest.mark.parametrize(
    ("reason", "step"),
    [
        ("INCORRECT_CATEGORY", "set the category Meta expects"),
        ("INVALID_FORMAT", "wa-templates validate"),
        ("PROMOTIONAL", "remove promotional wording"),
        ("SCAM", "change the content"),
    ],
)
def test_rejection_reason_and_its_step(reason: str, step: str) -> None:
    src = source(ORDER)
    finding = only(drift_of([src], listed(src, status="REJECTED", reason=reason)))
    assert finding.detail == f"rejected by Meta: {reason}"
    assert step in finding.next_step
    unknown = only(drift_of([src], listed(src, status="REJECTED")))
    assert unknown.detail == "rejected by Meta: reason not reported"


# --- versions, unmanaged, ignore ----------------------------------------------------------

V1 = simple("order_update", versioning="suffix")
V2 = simple("order_update", body="Hello {{1}}, your order is on its way.", versioning="suffix")


def test_versioned_template_is_compared_with_its_newest_version() -> None:
    v1, v2 = source(V1), source(V2)
    items = listed(v1) + listed(v2, name="order_update_v2", status="PENDING")
    report = drift_of([v2], items)
    finding = only(report)
    assert (finding.name, finding.kind, finding.sync, finding.template) == (
        "order_update_v2",
        "pending_review",
        "Synced",
        "order_update",
    )
    assert "'order_update' (version 1) is sent meanwhile" in finding.detail
    assert report.unmanaged == [] and not report.drift
    [resource] = report.resources
    assert (resource.template, resource.name) == ("order_update", "order_update_v2")


def test_versioned_template_changed_since_its_newest_version() -> None:
    v1 = source(V1)
    v3 = source(V1.replace("has shipped", "was delivered"))
    items = listed(v1, status="APPROVED") + listed(
        source(V2), name="order_update_v2", status="APPROVED"
    )
    finding = only(drift_of([v3], items))
    assert (finding.name, finding.kind) == ("order_update_v2", "out_of_sync")
    assert "`wa-templates apply` creates 'order_update_v3'" in finding.next_step


def test_older_version_still_sent_is_watched_for_health() -> None:
    v1, v2 = source(V1), source(V2)
    items = listed(v1, status="PAUSED", reason="FIRST_PAUSE") + listed(
        v2, name="order_update_v2", status="PENDING"
    )
    report = drift_of([v2], items)
    by_name = {f.name: f for f in report.findings}
    assert set(by_name) == {"order_update", "order_update_v2"}
    old = by_name["order_update"]
    assert (old.kind, old.sync, old.health) == ("paused", "Superseded", "Suspended")
    assert "version 1" in old.detail and "order_update_v2" in old.detail
    assert report.drift


def test_superseded_version_is_quiet_once_the_newest_is_approved() -> None:
    v1, v2 = source(V1), source(V2)
    items = listed(v1, status="PAUSED") + listed(v2, name="order_update_v2")
    report = drift_of([v2], items)
    assert report.findings == [] and report.unmanaged == []


def test_versioning_from_project_options_and_nothing_on_the_channel() -> None:
    plain = source(simple("order_update"))
    items = listed(plain) + listed(source(V2), name="order_update_v2", status="REJECTED")
    newer = source(simple("order_update", body="Hello {{1}}, your order is on its way."))
    report = drift_of([newer], items, versioning="suffix")
    assert [(f.name, f.kind) for f in report.findings] == [("order_update_v2", "rejected")]
    missing = only(drift_of([source(V1)], []))
    assert (missing.name, missing.kind) == ("order_update", "missing")


def test_unmanaged_templates_are_listed_apart_and_count_only_when_asked() -> None:
    src = source(ORDER)
    stray = source(simple("stray"))
    items = listed(src) + listed(stray, status="PAUSED")
    report = drift_of([src], items)
    assert report.findings == []
    assert report.unmanaged == [
        {"name": "stray", "language": "en_US", "status": "PAUSED", "category": "UTILITY"}
    ]
    assert not report.drift
    assert drift_of([src], items, fail_on="unmanaged").drift
    assert drift_of([src], items, fail_on="error,unmanaged").drift


def test_ignore_patterns_hide_both_sides() -> None:
    kept = source(ORDER)
    ignored_file = source(simple("legacy_promo"))
    items = listed(kept) + listed(source(simple("legacy_old")), status="DISABLED")
    report = drift_of([kept, ignored_file], items, ignore=("legacy_*",))
    assert report.findings == [] and report.unmanaged == []
    assert [r.name for r in report.resources] == ["order_update"]
    unignored = drift_of([kept, ignored_file], items)
    assert {f.name for f in unignored.findings} == {"legacy_promo"}
    assert [u["name"] for u in unignored.unmanaged] == ["legacy_old"]


# --- fail-on ------------------------------------------------------------------------------


INFO_ONLY = ("reinstated", "unarchived", "locked")
"""Statuses that say the template is fine again: reported, never drift."""


def finding(kind: str) -> DriftFinding:
    return DriftFinding("t", "en_US", kind, KINDS[kind], "", "", "", "")


@pytest.mark.parametrize(
    ("spec", "counted"),
    [
        ("warning", set(KINDS) - {"pending_review", "in_appeal", "quality", *INFO_ONLY}),
        ("error", {"missing", "rejected", "disabled", "archived", "limit_exceeded"}),
        ("info", set(KINDS)),
        ("paused", {"paused"}),
        (
            "error, paused ,flagged",
            {"missing", "rejected", "disabled", "archived", "limit_exceeded", "paused", "flagged"},
        ),
        ("PENDING_REVIEW", {"pending_review"}),
        ("none", set()),
        ("unmanaged", set()),
    ],
)
def test_fail_on_counts(spec: str, counted: set[str]) -> None:
    fail_on = parse_fail_on(spec)
    assert {k for k in KINDS if fail_on.counts(finding(k))} == counted


def test_default_fail_on_counts_a_paused_template() -> None:
    assert parse_fail_on(DEFAULT_FAIL_ON).counts(finding("paused"))
    assert not parse_fail_on(DEFAULT_FAIL_ON).unmanaged


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "at least one"),
        (" , ", "at least one"),
        ("paused,bogus", "unknown 'bogus'"),
        ("none,error", "cannot be combined"),
    ],
)
def test_fail_on_refuses_what_it_does_not_know(spec: str, message: str) -> None:
    with pytest.raises(FailOnError, match=message):
        parse_fail_on(spec)


def test_report_is_deterministic_and_summarised() -> None:
    a, b = source(ORDER), source(PROMO)
    items = listed(a, status="PENDING") + listed(b, status="PAUSED") + listed(source(simple("z")))
    first = drift_of([a, b], items)
    assert first == drift_of([b, a], list(reversed(items)))
    summary = first.summary()
    assert summary["resources"] == 2 and summary["findings"] == 2 and summary["counted"] == 1
    assert summary["health"]["Progressing"] == 1 and summary["health"]["Suspended"] == 1
    assert summary["severity"] == {"error": 0, "warning": 1, "info": 1}
    assert summary["unmanaged"] == 1 and summary["fail_on"] == "warning"
