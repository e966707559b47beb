"""`wa-templates config`: resolved settings and targets with their sources, never a key."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from tests.config.test_settings import ACCOUNT, KEY
from tests.helpers import run
from wa_templates.provider.redact import MASK, without_password

CONFIG = textwrap.dedent(
    f"""\
    ignore = ["legacy_*"]

    [safety]
    max_fraction = 0.5

    [targets.prod]
    account_id = "{ACCOUNT}"
    channel_id = "chan"
    region = "eu"
    api_key_env = "WA_PROD_KEY"
    history = "postgresql://wa:s3cret-password@db.example/history"

    [targets.local]
    account_id = "{ACCOUNT}"
    channel_id = "chan"
    base_url = "http://127.0.0.1:8088"
    api_key_env = "WA_LOCAL_KEY"
    default = true
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WA_PROD_KEY", KEY)
    monkeypatch.setenv("WA_LOCAL_KEY", "  ")
    return tmp_path


def test_text_names_each_source_and_never_the_key(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "wa-templates.toml").write_text(CONFIG)
    code, out, err = run(capsys, "config")
    assert (code, err) == (0, "")
    assert KEY not in out
    rows = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()]
    assert rows == [
        [f"Project root: {project.resolve()}"],
        ["Configuration: wa-templates.toml"],
        [""],
        ["Settings:"],
        ["templates_dir", '"templates"', "default"],
        ["ignore", '["legacy_*"]', "wa-templates.toml:1"],
        ["versioning", "(none)", "default"],
        ["prune", "false", "default"],
        ["safety.max_names", "10", "default"],
        ["safety.max_fraction", "0.5", "wa-templates.toml:4"],
        [""],
        ["Target prod: wa-templates.toml:6"],
        ["account_id", f'"{ACCOUNT}"', "wa-templates.toml:7"],
        ["channel_id", '"chan"', "wa-templates.toml:8"],
        ["subaccount_id", "(none)", "default"],
        ["region", '"eu"', "wa-templates.toml:9"],
        ["base_url", "(none)", "default"],
        ["api_key_env", '"WA_PROD_KEY"', "wa-templates.toml:10"],
        ["default", "false", "default"],
        ["history", '"postgresql://wa:***@db.example/history"', "wa-templates.toml:11"],
        ["waba_id", "(none)", "default"],
        ["url", '"https://chatapps.8x8.uk"', "from region eu"],
        ["API key", "WA_PROD_KEY is set", "environment"],
        [""],
        ["Target local (used when no --target is given): wa-templates.toml:13"],
        ["account_id", f'"{ACCOUNT}"', "wa-templates.toml:14"],
        ["channel_id", '"chan"', "wa-templates.toml:15"],
        ["subaccount_id", "(none)", "default"],
        ["region", "(none)", "default"],
        ["base_url", '"http://127.0.0.1:8088"', "wa-templates.toml:16"],
        ["api_key_env", '"WA_LOCAL_KEY"', "wa-templates.toml:17"],
        ["default", "true", "wa-templates.toml:18"],
        ["history", "(none)", "default"],
        ["waba_id", "(none)", "default"],
        ["url", '"http://127.0.0.1:8088"', "from base_url"],
        ["API key", "WA_LOCAL_KEY is empty", "environment"],
    ]
    assert "s3cret-password" not in out


def test_json_for_tools(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.wa-templates]\nprune = true\n'
        f'[tool.wa-templates.targets.prod]\naccount_id = "{ACCOUNT}"\nchannel_id = "c"\n'
        'region = "us"\napi_key_env = "WA_NOT_THERE"\n'
    )
    code, out, _ = run(capsys, "config", "--format", "json")
    assert code == 0 and KEY not in out
    document = json.loads(out)
    assert document["file"] == "pyproject.toml"
    assert document["settings"]["prune"] == {
        "value": True,
        "source": {"kind": "file", "file": "pyproject.toml", "line": 5},
    }
    assert document["settings"]["safety.max_names"] == {"value": 10, "source": {"kind": "default"}}
    prod = document["targets"]["prod"]
    assert prod["default"] is True
    assert prod["source"] == {"kind": "file", "file": "pyproject.toml", "line": 6}
    assert prod["api_key"] == {"variable": "WA_NOT_THERE", "state": "not set"}
    assert prod["settings"]["url"] == {
        "value": "https://chatapps.us.8x8.com",
        "source": {"kind": "derived", "detail": "from region us"},
    }


def test_without_a_configuration_every_setting_is_a_default(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert "Configuration: none: every setting has its default" in out
    assert "Targets: none (add a [targets.NAME] table, or use --sandbox)" in out
    assert all(line.endswith("default") for line in out.splitlines()[4:10])


def test_text_from_the_file_reaches_the_terminal_harmless(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "wa-templates.toml").write_text('ignore = ["\\u001b[2Jx\\u202e"]\n')
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("postgresql://wa:s3cret@db.example/hist", f"postgresql://wa:{MASK}@db.example/hist"),
        ("sqlite:///.wa-templates/history.db", "sqlite:///.wa-templates/history.db"),
        ("https://user@host/x", "https://user@host/x"),
        ("postgresql://wa:s3cret@[::1/x", MASK),
    ],
)
def test_passwords_in_urls_are_masked(value: str, shown: str) -> None:
    assert without_password(value) == shown
