"""cli.options.from_root: the one way plan, apply and drift name a template file."""

from __future__ import annotations

from pathlib import Path

import pytest

from wa_templates.cli.options import from_root


def test_a_file_inside_the_root_is_relative_to_it_wherever_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path.resolve()
    (root / "templates" / "sub").mkdir(parents=True)
    monkeypatch.chdir(root / "templates" / "sub")
    assert from_root("../a.yaml", root) == "templates/a.yaml"
    assert from_root(str(root / "templates" / "a.yaml"), root) == "templates/a.yaml"


def test_a_file_outside_the_root_is_absolute_so_it_resolves_from_the_root_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = (tmp_path / "project").resolve()
    (root).mkdir()
    (tmp_path / "shared").mkdir()
    monkeypatch.chdir(root)
    shown = from_root("../shared/a.yaml", root)
    assert shown == str((tmp_path / "shared").resolve() / "a.yaml")
    assert (root / shown).parent == (tmp_path / "shared").resolve()


def test_a_symlinked_folder_is_resolved_but_the_file_name_is_kept(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "real").mkdir()
    (root / "link").symlink_to(root / "real")
    assert from_root(str(root / "link" / "a.yaml"), root) == "real/a.yaml"


def test_folders_resolved_once_give_the_same_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = (tmp_path / "project").resolve()
    (root / "real").mkdir(parents=True)
    (root / "link").symlink_to(root / "real")
    (tmp_path / "shared").mkdir()
    monkeypatch.chdir(root / "real")
    paths = ["a.yaml", "b.yaml", "../link/c.yaml", str(root / "link" / "d.yaml"), "../../shared/e"]
    folders: dict[str, str] = {}
    assert [from_root(p, root, folders) for p in paths] == [from_root(p, root) for p in paths]
    assert sorted(folders) == sorted(
        [str(root / "real"), str(root / "link"), str(tmp_path / "shared")]
    )
