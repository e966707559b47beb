from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from wa_templates.cli.target import open_provider, target_options
from wa_templates.config.project import Project, find_project, project_of
from wa_templates.config.targets import Target, load_targets, resolve_target
from wa_templates.errors import WaError
from wa_templates.provider.client import Client

ACCOUNT = "0f8e2a6c-1d3b-4e5f-9a7b-8c6d5e4f3a21"
KEY = "CANARY-KEY-0123456789"
ENV = {"WA_PROD_KEY": KEY, "WA_STAGING_KEY": "staging-key"}


def target(**overrides: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "account_id": ACCOUNT,
        "channel_id": "ec36a867-3dd4-e911-814a-02d85f55fce8",
        "subaccount_id": "acme_wa",
        "region": "eu",
        "api_key_env": "WA_PROD_KEY",
    }
    table.update(overrides)
    return {key: value for key, value in table.items() if value is not None}


def project(targets: Any, **settings: Any) -> Project:
    return project_of(
        Path("/repo"), {"targets": targets, **settings}, Path("/repo/wa-templates.toml")
    )


def error(targets: Any, name: str | None = None, env: dict[str, str] = ENV) -> str:
    """The error resolving a target gives, or reading the settings that hold `targets`."""
    with pytest.raises(WaError) as caught:
        resolve_target(project(targets) if not isinstance(targets, Project) else targets, name, env)
    return str(caught.value)


def test_a_single_target_is_the_default_and_reads_its_key() -> None:
    resolved = resolve_target(project({"prod": target()}), None, ENV)
    assert resolved == Target(
        name="prod",
        account_id=ACCOUNT,
        channel_id="ec36a867-3dd4-e911-814a-02d85f55fce8",
        subaccount_id="acme_wa",
        base_url="https://chatapps.8x8.uk",
        api_key_env="WA_PROD_KEY",
        api_key=KEY,
    )
    assert KEY not in repr(resolved) and KEY not in str(resolved)


@pytest.mark.parametrize(
    ("region", "url"),
    [
        ("apac", "https://chatapps.8x8.com"),
        ("us", "https://chatapps.us.8x8.com"),
        ("EU", "https://chatapps.8x8.uk"),
        ("id", "https://chatapps.8x8.id"),
    ],
)
def test_regions(region: str, url: str) -> None:
    assert resolve_target(project({"p": target(region=region)}), None, ENV).base_url == url


def test_an_explicit_base_url_instead_of_a_region() -> None:
    proj = project({"local": target(region=None, base_url="http://127.0.0.1:8765/")})
    assert resolve_target(proj, None, ENV).base_url == "http://127.0.0.1:8765"


def test_the_named_target_or_the_one_marked_default() -> None:
    proj = project(
        {
            "staging": target(api_key_env="WA_STAGING_KEY"),
            "prod": target(default=True),
        }
    )
    assert resolve_target(proj, None, ENV).name == "prod"
    picked = resolve_target(proj, "staging", ENV)
    assert (picked.name, picked.api_key) == ("staging", "staging-key")


def test_no_targets_configured() -> None:
    message = error(Project(Path("/repo")))
    assert message.startswith("no targets configured: add a [targets.NAME] table")
    assert "--sandbox" in message


def test_unknown_target_lists_the_known_ones() -> None:
    proj = project({"prod": target(), "staging": target()})
    assert error(proj, "prdo") == (
        "unknown target 'prdo' (did you mean 'prod'? known targets: prod, staging)"
    )
    assert error(proj, "qa") == "unknown target 'qa' (known targets: prod, staging)"


def test_several_targets_and_no_default() -> None:
    message = error({"prod": target(), "staging": target()})
    assert message == (
        "several targets (prod, staging) and none is marked default = true: "
        "pick one with --target NAME"
    )


def test_two_defaults() -> None:
    message = error({"a": target(default=True), "b": target(default=True)})
    assert "targets a, b are all marked default = true" in message


def test_unset_or_empty_key_variable_is_named_never_valued() -> None:
    proj = project({"prod": target()})
    assert error(proj, env={}) == (
        "environment variable WA_PROD_KEY is not set: it should hold the 8x8 API key "
        "for target 'prod' (api_key_env)"
    )
    assert "WA_PROD_KEY is empty" in error(proj, env={"WA_PROD_KEY": "  "})


def test_the_key_is_read_from_the_process_environment_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WA_PROD_KEY", KEY)
    assert resolve_target(project({"prod": target()}), "prod").api_key == KEY
    monkeypatch.delenv("WA_PROD_KEY")
    with pytest.raises(WaError, match="WA_PROD_KEY is not set"):
        resolve_target(project({"prod": target()}), "prod")


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"account_id": "acme"}, "'targets.prod.account_id': 'acme' is not an 8x8 account id"),
        ({"account_id": "0f8e2a6c1d3b4e5f9a7b8c6d5e4f3a2"}, "is not an 8x8 account id"),
        ({"account_id": 12}, "'targets.prod.account_id' must be a string, not 12"),
        (
            {"subaccount_id": "a b"},
            "'targets.prod.subaccount_id': 'a b' is not an 8x8 subaccount id",
        ),
        ({"region": "asia"}, "unknown region 'asia' (valid regions: apac, us, eu, id)"),
        ({"base_url": "https://x.example"}, "'targets.prod': set region or base_url, not both"),
        ({"region": None}, "'targets.prod': set region (apac, us, eu, id) or base_url"),
        (
            {"region": None, "base_url": "http://chatapps.8x8.com"},
            "'targets.prod.base_url': base_url 'http://chatapps.8x8.com' uses plain http: "
            "https is required",
        ),
        (
            {"channel_id": ""},
            "'targets.prod.channel_id' must be a non-empty string, not an empty string",
        ),
        ({"channel_id": None}, "'targets.prod.channel_id' is missing"),
        ({"api_key_env": None}, "'targets.prod.api_key_env' is missing"),
        (
            {"acount_id": "x"},
            "unknown key 'acount_id' in [targets.prod]; did you mean 'account_id'?",
        ),
        ({"colour": "x"}, "unknown key 'colour' in [targets.prod]; allowed: account_id, "),
        ({"default": "yes"}, "'targets.prod.default' must be true or false, not a string"),
        ({"region": ["eu"]}, "'targets.prod.region' must be a string, not a list"),
    ],
)
def test_bad_target_tables(overrides: dict[str, Any], problem: str) -> None:
    message = error({"prod": target(**overrides)})
    assert message.startswith("wa-templates.toml: ")
    assert problem in message


