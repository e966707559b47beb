"""Templates that do not validate, met by a command that reads the channel: list them and stop.

plan, apply, drift and names all refuse to read the channel for a repository with errors: what
they would compare it with is not what the files say. (plan lists the channel while worker
processes check a large tree; with errors in it, that list is set aside unused.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from wa_templates.cli.options import use_color
from wa_templates.plan.prepare import InvalidTemplates
from wa_templates.render import diagnostics as render_diagnostics

MESSAGE = "the templates have errors; nothing on the channel was read"
MESSAGE_LIST_SET_ASIDE = (
    "the templates have errors; the channel's list, read while they were checked, "
    "was set aside: nothing was planned, nothing on the channel was changed"
)
MESSAGES = (MESSAGE, MESSAGE_LIST_SET_ASIDE)


@contextmanager
def stop_if_invalid(as_json: bool = False) -> Iterator[None]:
    """Around the check of the templates: on errors, print them as `validate` does, then one
    line saying nothing on the channel was read (or, for plan on a large tree, that what was
    read meanwhile was set aside), and exit 1. With `as_json` (`--format json`) stdout gets
    them as a JSON document too (render.diagnostics.Invalid): a tool reading stdout finds why,
    instead of nothing."""
    try:
        yield
    except InvalidTemplates as exc:
        report = exc.report
        text = render_diagnostics.text(report.diagnostics, report.files, use_color(sys.stderr))
        click.echo(text, err=True)
        message = MESSAGE_LIST_SET_ASIDE if exc.channel_read else MESSAGE
        click.echo(f"error: {message}", err=True)
        if as_json:
            click.echo(render_diagnostics.invalid_json(report.diagnostics, report.files, message))
        raise click.exceptions.Exit(1) from None
