"""config.settings: one schema for wa-templates.toml and [tool.wa-templates], every problem with
its file and line, through the commands that read it."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from tests.helpers import run
from wa_templates.config.project import find_project
from wa_templates.config.settings import ConfigError, Settings, read_settings
from wa_templates.errors import WaError

ACCOUNT = "0f8e2a6c-1d3b-4e5f-9a7b-8c6d5e4f3a21"
KEY = "CANARY-KEY-0123456789"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str, name: str = "wa-templates.toml") -> None:
    (folder / name).write_text(textwrap.dedent(text))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "prnue = true\n",
            "error: wa-templates.toml:1: unknown key 'prnue'; did you mean 'prune'?",
        ),
        (
            "[safety]\nmax_name = 3\n",
            "error: wa-templates.toml:2: unknown key 'max_name' in [safety]; "
            "did you mean 'max_names'?",
        ),
        (
            'templates_dirs = "x"\n',
            "error: wa-templates.toml:1: unknown key 'templates_dirs'; "
            "did you mean 'templates_dir'?",
        ),
    ],
)
@pytest.mark.parametrize("command", [["validate"], ["plan", "--sandbox"], ["config"]])
def test_the_typos_of_the_issue_are_errors_everywhere(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    error: str,
    command: list[str],
) -> None:
    write(project, text)
    code, out, err = run(capsys, *command)
    assert (code, out, err) == (1, "", error + "\n")
    assert not (project / ".wa-templates").exists()  # the channel was never opened


def test_every_problem_at_once_in_line_order(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        f"""\
        ignore = ["a", 3]
        versioning = "prefix"

        [safety]
        max_fraction = 30
        max_names = -1

        [targets.prod]
        account_id = "{ACCOUNT}"
        chanel_id = "x"
        region = "eu"
        api_key = "{KEY}"
        api_key_env = "WA_KEY"
        colour = "blue"
        """,
    )
    code, out, err = run(capsys, "validate")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "error: wa-templates.toml:1: 'ignore[1]' must be a string, not 3",
        "error: wa-templates.toml:2: 'versioning' must be one of 'suffix', not a string",
        "error: wa-templates.toml:5: 'safety.max_fraction' must be at most 1, not 30",
        "error: wa-templates.toml:6: 'safety.max_names' must be at least 0, not -1",
        "error: wa-templates.toml:8: 'targets.prod.channel_id' is missing",
        "error: wa-templates.toml:10: unknown key 'chanel_id' in [targets.prod]; "
        "did you mean 'channel_id'?",
        "error: wa-templates.toml:12: unknown key 'api_key' in [targets.prod]: is not read: "
        "keep the key out of files; put it in an environment variable and give that "
        "variable's name as api_key_env",
        "error: wa-templates.toml:14: unknown key 'colour' in [targets.prod]; allowed: "
        + ", ".join(Settings.model_fields["targets"].annotation.__args__[1].model_fields),  # type: ignore[union-attr]
    ]
    assert KEY not in err


def test_pyproject_tables_name_their_tool_table_and_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        """\
        [project]
        name = "shop"

        [tool.wa-templates]
        prune = "yes"

        [tool.wa-templates.targets.prod]
        account_id = "x"
        """,
        "pyproject.toml",
    )
    code, _, err = run(capsys, "validate")
    assert code == 1
    assert err.splitlines() == [
        "error: pyproject.toml:5: 'tool.wa-templates.prune' must be true or false, not a string",
        "error: pyproject.toml:7: 'tool.wa-templates.targets.prod.channel_id' is missing",
        "error: pyproject.toml:7: 'tool.wa-templates.targets.prod.api_key_env' is missing",
        "error: pyproject.toml:8: 'tool.wa-templates.targets.prod.account_id': 'x' is not an "
        "8x8 account id (a UUID: 32 hex digits)",
    ]


def test_a_pyproject_without_the_tool_table_is_no_configuration(project: Path) -> None:
    write(project, '[project]\nname = "shop"\n', "pyproject.toml")
    found = find_project(project)
    assert (found.root, found.source, found.settings) == (project, None, Settings())


def test_wa_templates_toml_wins_over_pyproject(project: Path) -> None:
    write(project, "[tool.wa-templates]\nprune = true\n", "pyproject.toml")
    write(project, 'templates_dir = "wa"\n')
    found = find_project(project)
    assert found.source == project / "wa-templates.toml"
    assert (found.settings.templates_dir, found.settings.prune) == ("wa", False)


def test_dotted_keys_and_inline_tables_are_located_too(project: Path) -> None:
    write(project, 'safety = { max_names = 3, max_fractoin = 0.5 }\ntargets.prod.regoin = "eu"\n')
    with pytest.raises(ConfigError) as caught:
        find_project(project)
    assert caught.value.problems[0] == (
        "wa-templates.toml:1: unknown key 'max_fractoin' in [safety]; did you mean 'max_fraction'?"
    )
    assert (
        "wa-templates.toml:2: unknown key 'regoin' in [targets.prod]; did you mean 'region'?"
        in (caught.value.problems)
    )


def test_two_default_targets_point_at_the_second(project: Path) -> None:
    target = f'account_id = "{ACCOUNT}"\nchannel_id = "c"\nregion = "eu"\napi_key_env = "K"\n'
    write(project, f"[targets.a]\n{target}default = true\n[targets.b]\n{target}default = true\n")
    with pytest.raises(ConfigError) as caught:
        find_project(project)
    assert caught.value.problems == [
        "wa-templates.toml:12: targets a, b are all marked default = true; mark only one"
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("1979-05-27", "a date"), ("[1, 2]", "a list"), ("{}", "a table"), ("1.5", "1.5")],
)
def test_wrong_types_say_what_was_found(project: Path, value: str, shown: str) -> None:
    write(project, f"templates_dir = {value}\n")
    with pytest.raises(ConfigError) as caught:
        find_project(project)
    assert caught.value.problems == [
        f"wa-templates.toml:1: 'templates_dir' must be a string, not {shown}"
    ]


@pytest.mark.parametrize("value", ["/etc", "../", "templates/../../x", "C:\\\\t", "..\\\\up"])
def test_templates_dir_stays_inside_the_project(project: Path, value: str) -> None:
    write(project, f'templates_dir = "{value}"\n')
    with pytest.raises(ConfigError) as caught:
        find_project(project)
    assert caught.value.problems == [
        "wa-templates.toml:1: 'templates_dir': must be a folder inside the project, relative to "
        "its root (no leading / and no ..)"
    ]


@pytest.mark.parametrize("value", ["templates", "./templates/", "config/wa/templates", "..x"])
def test_templates_dir_inside_the_project_is_fine(project: Path, value: str) -> None:
    write(project, f'templates_dir = "{value}"\n')
    assert find_project(project).settings.templates_dir == value


def test_text_values_are_never_echoed(project: Path) -> None:
    write(project, f'templates_dir = "templates"\nprune = "{KEY}"\n[targets]\nprod = "{KEY}"\n')
    with pytest.raises(ConfigError) as caught:
        find_project(project)
    assert KEY not in str(caught.value)
    assert caught.value.problems == [
        "wa-templates.toml:2: 'prune' must be true or false, not a string",
        "wa-templates.toml:4: 'targets.prod' must be a table, not a string",
    ]


def test_invalid_toml_and_unreadable_files(project: Path) -> None:
    write(project, "prune = \n")
    with pytest.raises(WaError, match=r"wa-templates.toml: invalid TOML: .*line 1"):
        find_project(project)
    (project / "wa-templates.toml").write_bytes(b"prune = true\n" + b"#" * (1024 * 1024))
    with pytest.raises(WaError, match="over the 1024 KiB a configuration may be"):
        find_project(project)
    (project / "wa-templates.toml").unlink()
    os.mkfifo(project / "wa-templates.toml.fifo")
    (project / "wa-templates.toml").symlink_to(project / "wa-templates.toml.fifo")
    with pytest.raises(WaError, match=r"not a regular file \(a FIFO\)"):
        find_project(project)
    (project / "wa-templates.toml").unlink()
    (project / "wa-templates.toml").write_bytes(b"prune = true # \xff\n")
    with pytest.raises(WaError, match="cannot read configuration: 'utf-8' codec"):
        find_project(project)


def test_the_tool_table_must_be_a_table(project: Path) -> None:
    write(project, '[tool]\nwa-templates = "on"\n', "pyproject.toml")
    with pytest.raises(
        WaError, match=r"^pyproject.toml:2: \[tool.wa-templates\] must be a table, not a string$"
    ):
        find_project(project)


def test_settings_without_a_file_are_named_as_wa_templates_toml() -> None:
    with pytest.raises(ConfigError) as caught:
        read_settings({"prnue": True})
    assert caught.value.problems == [
        "wa-templates.toml: unknown key 'prnue'; did you mean 'prune'?"
    ]
