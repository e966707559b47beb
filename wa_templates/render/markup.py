"""Values from files and the channel made safe in markdown, and the templates' environment.

Plan and drift lay their text and markdown out with the jinja2 templates in `render/templates`
(autoescape off: markdown is not HTML). What comes from a file or the channel is made safe before
it reaches a template: `md` and `cell` give HTML entities for anything GitHub would read as
markup, `fence` a fence longer than any backtick run its content holds, and all three spell out
control, invisible and bidi characters (`untrusted.shown`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2

from wa_templates.untrusted import shown

_MD_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "~": "&#126;",
    "[": "&#91;",
    "]": "&#93;",
    "\\": "&#92;",
    "#": "&#35;",
    '"': "&quot;",
}
_MD_SPECIAL = re.compile("[" + re.escape("".join(_MD_ENTITIES)) + "]")
_BACKTICKS = re.compile(r"`+")


def md(value: Any) -> str:
    """A value as literal text anywhere in markdown or inline HTML, on one line.

    HTML entities rather than backslashes, because they mean the same inside a table, an HTML
    tag and plain text; an @ gets a zero-width space so a template cannot mention anyone (the
    only invisible character left: those from the value are spelled out first).
    """
    escaped = _MD_SPECIAL.sub(lambda m: _MD_ENTITIES[m.group(0)], shown(value, keep="\r\n"))
    escaped = escaped.replace("@", "@\u200b")
    return " ".join(_lines(escaped))


def cell(value: Any) -> str:
    """A table cell: like `md`, with line breaks kept as <br>."""
    return "<br>".join(md(line) for line in _lines(str(value)))


def _lines(value: str) -> list[str]:
    return value.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def fence(content: str, info: str = "") -> str:
    """A fenced block its content cannot close: the fence outruns every backtick run in it.
    Its lines are kept, and anything else a reader could not see or trust is spelled out."""
    content = shown(content, keep="\n")
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{content}\n{ticks}"


@cache
def environment() -> jinja2.Environment:
    """The markdown and text templates' environment, shared by plan and drift."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("wa_templates", "render/templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = md
    env.filters["cell"] = cell
    env.globals["fence"] = fence
    return env
