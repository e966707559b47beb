"""Drift: how the channel has moved away from the repository, and what Meta did to templates.

Two axes are kept apart, as Argo CD keeps them. Sync asks whether the channel holds what the
repository says (Synced; OutOfSync when edited outside git or not applied yet; Missing when not
on the channel). Health asks whether the template can be sent (statuses.HEALTH: Healthy,
Progressing, Suspended, Degraded, plus Missing and Unknown). A template can be Synced and
Suspended, or OutOfSync and Healthy: the two need different people to act.

Drift reads the channel once and never changes it. It compares exactly what plan compares (the
canonical forms of `normalise`), so a template plan calls unchanged is never out of sync. With a
history store (`memory`) it also says what 8x8's list cannot (`drift.remembered`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from wa_templates.channel.known import Known, Memory, PhoneState
from wa_templates.channel.normalise import canonical
from wa_templates.channel.remote import ChannelTemplate, by_name, fingerprint
from wa_templates.channel.statuses import HEALTH, LIVE, SENDABLE, StatusFinding, status_findings
from wa_templates.drift import remembered
from wa_templates.drift.document import DriftDocument
from wa_templates.drift.fail_on import DEFAULT_FAIL_ON as DEFAULT_FAIL_ON
from wa_templates.drift.fail_on import KINDS as KINDS
from wa_templates.drift.fail_on import SEVERITIES as SEVERITIES
from wa_templates.drift.fail_on import FailOn as FailOn
from wa_templates.drift.fail_on import FailOnError as FailOnError
from wa_templates.drift.fail_on import parse_fail_on as parse_fail_on
from wa_templates.files.load import Source
from wa_templates.plan.build import PlanOptions, compare, is_ignored
from wa_templates.plan.diff import FieldChange
from wa_templates.plan.lifecycle import name_verdict
from wa_templates.plan.selection import Selection, channel_names
from wa_templates.plan.versions import version_name, versions_on_channel

# The `x as x` imports keep what `--fail-on` takes importable from here, where the CLI and the
# tests found it before it moved to drift.fail_on.

FORMAT_VERSION = "1.1"
"""MAJOR.MINOR: a minor version only adds keys (1.1: `selection`, for `--only`/`--exclude`;
history, phone, cannot_know, templates)."""

SYNC = ("Synced", "OutOfSync", "Missing", "Unknown", "Superseded")
"""Unknown: the channel's content could not be read. Superseded: an older version of a
`versioning: suffix` template, reported only while it is still the one being sent."""
HEALTHS = ("Degraded", "Missing", "Suspended", "Unknown", "Progressing", "Healthy")
"""Worst first: the order findings are grouped in."""
_FIELDS_NAMED = 4
"""Differing fields named in a one-line detail before 'and N more'."""


@dataclass(slots=True)
class Resource:
    """One managed name + language, where it stands on both axes."""

    template: str
    name: str
    """The registered name: for a versioned template, its current version's."""
    language: str
    sync: str
    health: str
    status: str | None
    category: str | None
    source: str
    known: Known | None = None
    """What the history store holds of it; None without a store, or when it holds nothing."""

    def as_dict(self, history: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "language": self.language,
            "template": self.template,
            "sync": self.sync,
            "health": self.health,
            "status": self.status,
            "category": self.category,
        }
        if history:
            out["history"] = remembered.known_json(self.known)
        return out


@dataclass(slots=True)
class DriftFinding:
    name: str
    language: str
    kind: str
    severity: str
    health: str
    sync: str
    detail: str
    """One line."""
    next_step: str
    template: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    """For out_of_sync: the differing fields, channel (before) against repository (after)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "language": self.language,
            "kind": self.kind,
            "severity": self.severity,
            "health": self.health,
            "sync": self.sync,
            "detail": self.detail,
            "next_step": self.next_step,
        }


@dataclass(slots=True)
class DriftReport:
    target: str
    fingerprint: str
    fail_on: FailOn
    resources: list[Resource] = field(default_factory=list)
    findings: list[DriftFinding] = field(default_factory=list)
    unmanaged: list[dict[str, str]] = field(default_factory=list)
    selection: Selection = field(default_factory=Selection)
    """`--only`/`--exclude`, and what they left out: a partial report says so."""
    format_version: str = FORMAT_VERSION
    history: str | None = None
    """The history store asked (never with a password); None: drift saw only 8x8's list."""
    phone: PhoneState | None = None
    """The phone number as the history last heard of it."""

    @property
    def counted(self) -> list[DriftFinding]:
        return [f for f in self.findings if self.fail_on.counts(f)]

    @property
    def drift(self) -> bool:
        return bool(self.counted) or (self.fail_on.unmanaged and bool(self.unmanaged))

    def summary(self) -> dict[str, Any]:
        sync = Counter(r.sync for r in self.resources)
        health = Counter(r.health for r in self.resources)
        severity = Counter(f.severity for f in self.findings)
        return {
            "resources": len(self.resources),
            "sync": {s: sync[s] for s in SYNC if s != "Superseded"},
            "health": {h: health[h] for h in reversed(HEALTHS)},
            "findings": len(self.findings),
            "severity": {s: severity[s] for s in reversed(SEVERITIES)},
            "counted": len(self.counted),
            "unmanaged": len(self.unmanaged),
            "fail_on": self.fail_on.spec,
        }


