"""Adopting a channel built outside git, over HTTP against `sandbox serve`: templates the file
format does not model, written in the raw form (`components:`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ACCOUNT, CHANNEL, TEMPLATES, Project, Sandbox, simple
from wa_templates.files.load import load_file

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
BODY = {
    "type": "BODY",
    "text": "Good news, {{1}}! Use code {{2}} today.",
    "examples": ["Ana", "X1"],
}
SPM = {"type": "BUTTONS", "buttons": [{"type": "SPM", "text": "View"}]}
PRODUCT_CARD = {"components": [{"type": "HEADER", "format": "PRODUCT"}, SPM]}
FEATURES: dict[str, list[dict[str, Any]]] = {
    "summer_offer": [
        {"type": "HEADER", "format": "IMAGE", "examples": ["https://cdn.example.com/summer.png"]},
        {
            "type": "LIMITED_TIME_OFFER",
            "limited_time_offer": {"text": "Expiring offer!", "has_expiration": True},
        },
        BODY,
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "COPY_CODE", "examples": ["CARIBE25"]},
                {
                    "type": "URL",
                    "text": "Book",
                    "url": "https://x.example/{{1}}",
                    "examples": ["a"],
                },
            ],
        },
    ],
    "browse_catalog": [
        {**BODY, "text": "Shop our range here on WhatsApp. Reply STOP to opt out.", "examples": []},
        {"type": "BUTTONS", "buttons": [{"type": "CATALOG", "text": "View catalog"}]},
    ],
    "weekly_picks": [
        {"type": "HEADER", "format": "TEXT", "text": "This week's picks"},
        BODY,
        {"type": "BUTTONS", "buttons": [{"type": "MPM", "text": "View items"}]},
    ],
    "back_in_stock_item": [{"type": "HEADER", "format": "PRODUCT"}, BODY, SPM],
    "product_cards": [BODY, {"type": "CAROUSEL", "cards": [PRODUCT_CARD, PRODUCT_CARD]}],
}
NAMED = {
    "summer_offer": "limited-time offer",
    "browse_catalog": "CATALOG button",
    "weekly_picks": "MPM button",
    "back_in_stock_item": "PRODUCT header, SPM button",
    "product_cards": "product carousel",
}


def raw_file(name: str, components: list[dict[str, Any]], category: str = "MARKETING") -> str:
    # JSON is YAML: the component array exactly as 8x8's create payload holds it.
    return (
        f"name: {name}\ncategory: {category}\nlanguages:\n  en_US:\n"
        f"    components: {json.dumps(components)}\n"
    )


def _strip_empty(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in c.items() if v != []} for c in components]


def test_every_unmodelled_feature_is_applied_planned_and_imported_unchanged(
    linked: Project, sandbox: Sandbox
) -> None:
    linked.write("order_update", simple("order_update"))
    for name, components in FEATURES.items():
        linked.write(name, raw_file(name, _strip_empty(components)))
    checked = linked.run("validate")
    assert checked.code == 0, checked.out
    warnings = [line for line in checked.out.splitlines() if "WA110" in line]
    assert len(warnings) == len(FEATURES)  # one per raw language, none for order_update
    for name, feature in NAMED.items():
        assert any(f"{name}.yaml" in w and f"({feature})" in w for w in warnings), feature
    applied = linked.run("apply", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    # Sent as written: the channel holds the very array the file gave.
    channel = sandbox.state().existing_channel(ACCOUNT, CHANNEL)
    assert channel is not None
    for name, components in FEATURES.items():
        assert sandbox.status(name) == "APPROVED"
        stored = channel.find(name, "en_US")
        assert stored is not None and stored.components == _strip_empty(components)
    assert linked.run("plan", "--detailed-exitcode").code == 0

    # Adopt the channel afresh: import writes the raw form, and it plans as no change.
    shutil.rmtree(linked.templates)
    linked.templates.mkdir()
    imported = linked.run("import")
    assert imported.code == 0, imported.out + imported.err
    for name in FEATURES:
        assert f"created    templates/{name}.yaml (en_US APPROVED)" in imported.out
        text = (linked.templates / f"{name}.yaml").read_text(encoding="utf-8")
        assert "    components:\n      - type: " in text
    offer = load_file(linked.templates / "summer_offer.yaml")[0]
    assert offer is not None
    assert offer.template.languages["en_US"].components == FEATURES["summer_offer"]
    assert linked.run("validate").code == 0
    plan = linked.run("plan", "--detailed-exitcode")
    assert plan.code == 0, plan.out
    assert "No changes" in plan.out
    drift = linked.run("drift")
    assert drift.code == 0, drift.out


def test_templates_built_elsewhere_no_longer_break_the_repository(
    linked: Project, sandbox: Sandbox
) -> None:
    linked.write("order_update", simple("order_update"))
    assert linked.run("apply", "--auto-approve").code == 0
    before = (linked.templates / "order_update.yaml").read_bytes()
    # Built in WhatsApp Manager: a catalog template and a limited-time offer.
    for name in ("browse_catalog", "summer_offer"):
        payload = {
            "name": name,
            "language": "en_US",
            "category": "MARKETING",
            "components": _strip_empty(FEATURES[name]),
        }
        response = sandbox.http.post(TEMPLATES, json=payload)
        assert response.status_code == 200, response.text
    imported = linked.run("import", "--only", "browse_catalog", "--only", "summer_offer")
    assert imported.code == 0, imported.out + imported.err
    validated = linked.run("validate")
    assert validated.code == 0, validated.out
    assert "WA402" not in validated.out
    plan = linked.run("plan", "--detailed-exitcode")
    assert plan.code == 0, plan.out
    # Nothing else in the repository is touched.
    assert (linked.templates / "order_update.yaml").read_bytes() == before
    assert sorted(p.name for p in linked.templates.iterdir()) == [
        "browse_catalog.yaml",
        "order_update.yaml",
        "summer_offer.yaml",
    ]


def test_a_raw_template_meta_would_refuse_is_refused_by_the_channel_not_by_validate(
    linked: Project, sandbox: Sandbox
) -> None:
    # A limited-time offer is MARKETING only: validate cannot know (it warns it cannot check),
    # the sandbox answers as Meta does, and nothing is created.
    linked.write("summer_offer", raw_file("summer_offer", FEATURES["summer_offer"], "UTILITY"))
    assert linked.run("validate").code == 0
    applied = linked.run("apply", "--auto-approve")
    assert applied.code == 1
    assert "limited-time offer templates are MARKETING only, not UTILITY" in (
        applied.out + applied.err
    )
    assert sandbox.listed() == {}
