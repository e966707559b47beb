"""`wa-templates sandbox template | phone | clock`: act as Meta (or as someone in WhatsApp
Manager) on the --sandbox channel, or move its clock, through the sandbox's admin API.

Each is one request to the admin route `sandbox serve` offers (the README's admin table), made
in-process on the project's sandbox state, so a change's webhook events are delivered to the
registered receivers before the command returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from wa_templates.config.project import find_project
from wa_templates.files.model import CATEGORIES
from wa_templates.sandbox.account import MESSAGING_LIMITS, PHONE_QUALITY
from wa_templates.sandbox.admin_client import SandboxAdmin, describe_phone, describe_template
from wa_templates.sandbox.embedded import default_state_path
from wa_templates.sandbox.lifecycle import QUALITY_SCORES
from wa_templates.sandbox.operations import ADMIN_STATUSES
from wa_templates.sandbox.state import MAX_CLOCK_RATE
from wa_templates.untrusted import shown


def _admin() -> SandboxAdmin:
    return SandboxAdmin(_state_path())


def _state_path() -> Path:
    return default_state_path(find_project().root)


def _given(**options: Any) -> dict[str, Any]:
    return {key: value for key, value in options.items() if value is not None}


@click.command("template")
@click.argument("name")
@click.option("--language", default="en_US", show_default=True)
@click.option("--status", type=click.Choice(ADMIN_STATUSES), help="Set the status as Meta would.")
@click.option(
    "--reason",
    help="The rejection reason, the pause title (FIRST_PAUSE, SECOND_PAUSE, RATE_LIMITING_PAUSE) "
    "or a FLAGGED template's disable date (ISO 8601).",
)
@click.option("--category", type=click.Choice(CATEGORIES), help="Recategorise it as Meta does.")
@click.option(
    "--quality", type=click.Choice(QUALITY_SCORES), help="Its quality score (RED pauses it)."
)
def template_command(
    name: str,
    language: str,
    status: str | None,
    reason: str | None,
    category: str | None,
    quality: str | None,
) -> None:
    """Change one template as Meta does after approval (no option: show it). A status without
    --reason is Meta's usual: the next quality pause, a flag with a disable date 7 days on."""
    changes = _given(status=status, reason=reason, category=category, quality=quality)
    with _admin() as admin:
        item = admin.template(name, language, changes)
    click.echo(shown(describe_template(item)))


@click.command("phone")
@click.option("--quality-rating", type=click.Choice(PHONE_QUALITY), help="RED flags the number.")
@click.option("--messaging-limit", type=click.Choice(MESSAGING_LIMITS))
def phone_command(quality_rating: str | None, messaging_limit: str | None) -> None:
    """Change the channel's phone number as Meta rates it (no option: show it)."""
    changes = _given(quality_rating=quality_rating, messaging_limit=messaging_limit)
    with _admin() as admin:
        phone = admin.phone(changes)
    click.echo(describe_phone(phone))


@click.command("clock")
@click.option("--set", "moment", metavar="MOMENT", help="Set it to this ISO 8601 moment.")
@click.option(
    "--advance-hours",
    type=click.FloatRange(min=0),
    help="Move it forward, settling what falls due.",
)
@click.option(
    "--rate",
    type=click.FloatRange(0, MAX_CLOCK_RATE),
    help="Sandbox seconds per real second from now on; 0 stops it (reproducible times).",
)
def clock_command(moment: str | None, advance_hours: float | None, rate: float | None) -> None:
    """Show, set, advance or stop the sandbox's clock, by which Meta's reviews, pauses, flags and
    8x8's webhook retries happen."""
    with _admin() as admin:
        if rate is not None:
            admin.config({"clock_rate": rate})
        if moment is not None:
            admin.clock({"at": moment})
        now = admin.clock({"advance_hours": advance_hours or 0})
        running = admin.config({})["clock_rate"]
    pace = "stopped" if running == 0 else ("" if running == 1 else f"running {running:g}x")
    click.echo(f"Sandbox clock: {now}{f' ({pace})' if pace else ''}")
