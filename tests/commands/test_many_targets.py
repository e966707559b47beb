"""Several targets in one run, in-process: the channels are read at once (not one after the
other), the files are checked once, the worst exit code, and one pull-request comment that
holds every target within GitHub's limit, shared fairly."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import target_table
from tests.memory import Remembered
from tests.plan.channel import made_for
from tests.render.test_plan_render import order, outside_fences
from wa_templates.channel.known import Known
from wa_templates.channel.remote import ChannelTemplate
from wa_templates.cli.commands import plan as plan_command
from wa_templates.cli.main import main
from wa_templates.config.project import Project
from wa_templates.errors import WORST_FIRST, WaError, worst_exit_code
from wa_templates.plan.build import build
from wa_templates.plan.many import TargetPlan, each_at_once
from wa_templates.provider.base import Provider
from wa_templates.render import targets as render_targets
from wa_templates.render.plan import MARKDOWN_BUDGET

ACCOUNT = "5a9d3b1e-0c4f-4e8a-9b7d-2f6e1c3a8d40"
NAMES = ("alpha", "bravo", "charlie", "delta")


class Waiting:
    """A channel whose list call waits until every other target's list call has started: if
    the targets were read one after another, the first would wait for the others for ever
    (until the barrier's timeout, which breaks it and fails the run)."""

    description = "target waiting"

    def __init__(self, barrier: threading.Barrier, log: list[str], name: str) -> None:
        self.barrier = barrier
        self.log = log
        self.name = name

    def list_templates(self) -> list[ChannelTemplate]:
        self.log.append(self.name)
        self.barrier.wait()
        return []

    def close(self) -> None:
        pass


@pytest.fixture
def targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    tables = "".join(
        target_table(name, ACCOUNT, f"{name}-channel", "WA_TEST_KEY", region="eu") for name in NAMES
    )
    (tmp_path / "wa-templates.toml").write_text(tables)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "order_update.yaml").write_text(
        "name: order_update\ncategory: UTILITY\nlanguages:\n  en_US:\n    body:\n"
        '      text: "Hello {{1}}, your order has shipped and is on its way."\n'
        '      examples: ["Ana"]\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WA_TEST_KEY", "a-key-for-tests-0123456789")
    return tmp_path


def waiting_channels(monkeypatch: pytest.MonkeyPatch, timeout: float = 30) -> list[str]:
    log: list[str] = []
    barrier = threading.Barrier(len(NAMES), timeout=timeout)

    def opened(project: Project, name: str | None, sandbox: bool) -> tuple[Provider, Any]:
        assert name is not None
        return Waiting(barrier, log, name), made_for(name)

    monkeypatch.setattr(plan_command, "open_channel", opened)
    return log


def test_every_target_is_read_at_once(
    targets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = waiting_channels(monkeypatch)
    code = main(["plan", "--all-targets", "--detailed-exitcode"])
    out = capsys.readouterr().out
    assert code == 2, out
    assert sorted(log) == sorted(NAMES)
    assert out.count("+ template.order_update[en_US]  create") == len(NAMES)


def test_the_barrier_fails_a_run_that_reads_one_target_after_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The control for the test above: run one at a time, the first list call never returns.
    barrier = threading.Barrier(2, timeout=0.05)
    channel = Waiting(barrier, [], "alone")
    with pytest.raises(threading.BrokenBarrierError):
        channel.list_templates()


def test_the_files_are_checked_once_for_every_target(
    targets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    waiting_channels(monkeypatch)
    calls: list[Path] = []
    real = plan_command.checked_templates

    def counted(project: Project) -> Any:
        calls.append(project.root)
        return real(project)

    monkeypatch.setattr(plan_command, "checked_templates", counted)
    assert main(["plan", "--all-targets", "--format", "json"]) == 0
    assert len(calls) == 1
    capsys.readouterr()


def test_invalid_templates_stop_every_target_with_the_diagnostics_as_json(
    targets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = waiting_channels(monkeypatch)
    (targets / "templates" / "broken.yaml").write_text("name: broken\ncategory: UTILITY\n")
    assert main(["plan", "--all-targets", "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"rule": "WA005"' in out and log == []


def test_each_at_once_keeps_the_order_and_returns_errors_in_place() -> None:
    def work(item: int) -> int:
        if item == 2:
            raise WaError("two refused")
        return item * 10

    results = each_at_once(work, [1, 2, 3])
    assert results[0] == 10 and results[2] == 30
    assert isinstance(results[1], WaError) and str(results[1]) == "two refused"


def test_each_at_once_lets_bugs_through() -> None:
    def buggy(item: int) -> int:
        raise KeyError(item)

    with pytest.raises(KeyError):
        each_at_once(buggy, [1, 2])


@pytest.mark.parametrize(
    ("codes", "worst"),
    [
        ([0, 2], 2),
        ([2, 4], 4),
        ([4, 3, 2], 3),
        ([3, 1, 4], 1),
        ([0, 0], 0),
        ([], 0),
        ([0, 130], 130),  # a code no target is expected to give counts as worst
    ],
)
def test_the_worst_exit_code(codes: list[int], worst: int) -> None:
    assert worst_exit_code(codes) == worst


def test_worst_first_is_every_exit_code_of_plan_and_apply() -> None:
    assert sorted(WORST_FIRST) == [0, 1, 2, 3, 4]


# --- the comment ---------------------------------------------------------------------------


@given(st.lists(st.integers(0, 50_000), max_size=30), st.integers(0, 60_000))
def test_fair_shares_meet_small_needs_and_split_the_rest_equally(
    needs: list[int], room: int
) -> None:
    shares = render_targets.fair_shares(needs, room)
    assert sum(shares) <= room
    assert all(0 <= s <= n for s, n in zip(shares, needs, strict=True))
    short = [s for s, n in zip(shares, needs, strict=True) if s < n]
    # Whoever is cut gets the same (give or take the division's remainder), and no less than
    # anyone whose need was met in full.
    if short:
        assert max(short) - min(short) <= 1
        assert all(n <= max(short) + 1 for s, n in zip(shares, needs, strict=True) if s == n)
        assert room - sum(shares) < len(needs)
    else:
        assert shares == needs


def _result(name: str, sources: int, body: str = "has shipped.") -> TargetPlan:
    plan = build([order(body, name=f"t{i:03d}") for i in range(sources)], [], made_for(name), None)
    return TargetPlan(target=name, description=plan.target, exit_code=0, plan=plan)


def test_the_comment_holds_every_target_within_the_budget_shared_fairly() -> None:
    # One huge plan, one middling and one small: the small one is whole, the other two share
    # what is left, and together they stay within GitHub's limit.
    results = [
        _result("huge", 400, "x" * 400),
        _result("small", 1),
        _result("middle", 60, "y" * 300),
    ]
    out = render_targets.markdown(results)
    assert len(out) <= MARKDOWN_BUDGET
    outside_fences(out)
    assert out.count("<details>") == out.count("</details>")
    assert out.startswith("<!-- wa-templates-plan:target_huge+target_small+target_middle -->\n")
    sections = re.split(r"\n(?=### wa-templates plan for )", out)[1:]
    assert [s.split("\n", 1)[0] for s in sections] == [
        f"### wa-templates plan for target {name}" for name in ("huge", "small", "middle")
    ]
    small = render_targets.markdown([results[1]], budget=10**9)
    assert sections[1].strip() in small  # whole
    huge, middle = len(sections[0]), len(sections[2])
    assert abs(huge - middle) < 0.1 * max(huge, middle)  # the two big ones split the rest
    assert "| huge | 📝 **400 changes, applyable** | 400 | 0 | 0 | 0 |" in out


def test_many_targets_get_compact_sections_and_never_a_broken_comment() -> None:
    results = [_result(f"number_{i:03d}", 30, "z" * 200) for i in range(80)]
    out = render_targets.markdown(results)
    assert len(out) <= MARKDOWN_BUDGET
    outside_fences(out)
    assert out.count("<details>") == out.count("</details>")
    assert out.count("### wa-templates plan for target number&#95;") == 80
    # Each section shrank the way a plan's own comment shrinks: its details, then its table.
    assert out.count("30 more rows not shown.") == 80
    assert "cut to fit" not in out


def test_hundreds_of_targets_keep_the_table_and_say_how_many_were_left_out() -> None:
    results = [_result(f"a_rather_long_target_name_{i:04d}", 1) for i in range(700)]
    out = render_targets.markdown(results)
    assert len(out) <= MARKDOWN_BUDGET
    match = re.search(r"(\d+) target\(s\) left out to fit GitHub's comment limit", out)
    assert match and int(match.group(1)) > 0
    shown = out.count("### wa-templates plan for target ")
    assert shown + int(match.group(1)) == 700
    assert "more target(s) not in the table." in out


def test_a_target_without_a_plan_has_a_section_with_the_error() -> None:
    failed = TargetPlan(
        target="prod", description="target prod", exit_code=1, error="cannot reach <it>"
    )
    out = render_targets.markdown([_result("dev", 1), failed])
    assert "| prod | ❌ **No plan** (below) |  |  |  |  |" in out
    assert "### wa-templates plan for target prod\n\n❌ **No plan:** cannot reach &lt;it&gt;" in out


def test_a_target_name_cannot_break_the_table() -> None:
    result = _result("x|y", 1)
    out = render_targets.markdown([result])
    assert "| x&#124;y | 📝" in out


def test_a_section_that_cannot_shrink_into_its_share_is_shown_compact() -> None:
    # A hundred targets leave each about 500 characters: less than a plan's own heading,
    # verdict, counts and notes, so each shows its verdict, counts and the command to run.
    results = [_result(f"n{i:03d}", 3) for i in range(100)]
    out = render_targets.markdown(results)
    assert len(out) <= MARKDOWN_BUDGET
    assert out.count("Details left out to fit GitHub's comment limit: run <code>") == 100
    assert "**3** to create · **0** to recreate · **0** to delete · **0** blocked" in out
    assert "<code>wa-templates plan --target n042</code>" in out


class Approved:
    """A channel where order_update is approved with other content: its change is blocked."""

    description = "target approved"

    def list_templates(self) -> list[ChannelTemplate]:
        from wa_templates.channel.remote import parse

        item = {
            "templateName": "order_update",
            "language": "en_US",
            "category": "UTILITY",
            "status": "APPROVED",
            "components": [{"type": "BODY", "text": "Something else entirely, {{1}}."}],
        }
        return [parse(item)]

    def close(self) -> None:
        pass


def test_github_annotations_of_several_targets_name_each(
    targets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def opened(project: Project, name: str | None, sandbox: bool) -> tuple[Provider, Any]:
        assert name is not None
        return Approved(), made_for(name)  # type: ignore[return-value]

    monkeypatch.setattr(plan_command, "open_channel", opened)
    code = main(["plan", "--target", "alpha", "--target", "bravo", "--format", "github"])
    out = capsys.readouterr().out
    assert code == 3, out
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 2, out
    assert "title=alpha%3A blocked%3A template.order_update[en_US]" in errors[0]
    assert "title=bravo%3A blocked%3A template.order_update[en_US]" in errors[1]
    assert all("file=templates/order_update.yaml" in line for line in errors)


def test_github_annotations_say_on_stderr_which_target_got_no_plan(
    targets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def opened(project: Project, name: str | None, sandbox: bool) -> tuple[Provider, Any]:
        assert name is not None
        if name == "bravo":
            return Refusing(), made_for(name)  # type: ignore[return-value]
        return Approved(), made_for(name)  # type: ignore[return-value]

    monkeypatch.setattr(plan_command, "open_channel", opened)
    code = main(["plan", "--target", "alpha", "--target", "bravo", "--format", "github"])
    out, err = capsys.readouterr()
    assert code == 1, out + err  # the worst: an error outranks a blocked change
    assert "title=alpha%3A blocked" in out and "bravo" not in out
    assert "error: bravo: the key was refused" in err


class Refusing:
    description = "target refusing"

    def list_templates(self) -> list[ChannelTemplate]:
        raise WaError("the key was refused")

    def close(self) -> None:
        pass


def test_only_selects_the_same_templates_on_every_target(
    targets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    waiting_channels(monkeypatch)
    (targets / "templates" / "other_update.yaml").write_text(
        (targets / "templates" / "order_update.yaml")
        .read_text()
        .replace("name: order_update", "name: other_update")
        .replace("your order has shipped", "your other order has shipped")
    )
    code = main(["plan", "--all-targets", "--only", "order_*", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    document = json.loads(out)
    assert len(document["targets"]) == len(NAMES)
    for each in document["targets"]:
        plan = each["plan"]
        assert plan["selection"]["only"] == ["order_*"]
        assert plan["selection"]["left_out"] == ["other_update"]
        assert {c["name"] for c in plan["resource_changes"]} == {"order_update"}


class Rejected(Approved):
    """order_update listed REJECTED with other content, no timestamps: from the list alone a
    name never approved, which plan would delete and create again."""

    def list_templates(self) -> list[ChannelTemplate]:
        (template,) = super().list_templates()
        return [replace(template, status="REJECTED")]


def _rejected_everywhere(project: Project, name: str | None, sandbox: bool) -> tuple[Any, Any]:
    channel = Rejected()
    channel.target = name  # type: ignore[attr-defined]  # what _remembering_alpha looks at
    return channel, made_for(name or "")


def _remembering_alpha(provider: Any) -> Remembered | None:
    # Only alpha's history saw order_update approved (before Meta rejected it).
    if getattr(provider, "target", None) != "alpha":
        return None
    seen = Known(approved_at=datetime(2026, 11, 1, tzinfo=UTC), status="REJECTED")
    return Remembered({("order_update", "en_US"): seen})


def test_each_target_asks_its_own_history(
    targets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(plan_command, "open_channel", _rejected_everywhere)
    monkeypatch.setattr(plan_command, "memory_of", _remembering_alpha)
    code = main(["plan", "--target", "alpha", "--target", "bravo", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 3
    actions = {
        each["target"]: [c["action"] for c in each["plan"]["resource_changes"]]
        for each in document["targets"]
    }
    assert actions == {"alpha": ["blocked"], "bravo": ["recreate"]}


def test_apply_planfile_asks_the_targets_history_now(
    targets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from wa_templates.cli.commands import apply as apply_command

    monkeypatch.setattr(plan_command, "open_channel", _rejected_everywhere)
    monkeypatch.setattr(apply_command, "open_channel", _rejected_everywhere)
    # Planned without a history (a recreate), applied once alpha's history knows better.
    assert main(["plan", "--target", "alpha", "--out", "alpha.json"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(apply_command, "memory_of", _remembering_alpha)
    assert main(["apply", "alpha.json"]) == 3
    err = capsys.readouterr().err
    assert "template.order_update[en_US]" in err and "approved" in err
