"""Which events someone must hear about at once, what they are told, and where it goes.

Told: a template PAUSED, FLAGGED, DISABLED or REJECTED; a category change; a quality score
turning RED; the phone number FLAGGED or its messaging limit lowered (DOWNGRADE). The words are
drift's (`channel.statuses`, `channel.signals`): what happened, and the next step. A REJECTED
template is worded with what the history store knows of it, as drift words it: one the history
saw approved is not called a name apply can recreate.

Destinations come from the environment only, since a Slack incoming-webhook URL is itself a
credential: WA_TEMPLATES_NOTIFY_URL gets a JSON document (`generic_payload`), and
WA_TEMPLATES_SLACK_WEBHOOK_URL a Slack message (`slack_payload`). The payload is fixed when the
event is stored, so a retry sends exactly what the first attempt would have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from wa_templates.channel.known import Memory
from wa_templates.channel.remote import ChannelTemplate
from wa_templates.channel.signals import (
    PHONE_ALARMS,
    category_finding,
    phone_finding,
    quality_finding,
)
from wa_templates.channel.statuses import StatusFinding, status_findings
from wa_templates.errors import WaError
from wa_templates.history.events import Event
from wa_templates.provider import redact
from wa_templates.provider.endpoints import is_loopback
from wa_templates.untrusted import shown

NOTIFY_ENV = "WA_TEMPLATES_NOTIFY_URL"
SLACK_ENV = "WA_TEMPLATES_SLACK_WEBHOOK_URL"
DESTINATIONS = {"notify": NOTIFY_ENV, "slack": SLACK_ENV}
"""Destination name (as in the delivery log) -> the variable holding its URL."""
ALARMING_STATUSES = frozenset({"PAUSED", "FLAGGED", "DISABLED", "REJECTED"})
FORMAT_VERSION = 1


def destinations_from(environ: Mapping[str, str]) -> dict[str, str]:
    """The configured destinations: name -> URL, checked; the URLs are masked in all logs."""
    found: dict[str, str] = {}
    for name, variable in DESTINATIONS.items():
        value = environ.get(variable, "").strip()
        if not value:
            continue
        try:
            url = httpx.URL(value)
            valid = url.scheme == "https" or (url.scheme == "http" and is_loopback(url.host))
            valid = valid and bool(url.host) and not url.userinfo
        except (httpx.InvalidURL, TypeError):
            valid = False
        if not valid:
            # Never quoted: the URL is a credential.
            raise WaError(
                f"{variable} is not an https URL (plain http only to 127.0.0.1, ::1, localhost)"
            )
        redact.register(value)
        found[name] = value
    return found


def finding_for(event: Event, memory: Memory | None = None) -> StatusFinding | None:
    """What to tell about this event, or None when it needs no one's attention now; `memory`
    is the target's history, asked only of a rejection (was the template approved before?)."""
    template, phone = event.template, event.phone
    if template is not None:
        meta, name, language = template.meta, template.template_name, template.template_language
        if event.event_type == "template_status_update":
            status = (meta.status or "").upper()
            if status not in ALARMING_STATUSES:
                return None
            # The template as the event reports it: what drift's words are written for.
            reported = ChannelTemplate(
                name,
                language,
                "",
                status,
                None,
                reason=meta.reason,
                pause_title=meta.other_info.title if meta.other_info else None,
                disable_date=meta.disable_info.disable_date if meta.disable_info else None,
            )
            known = memory.recall(name, language) if memory and status == "REJECTED" else None
            findings = status_findings(reported, None, None, known)
            return findings[0] if findings else None
        if event.event_type == "template_category_update" and meta.new_category:
            return category_finding(name, language, meta.previous_category, meta.new_category)
        if event.event_type == "template_quality_update" and meta.new_quality == "RED":
            return quality_finding(meta.previous_quality, meta.new_quality)
        return None
    if phone is not None and phone.meta.event.upper() in PHONE_ALARMS:
        m = phone.meta
        return phone_finding(
            phone.display_phone_number,
            m.event.upper(),
            m.max_daily or m.current_limit,
            m.old_limit,
            m.reason,
        )
    return None


def notifications(
    event: Event, target: str, destinations: Mapping[str, str], memory: Memory | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """(destination, payload) for every configured destination, or none at all."""
    finding = finding_for(event, memory) if destinations else None
    if finding is None:
        return []
    builders = {"notify": generic_payload, "slack": slack_payload}
    return [(name, builders[name](event, target, finding)) for name in destinations]


def headline(event: Event, target: str, finding: StatusFinding) -> str:
    if event.template is not None:
        template = event.template
        return (
            f"{target}: template {template.template_name} [{template.template_language}]: "
            f"{finding.message}"
        )
    return f"{target}: {finding.message}"


def generic_payload(event: Event, target: str, finding: StatusFinding) -> dict[str, Any]:
    """The JSON document POSTed to WA_TEMPLATES_NOTIFY_URL."""
    subject: dict[str, Any]
    if event.template is not None:
        subject = {
            "template": event.template.template_name,
            "language": event.template.template_language,
            "template_id": event.template.template_id,
        }
    else:
        subject = {"phone_number": event.phone.display_phone_number if event.phone else None}
    return {
        "source": "wa-templates",
        "format_version": FORMAT_VERSION,
        "target": target,
        "event_id": event.event_id,
        "event_type": event.event_type,
        "occurred_at": event.envelope.timestamp.isoformat(),
        "subject": subject,
        "kind": finding.kind,
        "severity": finding.severity,
        "message": finding.message,
        "next_step": finding.next_step,
        "text": f"{headline(event, target, finding)}. Next: {finding.next_step}",
    }


def slack_payload(event: Event, target: str, finding: StatusFinding) -> dict[str, Any]:
    """A Slack incoming-webhook message (plain `text`, escaped as Slack asks)."""
    icon = {"error": ":red_circle:", "warning": ":warning:"}.get(
        finding.severity, ":information_source:"
    )
    text = f"{icon} {_slack(headline(event, target, finding))}\n*Next:* {_slack(finding.next_step)}"
    return {"text": text}


def _slack(text: str) -> str:
    return shown(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
