"""The steps every channel command shares: check the files, list the channel, build the plan."""

from __future__ import annotations

from wa_templates.channel.known import Memory
from wa_templates.config.project import Project
from wa_templates.errors import UsageError, WaError
from wa_templates.files.diagnostics import Severity
from wa_templates.files.load import load_paths
from wa_templates.plan.build import build
from wa_templates.plan.lifecycle import Repository
from wa_templates.plan.model import ChannelBinding, Plan, PlanOptions
from wa_templates.plan.selection import Selection
from wa_templates.provider.base import Provider
from wa_templates.rules.check import Report, check_paths, collector_paused


class InvalidTemplates(WaError):
    """Validation errors: nothing on the channel is read or touched."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(
            f"{report.errors} validation error(s): fix them first; nothing on the channel was read"
        )


def plan_options(
    project: Project, prune: bool = False, force: bool = False, selection: Selection | None = None
) -> PlanOptions:
    """The plan settings of the configuration (checked by its schema, `config.settings`) and
    of the command line. A plan of some templates only (`selection`) never prunes: it cannot
    know what the rest of the repository holds, so `--prune` with it is a usage error, and a
    configured `prune = true` does not apply to it (the plan says so)."""
    settings = project.settings
    partial = selection is not None and selection.partial
    if prune and partial:
        raise UsageError(
            f"--prune cannot be used with {selection.described() if selection else ''}: a plan "
            "of some templates only cannot know what the rest of the repository holds, so it "
            "never deletes what the repository does not name; plan everything to prune"
        )
    return PlanOptions(
        prune=(prune or settings.prune) and not partial,
        force=force,
        ignore=tuple(settings.ignore),
        versioning=settings.versioning,
        max_names=settings.safety.max_names,
        max_fraction=settings.safety.max_fraction,
    )


class PruneRefused(WaError):
    """`--prune` with files that did not load: what they hold is unknown, so nothing is deleted."""

    def __init__(self, unloaded: list[str]) -> None:
        self.unloaded = unloaded
        shown = ", ".join(unloaded[:5]) + (f" and {len(unloaded) - 5} more" if unloaded[5:] else "")
        super().__init__(
            f"--prune refused: {len(unloaded)} file(s) under the templates folder did not load "
            f"({shown}); a template that cannot be read is not one to delete: fix them first; "
            "nothing on the channel was read"
        )


def checked_templates(project: Project) -> Report:
    report = check_paths([project.templates_dir], root=project.root)
    if report.errors:
        raise InvalidTemplates(report)
    return report


def make_plan(
    project: Project,
    provider: Provider,
    channel: ChannelBinding,
    options: PlanOptions,
    report: Report | None = None,
    selection: Selection | None = None,
    memory: Memory | None = None,
) -> Plan:
    """The plan for `channel`, through `provider`; `report` is the already checked templates,
    if the caller checked them first; `selection` the templates it is about (all by default);
    `memory` the target's history store, if it has one."""
    with collector_paused():
        report = report or checked_templates(project)
        if options.prune and report.unloaded:
            raise PruneRefused(report.unloaded)
        items = provider.list_templates()
        diagnostics = [d.as_dict() for d in report.diagnostics]
        return build(report.sources, items, channel, options, diagnostics, selection, memory)


def repository_names(project: Project) -> Repository | None:
    """The template names the project's files define, and whether each is versioned; None when
    a file did not load (its name is unknown). Loaded, not rule-checked: `apply PLANFILE` needs
    only the names, to refuse a saved plan that prunes one of them."""
    loaded = load_paths([project.templates_dir], project.root)
    if any(d.severity is Severity.ERROR for d in loaded.diagnostics):
        return None
    default = plan_options(project).versioning
    return {s.template.name: (s.template.versioning or default) == "suffix" for s in loaded.sources}
