"""`drift --format json`: the document, as pydantic models, so its JSON Schema
(schema/drift.schema.json) is generated from what builds it and cannot drift from it.

`format_version` is MAJOR.MINOR: a minor version only adds fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from wa_templates.document import Document
from wa_templates.plan.selection import Selection


class _Model(Document):
    model_config = ConfigDict(strict=True)


class Finding(_Model):
    """Something that happened on the channel to one registered name and language."""

    name: str
    """The registered name (for a versioned template, the version's: order_shipped_v2)."""
    language: str
    kind: str
    """One of drift/fail_on.py's KINDS: out_of_sync, missing, extra_language, unreadable,
    pending_review, rejected, paused, disabled, flagged, in_appeal, pending_deletion,
    category_changed, unknown_status, quality_red, quality, reinstated, unarchived, locked,
    archived or limit_exceeded."""
    severity: str
    """info, warning or error."""
    health: str
    """Healthy, Progressing, Suspended, Degraded, Missing or Unknown."""
    sync: str
    """Synced, OutOfSync, Missing, Unknown or Superseded."""
    detail: str
    next_step: str


class Unmanaged(_Model):
    """A template on the channel that the repository does not manage."""

    name: str
    language: str
    status: str
    category: str


class Summary(_Model):
    resources: int
    """Managed names x languages."""
    sync: dict[str, int]
    health: dict[str, int]
    findings: int
    severity: dict[str, int]
    counted: int
    """Findings that count as drift under `--fail-on`."""
    unmanaged: int
    fail_on: str


class CategoryChange(_Model):
    at: str
    from_: str | None = Field(alias="from")
    to: str
    source: str


class Remembered(_Model):
    """What the history store knows of a template (since 1.1)."""

    approved_at: str | None
    status: str | None
    status_at: str | None
    reason: str | None
    pause_title: str | None
    disable_date: str | None
    quality: str | None
    previous_quality: str | None
    quality_at: str | None
    pauses: int
    pauses_note: str | None
    category_changes: list[CategoryChange]
    last_heard: str | None


class Template(_Model):
    """A managed name and language, as drift found it (since 1.1)."""

    # `history` is left out without a store: not required by the schema.
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    name: str
    language: str
    template: str
    """The template (file) name; differs from `name` for a version (order_shipped_v2)."""
    sync: str
    health: str
    status: str | None
    category: str | None
    history: Remembered | None = None
    """Present only when a history store was asked; null when it holds nothing of it."""


class HistoryStore(_Model):
    store: str
    """The store asked, never with a password."""


class Phone(_Model):
    """The phone number's state, from the history's webhooks (since 1.1)."""

    phone_number: str | None
    messaging_limit: str | None
    flagged: bool | None
    """True after FLAGGED, false after UNFLAGGED, null when neither was heard."""
    last_event: str
    at: str


class DriftDocument(_Model):
    """What `drift --format json` prints."""

    format_version: str
    target: str
    """As output names it: `target prod`."""
    drift: bool
    """Whether drift was found (the command then exits 2)."""
    findings: list[Finding]
    unmanaged: list[Unmanaged]
    selection: Selection
    """`--only`/`--exclude`, and what they left out (since 1.1)."""
    summary: Summary
    history: HistoryStore | None
    """The history store drift asked; null: it saw only 8x8's list (since 1.1)."""
    cannot_know: list[str]
    """Without a history store: what 8x8's list cannot tell (since 1.1)."""
    phone: Phone | None
    templates: list[Template]


def json_schema() -> dict[str, Any]:
    return DriftDocument.model_json_schema(mode="serialization")
