"""plan.prepare: configuration checked strictly; validation before the channel is read."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from tests.plan.channel import made_for, simple
from wa_templates.channel.remote import ChannelTemplate, ListItem, parse_list
from wa_templates.config.project import Project, project_of
from wa_templates.errors import WaError
from wa_templates.plan.build import PlanOptions
from wa_templates.plan.model import ChannelBinding
from wa_templates.plan.prepare import (
    InvalidTemplates,
    ListedMeanwhile,
    PruneRefused,
    checked_templates,
    make_plan,
    plan_options,
)
from wa_templates.rules.check import check_paths


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
    return project_of(tmp_path, settings or {}, tmp_path / "wa-templates.toml")


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
        ({"ignore": "legacy_*"}, "'ignore' must be a list, not a string"),
        ({"ignore": 5}, "'ignore' must be a list, not 5"),
        ({"ignore": ["a", 1]}, "'ignore[1]' must be a string, not 1"),
        ({"versioning": "prefix"}, "'versioning' must be one of 'suffix', not a string"),
        ({"prune": "false"}, "'prune' must be true or false, not a string"),
        ({"safety": "strict"}, "'safety' must be a table, not a string"),
        ({"safety": {"max_names": "ten"}}, "'safety.max_names' must be a whole number"),
        ({"safety": {"max_names": -1}}, "'safety.max_names' must be at least 0, not -1"),
        ({"safety": {"max_names": True}}, "'safety.max_names' must be a whole number, not true"),
        ({"safety": {"max_fraction": 30}}, "'safety.max_fraction' must be at most 1, not 30"),
        ({"safety": {"max_fraction": "30%"}}, "'safety.max_fraction' must be a number"),
    ],
)
def test_bad_settings_are_one_error(tmp_path: Path, settings: dict[str, Any], words: str) -> None:
    with pytest.raises(WaError) as caught:
        plan_options(project(tmp_path, settings))
    assert str(caught.value).startswith(f"wa-templates.toml: {words}")


def test_invalid_templates_stop_before_the_channel_is_read(tmp_path: Path) -> None:
    proj = project(tmp_path)
    (tmp_path / "templates" / "t.yaml").write_text("name: t\ncategory: NEWS\nlanguages: {}\n")
    channel = Listing()
    with pytest.raises(InvalidTemplates) as caught:
        make_plan(proj, channel, made_for("listing"), PlanOptions())  # type: ignore[arg-type]
    assert caught.value.report.errors >= 1
    assert channel.lists == 0 and gc.isenabled()


def test_plan_is_made_with_the_collector_paused_and_it_comes_back(tmp_path: Path) -> None:
    proj = project(tmp_path)
    (tmp_path / "templates" / "order_update.yaml").write_text(simple("order_update"))
    channel = Listing()
    plan = make_plan(proj, channel, made_for("listing"), PlanOptions())  # type: ignore[arg-type]
    assert [c.address for c in plan.changes] == ["template.order_update[en_US]"]
    assert plan.target == "target listing"
    assert channel.lists == 1 and channel.collector_was_enabled is False
    assert gc.isenabled()


def test_collector_stays_off_if_it_was_off(tmp_path: Path) -> None:
    proj = project(tmp_path)
    gc.disable()
    try:
        make_plan(proj, Listing(), made_for("listing"), PlanOptions())  # type: ignore[arg-type]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_prune_is_refused_while_any_file_under_the_templates_folder_did_not_load(
    tmp_path: Path,
) -> None:
    # A template that could not be read is not a template to delete: its name on the channel
    # would look unmanaged. Errors stop plan anyway; this holds even for a caller that goes on.
    proj = project(tmp_path)
    (tmp_path / "templates" / "order_update.yaml").write_text(simple("order_update"))
    (tmp_path / "templates" / "broken.yml").write_text("name: [unclosed\n")
    (tmp_path / "templates" / "sub").mkdir()
    (tmp_path / "templates" / "sub" / "linked.yaml").symlink_to("/nonexistent/outside.yaml")
    report = check_paths([proj.templates_dir], root=proj.root)
    channel = Listing([{"templateName": "broken", "language": "en_US", "status": "APPROVED"}])
    with pytest.raises(PruneRefused) as caught:
        make_plan(proj, channel, made_for("listing"), PlanOptions(prune=True), report)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("--prune refused: 2 file(s) under the templates folder did not load")
    assert "broken.yml" in message and "linked.yaml" in message
    assert "nothing on the channel was read" in message
    assert channel.lists == 0
    # It is --prune that is refused: without it, the same report makes a plan.
    plan = make_plan(proj, channel, made_for("listing"), PlanOptions(), report)  # type: ignore[arg-type]
    assert channel.lists == 1 and plan.target == "target listing"


def test_prune_refusal_names_five_files_and_counts_the_rest(tmp_path: Path) -> None:
    refused = PruneRefused([f"templates/t{n}.yaml" for n in range(8)])
    assert "templates/t4.yaml and 3 more" in str(refused)
    assert "t5.yaml" not in str(refused)


def test_the_templates_are_checked_against_the_project_root(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    proj = project(root)
    (tmp_path / "secret.yaml").write_text(simple("secret"))
    (root / "templates" / "secret.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(InvalidTemplates) as caught:
        checked_templates(proj)
    [d] = caught.value.report.diagnostics
    assert d.rule == "WA013" and "the project root" in d.message


def test_a_refusal_after_the_list_was_read_meanwhile_says_it_was_set_aside() -> None:
    refused = str(PruneRefused(["templates/t.yaml"], channel_read=True))
    assert refused.endswith(
        "the channel's list, read meanwhile, was set aside: nothing on it was changed"
    )
    assert "nothing on the channel was read" not in refused


class Closing(Listing):
    def __init__(self, error: Exception | None = None) -> None:
        super().__init__()
        self.error = error
        self.closed = 0

    def list_templates(self) -> list[ChannelTemplate]:
        if self.error is not None:
            raise self.error
        return super().list_templates()

    def close(self) -> None:
        self.closed += 1


def test_an_error_met_listing_meanwhile_is_raised_when_the_provider_is_asked_for() -> None:
    channel = Closing(WaError("cannot reach 8x8"))
    listing = ListedMeanwhile(lambda: (channel, made_for("listing")))  # type: ignore[arg-type,return-value]
    listing()  # what check_paths calls while its workers check the files
    assert listing.requested and listing.listed is None
    with pytest.raises(WaError, match="cannot reach 8x8"):
        listing.opened()
    listing.close()
    assert channel.closed == 1


def test_without_workers_the_target_is_opened_afterwards_once() -> None:
    channel = Closing()
    opened: list[Closing] = []

    def open_channel() -> tuple[Closing, ChannelBinding]:
        opened.append(channel)
        return channel, made_for("listing")

    listing = ListedMeanwhile(open_channel)  # type: ignore[arg-type]
    first, again = listing.opened(), listing.opened()
    assert first is again and opened == [channel]
    assert not listing.requested and listing.listed is None
    listing.close()
    assert channel.closed == 1 and channel.lists == 0
