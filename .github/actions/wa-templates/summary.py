"""The job summary each run writes: validate's findings as a table, plan's and drift's
markdown as the comment or issue shows it, anything else as its fenced output.

Standard library only.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from command_line import Inputs, Result, has_marker, outcome
from markdown import cell, fence

SUMMARY_LIMIT = 900_000
"""GitHub takes at most 1 MiB of summary per step; this leaves room for the truncation note."""
_ANNOTATION = re.compile(r"^::(error|warning|notice) ?([^:]*)::(.*)$")


@dataclass(frozen=True, slots=True)
class Annotation:
    kind: str
    properties: dict[str, str]
    message: str


def _unescape(value: str, prop: bool) -> str:
    # The inverse of GitHub's workflow-command escaping; %25 last so '%250A' stays '%0A'.
    if prop:
        value = value.replace("%3A", ":").replace("%2C", ",")
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse_annotations(stdout: str) -> list[Annotation]:
    found = []
    for line in stdout.splitlines():
        match = _ANNOTATION.match(line)
        if not match:
            continue
        properties = {}
        for part in match.group(2).split(","):
            key, sep, value = part.partition("=")
            if sep:
                properties[key.strip()] = _unescape(value, prop=True)
        found.append(Annotation(match.group(1), properties, _unescape(match.group(3), False)))
    return found


def validate_summary(result: Result) -> str:
    lines = [f"### wa-templates validate: {outcome('validate', result.code)}", ""]
    annotations = parse_annotations(result.stdout)
    rows = [a for a in annotations if a.kind != "notice"]
    if rows:
        lines += ["| | File | Line | Rule | Message |", "| --- | --- | --- | --- | --- |"]
        for a in rows:
            icon = "❌" if a.kind == "error" else "⚠️"
            where = a.properties.get("file", "")
            lines.append(
                f"| {icon} | {cell(where)} | {cell(a.properties.get('line', ''))} "
                f"| {cell(a.properties.get('title', ''))} | {cell(a.message)} |"
            )
        lines.append("")
    elif result.code == 0:
        lines += ["No problems found.", ""]
    lines += [cell(a.message) for a in annotations if a.kind == "notice"]
    if result.code not in (0, 1) or (result.code == 1 and not rows):
        lines += ["", fence(result.stderr or result.stdout)]
    return "\n".join(lines).rstrip() + "\n"


def summary(inputs: Inputs, argv: Sequence[str], result: Result) -> str:
    """The job summary: the markdown report as the PR or issue shows it, else the text output."""
    if inputs.command == "validate":
        text = validate_summary(result)
    elif inputs.command in ("plan", "drift") and has_marker(result.stdout):
        text = result.stdout.rstrip() + "\n"
        if result.stderr.strip():
            text += "\n" + fence(result.stderr) + "\n"
    else:
        where = " (sandbox)" if inputs.sandbox else f" ({inputs.target})" if inputs.target else ""
        verdict = outcome(inputs.command, result.code)
        heading = f"### wa-templates {inputs.command}{where}: {verdict}"
        shown = [f"$ wa-templates {shlex.join(argv[1:])}", result.stdout, result.stderr]
        output = "\n".join(part.rstrip("\n") for part in shown if part.strip())
        text = f"{heading}\n\n{fence(output)}\n"
    return clip(text)


def clip(text: str) -> str:
    """A summary within what GitHub takes from one step."""
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:
        cut = text.encode("utf-8")[:SUMMARY_LIMIT].decode("utf-8", errors="ignore")
        text = cut + "\n\n…truncated: the full output is in the step's log.\n"
    return text
