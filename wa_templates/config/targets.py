"""Targets: the 8x8 accounts and channels a project deploys to, from its configuration.

    [targets.prod]
    account_id = "0f8e...c1"        # 8x8 account id (a UUID)
    channel_id = "ec36a867-..."     # the WhatsApp channel
    subaccount_id = "acme_wa"       # for media uploads
    region = "eu"                   # apac, us, eu, id; or base_url = "https://..."
    api_key_env = "WA_PROD_API_KEY" # the environment variable holding the API key
    default = true                  # picked when --target is not given
    history = "sqlite:///.wa-templates/history.db"  # or postgresql://...: the status history
    waba_id = "950523421983857"     # the WABA: webhook events for another one are refused

The key itself never lives in a file: only the name of the variable that holds it. Every problem
is reported at once, naming the table and key, and never echoing a value that might be a key.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wa_templates.config.project import CONFIG_FILE, Project
from wa_templates.errors import WaError
from wa_templates.provider.endpoints import REGIONS, check_base_url

ACCOUNT_ID = re.compile(r"^[0-9A-Fa-f]{8}[-]?(?:[0-9A-Fa-f]{4}[-]?){3}[0-9A-Fa-f]{12}$")
"""The accountId path parameter's pattern in 8x8's templates OpenAPI."""
SUBACCOUNT_ID = re.compile(r"^[A-Za-z0-9\-._&]{3,50}$")
"""The subAccountId path parameter's pattern of the file upload endpoint."""
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HISTORY_SCHEMES = ("sqlite:///", "postgresql://", "postgres://", "postgresql+psycopg://")
WABA_ID = re.compile(r"^[0-9]{1,30}$")


class TargetSettings(BaseModel):
    """One `[targets.NAME]` table as written."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    account_id: str
    channel_id: str = Field(min_length=1)
    subaccount_id: str | None = None
    region: str | None = None
    base_url: str | None = None
    api_key_env: str
    default: bool = False
    history: str | None = None
    waba_id: str | None = None

    @field_validator("history")
    @classmethod
    def _history(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(HISTORY_SCHEMES):
            # Not quoted: a database URL may carry a password.
            raise ValueError("must be a sqlite:///FILE or postgresql://... URL")
        return value

    @field_validator("waba_id")
    @classmethod
    def _waba(cls, value: str | None) -> str | None:
        if value is not None and not WABA_ID.match(value):
            raise ValueError(f"'{value}' is not a WhatsApp Business Account id (digits)")
        return value

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: str) -> str:
        if not ACCOUNT_ID.match(value):
            raise ValueError(f"'{value}' is not an 8x8 account id (a UUID: 32 hex digits)")
        return value

    @field_validator("subaccount_id")
    @classmethod
    def _subaccount(cls, value: str | None) -> str | None:
        if value is not None and not SUBACCOUNT_ID.match(value):
            raise ValueError(
                f"'{value}' is not an 8x8 subaccount id (3-50 of letters, digits, - . _ &)"
            )
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in REGIONS:
            raise ValueError(f"unknown region '{value}' (valid regions: {', '.join(REGIONS)})")
        return value.lower() if value is not None else None

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_base_url(value)
        except WaError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not ENV_NAME.match(value):
            # Not quoted: a value that is no variable name may well be the key itself.
            raise ValueError(
                "must be the name of an environment variable (letters, digits, _), "
                "not the key itself"
            )
        return value

    @property
    def url(self) -> str:
        return self.base_url if self.base_url is not None else REGIONS[str(self.region)]


@dataclass(frozen=True, slots=True)
class Target:
    """A target ready to connect to: settings plus the key read from the environment."""

    name: str
    account_id: str
    channel_id: str
    subaccount_id: str | None
    base_url: str
    api_key_env: str
    api_key: str = field(repr=False)
    history: str | None = None
    """The history store's URL (`history` key), if the target has one."""


def load_targets(project: Project) -> dict[str, TargetSettings]:
    """Every target table, checked; no environment variable is read here."""
    raw = project.settings.get("targets")
    if raw is None:
        return {}
    where = _location(project)
    if not isinstance(raw, Mapping):
        raise WaError(f"{where}: 'targets' must be a table of [targets.NAME] tables")
    targets: dict[str, TargetSettings] = {}
    problems: list[str] = []
    for name, table in raw.items():
        label = f"[{_prefix(project)}targets.{name}]"
        if not isinstance(table, Mapping):
            problems.append(f"{label} must be a table")
            continue
        try:
            targets[str(name)] = _settings(table)
        except _Problems as exc:
            problems += [f"{label} {problem}" for problem in exc.problems]
    if problems:
        raise WaError(f"{where}: " + "; ".join(problems))
    defaults = [name for name, target in targets.items() if target.default]
    if len(defaults) > 1:
        raise WaError(
            f"{where}: targets {', '.join(defaults)} are all marked default = true; mark only one"
        )
    return targets


