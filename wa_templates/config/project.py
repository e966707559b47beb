"""Project configuration: `wa-templates.toml` at the repo root, or `[tool.wa-templates]`.

The project root is the nearest folder, from the working directory up, holding either file.
Without one, the working directory is the root and every setting has its default. Whichever file
holds them, the settings are read through the one schema of `config.settings`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_templates.config import CONFIG_FILE as CONFIG_FILE
from wa_templates.config.locate import key_lines
from wa_templates.config.settings import Origin, Settings, kind_of, read_settings
from wa_templates.errors import WaError
from wa_templates.files.regular import NotRegular, read_regular

MAX_CONFIG_BYTES = 1024 * 1024
"""A configuration is a few hundred bytes, a pyproject.toml a few KB: more is no configuration."""
PYPROJECT = "pyproject.toml"
TOOL_TABLE: tuple[str, ...] = ("tool", "wa-templates")


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    settings: Settings = field(default_factory=Settings)
    source: Path | None = None
    """The file the settings came from, if any."""
    origin: Origin | None = None
    """Where in that file each setting is written, for messages and `wa-templates config`."""

    @property
    def templates_dir(self) -> Path:
        return self.root / self.settings.templates_dir


def project_of(
    root: Path, table: Mapping[str, Any] | None = None, source: Path | None = None
) -> Project:
    """A project whose settings are `table` (checked), as if read from `source`."""
    origin = Origin(source) if source is not None else None
    return Project(root, read_settings(table or {}, origin), source, origin)


def find_project(start: Path | None = None) -> Project:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        # Not is_file(): a configuration that is a folder, a FIFO or a broken link is an error to
        # report, not a reason to go on with the defaults.
        for name, prefix in ((CONFIG_FILE, ()), (PYPROJECT, TOOL_TABLE)):
            path = folder / name
            project = _read(folder, path, prefix) if os.path.lexists(path) else None
            if project is not None:
                return project
    return Project(here)


def _read(folder: Path, path: Path, prefix: tuple[str, ...]) -> Project | None:
    """The project whose settings are the table at `prefix` in `path` (None if it has none)."""
    text = _text(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WaError(f"{path}: invalid TOML: {exc}") from None
    table: Any = document
    for key in prefix:
        if not isinstance(table, dict) or key not in table:
            return None
        table = table[key]
    origin = Origin(path, prefix, key_lines(text))
    if not isinstance(table, dict):
        raise WaError(
            f"{origin.where(())}: [{origin.key(())}] must be a table, not {kind_of(table)}"
        )
    return Project(folder, read_settings(table, origin), path, origin)


def _text(path: Path) -> str:
    try:
        raw = read_regular(path, MAX_CONFIG_BYTES, _check_size)
        return raw.decode("utf-8")
    except NotRegular as exc:
        raise WaError(f"{path}: cannot read configuration: not a regular file ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WaError(f"{path}: cannot read configuration: {exc}") from None


def _check_size(size: int) -> None:
    if size > MAX_CONFIG_BYTES:
        raise OSError(
            f"{size:,} bytes is over the {MAX_CONFIG_BYTES // 1024} KiB a configuration may be"
        )
