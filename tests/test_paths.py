"""Paths stay inside the repository: which files are templates, and where a path may lead.

A template file, a folder of them, and a local media sample must resolve (symlinks followed)
inside the project root; otherwise WA013 names the file, and not one byte behind it is read.
"""

from __future__ import annotations

import builtins
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.apply.test_media import CAROUSEL, MEDIA
from tests.plan.channel import simple
from wa_templates.cli.main import main
from wa_templates.files import load, regular
from wa_templates.files.diagnostics import Diagnostic
from wa_templates.files.load import discover, load_file
from wa_templates.rules.check import check_paths
from wa_templates.rules.media import clip


def good(name: str) -> str:
    return simple(name, body=f"Hello {{{{1}}}}, your order {name} has shipped.")


SECRET = "SECRET-CANARY-0f3a"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tmp/project (with templates/ and a config) beside tmp/outside, which holds secrets."""
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    (root / "wa-templates.toml").write_text("")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"name: {SECRET}\n# {SECRET}\n")
    (outside / "secret.png").write_bytes(b"\x89PNG " + SECRET.encode())
    (outside / "more").mkdir()
    (outside / "more" / "hidden_template.yaml").write_text(good("hidden_template"))
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path the loader opens."""
    seen: list[str] = []
    real_open = builtins.open

    def recording(file: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(os.path.realpath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(regular, "open", recording, raising=False)
    yield seen


def shown(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"{d.file}:{d.line} {d.rule} {d.message}" for d in diagnostics)


# --- template files -----------------------------------------------------------------------


def test_a_template_symlinked_out_of_the_project_is_wa013_and_never_read(
    project: Path, opened: list[str]
) -> None:
    write(project / "templates" / "good.yaml", good("good"))
    (project / "templates" / "p.yaml").symlink_to(project.parent / "outside" / "secret.yaml")
    report = check_paths([project / "templates"], root=project)
    [d] = report.diagnostics
    assert (Path(d.file).name, d.line, d.column, d.rule) == ("p.yaml", 1, 1, "WA013")
    assert "resolves outside the project root through a symlink; it was not read" in d.message
    assert SECRET not in shown(report.diagnostics)
    assert not [p for p in opened if "outside" in p]  # not one byte of it was read
    assert [s.template.name for s in report.sources] == ["good"]
    assert report.unloaded == [str(project / "templates" / "p.yaml")]


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="no /etc/passwd here")
def test_validate_never_prints_the_start_of_etc_passwd(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    Path("templates", "p.yaml").symlink_to("/etc/passwd")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    first = Path("/etc/passwd").read_text().split(":", 1)[0]
    assert out.startswith(os.path.join("templates", "p.yaml") + ":1:1: WA013 [error]")
    assert f"{first}:" not in out and "/bin/" not in out


def test_symlinks_that_stay_inside_the_project_are_followed(project: Path) -> None:
    write(project / "shared" / "a.yaml", good("a"))
    write(project / "common" / "b.yaml", good("b"))
    (project / "templates" / "a.yaml").symlink_to(Path("..", "shared", "a.yaml"))
    (project / "templates" / "common").symlink_to(project / "common")
    report = check_paths([project / "templates"], root=project)
    assert report.diagnostics == []
    assert sorted(s.template.name for s in report.sources) == ["a", "b"]


def test_a_folder_symlinked_out_of_the_project_is_wa013_and_not_walked(
    project: Path, opened: list[str]
) -> None:
    (project / "templates" / "more").symlink_to(project.parent / "outside" / "more")
    report = check_paths([project / "templates"], root=project)
    [d] = report.diagnostics
    assert (Path(d.file).name, d.rule) == ("more", "WA013")
    assert d.message.startswith("folder resolves outside the project root")
    assert report.sources == [] and opened == []
    assert report.unloaded == [str(project / "templates" / "more")]


def test_the_templates_folder_itself_linked_out_of_the_project_is_wa013(project: Path) -> None:
    (project / "templates").rmdir()
    (project / "templates").symlink_to(project.parent / "outside" / "more")
    report = check_paths([project / "templates"], root=project)
    assert [(d.rule, d.message.split(" through")[0]) for d in report.diagnostics] == [
        ("WA013", "folder resolves outside the project root")
    ]
    assert report.sources == []


def test_a_symlink_loop_is_walked_once(project: Path) -> None:
    write(project / "templates" / "a.yaml", good("a"))
    (project / "templates" / "again").symlink_to(project / "templates")
    (project / "templates" / "sub").mkdir()
    (project / "templates" / "sub" / "up").symlink_to(project / "templates")
    report = check_paths([project / "templates"], root=project)
    assert report.diagnostics == []  # no WA011: the one file was found once
    assert [s.template.name for s in report.sources] == ["a"]


def test_the_check_is_made_when_the_file_is_read_not_only_when_it_is_found(
    project: Path, opened: list[str]
) -> None:
    path = write(project / "templates" / "a.yaml", good("a"))
    files, _ = discover([project / "templates"], project)
    assert files == [path]
    path.unlink()
    path.symlink_to(project.parent / "outside" / "secret.yaml")  # swapped after discovery
    source, [d] = load_file(path, project)
    assert source is None and d.rule == "WA013" and opened == []


def test_a_symlink_swapped_in_after_the_containment_check_is_not_followed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file is opened at its resolved path with O_NOFOLLOW: a link put there between the
    # check and the open fails to open rather than leading out of the project.
    link = project / "templates" / "a.yaml"
    link.symlink_to(project.parent / "outside" / "secret.yaml")
    monkeypatch.setattr(load.Containment, "resolve", lambda self, path: str(link))
    source, [d] = load_file(link, project)
    assert source is None
    assert (d.rule, d.message) == ("WA000", f"cannot read file: {os.strerror(errno.ELOOP)}")
    assert SECRET not in d.message


def test_a_file_named_from_outside_the_project_may_not_leave_its_folder(tmp_path: Path) -> None:
    # `validate /elsewhere/x.yaml`: there is no project to stay in, so its folder is the limit.
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "real" / "a.yaml", good("a"))
    (elsewhere / "a.yaml").symlink_to(elsewhere / "real" / "a.yaml")
    write(tmp_path / "other" / "b.yaml", good("b"))
    (elsewhere / "b.yaml").symlink_to(tmp_path / "other" / "b.yaml")
    root = tmp_path / "project"
    root.mkdir()
    source, problems = load_file(elsewhere / "a.yaml", root)
    assert source is not None and problems == []
    source, [d] = load_file(elsewhere / "b.yaml", root)
    assert source is None and d.rule == "WA013"
    assert d.message.startswith("file resolves outside its folder")


# --- which files are templates ------------------------------------------------------------


def test_yaml_and_yml_in_any_case_are_templates_and_hidden_or_other_files_are_not(
    project: Path,
) -> None:
    templates = project / "templates"
    for name in ("a.yaml", "b.YAML", "c.yml", "d.Yml", "sub/e.YaMl"):
        write(templates / name, "")
    ignored = [
        ".hidden.yaml",  # hidden on purpose
        ".#a.yaml",  # an editor's lock file
        "._b.YAML",  # macOS metadata
        ".drafts/f.yaml",  # a hidden folder
        "a.yaml~",  # a backup
        "a.yaml.bak",
        "#a.yaml#",
        "notes.txt",
        "banner.png",  # a media sample
        "g.j2",
        "README.md",
    ]
    for name in ignored:
        write(templates / name, "")
    files, problems = discover([templates], project)
    assert problems == []
    assert [f.relative_to(templates).as_posix() for f in files] == [
        "a.yaml",
        "b.YAML",
        "c.yml",
        "d.Yml",
        "sub/e.YaMl",
    ]


def test_an_upper_case_suffix_loads_and_wa010_keeps_it_in_the_rename_hint(project: Path) -> None:
    write(project / "templates" / "order.YAML", good("order"))
    write(project / "templates" / "x.YML", good("other"))
    report = check_paths([project / "templates"], root=project)
    assert [s.template.name for s in report.sources] == ["order", "other"]
    [d] = report.diagnostics
    assert d.rule == "WA010" and "rename the file to other.YML" in d.message


def test_a_folder_that_cannot_be_listed_is_wa000_not_skipped(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As for an unreadable folder (chmod 000 does not stop root, who may run the tests).
    write(project / "templates" / "a.yaml", good("a"))
    write(project / "templates" / "locked" / "b.yaml", good("b"))
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = check_paths([project / "templates"], root=project)
    [d] = report.diagnostics
    assert (Path(d.file).name, d.rule, d.message) == (
        "locked",
        "WA000",
        "cannot read folder: Permission denied",
    )
    assert [s.template.name for s in report.sources] == ["a"]
    assert report.unloaded == [str(project / "templates" / "locked")]


# --- media samples ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sample",
    ["../../outside/secret.png", "{outside}/secret.png", "../assets/secret.png"],
    ids=["dot-dot", "absolute", "through-a-symlinked-folder"],
)
def test_a_media_sample_out_of_the_project_is_wa013_at_its_line(project: Path, sample: str) -> None:
    outside = project.parent / "outside"
    (project / "assets").symlink_to(outside)  # a folder of the project, leading out
    value = sample.format(outside=outside)
    write(project / "templates" / "sale.yaml", MEDIA.format(name="sale", sample=value))
    report = check_paths([project / "templates"], root=project)
    [d] = report.diagnostics  # WA013 only: WA704 never looks at the outside file
    assert (d.rule, d.line, d.column) == ("WA013", 7, 18)
    assert d.message == (
        f"media sample '{clip(value)}' resolves outside the project root; apply uploads only files "
        "inside the repository"
    )
    assert report.sources == [] and report.unloaded == [str(project / "templates" / "sale.yaml")]


def test_a_media_sample_inside_the_project_is_fine_wherever_it_is(project: Path) -> None:
    write(project / "media" / "banner.png", "png")
    write(
        project / "templates" / "sale.yaml", MEDIA.format(name="sale", sample="../media/banner.png")
    )
    report = check_paths([project / "templates"], root=project)
    assert report.diagnostics == [] and report.unloaded == []


def test_a_carousel_card_sample_out_of_the_project_is_wa013_at_its_line(project: Path) -> None:
    write(project / "templates" / "media" / "boots.png", "png")
    text = CAROUSEL.replace("https://cdn.example.com/scarf.png", "../../outside/secret.png")
    write(project / "templates" / "picks.yaml", text)
    [d] = check_paths([project / "templates"], root=project).diagnostics
    assert (d.rule, d.line) == ("WA013", 12)
