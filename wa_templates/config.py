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
            return Project(folder, _read(config), config)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tool = _read(pyproject).get("tool", {})
            if isinstance(tool, dict) and "wa-templates" in tool:
                return Project(folder, dict(tool["wa-templates"]), pyproject)
    return Project(here)


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise WaError(f"{path}: cannot read configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise WaError(f"{path}: invalid TOML: {exc}") from None
