"""Apply: carry out a plan's changes through a provider.

Each template name is one unit of work, because 8x8 deletes by name: a recreate deletes the name
once, then creates each of its languages. Units run on a bounded thread pool; one unit's failure
does not stop the others, and every failure keeps 8x8's code and message. When the hourly
creation limit (100 per channel) is hit, apply either stops creating and says how many remain and
when to rerun, or waits for the window with `wait_for_rate_limit`. A rerun converges: the plan
it builds only holds what is still missing.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from wa_templates.apply.media import UploadCache, resolve_media
from wa_templates.channel.remote import address, by_name
from wa_templates.channel.statuses import NEVER_APPROVED
from wa_templates.errors import WaError
from wa_templates.plan.model import Action, Plan, ResourceChange
from wa_templates.provider.base import Deleted, Provider
from wa_templates.provider.errors import ApiError, RateLimitError

HOUR = 3600.0
RATE_LIMITED = "not created: hourly rate limit reached"
_GONE = {
    Deleted.ALREADY_GONE: "already gone: 8x8 has no such name to delete",
    Deleted.BEING_DELETED: "already being deleted on the channel",
}


@dataclass(frozen=True, slots=True)
class Answer:
    """8x8's own words when it refused a request: what `apply --format json` reports."""

    status: int | None
    """The HTTP status; None when no answer came at all."""
    code: int | None
    message: str
    error_id: str | None

    @classmethod
    def of(cls, exc: WaError) -> Answer | None:
        if not isinstance(exc, ApiError):
            return None
        return cls(exc.status, exc.code, exc.message, exc.error_id)


@dataclass(frozen=True, slots=True)
class Result:
    address: str
    operation: str
    """create, delete, gone (a delete that found the name already gone), or skip."""
    ok: bool
    message: str
    answer: Answer | None = None
    """For a request 8x8 refused (or that got no answer): 8x8's status, code and message."""

    @classmethod
    def failed(cls, address: str, operation: str, exc: WaError, prefix: str = "") -> Result:
        return cls(address, operation, False, f"{prefix}{exc}", Answer.of(exc))


@dataclass(slots=True)
class Report:
    results: list[Result] = field(default_factory=list)
    rate_limited_until: datetime | None = None
    remaining: int = 0
    """Creates not attempted because the hourly limit was reached."""
    refused: list[str] = field(default_factory=list)
    """Names not touched because the channel changed since the plan: plan again."""

    @property
    def failures(self) -> list[Result]:
        return [r for r in self.results if not r.ok and r.operation != "skip"]

    @property
    def created(self) -> list[Result]:
        return [r for r in self.results if r.ok and r.operation == "create"]


@dataclass(slots=True)
class ApplyOptions:
    concurrency: int = 4
    wait_for_rate_limit: bool = False
    upload_cache: Path | None = None
    project_root: Path = field(default_factory=Path.cwd)
    on_result: Callable[[Result], None] = lambda result: None
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = lambda: datetime.now(UTC)


class _RateGate:
    """Shared by the workers: once the hourly limit is hit, creates stop or wait together."""

    def __init__(self, options: ApplyOptions) -> None:
        self.options = options
        self.lock = threading.Lock()
        self.until: datetime | None = None
        self.stopped = False

    def hit(self, error: RateLimitError) -> None:
        with self.lock:
            wait = error.retry_after if error.retry_after is not None else HOUR
            self.until = self.options.now() + timedelta(seconds=wait)
            if not self.options.wait_for_rate_limit:
                self.stopped = True

    def closed(self) -> bool:
        with self.lock:
            return self.stopped

    def pass_through(self) -> bool:
        """False when creates have stopped; with waiting, sleeps out the window first."""
        with self.lock:
            if self.stopped:
                return False
            until = self.until
        if until is not None:
            delay = (until - self.options.now()).total_seconds()
            if delay > 0:
                self.options.sleep(delay)
        return True


