"""`wa-templates sandbox serve`: the 8x8 emulator over real HTTP, for end-to-end runs."""

from __future__ import annotations

from pathlib import Path

import click

from wa_templates.config.project import find_project
from wa_templates.sandbox.embedded import default_state_path
from wa_templates.sandbox.serve import DEFAULT_HOST, DEFAULT_PORT, serve
from wa_templates.sandbox.state import MAX_TEMPLATES_LIMIT


@click.group("sandbox")
def command() -> None:
    """A local emulator of 8x8's template API with simulated Meta review."""


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
def serve_command(
    host: str,
    port: int,
    state_path: Path | None,
    api_key: str,
    max_templates: int | None,
    review_delay_minutes: float | None,
) -> None:
    """Serve the sandbox over HTTP until interrupted."""
    if not api_key.strip():
        raise click.BadParameter("must not be empty", param_hint="'--api-key'")
    path = state_path or default_state_path(find_project().root)

    def announce(url: str) -> None:
        click.echo(
            f"sandbox: serving {url} (state {path}; admin API under {url}/_sandbox)", err=True
        )

    serve(
        path,
        api_key=api_key,
        host=host,
        port=port,
        max_templates=max_templates,
        review_delay_minutes=review_delay_minutes,
        announce=announce,
    )
