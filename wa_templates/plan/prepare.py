"""The steps every channel command shares: check the files, list the channel, build the plan."""

from __future__ import annotations

from typing import Any

from wa_templates.check import Report, check_paths
from wa_templates.config import Project
from wa_templates.errors import WaError
from wa_templates.plan.build import PlanOptions, build
from wa_templates.plan.model import Plan
from wa_templates.provider.base import Provider


class InvalidTemplates(WaError):
    """Validation errors: nothing on the channel is read or touched."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"{report.errors} validation error(s): fix them before planning")


def plan_options(project: Project, prune: bool = False, force: bool = False) -> PlanOptions:
    settings = project.settings
    ignore = settings.get("ignore", [])
    if isinstance(ignore, str) or not all(isinstance(i, str) for i in ignore):
        raise WaError(f"{project.source}: `ignore` must be a list of names or patterns")
    versioning = settings.get("versioning")
    if versioning not in (None, "suffix"):
        raise WaError(f'{project.source}: `versioning` must be "suffix" (found {versioning!r})')
    safety: dict[str, Any] = settings.get("safety", {})
    return PlanOptions(
        prune=prune or bool(settings.get("prune", False)),
        force=force,
        ignore=tuple(ignore),
        versioning=versioning,
        max_names=int(safety.get("max_names", 10)),
        max_fraction=float(safety.get("max_fraction", 0.3)),
    )


def checked_templates(project: Project) -> Report:
    report = check_paths([project.templates_dir])
    if report.errors:
        raise InvalidTemplates(report)
    return report


def make_plan(project: Project, provider: Provider, options: PlanOptions) -> Plan:
    report = checked_templates(project)
    items = provider.list_templates()
    return build(
        report.sources,
        items,
        provider.description,
        options,
        [d.as_dict() for d in report.diagnostics],
    )
