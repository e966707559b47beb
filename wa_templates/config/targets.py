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

The key itself never lives in a file: only the name of the variable that holds it. This model is
the one definition of a target table; the project's settings (`config.settings`) read it as part
of the one schema of the configuration, which reports every problem at once with its file and
line, and never echoes a value that might be a key.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from wa_templates.config import CONFIG_FILE
from wa_templates.errors import WaError
from wa_templates.provider.endpoints import REGIONS, check_base_url

if TYPE_CHECKING:
    from wa_templates.config.project import Project

ACCOUNT_ID = re.compile(r"^[0-9A-Fa-f]{8}[-]?(?:[0-9A-Fa-f]{4}[-]?){3}[0-9A-Fa-f]{12}$")
"""The accountId path parameter's pattern in 8x8's templates OpenAPI."""
SUBACCOUNT_ID = re.compile(r"^[A-Za-z0-9\-._&]{3,50}$")
"""The subAccountId path parameter's pattern of the file upload endpoint."""
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")
"""An environment variable's name as POSIX's utilities spell them: upper case, digits, _. Also
what keeps a key pasted in by mistake (`sk_live_...`, mixed case) from being taken for a name,
and echoed in 'variable ... is not set'."""
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

    misplaced: ClassVar[dict[str, str]] = {
        "api_key": "is not read: keep the key out of files; put it in an environment variable "
        "and give that variable's name as api_key_env",
    }
    """Keys that do not belong in a target table, with what to do instead of a did-you-mean."""

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
                "must be the name of an environment variable (upper-case letters, digits, _), "
                "not the key itself"
            )
        return value

    @model_validator(mode="after")
    def _one_endpoint(self) -> TargetSettings:
        if self.region is not None and self.base_url is not None:
            raise PydanticCustomError("config", "set region or base_url, not both")
        if self.region is None and self.base_url is None:
            choices = ", ".join(REGIONS)
            raise PydanticCustomError("config", f"set region ({choices}) or base_url")
        return self

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
    """Every target table, as the project's settings checked it; no environment variable is
    read here."""
    return dict(project.settings.targets)


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
