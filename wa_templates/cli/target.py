"""`--target NAME` / `--sandbox` for commands that talk to a channel, and the provider they pick."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from wa_templates.config.project import Project
from wa_templates.config.targets import resolve_target, select_target, select_targets
from wa_templates.errors import WaError
from wa_templates.provider.base import Provider
from wa_templates.provider.client import Client
from wa_templates.provider.endpoints import check_base_url

if TYPE_CHECKING:
    from wa_templates.channel.known import Memory
    from wa_templates.history.store import HistoryStore
    from wa_templates.plan.model import ChannelBinding

F = TypeVar("F", bound=Callable[..., Any])

SANDBOX_STATE = Path(".wa-templates") / "sandbox.json"
"""The embedded sandbox's state, under the project root (git-ignored); for help and output."""
SANDBOX_TARGET = "sandbox"
"""The target name the sandbox's history is recorded under."""
_HISTORY = "wa_templates.history"
"""Where `--history` is kept in the click context, for `open_provider`."""


def _remember_history(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_HISTORY] = value


_STORE = "sqlite:///FILE, postgresql://... or FILE"
_DEFAULT_STORE = " [default: the target's `history` key]"
ASKS_AND_RECORDS = (
    f"The history store ({_STORE}; created if missing) to ask what 8x8's list leaves out "
    "(whether a name was ever approved, pause titles, quality), and to record the statuses "
    "this run sees in." + _DEFAULT_STORE
)
"""`--history` of plan, apply and drift."""
RECORDS = (
    f"Record the statuses this run sees in this history store ({_STORE}; created if missing)."
    + _DEFAULT_STORE
)
"""`--history` of a command that lists the channel but asks its history nothing."""
READS = f"The history store to read ({_STORE}; it must exist)." + _DEFAULT_STORE
"""`--history` of a command that only reads the store."""


def target_options(history: str | None) -> Callable[[F], F]:
    """Adds `--target NAME` and `--sandbox` (passed as `target` and `sandbox`), never both,
    and `--history DB` with the `history` help saying what the command does with the store
    (ASKS_AND_RECORDS, RECORDS, READS), or none when it uses no store."""

    def options(func: F) -> F:
        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("target") is not None and kwargs.get("sandbox"):
                raise click.UsageError("--target and --sandbox cannot be used together")
            return func(*args, **kwargs)

        return cast(
            F,
            click.option(
                "--target",
                "target",
                metavar="NAME",
                help="The [targets.NAME] to use (default: the one marked default, or the only "
                "one).",
            )(_sandbox_and_history(checked, history)),
        )

    return options


def targets_options(func: F) -> F:
    """Adds `--target NAME` (repeatable), `--all-targets` and `--sandbox`, passed as one
    `targets` (a `Targets`): the channels of a command that works on several at once."""

    @functools.wraps(func)
    def selected(*args: Any, **kwargs: Any) -> Any:
        names: tuple[str, ...] = kwargs.pop("target")
        kwargs["targets"] = Targets.given(names, kwargs.pop("all_targets"), kwargs["sandbox"])
        del kwargs["sandbox"]
        return func(*args, **kwargs)

    with_all = click.option(
        "--all-targets",
        is_flag=True,
        help="Every [targets.NAME] of the configuration, concurrently.",
    )(_sandbox_and_history(selected, ASKS_AND_RECORDS))
    return cast(
        F,
        click.option(
            "--target",
            "target",
            metavar="NAME",
            multiple=True,
            help="The [targets.NAME] to use; repeat it for several targets, run concurrently "
            "(default: the one marked default, or the only one).",
        )(with_all),
    )


def _sandbox_and_history(func: Callable[..., Any], history: str | None) -> Callable[..., Any]:
    with_history = func
    if history is not None:
        with_history = click.option(
            "--history",
            metavar="DB",
            expose_value=False,
            callback=_remember_history,
            help=history,
        )(func)
    return click.option(
        "--sandbox",
        is_flag=True,
        help=f"Use the local sandbox ({SANDBOX_STATE}) instead of 8x8.",
    )(with_history)


