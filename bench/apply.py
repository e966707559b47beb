"""Benchmark: `apply` creating 100 templates through a network with 150 ms of latency.

A `sandbox serve` on 127.0.0.1 (real HTTP) delays every API request by 150 ms (its fault
injection). The ideal wall time of 100 creates at concurrency C is 100 x 150 ms / C; apply's
executor is measured against it (target <= 1.3x), and against a floor measured in the same run:
the same 100 create requests sent by a bare httpx thread pool of the same size, which is what
the server and the latency alone cost. Shared machines are noisy, so the ratios are the figures
that mean something. The whole CLI command (`apply --auto-approve`: validate, one list, plan,
the creates) is timed too, for reference.

    python bench/apply.py [--templates 100] [--latency-ms 150] [--concurrency 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox_process import serving

from wa_templates.apply.execute import ApplyOptions, apply_plan
from wa_templates.cli.main import main as cli_main
from wa_templates.config.project import find_project
from wa_templates.plan.model import ChannelBinding, Plan, PlanOptions
from wa_templates.plan.prepare import make_plan
from wa_templates.provider.client import Client

KEY = "bench-key-0123456789"
KEY_ENV = "WA_BENCH_API_KEY"
ACCOUNT = "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40"
CHANNEL = "bench-channel"
FLOOR_CHANNEL = "bench-floor"
WORDS = ["parcel", "order", "invoice", "booking", "ticket", "account", "delivery", "visit"]

TEMPLATE = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: "Hello {{{{1}}}}, your {word} number {i} is confirmed. Reply if anything is wrong."
      examples: ["Maria"]
    buttons:
      - {{type: QUICK_REPLY, text: All good}}
"""


def write_project(root: Path, url: str, count: int) -> None:
    (root / "templates").mkdir(parents=True)
    for i in range(count):
        name = f"{WORDS[i % len(WORDS)]}_note_{i:04d}"
        text = TEMPLATE.format(name=name, word=WORDS[i % len(WORDS)], i=i)
        (root / "templates" / f"{name}.yaml").write_text(text, encoding="utf-8")
    (root / "wa-templates.toml").write_text(
        f'[targets.bench]\naccount_id = "{ACCOUNT}"\nchannel_id = "{CHANNEL}"\n'
        f'base_url = "{url}"\napi_key_env = "{KEY_ENV}"\n',
        encoding="utf-8",
    )


def admin(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=60)


def reset(url: str, latency_ms: int) -> None:
    with admin(url) as http:
        http.post("/_sandbox/reset").raise_for_status()
        http.put("/_sandbox/faults", json={"latency_ms": latency_ms}).raise_for_status()


def client(url: str, channel: str = CHANNEL) -> Client:
    return Client(base_url=url, account_id=ACCOUNT, channel_id=channel, api_key=KEY)


def bound(provider: Client) -> ChannelBinding:
    """The channel the bench's plan is for, as `plan --out` records it."""
    return ChannelBinding(
        target="bench",
        sandbox=None,
        base_url=provider.base_url,
        account_id=provider.account_id,
        channel_id=provider.channel_id,
        subaccount_id=provider.subaccount_id,
    )


def floor(url: str, plan: Plan, concurrency: int) -> float:
    """The same create requests, straight from a thread pool: the server plus the latency."""
    path = f"/api/v1/accounts/{ACCOUNT}/channels/{FLOOR_CHANNEL}/templates"
    payloads = [c.payload for c in plan.pending]
    with admin(url) as http, ThreadPoolExecutor(concurrency) as pool:
        start = time.perf_counter()
        answers = list(pool.map(lambda p: http.post(path, json=p).status_code, payloads))
        took = time.perf_counter() - start
    if set(answers) != {200}:
        raise SystemExit(f"floor creates answered {sorted(set(answers))}")
    return took


def executor(url: str, plan: Plan, concurrency: int, root: Path) -> tuple[float, int]:
    with client(url) as provider:
        start = time.perf_counter()
        report = apply_plan(
            plan, provider, ApplyOptions(concurrency=concurrency, project_root=root)
        )
        took = time.perf_counter() - start
    if report.failures:
        raise SystemExit(f"apply failed: {report.failures[0].message}")
    return took, len(report.created)


def cli(root: Path, concurrency: int) -> float:
    cwd = os.getcwd()
    try:
        os.chdir(root)
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli_main(["apply", "--auto-approve", "--concurrency", str(concurrency)])
        took = time.perf_counter() - start
    finally:
        os.chdir(cwd)
    if code != 0:
        raise SystemExit(f"wa-templates apply exited {code}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--templates", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.templates > 100:
        parser.error("at most 100: 8x8 allows 100 creations per hour and channel")
    os.environ[KEY_ENV] = KEY
    floors, runs, clis = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        with serving(Path(tmp) / "state.json", KEY) as url:
            write_project(root, url, args.templates)
            project = find_project(root)
            for _ in range(args.repeat):
                reset(url, 0)
                with client(url) as provider:
                    plan = make_plan(project, provider, bound(provider), PlanOptions())
                reset(url, args.latency_ms)
                floors.append(floor(url, plan, args.concurrency))
                took, created = executor(url, plan, args.concurrency, root)
                runs.append(took)
                if created != args.templates:
                    raise SystemExit(f"created {created}, expected {args.templates}")
                reset(url, args.latency_ms)
                clis.append(cli(root, args.concurrency))
    ideal = args.templates * args.latency_ms / 1000 / args.concurrency
    best_floor, best_run, best_cli = min(floors), min(runs), min(clis)
    print(
        f"{args.templates} creates, {args.latency_ms} ms latency, concurrency "
        f"{args.concurrency}; best of {args.repeat}"
    )
    print(f"ideal ({args.templates} x {args.latency_ms} ms / {args.concurrency}):   {ideal:6.2f} s")
    print(
        f"floor (bare httpx pool, same creates):  {best_floor:6.2f} s   "
        f"ratio to ideal {best_floor / ideal:.2f}"
    )
    print(
        f"apply executor:                         {best_run:6.2f} s   "
        f"ratio to ideal {best_run / ideal:.2f} (target <= 1.3), to floor "
        f"{best_run / best_floor:.2f}"
    )
    print(
        f"wa-templates apply (in-process CLI):    {best_cli:6.2f} s   "
        f"ratio to ideal {best_cli / ideal:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
