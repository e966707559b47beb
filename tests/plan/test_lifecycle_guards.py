"""Guards against the worst bug this tool can have: losing a live name, or hiding a change."""

from __future__ import annotations

from datetime import timedelta

from tests.plan.channel import NOW, listed, made_for, simple, source
from tests.wire import build
from wa_templates.plan.build import PlanOptions
from wa_templates.plan.model import Action


def _actions(plan: object) -> list[tuple[str, str]]:
    return [(c.address, c.action.value) for c in plan.changes]  # type: ignore[attr-defined]


def test_a_template_rejected_long_after_creation_is_blocked_not_recreated() -> None:
    old = source(simple("ship"))
    [item] = listed(old, status="REJECTED", reason="INCORRECT_CATEGORY")
    # Meta rejects approved templates too (recategorisation on the 1st of the month).
    item["updatedAt"] = (NOW + timedelta(days=20)).isoformat()
    new = source(simple("ship", body="Hello {{1}}, your order is on its way."))
    plan = build([new], [item], made_for("t"))
    assert _actions(plan) == [("template.ship[en_US]", "blocked")]
    assert "after its review window" in plan.changes[0].detail
    [finding] = plan.findings
    assert "new name" in finding.next_step
    # Rejected in review (same day): never approved, so recreating is safe.
    item["updatedAt"] = (NOW + timedelta(hours=3)).isoformat()
    assert _actions(build([new], [item], made_for("t"))) == [("template.ship[en_US]", "recreate")]


def test_a_category_changed_in_the_repository_is_a_change_not_a_finding() -> None:
    live = source(simple("ship"))
    marketing = source(simple("ship").replace("category: UTILITY", "category: MARKETING"))
    plan = build([marketing], listed(live), made_for("t"))
    [change] = plan.changes
    assert change.action is Action.BLOCKED
    assert [(f.path, f.before, f.after) for f in change.change.fields] == [
        ("category", "UTILITY", "MARKETING")
    ]
    assert [f.kind for f in plan.findings] == []


def test_meta_moving_utility_to_marketing_is_a_finding_not_a_change() -> None:
    utility = source(simple("ship"))
    plan = build([utility], listed(utility, category="MARKETING"), made_for("t"))
    assert _actions(plan) == [("template.ship[en_US]", "no-op")]
    assert [f.kind for f in plan.findings] == ["category_changed"]


def test_a_versioned_base_does_not_take_over_another_files_template() -> None:
    promo = source(simple("promo", versioning="suffix"))
    other = source(simple("promo_v2", body="Hello {{1}}, a different message entirely."))
    items = listed(promo) + listed(other)
    plan = build([promo, other], items, made_for("t"), PlanOptions(prune=True))
    assert {c.action for c in plan.changes} == {Action.NOOP}
    # A change to promo skips the name promo_v2, which its own file holds.
    changed = source(simple("promo", body="Hello {{1}}, new wording.", versioning="suffix"))
    plan = build([changed, other], items, made_for("t"))
    assert ("template.promo_v3[en_US]", "create") in _actions(plan)
    assert ("template.promo_v2[en_US]", "no-op") in _actions(plan)


def test_an_empty_repository_with_prune_does_not_wipe_the_channel() -> None:
    items = [i for n in ("alpha", "beta", "gamma") for i in listed(source(simple(n)))]
    plan = build([], items, made_for("t"), PlanOptions(prune=True))
    assert {c.action for c in plan.changes} == {Action.DELETE}
    assert plan.safety is not None and plan.safety.exceeded and not plan.applyable
    assert plan.safety.deleted_names == ["alpha", "beta", "gamma"]
    assert build([], items, made_for("t"), PlanOptions(prune=True, force=True)).applyable
    # Pruning one of three is fine.
    keep = [source(simple("alpha")), source(simple("beta"))]
    assert build(keep, items, made_for("t"), PlanOptions(prune=True)).applyable


def test_ten_pruned_names_count_as_managed_for_the_percentage() -> None:
    names = [f"n{i:02d}" for i in range(12)]
    items = [i for n in names for i in listed(source(simple(n)))]
    keep = [source(simple(n)) for n in names[:8]]
    plan = build(keep, items, made_for("t"), PlanOptions(prune=True))
    assert plan.safety is not None and plan.safety.managed_names == 12
    assert not plan.applyable  # 4 of 12 is over 30%


def test_an_empty_repository_cannot_prune_even_a_single_template() -> None:
    items = listed(source(simple("only")))
    plan = build([], items, made_for("t"), PlanOptions(prune=True))
    assert plan.safety is not None and not plan.applyable
    assert plan.safety.needs == (
        "it would delete every managed name on the channel (1 of 1): rerun with --force to allow it"
    )
    # Renaming the only template (a new file, the old name pruned) is fine.
    assert build(
        [source(simple("renamed"))], items, made_for("t"), PlanOptions(prune=True)
    ).applyable


def test_the_safety_message_names_the_rule_that_fired() -> None:
    names = [f"n{i:02d}" for i in range(12)]
    items = [i for n in names for i in listed(source(simple(n)))]
    plan = build(
        [source(simple(n)) for n in names[:8]], items, made_for("t"), PlanOptions(prune=True)
    )
    assert plan.safety is not None
    assert plan.safety.needs.startswith("4 of 12 managed names deleted or recreated, over 30%")


def test_a_superseded_version_gets_only_its_superseded_finding() -> None:
    old = source(simple("promo", versioning="suffix"))
    new = source(simple("promo", body="Hello {{1}}, new wording.", versioning="suffix"))
    [stale] = listed(old, status="REJECTED")
    stale["updatedAt"] = (NOW + timedelta(days=5)).isoformat()
    items = [stale, *listed(new, name="promo_v2")]
    plan = build([new], items, made_for("t"))
    assert [(f.name, f.kind) for f in plan.findings] == [("promo", "superseded")]
