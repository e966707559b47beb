"""Several channels in one run: the work for each target run at once, and the document that
carries one result per target.

The work per target is waiting on the network (8x8's list, then apply's creates and deletes),
so threads suffice: the run takes about as long as its slowest target, not the sum of them.
The files are checked once, before (`prepare.checked_templates`); every target's plan is built
from that one report.

The document for several targets (`plan --format json` with several `--target`, or
`--all-targets`) wraps each target's own document, unchanged, with the target's name, its exit
code and, when nothing could be made for it, the error; its own `exit_code` is the worst of
theirs (`errors.WORST_FIRST`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from wa_templates.document import Document
from wa_templates.errors import WaError
from wa_templates.plan.model import READS_MAJOR, Plan

T = TypeVar("T")
R = TypeVar("R")

MAX_THREADS = 32
"""Targets worked on at once; more wait for a free thread. Each thread mostly waits on 8x8."""

FORMAT_VERSION = "1.0"
"""Of the documents for several targets: MAJOR.MINOR, a minor version only adds fields."""


def each_at_once(work: Callable[[T], R], items: Sequence[T]) -> list[R | WaError]:
    """`work` for every item at once, results in the items' order. A WaError (the target's
    API refused, or could not be reached) is that item's result, so one target's failure never
    stops the others; anything else is a bug and propagates."""
    if len(items) <= 1:
        return [_caught(work, item) for item in items]
    pool = ThreadPoolExecutor(max_workers=min(len(items), MAX_THREADS))
    try:
        futures = [pool.submit(_caught, work, item) for item in items]
        results = [future.result() for future in futures]
    except BaseException:
        # Ctrl-C (or a bug): start no other target; those under way finish their request.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _caught(work: Callable[[T], R], item: T) -> R | WaError:
    try:
        return work(item)
    except WaError as exc:
        return exc


class TargetResult(Document):
    """One target's part of a document for several targets."""

    target: str
    """The `[targets.NAME]` name ("sandbox" for the sandbox)."""
    description: str
    """As the output names it: `target prod`."""
    exit_code: int
    """What the command would have exited with for this target alone."""
    error: str | None = None
    """Why nothing could be made for this target (its document is then null)."""


class TargetPlan(TargetResult):
    plan: Plan | None = None
    """The plan, exactly as `plan --format json` prints it for this target alone."""


class PlanTargets(Document):
    """`plan --format json` for several targets (`--target` repeated, or `--all-targets`).

    `format_version` is MAJOR.MINOR: a minor version only adds fields."""

    format_version: str = FORMAT_VERSION
    exit_code: int
    """The worst of the targets' exit codes: 1, then 3, 4, 2, 0."""
    targets: list[TargetPlan]
    """One entry per target, in the order selected."""


def plan_targets_schema() -> dict[str, Any]:
    """The JSON Schema of `PlanTargets`; its plans are described as `plan.model` does."""
    schema = PlanTargets.model_json_schema(mode="serialization")
    schema["$defs"]["Plan"]["properties"]["format_version"]["pattern"] = (
        rf"^{READS_MAJOR}\.(0|[1-9][0-9]*)$"
    )
    return schema
