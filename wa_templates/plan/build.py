"""Build a plan: what apply would do to make the channel match the repository.

The API can list, create (per name + language) and delete (per name, every language at once).
So a changed template can only be deleted and created again, and that is only safe while no
language of the name was ever approved: deleting an approved name locks it for 30 days. This
module decides, per name, which of create / no-op / recreate / blocked / versioned create /
delete is honest, and never calls a change anything it is not. Whether a name was ever
approved is asked of `plan.lifecycle` with what the history store remembers (`memory`), when the
target has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wa_templates.channel.known import Memory
from wa_templates.channel.normalise import (
    UNCONFIRMABLE,
    Canonical,
    align_samples,
    canonical,
    sent_only,
)
from wa_templates.channel.payload import to_payload
from wa_templates.channel.remote import ChannelTemplate, by_name, fingerprint
from wa_templates.channel.statuses import meta_recategorised, status_findings
from wa_templates.files.diagnostics import DiagnosticDict
from wa_templates.files.load import Source
from wa_templates.plan.diff import FieldChange, diff
from wa_templates.plan.lifecycle import is_ignored as is_ignored
from wa_templates.plan.lifecycle import name_verdict, safety_on
from wa_templates.plan.model import (
    LANGUAGE_REMOVED,
    LIVE_BLOCK,
    Action,
    Change,
    ChannelBinding,
    Finding,
    Plan,
    ResourceChange,
    Unmanaged,
)
from wa_templates.plan.model import PlanOptions as PlanOptions
from wa_templates.plan.selection import Selection, channel_names
from wa_templates.plan.sent import NEW_VERSION
from wa_templates.plan.versions import base_name, next_version, versions_on_channel

# The `x as x` imports above keep is_ignored and PlanOptions importable from here, where drift
# and the tests found them before they moved to plan.lifecycle and plan.model.


@dataclass(slots=True)
class _Builder:
    sources: list[Source]
    remote: dict[str, dict[str, ChannelTemplate]]
    options: PlanOptions
    memory: Memory | None = None
    changes: list[ResourceChange] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    owned: set[str] = field(default_factory=set)
    superseded: set[str] = field(default_factory=set)
    """Names the repository's files define."""


def build(
    sources: list[Source],
    listed: list[ChannelTemplate],
    channel: ChannelBinding,
    options: PlanOptions | None = None,
    diagnostics: list[DiagnosticDict] | None = None,
    selection: Selection | None = None,
    memory: Memory | None = None,
) -> Plan:
    """The plan for `channel`, which lists `listed`; `diagnostics` are the files' warnings;
    `selection` (`--only`/`--exclude`) the templates it is about (plan.selection); `memory` is
    the target's history store, if it has one."""
    options = options or PlanOptions()
    selection = selection or Selection()
    remote = by_name(listed)
    managed_sources = [s for s in sources if not is_ignored(s.template.name, options)]
    owned = {s.template.name for s in managed_sources}
    selected = [s for s in managed_sources if selection.selects(s.template.name)]
    left_out = [s for s in managed_sources if not selection.selects(s.template.name)]
    builder = _Builder(selected, remote, options, memory)
    builder.owned = owned
    managed: set[str] = set()
    unmanaged: list[Unmanaged] = []
    findings: list[Finding] = []
    for source in sorted(selected, key=lambda s: s.template.name):
        template = source.template
        versioning = template.versioning or options.versioning
        if versioning == "suffix":
            managed |= _plan_versioned(builder, source)
        else:
            managed.add(template.name)
            _plan_name(builder, source, template.name)
    # The channel's names of templates left out are theirs, not unmanaged.
    elsewhere = set().union(
        *(channel_names(s.template, remote, owned, options.versioning) for s in left_out)
    )
    taken = managed | elsewhere
    loose = [n for n in sorted(remote) if n not in taken and not is_ignored(n, options)]
    ignored = {n for n in {*remote, *(s.template.name for s in sources)} if is_ignored(n, options)}
    unselected = selection.leaves_out(loose, owned, remote, ignored)
    for name in loose:
        if unselected and not selection.selects(name):
            continue
        languages = remote[name]
        if options.prune:
            _delete_name(
                builder, name, languages, "pruned", "not in the repository and --prune is set"
            )
        else:
            unmanaged.extend(
                {"name": name, "language": r.language, "status": r.status, "category": r.category}
                for r in sorted(languages.values(), key=lambda r: r.language)
            )
    owners = {s.template.name: s for s in managed_sources}
    # A superseded version's own status no longer matters: its "superseded" finding says what to do.
    for name in sorted((managed & set(remote)) - builder.superseded):
        for lang in sorted(remote[name]):
            r = remote[name][lang]
            owner = owners.get(name) or owners.get(base_name(name))
            # An approved template's findings need nothing the history adds: spare the lookup.
            known = memory.recall(name, lang) if memory and r.status != "APPROVED" else None
            findings.extend(
                Finding(name, lang, f.kind, f.severity, f.message, f.next_step, f.health)
                for f in status_findings(
                    r,
                    owner.template.category if owner else None,
                    owner.path if owner else None,
                    known,
                )
            )
    remote_state = {
        name: {lang: r.fingerprint for lang, r in sorted(remote.get(name, {}).items())}
        for name in sorted(builder.touched)
    }
    left_out_files = {s.path for s in left_out}
    return Plan(
        channel=channel,
        options=options,
        selection=selection.model_copy(
            update={
                "left_out": sorted(s.template.name for s in left_out),
                "unmanaged_left_out": unselected,
            }
        ),
        fingerprint=fingerprint(listed),
        remote_state=remote_state,
        changes=builder.changes,
        findings=findings + builder.findings,
        diagnostics=[d for d in diagnostics or [] if d["file"] not in left_out_files],
        unmanaged=unmanaged,
        unconfirmable=list(UNCONFIRMABLE),
        safety=safety_on(builder.changes, options, remote),
        history=memory.description if memory is not None else None,
    )