def to_json(report: DriftReport) -> dict[str, Any]:
    """The `drift --format json` document, through its model (`drift.document`)."""
    history = report.history is not None
    document = DriftDocument.model_validate(
        {
            "format_version": report.format_version,
            "target": report.target,
            "drift": report.drift,
            "findings": [f.as_dict() for f in report.findings],
            "unmanaged": report.unmanaged,
            "selection": report.selection,
            "summary": report.summary(),
            "history": {"store": report.history} if history else None,
            "cannot_know": [] if history else list(remembered.CANNOT_KNOW),
            "phone": remembered.phone_json(report.phone),
            "templates": [r.as_dict(history) for r in report.resources],
        }
    )
    # A template's `history` is there only when a store was asked: null would say "nothing".
    return document.model_dump(mode="json", by_alias=True, exclude_unset=True)


def build(
    sources: list[Source],
    listed: list[ChannelTemplate],
    target: str,
    options: PlanOptions | None = None,
    fail_on: FailOn | None = None,
    selection: Selection | None = None,
    memory: Memory | None = None,
) -> DriftReport:
    """The drift of the channel that lists `listed` from `sources`; with a `selection`
    (`--only`/`--exclude`), of the selected templates only, as a plan would be; `memory` is the
    target's history store, if it has one."""
    options = options or PlanOptions()
    selection = selection or Selection()
    remote = by_name(listed)
    report = DriftReport(target, fingerprint(listed), fail_on or parse_fail_on(DEFAULT_FAIL_ON))
    if memory is not None:
        report.history = memory.description
        report.phone = memory.phone()
    managed: set[str] = set()
    owned = {s.template.name for s in sources if not is_ignored(s.template.name, options)}
    left_out: list[str] = []
    for source in sorted(sources, key=lambda s: s.template.name):
        template = source.template
        if is_ignored(template.name, options):
            continue
        if not selection.selects(template.name):
            left_out.append(template.name)
            managed |= channel_names(template, remote, owned, options.versioning)
            continue
        managed.add(template.name)
        if (template.versioning or options.versioning) == "suffix":
            versions = versions_on_channel(template.name, remote, owned)
            managed |= set(versions.values())
            _versioned(report, source, versions, remote, memory)
        else:
            _name(report, source, template.name, remote.get(template.name, {}), None, memory)
    loose = [name for name in sorted(set(remote) - managed) if not is_ignored(name, options)]
    ignored = {n for n in {*remote, *(s.template.name for s in sources)} if is_ignored(n, options)}
    unselected = selection.leaves_out(loose, owned, remote, ignored)
    for name in loose:
        if not unselected or selection.selects(name):
            report.unmanaged.extend(
                {"name": name, "language": r.language, "status": r.status, "category": r.category}
                for r in sorted(remote[name].values(), key=lambda r: r.language)
            )
    report.selection = selection.model_copy(
        update={"left_out": left_out, "unmanaged_left_out": unselected}
    )
    return report


def _versioned(
    report: DriftReport,
    source: Source,
    versions: dict[int, str],
    remote: dict[str, dict[str, ChannelTemplate]],
    memory: Memory | None,
) -> None:
    """Compare the current (newest) version, which must hold the repository's content; while
    it cannot be sent yet, the older version still being sent is watched for health too."""
    template = source.template
    if not versions:
        _name(report, source, template.name, {}, None, memory)
        return
    current = max(versions)
    languages = remote[versions[current]]
    _name(report, source, versions[current], languages, current, memory)
    for code in sorted(template.languages):
        r = languages.get(code)
        if r is not None and r.status in SENDABLE:
            continue
        older = next(
            (
                (n, remote[versions[n]][code])
                for n in sorted(versions, reverse=True)
                if n < current and code in remote[versions[n]]
            ),
            None,
        )
        if older is None or older[1].status not in LIVE:
            continue
        number, sent = older
        if sent.status in SENDABLE:
            # The newest version is not sendable yet; say which one goes out meanwhile.
            for finding in report.findings:
                if (finding.name, finding.language) == (versions[current], code) and (
                    finding.kind in ("pending_review", "in_appeal", "rejected", "missing")
                ):
                    finding.detail += f"; '{sent.name}' (version {number}) is sent meanwhile"
        for finding in _status(sent, source, "Superseded", _recall(memory, sent)):
            finding.detail += f" (version {number}, in use until '{versions[current]}' can be sent)"
            report.findings.append(finding)