def test_every_problem_is_reported_at_once() -> None:
    message = error({"a": target(region="mars"), "b": target(account_id="x")})
    assert message.splitlines() == [
        "wa-templates.toml: 'targets.a.region': unknown region 'mars' "
        "(valid regions: apac, us, eu, id)",
        "wa-templates.toml: 'targets.b.account_id': 'x' is not an 8x8 account id "
        "(a UUID: 32 hex digits)",
    ]


def test_a_key_written_into_the_file_is_refused_without_echoing_it() -> None:
    message = error({"prod": target(api_key=KEY)})
    assert "unknown key 'api_key' in [targets.prod]: is not read: keep the key out of files" in (
        message
    )
    assert KEY not in message


@pytest.mark.parametrize("key", ["sk-live 1234/abcd", "sk_live_ABCDEF0123456789"])
def test_a_key_given_as_api_key_env_is_refused_without_echoing_it(key: str) -> None:
    message = error({"prod": target(api_key_env=key)})
    assert key not in message
    assert "'targets.prod.api_key_env': must be the name of an environment variable" in message
    assert "sk-live" not in message


@pytest.mark.parametrize(
    ("targets", "problem"),
    [
        (["prod"], "'targets' must be a table, not a list"),
        ({"prod": "eu"}, "'targets.prod' must be a table, not a string"),
    ],
)
def test_targets_of_the_wrong_shape(targets: Any, problem: str) -> None:
    assert problem in error(targets)


def test_from_a_wa_templates_toml(tmp_path: Path) -> None:
    (tmp_path / "wa-templates.toml").write_text(
        textwrap.dedent(
            f"""\
            templates_dir = "wa"

            [targets.prod]
            account_id = "{ACCOUNT}"
            channel_id = "chan"
            region = "us"
            api_key_env = "WA_PROD_KEY"
            """
        )
    )
    proj = find_project(tmp_path)
    assert list(load_targets(proj)) == ["prod"]
    assert resolve_target(proj, "prod", ENV).base_url == "https://chatapps.us.8x8.com"


def test_from_pyproject_names_the_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [tool.wa-templates.targets.prod]
            account_id = "{ACCOUNT}"
            channel_id = "chan"
            region = "moon"
            api_key_env = "WA_PROD_KEY"
            """
        )
    )
    with pytest.raises(WaError) as caught:
        find_project(tmp_path)
    assert str(caught.value).startswith(
        "pyproject.toml:4: 'tool.wa-templates.targets.prod.region': unknown region 'moon'"
    )


# --- the command-line options and the provider they open ---------------------------------------


@click.command()
@target_options(None)
def show(target: str | None, sandbox: bool) -> None:
    click.echo(f"target={target} sandbox={sandbox}")


@pytest.mark.parametrize(
    ("args", "out"),
    [
        ([], "target=None sandbox=False"),
        (["--target", "prod"], "target=prod sandbox=False"),
        (["--sandbox"], "target=None sandbox=True"),
    ],
)
def test_target_options(args: list[str], out: str) -> None:
    result = CliRunner().invoke(show, args)
    assert result.exit_code == 0 and result.output.strip() == out


def test_target_and_sandbox_together_is_a_usage_error() -> None:
    with pytest.raises(click.UsageError, match="--target and --sandbox cannot be used together"):
        show.main(["--target", "prod", "--sandbox"], standalone_mode=False)


def test_usage_error_exits_64_through_main() -> None:
    from wa_templates.cli import main

    main.cli.add_command(show, "show-target-test")
    try:
        assert main.main(["show-target-test", "--sandbox", "--target", "x"]) == 64
    finally:
        main.cli.commands.pop("show-target-test")


def test_open_provider_for_a_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WA_PROD_KEY", KEY)
    provider = open_provider(project({"prod": target()}), "prod", sandbox=False)
    assert isinstance(provider, Client)
    assert provider.description == "target prod"
    assert provider.base_url == "https://chatapps.8x8.uk"
    assert (provider.account_id, provider.subaccount_id) == (ACCOUNT, "acme_wa")
    provider.close()


def test_open_provider_for_the_embedded_sandbox(tmp_path: Path) -> None:
    from wa_templates.sandbox import embedded

    provider = open_provider(Project(tmp_path), None, sandbox=True)
    try:
        assert provider.description == "sandbox (.wa-templates/sandbox.json)"
        assert provider.list_templates() == []
        provider.create_template(
            {
                "name": "hello",
                "language": "en",
                "category": "UTILITY",
                "components": [{"type": "BODY", "text": "Hello there, friend."}],
            }
        )
        assert [t.name for t in provider.list_templates()] == ["hello"]
    finally:
        provider.close()
    assert (tmp_path / ".wa-templates" / "sandbox.json").is_file()
    assert isinstance(embedded.SANDBOX_API_KEY, str)
