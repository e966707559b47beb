"""Benchmark: `plan` against a channel of 6,000 templates x 2 languages, 1% changed locally.

The channel is a `sandbox serve` on 127.0.0.1 (real HTTP), its state written directly as if
every template had been applied and approved; then 1% of the files are edited, so the plan
holds 60 blocked changes among 11,940 no-ops. Prints plan's wall time (the whole CLI command,
in-process: validate, list, plan, render) next to a floor measured in the same run: fetching
and JSON-parsing the list response with plain httpx, plus reading and YAML-parsing the files
with libyaml's C loader. Shared machines are noisy, so the ratio is the figure that means
something. The floor's GET includes the sandbox's own time to answer, so a slow sandbox
flatters the ratio: its time is printed on its own line (the first GET of a run parses the
state and renders every item; later ones reuse both). Also counts the HTTP requests plan makes:
the target is exactly one list call.

Where the time goes is printed phase by phase, each phase's own time (a phase inside another is
taken out of it), with the rest of the command, so that they add up to the total. Each run is
also divided by the floor measured just before it, for the spread. Then a real `wa-templates
plan` process (the console script next to this interpreter) is run against the same sandbox,
for its wall time and peak RSS (target <= 200 MB).

    python bench/plan.py [--files 6000] [--changed 0.01] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox_process import serving
from validate import generate

from wa_templates.channel import remote
from wa_templates.channel.payload import to_payload
from wa_templates.cli import target as cli_target
from wa_templates.cli.commands import plan as plan_command
from wa_templates.cli.main import main as cli_main
from wa_templates.files.load import load_file
from wa_templates.plan import build as plan_build
from wa_templates.provider.client import Client
from wa_templates.rules import check
from wa_templates.sandbox.state import MAX_TEMPLATES_LIMIT, Store, Template

KEY = "bench-key-0123456789"
KEY_ENV = "WA_BENCH_API_KEY"
ACCOUNT = "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40"
CHANNEL = "bench-channel"
LIST = f"/api/v1/accounts/{ACCOUNT}/channels/{CHANNEL}/templates"


class Counting(httpx.HTTPTransport):
    """Counts the requests the client sends, by method and path."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        return super().handle_request(request)


def seed_channel(state_path: Path, files: list[Path], channel: str = CHANNEL) -> int:
    """Every file's languages on the channel, approved, as apply would have left them."""
    now = datetime.now(UTC)
    templates = []
    for path in files:
        source, problems = load_file(path)
        if source is None:
            raise SystemExit(f"{path}: {problems}")
        template = source.template
        for lang in template.languages:
            payload = to_payload(template, lang)
            templates.append(
                Template(
                    name=template.name,
                    language=lang,
                    category=template.category,
                    status="APPROVED",
                    components=payload["components"],
                    created_at=now,
                    updated_at=now,
                    ever_approved=True,
                )
            )
    store = Store(state_path)
    with store.transaction() as state:
        state.config.max_templates = MAX_TEMPLATES_LIMIT
        state.channel(ACCOUNT, channel).templates = templates
    return len(templates)


def change_locally(files: list[Path], share: float) -> int:
    step = max(1, round(1 / share)) if share > 0 else 0
    changed = 0
    for index, path in enumerate(files):
        if step and index % step == 0:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("is confirmed for", "is booked for", 1), encoding="utf-8")
            changed += 1
    return changed


def floor(url: str, files: list[Path]) -> tuple[float, float, float, int]:
    """Seconds to fetch the list, to JSON-parse it and to parse the files; templates listed."""
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
        start = time.perf_counter()
        response = http.get(LIST)
        response.raise_for_status()
        fetched = time.perf_counter()
        listed = len(json.loads(response.content)["templates"])
        decoded = time.perf_counter()
    for path in files:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return fetched - start, decoded - fetched, time.perf_counter() - decoded, listed


PHASES = (
    ("check the files (load + rules)", check, "check_paths"),
    ("list: request + JSON", Client, "list_templates"),
    ("list: parse the items", remote, "parse_list"),
    ("build the plan", plan_build, "build"),
    ("render", plan_command, "render"),
)
"""What plan's time is broken down into: each function wherever the code calls it from."""


@contextlib.contextmanager
def timed_phases(spent: dict[str, float]) -> Iterator[None]:
    """Wrap the functions plan runs through, to say where its time goes.

    Each phase gets its own time only: the time of a phase called inside another (the list
    fetched while the files are checked, the items parsed inside the list call) is taken out of
    the outer one, so the phases and the rest of the command add up to the total. A function
    is replaced in its own module and in every module that imported it by name: patching only
    one binding is how this benchmark once reported validate as 0.00 s.
    """
    stack: list[float] = []  # per open phase: the time its nested phases took
    patched: list[tuple[Any, str, Any]] = []
    for label, owner, attribute in PHASES:
        original = getattr(owner, attribute)

        def timed(*args: Any, _label: str = label, _f: Any = original, **kwargs: Any) -> Any:
            stack.append(0.0)
            start = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                took = time.perf_counter() - start
                nested = stack.pop()
                spent[_label] = spent.get(_label, 0.0) + took - nested
                if stack:
                    stack[-1] += took

        owners = [owner] if isinstance(owner, type) else _bindings(original)
        for module in owners:
            for name, value in list(vars(module).items()):
                if value is original:
                    patched.append((module, name, value))
                    setattr(module, name, timed)
    try:
        yield
    finally:
        for module, name, value in patched:
            setattr(module, name, value)
    missed = [label for label, _, _ in PHASES if label not in spent]
    if missed:
        raise SystemExit(f"phases never timed (the patch missed them): {', '.join(missed)}")


