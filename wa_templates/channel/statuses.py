"""Status findings: what Meta did to a template after it was submitted.

Shared by plan (which shows them beside changes) and drift (which exists to report them). A
finding is never a change: apply cannot unpause, appeal or recategorise a template, so each one
carries a next step in plain words instead.

Whether a template may have been approved (so that deleting its name locks it for 30 days) is
decided here once, for plan, apply and drift alike: from the channel's status and the 48-hour
rule, and from a history store's `Known` when one is configured.

What each status means is Meta's `message_template_status_update` webhook reference: beside the
review's PENDING, APPROVED and REJECTED and the quality statuses, REINSTATED (no longer flagged
or disabled: sendable again), LOCKED (cannot be edited; Meta does not say it stops sending, so it
is taken as still sendable), ARCHIVED (archived for inactivity, deleted after 28 days unless
unarchived), UNARCHIVED (restored) and LIMIT_EXCEEDED (the account is at its template limit: the
template was not created, so never approved). 8x8's change webhook documents fewer; the others
are read when they appear.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from wa_templates.channel.known import Known
from wa_templates.channel.remote import ChannelTemplate

LIVE = frozenset(
    {"APPROVED", "PAUSED", "DISABLED", "FLAGGED", "REINSTATED", "LOCKED", "ARCHIVED", "UNARCHIVED"}
)
"""A name with a language in one of these was approved: deleting it locks the name for 30 days."""
NEVER_APPROVED = frozenset({"PENDING", "REJECTED", "LIMIT_EXCEEDED"})
"""Only these can mean a template was never approved; anything else is treated as if it was."""
NEVER_REVIEWED = frozenset({"PENDING", "LIMIT_EXCEEDED"})
"""Not (yet) through Meta's review: in review, or not even created (the account was full)."""
REVIEW_WINDOW = timedelta(hours=48)
"""Meta reviews within 24 h. A template rejected long after it was created was rejected after
approval (Meta does this when it recategorises), so its name would lock if deleted."""
SENDABLE = frozenset({"APPROVED", "FLAGGED", "REINSTATED", "UNARCHIVED", "LOCKED"})
ARCHIVE_DELETION = timedelta(days=28)
"""Meta deletes an archived template this long after archiving it, unless it is unarchived."""

HEALTH = {
    "APPROVED": "Healthy",
    "REINSTATED": "Healthy",
    "UNARCHIVED": "Healthy",
    "LOCKED": "Healthy",
    "PENDING": "Progressing",
    "IN_APPEAL": "Progressing",
    "PAUSED": "Suspended",
    "REJECTED": "Degraded",
    "DISABLED": "Degraded",
    "FLAGGED": "Degraded",
    "PENDING_DELETION": "Degraded",
    "ARCHIVED": "Degraded",
    "LIMIT_EXCEEDED": "Degraded",
}

_PAUSE_STEPS = {
    "RATE_LIMITING_PAUSE": "pacing pause of a new marketing template: unpause it in WhatsApp "
    "Manager once you have checked its early feedback",
    "FIRST_PAUSE": "quality pause: auto-unpauses after 3 h; a third pause disables it, so fix "
    "what recipients block or report",
    "SECOND_PAUSE": "second quality pause: auto-unpauses after 6 h; the next pause disables it "
    "for good",
}


@dataclass(frozen=True, slots=True)
class StatusFinding:
    """What a template's status means, and the next step: plan and drift each attach it to
    their own finding (with the name, language and where it stands)."""

    kind: str
    severity: str
    """info, warning or error."""
    message: str
    next_step: str
    health: str
    """Argo CD-like health: Healthy, Progressing, Suspended, Degraded, or Unknown."""


_RECREATE_IF_UNAPPROVED = (
    "; apply recreates the name if none of its languages may have been approved (the plan "
    "says), otherwise give the corrected content a new name (versioning: suffix)"
)


