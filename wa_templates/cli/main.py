"""Entry point: the click group, exit codes, and the one place errors become one line."""

from __future__ import annotations

import difflib
import importlib
import logging
import sys
from collections.abc import Sequence

import click

from wa_templates import __version__
from wa_templates.errors import WaError
from wa_templates.provider import redact
from wa_templates.untrusted import shown

EXIT_USAGE = 64
"""click's default of 2 is reserved for "changes present" in plan."""


COMMANDS = {
    "validate": "wa_templates.cli.commands.validate",
    "plan": "wa_templates.cli.commands.plan",
    "apply": "wa_templates.cli.commands.apply",
    "show": "wa_templates.cli.commands.show",
    "drift": "wa_templates.cli.commands.drift",
    "names": "wa_templates.cli.commands.names",
    "import": "wa_templates.cli.commands.import_",
    "preview": "wa_templates.cli.commands.preview",
    "rules": "wa_templates.cli.commands.rules",
    "schema": "wa_templates.cli.commands.schema",
    "sandbox": "wa_templates.cli.commands.sandbox",
    "webhook": "wa_templates.cli.commands.webhook",
    "history": "wa_templates.cli.commands.history",
    "config": "wa_templates.cli.commands.config",
}
"""Command name -> module defining `command`, imported only when that command runs: validate
must not pay for httpx, deepdiff (and its numpy), jinja2 and starlette at every start."""


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(_load(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if args and self.get_command(ctx, name) is None and not name.startswith("-"):
            # click says only "No such command"; options already get a did-you-mean.
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
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
    """Import every command now (tests and tools that walk `cli.commands` want them all)."""
    for name in COMMANDS:
        cli.add_command(_load(name), name)


def _load(name: str) -> click.Command:
    command: click.Command = importlib.import_module(COMMANDS[name]).command
    return command


def main(argv: Sequence[str] | None = None) -> int:
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
        # Masked here too: an error may quote a URL with an upload token, or a key echoed back.
        # An error of several problems (a configuration's) is one line per problem.
        for line in redact.scrub(str(exc)).splitlines() or [""]:
            click.echo(f"error: {shown(line)}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception as exc:
        # A bug, not bad input: one line by default, the traceback with --debug.
        args = list(argv) if argv is not None else sys.argv[1:]
        # --debug is the group's option: it only counts before the command's name.
        command_at = next((i for i, a in enumerate(args) if a in COMMANDS), len(args))
        if "--debug" in args[:command_at]:
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {shown(redact.scrub(str(exc)))} "
            "(rerun as `wa-templates --debug COMMAND ...` for the traceback)",
            err=True,
        )
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
