"""What a plan is: resource changes per name + language, findings, and the safety verdict.

A plan is data. It is built by `plan.build`, rendered by `render`, saved as JSON (`--out`) and
applied by `apply`. The JSON document is modelled on Terraform's plan JSON and versioned by
FORMAT_VERSION; `to_json`/`from_json` round-trip it exactly.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, NotRequired

from pydantic import ConfigDict, Strict, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from wa_templates.channel.payload import PayloadError, from_payload
from wa_templates.plan.diff import FieldChange

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
    """Names deleted or recreated."""
    managed_names: int
    max_names: int
    max_fraction: float
    forced: bool
    deleted_names: list[str] = field(default_factory=list)
    """Names deleted and not created again (pruned, superseded versions)."""
    repository_names: int | None = None
    """Templates the repository manages (None in plans saved before this was recorded)."""

    @property
    def exceeded(self) -> bool:
        """Like octoDNS: more deletes + recreates than `max_names`, or, once there are at least
        `max_names` managed names on the channel (pruned ones included), more than
        `max_fraction` of them. And never deleting every managed name at once: an empty templates
        folder with --prune must not wipe a small channel either."""
        return self._rule() is not None

    def _rule(self) -> str | None:
        count, managed = len(self.destructive_names), self.managed_names
        if count > self.max_names:
            return f"{count} names deleted or recreated, over the limit of {self.max_names}"
        if managed >= self.max_names and count > self.max_fraction * managed:
            return (
                f"{count} of {managed} managed names deleted or recreated, over "
                f"{self.max_fraction:.0%}"
            )
        deleted = len(self.deleted_names)
        if deleted and deleted >= managed and (deleted > 1 or self.repository_names == 0):
            return f"it would delete every managed name on the channel ({deleted} of {managed})"
        return None

    @property
    def needs(self) -> str:
        return f"{self._rule() or 'within the threshold'}: rerun with --force to allow it"


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
            "deleted_names": plan.safety.deleted_names,
            "repository_names": plan.safety.repository_names,
            "exceeded": plan.safety.exceeded,
        },
        "summary": plan.summary(),
    }


class PlanFormatError(ValueError):
    pass


# --- the saved document's shape ---------------------------------------------------------------
# What to_json writes, checked in full before anything is built from it: apply hands these values
# to code (worker threads among it) that trusts their types, so a hand-edited or truncated plan
# must fail here, in one line naming the field, not as a traceback later. Strict: a plan is
# written by to_json, so "10" for a number or 1 for true is an edit, not a format.
# Derived values (address, actions, applyable, exceeded, summary) are recomputed from the rest,
# so they may be left out, but must have their type when present.

_STRICT = ConfigDict(strict=True)


@with_config(_STRICT)
class _FieldDoc(TypedDict):
    path: str
    before: Any
    after: Any


@with_config(_STRICT)
class _ChangeDoc(TypedDict):
    actions: NotRequired[list[str]]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[_FieldDoc]


@with_config(_STRICT)
class _ResourceDoc(TypedDict):
    address: NotRequired[str]
    name: str
    template: str
    language: str
    category: str | None
    status: str | None
    change: _ChangeDoc
    action: Annotated[Action, Strict(False)]  # from its JSON value, "create"
    action_reason: str
    detail: str
    payload: dict[str, Any] | None
    source: str | None


@with_config(_STRICT)
class _FindingDoc(TypedDict):
    name: str
    language: str
    kind: str
    severity: str
    message: str
    next_step: str
    health: str


@with_config(_STRICT)
class _DiagnosticDoc(TypedDict):
    file: str
    line: int
    column: int
    rule: str
    severity: str
    message: str


@with_config(_STRICT)
class _UnmanagedDoc(TypedDict):
    name: str
    language: str
    status: str
    category: str


@with_config(_STRICT)
class _SafetyDoc(TypedDict):
    destructive_names: list[str]
    managed_names: int
    max_names: int
    max_fraction: float
    forced: bool
    deleted_names: NotRequired[list[str]]
    repository_names: NotRequired[int | None]
    exceeded: NotRequired[bool]


@with_config(_STRICT)
class _PlanDoc(TypedDict):
    format_version: str
    applyable: NotRequired[bool]
    target: str
    remote_fingerprint: str
    remote_state: dict[str, dict[str, str]]
    resource_changes: list[_ResourceDoc]
    findings: list[_FindingDoc]
    diagnostics: list[_DiagnosticDoc]
    unmanaged: list[_UnmanagedDoc]
    unconfirmable_fields: list[str]
    safety: _SafetyDoc | None
    summary: NotRequired[dict[str, int]]


@cache
def _document() -> TypeAdapter[_PlanDoc]:
    # Built on first use: only apply PLANFILE reads a plan, and the schema takes a moment.
    return TypeAdapter(_PlanDoc)


_MUST_BE = {
    "dict_type": "an object",
    "model_type": "an object",
    "list_type": "a list",
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "none_required": "null",
}


def from_json(data: Any) -> Plan:
    """The plan a saved document holds; PlanFormatError, one line naming the field, if it is not
    exactly what `to_json` writes."""
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        found = data.get("format_version") if isinstance(data, dict) else None
        raise PlanFormatError(
            f"not a wa-templates plan of format {FORMAT_VERSION} (found {found!r})"
        )
    try:
        doc = _document().validate_python(data)
    except ValidationError as exc:
        raise PlanFormatError(_problem(exc)) from None
    for index, change in enumerate(doc["resource_changes"]):
        _check_create(change, f"resource_changes[{index}]")
    safety = doc["safety"]
    return Plan(
        target=doc["target"],
        fingerprint=doc["remote_fingerprint"],
        remote_state=doc["remote_state"],
        changes=[
            ResourceChange(
                name=c["name"],
                template=c["template"],
                language=c["language"],
                action=c["action"],
                reason=c["action_reason"],
                detail=c["detail"],
                category=c["category"],
                status=c["status"],
                before=c["change"]["before"],
                after=c["change"]["after"],
                changes=[
                    FieldChange(f["path"], f["before"], f["after"]) for f in c["change"]["fields"]
                ],
                payload=c["payload"],
                source=c["source"],
            )
            for c in doc["resource_changes"]
        ],
        findings=[Finding(**f) for f in doc["findings"]],
        diagnostics=[dict(d) for d in doc["diagnostics"]],
        unmanaged=[
            {
                "name": u["name"],
                "language": u["language"],
                "status": u["status"],
                "category": u["category"],
            }
            for u in doc["unmanaged"]
        ],
        unconfirmable=doc["unconfirmable_fields"],
        safety=None
        if safety is None
        else Safety(
            destructive_names=safety["destructive_names"],
            managed_names=safety["managed_names"],
            max_names=safety["max_names"],
            max_fraction=safety["max_fraction"],
            forced=safety["forced"],
            deleted_names=safety.get("deleted_names", []),
            repository_names=safety.get("repository_names"),
        ),
    )


def _check_create(change: _ResourceDoc, where: str) -> None:
    """A create or recreate carries the payload apply sends, for the name and language it names."""
    action = change["action"]
    if action not in (Action.CREATE, Action.RECREATE):
        return
    payload = change["payload"]
    if payload is None:
        raise PlanFormatError(f"{where}.payload must be an object for a {action.value}")
    try:
        from_payload(payload)
    except PayloadError as exc:
        raise PlanFormatError(
            f"{where}.payload is not a create payload: {_one_line(str(exc))}"
        ) from None
    for key in ("name", "language"):
        if payload[key] != change[key]:
            raise PlanFormatError(
                f"{where}.payload.{key} must be the change's {key}, {json.dumps(change[key])}"
            )
    # No template holds a NUL, and a path with one (the source, a media sample) cannot be opened.
    if _holds_nul(change["source"]):
        raise PlanFormatError(f"{where}.source must be a path (it holds a NUL character)")
    if _holds_nul(payload):
        raise PlanFormatError(f"{where}.payload must not hold a NUL character")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _problem(exc: ValidationError) -> str:
    """The first problem as `path must be ...`, and how many more there are."""
    errors = exc.errors(include_url=False)
    error = errors[0]
    path = _path(error["loc"])
    kind = error["type"]
    if kind == "missing":
        line = f"{path} is missing"
    elif kind == "enum":
        line = f"{path} must be one of {error['ctx']['expected']}"
    elif kind in _MUST_BE:
        line = f"{path} must be {_MUST_BE[kind]}, not {_kind_of(error['input'])}"
    else:  # pragma: no cover - every type the document uses is named above
        line = f"{path}: {error['msg']}"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return line


def _path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:  # a name from the file: quoted, so the line stays one line and says what it is
            out += f"[{json.dumps(part)}]"
    return out or "the plan"


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _one_line(text: str) -> str:
    """Text from the file as one line a terminal shows as it is."""
    return _UNSAFE.sub(lambda m: json.dumps(m.group(0))[1:-1], text)


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "a number" if isinstance(value, int | float) else type(value).__name__
