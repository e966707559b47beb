"""The one schema of the project's settings: `wa-templates.toml`, or `[tool.wa-templates]`.

Every key, at every depth, is declared here (a target table by `config.targets.TargetSettings`,
its one definition), and read strictly: an unknown key is an error with a did-you-mean, a value
of the wrong type or out of range is an error, and `prune = "false"` is no yes. Every problem is
reported at once, one line each, with the file and the line of the key (found by
`config.locate`, since tomllib gives no positions), and never with a value that might be a key:
text values are described by their kind, only numbers and booleans are shown.
"""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from wa_templates.config.locate import KeyPath, line_of
from wa_templates.config.targets import TargetSettings
from wa_templates.errors import WaError

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SafetySettings(_Table):
    """`[safety]`: like octoDNS, how much one apply may destroy without --force."""

    max_names: int = Field(10, ge=0)
    """Refuse more deletes + recreates than this ..."""
    max_fraction: float = Field(0.3, ge=0, le=1)
    """... or than this fraction of the managed names (once there are max_names or more)."""


class Settings(_Table):
    """The whole configuration table."""

    templates_dir: str = Field("templates", min_length=1)
    """The folder of template files, relative to the project root."""
    ignore: list[str] = Field(default_factory=list)
    """Names or shell-style patterns neither managed nor reported as unmanaged."""
    versioning: Literal["suffix"] | None = None
    """The default for templates that do not set `versioning` themselves."""
    prune: bool = False
    """Delete channel templates the repository does not hold (and superseded versions)."""
    safety: SafetySettings = Field(default_factory=SafetySettings)
    targets: dict[str, TargetSettings] = Field(default_factory=dict)
    """`[targets.NAME]`: the 8x8 channels the project deploys to."""

    @field_validator("templates_dir")
    @classmethod
    def _inside_the_project(cls, value: str) -> str:
        # The folder plan reads, and prune deletes by: one outside the project would read (and
        # echo) files that are none of its business. A symlink leading out is caught where the
        # folder is read (files.load, WA013); here, what the path says.
        path = PurePath(value.replace("\\", "/"))
        if path.is_absolute() or PureWindowsPath(value).drive or ".." in path.parts:
            raise PydanticCustomError(
                "config",
                "must be a folder inside the project, relative to its root (no leading / and "
                "no ..)",
            )
        return value

    @model_validator(mode="after")
    def _one_default(self) -> Settings:
        defaults = [name for name, target in self.targets.items() if target.default]
        if len(defaults) > 1:
            raise PydanticCustomError(
                "config",
                "targets {names} are all marked default = true; mark only one",
                {"names": ", ".join(defaults), "at": ("targets", defaults[1], "default")},
            )
        return self


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the settings were read: the file, the table inside it, and each key's line."""

    path: Path
    prefix: KeyPath = ()
    """The table holding the settings: `("tool", "wa-templates")` in pyproject.toml."""
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    """Key path from the file's root -> line (`config.locate.key_lines`)."""

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """The line of a settings key (or of its nearest ancestor that the file writes)."""
        return line_of(self.lines, self.prefix + tuple(path))

    def defines(self, path: tuple[str, ...]) -> bool:
        """Whether the file writes this key itself."""
        return (self.prefix + path) in self.lines

    def where(self, path: tuple[str | int, ...] = ()) -> str:
        """`wa-templates.toml:7`, or the file alone when no line is known."""
        line = self.line(path) if self.prefix or path else None
        return f"{self.path.name}:{line}" if line is not None else self.path.name

    def key(self, path: tuple[str | int, ...]) -> str:
        """A key as the file spells it: `safety.max_names`, `tool.wa-templates.prune`."""
        out = ""
        for part in (*self.prefix, *path):
            out += (
                f"[{part}]"
                if isinstance(part, int)
                else (f".{_part(part)}" if out else _part(part))
            )
        return out


class ConfigError(WaError):
    """Settings that do not fit the schema: one line per problem, each naming file and line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def read_settings(table: Mapping[str, Any], origin: Origin | None = None) -> Settings:
    """The settings a configuration table holds, or a ConfigError listing every problem."""
    try:
        return Settings.model_validate(dict(table))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    origin = origin or Origin(Path("wa-templates.toml"))
    found = sorted((origin.line(_at(error)) or 0, index) for index, error in enumerate(errors))
    raise ConfigError([_problem(errors[index], origin) for _, index in found])


def _at(error: ErrorDetails) -> tuple[str | int, ...]:
    """Where a problem is: its key, or the key a whole-table check names (`at`)."""
    return tuple((error.get("ctx") or {}).get("at", error["loc"]))


def _problem(error: ErrorDetails, origin: Origin) -> str:
    loc = tuple(error["loc"])
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    where = origin.where(_at(error))
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{where}: {_unknown(loc, origin)}"
    key = f"'{origin.key(loc)}'" if loc else "the settings"
    if kind == "config":
        return f"{where}: {key}: {error['msg']}" if loc else f"{where}: {error['msg']}"
    if kind == "missing":
        return f"{where}: {key} is missing"
    if kind == "value_error":
        return f"{where}: {key}: {ctx['error']}"
    return f"{where}: {key} must be {_expected(kind, ctx, error)}, not {kind_of(error['input'])}"


def _unknown(loc: tuple[str | int, ...], origin: Origin) -> str:
    """As validate words an unknown key of a template: `unknown key 'x' in [t]; did you mean`."""
    name = str(loc[-1])
    model = _model_at(loc[:-1])
    table = origin.key(loc[:-1])
    message = f"unknown key '{_part(name)}'" + (f" in [{table}]" if table else "")
    misplaced = getattr(model, "misplaced", {}).get(name) if model else None
    if misplaced:
        return f"{message}: {misplaced}"
    known = list(model.model_fields) if model else []
    guess = difflib.get_close_matches(name, known, n=1)
    if guess:
        return f"{message}; did you mean '{guess[0]}'?"
    return f"{message}; allowed: {', '.join(known)}" if known else message


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model that the table at `loc` is read by (a key of a `dict[str, Model]` skipped)."""
    current: Any = Settings
    pending_key = False
    for part in loc:
        if pending_key:
            pending_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _unwrap(info.annotation)
        if typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
            pending_key = True
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> X."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


_EXPECTED = {
    "bool_type": "true or false",
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "string_too_short": "a non-empty string",
}


def _expected(kind: str, ctx: dict[str, Any], error: ErrorDetails) -> str:
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind == "literal_error":
        return f"one of {ctx['expected']}"
    if kind == "greater_than_equal":
        return f"at least {ctx['ge']:g}"
    if kind == "less_than_equal":
        return f"at most {ctx['le']:g}"
    return str(error["msg"]).removeprefix("Input should be ").lower()


def kind_of(value: Any) -> str:
    """What a value is, without showing text, which might be a key put in the wrong place."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"  # a TOML date or time


def _part(text: str) -> str:
    return text if _BARE_KEY.fullmatch(text) else json.dumps(text)
