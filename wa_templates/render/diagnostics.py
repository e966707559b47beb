"""Diagnostics as text (ruff-like), JSON, or GitHub Actions workflow commands (annotations,
which `plan --format github` writes with the same limits)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import click
from pydantic import TypeAdapter

from wa_templates.document import Document
from wa_templates.files.diagnostics import Diagnostic, DiagnosticDict, Severity
from wa_templates.untrusted import json_text, shown, to_json

GITHUB_CAP = 10
"""GitHub shows at most 10 annotations of each type (error, warning, notice) per step; the rest
become one notice."""

# Messages quote template text, which may hold newlines, terminal escapes (YAML's "\e") or
# invisible characters. Shown raw they would split a diagnostic over two lines, breaking editors'
# problem matchers, restyle the terminal, or hide what is there; `shown` spells them out.


def text(diagnostics: list[Diagnostic], files: int, color: bool) -> str:
    lines = []
    for d in diagnostics:
        where = f"{shown(d.file)}:{d.line}:{d.column}:"
        rule = shown(d.rule)
        if color:
            where = click.style(where, bold=True)
            fg = "red" if d.severity is Severity.ERROR else "yellow"
            rule = click.style(rule, fg=fg, bold=True)
        lines.append(f"{where} {rule} [{d.severity}] {shown(d.message)}")
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    summary = (
        f"{_count(files, 'file')} checked: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
    )
    if color:
        summary = click.style(summary, fg="red" if errors else ("yellow" if warnings else "green"))
    lines.append(summary)
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@cache
def diagnostics_adapter() -> TypeAdapter[list[DiagnosticDict]]:
    """`validate --format json`: a list of diagnostics (schema/validate.schema.json)."""
    return TypeAdapter(list[DiagnosticDict])


def as_json(diagnostics: list[Diagnostic]) -> str:
    document = diagnostics_adapter().dump_python([d.as_dict() for d in diagnostics], mode="json")
    return to_json(document, indent=2)


INVALID_FORMAT_VERSION = "1.0"


class Invalid(Document):
    """What plan, apply, drift and names print with `--format json` when the templates have
    errors: the diagnostics, as `validate --format json` lists them, and nothing read from the
    channel. `format_version` is MAJOR.MINOR: a minor version only adds fields."""

    format_version: str = INVALID_FORMAT_VERSION
    error: str
    """One line: why the command stopped."""
    files: int
    """Files checked."""
    errors: int
    warnings: int
    diagnostics: list[DiagnosticDict]


def invalid_json(diagnostics: list[Diagnostic], files: int, error: str) -> str:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    document = Invalid(
        error=error,
        files=files,
        errors=errors,
        warnings=len(diagnostics) - errors,
        diagnostics=[d.as_dict() for d in diagnostics],
    )
    return json_text(document.model_dump_json(indent=2))


def github(diagnostics: Iterable[Diagnostic]) -> str:
    return annotate(
        (
            Annotation(
                "error" if d.severity is Severity.ERROR else "warning",
                d.message,
                d.rule,
                d.file,
                d.line,
                d.column,
            )
            for d in diagnostics
        ),
        "wa-templates validate",
    )


@dataclass(frozen=True, slots=True)
class Annotation:
    """One GitHub annotation: where it is, if anywhere, and what it says."""

    kind: str
    """error, warning or notice."""
    message: str
    title: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None


def annotate(items: Iterable[Annotation], see_all: str) -> str:
    """GitHub Actions workflow commands, in order, at most GITHUB_CAP of each kind.

    What GitHub would not show is counted in one notice per kind that tells to run `see_all`;
    those notices are notices too, so room is kept for them among the notices shown.
    """
    items = list(items)
    counts = Counter(a.kind for a in items)
    summaries = sum(1 for kind, n in counts.items() if kind != "notice" and n > GITHUB_CAP)
    caps = dict.fromkeys(counts, GITHUB_CAP)
    if "notice" in counts:
        room = GITHUB_CAP - summaries
        caps["notice"] = room if counts["notice"] <= room else room - 1
    lines = []
    kept: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    for a in items:
        if kept[a.kind] >= caps[a.kind]:
            hidden[a.kind] += 1
            continue
        kept[a.kind] += 1
        properties = []
        if a.file is not None:
            properties.append(f"file={_prop(a.file)}")
        if a.line is not None:
            properties.append(f"line={a.line}")
        if a.column is not None:
            properties.append(f"col={a.column}")
        if a.title:
            properties.append(f"title={_prop(a.title)}")
        where = " " + ",".join(properties) if properties else ""
        lines.append(f"::{a.kind}{where}::{_data(a.message)}")
    for kind, count in sorted(hidden.items()):
        lines.append(
            f"::notice title=wa-templates::{count} more {kind}{'s' if count != 1 else ''} not "
            f"annotated (GitHub shows 10 per type); run `{see_all}` to see all"
        )
    return "\n".join(lines)


def _data(value: str) -> str:
    # GitHub turns %0A back into a line break inside the annotation; other controls are escaped.
    value = shown(value, keep="\r\n")
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")
