"""`--target NAME` / `--sandbox` for commands that talk to a channel, and the provider they pick."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from wa_templates.config.project import Project
from wa_templates.config.targets import resolve_target
from wa_templates.provider.base import Provider
from wa_templates.provider.client import Client

if TYPE_CHECKING:
    from wa_templates.plan.model import ChannelBinding

F = TypeVar("F", bound=Callable[..., Any])

SANDBOX_STATE = Path(".wa-templates") / "sandbox.json"
"""The embedded sandbox's state, under the project root (git-ignored); for help and output."""


def target_options(func: F) -> F:
    """Adds `--target NAME` and `--sandbox` (passed as `target` and `sandbox`), never both."""

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("target") is not None and kwargs.get("sandbox"):
            raise click.UsageError("--target and --sandbox cannot be used together")
        return func(*args, **kwargs)

    with_sandbox = click.option(
        "--sandbox",
        is_flag=True,
        help=f"Use the local sandbox ({SANDBOX_STATE}) instead of 8x8.",
    )(checked)
    return cast(
        F,
        click.option(
            "--target",
            "target",
            metavar="NAME",
            help="The [targets.NAME] to use (default: the one marked default, or the only one).",
        )(with_sandbox),
    )


def open_provider(project: Project, target_name: str | None, sandbox: bool) -> Provider:
    """The provider for a command: the embedded sandbox, or the 8x8 client for a target."""
    return open_channel(project, target_name, sandbox)[0]


def open_channel(
    project: Project, target_name: str | None, sandbox: bool
) -> tuple[Provider, ChannelBinding]:
    """The provider for a command, and the channel it reaches, as a plan records it."""
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
        return client, _binding(client, None, state)
    target = resolve_target(project, target_name)
    client = Client(
        base_url=target.base_url,
        account_id=target.account_id,
        channel_id=target.channel_id,
        subaccount_id=target.subaccount_id,
        api_key=target.api_key,
        description=f"target {target.name}",
    )
    return client, _binding(client, target.name, None)


def _binding(client: Client, target: str | None, sandbox: str | None) -> ChannelBinding:
    # Imported here: names and import need no plan model (nor the deepdiff it brings).
    from wa_templates.plan.model import ChannelBinding

    return ChannelBinding(
        target=target,
        sandbox=sandbox,
        base_url=client.base_url,
        account_id=client.account_id,
        channel_id=client.channel_id,
        subaccount_id=client.subaccount_id,
    )
