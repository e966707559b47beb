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

    python bench/plan.py [--files 6000] [--changed 0.01] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
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

from wa_templates.channel.payload import to_payload
from wa_templates.cli import target as cli_target
from wa_templates.cli.commands import plan as plan_command
from wa_templates.cli.main import main as cli_main
from wa_templates.files.load import load_file
from wa_templates.plan import prepare
from wa_templates.provider.client import Client
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
    ("validate (load + rules)", prepare, "checked_templates"),
    ("list (request+JSON+parse)", Client, "list_templates"),
    ("build the plan", prepare, "build"),
    ("render", plan_command, "render"),
)


@contextlib.contextmanager
def timed_phases(spent: dict[str, float]) -> Iterator[None]:
    """Wrap the functions plan runs through, to say where its time goes."""
    originals = []
    for label, owner, attribute in PHASES:
        original = getattr(owner, attribute)
        originals.append((owner, attribute, original))

        def timed(*args: Any, _label: str = label, _f: Any = original, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - start

        setattr(owner, attribute, timed)
    try:
        yield
    finally:
        for owner, attribute, original in originals:
            setattr(owner, attribute, original)


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
            requests: list[str] = []
            code = 0
            for _ in range(args.repeat):
                fetch, decode, parse, count = floor(url, files)
                floors.append((fetch, decode, parse))
                assert count == listed
                took, code, requests, spent = plan(root)
                runs.append((took, spent))
    # 1% of the files changed while every template is approved: each change is blocked.
    if code != 3:
        print(f"plan exited {code}, expected 3 (blocked changes): the benchmark is broken")
        return 1
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
        f"ratio {best_run / best_floor:.2f}"
    )
    for label, _, _ in PHASES:
        print(f"  {label:<25} {spent.get(label, 0.0):6.2f} s")
    verdict = "ok" if requests == [f"GET {LIST}"] else "NOT the target"
    print(
        f"HTTP requests per plan: {len(requests)} {requests}  (target: exactly 1 list; {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
