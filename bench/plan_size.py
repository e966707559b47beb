"""Benchmark: how large a saved plan gets, and how long it takes to write and read back.

Plans for 6,000 templates x 2 languages (the per-WABA maximum; bench/validate.py's files), in
the two shapes that make a plan largest: every template created on an empty channel (a payload
and the content per change), and every template recreated on a channel where none was ever
approved (the channel's content, the repository's, the field diff and the payload per change).
Prints each document's size beside `plan.saved.MAX_PLAN_BYTES`, the limit a plan file is read
up to, and the seconds to write the document and to read it back with every check.

    python bench/plan_size.py [--files 6000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import generate

from wa_templates.channel.payload import to_payload
from wa_templates.channel.remote import parse_list
from wa_templates.plan.build import build
from wa_templates.plan.model import ChannelBinding, Plan
from wa_templates.plan.saved import MAX_PLAN_BYTES, parse_plan
from wa_templates.render.plan import as_json
from wa_templates.rules.check import check_paths
from wa_templates.sandbox.listing import list_item
from wa_templates.sandbox.state import Channel, Template

ACCOUNT = "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40"
CHANNEL = ChannelBinding(
    target="bench",
    sandbox=None,
    base_url="https://chatapps.8x8.com",
    account_id=ACCOUNT,
    channel_id="bench-channel",
    subaccount_id="bench_files",
)


def measure(label: str, plan: Plan) -> None:
    start = time.perf_counter()
    text = as_json(plan)
    written = time.perf_counter() - start
    raw = text.encode()
    start = time.perf_counter()
    again = parse_plan(raw)
    read = time.perf_counter() - start
    assert again.document() == plan.document()
    print(
        f"{label:<34} {len(plan.changes):>6} changes  {len(raw) / 1e6:6.1f} MB "
        f"({len(raw) / MAX_PLAN_BYTES:5.1%} of the limit)  write {written:5.2f} s  "
        f"read {read:5.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=6000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "templates"
        folder.mkdir()
        generate(folder, args.files)
        report = check_paths([folder])
        if report.errors:
            raise SystemExit(f"{report.errors} validation errors in the generated files")
    sources = report.sources
    print(f"limit: {MAX_PLAN_BYTES / 1e6:.0f} MB ({MAX_PLAN_BYTES:,} bytes)")
    measure("every template created", build(sources, [], CHANNEL))
    # The channel holds an older wording of each, still in review: recreated, not blocked.
    now = datetime.now(UTC)
    channel = Channel(account_id=ACCOUNT, channel_id="bench-channel")
    items = []
    for source in sources:
        template = source.template
        for lang in template.languages:
            payload = to_payload(template, lang)
            for component in payload["components"]:
                if component["type"] == "BODY":
                    component["text"] = component["text"].replace("Hello", "Hi", 1)
            stored = Template(
                name=template.name,
                language=lang,
                category=template.category,
                status="PENDING",
                components=payload["components"],
                created_at=now,
                updated_at=now,
            )
            items.append(list_item(channel, stored))
    measure("every template recreated", build(sources, parse_list(items), CHANNEL))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
