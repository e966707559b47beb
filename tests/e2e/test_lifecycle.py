"""plan and apply over real HTTP against `sandbox serve`: create, no false positives, blocked,
recreate, versioned replace and prune, unmanaged and ignore, status findings."""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.e2e.conftest import Project, Sandbox, simple
from tests.plan.catalogue import CATALOGUE

pytestmark = pytest.mark.e2e


def test_first_apply_creates_everything_then_nothing_changes(
    linked: Project, sandbox: Sandbox
) -> None:
    for name, text in CATALOGUE.items():
        linked.write(name, text)
    planned = linked.run("plan", "--detailed-exitcode")
    assert planned.code == 2, planned.err
    expected = {(n, lang) for n, t in CATALOGUE.items() for lang in _languages(t)}
    assert f"Plan: {len(expected)} to create, 0 to recreate, 0 to delete, 0 blocked." in planned.out

    applied = linked.run("apply", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    assert f"Apply finished: {len(expected)} created, 0 names deleted, 0 failed." in applied.out
    assert set(sandbox.listed()) == expected
    assert {t["status"] for t in sandbox.listed().values()} == {"APPROVED"}

    # No false positives: presets, media, named samples, carousels, FLOW defaults, newlines.
    again = linked.run("plan", "--detailed-exitcode", "--format", "json")
    assert again.code == 0, again.out
    data = json.loads(again.out)
    assert {c["action"] for c in data["resource_changes"]} == {"no-op"}
    assert data["findings"] == [] and data["unmanaged"] == []

    creations = sandbox.creations()
    twice = linked.run("apply", "--auto-approve")
    assert twice.code == 0 and "No changes" in twice.out
    assert sandbox.creations() == creations


def _languages(text: str) -> list[str]:
    import yaml

    return list(yaml.safe_load(textwrap.dedent(text))["languages"])


def test_create_only_options_are_said_once_and_never_a_change(
    linked: Project, sandbox: Sandbox
) -> None:
    linked.write("opts", simple("opts", extra="allow_category_change: true\n"))
    assert linked.run("apply", "--auto-approve").code == 0
    linked.write(
        "opts",
        simple("opts", extra="allow_category_change: false\nmessage_send_ttl_seconds: 900\n"),
    )
    planned = linked.run("plan", "--detailed-exitcode")
    assert planned.code == 0, planned.out
    assert planned.out.count("allow_category_change") == 1
    assert "message_send_ttl_seconds" in planned.out


def test_change_of_an_approved_template_is_blocked_and_the_whole_plan_prints(
    linked: Project, sandbox: Sandbox
) -> None:
    linked.write("order_update", simple("order_update", es="Hola {{1}}, tu pedido va en camino."))
    assert linked.run("apply", "--auto-approve").code == 0
    linked.write(
        "order_update",
        simple(
            "order_update",
            body="Hello {{1}}, your order was handed to the courier today.",
            es="Hola {{1}}, tu pedido va en camino.",
        ),
    )
    linked.write("brand_new", simple("brand_new"))
    planned = linked.run("plan")
    assert planned.code == 3
    assert "template.order_update[en_US]" in planned.out and "blocked" in planned.out
    assert "30 days" in planned.out and "versioning: suffix" in planned.out
    assert "template.brand_new[en_US]" in planned.out  # the rest of the plan is still shown
    creations = sandbox.creations()
    applied = linked.run("apply", "--auto-approve")
    assert applied.code == 3 and "template.order_update[en_US]" in applied.out
    assert sandbox.creations() == creations
    assert sandbox.status("order_update") == "APPROVED"


def test_rejected_template_is_reported_then_recreated_with_every_language(
    linked: Project, sandbox: Sandbox
) -> None:
    otp = "Your verification code is {{1}}, it is valid for ten minutes today."
    otp_es = "Hola, tu código de verificación es {{1}} y vale diez minutos."
    linked.write("code_notice", simple("code_notice", body=otp, es=otp_es))
    assert linked.run("apply", "--auto-approve").code == 0
    assert sandbox.status("code_notice") == "REJECTED"
    assert sandbox.status("code_notice", "es_ES") == "REJECTED"

    # A status is a finding, never a change. 8x8's list has no reason (its webhook has).
    reported = linked.run("plan", "--detailed-exitcode")
    assert reported.code == 0, reported.out
    assert "rejected by Meta: reason not reported" in reported.out

    linked.write(
        "code_notice",
        simple(
            "code_notice", body="Hello {{1}}, your order has shipped and is on its way.", es=otp_es
        ),
    )
    planned = linked.run("plan", "--detailed-exitcode")
    assert planned.code == 2
    assert planned.out.count("recreate") >= 2
    assert "all its languages (en_US, es_ES)" in planned.out
    applied = linked.run("apply", "--auto-approve")
    assert applied.code == 0, applied.out
    assert "Apply finished: 2 created, 1 name deleted, 0 failed." in applied.out.splitlines()
    assert sandbox.status("code_notice") == "APPROVED"
    # es_ES was recreated unchanged (8x8 deletes by name), and Meta rejects it again.
    assert sandbox.status("code_notice", "es_ES") == "REJECTED"
    assert linked.run("plan", "--detailed-exitcode").code == 0


def test_versioned_replace_then_prune(linked: Project, slow_review: Sandbox) -> None:
    sandbox = slow_review
    linked.configure(sandbox.url, extra='versioning = "suffix"')
    linked.write("order_update", simple("order_update"))
    assert linked.run("apply", "--auto-approve").code == 0
    sandbox.advance(2)
    assert sandbox.status("order_update") == "APPROVED"

    linked.write("order_update", simple("order_update", body="Hello {{1}}, it left today."))
    planned = linked.run("plan", "--detailed-exitcode")
    assert planned.code == 2
    assert "template.order_update_v2[en_US]" in planned.out
    assert "'order_update' stays until 'order_update_v2' is approved" in planned.out
    assert linked.run("apply", "--auto-approve").code == 0
    assert sandbox.status("order_update_v2") == "PENDING"

    names = linked.run("names", "--format", "json")
    assert json.loads(names.out) == {"order_update": {"en_US": "order_update"}}
    # The old version stays, even with --prune, until the new one is approved.
    waiting = linked.run("plan", "--prune", "--detailed-exitcode")
    assert waiting.code == 0, waiting.out
    assert "superseded" not in waiting.out

    sandbox.advance(2)
    names = linked.run("names", "--format", "json")
    assert json.loads(names.out) == {"order_update": {"en_US": "order_update_v2"}}
    candidate = linked.run("plan", "--detailed-exitcode")
    assert candidate.code == 0 and "superseded by 'order_update_v2'" in candidate.out
    assert "--prune" in candidate.out

    pruned = linked.run("apply", "--prune", "--auto-approve")
    assert pruned.code == 0, pruned.out
    assert set(sandbox.listed()) == {("order_update_v2", "en_US")}
    assert linked.run("plan", "--prune", "--detailed-exitcode").code == 0


def test_unmanaged_reported_untouched_and_ignored(linked: Project, sandbox: Sandbox) -> None:
    linked.configure(sandbox.url, extra='ignore = ["legacy_*"]')
    linked.write("mine", simple("mine"))
    sandbox.create("someone_elses")
    sandbox.create("legacy_promo")
    planned = linked.run("plan")
    assert planned.code == 0
    assert "someone_elses" in planned.out and "legacy_promo" not in planned.out
    assert linked.run("apply", "--auto-approve").code == 0
    assert ("someone_elses", "en_US") in sandbox.listed()

    pruned = linked.run("apply", "--prune", "--auto-approve")
    assert pruned.code == 0, pruned.out
    assert "every language" in pruned.out and "30 days" in pruned.out
    assert set(sandbox.listed()) == {("mine", "en_US"), ("legacy_promo", "en_US")}


def test_status_findings_are_never_changes(linked: Project, sandbox: Sandbox) -> None:
    statuses = {
        "paused_one": {"status": "PAUSED", "reason": "FIRST_PAUSE"},
        "flagged_one": {"status": "FLAGGED", "reason": "2030-01-31"},
        "disabled_one": {"status": "DISABLED"},
        "appeal_one": {"status": "IN_APPEAL"},
        "moved_one": {"category": "MARKETING"},
        "rejected_one": {"status": "REJECTED", "reason": "INVALID_FORMAT"},
    }
    for name in statuses:
        linked.write(name, simple(name, body=f"Hello {{{{1}}}}, your {name} order has shipped."))
    assert linked.run("apply", "--auto-approve").code == 0
    sandbox.older_data()
    for name, change in statuses.items():
        sandbox.patch(name, **change)
    planned = linked.run("plan", "--detailed-exitcode")
    assert planned.code == 0, planned.out
    for words in (
        "paused by Meta (FIRST_PAUSE)",
        "will be disabled on 2030-01-31",
        "disabled by Meta for good",
        "rejection under appeal",
        "recategorised it from UTILITY to MARKETING",
        "rejected by Meta: INVALID_FORMAT",
    ):
        assert words in planned.out
    creations = sandbox.creations()
    assert linked.run("apply", "--auto-approve").code == 0
    assert sandbox.creations() == creations


def test_pending_review_is_a_finding(linked: Project, slow_review: Sandbox) -> None:
    linked.configure(slow_review.url)
    linked.write("waiting", simple("waiting"))
    assert linked.run("apply", "--auto-approve").code == 0
    planned = linked.run("plan", "--detailed-exitcode")
    assert planned.code == 0 and "still in Meta's review" in planned.out