def _bindings(function: Any) -> list[Any]:
    return [
        module
        for name, module in list(sys.modules.items())
        if name.split(".")[0] == "wa_templates" and function in vars(module).values()
    ]


def plan(project: Path) -> tuple[float, int, list[str], dict[str, float]]:
    counting = Counting()
    spent: dict[str, float] = {}

    def client(**kwargs: Any) -> Client:
        return Client(transport=counting, **kwargs)

    original = cli_target.Client
    cli_target.Client = client  # type: ignore[assignment,misc]
    cwd = os.getcwd()
    out = io.StringIO()
    try:
        os.chdir(project)
        with timed_phases(spent), contextlib.redirect_stdout(out):
            start = time.perf_counter()
            code = cli_main(["plan", "--target", "bench"])
            took = time.perf_counter() - start
    finally:
        os.chdir(cwd)
        cli_target.Client = original  # type: ignore[misc]
    return took, code, counting.requests, spent


# Run by a small interpreter of its own: a child's peak RSS includes the memory of the process
# that started it, up to its exec (Linux charges the parent's pages to the vfork'ed child), and
# this benchmark's own process is large by then.
LAUNCH = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def plan_process(project: Path) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak RSS in KiB of a real `wa-templates plan` process.

    The console script next to this interpreter, as a user runs it. `wait4` reports the
    child's own peak, or that of a worker process it forked, whichever is larger: each is
    memory the machine must have.
    """
    script = Path(sys.executable).with_name("wa-templates")
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCH, str(script), "plan", "--target", "bench"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    took, code, rss = launched.stdout.split()
    return float(took), int(code), int(rss)  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=6000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        (root / "templates").mkdir(parents=True)
        files = generate(root / "templates", args.files)
        listed = seed_channel(Path(tmp) / "state.json", files)
        changed = change_locally(files, args.changed)
        with serving(Path(tmp) / "state.json", KEY) as url:
            (root / "wa-templates.toml").write_text(
                f'[targets.bench]\naccount_id = "{ACCOUNT}"\nchannel_id = "{CHANNEL}"\n'
                f'base_url = "{url}"\napi_key_env = "{KEY_ENV}"\n',
                encoding="utf-8",
            )
            os.environ[KEY_ENV] = KEY
            floors: list[tuple[float, float, float]] = []
            runs: list[tuple[float, dict[str, float]]] = []
            processes: list[tuple[float, int, int]] = []
            requests: list[str] = []
            code = 0
            for _ in range(args.repeat):
                fetch, decode, parse, count = floor(url, files)
                floors.append((fetch, decode, parse))
                assert count == listed
                took, code, requests, spent = plan(root)
                runs.append((took, spent))
                processes.append(plan_process(root))
    # 1% of the files changed while every template is approved: each change is blocked.
    codes = {code} | {process_code for _, process_code, _ in processes}
    if codes != {3}:
        print(f"plan exited {codes}, expected 3 (blocked changes): the benchmark is broken")
        return 1
    report(args, listed, changed, floors, runs, processes, requests)
    return 0


def report(
    args: argparse.Namespace,
    listed: int,
    changed: int,
    floors: list[tuple[float, float, float]],
    runs: list[tuple[float, dict[str, float]]],
    processes: list[tuple[float, int, int]],
    requests: list[str],
) -> None:
    first_fetch = floors[0][0]
    fetch, decode, parse = min(floors, key=sum)
    best_floor = fetch + decode + parse
    best_run, spent = min(runs, key=lambda run: run[0])
    print(
        f"channel: {listed} templates ({args.files} names x 2 languages), "
        f"{changed} files changed; best of {args.repeat}"
    )
    print(
        f"sandbox: GET list {fetch:.2f} s (the first, before the server had the state parsed "
        f"and the items rendered: {first_fetch:.2f} s)"
    )
    print(
        f"floor: GET list + JSON parse {fetch + decode:.2f} s, "
        f"read + CSafeLoader parse {parse:.2f} s"
    )
    print(f"floor total:                          {best_floor:6.2f} s")
    print(
        f"wa-templates plan (in-process CLI):   {best_run:6.2f} s   "
        f"ratio {best_run / best_floor:.2f}  (target <= 2)"
    )
    for label, _, _ in PHASES:
        print(f"  {label:<38} {spent[label]:6.2f} s")
    rest = best_run - sum(spent.values())
    print(f"  {'the rest (CLI, config, paths, output)':<38} {rest:6.2f} s")
    print(f"  sum of the phases {sum(spent.values()):.2f} s + the rest = {best_run:.2f} s total")
    # Each run against the floor measured just before it: the spread a noisy machine gives.
    ratios = sorted(took / sum(f) for (took, _), f in zip(runs, floors, strict=True))
    print(
        "every run / its own floor: "
        + ", ".join(f"{took:.2f}/{sum(f):.2f}" for (took, _), f in zip(runs, floors, strict=True))
        + f" s; ratios {ratios[0]:.2f} .. {ratios[-1]:.2f}, median {statistics.median(ratios):.2f}"
    )
    walls = sorted(took for took, _, _ in processes)
    peak = max(rss for _, _, rss in processes)
    print(
        f"wa-templates plan (process):          {walls[0]:6.2f} s   "
        f"(slowest {walls[-1]:.2f} s; with interpreter start-up and exit)"
    )
    verdict = "ok" if peak <= 200 * 1024 else "NOT the target"
    print(f"peak RSS of the plan process: {peak / 1024:.0f} MB  (target <= 200 MB; {verdict})")
    verdict = "ok" if requests == [f"GET {LIST}"] else "NOT the target"
    print(
        f"HTTP requests per plan: {len(requests)} {requests}  (target: exactly 1 list; {verdict})"
    )


if __name__ == "__main__":
    sys.exit(main())
