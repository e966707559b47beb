"""plan.lifecycle: a saved plan is held to the rules `plan` follows, on the channel as it is when
the plan is applied, with the options the plan records."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.plan.channel import listed, made_for, simple, source
from tests.wire import build
from wa_templates.channel.payload import to_payload
from wa_templates.channel.remote import ChannelTemplate, ListItem, by_name, parse_list
from wa_templates.files.load import Source
from wa_templates.plan.lifecycle import _managed_by, managed_names, refused_changes
from wa_templates.plan.model import Plan, PlanOptions
from wa_templates.plan.saved import parse_plan

Edit = Callable[[dict[str, Any]], None]


def _remote(items: list[ListItem]) -> dict[str, dict[str, ChannelTemplate]]:
    """The channel as plan and apply see it: name -> language -> template."""
    return by_name(parse_list(items))


def _two(name: str, body: str = "Hello {{1}}, your order has shipped.") -> Source:
    return source(
        simple(name, body=body)
        + f'  es_ES:\n    body:\n      text: "Hola {{{{1}}}}, {name}."\n      examples: ["Ana"]\n'
    )


def _scenarios() -> dict[str, tuple[list[Source], list[ListItem], PlanOptions]]:
    live = listed(source(simple("live"))) + listed(source(simple("kept")))
    versions = listed(source(simple("promo"))) + listed(
        source(simple("promo", body="Hello {{1}}, second.")), name="promo_v2"
    )
    changed_promo = source(simple("promo", body="Hello {{1}}, third.", versioning="suffix"))
    return {
        "creates and no-ops": (
            [source(simple("new")), source(simple("kept"))],
            live,
            PlanOptions(),
        ),
        "recreate of a never-approved name": (
            [source(simple("fix", body="Hello {{1}}, better words."))],
            listed(_two("fix"), status="REJECTED"),
            PlanOptions(),
        ),
        "a language removed from a never-approved name": (
            [source(simple("fix"))],
            listed(_two("fix"), status="PENDING"),
            PlanOptions(),
        ),
        "pruned, approved and with the lock": (
            [source(simple("kept"))],
            live,
            PlanOptions(prune=True),
        ),
        "a new version, the old ones pruned": (
            [changed_promo],
            versions,
            PlanOptions(prune=True, force=True),
        ),
        "everything pruned, forced": ([], live, PlanOptions(prune=True, force=True)),
        "ignored names left alone": (
            [],
            live,
            PlanOptions(prune=True, force=True, ignore=("live",)),
        ),
    }


SCENARIOS = _scenarios()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_a_plan_is_never_refused_on_the_channel_it_was_made_from(scenario: str) -> None:
    sources, items, options = SCENARIOS[scenario]
    plan = build(sources, items, made_for(), options)
    assert plan.pending and plan.applyable
    saved = parse_plan(json.dumps(plan.document()))
    assert refused_changes(saved, _remote(items), _repository(sources, options)) == []


def _repository(sources: list[Source], options: PlanOptions) -> dict[str, bool]:
    """What `apply PLANFILE` reads from the files: each name, and whether it is versioned."""
    return {
        s.template.name: (s.template.versioning or options.versioning) == "suffix" for s in sources
    }


def test_a_saved_plan_cannot_prune_a_name_the_repository_defines() -> None:
    """The recorded options are part of the file: an edit can claim --prune and --force. The
    repository the plan is applied from cannot be edited with it, and plan never prunes a name a
    file defines."""
    files = [_two(n) for n in ("alpha", "beta", "gamma")]
    plan = build(files, APPROVED, made_for(), PlanOptions(prune=True, force=True))
    data = json.loads(json.dumps(plan.document()))
    _touch_all(data)
    data["resource_changes"] = [
        dict(c, action="delete", action_reason="pruned", payload=None)
        for c in data["resource_changes"]
    ]
    forged = parse_plan(json.dumps(data))
    repository = _repository(files, PlanOptions())
    lines = refused_changes(forged, _remote(APPROVED), repository)
    assert lines == [
        f"template.{n}[{lang}]: delete refused: the repository defines '{n}', and plan never "
        "prunes a name a file defines"
        for n in ("alpha", "beta", "gamma")
        for lang in ("en_US", "es_ES")
    ]
    # Without the files, nobody can tell which names they define: no prune goes ahead.
    unknown = refused_changes(forged, _remote(APPROVED), None)
    assert len(unknown) == 6 and all("did not load" in line for line in unknown)
    # The same deletes from a repository without those files are what --prune is for.
    assert refused_changes(forged, _remote(APPROVED), {}) == []


@pytest.mark.parametrize(
    ("name", "reason", "repository", "refused"),
    [
        ("promo_v2", "pruned", {"promo": True}, "a version of 'promo'"),
        ("promo_v2", "pruned", {"promo": False}, None),  # not versioned: a name of its own
        ("promo_v2", "pruned", {"promo_v2": False}, "the repository defines 'promo_v2'"),
        ("promo_v2", "superseded_version", {"promo": True}, None),
        ("promo", "superseded_version", {"promo": True}, None),
        ("promo_v2", "superseded_version", {"promo": False}, "not an older version"),
        ("promo_v2", "superseded_version", {}, "not an older version"),
        ("other", "superseded_version", {"other": False}, "not an older version"),
    ],
)
def test_which_prunes_a_repository_allows(
    name: str, reason: str, repository: dict[str, bool], refused: str | None
) -> None:
    why = _managed_by(name, reason, repository)
    assert (why is None) if refused is None else (why is not None and refused in why)


def test_managed_names_count_every_version_of_a_versioned_template() -> None:
    promo = source(simple("promo", body="Hello {{1}}, third.", versioning="suffix"))
    items = (
        listed(source(simple("promo")))
        + listed(source(simple("promo", body="Hello {{1}}, second.")), name="promo_v2")
        + listed(source(simple("other_v2")))  # no version of anything the repository has
    )
    plan = build([promo], items, made_for())
    assert [c.name for c in plan.pending] == ["promo_v3"]
    assert managed_names(plan.changes, _remote(items)) == {"promo", "promo_v2"}
    assert plan.safety.managed_names == 2


def test_managed_names_count_pruned_names_and_no_ops() -> None:
    items = [i for n in ("a", "b", "c") for i in listed(source(simple(n)))]
    plan = build([source(simple("a"))], items, made_for(), PlanOptions(prune=True))
    assert managed_names(plan.changes, _remote(items)) == {"a", "b", "c"}


# --- a saved plan, edited ---------------------------------------------------------------------

APPROVED = [i for n in ("alpha", "beta", "gamma") for i in listed(_two(n))]
FILES = [_two("alpha"), _two("beta"), _two("gamma")]


def _edited(plan: Plan, edit: Edit) -> Plan:
    data = json.loads(json.dumps(plan.document()))
    edit(data)
    return parse_plan(json.dumps(data))


def _refused(plan: Plan, edit: Edit, items: list[ListItem] = APPROVED) -> list[str]:
    return refused_changes(_edited(plan, edit), _remote(items), {})


def _touch_all(data: dict[str, Any], items: list[ListItem] = APPROVED) -> None:
    """remote_state for every name on the channel, as a plan touching them records it."""
    data["remote_state"] = {
        name: {lang: r.fingerprint for lang, r in languages.items()}
        for name, languages in _remote(items).items()
    }


def _all_deleted(data: dict[str, Any]) -> None:
    for change in data["resource_changes"]:
        change.update(action="delete", action_reason="pruned", payload=None)
    data["safety"] = {"managed_names": 0}
    _touch_all(data)


def test_every_action_turned_into_delete_is_refused_without_a_recorded_prune() -> None:
    plan = build(FILES, APPROVED, made_for())
    lines = _refused(plan, _all_deleted)
    assert lines == [
        f"template.{n}[{lang}]: delete refused: the plan was made without --prune"
        for n in ("alpha", "beta", "gamma")
        for lang in ("en_US", "es_ES")
    ] + ["safety: it would delete every managed name on the channel (3 of 3), and the plan was "
         "made without --force"]  # fmt: skip


def test_with_prune_forged_too_the_safety_threshold_still_refuses() -> None:
    def forged(data: dict[str, Any]) -> None:
        _all_deleted(data)
        data["options"]["prune"] = True

    lines = _refused(build(FILES, APPROVED, made_for()), forged)
    assert lines[:6] == [
        f"template.{n}[{lang}]: delete refused: over the safety threshold"
        for n in ("alpha", "beta", "gamma")
        for lang in ("en_US", "es_ES")
    ]
    assert lines[6].startswith("safety: it would delete every managed name on the channel")


def test_a_recreate_of_an_approved_name_is_refused() -> None:
    changed = [_two("alpha", body="Hello {{1}}, other words."), _two("beta"), _two("gamma")]
    plan = build(changed, APPROVED, made_for())
    assert [c.action.value for c in plan.blocked] == ["blocked"]

    def unblocked(data: dict[str, Any]) -> None:
        for change in data["resource_changes"]:
            if change["name"] == "alpha":
                change.update(action="recreate", action_reason="changed_never_approved")
                # What the file now says, so the payload sends what the change shows.
                change["payload"] = to_payload(changed[0].template, change["language"])

    assert _refused(plan, unblocked) == [
        f"template.alpha[{lang}]: recreate refused: deleting 'alpha' would drop every "
        "language of it (en_US APPROVED, es_ES APPROVED) and lock the name for 30 days"
        for lang in ("en_US", "es_ES")
    ]


def test_a_delete_for_a_reason_plan_never_gives_is_refused() -> None:
    plan = build([_two("alpha"), _two("beta")], APPROVED, made_for(), PlanOptions(prune=True))

    def reason(data: dict[str, Any]) -> None:
        for change in data["resource_changes"]:
            if change["name"] == "gamma":
                change["action_reason"] = "because"

    assert _refused(plan, reason) == [
        f"template.gamma[{lang}]: delete refused: 'because' is not a reason plan deletes for"
        for lang in ("en_US", "es_ES")
    ]


def test_a_delete_that_leaves_out_a_language_is_refused() -> None:
    plan = build([_two("alpha"), _two("beta")], APPROVED, made_for(), PlanOptions(prune=True))

    def hidden(data: dict[str, Any]) -> None:
        data["resource_changes"] = [
            c for c in data["resource_changes"] if (c["name"], c["language"]) != ("gamma", "es_ES")
        ]

    assert _refused(plan, hidden) == [
        "template.gamma[es_ES]: deleted with 'gamma', but the plan does not say so"
    ]


def test_a_name_the_recorded_ignore_patterns_exclude_is_refused() -> None:
    plan = build([_two("alpha"), _two("beta")], APPROVED, made_for(), PlanOptions(prune=True))

    def ignored(data: dict[str, Any]) -> None:
        data["options"]["ignore"] = ["gam*"]

    assert _refused(plan, ignored) == [
        f"template.gamma[{lang}]: delete refused: the plan's ignore patterns exclude this name, "
        "so plan leaves it"
        for lang in ("en_US", "es_ES")
    ]


def test_a_create_of_a_template_on_the_channel_is_refused() -> None:
    plan = build([*FILES, _two("delta")], APPROVED, made_for())

    def renamed(data: dict[str, Any]) -> None:
        for change in data["resource_changes"]:
            if change["name"] == "delta":
                change.update(name="alpha", template="alpha")
                change["payload"]["name"] = "alpha"
        data["resource_changes"] = [
            c for c in data["resource_changes"] if c["name"] != "alpha" or c["action"] != "no-op"
        ]
        _touch_all(data)

    assert _refused(plan, renamed) == [
        f"template.alpha[{lang}]: create refused: already on the channel: a create would not "
        "replace it"
        for lang in ("en_US", "es_ES")
    ]


def test_a_removed_language_is_deleted_only_with_a_recreate() -> None:
    items = listed(_two("fix"), status="PENDING")
    plan = build([source(simple("fix"))], items, made_for())

    def no_recreate(data: dict[str, Any]) -> None:
        data["resource_changes"] = [c for c in data["resource_changes"] if c["action"] == "delete"]

    assert _refused(plan, no_recreate, items) == [
        "template.fix[es_ES]: delete refused: a removed language is deleted only when its name is "
        "recreated"
    ]


def test_a_pruned_name_that_is_also_changed_is_refused() -> None:
    plan = build([_two("alpha"), _two("beta")], APPROVED, made_for(), PlanOptions(prune=True))

    def mixed(data: dict[str, Any]) -> None:
        for change in data["resource_changes"]:
            if (change["name"], change["language"]) == ("gamma", "es_ES"):
                change.update(action="recreate", action_reason="changed_never_approved")
                change["payload"] = _payload(change)
                change["change"]["after"] = change["change"]["before"]

    lines = _refused(plan, mixed)
    assert lines == [
        f"template.gamma[{lang}]: {action} refused: a pruned name is not also changed "
        "(template.gamma[es_ES])"
        for lang, action in (("en_US", "delete"), ("es_ES", "recreate"))
    ]


def test_a_plan_made_on_another_state_of_the_channel_is_held_to_the_channel_now() -> None:
    # Made while alpha was in review, applied after Meta approved it: the recreate would lock it.
    fix = [_two("alpha", body="Hello {{1}}, other words.")]
    pending = listed(_two("alpha"), status="PENDING")
    plan = build(fix, pending, made_for())
    assert refused_changes(plan, _remote(pending), {}) == []
    approved = listed(_two("alpha"), status="APPROVED")
    assert refused_changes(plan, _remote(approved), {}) == [
        f"template.alpha[{lang}]: recreate refused: deleting 'alpha' would drop every language "
        "of it (en_US APPROVED, es_ES APPROVED) and lock the name for 30 days"
        for lang in ("en_US", "es_ES")
    ]


def _payload(change: dict[str, Any]) -> dict[str, Any]:
    template = _two(change["name"]).template
    return to_payload(template, change["language"])
