"""What a plan is: resource changes per name + language, findings, and the safety verdict.

A plan is data. It is built by `plan.build`, rendered by `render`, saved as JSON (`--out`) and
applied by `apply`. The JSON document is modelled on Terraform's plan JSON and versioned by
FORMAT_VERSION; `to_json`/`from_json` round-trip it exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from wa_templates.diff import FieldChange

FORMAT_VERSION = "1.0"


class Action(StrEnum):
    CREATE = "create"
    NOOP = "no-op"
    RECREATE = "recreate"
    """Delete the name (all its languages) and create this language again."""
    DELETE = "delete"
    BLOCKED = "blocked"
    """Differs, but changing it would delete a live name: apply refuses."""

    @property
    def terraform(self) -> list[str]:
        return {
            Action.CREATE: ["create"],
            Action.NOOP: ["no-op"],
            Action.RECREATE: ["delete", "create"],
            Action.DELETE: ["delete"],
            Action.BLOCKED: ["blocked"],
        }[self]


@dataclass(slots=True)
class ResourceChange:
    name: str
    """The registered name on the channel (for versioned templates, e.g. order_update_v2)."""
    template: str
    """The logical template: the file's name."""
    language: str
    action: Action
    reason: str
    """A stable code: not_on_channel, unchanged, changed_never_approved, changed_live, ..."""
    detail: str
    """One sentence for people: why this action."""
    category: str | None = None
    status: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    changes: list[FieldChange] = field(default_factory=list)
    payload: dict[str, Any] | None = None
    """The create payload apply sends (for create and recreate)."""
    source: str | None = None
    """The file the template came from, so media paths resolve relative to it."""

    @property
    def address(self) -> str:
        return f"template.{self.name}[{self.language}]"


@dataclass(slots=True)
class Finding:
    """Something about a template on the channel that apply cannot and must not act on."""

    name: str
    language: str
    kind: str
    severity: str
    """info, warning or error."""
    message: str
    next_step: str
    health: str = ""
    """Argo CD-like health: Healthy, Progressing, Suspended, Degraded, Missing, Unknown."""


@dataclass(slots=True)
class Safety:
    destructive_names: list[str]
    managed_names: int
    max_names: int
    max_fraction: float
    forced: bool

    @property
    def exceeded(self) -> bool:
        count = len(self.destructive_names)
        if count > self.max_names:
            return True
        # As octoDNS does, the percentage applies once there is enough to take a percentage of.
        return (
            self.managed_names >= self.max_names and count > self.max_fraction * self.managed_names
        )

    @property
    def needs(self) -> str:
        return (
            f"{len(self.destructive_names)} names deleted or recreated, over the threshold of "
            f"{self.max_names} names or {self.max_fraction:.0%} of {self.managed_names} managed "
            "names: rerun with --force to allow it"
        )


@dataclass(slots=True)
class Plan:
    target: str
    fingerprint: str
    remote_state: dict[str, dict[str, str]]
    """name -> language -> fingerprint of that template on the channel, for names the plan
    touches: a saved plan is stale if any of them changed."""
    changes: list[ResourceChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    unmanaged: list[dict[str, str]] = field(default_factory=list)
    unconfirmable: list[str] = field(default_factory=list)
    safety: Safety | None = None
    format_version: str = FORMAT_VERSION

    @property
    def blocked(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.action is Action.BLOCKED]

    @property
    def pending(self) -> list[ResourceChange]:
        """Changes apply would make."""
        return [c for c in self.changes if c.action not in (Action.NOOP, Action.BLOCKED)]

    @property
    def has_changes(self) -> bool:
        return bool(self.pending or self.blocked)

    @property
    def safety_exceeded(self) -> bool:
        return self.safety is not None and self.safety.exceeded and not self.safety.forced

    @property
    def applyable(self) -> bool:
        return not self.blocked and not self.safety_exceeded

    def summary(self) -> dict[str, int]:
        counts = {a.value: 0 for a in Action}
        for change in self.changes:
            counts[change.action.value] += 1
        counts["findings"] = len(self.findings)
        counts["unmanaged"] = len(self.unmanaged)
        return counts

    def names(self) -> list[str]:
        return sorted({c.name for c in self.changes})


def to_json(plan: Plan) -> dict[str, Any]:
    return {
        "format_version": plan.format_version,
        "applyable": plan.applyable,
        "target": plan.target,
        "remote_fingerprint": plan.fingerprint,
        "remote_state": plan.remote_state,
        "resource_changes": [
            {
                "address": c.address,
                "name": c.name,
                "template": c.template,
                "language": c.language,
                "category": c.category,
                "status": c.status,
                "change": {
                    "actions": c.action.terraform,
                    "before": c.before,
                    "after": c.after,
                    "fields": [f.as_dict() for f in c.changes],
                },
                "action": c.action.value,
                "action_reason": c.reason,
                "detail": c.detail,
                "payload": c.payload,
                "source": c.source,
            }
            for c in plan.changes
        ],
        "findings": [asdict(f) for f in plan.findings],
        "diagnostics": plan.diagnostics,
        "unmanaged": plan.unmanaged,
        "unconfirmable_fields": plan.unconfirmable,
        "safety": None
        if plan.safety is None
        else {
            "destructive_names": plan.safety.destructive_names,
            "managed_names": plan.safety.managed_names,
            "max_names": plan.safety.max_names,
            "max_fraction": plan.safety.max_fraction,
            "forced": plan.safety.forced,
            "exceeded": plan.safety.exceeded,
        },
        "summary": plan.summary(),
    }


class PlanFormatError(ValueError):
    pass


def from_json(data: dict[str, Any]) -> Plan:
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        found = data.get("format_version") if isinstance(data, dict) else None
        raise PlanFormatError(
            f"not a wa-templates plan of format {FORMAT_VERSION} (found {found!r})"
        )
    try:
        safety = data.get("safety")
        return Plan(
            target=data["target"],
            fingerprint=data["remote_fingerprint"],
            remote_state=data["remote_state"],
            changes=[
                ResourceChange(
                    name=c["name"],
                    template=c["template"],
                    language=c["language"],
                    action=Action(c["action"]),
                    reason=c["action_reason"],
                    detail=c["detail"],
                    category=c.get("category"),
                    status=c.get("status"),
                    before=c["change"]["before"],
                    after=c["change"]["after"],
                    changes=[FieldChange(**f) for f in c["change"]["fields"]],
                    payload=c.get("payload"),
                    source=c.get("source"),
                )
                for c in data["resource_changes"]
            ],
            findings=[Finding(**f) for f in data["findings"]],
            diagnostics=data["diagnostics"],
            unmanaged=data["unmanaged"],
            unconfirmable=data["unconfirmable_fields"],
            safety=None
            if safety is None
            else Safety(
                destructive_names=safety["destructive_names"],
                managed_names=safety["managed_names"],
                max_names=safety["max_names"],
                max_fraction=safety["max_fraction"],
                forced=safety["forced"],
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanFormatError(f"malformed plan file: {exc!r}") from None
