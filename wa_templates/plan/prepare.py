"""The steps every channel command shares: check the files, list the channel, build the plan."""

from __future__ import annotations

from collections.abc import Callable

from wa_templates.channel.known import Memory
from wa_templates.channel.remote import ChannelTemplate
from wa_templates.config.project import Project
from wa_templates.errors import UsageError, WaError
from wa_templates.files.diagnostics import Severity
from wa_templates.files.load import Loaded, load_paths, skipped_lookalikes
from wa_templates.plan.build import build
from wa_templates.plan.lifecycle import Repository
from wa_templates.plan.model import ChannelBinding, Plan, PlanOptions
from wa_templates.plan.selection import Selection
from wa_templates.provider.base import Provider
from wa_templates.rules.check import Report, check_paths, collector_paused


class InvalidTemplates(WaError):
    """Validation errors: nothing on the channel is touched, and nothing read from it is used.

    `channel_read` says whether its list was read while the files were checked (a large tree
    is checked by worker processes, and plan lists the channel meanwhile): set aside unused.
    """

    def __init__(self, report: Report, channel_read: bool = False) -> None:
        self.report = report
        self.channel_read = channel_read
        super().__init__(
            f"{report.errors} validation error(s): fix them first; {_untouched(channel_read)}"
        )


def _untouched(channel_read: bool) -> str:
    if channel_read:
        return "the channel's list, read meanwhile, was set aside: nothing on it was changed"
    return "nothing on the channel was read"


class ListedMeanwhile:
    """The channel listed while worker processes check the files (`check_paths(meanwhile=)`).

    Listing only reads, and what it read is used only once the files are known to be valid:
    with errors in them, it is set aside. An error met opening the target or listing waits until
    then as well, so file errors come first, exactly as when the steps run one after the other.
    When the files are checked in this process (a small tree), nothing happens meanwhile: the
    channel is opened and listed afterwards, by `opened()` and `make_plan`.
    """

    def __init__(self, open_channel: Callable[[], tuple[Provider, ChannelBinding]]) -> None:
        self._open = open_channel
        self._opened: tuple[Provider, ChannelBinding] | None = None
        self._error: Exception | None = None
        self.requested = False
        """Whether the list was asked for: then the channel may have been read."""
        self.listed: list[ChannelTemplate] | None = None

    def __call__(self) -> None:
        try:
            self._opened = self._open()
            self.requested = True
            self.listed = self._opened[0].list_templates()
        except Exception as exc:  # raised by opened(), after any file errors
            self._error = exc

    def opened(self) -> tuple[Provider, ChannelBinding]:
        """The open provider and its channel; an error met meanwhile is raised now."""
        if self._error is not None:
            raise self._error
        if self._opened is None:
            self._opened = self._open()
        return self._opened

    def close(self) -> None:
        if self._opened is not None:
            self._opened[0].close()


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

    def __init__(
        self, unloaded: list[str], channel_read: bool = False, skipped: bool = False
    ) -> None:
        self.unloaded = unloaded
        shown = ", ".join(unloaded[:5]) + (f" and {len(unloaded) - 5} more" if unloaded[5:] else "")
        if skipped:
            why = (
                "look like templates but are not read as such (hidden, in a hidden folder, or a "
                f"backup: {shown}); what they hold may be live on the channel: move them out of "
                "the folder or name them *.yaml first; "
            )
        else:
            why = (
                f"did not load ({shown}); a template that cannot be read is not one to delete: "
                "fix them first; "
            )
        super().__init__(
            f"--prune refused: {len(unloaded)} file(s) under the templates folder {why}"
            + _untouched(channel_read)
        )


def checked_templates(project: Project, meanwhile: ListedMeanwhile | None = None) -> Report:
    """The checked templates, or `InvalidTemplates`; `meanwhile` lists the channel while
    worker processes check them, if they do."""
    report = check_paths([project.templates_dir], root=project.root, meanwhile=meanwhile)
    if report.errors:
        raise InvalidTemplates(report, channel_read=meanwhile is not None and meanwhile.requested)
    return report


def make_plan(
    project: Project,
    provider: Provider,
    channel: ChannelBinding,
    options: PlanOptions,
    report: Report | None = None,
    selection: Selection | None = None,
    memory: Memory | None = None,
    listed: list[ChannelTemplate] | None = None,
) -> Plan:
    """The plan for `channel`, through `provider`; `report` is the already checked templates,
    if the caller checked them first; `selection` the templates it is about (all by default);
    `memory` the target's history store, if it has one; `listed` the channel's templates, if
    the caller listed them meanwhile."""
    with collector_paused():
        report = report or checked_templates(project)
        if options.prune and report.unloaded:
            raise PruneRefused(report.unloaded, channel_read=listed is not None)
        if options.prune:
            skipped = skipped_lookalikes(project.templates_dir)
            if skipped:
                raise PruneRefused(skipped, channel_read=listed is not None, skipped=True)
        items = provider.list_templates() if listed is None else listed
        diagnostics = [d.as_dict() for d in report.diagnostics]
        return build(report.sources, items, channel, options, diagnostics, selection, memory)


def repository_names(project: Project) -> Repository | None:
    """The template names the project's files define, and whether each is versioned; None when
    a file did not load, or one looks like a template but is skipped (its name is unknown;
    `unknown_names_because` says which). Loaded, not rule-checked: `apply PLANFILE` needs only
    the names, to refuse a saved plan that prunes one of them."""
    loaded = load_paths([project.templates_dir], project.root)
    if _unloaded(loaded) or skipped_lookalikes(project.templates_dir):
        return None
    default = plan_options(project).versioning
    return {s.template.name: (s.template.versioning or default) == "suffix" for s in loaded.sources}


def unknown_names_because(project: Project) -> str:
    """Why `repository_names` is None, naming the files, in one line."""
    unloaded = _unloaded(load_paths([project.templates_dir], project.root))
    skipped = skipped_lookalikes(project.templates_dir)
    parts = []
    if unloaded:
        parts.append(f"did not load: {_some(unloaded)}")
    if skipped:
        parts.append(f"look like templates but are skipped: {_some(skipped)}")
    return "which names the repository defines is unknown: " + "; ".join(parts)


def _unloaded(loaded: Loaded) -> list[str]:
    return sorted({d.file for d in loaded.diagnostics if d.severity is Severity.ERROR})


def _some(files: list[str]) -> str:
    return ", ".join(files[:5]) + (f" and {len(files) - 5} more" if files[5:] else "")
