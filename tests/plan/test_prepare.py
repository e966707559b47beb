"""plan.prepare: configuration checked strictly; validation before the channel is read."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from tests.plan.channel import simple
from wa_templates.channel.remote import ChannelTemplate, ListItem, parse_list
from wa_templates.config.project import Project
from wa_templates.errors import WaError
from wa_templates.plan.build import PlanOptions
from wa_templates.plan.prepare import InvalidTemplates, make_plan, plan_options


class Listing:
    description = "listing"

    def __init__(self, items: list[ListItem] | None = None) -> None:
        self.items = items or []
        self.lists = 0
        self.collector_was_enabled: bool | None = None

    def list_templates(self) -> list[ChannelTemplate]:
        self.lists += 1
        self.collector_was_enabled = gc.isenabled()
        return parse_list(self.items)


def project(tmp_path: Path, settings: dict[str, Any] | None = None) -> Project:
    (tmp_path / "templates").mkdir(exist_ok=True)
    return Project(tmp_path, settings or {}, tmp_path / "wa-templates.toml")


def test_defaults(tmp_path: Path) -> None:
    assert plan_options(project(tmp_path)) == PlanOptions()
    assert plan_options(project(tmp_path), prune=True, force=True) == PlanOptions(
        prune=True, force=True
    )


def test_settings_are_read(tmp_path: Path) -> None:
    settings = {
        "ignore": ["legacy_*"],
        "versioning": "suffix",
        "prune": True,
        "safety": {"max_names": 3, "max_fraction": 0.5},
    }
    assert plan_options(project(tmp_path, settings)) == PlanOptions(
        prune=True, ignore=("legacy_*",), versioning="suffix", max_names=3, max_fraction=0.5
    )


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"ignore": "legacy_*"}, "`ignore`"),
        ({"ignore": 5}, "`ignore`"),
        ({"ignore": ["a", 1]}, "`ignore`"),
        ({"versioning": "prefix"}, "`versioning`"),
        ({"prune": "false"}, "`prune`"),
        ({"safety": "strict"}, "`safety`"),
        ({"safety": {"max_names": "ten"}}, "`safety.max_names`"),
        ({"safety": {"max_names": -1}}, "`safety.max_names`"),
        ({"safety": {"max_names": True}}, "`safety.max_names`"),
        ({"safety": {"max_fraction": 30}}, "`safety.max_fraction`"),
        ({"safety": {"max_fraction": "30%"}}, "`safety.max_fraction`"),
    ],
)
def test_bad_settings_are_one_error(tmp_path: Path, settings: dict[str, Any], words: str) -> None:
    with pytest.raises(WaError, match=words.replace(".", r"\.")):
        plan_options(project(tmp_path, settings))


def test_invalid_templates_stop_before_the_channel_is_read(tmp_path: Path) -> None:
    proj = project(tmp_path)
    (tmp_path / "templates" / "t.yaml").write_text("name: t\ncategory: NEWS\nlanguages: {}\n")
    channel = Listing()
    with pytest.raises(InvalidTemplates) as caught:
        make_plan(proj, channel, PlanOptions())  # type: ignore[arg-type]
    assert caught.value.report.errors >= 1
    assert channel.lists == 0 and gc.isenabled()


def test_plan_is_made_with_the_collector_paused_and_it_comes_back(tmp_path: Path) -> None:
    proj = project(tmp_path)
    (tmp_path / "templates" / "order_update.yaml").write_text(simple("order_update"))
    channel = Listing()
    plan = make_plan(proj, channel, PlanOptions())  # type: ignore[arg-type]
    assert [c.address for c in plan.changes] == ["template.order_update[en_US]"]
    assert plan.target == "listing"
    assert channel.lists == 1 and channel.collector_was_enabled is False
    assert gc.isenabled()


def test_collector_stays_off_if_it_was_off(tmp_path: Path) -> None:
    proj = project(tmp_path)
    gc.disable()
    try:
        make_plan(proj, Listing(), PlanOptions())  # type: ignore[arg-type]
        assert not gc.isenabled()
    finally:
        gc.enable()
