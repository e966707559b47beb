"""apply: the executor over an in-memory provider."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from tests.apply.fake import START, Clock, FakeProvider, refusal
from tests.plan.channel import listed, made_for, simple, source
from tests.wire import build
from wa_templates.apply.execute import RATE_LIMITED, ApplyOptions, Report, Result, apply_plan
from wa_templates.errors import WaError
from wa_templates.files.load import Source
from wa_templates.plan.build import PlanOptions
from wa_templates.plan.model import Plan

TWO = """\
name: {name}
category: UTILITY
languages:
  en_US:
    body:
      text: "Hello {{{{1}}}}, {words}."
      examples: ["Ana"]
  es_ES:
    body:
      text: "Hola {{{{1}}}}, tu pedido ha sido enviado."
      examples: ["Ana"]
"""


def two(name: str, words: str = "your order has shipped") -> Source:
    return source(TWO.format(name=name, words=words))


def fresh(count: int, prefix: str = "t") -> Plan:
    return build([source(simple(f"{prefix}_{i:03d}")) for i in range(count)], [], made_for("fake"))


def run(plan: Plan, provider: FakeProvider, tmp_path: Path, **options: object) -> Report:
    defaults: dict[str, object] = {"project_root": tmp_path, "concurrency": 4}
    defaults.update(options)
    return apply_plan(plan, provider, ApplyOptions(**defaults))  # type: ignore[arg-type]


def ops(report: Report) -> list[tuple[str, str, bool]]:
    return sorted((r.operation, r.address, r.ok) for r in report.results)


# --- creates and concurrency -----------------------------------------------------------------


def test_creates_every_language_with_the_planned_payload(tmp_path: Path) -> None:
    plan = build([two("order_update")], [], made_for("fake"))
    provider = FakeProvider()
    report = run(plan, provider, tmp_path)
    assert ops(report) == [
        ("create", "template.order_update[en_US]", True),
        ("create", "template.order_update[es_ES]", True),
    ]
    assert provider.payload("order_update", "es_ES") == plan.changes[1].payload
    assert report.failures == [] and report.rate_limited_until is None


@pytest.mark.parametrize("concurrency", [1, 3])
def test_concurrency_is_bounded_and_used(tmp_path: Path, concurrency: int) -> None:
    provider = FakeProvider(latency=0.03)
    report = run(fresh(9), provider, tmp_path, concurrency=concurrency)
    assert len(report.created) == 9
    assert provider.max_in_flight == concurrency


def test_languages_of_one_name_are_created_one_after_the_other(tmp_path: Path) -> None:
    provider = FakeProvider(latency=0.02)
    run(build([two("a"), two("b")], [], made_for("fake")), provider, tmp_path, concurrency=8)
    assert provider.max_in_flight == 2  # two names at once, never two languages of one


def test_on_result_reports_each_result_once_and_never_concurrently(tmp_path: Path) -> None:
    seen: list[Result] = []
    busy = threading.Lock()

    def on_result(result: Result) -> None:
        assert busy.acquire(blocking=False), "on_result called from two workers at once"
        try:
            seen.append(result)
            threading.Event().wait(0.005)
        finally:
            busy.release()

    run(fresh(8), FakeProvider(latency=0.01), tmp_path, on_result=on_result)
    assert len(seen) == 8


def test_not_applyable_plan_is_refused(tmp_path: Path) -> None:
    old = two("live")
    plan = build([two("live", "it changed")], listed(old), made_for("fake"))
    assert plan.blocked
    provider = FakeProvider()
    with pytest.raises(WaError, match="not applyable"):
        run(plan, provider, tmp_path)
    assert provider.calls == []


# --- deletes and recreates -------------------------------------------------------------------


def test_recreate_deletes_the_name_once_then_creates_every_language(tmp_path: Path) -> None:
    old = two("order_update")
    plan = build(
        [two("order_update", "it changed")], listed(old, status="REJECTED"), made_for("fake")
    )
    provider = FakeProvider()
    provider.seed({"order_update": ["en_US", "es_ES"]})
    report = run(plan, provider, tmp_path)
    assert provider.calls == [
        ("delete", "order_update"),
        ("create", "order_update[en_US]"),
        ("create", "order_update[es_ES]"),
    ]
    [deleted] = [r for r in report.results if r.operation == "delete"]
    assert deleted.ok and "en_US, es_ES" in deleted.message
    assert provider.payload("order_update")["components"][0]["text"].endswith("it changed.")


def test_prune_deletes_by_name(tmp_path: Path) -> None:
    # force: with no templates in the repository, pruning is past the safety threshold
    plan = build([], listed(two("gone")), made_for("fake"), PlanOptions(prune=True, force=True))
    provider = FakeProvider()
    provider.seed({"gone": ["en_US", "es_ES"]})
    report = run(plan, provider, tmp_path)
    assert provider.calls == [("delete", "gone")] and provider.templates == {}
    assert ops(report) == [("delete", "template.gone", True)]


def test_a_prune_of_a_name_someone_deleted_meanwhile_says_already_gone(tmp_path: Path) -> None:
    plan = build([], listed(two("gone")), made_for("fake"), PlanOptions(prune=True, force=True))
    provider = FakeProvider()  # the channel no longer holds it: 8x8 answers 404 (3038)
    report = run(plan, provider, tmp_path)
    assert provider.calls == [("delete", "gone")]
    [result] = report.results
    assert result == Result(
        "template.gone", "gone", True, "already gone: 8x8 has no such name to delete"
    )
    assert report.failures == [] and report.created == []


def test_failed_delete_skips_the_creates_of_that_name_only(tmp_path: Path) -> None:
    items = listed(two("first"), status="REJECTED") + listed(two("second"), status="REJECTED")
    plan = build([two("first", "changed"), two("second", "changed")], items, made_for("fake"))
    provider = FakeProvider()
    provider.seed({"first": ["en_US", "es_ES"], "second": ["en_US", "es_ES"]})
    provider.refuse_delete["first"] = refusal(2000, "Internal", "8x8 server error")
    report = run(plan, provider, tmp_path)
    assert ops(report) == [
        ("create", "template.second[en_US]", True),
        ("create", "template.second[es_ES]", True),
        ("delete", "template.first", False),
        ("delete", "template.second", True),
        ("skip", "template.first[en_US]", False),
        ("skip", "template.first[es_ES]", False),
    ]
    assert ("first", "en_US") in provider.templates  # nothing of it was touched
    assert [r.address for r in report.failures] == ["template.first"]


# --- partial failure -------------------------------------------------------------------------


def test_one_failed_create_does_not_stop_the_others(tmp_path: Path) -> None:
    provider = FakeProvider()
    provider.refuse_create["t_002"] = refusal(
        3034,
        "Invalid template components combination",
        "8x8 refused create template 't_002' (en_US)",
    )
    report = run(fresh(5), provider, tmp_path)
    assert len(report.created) == 4
    [failure] = report.failures
    assert failure.address == "template.t_002[en_US]" and failure.operation == "create"
    assert "code 3034" in failure.message
    assert "Invalid template components combination" in failure.message
    # A rerun converges: the next plan holds only what is still missing.
    plan = build(
        [source(simple(f"t_{i:03d}")) for i in range(5)],
        [i for n in ("t_000", "t_001", "t_003", "t_004") for i in listed(source(simple(n)))],
        made_for("fake"),
    )
    del provider.refuse_create["t_002"]
    again = run(plan, provider, tmp_path)
    assert [r.address for r in again.created] == ["template.t_002[en_US]"]


# --- the hourly creation limit ---------------------------------------------------------------


def test_stops_at_the_rate_limit_and_says_what_remains(tmp_path: Path) -> None:
    clock = Clock()
    provider = FakeProvider(per_hour=3, clock=clock)
    report = run(fresh(7), provider, tmp_path, concurrency=1, now=clock.now, sleep=clock.sleep)
    assert len(report.created) == 3
    assert report.remaining == 4
    assert all(r.message == RATE_LIMITED for r in report.results if r.operation == "skip")
    assert report.rate_limited_until == START + timedelta(hours=1)
    assert report.failures == []
    assert clock.slept == []


def test_no_name_is_deleted_once_creates_have_stopped(tmp_path: Path) -> None:
    clock = Clock()
    items = listed(two("b_recreated"), status="REJECTED")
    plan = build(
        [source(simple("a_new")), source(simple("a_newer")), two("b_recreated", "changed")],
        items,
        made_for("fake"),
    )
    provider = FakeProvider(per_hour=1, clock=clock)
    provider.seed({"b_recreated": ["en_US", "es_ES"]})
    report = run(plan, provider, tmp_path, concurrency=1, now=clock.now, sleep=clock.sleep)
    assert ("delete", "b_recreated") not in provider.calls
    assert ("b_recreated", "en_US") in provider.templates
    assert report.remaining == 3


def test_waits_for_the_window_with_wait_for_rate_limit(tmp_path: Path) -> None:
    clock = Clock()
    provider = FakeProvider(per_hour=3, clock=clock)
    report = run(
        fresh(7),
        provider,
        tmp_path,
        concurrency=1,
        wait_for_rate_limit=True,
        now=clock.now,
        sleep=clock.sleep,
    )
    assert len(report.created) == 7 and report.remaining == 0
    assert report.rate_limited_until is None and report.failures == []
    assert clock.slept == [3600.0, 3600.0]
    assert len(provider.templates) == 7


def test_rate_limit_without_retry_after_waits_an_hour(tmp_path: Path) -> None:
    from wa_templates.provider.errors import RateLimitError

    clock = Clock()
    provider = FakeProvider(clock=clock)
    provider.refuse_create["t_000"] = RateLimitError(429, 1100, "slow down", None)
    report = run(fresh(1), provider, tmp_path, now=clock.now, sleep=clock.sleep)
    assert report.rate_limited_until == START + timedelta(hours=1)
    assert report.remaining == 1


# --- order and interruption ------------------------------------------------------------------


def test_prune_deletes_run_before_any_create(tmp_path: Path) -> None:
    items = [i for n in ("z_old_1", "z_old_2") for i in listed(source(simple(n)))]
    plan = build(
        # force: replacing every template on the channel is past the safety threshold
        [source(simple(f"a_new_{i}")) for i in range(4)],
        items,
        made_for("fake"),
        PlanOptions(prune=True, force=True),
    )
    provider = FakeProvider(latency=0.02)
    provider.seed({"z_old_1": ["en_US"], "z_old_2": ["en_US"]})
    run(plan, provider, tmp_path, concurrency=4)
    kinds = [kind for kind, _ in provider.calls]
    assert kinds == ["delete", "delete", "create", "create", "create", "create"]


def test_interrupt_stops_starting_new_units(tmp_path: Path) -> None:
    class Interrupting(FakeProvider):
        def create_template(self, payload: dict[str, object]) -> None:
            super().create_template(payload)
            raise KeyboardInterrupt

    provider = Interrupting()
    with pytest.raises(KeyboardInterrupt):
        run(fresh(20), provider, tmp_path, concurrency=2)
    assert len(provider.calls) <= 4  # the two under way, at most one more each


def test_a_name_approved_since_the_plan_is_not_deleted(tmp_path: Path) -> None:
    old = two("order_update")
    plan = build(
        [two("order_update", "it changed")], listed(old, status="REJECTED"), made_for("fake")
    )
    provider = FakeProvider()
    provider.seed({"order_update": ["en_US", "es_ES"]})
    provider.status["order_update"] = "APPROVED"  # Meta approved it while the plan waited
    report = run(plan, provider, tmp_path)
    assert ("delete", "order_update") not in provider.calls
    [refused] = report.results
    assert (refused.address, refused.operation) == ("template.order_update", "skip")
    assert "now has en_US APPROVED, es_ES APPROVED" in refused.message
    assert report.refused == ["order_update"]


def test_a_failed_media_upload_does_not_delete_the_name_first(tmp_path: Path) -> None:
    (tmp_path / "banner.png").write_bytes(b"\x89PNG")
    yaml = (
        "name: promo\ncategory: MARKETING\nlanguages:\n  en_US:\n    header:\n"
        "      format: IMAGE\n      examples: [banner.png]\n    body:\n"
        "      text: Spring is here. Reply STOP to unsubscribe.\n"
    )
    old = source(yaml)
    new = source(yaml.replace("Spring is here.", "Spring has arrived."), path="promo.yaml")
    plan = build([new], listed(old, status="REJECTED"), made_for("fake"))
    provider = FakeProvider()
    provider.seed({"promo": ["en_US"]})
    provider.refuse_upload = True
    report = run(plan, provider, tmp_path)
    assert [call[0] for call in provider.calls] == ["upload"]
    [failed] = report.failures
    assert "media upload failed" in failed.message and ("promo", "en_US") in provider.templates


def test_a_pruned_name_approved_since_the_plan_is_not_deleted(tmp_path: Path) -> None:
    items = listed(source(simple("pending_one")), status="PENDING")
    plan = build(
        [source(simple("kept"))], items, made_for("fake"), PlanOptions(prune=True, force=True)
    )
    provider = FakeProvider()
    provider.seed({"pending_one": ["en_US"]})
    provider.status["pending_one"] = "APPROVED"
    report = run(plan, provider, tmp_path)
    assert ("delete", "pending_one") not in provider.calls
    assert report.refused == ["pending_one"]


def test_a_failing_list_before_deleting_touches_nothing(tmp_path: Path) -> None:
    old = two("order_update")
    plan = build(
        [two("order_update", "it changed")], listed(old, status="REJECTED"), made_for("fake")
    )
    provider = FakeProvider()

    def broken() -> list[dict[str, object]]:
        raise WaError("cannot reach the 8x8 API")

    provider.list_templates = broken  # type: ignore[method-assign]
    with pytest.raises(WaError, match="cannot reach"):
        run(plan, provider, tmp_path)
    assert provider.calls == []
