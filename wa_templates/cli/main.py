"""Entry point: the click group, exit codes, and the one place errors become one line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import click

from wa_templates import __version__
from wa_templates.errors import WaError

EXIT_USAGE = 64
"""click's default of 2 is reserved for "changes present" in plan."""


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="wa-templates")
@click.option(
    "--debug", is_flag=True, help="Log every API request to stderr (the API key is masked)."
)
def cli(debug: bool) -> None:
    """Manage WhatsApp message templates on 8x8 as reviewed files in git."""
    if debug:
        logging.basicConfig(
            level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
        )


def _register() -> None:
    from wa_templates.commands import (
        apply,
        drift,
        import_,
        names,
        plan,
        preview,
        rules,
        sandbox,
        schema,
        validate,
    )

    for module in (validate, plan, apply, drift, names, import_, preview, rules, schema, sandbox):
        cli.add_command(module.command)


def main(argv: Sequence[str] | None = None) -> int:
    _register()
    try:
        # Without standalone mode click returns an Exit's code instead of calling sys.exit.
        result = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except WaError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