def may_have_been_approved(template: ChannelTemplate, known: Known | None = None) -> bool:
    """Whether deleting this template could lock its name for 30 days.

    A history that saw it live settles it. Otherwise 8x8's list says nothing of a template's
    past, so only PENDING, and REJECTED within the review window after creation, count as never
    approved; a REJECTED template without timestamps is taken at its word, as the status is all
    the channel tells. A history that never saw it live does not prove it never was (it may have
    started later), so it never turns a guess into "never approved".
    """
    if known is not None and known.approved_at is not None:
        return True
    if template.status not in NEVER_APPROVED:
        return True
    if template.status in NEVER_REVIEWED:
        return False
    created, updated = template.created_at, template.updated_at
    return created is not None and updated is not None and updated - created > REVIEW_WINDOW


def why_live(template: ChannelTemplate, known: Known | None = None) -> str:
    """Why `may_have_been_approved` says so, as plan and apply name a language: 'en_US PAUSED',
    'en_US REJECTED, approved 2026-03-01 (history)', 'en_US REJECTED after its review window'."""
    said = f"{template.language} {template.status}"
    if template.status not in NEVER_APPROVED:
        return said
    if known is not None and known.approved_at is not None:
        return f"{said}, approved {day(known.approved_at)} (history)"
    return f"{said} after its review window"


def day(at: datetime) -> str:
    return at.strftime("%Y-%m-%d")


def with_known(template: ChannelTemplate, known: Known | None) -> ChannelTemplate:
    """The template with the reason, pause title and disable date the history heard for the
    status it has now: 8x8's list carries none of them."""
    if known is None or known.status != template.status:
        return template
    reason = template.reason or known.reason
    title = template.pause_title or known.pause_title
    disable_date = template.disable_date or known.disable_date
    if (reason, title, disable_date) == (
        template.reason,
        template.pause_title,
        template.disable_date,
    ):
        return template
    return replace(template, reason=reason, pause_title=title, disable_date=disable_date)


def meta_recategorised(local_category: str | None, category: str, status: str) -> bool:
    """Meta moves approved UTILITY templates to MARKETING; no other difference is Meta's doing."""
    return local_category == "UTILITY" and category == "MARKETING" and status in LIVE


