"""What a plan is: one pydantic model that is also the saved plan and `plan --format json`.

A plan is built by `plan.build`, rendered by `render`, saved by `plan --out` and read back by
`apply PLANFILE` and `show PLANFILE`. The document is this model: written by its serialiser
(`render.plan.as_json`), read strictly by its validator (`plan.saved.parse_plan`), described by
`json_schema()` (published as schema/plan.schema.json). It is modelled on Terraform's plan JSON.

What a plan records: the channel it was made for (`channel`: never the API key), the options
that shaped it (`options`), the channel's state for the names it touches (`remote_state`), and
per name and language the change with its reason. Values derived from those (each change's
`address` and `change.actions`, `applyable`, `target`, `summary`, and `safety` but for the
count of managed names the channel held) are computed, not read: a file's values for them are
checked for their type, then replaced. It records the history store plan asked whether names
were ever approved (`history`, 2.1), so apply can ask it again, and per create what its
payload sends beside the content (`change.sent_only`, 2.2), checked with the payload
(`plan.sent`).

Format version, MAJOR.MINOR (FORMAT_VERSION): a minor version only adds fields, each with a
default. So a reader accepts every minor version of a major it reads: fields of a newer minor
are ignored, fields an older minor lacks take their default. Any other change is a new major,
and a reader refuses a major it does not read, naming it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from wa_templates.channel.remote import address
from wa_templates.channel.statuses import NEVER_APPROVED
from wa_templates.files.diagnostics import DiagnosticDict
from wa_templates.plan.diff import FieldChange
from wa_templates.plan.part import Part, checked, field_problem
from wa_templates.plan.safety import Safety
from wa_templates.plan.selection import Selection
from wa_templates.plan.sent import check_sent
from wa_templates.rules.structure import language_problem, name_problem

FORMAT_VERSION = "2.2"
"""The version this code writes; it reads every 2.x (see the module's docstring)."""
READS_MAJOR = 2
_VERSION = re.compile(r"^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$")
NEWER_MINOR = "newer_minor"
"""The reading context's key that lets a document of a newer minor version through."""
MAY_HOLD_NUL = "may_hold_nul"
"""The reading context's key that says whether the JSON text has a NUL (`\\u0000`) at all:
if not, no payload is searched for one."""


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
        """Terraform's `change.actions`: a recreate is a delete, then a create."""
        return ["delete", "create"] if self is Action.RECREATE else [self.value]


PRUNE_REASONS = frozenset({"pruned", "superseded_version"})
"""Why a whole name is deleted and not created again: only with --prune."""
LIVE_BLOCK = "changed_live"
"""Why a change is blocked when deleting its name would lock it."""
LANGUAGE_REMOVED = "language_removed"
"""A language deleted with its name while the name's other languages are created again."""


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


class Unmanaged(TypedDict):
    """A template on the channel the repository does not manage (without --prune)."""

    name: str
    language: str
    status: str
    category: str


class ChannelBinding(Part):
    """The channel a plan was made for, which is the only one it may be applied to."""

    target: str | None
    """The `[targets.NAME]` it was made for; null for the sandbox."""
    sandbox: str | None
    """The embedded sandbox's state file, relative to the project root; null for a target."""
    base_url: str
    account_id: str
    channel_id: str
    subaccount_id: str | None

    @model_validator(mode="after")
    def _one_kind(self) -> ChannelBinding:
        if (self.target is None) == (self.sandbox is None):
            raise field_problem("", "must name either a target or the sandbox, not both or neither")
        return self

    @property
    def description(self) -> str:
        """As output names it: 'target prod', 'sandbox (.wa-templates/sandbox.json)'."""
        return f"target {self.target}" if self.target is not None else f"sandbox ({self.sandbox})"

    def same_channel(self, other: ChannelBinding) -> bool:
        return self.where() == other.where()

    def where(self) -> str:
        """The channel itself, for a message that names two of them."""
        sub = f", subaccount {self.subaccount_id}" if self.subaccount_id else ""
        return f"channel {self.channel_id} of account {self.account_id}{sub} at {self.base_url}"


class PlanOptions(Part):
    """The options that shaped a plan (command line and configuration), recorded in it."""

    model_config = ConfigDict(frozen=True)

    prune: bool = False
    force: bool = False
    ignore: tuple[str, ...] = ()
    """Names or fnmatch patterns neither managed nor reported as unmanaged."""
    versioning: Literal["suffix"] | None = None
    """Project-wide default for templates that do not set `versioning` themselves."""
    max_names: int = Field(10, ge=0)
    max_fraction: float = Field(0.3, ge=0, le=1)


class Change(Part):
    """Terraform's `change`: the channel's content (before), the repository's (after)."""

    actions: list[str] = Field(default_factory=list)
    """Derived from the resource change's action (set by it, whatever a file says)."""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    fields: list[FieldChange] = Field(default_factory=list)
    sent_only: dict[str, Any] = Field(default_factory=dict)
    """What a create's payload sends that `after` leaves out (`normalise.sent_only`: the
    create-only options, media samples), by where it is (since 2.2; a plan of 2.1 and the
    renderers read it from the payload)."""


class ResourceChange(Part):
    """What apply does to one registered name + language."""

    stated_address: str | None = Field(None, alias="address", exclude=True)
    name: str
    """The registered name on the channel (for versioned templates, e.g. order_update_v2)."""
    template: str
    """The logical template: the file's name."""
    language: str
    category: str | None = None
    status: str | None = None
    change: Change = Field(default_factory=Change)
    action: Action
    reason: str = Field(alias="action_reason")
    """A stable code: not_on_channel, unchanged, changed_never_approved, changed_live, ..."""
    detail: str
    """One sentence for people: why this action."""
    payload: dict[str, Any] | None = None
    """The create payload apply sends (for create and recreate)."""
    source: str | None = None
    """The file the template came from, so media paths resolve relative to it."""

    # Names and languages as the rules check them in files (WA101, WA103). Only in a document
    # read back: `plan` itself takes the channel's names as 8x8 lists them.
    @field_validator("name", "template")
    @classmethod
    def _name(cls, value: str, info: ValidationInfo) -> str:
        return checked(value, name_problem) if info.mode == "json" else value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str, info: ValidationInfo) -> str:
        return checked(value, language_problem) if info.mode == "json" else value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> ResourceChange:
        if self.stated_address is not None:
            self.stated_address = None  # checked for its type, then computed
        self.change.actions = self.action.terraform
        if info.mode != "json":  # made by `plan.build`, from what it checked itself
            return self
        creates = self.action in (Action.CREATE, Action.RECREATE)
        if not creates:
            if self.payload is not None:
                raise field_problem("payload", f"must be null for a {self.action.value}")
            return self
        if self.payload is None:
            raise field_problem("payload", f"must be an object for a {self.action.value}")
        # No template holds a NUL, and a path with one (the source, a media sample) cannot be
        # opened.
        if self.source is not None and "\x00" in self.source:
            raise field_problem("source", "must be a path (it holds a NUL character)")
        if (info.context or {}).get(MAY_HOLD_NUL, True) and _holds_nul(self.payload):
            raise field_problem("payload", "must not hold a NUL character")
        check_sent(self)
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def address(self) -> str:
        return address(self.name, self.language)

    @property
    def deletes_name(self) -> bool:
        """Whether applying it deletes its name (with every language) on the channel."""
        return self.action in (Action.DELETE, Action.RECREATE)

    @property
    def prunes(self) -> bool:
        """Whether it deletes a name that is not created again (only with --prune)."""
        return self.action is Action.DELETE and self.reason in PRUNE_REASONS


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class Plan(Part):
    """A wa-templates plan: what apply would do to make a channel match a repository.

    Written by `wa-templates plan --out` and `plan --format json`. `format_version` is
    MAJOR.MINOR: a minor version only adds fields, each with a default, so a reader accepts
    every minor version of a major it reads (ignoring fields it does not know) and refuses a
    major version it does not read."""

    format_version: str = FORMAT_VERSION
    """MAJOR.MINOR: the version of this document's format."""
    stated_applyable: bool | None = Field(None, alias="applyable", exclude=True)
    stated_target: str | None = Field(None, alias="target", exclude=True)
    channel: ChannelBinding
    options: PlanOptions
    selection: Selection = Field(default_factory=Selection)
    """`--only`/`--exclude` and what they left out (since 2.1; a 2.0 plan is of everything)."""
    fingerprint: str = Field(alias="remote_fingerprint")
    remote_state: dict[str, dict[str, str]]
    """name -> language -> fingerprint of that template on the channel, for names the plan
    touches: a saved plan is stale if any of them changed."""
    changes: list[ResourceChange] = Field(default_factory=list, alias="resource_changes")
    findings: list[Finding] = Field(default_factory=list)
    diagnostics: list[DiagnosticDict] = Field(default_factory=list)
    unmanaged: list[Unmanaged] = Field(default_factory=list)
    unconfirmable: list[str] = Field(default_factory=list, alias="unconfirmable_fields")
    safety: Safety
    stated_summary: dict[str, int] | None = Field(None, alias="summary", exclude=True)
    history: str | None = None
    """The history store plan asked whether each name it would delete was ever approved (as
    wa-templates names it, never with a password); null when none was configured: then those
    verdicts rest on the channel's statuses and the 48-hour rule (`rests_on_48h_rule`)."""
    stated_rests_on_48h_rule: list[str] | None = Field(
        None, alias="rests_on_48h_rule", exclude=True
    )

    @field_validator("format_version")
    @classmethod
    def _version(cls, version: str, info: ValidationInfo) -> str:
        match = _VERSION.match(version)
        if match is None:
            raise field_problem(
                "", f"must be MAJOR.MINOR, like {FORMAT_VERSION} (found {_shown(version)})"
            )
        major, minor = int(match.group(1)), int(match.group(2))
        if major != READS_MAJOR:
            age = "an older" if major < READS_MAJOR else "a newer"
            raise PydanticCustomError(
                "plan_major",
                "format_version {version} is a major version this wa-templates does not read "
                "(it reads {reads}.x): the plan was made by {age} wa-templates; make it again "
                "with `wa-templates plan --out`",
                {"version": version, "reads": READS_MAJOR, "age": age},
            )
        newer = minor > int(FORMAT_VERSION.split(".")[1])
        if newer and not (info.context or {}).get(NEWER_MINOR):
            raise PydanticCustomError(NEWER_MINOR, "format_version {version} is newer", {})
        return FORMAT_VERSION

    @model_validator(mode="after")
    def _derived(self, info: ValidationInfo) -> Plan:
        if info.mode == "json":
            if "format_version" not in self.model_fields_set:
                raise field_problem("format_version", "is missing")
            self._check_document()
        # Checked for their type, then computed.
        self.stated_applyable = self.stated_target = self.stated_summary = None
        self.stated_rests_on_48h_rule = None
        self.safety = Safety.of(self.changes, self.options, self.safety.managed_names)
        return self

    def _check_document(self) -> None:
        """Each change once, each touched name in remote_state, names and languages valid, and
        no pruning in a partial plan."""
        if self.selection.partial and self.options.prune:
            raise field_problem(
                "options.prune", "must be false in a plan of some templates only (--only/--exclude)"
            )
        touched = set(self.remote_state)
        seen: set[tuple[str, str]] = set()
        for index, change in enumerate(self.changes):
            key = (change.name, change.language)
            if key in seen:
                raise field_problem(f"resource_changes[{index}]", f"repeats {change.address}")
            seen.add(key)
            if change.action is not Action.NOOP and change.name not in touched:
                raise field_problem(
                    f"resource_changes[{index}]",
                    f"changes '{change.name}', which remote_state does not record",
                )
        for name, languages in self.remote_state.items():
            where = f"remote_state[{json.dumps(name)}]"
            for problem in [name_problem(name), *map(language_problem, languages)]:
                if problem:
                    raise field_problem(where, f"is no template: {problem}")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def applyable(self) -> bool:
        return not self.blocked and not self.safety_exceeded

    @computed_field  # type: ignore[prop-decorator]
    @property
    def target(self) -> str:
        return self.channel.description

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> dict[str, int]:
        counts = {a.value: 0 for a in Action}
        for change in self.changes:
            counts[change.action.value] += 1
        counts["findings"] = len(self.findings)
        counts["unmanaged"] = len(self.unmanaged)
        return counts

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rests_on_48h_rule(self) -> list[str]:
        """Names whose delete, recreate or block rests on the 48-hour rule: no history store was
        asked, and the channel shows every language of the name PENDING or REJECTED, which
        cannot tell a template never approved from one rejected after approval."""
        if self.history is not None:
            return []
        by_name: dict[str, list[ResourceChange]] = {}
        for change in self.changes:
            by_name.setdefault(change.name, []).append(change)
        return [
            name
            for name, changes in by_name.items()
            if any(
                c.deletes_name or (c.action, c.reason) == (Action.BLOCKED, LIVE_BLOCK)
                for c in changes
            )
            and all(c.status in NEVER_APPROVED for c in changes if c.status is not None)
            and any(c.status is not None for c in changes)
        ]

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
        return self.safety.exceeded and not self.safety.forced

    def document(self) -> dict[str, Any]:
        """The plan as its JSON document (plain values)."""
        return self.model_dump(mode="json")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the document `plan --out` and `plan --format json` write."""
    schema = Plan.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "wa-templates plan"
    schema["properties"]["format_version"]["pattern"] = rf"^{READS_MAJOR}\.(0|[1-9][0-9]*)$"
    return schema


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)[:60]
