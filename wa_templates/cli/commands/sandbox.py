"""`wa-templates sandbox serve`: the 8x8 emulator over real HTTP, for end-to-end runs."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from wa_templates.config.project import find_project
from wa_templates.sandbox.embedded import default_state_path
from wa_templates.sandbox.serve import DEFAULT_HOST, DEFAULT_PORT, Settings, serve
from wa_templates.sandbox.state import MAX_CLOCK_RATE, MAX_TEMPLATES_LIMIT


@click.group("sandbox")
def command() -> None:
    """A local emulator of 8x8's template and webhook APIs with simulated Meta review."""


@command.command("serve")
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on; keep the loopback unless you mean to share it.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="State file  [default: .wa-templates/sandbox.json in the project]",
)
@click.option(
    "--api-key",
    envvar="WA_SANDBOX_API_KEY",
    required=True,
    show_envvar=True,
    help="Bearer key clients must send (never printed).",
)
@click.option(
    "--max-templates",
    type=click.IntRange(1, MAX_TEMPLATES_LIMIT),
    default=None,
    help="Template names per channel  [default: 250, or what the state file holds]",
)
@click.option(
    "--review-delay-minutes",
    type=click.FloatRange(min=0),
    default=None,
    help="Sandbox-clock minutes before a review completes  [default: 0, immediate]",
)
@click.option(
    "--deletion-delay-minutes",
    type=click.FloatRange(min=0),
    default=None,
    help="Sandbox-clock minutes a deleted template stays PENDING_DELETION  [default: 0]",
)
@click.option(
    "--clock-rate",
    type=click.FloatRange(0, MAX_CLOCK_RATE),
    default=None,
    help="Sandbox seconds per real second (0 stops the clock; 60 makes an hour a minute, and "
    "webhook retries 60 times faster)  [default: 1]",
)
@click.option(
    "--list-extras/--no-list-extras",
    default=None,
    help="List reason, otherInfo and disableInfo, which 8x8's list never shows (tests of older "
    "data only)  [default: off]",
)
def serve_command(
    host: str,
    port: int,
    state_path: Path | None,
    api_key: str,
    max_templates: int | None,
    review_delay_minutes: float | None,
    deletion_delay_minutes: float | None,
    clock_rate: float | None,
    list_extras: bool | None,
) -> None:
    """Serve the sandbox over HTTP until interrupted, delivering webhook events meanwhile.

    The settings options are stored in the state file, so later --sandbox runs keep them.
    """
    if not api_key.strip():
        raise click.BadParameter("must not be empty", param_hint="'--api-key'")
    path = state_path or default_state_path(find_project().root)

    # Delivery lines (event, URL, outcome; never a secret) beside uvicorn's access log.
    logger = logging.getLogger("wa_templates.sandbox")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    def announce(url: str) -> None:
        click.echo(
            f"sandbox: serving {url} (state {path}; admin API under {url}/_sandbox)", err=True
        )

    settings = Settings(
        max_templates=max_templates,
        review_delay_minutes=review_delay_minutes,
        deletion_delay_minutes=deletion_delay_minutes,
        clock_rate=clock_rate,
        list_extras=list_extras,
    )
    serve(path, api_key=api_key, host=host, port=port, settings=settings, announce=announce)


def _add_admin_commands() -> None:
    # Imported here: each lives in its own module, and they need the group defined above.
    from wa_templates.cli.commands import sandbox_admin, sandbox_seed

    command.add_command(sandbox_seed.command, "seed")
    command.add_command(sandbox_admin.template_command, "template")
    command.add_command(sandbox_admin.phone_command, "phone")
    command.add_command(sandbox_admin.clock_command, "clock")


_add_admin_commands()
