"""The notifier: delivers the delivery log's pending notifications, after the 2xx, with retries.

It runs beside the receiver as one asyncio task. The receiver writes a notification's row in the
transaction that stores its event and only wakes the task, so a slow or dead Slack never delays
an answer to 8x8. Each row is claimed with a lease before it is sent, so two receivers sharing
one PostgreSQL store do not both send it, and a receiver that dies mid-send leaves it to be sent
again after the lease (delivery is at least once; one event never makes two rows).

Failures are retried with the provider's backoff (`RetryPolicy`: exponential, full jitter,
Retry-After honoured) on connection errors, timeouts, 408, 429 and 5xx; any other answer, or
running out of attempts, marks the row failed. Every attempt is recorded in the row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

import anyio
import httpx

from wa_templates import __version__
from wa_templates.history.recording import utc_now
from wa_templates.history.store import Delivery, HistoryStore, StoreError
from wa_templates.provider import redact
from wa_templates.provider.retry import RetryPolicy, parse_retry_after, retryable_status

log = logging.getLogger(__name__)

DEFAULT_POLICY = RetryPolicy(max_attempts=8, base_delay=2.0, max_delay=600.0, max_retry_after=3600)
"""Up to 8 attempts over about 20 minutes: a Slack outage of a few minutes loses nothing."""
CONCURRENCY = 8
"""Notifications in flight at once: a burst of events is told in parallel, not one by one."""
IDLE = 5.0
"""Seconds between looks at the log when nothing is due (another receiver may have added)."""


class Notifier:
    def __init__(
        self,
        store: HistoryStore,
        destinations: Mapping[str, str],
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        clock: Callable[[], datetime] = utc_now,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.store = store
        self.destinations = dict(destinations)
        self.policy = policy
        self.clock = clock
        self._transport = transport
        self._timeout = timeout
        # Longer than one attempt can take: a lease still held means a live sender, an expired
        # one a receiver that died mid-send, whose notification is then sent again.
        self.lease = timedelta(seconds=timeout * 1.5 + 1)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was added: look now (called from the event loop's thread)."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled."""
        async with httpx.AsyncClient(
            transport=self._transport,
            timeout=self._timeout,
            follow_redirects=False,
            headers={"User-Agent": f"wa-templates/{__version__}"},
        ) as http:
            while True:
                self._wake.clear()
                try:
                    await self.deliver_due(http)
                    wait = await anyio.to_thread.run_sync(self._until_next)
                except StoreError as exc:
                    log.warning("notifier: %s", exc)
                    wait = IDLE
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=wait)

    def _until_next(self) -> float:
        due = self.store.next_due()
        if due is None:
            return IDLE
        return min(max((due - self.clock()).total_seconds(), 0.0), IDLE)

    async def deliver_due(self, http: httpx.AsyncClient) -> int:
        """Send every due notification once; returns how many were sent successfully."""
        now = self.clock()
        due = await anyio.to_thread.run_sync(self.store.due_deliveries, now)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(delivery: Delivery) -> int:
            async with gate:
                claimed = await anyio.to_thread.run_sync(
                    self.store.claim, delivery.id, now, now + self.lease
                )
                return await self._attempt(http, delivery) if claimed else 0

        return sum(await asyncio.gather(*(one(delivery) for delivery in due)))

    async def _attempt(self, http: httpx.AsyncClient, delivery: Delivery) -> int:
        url = self.destinations.get(delivery.destination)
        status: int | None = None
        retry_after: float | None = None
        if url is None:
            error: str | None = f"{delivery.destination} is no longer configured"
            retryable = False
        else:
            try:
                response = await http.post(url, json=delivery.payload)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {redact.scrub(' '.join(str(exc).split()))}"
                retryable = True
            else:
                status = response.status_code
                error = None if response.is_success else f"HTTP {status}"
                retryable = retryable_status(status) or status == 408
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
        now = self.clock()
        attempt = delivery.attempts + 1
        retry_at: datetime | None = None
        if error is not None and retryable and attempt < self.policy.max_attempts:
            wait = self.policy.wait(attempt, retry_after)
            retry_at = now + timedelta(seconds=wait if wait is not None else retry_after or 0)
        await anyio.to_thread.run_sync(
            lambda: self.store.attempted(
                delivery.id,
                now,
                delivered=error is None,
                status=status,
                error=error,
                retry_at=retry_at,
            )
        )
        outcome = "delivered" if error is None else ("retrying" if retry_at else "failed")
        log.info(
            "notification %s for event %s: %s%s",
            delivery.destination,
            delivery.event_id,
            outcome,
            f" ({error})" if error else "",
        )
        return 1 if error is None else 0
