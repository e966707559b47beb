"""Diagnostics: one problem, where it is, and how bad it is.

Every stage that judges input (loading, schema checks, rules) reports through this one type so
that the output formats and exit codes treat them alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from typing_extensions import TypedDict  # pydantic reads typing's TypedDict only from 3.12


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class DiagnosticDict(TypedDict):
    """A diagnostic as JSON output and saved plans hold it."""

    file: str
    line: int
    column: int
    rule: str
    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.rule)

    def as_dict(self) -> DiagnosticDict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
        }


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
