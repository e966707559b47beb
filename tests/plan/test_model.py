"""plan.model: the saved plan's JSON round-trips exactly, and bad files are refused clearly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.plan.catalogue import CATALOGUE
from tests.plan.channel import listed, simple, source
from wa_templates.plan.build import PlanOptions, build
from wa_templates.plan.model import (
    FORMAT_VERSION,
    Action,
    Plan,
    PlanFormatError,
    Safety,
    from_json,
    to_json,
)


def busy_plan() -> Plan:
    """A plan with every action, findings, unmanaged names and diagnostics."""
    sources = [source(CATALOGUE[name]) for name in ("block_scalar", "login_code")]
    changed = source(simple("recreated", body="Hello {{1}}, now different."))
    blocked = source(simple("blocked_one", body="Hello {{1}}, now different."))
    items = (
        listed(source(CATALOGUE["login_code"]), status="PAUSED")
        + listed(source(simple("recreated")), status="REJECTED", reason="INVALID_FORMAT")
        + listed(source(simple("blocked_one")))
        + listed(source(simple("gone")), status="APPROVED")
    )
    diagnostics: list[dict[str, Any]] = [
        {
            "file": "templates/t.yaml",
            "line": 3,
            "column": 1,
            "rule": "WA207",
            "severity": "warning",
            "message": 'ü and a "quote"',
        }
    ]
    return build(
        [*sources, changed, blocked],
        items,
        "target prod",
        PlanOptions(prune=True, force=True),
        diagnostics,
    )


def test_round_trip_is_exact() -> None:
    plan = busy_plan()
    assert {c.action for c in plan.changes} == set(Action)
    assert plan.findings and plan.diagnostics and plan.safety is not None
    text = json.dumps(to_json(plan))
    again = from_json(json.loads(text))
    assert again == plan
    assert to_json(again) == to_json(plan)


def test_json_document_is_terraform_like() -> None:
    data = to_json(busy_plan())
    assert data["format_version"] == FORMAT_VERSION
    assert data["applyable"] is False  # a blocked change
    recreate = next(c for c in data["resource_changes"] if c["action"] == "recreate")
    assert recreate["change"]["actions"] == ["delete", "create"]
    assert recreate["address"] == "template.recreated[en_US]"
    assert recreate["change"]["fields"][0]["path"] == "body.text"
    assert data["safety"]["forced"] is True
    assert data["summary"]["blocked"] == 1 and data["summary"]["findings"] >= 1
    assert "allow_category_change" in data["unconfirmable_fields"]


def test_empty_plan_round_trips() -> None:
    plan = Plan(target="t", fingerprint="sha256:x", remote_state={})
    assert from_json(to_json(plan)) == plan


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"format_version": "0.9"},
        [],
        "plan",
        {"format_version": FORMAT_VERSION},
        {**to_json(Plan("t", "f", {})), "resource_changes": [{"name": "x"}]},
        {**to_json(Plan("t", "f", {})), "findings": [{"nope": 1}]},
        {
            **to_json(Plan("t", "f", {})),
            "resource_changes": [
                {
                    "name": "x",
                    "template": "x",
                    "language": "en_US",
                    "action": "explode",
                    "action_reason": "",
                    "detail": "",
                    "change": {"before": None, "after": None, "fields": []},
                }
            ],
        },
    ],
)
def test_bad_documents_are_a_plan_format_error(data: Any) -> None:
    with pytest.raises(PlanFormatError):
        from_json(data)


def test_safety_verdict_and_needs() -> None:
    safety = Safety(["a"] * 11, 40, 10, 0.3, False)
    assert safety.exceeded and "11 names" in safety.needs and "--force" in safety.needs
    assert not Safety(["a"] * 3, 10, 10, 0.3, False).exceeded
    plan = Plan("t", "f", {}, safety=Safety(["a"] * 11, 40, 10, 0.3, True))
    assert plan.applyable and not plan.safety_exceeded
