"""Markdown pieces for what the action writes itself (job summaries and comments): text that
arrives from a command or an API can neither close its block nor break a table."""

from __future__ import annotations

import html
import re


def fence(content: str) -> str:
    """A fenced block its content cannot close."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{content.rstrip()}\n{ticks}"


def cell(value: str) -> str:
    """One table cell: HTML escaped, no pipe, line breaks as <br>."""
    return html.escape(value).replace("|", "&#124;").replace("\r", "").replace("\n", "<br>")
