"""Options and helpers shared by commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click


def use_color(stream: TextIO | None = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty()


def from_root(path: str, root: Path) -> str:
    """A template file's path relative to the project root, or absolute if it is outside it.

    Files are shown relative to the working directory, which may be anywhere; apply resolves
    media samples from the root, and a reader of the repository (or of a drift issue) starts
    there too.
    """
    given = Path(os.path.abspath(path))
    absolute = given.parent.resolve() / given.name  # the root is resolved: so is this
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return str(absolute)


def format_option(
    help_text: str, choices: tuple[str, ...] = ("text", "markdown", "json")
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format text|markdown|json` (or the `choices` given), passed as `fmt`."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default="text",
        show_default=True,
        help=help_text,
    )
