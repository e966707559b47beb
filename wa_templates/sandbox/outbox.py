"""Delivering queued CABM events as 8x8 does: POST the event to the webhook's URL with its
`httpAuthorization` as the Authorization header (or an OAuth client-credentials token), and on a
connection error, a timeout or a 4xx/5xx answer retry 1, 10, 30 and 90 s after the failed
attempt, on the sandbox clock; after the fifth attempt fails the event is given up.

Several sandbox processes may share one state file (the CLI's in-process sandbox and a `sandbox
serve`), so a delivery is claimed in the state file for a wall-clock lease before it is
attempted and recorded afterwards; the network is never touched while the state is locked. A
process that dies mid-attempt leaves a claim that expires, and the event goes out again with the
same eventId: receivers deduplicate by it, as they must for 8x8's own retries.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from wa_templates.sandbox.errors import timestamp
from wa_templates.sandbox.records import (
    BUSINESS_MANAGEMENT,
    Delivery,
    Finished,
    OAuth,
    account_key,
)
from wa_templates.sandbox.state import SandboxState, Store

RETRY_DELAYS = (1, 10, 30, 90)
"""8x8's retry intervals in seconds, each counted from the failure of the attempt before."""
LEASE = timedelta(seconds=60)
BATCH = 20
FINISHED_KEPT = 200
TIMEOUT = httpx.Timeout(5.0, connect=2.0)
"""8x8 expects an answer within 5 seconds."""
log = logging.getLogger("wa_templates.sandbox")

USER_AGENT = "wa-templates-sandbox (8x8 CABM webhook emulation)"
TOKEN_MARGIN = 30.0
"""Seconds before an OAuth token's expiry at which a new one is fetched."""
DELIVERED, FAILED, DROPPED = "delivered", "failed", "dropped"


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    authorization: str | None
    oauth: OAuth | None


@dataclass(frozen=True, slots=True)
class _Attempt:
    key: tuple[str, str, str]
    event: dict[str, Any]
    target: Target | None
    """None: the webhook was removed or disabled since, so the event is dropped."""


@dataclass(slots=True)
class Report:
    """What one `deliver_due` did, and what is left."""

    attempted: int = 0
    delivered: int = 0
    failed: int = 0
    given_up: int = 0
    dropped: int = 0
    pending: int = 0
    next_attempt: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "attempted": self.attempted,
            "delivered": self.delivered,
            "failed": self.failed,
            "given_up": self.given_up,
            "dropped": self.dropped,
            "pending": self.pending,
            "next_attempt": timestamp(self.next_attempt) if self.next_attempt else None,
        }


class OAuthError(Exception):
    """The webhook's token endpoint gave no token; the attempt fails like a refused POST."""