def resolve_target(
    project: Project, name: str | None, environ: Mapping[str, str] | None = None
) -> Target:
    """The target `--target NAME` names, or the default one; its key read from the environment."""
    name, settings = select_target(project, name)
    env = os.environ if environ is None else environ
    key = env.get(settings.api_key_env)
    if key is None or not key.strip():
        state = "is not set" if key is None else "is empty"
        raise WaError(
            f"environment variable {settings.api_key_env} {state}: it should hold the 8x8 API "
            f"key for target '{name}' (api_key_env)"
        )
    return Target(
        name=name,
        account_id=settings.account_id,
        channel_id=settings.channel_id,
        subaccount_id=settings.subaccount_id,
        base_url=settings.url,
        api_key_env=settings.api_key_env,
        api_key=key.strip(),
        history=settings.history,
    )


def select_target(project: Project, name: str | None) -> tuple[str, TargetSettings]:
    """The target `--target NAME` names, or the default one, without reading its key."""
    targets = load_targets(project)
    if not targets:
        raise WaError(
            f"no targets configured: add a [targets.NAME] table with account_id, channel_id, "
            f"region and api_key_env to {CONFIG_FILE} (or use --sandbox)"
        )
    known = ", ".join(targets)
    if name is None:
        name = _default(targets)
    elif name not in targets:
        guess = difflib.get_close_matches(name, list(targets), n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        raise WaError(f"unknown target '{name}' ({hint}known targets: {known})")
    return name, targets[name]


def select_targets(project: Project, names: Sequence[str], every: bool = False) -> list[str]:
    """The targets several `--target NAME` options (or `--all-targets`) pick, in the order
    given (configuration order for all), each once; none given means the default one.

    Every name is checked before anything runs: an unknown one anywhere in the list is an
    error, with a did-you-mean, so a typo never plans or applies the others alone."""
    if every:
        targets = load_targets(project)
        if not targets:
            select_target(project, None)  # the error for no targets at all
        return list(targets)
    if not names:
        return [select_target(project, None)[0]]
    problems = []
    for name in dict.fromkeys(names):
        try:
            select_target(project, name)
        except WaError as exc:
            problems.append(str(exc))
    if problems:
        raise WaError("; ".join(problems))
    return list(dict.fromkeys(names))


def _default(targets: dict[str, TargetSettings]) -> str:
    if len(targets) == 1:
        return next(iter(targets))
    marked = [name for name, target in targets.items() if target.default]
    if marked:
        return marked[0]
    raise WaError(
        f"several targets ({', '.join(targets)}) and none is marked default = true: "
        "pick one with --target NAME"
    )


class _Problems(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


_FIELDS = tuple(TargetSettings.model_fields)


def _settings(table: Mapping[str, Any]) -> TargetSettings:
    problems: list[str] = []
    if "api_key" in table:
        problems.append(
            "'api_key' is not read: keep the key out of files; put it in an environment "
            "variable and give that variable's name as api_key_env"
        )
        table = {key: value for key, value in table.items() if key != "api_key"}
    if table.get("region") is not None and table.get("base_url") is not None:
        problems.append("set region or base_url, not both")
    elif table.get("region") is None and table.get("base_url") is None:
        problems.append(f"set region ({', '.join(REGIONS)}) or base_url")
    try:
        settings = TargetSettings.model_validate(dict(table))
    except ValidationError as exc:
        problems += [_describe(error) for error in exc.errors(include_input=False)]
        raise _Problems(problems) from None
    if problems:
        raise _Problems(problems)
    return settings


def _describe(error: Any) -> str:
    key = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        guess = difflib.get_close_matches(key, _FIELDS, n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return f"missing '{key}'"
    if kind == "value_error":
        return f"{key}: {error['ctx']['error']}"
    if kind == "bool_type":
        return f"{key} must be true or false"
    if kind in ("string_type", "string_too_short"):
        return f"{key} must be a non-empty string"
    return f"{key}: {error['msg']}"


def _location(project: Project) -> str:
    return str(project.source.name) if project.source is not None else CONFIG_FILE


def _prefix(project: Project) -> str:
    is_pyproject = project.source is not None and project.source.name == "pyproject.toml"
    return "tool.wa-templates." if is_pyproject else ""
