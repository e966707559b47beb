"""Which findings drift reports, how bad each is, and which make it exit 2 (`--fail-on`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wa_templates.drift.report import DriftFinding

SEVERITIES = ("info", "warning", "error")

KINDS: dict[str, str] = {
    "out_of_sync": "warning",
    "missing": "error",
    "extra_language": "warning",
    "unreadable": "warning",
    "pending_review": "info",
    "rejected": "error",
    "paused": "warning",
    "disabled": "error",
    "flagged": "warning",
    "in_appeal": "info",
    "pending_deletion": "warning",
    "category_changed": "warning",
    "unknown_status": "warning",
    "quality_red": "warning",
    "quality": "info",
    "reinstated": "info",
    "unarchived": "info",
    "locked": "info",
    "archived": "error",
    "limit_exceeded": "error",
}
"""Every finding kind drift reports, with its severity."""

DEFAULT_FAIL_ON = "warning"
"""Every warning and error counts as drift (a paused template does, and a RED quality score);
pending_review and in_appeal, which only need waiting, do not, nor does a YELLOW score."""


class FailOnError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FailOn:
    """Which findings make drift exit 2: named kinds, a severity and up, and/or unmanaged."""

    spec: str
    kinds: frozenset[str] = frozenset()
    severity: str | None = None
    """The lowest severity that counts; None when only named kinds count."""
    unmanaged: bool = False
    """Whether templates on the channel that the repository does not manage count too."""

    def counts(self, finding: DriftFinding) -> bool:
        if finding.kind in self.kinds:
            return True
        if self.severity is None or finding.severity not in SEVERITIES:
            return False
        return SEVERITIES.index(finding.severity) >= SEVERITIES.index(self.severity)


def parse_fail_on(spec: str) -> FailOn:
    """`--fail-on`: comma-separated kinds, severities (each meaning 'this and worse'),
    `unmanaged`, or `none` alone for a report that never fails."""
    tokens = [t.strip().lower() for t in spec.split(",")]
    if not any(tokens):
        raise FailOnError("give at least one kind or severity, or `none`")
    if "none" in tokens:
        if len(tokens) > 1:
            raise FailOnError("`none` cannot be combined with anything else")
        return FailOn("none")
    unknown = [t for t in tokens if t not in KINDS and t not in SEVERITIES and t != "unmanaged"]
    if unknown:
        choices = ", ".join([*SEVERITIES, *KINDS, "unmanaged", "none"])
        raise FailOnError(f"unknown {', '.join(repr(t) for t in unknown)}; choose from {choices}")
    severities = [t for t in tokens if t in SEVERITIES]
    return FailOn(
        spec=",".join(dict.fromkeys(tokens)),
        kinds=frozenset(t for t in tokens if t in KINDS),
        severity=min(severities, key=SEVERITIES.index) if severities else None,
        unmanaged="unmanaged" in tokens,
    )
