"""Benchmark: the webhook receiver's sustained events/s and latency to 2xx, against a floor.

Each server runs in its own process on 127.0.0.1 (uvicorn, same settings), and a pool of
client threads posts 8x8-shaped CABM events at it as fast as it answers:

- floor: a bare Starlette handler that reads the body and answers 200 (what HTTP, uvicorn and
  the client cost);
- receiver on SQLite (WAL, synchronous=FULL: every 2xx is on disk) and on PostgreSQL: the
  real `wa-templates webhook serve`, authenticating, parsing, storing each event (one in ten
  a PAUSED that also writes a notification for the Slack stand-in) before it answers.

Then, one at a time, how long until a notification reaches a local Slack stand-in:

- from posting a PAUSED event straight to the receiver (receiver to notification);
- from the sandbox's status change (`sandbox serve` with its delivery worker; the receiver
  registered with `wa-templates webhook register`; an admin PATCH pausing an approved template)
  to the notification: 8x8's side, the receiver and the notifier end to end.

    python bench/webhooks.py [--events 2000] [--clients 16] [--notifications 30]
                             [--postgres postgresql://...]   (default: $WA_TEMPLATES_TEST_POSTGRES)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox_process import free_port, server_process, serving

ACCOUNT = "8a0e7f4c-2b6d-4c1e-9f3a-5d7b1e2c4a60"
CHANNEL = "bench-channel"
SANDBOX_KEY = "bench-sandbox-key-0123456789"
TEMPLATE = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: "Hello {{{{1}}}}, your parcel {i} has left our warehouse. Reply if anything is wrong."
      examples: ["Maria"]
"""
WABA = "950523421983857"
SECRET = "bench-webhook-secret-0123456789"
FLOOR = (
    "import sys, uvicorn\n"
    "from starlette.applications import Starlette\n"
    "from starlette.responses import JSONResponse\n"
    "from starlette.routing import Route\n"
    "async def hook(request):\n"
    "    await request.body()\n"
    "    return JSONResponse({'status': 'stored'})\n"
    "app = Starlette(routes=[Route('/webhooks/8x8', hook, methods=['POST']),\n"
    "                        Route('/health', hook, methods=['GET'])])\n"
    "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[1]), log_level='warning',\n"
    "            access_log=False, server_header=False, lifespan='on')\n"
)


def event(status: str, name: str) -> bytes:
    meta: dict[str, Any] = {"status": status, "reason": "NONE"}
    if status == "PAUSED":
        meta["otherInfo"] = {"title": "FIRST_PAUSE", "description": "bench"}
    body = {
        "eventId": str(uuid.uuid4()),
        "timestamp": "2026-01-01T00:00:00.00Z",
        "provider": "WhatsApp",
        "businessAccountId": WABA,
        "accountId": ACCOUNT,
        "eventType": "template_status_update",
        "eventDetails": {
            "templateId": 1,
            "templateName": name,
            "templateLanguage": "en_US",
            "meta": meta,
        },
    }
    return json.dumps(body).encode()