@dataclass(frozen=True, slots=True)
class Targets:
    """The channels a command was asked for: the sandbox, the default target, or named ones."""

    names: tuple[str, ...] = ()
    every: bool = False
    sandbox: bool = False

    @classmethod
    def given(cls, names: tuple[str, ...], every: bool, sandbox: bool) -> Targets:
        if sandbox and (names or every):
            given = "--all-targets" if every else "--target"
            raise click.UsageError(f"{given} and --sandbox cannot be used together")
        if every and names:
            raise click.UsageError("--all-targets already selects every target: drop --target")
        return cls(names, every, sandbox)

    @property
    def many(self) -> bool:
        """Whether the output takes the form for several targets, one section or document
        each: decided by the options given, never by how many targets are configured, so a
        tool reading it knows its shape in advance."""
        return self.every or len(self.names) > 1

    def channels(self, project: Project) -> list[tuple[str | None, bool]]:
        """(target name, sandbox) per channel, for `open_channels`; the names checked, but for
        the default target (None), which opening the channel resolves."""
        if self.sandbox:
            return [(None, True)]
        if not self.many:
            return [(self.single, False)]
        return [(name, False) for name in select_targets(project, self.names, self.every)]

    @property
    def single(self) -> str | None:
        """For the form of one target: the `--target` given, if any."""
        return self.names[0] if self.names else None


Opener = Callable[[Project, str | None, bool], tuple[Provider, "ChannelBinding"]]


def open_channels(
    project: Project, wanted: list[tuple[str | None, bool]], opener: Opener | None = None
) -> list[tuple[str, Provider, ChannelBinding]]:
    """The channels wanted, (target name or None for the default, sandbox), opened as (target
    name, provider, channel) before any is read: a target whose key is missing stops the run
    before anything on any channel is read. `opener` is `open_channel` unless a command names
    its own.

    Opened here, on the command's thread, because `--history` lives in click's context, which
    the threads that then read the channels do not see."""
    opener = opener or open_channel
    opened: list[tuple[str, Provider, ChannelBinding]] = []
    problems: list[WaError] = []
    for name, sandbox in wanted:
        try:
            provider, channel = opener(project, name, sandbox)
        except WaError as exc:
            problems.append(exc)
            continue
        opened.append((channel.target or SANDBOX_TARGET, provider, channel))
    if problems:
        for _, provider, _ in opened:
            provider.close()
        if len(problems) == 1:
            raise problems[0]
        raise WaError("; ".join(str(p) for p in problems))
    return opened


def open_provider(project: Project, target_name: str | None, sandbox: bool) -> Provider:
    """The provider for a command: the embedded sandbox, or the 8x8 client for a target."""
    return open_channel(project, target_name, sandbox)[0]


def open_channel(
    project: Project, target_name: str | None, sandbox: bool
) -> tuple[Provider, ChannelBinding]:
    """The provider for a command, and the channel it reaches, as a plan records it.

    The provider records every listing in the history store when one is given (`--history`) or
    configured (the target's `history` key): the one place every command's listing passes.
    """
    opened = open_client(project, target_name, sandbox)
    binding = _binding(opened.client, opened.target, opened.sandbox_state)
    try:
        store = _history_store(project, opened.history)
    except BaseException:
        opened.client.close()
        raise
    if store is None:
        return opened.client, binding
    from wa_templates.history.recording import RecordingProvider

    ctx = click.get_current_context(silent=True)
    command = ctx.info_name if ctx is not None and ctx.info_name else "run"
    recording = RecordingProvider(
        opened.client, store, opened.name, command, warn=lambda text: click.echo(text, err=True)
    )
    return recording, binding


def memory_of(provider: Provider) -> Memory | None:
    """What the target's history store remembers, for plan, apply and drift to ask; None when it
    has none. Only the recording provider `open_channel` wraps a store-backed channel in has
    one (looked up by name, so commands without a store never import the database layer)."""
    remember: Callable[[], Memory] | None = getattr(provider, "memory", None)
    return remember() if remember is not None else None


