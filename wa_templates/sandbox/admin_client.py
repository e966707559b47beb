"""The admin API of the embedded sandbox, called from the command line (`wa-templates sandbox
template`, `phone`, `clock`, `seed`).

Each call is a real request to the admin routes through the in-process transport, so the CLI
makes exactly the changes `sandbox serve`'s admin API makes, with the same checks and error
messages, and the webhook events a change queues are delivered before the command returns, as
the transport delivers after every request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from wa_templates.errors import WaError
from wa_templates.sandbox.admin import ADMIN
from wa_templates.sandbox.embedded import (
    SANDBOX_ACCOUNT_ID,
    SANDBOX_API_KEY,
    SANDBOX_BASE_URL,
    SANDBOX_CHANNEL_ID,
    open_transport,
)
from wa_templates.untrusted import clip

CHANNEL = f"{ADMIN}/accounts/{SANDBOX_ACCOUNT_ID}/channels/{SANDBOX_CHANNEL_ID}"


class SandboxAdmin:
    """The embedded sandbox's admin API for the sandbox account's one channel."""

    def __init__(self, state_path: Path) -> None:
        self._client = httpx.Client(
            transport=open_transport(state_path),
            base_url=SANDBOX_BASE_URL,
            headers={"Authorization": f"Bearer {SANDBOX_API_KEY}"},
        )

    def __enter__(self) -> SandboxAdmin:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def template(self, name: str, language: str, changes: dict[str, Any]) -> dict[str, Any]:
        """PATCH one name + language as Meta or WhatsApp Manager would (GET if no changes)."""
        path = f"{CHANNEL}/templates/{name}/{language}"
        return self._call("PATCH" if changes else "GET", path, changes or None)

    def phone(self, changes: dict[str, Any]) -> dict[str, Any]:
        """PATCH the channel's phone number (GET if no changes)."""
        return self._call("PATCH" if changes else "GET", f"{CHANNEL}/phone-number", changes or None)

    def clock(self, body: dict[str, Any]) -> str:
        """POST /_sandbox/clock: the sandbox time after the move."""
        now: str = self._call("POST", f"{ADMIN}/clock", body)["now"]
        return now

    def config(self, changes: dict[str, Any]) -> dict[str, Any]:
        return self._call("PATCH" if changes else "GET", f"{ADMIN}/config", changes or None)

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        response = self._client.request(method, path, json=body)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.is_error or not isinstance(answer, dict):
            message = answer.get("message") if isinstance(answer, dict) else None
            raise WaError(f"sandbox: {clip(str(message or response.reason_phrase), 300)}")
        return answer


def describe_template(item: dict[str, Any]) -> str:
    """One line of the admin API's view of a template: status, category, quality, and the
    details 8x8's list leaves out."""
    details = [str(item["status"]), str(item["category"]), f"quality {item['qualityScore']}"]
    if item.get("reason"):
        details.append(f"reason {item['reason']}")
    if item.get("otherInfo"):
        details.append(f"title {item['otherInfo']['title']}")
    if item.get("disableInfo"):
        details.append(f"disable date {item['disableInfo']['disableDate']}")
    return f"template.{item['templateName']}[{item['language']}]: {', '.join(details)}"


def describe_phone(phone: dict[str, Any]) -> str:
    return (
        f"Phone number {phone['display_phone_number']}: quality {phone['quality_rating']}, "
        f"messaging limit {phone['messaging_limit']}"
    )
