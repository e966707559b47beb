"""The lifecycle rules of a plan on a channel, shared by `plan` and by `apply PLANFILE`.

`plan.build` decides with these functions which names may be deleted and how many names the
repository manages. `apply PLANFILE` checks a saved plan against the channel as it is when it
is applied with the same functions (`refused_changes`), so a hand-edited plan can do nothing
`plan` would refuse: delete or recreate a name the channel shows as ever approved, delete a
name without a recorded --prune, prune a name the repository's files define, touch an ignored
name or one outside its `--only`/`--exclude` selection, go over the safety threshold without a
recorded --force, or delete a language it does not name.

The recorded options are part of the file, so an edit can claim --prune or --force. What it
cannot change is the repository the plan is applied from: `plan --prune` never deletes a name a
file defines (it is blocked or recreated instead), so neither may a saved plan.

Whether a name was ever approved is asked of `statuses.may_have_been_approved`, with what a
history store remembers (`Memory`) when one is configured: a name the history saw approved is
never recreated, whatever its status now. A plan records the store it consulted (`history`), and
apply refuses to recreate a name with less knowledge than the plan had.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from wa_templates.channel.known import Memory
from wa_templates.channel.remote import ChannelTemplate, address
from wa_templates.channel.statuses import NEVER_APPROVED, may_have_been_approved, why_live
from wa_templates.plan.model import (
    LANGUAGE_REMOVED,
    Action,
    Plan,
    PlanOptions,
    ResourceChange,
)
from wa_templates.plan.safety import Safety
from wa_templates.plan.versions import base_name, versions_on_channel

Channel = Mapping[str, Mapping[str, ChannelTemplate]]
"""The channel's templates: name -> language -> template."""
Repository = Mapping[str, bool]
"""The template names the repository's files define -> whether that template is versioned
(`versioning: suffix`, in the file or as the project's default)."""


@dataclass(frozen=True, slots=True)
class NameVerdict:
    """Whether a name may be deleted (8x8 deletes a name with every language of it)."""

    unreadable: list[str]
    """'en_US: why', per language whose content could not be read: such a name is never
    touched."""
    live: list[str]
    """'en_US APPROVED', ...: languages that may have been approved, so deleting the name
    would lock it for 30 days."""

    @property
    def may_recreate(self) -> bool:
        return not self.unreadable and not self.live

    def why_not(self, name: str) -> str:
        if self.unreadable:
            return f"the channel's content could not be read ({'; '.join(self.unreadable)})"
        return (
            f"deleting '{name}' would drop every language of it ({', '.join(self.live)}) and "
            "lock the name for 30 days"
        )


def name_verdict(languages: Iterable[ChannelTemplate], memory: Memory | None = None) -> NameVerdict:
    """Whether a name's languages may be deleted, from the channel's statuses and, when a
    history store is configured, what it remembers of each."""
    listed = sorted(languages, key=lambda r: r.language)
    # Only a PENDING or REJECTED language's verdict can change with what the history knows.
    known = {
        r.language: memory.recall(r.name, r.language)
        for r in listed
        if memory is not None and r.status in NEVER_APPROVED
    }
    return NameVerdict(
        unreadable=[f"{r.language}: {r.unreadable}" for r in listed if r.content is None],
        live=[
            why_live(r, known.get(r.language))
            for r in listed
            if may_have_been_approved(r, known.get(r.language))
        ],
    )


def rule_note(names: list[str]) -> str | None:
    """What a plan made without a history store says once of the names whose verdict rests on
    the 48-hour rule (`Plan.rests_on_48h_rule`); None when there are none."""
    if not names:
        return None
    shown = ", ".join(f"'{n}'" for n in names[:5]) + (
        f" and {len(names) - 5} more" if names[5:] else ""
    )
    return (
        f"Without a history store, whether {shown} {'was' if len(names) == 1 else 'were'} ever "
        "approved rests on the 48-hour rule (a REJECTED template counts as approved only when "
        "rejected more than 48 h after its creation): set `history` for the target, or pass "
        "--history, so plan knows."
    )


def is_ignored(name: str, options: PlanOptions) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in options.ignore)


def managed_names(changes: list[ResourceChange], remote: Collection[str]) -> set[str]:
    """The names on the channel that a plan's repository manages, pruned ones included.

    Every name a change is about (no-ops too), and every version on the channel of a template
    planned under a version name (`versioning: suffix`), less what the channel does not hold.
    """
    kept = [c for c in changes if not c.prunes]
    owned = {c.template for c in kept}
    names = {c.name for c in kept}
    for template in {c.template for c in kept if c.name != c.template}:
        names |= set(versions_on_channel(template, remote, owned).values())
    return (names & set(remote)) | {c.name for c in changes if c.deletes_name}


