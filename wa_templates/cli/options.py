"""Options and helpers shared by commands."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar, cast

import click

F = TypeVar("F", bound=Callable[..., Any])


def use_color(stream: TextIO | None = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty()


def from_root(path: str, root: Path, folders: dict[str, str] | None = None) -> str:
    """A template file's path relative to the project root, or absolute if it is outside it.

    Files are shown relative to the working directory, which may be anywhere; apply resolves
    media samples from the root, and a reader of the repository (or of a drift issue) starts
    there too. `folders` keeps each folder's rooted form across calls: resolving costs a system
    call per path component, and a plan roots thousands of files that sit in a few folders.
    """
    folder, name = os.path.split(os.path.abspath(path))
    shown = None if folders is None else folders.get(folder)
    if shown is None:
        resolved = Path(folder).resolve()  # the root is resolved: so is this
        try:
            inside = resolved.relative_to(root).as_posix()
            shown = "" if inside == "." else inside + "/"
        except ValueError:
            shown = os.path.join(resolved, "")
        if folders is not None:
            folders[folder] = shown
    return shown + name


def format_option(
    help_text: str, choices: tuple[str, ...] = ("text", "markdown", "json")
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format text|markdown|json` (or `choices`), passed as `fmt`: for what prints a plan or
    a report."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default="text",
        show_default=True,
        help=help_text,
    )


def selection_options(func: F) -> F:
    """`--only PATTERN` and `--exclude PATTERN` (each repeatable), passed as `selection`, a
    `plan.selection.Selection`: shell-style patterns on template names, like Terraform's
    `-target`."""

    @functools.wraps(func)
    def selected(*args: Any, only: tuple[str, ...], exclude: tuple[str, ...], **kwargs: Any) -> Any:
        # Imported here: the option is declared by commands that may never run.
        from wa_templates.plan.selection import Selection

        for flag, patterns in (("--only", only), ("--exclude", exclude)):
            if any(not pattern for pattern in patterns):
                raise click.BadParameter("an empty pattern selects nothing", param_hint=flag)
        return func(*args, selection=Selection(only=only, exclude=exclude), **kwargs)

    with_exclude = click.option(
        "--exclude",
        "exclude",
        multiple=True,
        metavar="PATTERN",
        help="Leave out templates whose name matches this shell-style pattern (repeatable).",
    )(selected)
    return cast(
        F,
        click.option(
            "--only",
            "only",
            multiple=True,
            metavar="PATTERN",
            help="Only templates whose name matches this shell-style pattern, e.g. 'order_*' "
            "(repeatable). A version (name_v2) belongs to its template (name).",
        )(with_exclude),
    )
