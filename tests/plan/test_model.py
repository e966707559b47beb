"""plan.model: the saved plan's JSON round-trips exactly, and bad files are refused clearly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.plan.catalogue import CATALOGUE
from tests.plan.channel import listed, simple, source
from tests.wire import build
from wa_templates.plan.build import PlanOptions
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


def _document(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(to_json(busy_plan())))
    data.update(changes)
    return data


def _refused(data: Any) -> str:
    with pytest.raises(PlanFormatError) as caught:
        from_json(data)
    message = str(caught.value)
    assert "\n" not in message and "Error(" not in message
    return message


def test_derived_values_may_be_left_out_but_must_have_their_type() -> None:
    data = _document()
    for key in ("applyable", "summary"):
        del data[key]
    del data["safety"]["exceeded"]
    for change in data["resource_changes"]:
        del change["address"], change["change"]["actions"]
    assert from_json(data) == busy_plan()
    assert _refused(_document(summary=[])) == "summary must be an object, not a list"
    assert _refused(_document(applyable="yes")) == "applyable must be true or false, not a string"


def test_a_problem_names_its_field_on_one_line_and_counts_the_rest() -> None:
    data = _document(remote_state={"odd\nname\u202e": 1, "fine": {"en_US": 2}})
    assert _refused(data) == (
        'remote_state["odd\\nname\\u202e"] must be an object, not a number (and 1 more problem)'
    )
    data = _document(target=None, remote_fingerprint=3, findings="none")
    assert _refused(data) == "target must be a string, not null (and 2 more problems)"
    data = _document()
    del data["resource_changes"][0]["detail"]
    assert _refused(data) == "resource_changes[0].detail is missing"


def test_strict_types_refuse_what_to_json_never_writes() -> None:
    for key, value, expected in [
        ("managed_names", "3", "safety.managed_names must be a whole number, not a string"),
        ("managed_names", True, "safety.managed_names must be a whole number, not true"),
        ("max_fraction", "0.3", "safety.max_fraction must be a number, not a string"),
        ("forced", 0, "safety.forced must be true or false, not a number"),
    ]:
        data = _document()
        data["safety"][key] = value
        assert _refused(data) == expected
    data = _document()
    data["safety"]["max_fraction"] = 1  # JSON has one kind of number
    safety = from_json(data).safety
    assert safety is not None and safety.max_fraction == 1


def _first(data: dict[str, Any], action: str) -> tuple[int, dict[str, Any]]:
    return next((i, c) for i, c in enumerate(data["resource_changes"]) if c["action"] == action)


def test_a_create_or_recreate_carries_a_payload_for_its_own_name() -> None:
    for action in ("create", "recreate"):
        data = _document()
        index, change = _first(data, action)
        change["payload"] = None
        assert (
            _refused(data) == f"resource_changes[{index}].payload must be an object for a {action}"
        )
    data = _document()
    index, change = _first(data, "recreate")
    change["payload"]["language"] = "xx"
    assert _refused(data) == (
        f'resource_changes[{index}].payload.language must be the change\'s language, "en_US"'
    )
    data = _document()
    index, change = _first(data, "create")
    change["payload"]["components"] = [{"type": "SIDEBAR\n"}]
    assert _refused(data) == (
        f"resource_changes[{index}].payload is not a create payload: "
        "unknown component type 'SIDEBAR\\n'"
    )
    data = _document()
    index, change = _first(data, "delete")
    assert change["payload"] is None  # only creates carry one
    change["payload"] = {"anything": "goes"}
    from_json(data)


def test_a_nul_in_a_path_apply_would_open_is_refused() -> None:
    data = _document()
    index, change = _first(data, "create")
    change["source"] = "templates/a\x00.yaml"
    assert (
        _refused(data)
        == f"resource_changes[{index}].source must be a path (it holds a NUL character)"
    )
    data = _document()
    index, change = _first(data, "create")
    header = {"type": "HEADER", "format": "IMAGE", "examples": ["media/a\x00.png"]}
    change["payload"]["components"] = [
        c for c in change["payload"]["components"] if c["type"] != "HEADER"
    ]
    change["payload"]["components"].insert(0, header)
    assert _refused(data) == f"resource_changes[{index}].payload must not hold a NUL character"