def safety_on(
    changes: list[ResourceChange], options: PlanOptions, remote: Collection[str]
) -> Safety:
    """The safety verdict of these changes on a channel holding the names `remote`."""
    return Safety.of(changes, options, len(managed_names(changes, remote)))


def refused_changes(
    plan: Plan, remote: Channel, repository: Repository | None, memory: Memory | None = None
) -> list[str]:
    """One line per change of a saved plan that `plan` would not make on `remote` with the
    options the plan records, from `repository` (None: its files did not all load, so no
    prune can be checked), and what `memory` (the target's history store, if any) knows;
    empty when the plan may be applied."""
    by_name: dict[str, list[ResourceChange]] = defaultdict(list)
    for change in plan.pending:
        by_name[change.name].append(change)
    refused: dict[str, str] = {}
    for name, changes in sorted(by_name.items()):
        outside = [c for c in changes if not plan.selection.selects(c.template)]
        if outside:
            # A partial plan holds only what its patterns select (plan.selection).
            why = f"outside the plan's selection ({plan.selection.described()})"
            refused.update({c.address: f"{c.action.value} refused: {why}" for c in outside})
            continue
        languages = remote.get(name, {})
        refused.update(_refused_for_name(name, changes, languages, plan, repository, memory))
    safety = safety_on(plan.changes, plan.options, remote)
    lines = [f"{where}: {why}" for where, why in refused.items()]
    if safety.exceeded and not safety.forced:
        over = [c for c in plan.pending if c.deletes_name and c.address not in refused]
        lines += [f"{c.address}: {c.action.value} refused: over the safety threshold" for c in over]
        lines.append(f"safety: {safety.rule()}, and the plan was made without --force")
    return lines


def _refused_for_name(
    name: str,
    changes: list[ResourceChange],
    languages: Mapping[str, ChannelTemplate],
    plan: Plan,
    repository: Repository | None,
    memory: Memory | None,
) -> dict[str, str]:
    """Address -> why, for the changes of one name that plan would not make."""
    options = plan.options

    def refuse(selected: Iterable[ResourceChange], why: str) -> dict[str, str]:
        return {c.address: f"{c.action.value} refused: {why}" for c in selected}

    if is_ignored(name, options):
        return refuse(changes, "the plan's ignore patterns exclude this name, so plan leaves it")
    deletes = [c for c in changes if c.deletes_name]
    if not deletes:
        there = [c for c in changes if c.language in languages]
        return refuse(there, "already on the channel: a create would not replace it")
    if any(c.prunes for c in deletes):
        odd = [c for c in changes if not c.prunes]
        if odd:
            return refuse(changes, f"a pruned name is not also changed ({odd[0].address})")
        if not options.prune:
            return refuse(changes, "the plan was made without --prune")
        managed = _managed_by(name, deletes[0].reason, repository)
        if managed:
            return refuse(changes, managed)
    else:
        unknown = [c for c in deletes if c.action is Action.DELETE and c.reason != LANGUAGE_REMOVED]
        if unknown:
            return refuse(unknown, f"'{unknown[0].reason}' is not a reason plan deletes for")
        if not any(c.action in (Action.CREATE, Action.RECREATE) for c in changes):
            return refuse(deletes, "a removed language is deleted only when its name is recreated")
        if plan.history is not None and memory is None:
            # The plan knew whether the name was ever approved; the 48-hour rule is less.
            return refuse(
                deletes,
                f"the plan asked the history store {plan.history} whether '{name}' was ever "
                "approved, and this apply has no history store to ask again: set the target's "
                "`history`, or pass --history",
            )
        verdict = name_verdict(languages.values(), memory)
        if not verdict.may_recreate:
            return refuse(deletes, verdict.why_not(name))
    deleted = {c.language for c in deletes}
    return {
        address(name, code): f"deleted with '{name}', but the plan does not say so"
        for code in sorted(set(languages) - deleted)
    }


def _managed_by(name: str, reason: str, repository: Repository | None) -> str | None:
    """Why `plan --prune` would not prune `name` for `reason` from `repository`, if it would
    not: plan prunes only names no file defines ("pruned"), and the older versions of a
    versioned template a file defines ("superseded_version")."""
    if repository is None:
        return (
            "a template file did not load (or one is hidden or a backup), so which names the "
            "repository defines is unknown"
        )
    base = base_name(name)
    versioned_base = base != name and name not in repository and repository.get(base, False)
    if reason == "superseded_version":
        if repository.get(name, False) or versioned_base:
            return None
        return f"'{name}' is not an older version of a versioned template the repository defines"
    if name in repository:
        return f"the repository defines '{name}', and plan never prunes a name a file defines"
    if versioned_base:
        return f"'{name}' is a version of '{base}', which the repository defines with versioning"
    return None