def status_findings(
    template: ChannelTemplate,
    local_category: str | None,
    source: str | None = None,
    known: Known | None = None,
) -> list[StatusFinding]:
    """Findings for one template on the channel; `local_category` is the file's, if managed;
    `known` what a history store holds of it, if one is configured."""
    template = with_known(template, known)
    status, category = template.status, template.category
    reason, title, disable_date = template.reason, template.pause_title, template.disable_date
    out: list[StatusFinding] = []

    def add(kind: str, severity: str, message: str, step: str) -> None:
        out.append(StatusFinding(kind, severity, message, step, HEALTH.get(status, "Unknown")))

    if status == "PENDING":
        add(
            "pending_review",
            "info",
            "still in Meta's review (minutes to 24 h)",
            "nothing to do; `apply --wait` waits for the verdict",
        )
    elif status == "REJECTED" and known is not None and known.approved_at is not None:
        add(
            "rejected",
            "error",
            f"rejected by Meta after it was approved on {day(known.approved_at)}: "
            f"{reason or 'reason not reported'}",
            "it was approved, so deleting it would lock the name for 30 days: create the "
            "corrected content under a new name (versioning: suffix)",
        )
    elif status == "REJECTED" and may_have_been_approved(template):
        why = reason or "reason not reported"
        add(
            "rejected",
            "error",
            f"rejected by Meta after its review window: {why}",
            "it may have been approved first, so deleting it could lock the name for 30 days: "
            "create the corrected content under a new name (versioning: suffix)",
        )
    elif status == "REJECTED":
        why = reason or "reason not reported"
        # Whether apply may recreate it turns on the name's other languages too, which this
        # template's status cannot tell: the plan decides, and says so.
        step = {
            "INCORRECT_CATEGORY": "set the category Meta expects (or reword)",
            "INVALID_FORMAT": "fix what `wa-templates validate` reports",
            "PROMOTIONAL": "remove promotional wording or move it to MARKETING",
        }.get(why, "change the content") + _RECREATE_IF_UNAPPROVED
        add("rejected", "error", f"rejected by Meta: {why}", step)
    elif status == "PAUSED":
        if title in _PAUSE_STEPS:
            step = _PAUSE_STEPS[title]
        elif category == "MARKETING" and title is None:
            step = _PAUSE_STEPS["RATE_LIMITING_PAUSE"]
        else:
            step = (
                "quality pause: auto-unpauses after 3 h (6 h the second time); a third pause "
                "disables it"
            )
        label = f" ({title})" if title else ""
        add("paused", "warning", f"paused by Meta{label}: not sendable", step)
    elif status == "DISABLED":
        add(
            "disabled",
            "error",
            "disabled by Meta for good: not sendable",
            "send another template; create the content under a new name (versioning: suffix)",
        )
    elif status == "FLAGGED":
        when = f" on {disable_date}" if disable_date else " soon"
        add(
            "flagged",
            "warning",
            f"flagged for low quality: will be disabled{when}",
            "still sendable; improve the content or stop sending it before the disable date",
        )
    elif status == "IN_APPEAL":
        add("in_appeal", "info", "rejection under appeal", "wait for Meta's decision on the appeal")
    elif status == "PENDING_DELETION":
        add(
            "pending_deletion",
            "warning",
            "being deleted on the channel",
            "if it was ever approved the name stays locked for 30 days; use a new name",
        )
    elif status == "REINSTATED":
        add(
            "reinstated",
            "info",
            "reinstated by Meta: no longer flagged or disabled, sendable again",
            "nothing to do; watch its quality so it is not flagged again",
        )
    elif status == "UNARCHIVED":
        add(
            "unarchived",
            "info",
            "unarchived: restored, and sendable as before",
            "nothing to do; send it now and then, or Meta archives it again for inactivity",
        )
    elif status == "LOCKED":
        add(
            "locked",
            "info",
            "locked by Meta: it cannot be edited (Meta does not say it stops sending)",
            "nothing to do; 8x8 cannot edit templates anyway: new content needs a new name "
            "(versioning: suffix)",
        )
    elif status == "ARCHIVED":
        add(
            "archived",
            "error",
            "ARCHIVED by Meta for inactivity: Meta deletes it "
            f"{_deletion_date(template.updated_at)} unless it is unarchived, and the name then "
            "vanishes from the channel (locked for 30 days, as it was approved)",
            "unarchive it in WhatsApp Manager now if it is still sent; otherwise remove it from "
            "the repository, or give its content a new name before it is gone",
        )
    elif status == "LIMIT_EXCEEDED":
        add(
            "limit_exceeded",
            "error",
            "not created: the account is at its template limit (250 templates, or 6,000 for a "
            "verified business)",
            "delete templates the account no longer sends (or verify the business), then "
            "`wa-templates apply` creates it again",
        )
    elif status not in SENDABLE:
        add(
            "unknown_status",
            "warning",
            f"status {status or '(none)'} is not sendable",
            "check the template in WhatsApp Manager",
        )
    if meta_recategorised(local_category, category, status):
        where = f" in {source}" if source else ""
        add(
            "category_changed",
            "warning",
            f"Meta recategorised it from {local_category} to {category}",
            f"set `category: {category}`{where} so the repository says what is live",
        )
    return out


def _deletion_date(archived: datetime | None) -> str:
    """When Meta deletes an archived template: 28 days after archiving (when the channel last
    changed it, its best guess at the archiving)."""
    if archived is None:
        return "28 days after archiving it"
    return f"on {(archived + ARCHIVE_DELETION).date().isoformat()} (28 days after archiving it)"
