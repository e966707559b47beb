"""SIGKILL in the middle of a burst: no event the receiver acknowledged is lost.

`wa-templates webhook serve` runs as a real process; a burst of events goes at it from several
threads, and once some have been acknowledged the process is killed without warning. Every
event that got its 2xx must be in the store, and a restarted receiver takes 8x8's retries of
the others: in the end each event is stored once and notified.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from tests import cabm
from tests.conftest import Chat
from tests.webhook.conftest import AUTH, SECRET
from wa_templates.history import schema
from wa_templates.history.store import open_store

BURST = 100
KILL_AFTER = 25
SERVE = [sys.executable, "-m", "wa_templates", "webhook", "serve", "--port", "0"]
SERVE += ["--notify-timeout", "1"]  # a notification the killed one was sending: again in 2.5 s
_LISTENING = re.compile(r"receiving at (http://\S+)/webhooks/8x8")


def start(root: Path, db: str, chat_url: str) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "WA_TEMPLATES_WEBHOOK_SECRET": SECRET,
        "WA_TEMPLATES_SLACK_WEBHOOK_URL": chat_url,
    }
    process = subprocess.Popen(
        [*SERVE, "--db", db],
        cwd=root,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        found = _LISTENING.search(line)
        if found:
            url = found.group(1)
            threading.Thread(target=process.stderr.read, daemon=True).start()  # keep draining
            break
    else:
        raise AssertionError(f"the receiver did not start (exit {process.wait()})")
    with httpx.Client(base_url=url, timeout=5) as http:
        deadline = time.monotonic() + 30
        while True:
            try:
                if http.get("/health").status_code == 200:
                    return process, url
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "receiver not up"
            time.sleep(0.05)


def test_sigkill_mid_burst_loses_no_acknowledged_event(
    tmp_path: Path, store_url: str, chat: Chat
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "wa-templates.toml").write_text(cabm.target_table(waba_id=cabm.WABA))
    events = [cabm.paused(name=f"t{i}") for i in range(BURST)]
    acknowledged: set[str] = set()
    lock = threading.Lock()
    process, url = start(root, store_url, chat.url)
    killed = threading.Event()

    def send(event: dict[str, Any], http: httpx.Client) -> None:
        try:
            response = http.post(
                "/webhooks/8x8", content=cabm.body(event), headers={"Authorization": AUTH}
            )
        except httpx.TransportError:
            return
        if response.status_code == 200:
            with lock:
                acknowledged.add(event["eventId"])
                if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                    killed.set()
                    process.send_signal(signal.SIGKILL)

    with httpx.Client(base_url=url, timeout=10) as http, ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda e: send(e, http), events))
    process.wait(10)
    assert killed.is_set()
    assert KILL_AFTER <= len(acknowledged) < BURST, "the kill did not land mid-burst"

    store = open_store(store_url)
    try:
        with store.transaction() as connection:
            stored = set(connection.execute(select(schema.events.c.event_id)).scalars())
        assert acknowledged <= stored, f"lost {len(acknowledged - stored)} acknowledged events"

        # 8x8 retries what got no 2xx; a restarted receiver stores each event exactly once.
        process, url = start(root, store_url, chat.url)
        try:
            retried = [e for e in events if e["eventId"] not in acknowledged]
            with httpx.Client(base_url=url, timeout=10) as http, ThreadPoolExecutor(8) as pool:
                statuses = pool.map(
                    lambda e: (
                        http.post(
                            "/webhooks/8x8", content=cabm.body(e), headers={"Authorization": AUTH}
                        ).status_code
                    ),
                    retried,
                )
                assert set(statuses) == {200}
            deadline = time.monotonic() + 60
            while True:
                with store.transaction() as connection:
                    states = list(connection.execute(select(schema.deliveries.c.state)).scalars())
                    stored_count = len(list(connection.execute(select(schema.events.c.id))))
                if states.count("delivered") == BURST:
                    break
                assert time.monotonic() < deadline, f"{states.count('delivered')} delivered"
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(10)
        assert stored_count == BURST
        assert len(states) == BURST, "one notification per event, whatever was retried"
        told = {m["text"].split(": ")[2] for m in chat.received}
        assert told == {f"template t{i} [en_US]" for i in range(BURST)}
    finally:
        store.close()