# --- one name ----------------------------------------------------------------------------


def _plan_name(b: _Builder, source: Source, name: str) -> None:
    """Plan the file's languages against the channel's languages of `name`."""
    n = _NamePlan(b, source, name)
    if not n.differs and not n.dropped:
        for code, (after, _) in n.compared.items():
            r = n.remote.get(code)
            if r is None:
                n.add(code, Action.CREATE, "not_on_channel", "not on the channel: create it", after)
            else:
                n.add(
                    code, Action.NOOP, "unchanged", "the channel matches the repository", after, r
                )
        return
    verdict = name_verdict(n.remote.values(), b.memory)
    if verdict.unreadable:
        n.block("unreadable", f"{verdict.why_not(name)}, so it is not touched")
    elif verdict.may_recreate:
        n.recreate()
    else:
        n.block(
            LIVE_BLOCK,
            f"8x8 cannot edit a template, and {verdict.why_not(name)}. Ways out: give the new "
            "content a new name, or set `versioning: suffix` to create it as the next version",
        )


def compare(after: Canonical, category: str, r: ChannelTemplate) -> list[FieldChange]:
    """What plan would change: the channel (before) against the repository (after)."""
    if r.content is None:
        return [FieldChange("(content)", "unreadable on the channel", "as in the repository")]
    local, remote = align_samples(after, r.content)
    changes = diff(remote, local)
    if category != r.category and not meta_recategorised(category, r.category, r.status):
        # Meta moving a live UTILITY template to MARKETING is a finding, not a change.
        changes.insert(0, FieldChange("category", r.category, category))
    return changes


class _NamePlan:
    """One name of one file, compared language by language with the channel."""

    def __init__(self, b: _Builder, source: Source, name: str) -> None:
        self.b, self.source, self.name = b, source, name
        template = source.template
        self.remote = b.remote.get(name, {})
        self.compared: dict[str, tuple[Canonical, list[FieldChange]]] = {}
        self.differs: list[str] = []
        for code, lang in template.languages.items():
            after = canonical(lang, template.category)
            r = self.remote.get(code)
            if r is not None and after == r.content:
                # Nearly every template of a plan: one copy of the content serves both sides
                # (12,000 of them are 18 MB of a full channel's plan).
                after = r.content
            changes = compare(after, template.category, r) if r is not None else []
            self.compared[code] = (after, changes)
            if changes:
                self.differs.append(code)
        self.dropped = sorted(set(self.remote) - set(template.languages))

    def recreate(self) -> None:
        """Delete the name (never approved, so not locked) and create every language again."""
        name = self.name
        every = ", ".join(sorted(set(self.compared) | set(self.remote)))
        for code in sorted(self.compared):
            after, changes = self.compared[code]
            r = self.remote.get(code)
            if r is None:
                detail = f"created after '{name}' is deleted and recreated"
                self.add(code, Action.CREATE, "not_on_channel", detail, after)
            elif changes:
                # Said as surely as it is known: the history may have started too late, and
                # without one the channel's statuses and the 48-hour rule are all there is.
                known = (
                    "the channel and its history tell"
                    if self.b.memory is not None
                    else "the channel's statuses tell (the 48-hour rule)"
                )
                detail = (
                    f"8x8 cannot edit: '{name}' is deleted with all its languages ({every}) and "
                    f"created again; no language was approved as far as {known}, so the name "
                    "does not lock"
                )
                self.add(code, Action.RECREATE, "changed_never_approved", detail, after, r, changes)
            else:
                detail = (
                    f"unchanged, but recreated because '{name}' is deleted with all its languages"
                )
                self.add(code, Action.RECREATE, "recreated_with_name", detail, after, r)
        for code in self.dropped:
            detail = f"not in the file any more: deleted with '{name}' (8x8 deletes by name)"
            self.add(
                code,
                Action.DELETE,
                LANGUAGE_REMOVED,
                detail,
                None,
                self.remote[code],
                [FieldChange("(language)", code, None)],
            )

    def block(self, reason: str, why: str) -> None:
        """Refuse the changed languages; new languages need no delete, so they still go ahead."""
        for code in sorted(self.compared):
            after, changes = self.compared[code]
            r = self.remote.get(code)
            if r is None:
                detail = "not on the channel: create it (a new language needs no delete)"
                self.add(code, Action.CREATE, "not_on_channel", detail, after)
            elif code in self.differs:
                self.add(code, Action.BLOCKED, reason, why, after, r, changes)
            else:
                self.add(
                    code, Action.NOOP, "unchanged", "the channel matches the repository", after, r
                )
        for code in self.dropped:
            detail = f"removed from the file, but {why[0].lower()}{why[1:]}"
            self.add(
                code,
                Action.BLOCKED,
                reason,
                detail,
                None,
                self.remote[code],
                [FieldChange("(language)", code, None)],
            )

    def add(
        self,
        code: str,
        action: Action,
        reason: str,
        detail: str,
        after: Canonical | None,
        r: ChannelTemplate | None = None,
        changes: list[FieldChange] | None = None,
    ) -> None:
        _add_change(self.b, self.source, self.name, code, action, reason, detail, after, r, changes)