@dataclass(frozen=True, slots=True)
class Opened:
    """A client for the 8x8 API (or the embedded sandbox) and what the target says of it."""

    client: Client
    target: str | None
    """The target's name; None for the sandbox."""
    sandbox_state: str | None
    """The sandbox's state file, relative to the project; None for a target."""
    history: str | None
    """The target's `history` key."""

    @property
    def name(self) -> str:
        """The name the history records this channel under."""
        return self.target if self.target is not None else SANDBOX_TARGET


def open_client(project: Project, target_name: str | None, sandbox: bool) -> Opened:
    """The 8x8 client for a target (its key from the environment), or the embedded sandbox's."""
    if sandbox:
        # Imported here: commands against 8x8 need not load the sandbox app at all.
        from wa_templates.sandbox import embedded

        state = os.path.relpath(embedded.default_state_path(project.root), project.root)
        client = Client(
            base_url=embedded.SANDBOX_BASE_URL,
            account_id=embedded.SANDBOX_ACCOUNT_ID,
            channel_id=embedded.SANDBOX_CHANNEL_ID,
            subaccount_id=embedded.SANDBOX_SUBACCOUNT_ID,
            api_key=embedded.SANDBOX_API_KEY,
            transport=embedded.open_transport(project.root / state),
            description=f"sandbox ({state})",
        )
        return Opened(client, None, state, None)
    target = resolve_target(project, target_name)
    client = Client(
        base_url=target.base_url,
        account_id=target.account_id,
        channel_id=target.channel_id,
        subaccount_id=target.subaccount_id,
        api_key=target.api_key,
        description=f"target {target.name}",
    )
    return Opened(client, target.name, None, target.history)


def _binding(client: Client, target: str | None, sandbox: str | None) -> ChannelBinding:
    return _channel(
        target,
        sandbox,
        client.base_url,
        client.account_id,
        client.channel_id,
        client.subaccount_id,
    )


def _channel(
    target: str | None,
    sandbox: str | None,
    base_url: str,
    account_id: str,
    channel_id: str,
    subaccount_id: str | None,
) -> ChannelBinding:
    # Imported here: names and import need no plan model (nor the deepdiff it brings).
    from wa_templates.plan.model import ChannelBinding

    return ChannelBinding(
        target=target,
        sandbox=sandbox,
        base_url=base_url,
        account_id=account_id,
        channel_id=channel_id,
        subaccount_id=subaccount_id,
    )


def channel_of(project: Project, target_name: str | None, sandbox: bool) -> ChannelBinding:
    """The channel a target (or the sandbox) names, from the configuration alone: no key read,
    nothing opened. For a report of a run that stopped before its channel was opened."""
    if sandbox:
        from wa_templates.sandbox import embedded

        state = os.path.relpath(embedded.default_state_path(project.root), project.root)
        return _channel(
            None,
            state,
            embedded.SANDBOX_BASE_URL,
            embedded.SANDBOX_ACCOUNT_ID,
            embedded.SANDBOX_CHANNEL_ID,
            embedded.SANDBOX_SUBACCOUNT_ID,
        )
    name, settings = select_target(project, target_name)
    return _channel(
        name,
        None,
        check_base_url(settings.url),
        settings.account_id,
        settings.channel_id,
        settings.subaccount_id,
    )


def history_of(
    project: Project, target_name: str | None, sandbox: bool
) -> tuple[str, HistoryStore | None]:
    """The target's name and its history store (`--history`, else its `history` key), without
    reading its API key: reading the history does not talk to 8x8. Only read, so a SQLite
    store that does not exist is an error, not created."""
    if sandbox:
        return SANDBOX_TARGET, _history_store(project, None, create=False)
    name, settings = select_target(project, target_name)
    return name, _history_store(project, settings.history, create=False)


def _history_store(
    project: Project, configured: str | None, create: bool = True
) -> HistoryStore | None:
    ctx = click.get_current_context(silent=True)
    given = ctx.meta.get(_HISTORY) if ctx is not None else None
    if given is None and configured is None:
        return None
    from wa_templates.history.store import open_store

    # A target's `history` is relative to the project; `--history` to where you are.
    if given is not None:
        return open_store(given, create=create)
    return open_store(str(configured), project.root, create=create)
