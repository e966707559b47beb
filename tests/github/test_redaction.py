"""Which values the action's helpers hide, and where it learns the key variables' names."""

from __future__ import annotations

from pathlib import Path

import pytest
import redaction


def test_key_variables_come_from_wa_templates_toml(tmp_path: Path) -> None:
    (tmp_path / "wa-templates.toml").write_text(
        '[targets.prod]\napi_key_env = "PROD_KEY"\n[targets.dev]\napi_key_env = "DEV_KEY"\n'
        "[targets.odd]\napi_key_env = 3\n[targets.flat]\n",
        encoding="utf-8",
    )
    assert redaction.key_env_names(tmp_path) == ["PROD_KEY", "DEV_KEY"]


def test_or_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.wa-templates.targets.prod]\napi_key_env = "PY_KEY"\n', encoding="utf-8"
    )
    assert redaction.key_env_names(tmp_path) == ["PY_KEY"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("wa-templates.toml", "[targets\n"),
        ("wa-templates.toml", "targets = 1\n"),
        ("pyproject.toml", "[tool]\nwa-templates = 1\n"),
        ("pyproject.toml", "tool = 1\n"),
    ],
)
def test_a_configuration_it_cannot_read_names_nothing(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert redaction.key_env_names(tmp_path) == []


def test_not_utf8_names_nothing(tmp_path: Path) -> None:
    (tmp_path / "wa-templates.toml").write_bytes(b"\xff\xfe")
    assert redaction.key_env_names(tmp_path) == []


def test_secret_values_and_redaction(tmp_path: Path) -> None:
    (tmp_path / "wa-templates.toml").write_text(
        '[targets.prod]\napi_key_env = "PROD_KEY"\n', encoding="utf-8"
    )
    env = {
        "GITHUB_TOKEN": "ghs_abcdef",
        "PROD_KEY": "key-abcdef-long",
        "EXTRA": "extra-value",
        "SHORT": "prod",
        "OTHER": "not-a-secret-value",
    }
    values = redaction.secret_values(env, tmp_path, ["EXTRA", "SHORT", "MISSING"])
    assert values == ["key-abcdef-long", "extra-value", "ghs_abcdef"]
    text = "t=ghs_abcdef k=key-abcdef-long e=extra-value prod not-a-secret-value"
    assert redaction.redact(text, values) == "t=*** k=*** e=*** prod not-a-secret-value"


def test_a_key_containing_another_is_hidden_whole() -> None:
    env = {"GITHUB_TOKEN": "abcdefgh", "WA_SANDBOX_API_KEY": "xx-abcdefgh-yy"}
    values = redaction.secret_values(env)
    assert redaction.redact("xx-abcdefgh-yy", values) == "***"
