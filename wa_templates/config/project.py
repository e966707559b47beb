"""Project configuration: `wa-templates.toml` at the repo root, or `[tool.wa-templates]`.

The project root is the nearest folder, from the working directory up, holding either file.
Without one, the working directory is the root and every setting has its default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_templates.errors import WaError

CONFIG_FILE = "wa-templates.toml"


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    settings: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    @property
    def templates_dir(self) -> Path:
        return self.root / str(self.settings.get("templates_dir", "templates"))


def find_project(start: Path | None = None) -> Project:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        config = folder / CONFIG_FILE
        if config.is_file():
            return Project(folder, _checked(_read(config), config), config)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tool = _read(pyproject).get("tool", {})
            if isinstance(tool, dict) and "wa-templates" in tool:
                table = tool["wa-templates"]
                if not isinstance(table, dict):
                    raise WaError(
                        f"{pyproject}: [tool.wa-templates] must be a table, not {_kind(table)}"
                    )
                return Project(folder, _checked(table, pyproject), pyproject)
    return Project(here)


def _checked(settings: dict[str, Any], path: Path) -> dict[str, Any]:
    """The settings every command reads before anything else; the rest are checked where used
    (plan options, targets), each naming its key."""
    folder = settings.get("templates_dir", "templates")
    if not isinstance(folder, str) or not folder:
        raise WaError(
            f"{path}: `templates_dir` must be a folder path as a string, not {_kind(folder)}"
        )
    return dict(settings)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, list):
        return "a list"
    return "a table" if isinstance(value, dict) else type(value).__name__


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise WaError(f"{path}: cannot read configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise WaError(f"{path}: invalid TOML: {exc}") from None