class Slack:
    """A local stand-in for Slack's incoming webhook: when each template's message arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, list[float]] = {}
        self.cond = threading.Condition()
        slack = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                text = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["text"]
                name = text.split("template ", 1)[1].split(" ", 1)[0]
                with slack.cond:
                    slack.arrived.setdefault(name, []).append(time.perf_counter())
                    slack.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, name: str, timeout: float = 30) -> float:
        """When the first notification naming template `name` arrived."""
        with self.cond:
            if not self.cond.wait_for(lambda: name in self.arrived, timeout):
                raise SystemExit(f"no notification for {name} within {timeout} s")
            return self.arrived[name][0]


def receiver(db: str, slack: Slack, root: Path) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    env = {
        **os.environ,
        "WA_TEMPLATES_WEBHOOK_SECRET": SECRET,
        "WA_TEMPLATES_SLACK_WEBHOOK_URL": slack.url,
    }
    args = [sys.executable, "-m", "wa_templates", "webhook", "serve", "--port", str(port)]
    return server_process([*args, "--db", db], port, "/health", 60, env, root)


def load(url: str, count: int, clients: int, run: str) -> tuple[float, list[float]]:
    """Post `count` events from `clients` threads; (events/s, latencies in ms)."""
    bodies = [
        event("PAUSED" if i % 10 == 0 else "APPROVED", f"{run.lower()}_{i}") for i in range(count)
    ]
    latencies: list[float] = []
    lock = threading.Lock()
    local = threading.local()

    def post(body: bytes) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=url, timeout=30)
        start = time.perf_counter()
        response = local.http.post(
            "/webhooks/8x8", content=body, headers={"Authorization": f"Bearer {SECRET}"}
        )
        took = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.text[:200]}")
        with lock:
            latencies.append(took)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, bodies[: clients * 2]))  # warm up connections and caches
        latencies.clear()
        start = time.perf_counter()
        list(pool.map(post, bodies[clients * 2 :]))
        wall = time.perf_counter() - start
    return (count - clients * 2) / wall, latencies


def notification_latency(url: str, slack: Slack, count: int, run: str) -> list[float]:
    """ms from posting a PAUSED event to its notification reaching the Slack stand-in."""
    out: list[float] = []
    with httpx.Client(base_url=url, timeout=30) as http:
        for i in range(count):
            name = f"{run.lower()}_told_{i}"
            start = time.perf_counter()
            response = http.post(
                "/webhooks/8x8",
                content=event("PAUSED", name),
                headers={"Authorization": f"Bearer {SECRET}"},
            )
            if response.status_code != 200:
                raise SystemExit(f"answered {response.status_code}")
            out.append((slack.wait_for(name) - start) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sandbox_to_notification(root: Path, slack: Slack, count: int) -> list[float]:
    """ms from an admin PATCH pausing an approved template on `sandbox serve` to the Slack
    stand-in receiving the receiver's notification (each template paused once)."""
    from wa_templates.cli.main import main as cli_main

    out: list[float] = []
    with serving(root / "sandbox.json", SANDBOX_KEY) as sandbox_url:
        project = root / "sandbox-project"
        (project / "templates").mkdir(parents=True)
        names = [f"parcel_left_{i:03d}" for i in range(count)]
        for i, name in enumerate(names):
            (project / "templates" / f"{name}.yaml").write_text(TEMPLATE.format(name=name, i=i))
        (project / "wa-templates.toml").write_text(
            f'[targets.sandbox]\naccount_id = "{ACCOUNT}"\nchannel_id = "{CHANNEL}"\n'
            f'base_url = "{sandbox_url}"\napi_key_env = "WA_BENCH_SANDBOX_KEY"\n'
        )
        os.environ["WA_BENCH_SANDBOX_KEY"] = SANDBOX_KEY
        os.environ["WA_TEMPLATES_WEBHOOK_SECRET"] = SECRET
        with receiver(f"sqlite:///{root / 'e2e.db'}", slack, project) as url:
            cwd = os.getcwd()
            try:
                os.chdir(project)
                with contextlib.redirect_stdout(io.StringIO()):
                    url_arg = f"{url}/webhooks/8x8"
                    if cli_main(["webhook", "register", "--auto-approve", "--url", url_arg]):
                        raise SystemExit("webhook register failed")
                    if cli_main(["apply", "--auto-approve"]):
                        raise SystemExit("apply against the sandbox failed")
            finally:
                os.chdir(cwd)
            admin = f"/_sandbox/accounts/{ACCOUNT}/channels/{CHANNEL}/templates"
            headers = {"Authorization": f"Bearer {SANDBOX_KEY}"}
            with httpx.Client(base_url=sandbox_url, headers=headers, timeout=30) as http:
                for name in names:
                    start = time.perf_counter()
                    answer = http.patch(f"{admin}/{name}/en_US", json={"status": "PAUSED"})
                    if answer.status_code != 200:
                        raise SystemExit(f"sandbox PATCH answered {answer.status_code}")
                    out.append((slack.wait_for(name) - start) * 1000)
    return out


def report(
    args: argparse.Namespace,
    rows: list[tuple[str, float, list[float]]],
    told: list[tuple[str, list[float]]],
) -> None:
    floor_rate = rows[0][1]
    print(f"{args.events} events from {args.clients} clients (first {args.clients * 2} warm-up)")
    print(f"{'':32} {'events/s':>9} {'p50 ms':>8} {'p99 ms':>8}  vs floor")
    for label, rate, latencies in rows:
        p50, p99 = pct(latencies, 50), pct(latencies, 99)
        print(f"{label:32} {rate:9.0f} {p50:8.1f} {p99:8.1f}  {rate / floor_rate:5.2f}x throughput")
    for label, values in told:
        print(
            f"{label} -> Slack notification ({len(values)}, one at a time): "
            f"p50 {pct(values, 50):.1f} ms, p99 {pct(values, 99):.1f} ms, "
            f"mean {statistics.mean(values):.1f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--notifications", type=int, default=30)
    parser.add_argument("--postgres", default=os.environ.get("WA_TEMPLATES_TEST_POSTGRES"))
    args = parser.parse_args()
    slack = Slack()
    rows: list[tuple[str, float, list[float]]] = []
    told: list[tuple[str, list[float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "wa-templates.toml").write_text(
            f'[targets.bench]\naccount_id = "{ACCOUNT}"\nchannel_id = "c"\nregion = "eu"\n'
            f'api_key_env = "UNUSED"\nwaba_id = "{WABA}"\n'
        )
        port = free_port()
        floor_args = [sys.executable, "-c", FLOOR, str(port)]
        with server_process(floor_args, port, "/health", 60) as url:
            rate, latencies = load(url, args.events, args.clients, "floor")
            rows.append(("floor: bare Starlette 200", rate, latencies))
        stores = [("SQLite", f"sqlite:///{root / 'history.db'}")]
        if args.postgres:
            stores.append(("PostgreSQL", args.postgres))
        else:
            print("PostgreSQL: skipped (no --postgres and no WA_TEMPLATES_TEST_POSTGRES)")
        for label, db in stores:
            with receiver(db, slack, root) as url:
                rate, latencies = load(url, args.events, args.clients, label)
                rows.append((f"receiver, {label}", rate, latencies))
                told.append(
                    (
                        f"event posted to the receiver ({label})",
                        notification_latency(url, slack, args.notifications, label),
                    )
                )
        told.append(
            (
                "sandbox status change (SQLite)",
                sandbox_to_notification(root, slack, args.notifications),
            )
        )
    report(args, rows, told)
    return 0


if __name__ == "__main__":
    sys.exit(main())
