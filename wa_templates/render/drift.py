"""A drift report as text (for people), markdown (the body of one GitHub issue) or JSON.

Laid out by `render/templates/drift.*.j2`, made safe here: `safe` for the terminal,
`markup`'s `md`/`cell`/`fence` for markdown. The markdown's hidden first line is a marker
per target, so a scheduled job finds and updates the same issue instead of opening another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import click

from wa_templates.channel.remote import address
from wa_templates.channel.signals import phone_state_finding
from wa_templates.drift.remembered import cannot_know, facts
from wa_templates.drift.report import HEALTHS, DriftFinding, DriftReport, Resource, to_json
from wa_templates.plan.selection import left_out_summary
from wa_templates.render.difflines import markdown_diff, markdown_words, signed, text_line
from wa_templates.render.markup import environment, md
from wa_templates.render.plan_markdown import LIST_CAP, MARKDOWN_BUDGET, MARKER_PREFIX, marker
from wa_templates.render.plan_values import short_fingerprint
from wa_templates.untrusted import json_text
from wa_templates.untrusted import shown as safe

DRIFT_MARKER_PREFIX = "<!-- wa-templates-drift"

_STYLES: dict[str, dict[str, Any]] = {
    "error": {"fg": "red"},
    "warning": {"fg": "yellow"},
    "info": {"fg": "cyan"},
    "good": {"fg": "green"},
    "bad": {"fg": "red"},
    "bold": {"bold": True},
    "dim": {"dim": True},
}
_HEALTH_ROLES = {"Healthy": "good", "Progressing": "info", "Suspended": "warning"}
_SYNC_ROLES = {"Synced": "good", "Superseded": "dim"}
_HEALTH_EMOJI = {
    "Degraded": "💔",
    "Missing": "👻",
    "Suspended": "⏸️",
    "Unknown": "❓",
    "Progressing": "🔄",
    "Healthy": "💚",
}
_SEVERITY_EMOJI = {"error": "⛔", "warning": "⚠️", "info": "ℹ️"}
_SIGN_ROLES = {"+": "good", "-": "bad", "~": "warning"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


@dataclass(slots=True)
class _Group:
    """The findings of one name + language, with where it stands when it is a managed one."""

    name: str
    language: str
    resource: Resource | None
    findings: list[DriftFinding] = field(default_factory=list)

    @property
    def sync(self) -> str:
        return self.resource.sync if self.resource else self.findings[0].sync

    @property
    def health(self) -> str:
        return self.resource.health if self.resource else self.findings[0].health


def _groups(report: DriftReport) -> list[_Group]:
    resources = {(r.name, r.language): r for r in report.resources}
    groups: dict[tuple[str, str], _Group] = {}
    for f in report.findings:
        key = (f.name, f.language)
        if key not in groups:
            groups[key] = _Group(f.name, f.language, resources.get(key))
        groups[key].findings.append(f)
    return list(groups.values())


def _remembered(report: DriftReport, group: _Group) -> str:
    """The history's facts of a group's template; "" without a store, or for a template drift
    does not manage as such (an older version still being sent)."""
    if report.history is None or group.resource is None:
        return ""
    return "; ".join(facts(group.resource.known))


def _phone(report: DriftReport) -> dict[str, str] | None:
    if report.phone is None:
        return None
    finding = phone_state_finding(report.phone)
    step = finding.next_step if finding.severity != "info" else ""
    return {"severity": finding.severity, "message": finding.message, "next_step": step}


def _cannot_know(report: DriftReport) -> str:
    return "" if report.history is not None else cannot_know()


def _verdict(report: DriftReport) -> str:
    counted = report.counted
    if report.drift:
        parts = []
        if counted:
            by = {s: sum(f.severity == s for f in counted) for s in ("error", "warning", "info")}
            kinds = ", ".join(
                (f"{n} info" if s == "info" else _plural(n, s)) for s, n in by.items() if n
            )
            parts.append(f"{_plural(len(counted), 'finding')} ({kinds})")
        if report.fail_on.unmanaged and report.unmanaged:
            parts.append(f"{_plural(len(report.unmanaged), 'unmanaged template')}")
        return f"Drift: {' and '.join(parts)}"
    if not report.findings:
        return "No drift: the channel matches the repository and every template is healthy"
    return (
        f"No drift: {_plural(len(report.findings), 'finding')}, none counted by "
        f"--fail-on {report.fail_on.spec}"
    )


def _partial(report: DriftReport) -> str:
    """What a report of some templates only (`--only`/`--exclude`) left out, or nothing."""
    if not report.selection.partial:
        return ""
    return f"Partial report: {left_out_summary(report.selection)}"


# --- json ---------------------------------------------------------------------------------


def as_json(report: DriftReport) -> str:
    return json_text(json.dumps(to_json(report), indent=2, ensure_ascii=False))


# --- text ---------------------------------------------------------------------------------


def text(report: DriftReport, color: bool) -> str:
    """Findings per name + language; synced and healthy templates are only counted."""

    def paint(value: str, role: str) -> str:
        return click.style(value, **_STYLES[role]) if color and value else value

    groups = []
    for g in _groups(report):
        title = address(g.name, g.language)
        r = g.resource
        if r is not None and r.template != r.name:
            title += f" (a version of {r.template})"
        details = [part for part in (r.status, r.category) if part] if r else []
        groups.append(
            {
                "title": safe(title),
                "sync": safe(g.sync),
                "sync_role": _SYNC_ROLES.get(g.sync, "bad"),
                "health": safe(g.health),
                "health_role": _HEALTH_ROLES.get(g.health, "bad"),
                "details": safe(", ".join(details)),
                "findings": [_text_finding(report, f, color) for f in g.findings],
                "history": safe(_remembered(report, g)),
            }
        )
    phone = _phone(report)
    with_findings = {(g.name, g.language) for g in _groups(report)}
    quiet = sum((r.name, r.language) not in with_findings for r in report.resources)
    return (
        environment()
        .get_template("drift.txt.j2")
        .render(
            paint=paint,
            target=safe(report.target),
            fingerprint=safe(short_fingerprint(report.fingerprint)),
            partial=safe(_partial(report)),
            groups=groups,
            quiet=quiet,
            unmanaged=_unmanaged(report, safe),
            unmanaged_count=len(report.unmanaged),
            unmanaged_counted=report.fail_on.unmanaged,
            history=safe(report.history or ""),
            phone={k: safe(v) for k, v in phone.items()} if phone else None,
            cannot_know=safe(_cannot_know(report)),
            verdict=safe(_verdict(report)),
            drift=report.drift,
            fail_on=safe(report.fail_on.spec),
        )
    )


def _text_finding(report: DriftReport, f: DriftFinding, color: bool) -> dict[str, Any]:
    diff = []
    for row in signed(f.changes):
        diff.append({"sign": row[0], "role": _SIGN_ROLES[row[0]], "text": text_line(row, color)})
    return {
        "severity": f.severity if f.severity in _STYLES else "info",
        "label": safe(f.severity).ljust(7),
        "kind": safe(f.kind),
        "detail": safe(f.detail),
        "next_step": safe(f.next_step),
        "counted": report.fail_on.counts(f),
        "diff": diff,
    }


def _unmanaged(report: DriftReport, escape: Any) -> list[dict[str, str]]:
    by_name: dict[str, list[dict[str, str]]] = {}
    for entry in report.unmanaged:
        by_name.setdefault(entry["name"], []).append(entry)
    return [
        {
            "name": escape(name),
            "category": escape(entries[0].get("category") or "?"),
            "languages": ", ".join(
                escape(f"{e['language']} {e.get('status') or '?'}") for e in entries
            ),
        }
        for name, entries in by_name.items()
    ]


# --- markdown -----------------------------------------------------------------------------


def drift_marker(target: str) -> str:
    """The hidden first line of the drift issue for `target`."""
    # plan_markdown's marker makes the target safe inside a comment; only the prefix differs.
    return DRIFT_MARKER_PREFIX + marker(target).removeprefix(MARKER_PREFIX)


def is_drift_issue(body: str, target: str | None = None) -> bool:
    """Whether an issue body is a drift report this module wrote (for `target`, if given)."""
    first = body.lstrip().split("\n", 1)[0].strip()
    if target is None:
        return first.startswith(DRIFT_MARKER_PREFIX + ":")
    return first == drift_marker(target)


def markdown(report: DriftReport) -> str:
    """The report as the body of one GitHub issue, of at most MARKDOWN_BUDGET characters."""
    findings = _ordered(report)
    rows = [_md_row(report, f) for f in findings]
    steps = _steps(findings)
    diffs = [
        {
            "title": address(f.name, f.language),
            "words": markdown_words(signed(f.changes)),
            "diff": markdown_diff(signed(f.changes)),
        }
        for f in findings
        if f.changes
    ]
    summary = report.summary()
    context = {
        "marker": drift_marker(report.target),
        "target": report.target,
        "verdict": _md_verdict(report),
        "partial": _partial(report),
        "sync": summary["sync"],
        "health": summary["health"],
        "unmanaged_count": len(report.unmanaged),
        "fail_on": report.fail_on.spec,
        "fingerprint": short_fingerprint(report.fingerprint),
        "total_rows": len(rows),
        "total_steps": len(steps),
        "history": report.history,
        "phone": _phone(report),
        "cannot_know": _cannot_know(report),
    }
    remembered = [
        {"name": g.name, "language": g.language, "facts": _remembered(report, g)}
        for g in _groups(report)
        if _remembered(report, g)
    ]
    template = environment().get_template("drift.md.j2")
    unmanaged = _unmanaged(report, str)

    def render(shown: int, steps_shown: int, with_diffs: bool, with_unmanaged: bool) -> str:
        out = template.render(
            context,
            remembered=remembered if with_diffs else [],
            remembered_hidden=0 if with_diffs else len(remembered),
            groups=_md_groups(rows[:shown]),
            rows_hidden=len(rows) - shown,
            steps=steps[:steps_shown],
            steps_hidden=len(steps) - steps_shown,
            diffs=diffs if with_diffs else [],
            diffs_hidden=0 if with_diffs else len(diffs),
            unmanaged=unmanaged if with_unmanaged else [],
        )
        return out.rstrip() + "\n"

    out = render(len(rows), len(steps), True, True)
    for with_diffs, with_unmanaged in ((False, True), (False, False)):
        if len(out) <= MARKDOWN_BUDGET:
            return out
        out = render(len(rows), len(steps), with_diffs, with_unmanaged)
    shown, steps_shown = len(rows), len(steps)
    while len(out) > MARKDOWN_BUDGET and (shown or steps_shown):
        # Only the table and the steps are left: cut both in proportion to the excess.
        fraction = MARKDOWN_BUDGET / len(out)
        shown = min(shown - 1, int(shown * fraction)) if shown else 0
        steps_shown = min(steps_shown - 1, int(steps_shown * fraction)) if steps_shown else 0
        out = render(max(shown, 0), max(steps_shown, 0), False, False)
    if len(out) > MARKDOWN_BUDGET:
        # Only a pathological target name gets here; a cut issue beats none.
        note = "\n\n(cut to fit GitHub's limit; run `wa-templates drift` locally)\n"
        out = out[: MARKDOWN_BUDGET - len(note)] + note
    return out


def _ordered(report: DriftReport) -> list[DriftFinding]:
    """Worst health first; within a health, counted findings and worse severities first."""
    severity = {"error": 0, "warning": 1, "info": 2}
    order = {h: i for i, h in enumerate(HEALTHS)}
    indexed = list(enumerate(report.findings))
    indexed.sort(
        key=lambda p: (
            order.get(p[1].health, len(order)),
            not report.fail_on.counts(p[1]),
            severity.get(p[1].severity, 3),
            p[0],
        )
    )
    return [f for _, f in indexed]


def _md_verdict(report: DriftReport) -> str:
    verdict = _verdict(report)
    if report.drift:
        return f"⚠️ **{md(verdict)}**"
    return f"✅ **{md(verdict)}**"


def _md_row(report: DriftReport, f: DriftFinding) -> dict[str, Any]:
    return {
        "health": f.health,
        "severity": f"{_SEVERITY_EMOJI.get(f.severity, '')} {f.severity}".strip(),
        "counts": "yes" if report.fail_on.counts(f) else "no",
        "name": f.name,
        "language": f.language,
        "kind": f.kind,
        "sync": f.sync,
        "detail": f.detail,
    }


def _md_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["health"], []).append(row)
    return [
        {"health": health, "emoji": _HEALTH_EMOJI.get(health, "❓"), "rows": items}
        for health, items in groups.items()
    ]


def _steps(findings: list[DriftFinding]) -> list[dict[str, str]]:
    """One line per kind and step text, naming the templates (and languages) it applies to."""
    merged: dict[tuple[str, str], dict[str, list[str]]] = {}
    for f in findings:
        merged.setdefault((f.kind, f.next_step), {}).setdefault(f.name, []).append(f.language)
    out = []
    for (kind, step), names in merged.items():
        where = [f"{name} ({', '.join(languages)})" for name, languages in names.items()]
        if len(where) > LIST_CAP:
            where = [*where[:LIST_CAP], f"and {len(where) - LIST_CAP} more"]
        out.append({"kind": kind, "step": step, "where": ", ".join(where)})
    return out
