"""`drift --format json`: the document, as pydantic models, so its JSON Schema
(schema/drift.schema.json) is generated from what builds it and cannot drift from it.

`format_version` is MAJOR.MINOR: a minor version only adds fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from wa_templates.document import Document


class _Model(Document):
    model_config = ConfigDict(strict=True)


class Finding(_Model):
    """Something that happened on the channel to one registered name and language."""

    name: str
    """The registered name (for a versioned template, the version's: order_shipped_v2)."""
    language: str
    kind: str
    """out_of_sync, missing, extra_language, unreadable, pending_review, rejected, paused,
    disabled, flagged, in_appeal, pending_deletion, category_changed or unknown_status."""
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


class DriftDocument(_Model):
    """What `drift --format json` prints."""

    format_version: str
    target: str
    """As output names it: `target prod`."""
    drift: bool
    """Whether drift was found (the command then exits 2)."""
    findings: list[Finding]
    unmanaged: list[Unmanaged]
    summary: Summary


def json_schema() -> dict[str, Any]:
    return DriftDocument.model_json_schema(mode="serialization")
