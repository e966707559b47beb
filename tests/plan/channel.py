"""The channel side of plan tests: templates as 8x8's list returns them, made from YAML.

List items come from the sandbox's listing, which renders 8x8's list shape (capitalised header
formats, samples under `example`, AUTHENTICATION presets spelled out), so a plan built from them
meets the same differences it meets on the channel.
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from typing import Any

from wa_templates.channel.payload import to_payload
from wa_templates.channel.remote import ListItem
from wa_templates.files.load import Source, load_bytes
from wa_templates.plan.model import ChannelBinding
from wa_templates.sandbox.listing import list_item
from wa_templates.sandbox.records import parse_moment
from wa_templates.sandbox.state import Channel, Template

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
CHANNEL = Channel(account_id="5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40", channel_id="chan")


def source(text: str, path: str = "templates/t.yaml") -> Source:
    loaded, problems = load_bytes(textwrap.dedent(text).encode(), path, None)
    assert loaded is not None, problems
    return loaded


def listed(
    src: Source,
    *,
    status: str = "APPROVED",
    name: str | None = None,
    category: str | None = None,
    languages: list[str] | None = None,
    reason: str | None = None,
) -> list[ListItem]:
    """`src` as the channel lists it after it was created (under `name`, if given)."""
    template = src.template
    items = []
    for lang in languages or sorted(template.languages):
        payload = to_payload(template, lang)
        stored = Template(
            name=name or template.name,
            language=lang,
            category=category or template.category,
            status=status,
            components=payload["components"],
            created_at=NOW,
            updated_at=NOW,
            **status_details(status, reason),
        )
        # A reason is older data: listed as the sandbox's list_extras switch lists it (8x8's
        # list never does; its webhooks carry it).
        items.append(list_item(CHANNEL, stored, extras=reason is not None))
    return items


def status_details(status: str, reason: str | None) -> dict[str, Any]:
    """`reason` as the sandbox's admin API reads it: a pause title for PAUSED, a disable date
    for FLAGGED, else the reason."""
    if reason and status == "PAUSED":
        return {"pause_title": reason}
    if reason and status == "FLAGGED" and (moment := parse_moment(reason)) is not None:
        return {"disable_at": moment}
    return {"reason": reason}


def simple(name: str, body: str = "Hello {{1}}, your order has shipped.", **extra: Any) -> str:
    """A one-language UTILITY template as YAML; `extra` adds top-level keys."""
    head = "".join(f"{key}: {value}\n" for key, value in extra.items())
    return (
        f"name: {name}\ncategory: UTILITY\n{head}languages:\n  en_US:\n    body:\n"
        f'      text: "{body}"\n      examples: ["Ana"]\n'
    )


def made_for(target: str = "t") -> ChannelBinding:
    """The channel a test plan is made for: the target `target` on CHANNEL."""
    return ChannelBinding(
        target=target,
        sandbox=None,
        base_url="https://chatapps.8x8.test",
        account_id=CHANNEL.account_id,
        channel_id=CHANNEL.channel_id,
        subaccount_id="tests",
    )