def apply_plan(plan: Plan, provider: Provider, options: ApplyOptions | None = None) -> Report:
    options = options or ApplyOptions()
    if not plan.applyable:
        raise WaError("the plan is not applyable (blocked changes or safety threshold)")
    units: dict[str, list[ResourceChange]] = defaultdict(list)
    for change in plan.pending:
        units[change.name].append(change)
    report = Report()
    gate = _RateGate(options)
    cache = UploadCache(options.upload_cache or options.project_root / ".wa-templates/uploads.json")
    lock = threading.Lock()

    # Pure deletes (prune) first: they free the slots of the channel's template limit that
    # the creates may need.
    deletes = [n for n in sorted(units) if all(c.action is Action.DELETE for c in units[n])]
    rest = sorted(set(units) - set(deletes))
    ordered = _InOrder([*deletes, *rest], options.on_result)
    approved_since = _approved_since(units, provider)

    def run_unit(name: str) -> None:
        def record(result: Result) -> None:
            with lock:
                report.results.append(result)
            ordered.add(name, result)

        try:
            run(name, record)
        finally:
            ordered.finish(name)

    def run(name: str, record: Callable[[Result], None]) -> None:
        changes = sorted(units[name], key=lambda c: c.language)
        creates = [c for c in changes if c.action in (Action.CREATE, Action.RECREATE)]
        if name in approved_since:
            with lock:
                report.refused.append(name)
            record(Result(address(name), "skip", False, approved_since[name]))
            return
        if creates and gate.closed():
            for change in creates:
                record(Result(change.address, "skip", False, RATE_LIMITED))
            return
        try:
            # Uploads first: a recreate must not delete the name and then fail on its media.
            payloads = {c.address: _payload(c, provider, options, cache) for c in creates}
        except WaError as exc:
            for change in creates:
                record(Result.failed(change.address, "create", exc, "media upload failed: "))
            if len(creates) < len(changes):
                why = f"not deleted: a media upload for '{name}' failed"
                record(Result(address(name), "skip", False, why))
            return
        if any(c.action in (Action.RECREATE, Action.DELETE) for c in changes):
            whole = address(name)
            if creates and gate.closed():
                # Deleting now would leave the name gone until the window opens again.
                for change in creates:
                    record(Result(change.address, "skip", False, RATE_LIMITED))
                return
            try:
                deleted = provider.delete_template(name)
            except WaError as exc:
                record(Result.failed(whole, "delete", exc))
                for change in changes:
                    if change.action is not Action.DELETE:
                        record(
                            Result(
                                change.address,
                                "skip",
                                False,
                                f"not created: deleting '{name}' failed",
                            )
                        )
                return
            languages = ", ".join(sorted({c.language for c in changes}))
            if deleted is Deleted.DELETED:
                record(Result(whole, "delete", True, f"deleted (all languages: {languages})"))
            else:
                record(Result(whole, "gone", True, _GONE[deleted]))
        for change in creates:
            _create(change, payloads[change.address], provider, gate, record)

    pool = ThreadPoolExecutor(max_workers=max(1, options.concurrency))
    try:
        for phase in (deletes, rest):
            for future in [pool.submit(run_unit, name) for name in phase]:
                future.result()
    except BaseException:
        # Ctrl-C (or a bug): stop starting new units; the ones under way finish their request.
        pool.shutdown(wait=True, cancel_futures=True)
        ordered.flush()
        raise
    pool.shutdown(wait=True)
    report.rate_limited_until = gate.until if gate.stopped else None
    report.remaining = sum(
        1 for r in report.results if r.operation == "skip" and r.message == RATE_LIMITED
    )
    return report


class _InOrder:
    """Hands results to `on_result` in the order the names run in, whatever order the workers
    finish them in: the same plan applied gives the same output (CI logs compare, the README
    shows it). The name first in line streams its results as they come; a later one's wait
    until every name before it is done."""

    def __init__(self, names: list[str], on_result: Callable[[Result], None]) -> None:
        self.names = names
        self.on_result = on_result
        self.held: dict[str, list[Result]] = {name: [] for name in names}
        self.done: set[str] = set()
        self.first = 0
        # Also keeps the progress output of several workers from interleaving.
        self.lock = threading.Lock()

    def add(self, name: str, result: Result) -> None:
        with self.lock:
            self.held[name].append(result)
            self._release()

    def finish(self, name: str) -> None:
        with self.lock:
            self.done.add(name)
            self._release()

    def flush(self) -> None:
        """Everything held, in order: apply was interrupted, nothing more is coming."""
        with self.lock:
            self.done.update(self.names)
            self._release()

    def _release(self) -> None:
        while self.first < len(self.names):
            name = self.names[self.first]
            held, self.held[name] = self.held[name], []
            for result in held:
                self.on_result(result)
            if name not in self.done:
                return
            self.first += 1


def _approved_since(units: dict[str, list[ResourceChange]], provider: Provider) -> dict[str, str]:
    """Names to delete (or recreate) whose languages may have been approved since the plan.

    The plan only deletes a name without a 30-day lock warning when nothing of it was ever
    approved; if Meta approved a language while the plan waited for review or confirmation,
    that delete would lock the name. One list call settles it.
    """
    planned_live: dict[str, set[str]] = {}
    for name, changes in units.items():
        if any(c.action in (Action.RECREATE, Action.DELETE) for c in changes):
            planned_live[name] = {c.language for c in changes if _live(c.status)}
    if not planned_live:
        return {}
    refused = {}
    for name, languages in by_name(provider.list_templates()).items():
        if name not in planned_live:
            continue
        now_live = {lang for lang, r in languages.items() if _live(r.status)}
        if now_live - planned_live[name]:
            live = ", ".join(f"{lang} {languages[lang].status}" for lang in sorted(now_live))
            refused[name] = (
                f"not deleted: '{name}' now has {live} on the channel, so deleting it could "
                "lock the name for 30 days; run `wa-templates plan` again"
            )
    return refused


def _live(status: str | None) -> bool:
    # By status alone on both sides: the plan already weighed the timestamps of rejections.
    return status is not None and status not in NEVER_APPROVED


def _payload(
    change: ResourceChange, provider: Provider, options: ApplyOptions, cache: UploadCache
) -> dict[str, Any]:
    if change.payload is None:
        raise WaError(f"{change.address}: the plan holds no payload to create")
    base = options.project_root
    if change.source:
        base = (options.project_root / change.source).parent
    return resolve_media(change.payload, base, provider, cache, root=options.project_root)


def _create(
    change: ResourceChange,
    payload: dict[str, Any],
    provider: Provider,
    gate: _RateGate,
    record: Callable[[Result], None],
) -> None:
    if not gate.pass_through():
        record(Result(change.address, "skip", False, RATE_LIMITED))
        return
    while True:
        try:
            provider.create_template(payload)
        except RateLimitError as exc:
            gate.hit(exc)
            if gate.pass_through():
                continue  # waited out the window: try this one again
            record(Result(change.address, "skip", False, RATE_LIMITED))
            return
        except WaError as exc:
            record(Result.failed(change.address, "create", exc))
            return
        record(Result(change.address, "create", True, "created, pending Meta's review"))
        return
