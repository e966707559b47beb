"""plan.build: per name, the one honest action for an API that can only create and delete."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from tests.plan.catalogue import CATALOGUE
from tests.plan.channel import listed, made_for, simple, source
from tests.wire import build
from wa_templates.channel.remote import ListItem, fingerprint, parse_list
from wa_templates.cli.commands.plan import EXIT_BLOCKED, EXIT_CHANGES, plan_exit_code
from wa_templates.files.load import Source
from wa_templates.plan.build import PlanOptions
from wa_templates.plan.model import Action, Plan, ResourceChange

TWO_LANGS = """\
name: order_update
category: UTILITY
languages:
  en_US:
    body:
      text: "Hello {{1}}, your order has shipped."
      examples: ["Ana"]
  es_ES:
    body:
      text: "Hola {{1}}, tu pedido ha sido enviado."
      examples: ["Ana"]
"""


def plan_of(sources: list[Source], items: list[ListItem], **options: Any) -> Plan:
    return build(sources, items, made_for("test"), PlanOptions(**options))


def actions(plan: Plan) -> dict[str, str]:
    return {c.address: c.action.value for c in plan.changes}


def edited(text: str, old: str, new: str) -> Source:
    assert old in text
    return source(text.replace(old, new))


def by_address(plan: Plan, address: str) -> ResourceChange:
    [change] = [c for c in plan.changes if c.address == address]
    return change


# --- create and no-op ---------------------------------------------------------------------


def test_missing_templates_are_created_with_their_payload() -> None:
    plan = plan_of([source(TWO_LANGS)], [])
    assert actions(plan) == {
        "template.order_update[en_US]": "create",
        "template.order_update[es_ES]": "create",
    }
    change = by_address(plan, "template.order_update[es_ES]")
    assert change.payload is not None and change.payload["language"] == "es_ES"
    assert change.payload["name"] == "order_update" and change.source == "templates/t.yaml"
    assert plan.remote_state == {"order_update": {}}
    assert plan.applyable and plan_exit_code(plan, detailed=True) == EXIT_CHANGES
    assert plan_exit_code(plan, detailed=False) == 0


def test_an_unchanged_language_shares_one_copy_of_its_content_between_before_and_after() -> None:
    src = source(TWO_LANGS)
    changed = edited(TWO_LANGS, "tu pedido", "tu paquete")
    same = by_address(plan_of([changed], listed(src)), "template.order_update[en_US]").change
    assert same.after is not None and same.before is not None and same.after == same.before
    assert same.after["body"] is same.before["body"]
    other = by_address(plan_of([changed], listed(src)), "template.order_update[es_ES]").change
    assert other.after is not None and other.before is not None
    assert other.after["body"] is not other.before["body"]


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_no_false_positive_right_after_apply(name: str) -> None:
    src = source(CATALOGUE[name])
    for status in ("APPROVED", "PENDING"):
        plan = plan_of([src], listed(src, status=status))
        assert {c.action for c in plan.changes} == {Action.NOOP}, [
            (c.address, c.changes) for c in plan.changes if c.action is not Action.NOOP
        ]
        assert not plan.pending and plan_exit_code(plan, detailed=True) == 0
        assert plan.remote_state == {}


def test_create_only_options_never_make_a_change_and_are_named_once() -> None:
    before = source(simple("t", allow_category_change="true", message_send_ttl_seconds=3600))
    after = source(simple("t", allow_category_change="false", message_send_ttl_seconds=60))
    plan = plan_of([after], listed(before))
    assert [c.action for c in plan.changes] == [Action.NOOP]
    assert plan.unconfirmable.count("allow_category_change") == 1
    assert plan.unconfirmable.count("message_send_ttl_seconds") == 1


def test_samples_the_channel_does_not_report_are_no_change() -> None:
    src = source(TWO_LANGS)
    items = listed(src)
    for item in items:
        for component in item["components"]:
            component.pop("example", None)
    assert not plan_of([src], items).has_changes


def test_a_new_language_of_a_live_name_is_just_created() -> None:
    src = source(TWO_LANGS)
    plan = plan_of([src], listed(src, languages=["en_US"]))
    assert actions(plan) == {
        "template.order_update[en_US]": "no-op",
        "template.order_update[es_ES]": "create",
    }
    assert plan.safety is not None and plan.safety.destructive_names == []


# --- changes: recreate or blocked -----------------------------------------------------------


@pytest.mark.parametrize("status", ["PENDING", "REJECTED"])
def test_changed_never_approved_name_is_recreated_with_every_language(status: str) -> None:
    old = source(TWO_LANGS)
    new = edited(TWO_LANGS, "your order has shipped", "your order is on its way")
    plan = plan_of([new], listed(old, status=status))
    assert actions(plan) == {
        "template.order_update[en_US]": "recreate",
        "template.order_update[es_ES]": "recreate",
    }
    changed = by_address(plan, "template.order_update[en_US]")
    assert changed.reason == "changed_never_approved"
    assert [c.path for c in changed.change.fields] == ["body.text"]
    assert "en_US, es_ES" in changed.detail and "the name does not lock" in changed.detail
    same = by_address(plan, "template.order_update[es_ES]")
    assert same.reason == "recreated_with_name" and same.change.fields == []
    assert plan.safety is not None and plan.safety.destructive_names == ["order_update"]
    assert set(plan.remote_state["order_update"]) == {"en_US", "es_ES"}


def test_category_change_of_a_rejected_template_is_part_of_the_recreate() -> None:
    old = source(TWO_LANGS)
    new = edited(TWO_LANGS, "category: UTILITY", "category: MARKETING")
    plan = plan_of([new], listed(old, status="REJECTED", reason="INCORRECT_CATEGORY"))
    change = by_address(plan, "template.order_update[en_US]")
    assert change.action is Action.RECREATE
    [field, *_] = change.change.fields
    assert (field.path, field.before, field.after) == ("category", "UTILITY", "MARKETING")


@pytest.mark.parametrize("status", ["APPROVED", "PAUSED", "DISABLED", "FLAGGED", "IN_APPEAL"])
def test_changed_live_name_is_blocked_and_says_the_ways_out(status: str) -> None:
    old = source(TWO_LANGS)
    new = edited(TWO_LANGS, "your order has shipped", "your order is on its way")
    plan = plan_of([new], listed(old, status=status))
    assert actions(plan) == {
        "template.order_update[en_US]": "blocked",
        "template.order_update[es_ES]": "no-op",
    }
    blocked = by_address(plan, "template.order_update[en_US]")
    assert blocked.reason == "changed_live"
    assert "30 days" in blocked.detail and "versioning: suffix" in blocked.detail
    assert not plan.applyable and plan_exit_code(plan, detailed=False) == EXIT_BLOCKED
    assert plan.pending == []


def test_one_approved_language_blocks_the_whole_name() -> None:
    old = source(TWO_LANGS)
    items = listed(old, languages=["en_US"], status="REJECTED") + listed(
        old, languages=["es_ES"], status="APPROVED"
    )
    new = edited(TWO_LANGS, "your order has shipped", "your order is on its way")
    plan = plan_of([new], items)
    assert by_address(plan, "template.order_update[en_US]").action is Action.BLOCKED
    assert "es_ES APPROVED" in by_address(plan, "template.order_update[en_US]").detail


def test_blocked_plan_still_holds_everything_else() -> None:
    old = source(TWO_LANGS)
    new = edited(TWO_LANGS, "your order has shipped", "your order is on its way")
    fresh = source(simple("fresh_one"))
    plan = plan_of([new, fresh], listed(old))
    assert actions(plan)["template.fresh_one[en_US]"] == "create"
    assert len(plan.blocked) == 1 and len(plan.pending) == 1


def test_language_removed_from_file() -> None:
    old = source(TWO_LANGS)
    one = source(TWO_LANGS.split("  es_ES:")[0])
    pending = plan_of([one], listed(old, status="PENDING"))
    assert actions(pending) == {
        "template.order_update[en_US]": "recreate",
        "template.order_update[es_ES]": "delete",
    }
    assert (
        "deleted with 'order_update'" in by_address(pending, "template.order_update[es_ES]").detail
    )
    approved = plan_of([one], listed(old))
    assert actions(approved) == {
        "template.order_update[en_US]": "no-op",
        "template.order_update[es_ES]": "blocked",
    }


def test_unreadable_channel_content_is_never_touched() -> None:
    src = source(TWO_LANGS)
    items = listed(src, status="PENDING")
    # Not even the raw form holds two components of one type.
    items[0]["components"] = [{"type": "MYSTERY"}, {"type": "MYSTERY"}]
    plan = plan_of([src], items)
    change = by_address(plan, "template.order_update[en_US]")
    assert change.action is Action.BLOCKED and change.reason == "unreadable"
    assert not plan.applyable


# --- status findings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("PAUSED", "paused"),
        ("REJECTED", "rejected"),
        ("DISABLED", "disabled"),
        ("FLAGGED", "flagged"),
        ("IN_APPEAL", "in_appeal"),
        ("PENDING", "pending_review"),
    ],
)
def test_status_findings_never_become_changes(status: str, kind: str) -> None:
    src = source(TWO_LANGS)
    plan = plan_of([src], listed(src, status=status, reason="INVALID_FORMAT"))
    assert {c.action for c in plan.changes} == {Action.NOOP}
    assert {(f.name, f.language, f.kind) for f in plan.findings} == {
        ("order_update", "en_US", kind),
        ("order_update", "es_ES", kind),
    }
    if status == "REJECTED":
        assert all("INVALID_FORMAT" in f.message for f in plan.findings)


def test_category_changed_by_meta_is_a_finding_not_a_change() -> None:
    src = source(TWO_LANGS)
    plan = plan_of([src], listed(src, category="MARKETING"))
    assert {c.action for c in plan.changes} == {Action.NOOP}
    assert {f.kind for f in plan.findings} == {"category_changed"}
    assert "templates/t.yaml" in plan.findings[0].next_step


# --- unmanaged, prune, ignore ----------------------------------------------------------------


def test_unmanaged_templates_are_reported_and_untouched() -> None:
    other = source(simple("someone_elses"))
    plan = plan_of([], listed(other))
    assert plan.changes == []
    assert plan.unmanaged == [
        {"name": "someone_elses", "language": "en_US", "status": "APPROVED", "category": "UTILITY"}
    ]
    assert plan.findings == []


def test_prune_deletes_unmanaged_and_warns_about_the_lock() -> None:
    live, never = source(simple("live_one")), source(simple("never_one"))
    items = listed(live) + listed(never, status="REJECTED")
    plan = plan_of([], items, prune=True)
    assert actions(plan) == {
        "template.live_one[en_US]": "delete",
        "template.never_one[en_US]": "delete",
    }
    live_delete = by_address(plan, "template.live_one[en_US]")
    assert "every language" in live_delete.detail and "30 days" in live_delete.detail
    assert "30 days" not in by_address(plan, "template.never_one[en_US]").detail
    assert plan.unmanaged == []
    assert plan.safety is not None and plan.safety.destructive_names == ["live_one", "never_one"]


def test_ignore_excludes_names_and_patterns_from_both_sides() -> None:
    kept = source(simple("kept"))
    legacy = source(simple("legacy_promo"))
    local_only = source(simple("draft_one"))
    items = listed(kept) + listed(legacy) + listed(source(simple("legacy_x")))
    plan = plan_of([kept, legacy, local_only], items, ignore=("legacy_*", "draft_one"), prune=True)
    assert actions(plan) == {"template.kept[en_US]": "no-op"}
    assert plan.unmanaged == []


# --- versioning: suffix ----------------------------------------------------------------------

VERSIONED = simple("order_update", versioning="suffix")


def test_versioned_change_of_an_approved_template_creates_the_next_version() -> None:
    old = source(VERSIONED)
    new = edited(VERSIONED, "has shipped", "is on its way")
    plan = plan_of([new], listed(old))
    assert actions(plan) == {"template.order_update_v2[en_US]": "create"}
    change = plan.changes[0]
    assert change.template == "order_update" and change.reason == "new_version"
    assert change.payload is not None and change.payload["name"] == "order_update_v2"
    assert [c.path for c in change.change.fields] == ["body.text"]
    assert "'order_update' stays until 'order_update_v2' is approved" in change.detail
    assert plan.applyable and plan.unmanaged == [] and plan.safety is not None
    assert plan.safety.destructive_names == []


def test_versioning_from_the_project_config() -> None:
    old = source(simple("order_update"))
    new = source(simple("order_update", body="Hello {{1}}, your order is on its way."))
    plan = plan_of([new], listed(old), versioning="suffix")
    assert actions(plan) == {"template.order_update_v2[en_US]": "create"}


def test_old_version_stays_until_the_new_one_is_approved() -> None:
    old = source(VERSIONED)
    new = edited(VERSIONED, "has shipped", "is on its way")
    items = listed(old) + listed(new, name="order_update_v2", status="PENDING")
    plan = plan_of([new], items, prune=True)
    assert actions(plan) == {"template.order_update_v2[en_US]": "no-op"}
    assert "superseded" not in {f.kind for f in plan.findings}
    assert plan.unmanaged == []


def test_approved_new_version_makes_the_old_one_a_prune_candidate() -> None:
    old = source(VERSIONED)
    new = edited(VERSIONED, "has shipped", "is on its way")
    items = listed(old) + listed(new, name="order_update_v2")
    plan = plan_of([new], items)
    assert actions(plan) == {"template.order_update_v2[en_US]": "no-op"}
    [superseded] = [f for f in plan.findings if f.kind == "superseded"]
    assert superseded.name == "order_update" and "--prune" in superseded.next_step
    pruned = plan_of([new], items, prune=True)
    assert actions(pruned) == {
        "template.order_update[en_US]": "delete",
        "template.order_update_v2[en_US]": "no-op",
    }
    assert by_address(pruned, "template.order_update[en_US]").reason == "superseded_version"


def test_versioned_third_version_and_new_language_under_current_name() -> None:
    v1 = source(VERSIONED)
    v2 = edited(VERSIONED, "has shipped", "is on its way")
    items = listed(v1) + listed(v2, name="order_update_v2")
    v3 = edited(VERSIONED, "has shipped", "was handed to the courier")
    assert actions(plan_of([v3], items)) == {"template.order_update_v3[en_US]": "create"}
    more = source(
        VERSIONED.replace("has shipped", "is on its way")
        + '  es_ES:\n    body:\n      text: "Hola {{1}}, tu pedido va en camino."\n'
        + '      examples: ["Ana"]\n'
    )
    assert actions(plan_of([more], items)) == {
        "template.order_update_v2[en_US]": "no-op",
        "template.order_update_v2[es_ES]": "create",
    }


def test_versioned_template_not_yet_on_the_channel_is_created_under_its_name() -> None:
    assert actions(plan_of([source(VERSIONED)], [])) == {"template.order_update[en_US]": "create"}


# --- safety ----------------------------------------------------------------------------------


def names_on_channel(count: int, prefix: str = "n") -> tuple[list[Source], list[ListItem]]:
    sources = [source(simple(f"{prefix}_{i:02d}")) for i in range(count)]
    return sources, [item for s in sources for item in listed(s, status="REJECTED")]


def changed(sources: list[Source], count: int) -> list[Source]:
    out = []
    for i, src in enumerate(sources):
        name = src.template.name
        out.append(source(simple(name, body="Hello {{1}}, it moved.")) if i < count else src)
    return out


@pytest.mark.parametrize(
    ("managed", "recreated", "exceeded"),
    [
        (9, 9, False),  # under 10 managed names, the percentage does not apply
        (10, 3, False),  # 30% of 10 is allowed
        (10, 4, True),  # over 30%
        (40, 10, False),  # 10 names is allowed ...
        (40, 11, True),  # ... over 10 is not
    ],
)
def test_safety_threshold(managed: int, recreated: int, exceeded: bool) -> None:
    sources, items = names_on_channel(managed)
    plan = plan_of(changed(sources, recreated), items)
    assert plan.safety is not None and len(plan.safety.destructive_names) == recreated
    assert plan.safety.exceeded is exceeded
    assert plan.applyable is not exceeded
    if exceeded:
        assert plan_exit_code(plan, detailed=True) == EXIT_BLOCKED
        assert "--force" in plan.safety.needs
        forced = plan_of(changed(sources, recreated), items, force=True)
        assert forced.applyable and forced.safety is not None and forced.safety.exceeded


def test_prunes_count_towards_the_threshold() -> None:
    _, items = names_on_channel(11, "stale")
    plan = plan_of([], items, prune=True)
    assert plan.safety is not None and plan.safety.exceeded and not plan.applyable
    assert len(plan.changes) == 11


def test_threshold_settings_are_honoured() -> None:
    sources, items = names_on_channel(4)
    plan = plan_of(changed(sources, 2), items, max_names=1)
    assert plan.safety is not None and plan.safety.exceeded


# --- fingerprints ----------------------------------------------------------------------------


def test_fingerprint_ignores_list_order_but_not_content() -> None:
    items = listed(source(TWO_LANGS))
    assert fingerprint(parse_list(items)) == fingerprint(parse_list(reversed(items)))
    changed_item = dict(items[0], status="PAUSED")
    assert fingerprint(parse_list([changed_item, items[1]])) != fingerprint(parse_list(items))


def test_remote_state_is_kept_only_for_touched_names() -> None:
    old = source(TWO_LANGS)
    new = edited(TWO_LANGS, "your order has shipped", "your order is on its way")
    other = source(simple("untouched"))
    plan = plan_of([new, other], listed(old, status="PENDING") + listed(other))
    assert set(plan.remote_state) == {"order_update"}


def test_whole_plan_is_deterministic() -> None:
    sources = [source(textwrap.dedent(text)) for text in CATALOGUE.values()]
    items = [i for s in sources for i in listed(s, status="REJECTED")]
    first = build(sources, items, made_for("t"))
    second = build(list(reversed(sources)), list(reversed(items)), made_for("t"))
    assert first == second


def test_new_language_beside_a_recreate_is_created_after_the_delete() -> None:
    en_only = source(TWO_LANGS.split("  es_ES:")[0])
    both = edited(TWO_LANGS, "your order has shipped", "your order is on its way")
    plan = plan_of([both], listed(en_only, status="REJECTED"))
    assert actions(plan) == {
        "template.order_update[en_US]": "recreate",
        "template.order_update[es_ES]": "create",
    }
    assert "deleted and recreated" in by_address(plan, "template.order_update[es_ES]").detail


def test_new_language_beside_a_blocked_one_is_still_shown_as_a_create() -> None:
    en_only = source(TWO_LANGS.split("  es_ES:")[0])
    both = edited(TWO_LANGS, "your order has shipped", "your order is on its way")
    plan = plan_of([both], listed(en_only))
    assert actions(plan) == {
        "template.order_update[en_US]": "blocked",
        "template.order_update[es_ES]": "create",
    }
    assert not plan.applyable
