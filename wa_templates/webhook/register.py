"""Registering the receiver with 8x8's Webhook Configuration API, for type CABM only.

`GET /api/v1/accounts/{accountId}/webhooks` lists every webhook of the account; `POST` creates or
replaces the ones in its body; `DELETE` removes the ones named by subAccountId and type. Every
body this module sends names `"type": "CABM"`: 8x8 applies a webhook without a type to CADR and
MSG, the delivery receipts and inbound messages of the account's own applications, which this
tool must never touch.

Like a plan, `plan_registration` compares what is configured with what is wanted and says what
would change; registering again with the same URL changes nothing. 8x8 masks the Authorization
in its answers (`***`), so a changed secret cannot be seen: `force` sends it again.

The requests go through the templates client (`provider.client.Client`): its retries, backoff,
key redaction and typed errors, rather than a second HTTP stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from wa_templates.errors import UsageError
from wa_templates.provider.client import Client
from wa_templates.provider.endpoints import is_loopback
from wa_templates.provider.errors import ResponseError
from wa_templates.untrusted import shown

CABM = "CABM"
ALL_SUBACCOUNTS = "*"


@dataclass(frozen=True, slots=True)
class Registration:
    """What register would do, and what it leaves alone."""

    action: str
    """'create', 'update', 'delete' or 'none'."""
    current: dict[str, Any] | None
    wanted: dict[str, Any] | None
    others: list[dict[str, Any]] = field(default_factory=list)
    """The account's other webhooks (CADR, MSG, CABM of other subaccounts): never touched."""
    reason: str = ""


class WebhookApi:
    """The account's webhooks, through a templates `Client` (same host, key and retries)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.path = f"/api/v1/accounts/{quote(client.account_id, safe='')}/webhooks"

    def list(self) -> list[dict[str, Any]]:
        action = "list webhooks"
        response = self._request(action, "GET")
        try:
            data = response.json()
        except (ValueError, RecursionError):  # RecursionError: an answer nested thousands deep
            data = None
        if not isinstance(data, list) or not all(isinstance(w, dict) for w in data):
            raise ResponseError(
                response.status_code,
                None,
                "expected a JSON array of webhooks",
                None,
                summary=f"unexpected answer to {action}",
            )
        return data

    def put(self, webhook: dict[str, Any]) -> None:
        self._request("register the CABM webhook", "POST", [webhook])

    def delete(self, subaccount_id: str) -> None:
        body = [{"subAccountId": subaccount_id, "type": CABM}]
        self._request("remove the CABM webhook", "DELETE", body)

    def _request(self, action: str, method: str, body: Any = None) -> httpx.Response:
        client = self.client

        def build() -> httpx.Request:
            return client._http.build_request(method, self.path, json=body)

        # Create-or-replace and delete by (subaccount, type) are safe to repeat: `_call` retries.
        response = client._call(action, build)
        if not response.is_success:
            raise client._error(response, action)
        return response


def check_receiver_url(url: str) -> str:
    """8x8 delivers to public HTTPS URLs; plain http only to this machine (a local sandbox)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        parsed = None
    ok = (
        parsed is not None
        and bool(parsed.host)
        and not parsed.userinfo
        and (parsed.scheme == "https" or (parsed.scheme == "http" and is_loopback(parsed.host)))
    )
    if not ok:
        raise UsageError(
            f"--url {url!r}: expected the receiver's https URL, e.g. "
            "https://hooks.example.com/webhooks/8x8 (http only for 127.0.0.1 and localhost)"
        )
    return url


def wanted_webhook(url: str, authorization: str, subaccount_id: str) -> dict[str, Any]:
    return {
        "type": CABM,
        "subAccountId": subaccount_id,
        "url": url,
        "enabled": True,
        "httpAuthorization": authorization,
    }


def plan_registration(
    configured: list[dict[str, Any]],
    wanted: dict[str, Any] | None,
    subaccount_id: str = ALL_SUBACCOUNTS,
    force: bool = False,
) -> Registration:
    """What to do so the account's CABM webhook for `subaccount_id` is `wanted` (None: gone)."""
    mine = [
        w
        for w in configured
        if str(w.get("type", "")).upper() == CABM and w.get("subAccountId") == subaccount_id
    ]
    others = [w for w in configured if not any(w is m for m in mine)]
    current = mine[0] if mine else None
    if wanted is None:
        if current is None:
            return Registration("none", None, None, others, "no CABM webhook is registered")
        return Registration("delete", current, None, others)
    if current is None:
        return Registration("create", None, wanted, others)
    differences = []
    if current.get("url") != wanted["url"]:
        differences.append("url")
    if current.get("enabled", True) is not True:
        differences.append("enabled")
    if not current.get("httpAuthorization"):
        differences.append("httpAuthorization")
    if current.get("oauth"):
        differences.append("oauth")
    if differences:
        return Registration("update", current, wanted, others, ", ".join(differences))
    if force:
        return Registration("update", current, wanted, others, "--force: the secret is resent")
    return Registration("none", current, wanted, others, "already registered")


def describe(webhook: dict[str, Any]) -> str:
    """One line, with the Authorization shown only as present or not, and 8x8's values spelled
    out where they hold anything a reader could not see."""
    kind = str(webhook.get("type") or "CADR+MSG")
    state = "enabled" if webhook.get("enabled", True) is True else "disabled"
    auth = ", Authorization set" if webhook.get("httpAuthorization") else ""
    auth += ", OAuth" if webhook.get("oauth") else ""
    return shown(
        f"{kind} subAccountId={webhook.get('subAccountId')} {webhook.get('url')} ({state}{auth})"
    )