def _delete_name(
    b: _Builder, name: str, languages: dict[str, ChannelTemplate], reason: str, why: str
) -> None:
    live = name_verdict(languages.values(), b.memory).live
    lock = " and locks the name for 30 days" if live else ""
    for lang_code in sorted(languages):
        r = languages[lang_code]
        b.touched.add(name)
        b.changes.append(
            ResourceChange(
                name=name,
                template=base_name(name),
                language=lang_code,
                action=Action.DELETE,
                reason=reason,
                detail=f"{why}: deleting '{name}' removes every language of it{lock}",
                category=r.category,
                status=r.status,
                change=Change(before=r.content),
            )
        )


def _add_change(
    b: _Builder,
    source: Source,
    name: str,
    lang_code: str,
    action: Action,
    reason: str,
    detail: str,
    after: Canonical | None,
    r: ChannelTemplate | None = None,
    changes: list[FieldChange] | None = None,
) -> None:
    template = source.template
    payload = None
    if action in (Action.CREATE, Action.RECREATE):
        payload = to_payload(template, lang_code)
        payload["name"] = name
    if action is not Action.NOOP:
        b.touched.add(name)
    b.changes.append(
        ResourceChange(
            name=name,
            template=template.name,
            language=lang_code,
            action=action,
            reason=reason,
            detail=detail,
            category=template.category,
            status=r.status if r else None,
            change=Change(
                before=r.content if r else None,
                after=after,
                fields=changes or [],
                sent_only=dict(sent_only(payload)) if payload is not None else {},
            ),
            payload=payload,
            source=source.path,
        )
    )


# --- versioning: suffix ------------------------------------------------------------------


def _plan_versioned(b: _Builder, source: Source) -> set[str]:
    base = source.template.name
    versions = versions_on_channel(base, b.remote, b.owned)
    if not versions:
        _plan_name(b, source, base)
        return {base}
    current = max(versions)
    current_name = versions[current]
    remote = b.remote[current_name]
    template = source.template
    # New languages alone need no new version: they are created under the current name.
    changed = bool(set(remote) - set(template.languages)) or any(
        compare(canonical(lang, template.category), template.category, remote[code])
        for code, lang in template.languages.items()
        if code in remote
    )
    if not changed or any(r.content is None for r in remote.values()):
        _plan_name(b, source, current_name)
        live_name = current_name
    else:
        new = next_version(base, current, b.owned | set(b.remote))
        for lang_code, lang in template.languages.items():
            after = canonical(lang, template.category)
            r = remote.get(lang_code)
            changes = compare(after, template.category, r) if r else []
            detail = (
                f"versioning: suffix: the changed content is created as '{new}'; "
                f"'{current_name}' stays until '{new}' is approved"
            )
            _add_change(
                b,
                source,
                new,
                lang_code,
                Action.CREATE,
                NEW_VERSION,
                detail,
                after,
                None,
                changes,
            )
        live_name = current_name
    approved = all(r.status == "APPROVED" for r in b.remote[live_name].values())
    for number, name in sorted(versions.items()):
        if number >= current or not approved:
            continue
        b.superseded.add(name)
        if b.options.prune:
            _delete_name(
                b,
                name,
                b.remote[name],
                "superseded_version",
                f"superseded by '{live_name}', which is approved",
            )
        else:
            for lang_code in sorted(b.remote[name]):
                b.findings.append(
                    Finding(
                        name,
                        lang_code,
                        "superseded",
                        "info",
                        f"superseded by '{live_name}', which is approved",
                        "delete it with `apply --prune` once no application sends it",
                        "Healthy",
                    )
                )
    return set(versions.values()) | {next_version(base, current, b.owned | set(b.remote))}