class Sender:
    """POSTs events over one httpx client; OAuth tokens are cached until shortly before expiry.

    Proxies from the environment are ignored (trust_env=False): a sandbox delivers to the URL
    registered, typically a receiver on this machine.
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clients: dict[str, httpx.Client] = {"http": client, "https": client} if client else {}
        self._clock = clock
        self._tokens: dict[tuple[str, ...], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def send(self, event: dict[str, Any], target: Target) -> str | None:
        """None once delivered, else why the attempt failed (never a secret, never the URL)."""
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        try:
            authorization = target.authorization
            if authorization is None and target.oauth is not None:
                authorization = self._token(target.oauth)
            if authorization:
                headers["Authorization"] = authorization
            response = self._http(target.url).post(
                target.url, content=_encode(event), headers=headers
            )
        except OAuthError as exc:
            return str(exc)
        except httpx.TimeoutException:
            return "timeout"
        except httpx.HTTPError as exc:
            return f"connection error ({type(exc).__name__})"
        # 8x8 retries 4xx and 5xx answers; anything else ends the delivery.
        if response.status_code >= 400:
            return f"HTTP {response.status_code}"
        return None

    def close(self) -> None:
        with self._lock:
            clients, self._clients = set(self._clients.values()), {}
        for client in clients:
            client.close()

    def _http(self, url: str) -> httpx.Client:
        """A client for the URL's scheme, made on first use: loading the CA certificates for
        https takes a good part of a second, which a plain-http receiver on this machine (the
        usual one) should not cost every short-lived CLI process."""
        scheme = "https" if url.lower().startswith("https:") else "http"
        with self._lock:
            client = self._clients.get(scheme)
            if client is None:
                # verify=False on the http client only: it never makes a TLS connection.
                verify = scheme == "https"
                client = self._clients[scheme] = httpx.Client(
                    timeout=TIMEOUT, follow_redirects=False, trust_env=False, verify=verify
                )
            return client

    def _token(self, oauth: OAuth) -> str:
        key = (oauth.url, oauth.client_id, oauth.client_secret, oauth.scope or "")
        with self._lock:
            cached = self._tokens.get(key)
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        data = {"grant_type": "client_credentials"}
        if oauth.scope:
            data["scope"] = oauth.scope
        auth = httpx.Auth()  # the base class adds nothing
        if oauth.credentials_location == "header":
            auth = httpx.BasicAuth(oauth.client_id, oauth.client_secret)
        else:
            data.update(client_id=oauth.client_id, client_secret=oauth.client_secret)
        try:
            response = self._http(oauth.url).post(oauth.url, data=data, auth=auth)
        except httpx.HTTPError as exc:
            raise OAuthError(f"token endpoint: connection error ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise OAuthError(f"token endpoint: HTTP {response.status_code}")
        try:
            body = response.json()
            token = body["access_token"]
        except (ValueError, KeyError, TypeError):
            token = None
        if not isinstance(token, str) or not token:
            raise OAuthError("token endpoint: no access_token in the answer")
        lifetime = body.get("expires_in")
        valid = (
            float(lifetime) - TOKEN_MARGIN
            if isinstance(lifetime, int | float) and not isinstance(lifetime, bool)
            else 0.0
        )
        value = f"Bearer {token}"
        with self._lock:
            self._tokens[key] = (value, self._clock() + valid)
        return value


def deliver_due(store: Store, sender: Sender) -> Report:
    """Attempt every delivery due on the sandbox clock (in batches), and record each outcome."""
    report = Report()
    while True:
        with store.view() as state:
            anything = _any_due(state, datetime.now(UTC))
        if not anything:
            break
        token, attempts = _claim(store)
        if not attempts:
            break
        outcomes: list[tuple[_Attempt, str | None]] = []
        for attempt in attempts:
            error: str | None = DROPPED
            if attempt.target is not None:
                error = sender.send(attempt.event, attempt.target)
                report.attempted += 1
            outcomes.append((attempt, error))
        _record(store, token, outcomes, report)
    with store.view() as state:
        report.pending = len(state.outbox)
        report.next_attempt = next_attempt(state)
    return report


def next_attempt(state: SandboxState) -> datetime | None:
    """When the earliest delivery left in the outbox is due (sandbox clock)."""
    return min((delivery.next_attempt for delivery in state.outbox), default=None)


def _any_due(state: SandboxState, wall: datetime) -> bool:
    if not state.outbox:
        return False
    now = state.clock_at(wall)
    return any(_claimable(delivery, now, wall) for delivery in state.outbox)


def _claimable(delivery: Delivery, now: datetime, wall: datetime) -> bool:
    return delivery.next_attempt <= now and (
        delivery.claimed_until is None or delivery.claimed_until <= wall
    )


def _key(delivery: Delivery) -> tuple[str, str, str]:
    return (delivery.event_id, delivery.account_id, delivery.sub_account_id)


def _claim(store: Store) -> tuple[str, list[_Attempt]]:
    token = uuid.uuid4().hex
    attempts: list[_Attempt] = []
    with store.transaction() as state:
        wall = datetime.now(UTC)
        now = state.clock_at(wall)
        for delivery in state.outbox:
            if len(attempts) >= BATCH:
                break
            if _claimable(delivery, now, wall):
                delivery.claimed_until, delivery.claim = wall + LEASE, token
                attempts.append(_Attempt(_key(delivery), delivery.event, _target(state, delivery)))
    return token, attempts


def _target(state: SandboxState, delivery: Delivery) -> Target | None:
    """The webhook as configured now: a new secret or URL applies to retries too."""
    for hook in state.webhooks.get(account_key(delivery.account_id), []):
        if (hook.type, hook.sub_account_id) == (BUSINESS_MANAGEMENT, delivery.sub_account_id):
            return Target(hook.url, hook.http_authorization, hook.oauth) if hook.enabled else None
    return None


def _record(
    store: Store,
    token: str,
    outcomes: list[tuple[_Attempt, str | None]],
    report: Report,
) -> None:
    with store.transaction() as state:
        now = state.now()
        claimed = {_key(d): d for d in state.outbox if d.claim == token}
        for attempt, error in outcomes:
            delivery = claimed.get(attempt.key)
            if delivery is None:  # reset, or taken over after the lease ran out
                continue
            delivery.claim = delivery.claimed_until = None
            if error == DROPPED:
                report.dropped += 1
                _finish(state, delivery, DROPPED, now)
                _log(attempt, "dropped: the webhook was removed or disabled")
                continue
            delivery.attempts += 1
            if error is None:
                report.delivered += 1
                _finish(state, delivery, DELIVERED, now)
                _log(attempt, "delivered")
                continue
            report.failed += 1
            delivery.errors.append(f"{timestamp(now)} {error}")
            if delivery.attempts > len(RETRY_DELAYS):
                report.given_up += 1
                _finish(state, delivery, FAILED, now)
                _log(attempt, f"{error}; given up after {delivery.attempts} attempts")
            else:
                delay = RETRY_DELAYS[delivery.attempts - 1]
                delivery.next_attempt = now + timedelta(seconds=delay)
                _log(attempt, f"{error}; retry in {delay} s (sandbox clock)")


def _log(attempt: _Attempt, outcome: str) -> None:
    where = "a removed webhook" if attempt.target is None else _shown_url(attempt.target.url)
    log.info(
        "sandbox: webhook %s %s to %s: %s",
        attempt.event.get("eventType"),
        attempt.event.get("eventId"),
        where,
        outcome,
    )


def _finish(state: SandboxState, delivery: Delivery, outcome: str, now: datetime) -> None:
    state.outbox = [entry for entry in state.outbox if entry is not delivery]
    target = _target(state, delivery)
    state.finished.append(
        Finished(
            event_id=delivery.event_id,
            event_type=str(delivery.event.get("eventType", "")),
            sub_account_id=delivery.sub_account_id,
            url=_shown_url(target.url) if target else "",
            outcome=outcome,
            attempts=delivery.attempts,
            errors=delivery.errors,
            finished=now,
        )
    )
    del state.finished[:-FINISHED_KEPT]


def _shown_url(url: str) -> str:
    """The URL without query or fragment, which may hold a token."""
    return urlsplit(url)._replace(query="", fragment="").geturl()


def _encode(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