def _name(
    report: DriftReport,
    source: Source,
    name: str,
    languages: dict[str, ChannelTemplate],
    version: int | None,
    memory: Memory | None,
) -> None:
    template = source.template
    recreatable = name_verdict(languages.values(), memory).may_recreate
    for code in sorted(set(template.languages) | set(languages)):
        r = languages.get(code)
        if r is None:
            _missing(report, source, name, code, version)
            continue
        known = _recall(memory, r)
        health = HEALTH.get(r.status, "Unknown")
        if code not in template.languages:
            sync = "OutOfSync"
            report.findings.append(
                _sync_finding(
                    source,
                    r,
                    "extra_language",
                    health,
                    sync,
                    f"on the channel but not in {source.path}",
                    f"add {code} to {source.path} if it is meant to stay; apply can remove it "
                    "only by deleting the whole name, which it refuses once any language of "
                    "it was approved",
                )
            )
        else:
            changes = _differences(source, code, r)
            if changes is None:
                sync = "Unknown"
                report.findings.append(
                    _sync_finding(
                        source,
                        r,
                        "unreadable",
                        health,
                        sync,
                        f"the channel's content could not be read ({r.unreadable}), so it "
                        "cannot be compared",
                        "check it in WhatsApp Manager; plan and apply leave it untouched",
                    )
                )
            elif changes:
                sync = "OutOfSync"
                report.findings.append(
                    _sync_finding(
                        source,
                        r,
                        "out_of_sync",
                        health,
                        sync,
                        f"differs from the repository in {_fields(changes)}: edited outside git, "
                        "or not applied yet",
                        _resync_step(source, name, recreatable, version),
                        changes,
                    )
                )
            else:
                sync = "Synced"
        report.resources.append(
            Resource(
                template.name, name, code, sync, health, r.status, r.category, source.path, known
            )
        )
        report.findings.extend(_status(r, source, sync, known))


def _missing(
    report: DriftReport, source: Source, name: str, code: str, version: int | None
) -> None:
    template = source.template
    where = f" (version {version} of {template.name})" if version else ""
    report.resources.append(
        Resource(template.name, name, code, "Missing", "Missing", None, None, source.path)
    )
    report.findings.append(
        DriftFinding(
            name,
            code,
            "missing",
            KINDS["missing"],
            "Missing",
            "Missing",
            f"in {source.path} but not on the channel{where}",
            "create it with `wa-templates apply`; if it was approved and deleted outside git, "
            "the name stays locked for 30 days and it needs a new name",
            template.name,
        )
    )


def _differences(source: Source, code: str, r: ChannelTemplate) -> list[FieldChange] | None:
    """What plan would change, channel (before) against repository (after); None if unreadable."""
    if r.content is None:
        return None
    category = source.template.category
    return compare(canonical(source.template.languages[code], category), category, r)


def _fields(changes: list[FieldChange]) -> str:
    paths = [c.path for c in changes]
    if len(paths) > _FIELDS_NAMED:
        return ", ".join(paths[:_FIELDS_NAMED]) + f" and {len(paths) - _FIELDS_NAMED} more"
    return ", ".join(paths)


def _resync_step(source: Source, name: str, recreatable: bool, version: int | None) -> str:
    keep = f"if the channel is right, copy its content into {source.path}"
    if recreatable:
        return f"if the repository is right, `wa-templates apply` recreates '{name}'; {keep}"
    if version is not None:
        following = version_name(source.template.name, version + 1)
        return f"if the repository is right, `wa-templates apply` creates '{following}'; {keep}"
    return (
        f"{keep}; if the repository is right, 8x8 cannot edit a live template: give the "
        "content a new name or set `versioning: suffix`"
    )


def _sync_finding(
    source: Source,
    r: ChannelTemplate,
    kind: str,
    health: str,
    sync: str,
    detail: str,
    step: str,
    changes: list[FieldChange] | None = None,
) -> DriftFinding:
    return DriftFinding(
        r.name,
        r.language,
        kind,
        KINDS[kind],
        health,
        sync,
        detail,
        step,
        source.template.name,
        changes or [],
    )


def _recall(memory: Memory | None, r: ChannelTemplate) -> Known | None:
    return memory.recall(r.name, r.language) if memory is not None else None


def _status(
    r: ChannelTemplate, source: Source, sync: str, known: Known | None
) -> list[DriftFinding]:
    """What the status means (with the details the history heard), and a worrying quality."""
    found = status_findings(r, source.template.category, source.path, known)
    quality = remembered.quality_signal(known)
    if quality is not None:
        found.append(quality)
    out = []
    for f in found:
        detail = f.message
        changed_at = remembered.category_changed_at(known, r.category)
        if f.kind == "category_changed" and changed_at is not None:
            detail += f" on {remembered.when(changed_at)}"
        out.append(_drift_finding(r, source, sync, f, detail))
    return out


def _drift_finding(
    r: ChannelTemplate, source: Source, sync: str, f: StatusFinding, detail: str
) -> DriftFinding:
    return DriftFinding(
        r.name,
        r.language,
        f.kind,
        f.severity,
        f.health,
        sync,
        detail,
        f.next_step,
        source.template.name,
    )
