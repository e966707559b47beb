"""Benchmark: `plan --all-targets` over 10 channels against the slowest of them planned alone.

One `sandbox serve` on 127.0.0.1 (real HTTP, a process of its own) holds 10 channels, one per
target, and delays every API request by `--latency-ms` (its fault injection, PUT
/_sandbox/faults), as a network to 8x8 would. Channel i holds every one of the repository's
templates, approved, and 10 x i templates of its own (unmanaged), so each target's list is
longer than the one before; 2% of the files are edited, a blocked change on every channel.

Each target is planned alone (`plan --target tI`, the in-process CLI: validate, list, plan,
render), then all of them in one run (`plan --all-targets`). The floor is the slowest single
target: a run that reads every channel at once should take about as long. What it cannot
overlap is printed too: the lists fetched at once by bare httpx threads (the sandbox answers
from one process, so ten lists take it longer than one), and the CPU time of the run, since
each target's list is parsed and its plan built and rendered in one interpreter (the files are
checked once). The sum of the single runs is what planning them one after the other costs.
Shared machines are noisy: the ratio is the figure that means something.
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
from plan import ACCOUNT, KEY, KEY_ENV, change_locally, seed_channel
from sandbox_process import serving
from validate import generate

from wa_templates.cli.main import main as cli_main

EXPECTED = 3
"""Every template is approved on every channel, so each edited file is a blocked change."""
TARGET_CEILING = 1.5
"""All targets at once should take at most this many times the slowest one alone."""


def fetched_at_once(url: str, channels: list[str]) -> float:
    """Seconds to GET every channel's list at once with bare httpx threads: what the sandbox
    and the injected latency alone cost a run over all targets (the sandbox answers from one
    process, so ten lists at once take it longer than one)."""
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:

        def get(channel: str) -> None:
            response = http.get(f"/api/v1/accounts/{ACCOUNT}/channels/{channel}/templates")
            response.raise_for_status()
            response.json()

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(channels)) as pool:
            list(pool.map(get, channels))
        return time.perf_counter() - start


def timed(project: Path, *args: str) -> tuple[float, float, int]:
    """Wall time, this process's CPU time (every thread's), and the exit code of a plan."""
    cwd = os.getcwd()
    try:
        os.chdir(project)
        with contextlib.redirect_stdout(io.StringIO()):
            start, cpu = time.perf_counter(), time.process_time()
            code = cli_main(["plan", *args])
            return time.perf_counter() - start, time.process_time() - cpu, code
    finally:
        os.chdir(cwd)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--targets", type=int, default=10)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--extra", type=int, default=10)
    parser.add_argument("--changed", type=float, default=0.02)
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = [f"t{i:02d}" for i in range(args.targets)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        (root / "templates").mkdir(parents=True)
        files = generate(root / "templates", args.files)
        # Templates of the channels' own, not in the repository (unmanaged): more on each
        # channel than on the one before, so the targets differ and one is the slowest.
        (Path(tmp) / "extra").mkdir()
        extra = generate(Path(tmp) / "extra", args.files + args.extra * len(names))
        extra = extra[args.files :]
        state = Path(tmp) / "state.json"
        held = {}
        for index, name in enumerate(names):
            own = files + extra[: args.extra * index]
            held[name] = seed_channel(state, own, channel=f"channel-{name}")
        changed = change_locally(files, args.changed)
        with serving(state, KEY) as url:
            faults = httpx.put(
                f"{url}/_sandbox/faults",
                json={"latency_ms": args.latency_ms},
                headers={"Authorization": f"Bearer {KEY}"},
            )
            faults.raise_for_status()
            (root / "wa-templates.toml").write_text(
                "".join(
                    f'[targets.{name}]\naccount_id = "{ACCOUNT}"\n'
                    f'channel_id = "channel-{name}"\nbase_url = "{url}"\n'
                    f'api_key_env = "{KEY_ENV}"\n\n'
                    for name in names
                ),
                encoding="utf-8",
            )
            os.environ[KEY_ENV] = KEY
            alone: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
            together: list[tuple[float, float]] = []
            bare: list[float] = []
            for _ in range(args.repeat):
                bare.append(fetched_at_once(url, [f"channel-{name}" for name in names]))
                for name in names:
                    took, cpu, code = timed(root, "--target", name)
                    if code != EXPECTED:
                        print(f"plan --target {name} exited {code}: the benchmark is broken")
                        return 1
                    alone[name].append((took, cpu))
                took, cpu, code = timed(root, "--all-targets")
                if code != EXPECTED:
                    print(f"plan --all-targets exited {code}: the benchmark is broken")
                    return 1
                together.append((took, cpu))
    best = {name: min(times) for name, times in alone.items()}
    slowest = max(best, key=lambda name: best[name][0])
    floor, floor_cpu = best[slowest]
    run, run_cpu = min(together)
    print(
        f"{args.targets} targets on one sandbox serve, {args.latency_ms} ms latency per "
        f"request; repository: {args.files} templates x 2 languages, {changed} edited "
        f"(blocked on every channel); best of {args.repeat}"
    )
    for name in names:
        took, cpu = best[name]
        print(f"  plan --target {name}  ({held[name]:5d} listed)  {took:6.2f} s  (CPU {cpu:.2f} s)")
    print(f"slowest single target (floor): {floor:6.2f} s  ({slowest}; CPU {floor_cpu:.2f} s)")
    total = sum(took for took, _ in best.values())
    print(f"sum of single targets:         {total:6.2f} s  (one after the other)")
    verdict = "ok" if run / floor <= TARGET_CEILING else f"over the {TARGET_CEILING}x target"
    print(f"plan --all-targets:            {run:6.2f} s   ratio {run / floor:.2f}  ({verdict})")
    print(
        f"  every list fetched at once with bare httpx: {min(bare):.2f} s (the sandbox and the "
        "latency alone)"
    )
    # What threads cannot overlap: the CPU work of every target shares one interpreter.
    print(
        f"  of which CPU in this process: {run_cpu:.2f} s (the files checked once, then each "
        "target's list parsed and plan built and rendered)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
