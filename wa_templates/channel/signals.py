"""What Meta's other signals mean: category changes, quality scores, the phone number's state.

`statuses` words what a template's status means; this module words the rest of what 8x8's
Business Management webhooks report, in the same form (a `StatusFinding`: message and next
step), so the receiver's notifications and drift say the same thing. A category change Meta
makes from UTILITY to MARKETING is worded by `statuses` itself, as drift has always worded it.
What a history adds up to (pauses so far, the phone number's state) is worded here too.
"""

from __future__ import annotations

from dataclasses import replace

from wa_templates.channel.known import PhoneState
from wa_templates.channel.remote import ChannelTemplate
from wa_templates.channel.statuses import StatusFinding, status_findings

QUALITY_SCORES = ("GREEN", "YELLOW", "RED", "UNKNOWN")
PHONE_ALARMS = frozenset({"FLAGGED", "DOWNGRADE"})
"""Phone-number events someone must hear about at once."""


def category_finding(
    name: str, language: str, previous: str | None, new: str, source: str | None = None
) -> StatusFinding:
    """A category change reported by Meta (template_category_update)."""
    live = ChannelTemplate(name, language, new, "APPROVED", None)
    for finding in status_findings(live, previous, source):
        if finding.kind == "category_changed":
            return finding
    where = f" in {source}" if source else ""
    return StatusFinding(
        "category_changed",
        "warning",
        f"Meta changed its category from {previous or 'unknown'} to {new}",
        f"set `category: {new}`{where} so the repository says what is live; its price and "
        "rules follow the new category",
        "Healthy",
    )


def quality_finding(previous: str | None, new: str) -> StatusFinding:
    """A quality score (template_quality_update); RED is a warning, the rest information."""
    was = f" (was {previous})" if previous else ""
    if new == "RED":
        return StatusFinding(
            "quality_red",
            "warning",
            f"quality turned RED{was}: recipients block or report it",
            "Meta pauses a template whose quality stays low (3 h, then 6 h, then it disables it): "
            "fix what recipients object to, or stop sending it",
            "Degraded",
        )
    return StatusFinding(
        "quality",
        "info",
        f"quality {new}{was}",
        "nothing to do" if new in ("GREEN", "UNKNOWN") else "watch it: RED leads to pauses",
        "Healthy",
    )


def pauses_note(count: int) -> str | None:
    """How near quality pauses have brought a template to being disabled: Meta disables it at
    the third. None before the first."""
    if count <= 0:
        return None
    nth = {1: "1st", 2: "2nd", 3: "3rd"}.get(count, f"{count}th")
    return f"{nth} pause: a 3rd disables it" if count < 3 else f"{nth} pause: Meta disables it"


def phone_state_finding(state: PhoneState) -> StatusFinding:
    """The phone number as the webhooks last described it: quality (flagged or not) and tier."""
    tier = f"messaging limit {state.tier}" if state.tier else "messaging limit not reported"
    if state.flagged:
        flagged = phone_finding(state.phone_number, "FLAGGED", None, None)
        return replace(flagged, message=f"{flagged.message}; {tier}")
    quality = "not flagged" if state.flagged is False else "quality not reported"
    return StatusFinding(
        "phone",
        "info",
        f"{_number(state.phone_number)}: {tier}; {quality}",
        "nothing to do",
        "Healthy",
    )


def _number(phone_number: str | None) -> str:
    return f"phone number {phone_number}" if phone_number else "the phone number"


def phone_finding(
    phone_number: str | None,
    event: str,
    limit: str | None,
    old_limit: str | None,
    reason: str | None = None,
) -> StatusFinding:
    """A phone_number_quality_update: FLAGGED and DOWNGRADE are warnings."""
    number = _number(phone_number)
    tier = f" to {limit}" if limit else ""
    was = f" (was {old_limit})" if old_limit else ""
    why = f" ({reason})" if reason else ""
    if event == "FLAGGED":
        return StatusFinding(
            "phone_flagged",
            "warning",
            f"{number} flagged for low quality{why}",
            "its messaging limit is lowered if feedback stays negative: find the templates with "
            "low quality (drift) and stop or fix them",
            "Degraded",
        )
    if event == "DOWNGRADE":
        return StatusFinding(
            "phone_downgraded",
            "warning",
            f"{number} messaging limit lowered{tier}{was}",
            "fewer unique recipients per 24 h from now: improve message quality; Meta raises "
            "the limit again as quality recovers",
            "Degraded",
        )
    return StatusFinding(
        "phone_" + event.lower(),
        "info",
        f"{number}: {event.replace('_', ' ').lower()}{tier}{was}{why}",
        "nothing to do",
        "Healthy",
    )
