"""Keeping the sandbox up to its clock without requests: `sandbox serve` runs a background thread
that settles what Meta does by itself (a pause lifting, a flagged template disabled) and delivers
due webhook events, so a receiver hears of them even when nobody calls the API.

It wakes when a request queued events (`notify`), when the earliest retry is due (the sandbox
clock's delay converted to wall time through the clock rate), and every POLL_SECONDS anyway, to
see what other processes sharing the state file queued and what fell due on the clock.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from wa_templates.errors import WaError
from wa_templates.sandbox.lifecycle import settle, unsettled
from wa_templates.sandbox.outbox import Report, Sender, deliver_due
from wa_templates.sandbox.state import Store

log = logging.getLogger("wa_templates.sandbox")

POLL_SECONDS = 0.5
MIN_WAIT = 0.01


def catch_up(store: Store, sender: Sender) -> Report:
    """Settle the state to the sandbox clock, then deliver every event due."""
    with store.view() as state:
        behind = unsettled(state, state.now())
    if behind:
        with store.transaction() as state:
            settle(state, state.now())
    return deliver_due(store, sender)


class DeliveryWorker:
    def __init__(
        self, store: Store, sender: Sender | None = None, poll: float = POLL_SECONDS
    ) -> None:
        self.store = store
        self.sender = sender or Sender()
        self.poll = poll
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name="wa-templates-sandbox-webhooks", daemon=True
        )
        self._thread.start()

    def notify(self) -> None:
        """Something may be due now: look without waiting for the next poll."""
        self._wake.set()

    def deliver(self) -> Report:
        """`catch_up` with this worker's sender (for the admin route)."""
        return catch_up(self.store, self.sender)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.sender.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            delay = self.poll
            try:
                catch_up(self.store, self.sender)
                delay = self._delay()
            except WaError as exc:  # an unreadable state file: say so, keep trying
                log.warning("sandbox: webhook delivery paused: %s", exc)
            except Exception:
                log.exception("sandbox: webhook delivery failed")
            self._wake.wait(delay)

    def _delay(self) -> float:
        """Until the earliest retry no other process is attempting, at most one poll."""
        with self.store.view() as state:
            wall = datetime.now(UTC)
            due = min(
                (
                    delivery.next_attempt
                    for delivery in state.outbox
                    if delivery.claimed_until is None or delivery.claimed_until <= wall
                ),
                default=None,
            )
            wait = state.wall_seconds_until(due) if due is not None else None
        return self.poll if wait is None else min(self.poll, max(wait, MIN_WAIT))
