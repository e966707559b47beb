"""A plan as GitHub Actions annotations: one per blocked change and one per finding.

Each points at the template's file, on the line of the language's key (or of `name:` when the
file has no such language, or the finding is about the whole name), so a pull request shows it
beside the line to change. GitHub's limits (10 annotations of each kind per step) are kept by
`diagnostics.annotate`, as for `validate --format github`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

from wa_templates.channel.remote import address
from wa_templates.files.load import Source, load_file
from wa_templates.plan.model import Plan
from wa_templates.plan.versions import base_name
from wa_templates.render.diagnostics import Annotation, annotate

Locate = Callable[[str], Source | None]
"""A change's `source` (as the plan records it) to that file, loaded with its positions."""

_KINDS = {"error": "error", "warning": "warning"}
"""A finding's severity as an annotation's kind; anything else (info) is a notice."""


def file_locator(root: Path) -> Locate:
    """Each template file of the plan, read again (once) for its positions; the plan records
    files relative to the project's `root`. A file that no longer loads gets no line."""

    @cache
    def locate(source: str) -> Source | None:
        return load_file(root / source, root)[0]

    return locate


def github(plan: Plan, locate: Locate | None = None) -> str:
    """Workflow commands, one line each; "" when nothing is blocked and nothing was found."""
    return annotate(_annotations(plan, locate or (lambda _: None)), "wa-templates plan")


def github_targets(plans: list[tuple[str, Plan]], locate: Locate | None = None) -> str:
    """Several targets' plans (target, plan) as one set of annotations, within GitHub's limit
    per step (which is per step, not per target), each title starting with its target."""
    every = [
        replace(a, title=f"{target}: {a.title}")
        for target, plan in plans
        for a in _annotations(plan, locate or (lambda _: None))
    ]
    return annotate(every, "wa-templates plan")


def _annotations(plan: Plan, locate: Locate) -> Iterator[Annotation]:
    by_name: dict[str, str] = {}
    by_template: dict[str, str] = {}
    for change in plan.changes:
        if change.source is not None:
            by_name.setdefault(change.name, change.source)
            by_template.setdefault(change.template, change.source)
    for change in plan.blocked:
        yield _at(
            Annotation("error", change.detail, f"blocked: {change.address}"),
            change.source,
            change.language,
            locate,
        )
    for f in plan.findings:
        # A finding names the registered name: a version's file is its template's.
        source = (
            by_name.get(f.name) or by_template.get(f.name) or by_template.get(base_name(f.name))
        )
        message = f"{f.message}; next: {f.next_step}" if f.next_step else f.message
        kind = _KINDS.get(f.severity, "notice")
        title = f"{f.kind}: {address(f.name, f.language or None)}"
        yield _at(Annotation(kind, message, title), source, f.language, locate)


def _at(annotation: Annotation, source: str | None, language: str, locate: Locate) -> Annotation:
    """The annotation at the language's line in `source`, or at the file's `name:`."""
    if source is None:
        return annotation
    loaded = locate(source)
    if loaded is None:
        return replace(annotation, file=source)
    positions = loaded.document.positions
    line, column = (
        positions.get(("languages", language))
        or positions.get(("name",))
        or positions.get((), (1, 1))
    )
    return replace(annotation, file=loaded.path, line=line, column=column)
