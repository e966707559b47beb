"""plan.model: one model is the plan and its document; reading it back is exact and strict, and
what the document derives is computed, never read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.plan.catalogue import CATALOGUE
from tests.plan.channel import listed, made_for, simple, source
from tests.wire import build
from wa_templates.plan.model import FORMAT_VERSION, Action, Plan, PlanOptions
from wa_templates.plan.safety import Safety
from wa_templates.plan.saved import PlanFormatError, parse_plan


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
    diagnostics: list[Any] = [
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
        made_for("prod"),
        PlanOptions(prune=True, force=True, ignore=("legacy_*",)),
        diagnostics,
    )


def _document(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(busy_plan().document()))
    data.update(changes)
    return data


def _read(data: Any) -> Plan:
    return parse_plan(json.dumps(data))


def _refused(data: Any) -> str:
    with pytest.raises(PlanFormatError) as caught:
        _read(data)
    message = str(caught.value)
    assert "\n" not in message and "Error(" not in message
    return message


def _first(data: dict[str, Any], action: str) -> tuple[int, dict[str, Any]]:
    return next((i, c) for i, c in enumerate(data["resource_changes"]) if c["action"] == action)


def test_a_plan_round_trips_through_its_document_exactly() -> None:
    plan = busy_plan()
    assert {c.action for c in plan.changes} == set(Action)
    assert plan.findings and plan.diagnostics and plan.safety.destructive_names
    again = parse_plan(json.dumps(plan.document()))
    assert again == plan
    assert again.document() == plan.document()


def test_the_document_is_terraform_like_and_records_channel_and_options() -> None:
    data = busy_plan().document()
    assert data["format_version"] == FORMAT_VERSION
    assert data["applyable"] is False  # a blocked change
    assert data["target"] == "target prod"
    assert data["channel"] == {
        "target": "prod",
        "sandbox": None,
        "base_url": "https://chatapps.8x8.test",
        "account_id": "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40",
        "channel_id": "chan",
        "subaccount_id": "tests",
    }
    assert data["options"] == {
        "prune": True,
        "force": True,
        "ignore": ["legacy_*"],
        "versioning": None,
        "max_names": 10,
        "max_fraction": 0.3,
    }
    recreate = next(c for c in data["resource_changes"] if c["action"] == "recreate")
    assert recreate["change"]["actions"] == ["delete", "create"]
    assert recreate["address"] == "template.recreated[en_US]"
    assert recreate["change"]["fields"][0]["path"] == "body.text"
    assert data["safety"]["forced"] is True
    assert data["summary"]["blocked"] == 1 and data["summary"]["findings"] >= 1
    assert "allow_category_change" in data["unconfirmable_fields"]
    assert "api_key" not in json.dumps(data).lower()


def test_derived_values_are_computed_whatever_the_file_says() -> None:
    data = _document(applyable=True, target="target elsewhere", summary={"create": 99})
    data["safety"].update(
        destructive_names=[], deleted_names=[], exceeded=False, forced=False, max_names=999
    )
    for change in data["resource_changes"]:
        change["address"] = "template.other[xx]"
        change["change"]["actions"] = ["no-op"]
    plan = _read(data)
    assert plan.document() == busy_plan().document()
    assert plan.applyable is False and plan.target == "target prod"
    assert plan.safety.destructive_names == ["gone", "recreated"]
    assert plan.safety.forced is True  # from the options, not the safety block


def test_derived_values_may_be_left_out_but_must_have_their_type() -> None:
    data = _document()
    for key in ("applyable", "summary", "target"):
        del data[key]
    for key in ("exceeded", "destructive_names", "deleted_names", "forced", "repository_names"):
        del data["safety"][key]
    for change in data["resource_changes"]:
        del change["address"], change["change"]["actions"]
    assert _read(data) == busy_plan()
    assert _refused(_document(summary=[])) == "summary must be an object, not a list"
    assert _refused(_document(applyable="yes")) == "applyable must be true or false, not a string"


def test_safety_is_counted_from_changes_and_options_not_from_the_file() -> None:
    # An unforced plan over the threshold stays over it whatever its safety block says: only
    # the count of managed names on the channel is read, and apply counts that again.
    items = [i for n in range(12) for i in listed(source(simple(f"old_{n:02d}")))]
    plan = build([], items, made_for(), PlanOptions(prune=True))
    assert not plan.applyable
    data = json.loads(json.dumps(plan.document()))
    data["safety"].update(destructive_names=[], exceeded=False, forced=True, managed_names=12)
    again = _read(data)
    assert again.safety_exceeded and not again.applyable
    assert again.safety.rule() == "12 names deleted or recreated, over the limit of 10"


def test_safety_verdict_and_needs() -> None:
    safety = Safety(destructive_names=["a"] * 11, managed_names=40)
    assert safety.exceeded and "11 names" in safety.needs and "--force" in safety.needs
    assert not Safety(destructive_names=["a"] * 3, managed_names=10).exceeded


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("3.0", "format_version 3.0 is a major version this wa-templates does not read (it "
         "reads 2.x): the plan was made by a newer wa-templates; make it again with "
         "`wa-templates plan --out`"),
        ("1.0", "format_version 1.0 is a major version this wa-templates does not read (it "
         "reads 2.x): the plan was made by an older wa-templates; make it again with "
         "`wa-templates plan --out`"),
        ("2", f'format_version must be MAJOR.MINOR, like {FORMAT_VERSION} (found "2")'),
        ("v2.0", f'format_version must be MAJOR.MINOR, like {FORMAT_VERSION} (found "v2.0")'),
        (2.0, "format_version must be a string, not a number"),
    ],
)  # fmt: skip
def test_a_major_version_it_does_not_read_is_refused_naming_it(version: Any, expected: str) -> None:
    # Even a document of another major whose other fields are all wrong: the version is what
    # the reader says, since every other problem follows from it.
    assert _refused({"format_version": version, "resource_changes": 5}) == expected


def test_a_missing_version_is_refused() -> None:
    data = _document()
    del data["format_version"]
    assert _refused(data) == "format_version is missing"


def test_a_newer_minor_version_is_read_and_its_new_fields_ignored() -> None:
    data = _document(format_version="2.7", added_in_2_7={"anything": [1, 2]})
    data["resource_changes"][0]["also_new"] = True
    data["options"]["new_option"] = "x"
    plan = _read(data)
    assert plan == busy_plan() and plan.format_version == FORMAT_VERSION


def test_an_unknown_field_in_a_version_it_knows_is_refused() -> None:
    data = _document(notes="hand-written")
    assert _refused(data) == f"notes is not part of a plan of format {FORMAT_VERSION}"
    data = _document()
    data["resource_changes"][2]["force"] = True
    assert (
        _refused(data)
        == f"resource_changes[2].force is not part of a plan of format {FORMAT_VERSION}"
    )


def test_a_problem_names_its_field_on_one_line_and_counts_the_rest() -> None:
    data = _document(remote_state={"odd\nname\u202e": 1, "fine": {"en_US": 2}})
    assert _refused(data) == (
        'remote_state["odd\\nname\\u202e"] must be an object, not a number (and 1 more problem)'
    )
    data = _document(remote_fingerprint=None, findings="none", unconfirmable_fields=3)
    assert _refused(data) == "remote_fingerprint must be a string, not null (and 2 more problems)"
    data = _document()
    del data["resource_changes"][0]["detail"]
    assert _refused(data) == "resource_changes[0].detail is missing"
    assert _refused("[]") == "the plan must be an object, not a string"
    assert _refused([]) == "the plan must be an object, not a list"


def test_not_json_is_one_line_with_where() -> None:
    for raw in ("{not json", '{"a": 1', b"\xff\xfe{}"):
        with pytest.raises(PlanFormatError, match=r"^not JSON: .*line 1 column \d+"):
            parse_plan(raw)


def test_strict_types_refuse_what_the_model_never_writes() -> None:
    for key, value, expected in [
        ("managed_names", "3", "safety.managed_names must be a whole number, not a string"),
        ("managed_names", True, "safety.managed_names must be a whole number, not true"),
        ("managed_names", -1, "safety.managed_names must be >= 0"),
    ]:
        data = _document()
        data["safety"][key] = value
        assert _refused(data) == expected
    for key, value, expected in [
        ("max_fraction", "0.3", "options.max_fraction must be a number, not a string"),
        ("max_fraction", 1.5, "options.max_fraction must be <= 1"),
        ("force", 0, "options.force must be true or false, not a number"),
        ("versioning", "prefix", "options.versioning must be one of 'suffix'"),
        ("ignore", "legacy_*", "options.ignore must be a list, not a string"),
    ]:
        data = _document()
        data["options"][key] = value
        assert _refused(data) == expected
    data = _document()
    data["options"]["max_fraction"] = 1  # JSON has one kind of number
    assert _read(data).options.max_fraction == 1


def test_the_channel_names_a_target_or_the_sandbox() -> None:
    data = _document()
    data["channel"]["sandbox"] = ".wa-templates/sandbox.json"
    assert _refused(data) == "channel must name either a target or the sandbox, not both or neither"


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
    change["payload"]["language"] = "es_ES"
    assert _refused(data) == (
        f'resource_changes[{index}].payload.language must be the change\'s language, "en_US"'
    )
    data = _document()
    index, change = _first(data, "create")
    change["payload"]["components"] = [{"type": ["SIDEBAR"]}]
    assert _refused(data) == (
        f"resource_changes[{index}].payload is not a create payload: "
        "a component needs a `type` (HEADER, BODY, ...), as text (at components[0])"
    )


def test_only_creates_carry_a_payload() -> None:
    for action in ("delete", "no-op", "blocked"):
        data = _document()
        index, change = _first(data, action)
        assert change["payload"] is None
        change["payload"] = {"anything": "goes"}
        assert _refused(data) == f"resource_changes[{index}].payload must be null for a {action}"


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


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", "Gone", "name 'Gone' must match ^[a-z0-9_]{1,512}$ (lower-case letters"),
        ("name", "../x", "name '../x' must match ^[a-z0-9_]{1,512}$"),
        ("template", "", "name '' must match ^[a-z0-9_]{1,512}$"),
        ("language", "en-US", "language 'en-US' is not a Meta template language code; did you "
         "mean 'en_US'?"),
        ("language", "xx", "language 'xx' is not a Meta template language code (see RULES.md"),
    ],
)  # fmt: skip
def test_names_and_languages_of_deletes_are_checked_like_names_in_files(
    field: str, value: str, expected: str
) -> None:
    data = _document()
    index, change = _first(data, "delete")
    change[field] = value
    assert _refused(data).startswith(f"resource_changes[{index}].{field}: {expected}")


def test_names_in_remote_state_are_checked_too() -> None:
    data = _document()
    data["remote_state"]["gone"]["EN"] = "0" * 16
    assert _refused(data).startswith(
        "remote_state[\"gone\"] is no template: language 'EN' is not a Meta template language"
    )


def test_every_change_is_recorded_in_remote_state_once() -> None:
    data = _document()
    index, change = _first(data, "delete")
    del data["remote_state"]["gone"]
    assert _refused(data) == (
        f"resource_changes[{index}] changes 'gone', which remote_state does not record"
    )
    data = _document()
    index, change = _first(data, "create")
    data["resource_changes"].append(change)
    last = len(data["resource_changes"]) - 1
    assert _refused(data) == f"resource_changes[{last}] repeats {change['address']}"
