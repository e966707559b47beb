"""plan.selection: `--only`/`--exclude` on template names, in plan, drift and a saved plan."""

from __future__ import annotations

import json

import pytest

from tests.plan.channel import listed, made_for, simple, source
from tests.wire import build, drift
from wa_templates.channel.remote import by_name, parse_list
from wa_templates.errors import WaError
from wa_templates.plan.lifecycle import refused_changes
from wa_templates.plan.model import Action, PlanOptions
from wa_templates.plan.saved import PlanFormatError, parse_plan
from wa_templates.plan.selection import Selection, left_out_summary

CHANGED = "Hello {{1}}, this text was changed in the repository."


def sel(only: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> Selection:
    return Selection(only=only, exclude=exclude)


@pytest.mark.parametrize(
    ("only", "exclude", "name", "selected"),
    [
        ((), (), "anything", True),
        (("order_*",), (), "order_shipped", True),
        (("order_*",), (), "login_code", False),
        (("order_*", "login_?ode"), (), "login_code", True),
        ((), ("order_*",), "order_shipped", False),
        (("order_*",), ("*_shipped",), "order_shipped", False),
        (("order_*",), ("*_shipped",), "order_confirmation", True),
        (("Order_*",), (), "order_shipped", False),  # names are lower case: so is matching
        (("order",), (), "order_v2", False),  # a version is selected through its template
    ],
)
def test_patterns_select_template_names(
    only: tuple[str, ...], exclude: tuple[str, ...], name: str, selected: bool
) -> None:
    assert sel(only, exclude).selects(name) is selected


def test_only_what_is_selected_is_planned_and_the_rest_is_recorded_as_left_out() -> None:
    blocked = source(simple("blocked", body=CHANGED))
    new = source(simple("new_one"))
    other = source(simple("other"))
    items = [
        *listed(source(simple("blocked"))),  # approved, content differs: blocked
        *listed(source(simple("other"))),
        *listed(source(simple("legacy"))),  # no file manages it
        *listed(source(simple("new_legacy"))),
    ]
    full = build([blocked, new, other], items, made_for())
    assert not full.applyable and [c.name for c in full.blocked] == ["blocked"]
    assert {u["name"] for u in full.unmanaged} == {"legacy", "new_legacy"}

    plan = build([blocked, new, other], items, made_for(), selection=sel(("new_*",)))
    assert plan.applyable  # the blocked change is left out
    assert [(c.name, c.action) for c in plan.changes] == [("new_one", Action.CREATE)]
    assert plan.selection.left_out == ["blocked", "other"]
    assert [u["name"] for u in plan.unmanaged] == ["new_legacy"]
    assert plan.selection.unmanaged_left_out == ["legacy"]
    assert plan.selection.partial and plan.document()["selection"]["partial"] is True
    assert left_out_summary(plan.selection) == (
        "--only 'new_*' leaves out 2 templates of the repository (blocked, other) and 1 name on "
        "the channel that no file manages (legacy)."
    )


def test_versions_belong_to_their_template() -> None:
    versioned = source(simple("promo", body=CHANGED, versioning="suffix"))
    items = [*listed(source(simple("promo"))), *listed(source(simple("promo_v2")))]
    items += listed(source(simple("other")))
    plan = build([versioned], items, made_for(), selection=sel(("promo",)))
    assert [(c.name, c.action) for c in plan.changes] == [("promo_v3", Action.CREATE)]
    assert plan.unmanaged == [] and plan.selection.unmanaged_left_out == ["other"]
    # Left out, the template's versions are left out with it, never reported as unmanaged.
    plan = build([versioned], items, made_for(), selection=sel(exclude=("promo",)))
    assert plan.changes == [] and plan.selection.left_out == ["promo"]
    assert [u["name"] for u in plan.unmanaged] == ["other"]
    with pytest.raises(WaError) as caught:
        build([versioned], items, made_for(), selection=sel(("promo_v2",)))
    assert str(caught.value) == (
        "--only promo_v2 names a version of the template 'promo': patterns match template "
        "names, so select it as 'promo'"
    )


def test_a_pattern_that_matches_nothing_is_an_error_with_a_did_you_mean() -> None:
    sources = [source(simple("order_shipped")), source(simple("legacy_promo"))]
    options = PlanOptions(ignore=("legacy_*",))
    with pytest.raises(WaError) as caught:
        build(sources, [], made_for(), options, selection=sel(("order_shiped", "legacy_*")))
    assert str(caught.value).splitlines() == [
        "--only order_shiped matches no template in the repository or on the channel; "
        "did you mean 'order_shipped'?",
        "--only 'legacy_*' matches only names the `ignore` setting leaves out",
    ]
    with pytest.raises(WaError, match="--exclude nothing_here matches no template"):
        build(sources, [], made_for(), selection=sel(exclude=("nothing_here",)))


def test_warnings_of_files_left_out_are_left_out_too() -> None:
    a, b = source(simple("a_one"), "templates/a.yaml"), source(simple("b_one"), "templates/b.yaml")
    diagnostics = [
        {
            "file": path,
            "line": 1,
            "column": 1,
            "rule": "WA207",
            "severity": "warning",
            "message": "",
        }
        for path in ("templates/a.yaml", "templates/b.yaml")
    ]
    plan = build([a, b], [], made_for(), None, diagnostics, sel(("a_*",)))
    assert [d["file"] for d in plan.diagnostics] == ["templates/a.yaml"]


def test_a_partial_plan_never_prunes_even_in_a_saved_document() -> None:
    plan = build([source(simple("kept"))], [], made_for(), selection=sel(("kept",)))
    data = json.loads(json.dumps(plan.document()))
    data["options"]["prune"] = True
    with pytest.raises(PlanFormatError) as caught:
        parse_plan(json.dumps(data))
    assert str(caught.value) == (
        "options.prune must be false in a plan of some templates only (--only/--exclude)"
    )


def test_applying_a_saved_partial_plan_refuses_changes_outside_its_selection() -> None:
    a, b = source(simple("a_one")), source(simple("b_one"))
    whole = build([a, b], [], made_for())
    partial = build([a, b], [], made_for(), selection=sel(("a_*",)))
    data = json.loads(json.dumps(partial.document()))
    # Someone adds the other template's create, and its channel state, by hand.
    data["resource_changes"] += [
        c for c in whole.document()["resource_changes"] if c["name"] == "b_one"
    ]
    data["remote_state"]["b_one"] = {}
    edited = parse_plan(json.dumps(data))
    repository = {"a_one": False, "b_one": False}
    assert refused_changes(edited, by_name(parse_list([])), repository) == [
        "template.b_one[en_US]: create refused: outside the plan's selection (--only 'a_*')"
    ]
    assert refused_changes(parse_plan(json.dumps(partial.document())), {}, repository) == []


def test_a_plan_of_format_2_0_is_a_plan_of_everything() -> None:
    plan = build([source(simple("a_one"))], [], made_for())
    data = json.loads(json.dumps(plan.document()))
    data["format_version"] = "2.0"
    del data["selection"]
    again = parse_plan(json.dumps(data))
    assert again.selection == Selection() and not again.selection.partial


def test_patterns_in_a_document_are_checked() -> None:
    plan = build([source(simple("a_one"))], [], made_for(), selection=sel(("a_*",)))
    data = json.loads(json.dumps(plan.document()))
    data["selection"]["only"] = [""]
    with pytest.raises(PlanFormatError, match=r"^selection.only: holds an empty pattern"):
        parse_plan(json.dumps(data))


def test_drift_of_some_templates_only() -> None:
    sources = [source(simple("a_one", body=CHANGED)), source(simple("b_one", body=CHANGED))]
    items = [*listed(source(simple("a_one"))), *listed(source(simple("b_one")))]
    items += listed(source(simple("stray")))
    report = drift(sources, items, "target t", selection=sel(exclude=("b_*",)))
    assert [(f.name, f.kind) for f in report.findings] == [("a_one", "out_of_sync")]
    assert report.unmanaged == [
        {"name": "stray", "language": "en_US", "status": "APPROVED", "category": "UTILITY"}
    ]
    assert report.selection.left_out == ["b_one"]
    assert report.selection.partial
