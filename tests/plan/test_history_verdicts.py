"""Whether a name was ever approved, with and without a history store, in plan and in apply's
re-check of a saved plan: the approved-then-rejected name is blocked, not recreated."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.memory import STORE, Remembered
from tests.plan.channel import NOW, listed, made_for, simple, source
from tests.wire import build
from wa_templates.channel.known import Known
from wa_templates.channel.remote import ListItem, by_name, parse_list
from wa_templates.files.load import Source
from wa_templates.plan.lifecycle import refused_changes
from wa_templates.plan.model import Action, Plan, PlanOptions
from wa_templates.plan.saved import parse_plan
from wa_templates.render import plan as render

APPROVED_AT = NOW + timedelta(minutes=20)


def _two(body: str = "Hello {{1}}, your order has shipped.") -> Source:
    return source(
        simple("ship", body=body)
        + '  es_ES:\n    body:\n      text: "Hola {{1}}, enviado."\n      examples: ["Ana"]\n'
    )


def _rejected_an_hour_after_approval() -> list[ListItem]:
    """The case that was reproduced: two languages APPROVED, then REJECTED an hour after they
    were created, well inside the 48 hours the channel's statuses are judged by."""
    items = listed(_two(), status="REJECTED")
    for item in items:
        item["updatedAt"] = (NOW + timedelta(hours=1)).isoformat()
    return items


def _approved() -> Remembered:
    return Remembered(
        {
            ("ship", lang): Known(approved_at=APPROVED_AT, status="REJECTED")
            for lang in ("en_US", "es_ES")
        }
    )


def _never_approved() -> Remembered:
    return Remembered({("ship", "en_US"): Known(status="REJECTED")})


CHANGED = _two(body="Hello {{1}}, your order is on its way.")


def test_the_history_blocks_an_approved_then_rejected_name() -> None:
    plan = build([CHANGED], _rejected_an_hour_after_approval(), made_for(), memory=_approved())
    assert [(c.address, c.action) for c in plan.changes] == [
        ("template.ship[en_US]", Action.BLOCKED),
        ("template.ship[es_ES]", Action.NOOP),
    ]
    assert not plan.applyable
    assert (
        "(en_US REJECTED, approved 2024-05-01 (history), es_ES REJECTED, approved 2024-05-01 "
        "(history)) and lock the name for 30 days" in plan.changes[0].detail
    )
    assert plan.history == STORE and plan.rests_on_48h_rule == []
    rejected = [f for f in plan.findings if f.kind == "rejected"]
    assert [f.message for f in rejected] == [
        "rejected by Meta after it was approved on 2024-05-01: reason not reported"
    ] * 2
    assert all("lock the name" in f.next_step for f in rejected)


def test_without_history_the_plan_says_its_verdict_rests_on_the_48_hour_rule() -> None:
    plan = build([CHANGED], _rejected_an_hour_after_approval(), made_for())
    assert {c.action for c in plan.changes} == {Action.RECREATE}
    assert plan.history is None and plan.rests_on_48h_rule == ["ship"]
    assert "as far as the channel's statuses tell (the 48-hour rule)" in plan.changes[0].detail
    said = "whether 'ship' was ever approved rests on the 48-hour rule"
    assert said in render.text(plan, color=False)
    assert "[!NOTE]" in render.markdown(plan)
    assert said in render.markdown(plan).replace("&#39;", "'")
    document = json.loads(render.as_json(plan))
    assert (document["history"], document["rests_on_48h_rule"]) == (None, ["ship"])


def test_a_history_that_never_saw_it_approved_lets_it_be_recreated_and_says_so() -> None:
    memory = _never_approved()
    plan = build([CHANGED], _rejected_an_hour_after_approval(), made_for(), memory=memory)
    assert {c.action for c in plan.changes} == {Action.RECREATE}
    assert plan.rests_on_48h_rule == []
    assert "as far as the channel and its history tell" in plan.changes[0].detail
    assert "48-hour rule" not in render.text(plan, color=False)
    # Only a language the history could change the verdict of is asked about.
    approved = build([source(simple("ok", body="Hello {{1}}, new."))], listed(source(simple("ok"))),
                     made_for(), memory=memory)  # fmt: skip
    assert [c.action for c in approved.changes] == [Action.BLOCKED]
    assert ("ok", "en_US") not in memory.asked


def test_the_history_turns_a_prune_into_a_delete_that_locks() -> None:
    items = _rejected_an_hour_after_approval()
    options = PlanOptions(prune=True, force=True)
    plain = build([], items, made_for(), options)
    assert "locks the name" not in plain.changes[0].detail
    assert plain.rests_on_48h_rule == ["ship"]
    remembered = build([], items, made_for(), options, memory=_approved())
    assert "locks the name for 30 days" in remembered.changes[0].detail


def _saved(plan: Plan) -> Plan:
    return parse_plan(render.as_json(plan))


def test_apply_rechecks_a_saved_plan_with_the_history_it_has_now() -> None:
    items = _rejected_an_hour_after_approval()
    now = by_name(parse_list(items))
    made_without = _saved(build([CHANGED], items, made_for()))
    assert refused_changes(made_without, now, {}) == []
    refused = refused_changes(made_without, now, {}, _approved())
    assert refused[0].startswith(
        "template.ship[en_US]: recreate refused: deleting 'ship' would drop every language of "
        "it (en_US REJECTED, approved 2024-05-01 (history)"
    )
    assert len(refused) == 2
    # Made and applied with a history that never saw it approved: consistent.
    made_with = _saved(build([CHANGED], items, made_for(), memory=_never_approved()))
    assert made_with.history == STORE
    assert refused_changes(made_with, now, {}, _never_approved()) == []
    # Applied where no history can be asked: less than the plan knew, so refused.
    assert refused_changes(made_with, now, {}) == [
        f"template.ship[{lang}]: recreate refused: the plan asked the history store {STORE} "
        "whether 'ship' was ever approved, and this apply has no history store to ask again: "
        "set the target's `history`, or pass --history"
        for lang in ("en_US", "es_ES")
    ]


def test_the_48_hour_rule_names_are_computed_not_read() -> None:
    plan = build([CHANGED], _rejected_an_hour_after_approval(), made_for())
    document = json.loads(render.as_json(plan))
    document["rests_on_48h_rule"] = []
    assert parse_plan(json.dumps(document)).rests_on_48h_rule == ["ship"]
    document["history"] = STORE  # a plan made with a history store rests on no rule
    assert parse_plan(json.dumps(document)).rests_on_48h_rule == []


def test_a_plan_of_format_2_0_was_made_without_history() -> None:
    document = json.loads(render.as_json(build([CHANGED], _rejected_an_hour_after_approval(),
                                                made_for())))  # fmt: skip
    document["format_version"] = "2.0"
    del document["history"], document["rests_on_48h_rule"]
    read = parse_plan(json.dumps(document))
    assert read.history is None and read.rests_on_48h_rule == ["ship"]
