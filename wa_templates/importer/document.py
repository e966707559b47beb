"""`import --format json`: what import did, one record per template, for tools.

The models build the document, so its JSON Schema (schema/import.schema.json) cannot drift from
it. `format_version` is MAJOR.MINOR: a minor version only adds fields.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import Field

from wa_templates.document import Document
from wa_templates.untrusted import json_text

FORMAT_VERSION = "1.1"

Action = Literal["created", "updated", "unchanged", "refused", "failed"]


class ImportedTemplate(Document):
    """One template name of the channel and what became of its file."""

    name: str
    """The template: the file's name (versions folded in with `versioning: suffix`)."""
    action: Action
    """created, updated (with --force: the keys in `changed` edited in place), unchanged (the
    file already says what the channel holds), refused (see `detail`: a file that differs
    without --force, content the model cannot hold, ...), failed (the file could not be
    written)."""
    path: str | None
    """The file, as the text output names it; null when none could be chosen."""
    detail: str
    """Why, for refused and failed; empty otherwise."""
    statuses: dict[str, str]
    """Language -> status on the channel (empty when the content could not be read)."""
    registered: str | None
    """The registered name the content comes from (`name_v3` when versions are folded)."""
    notes: list[str]
    changed: list[str] = Field(default_factory=list)
    """For updated: the keys that were (or, with `dry_run`, would be) changed in the file."""


class ImportDocument(Document):
    """What `import --format json` prints."""

    format_version: str = FORMAT_VERSION
    target: str
    """As output names it: `target prod`, `sandbox (.wa-templates/sandbox.json)`."""
    exit_code: int
    dry_run: bool = False
    """Since 1.1. True with --dry-run: nothing was written, each action is what would be."""
    templates: list[ImportedTemplate]
    summary: dict[str, int]
    """How many templates had each action."""


def document(
    target: str, templates: list[ImportedTemplate], exit_code: int, dry_run: bool = False
) -> str:
    summary = {action: 0 for action in get_args(Action)}
    for template in templates:
        summary[template.action] += 1
    built = ImportDocument(
        target=target, exit_code=exit_code, dry_run=dry_run, templates=templates, summary=summary
    )
    return json_text(built.model_dump_json(indent=2))


def json_schema() -> dict[str, Any]:
    return ImportDocument.model_json_schema(mode="serialization")
