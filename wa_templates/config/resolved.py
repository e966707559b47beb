"""`wa-templates config`: the settings and targets a run starts from, and where each came from.

Every value is the one the schema resolved (`config.settings`); its source is `default`, the
file and line that write it, `environment` (only whether a target's key variable is set: the key
itself is never read into the output), or what it follows from (a target's API URL from its
region). Command-line options (`--prune`, `--force`, `--only`, `--target`) belong to one run,
not to the settings, so they are not listed. A password in a URL (a history database's, say) is
masked, as are registered secrets and upload tokens.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wa_templates.config.project import Project
from wa_templates.config.targets import TargetSettings
from wa_templates.provider.redact import scrub, without_password
from wa_templates.untrusted import to_json


@dataclass(frozen=True, slots=True)
class Source:
    kind: str
    """default, file, environment or derived."""
    file: str | None = None
    line: int | None = None
    detail: str | None = None
    """For derived: what the value follows from (`region eu`)."""

    def text(self) -> str:
        if self.kind == "file":
            return f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        return self.detail if self.kind == "derived" and self.detail else self.kind

    def as_dict(self) -> dict[str, Any]:
        shown = {"kind": self.kind, "file": self.file, "line": self.line, "detail": self.detail}
        return {key: value for key, value in shown.items() if value is not None}


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    value: Any
    source: Source


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    name: str
    default: bool
    """Whether commands use it when no --target is given."""
    source: Source
    settings: list[Setting]
    key_variable: str
    key_state: str
    """set, empty or not set."""


@dataclass(frozen=True, slots=True)
class Resolved:
    root: str
    file: str | None
    settings: list[Setting]
    targets: list[ResolvedTarget]


def resolve(project: Project, environ: Mapping[str, str] | None = None) -> Resolved:
    env = os.environ if environ is None else environ
    settings = project.settings
    top = [
        setting
        for key, value in settings.model_dump(exclude={"targets"}).items()
        for setting in _settings(project, (key,), value)
    ]
    used = _used_without_target(settings.targets)
    targets = []
    for name, target in settings.targets.items():
        values = _settings(project, ("targets", name), target.model_dump())
        via = f"from region {target.region}" if target.region is not None else "from base_url"
        values.append(Setting("url", _shown(target.url), Source("derived", detail=via)))
        key = env.get(target.api_key_env)
        state = "not set" if key is None else ("set" if key.strip() else "empty")
        targets.append(
            ResolvedTarget(
                name=name,
                default=name == used,
                source=_source(project, ("targets", name)),
                settings=values,
                key_variable=target.api_key_env,
                key_state=state,
            )
        )
    source = project.source
    file = None if source is None else os.path.relpath(source, project.root)
    return Resolved(str(project.root), file, top, targets)


def _settings(project: Project, path: tuple[str, ...], value: Any) -> list[Setting]:
    """One setting per leaf: a table's keys each with their own source."""
    if isinstance(value, dict):
        return [
            setting
            for key, inner in value.items()
            for setting in _settings(project, (*path, key), inner)
        ]
    key = ".".join(path[2:] if path[0] == "targets" else path)
    return [Setting(key, _shown(value), _source(project, path))]


def _source(project: Project, path: tuple[str, ...]) -> Source:
    origin = project.origin
    if origin is None or not origin.defines(path):
        return Source("default")
    return Source("file", file=origin.path.name, line=origin.line(path))


def _used_without_target(targets: Mapping[str, TargetSettings]) -> str | None:
    if len(targets) == 1:
        return next(iter(targets))
    return next((name for name, target in targets.items() if target.default), None)


def _shown(value: Any) -> Any:
    """A value as output may show it: URL passwords and known secrets masked."""
    if isinstance(value, str):
        return scrub(without_password(value))
    if isinstance(value, list):
        return [_shown(item) for item in value]
    return value


# --- output --------------------------------------------------------------------------------


def as_json(resolved: Resolved) -> str:
    def entries(settings: list[Setting]) -> dict[str, Any]:
        return {s.key: {"value": s.value, "source": s.source.as_dict()} for s in settings}

    document = {
        "root": resolved.root,
        "file": resolved.file,
        "settings": entries(resolved.settings),
        "targets": {
            t.name: {
                "default": t.default,
                "source": t.source.as_dict(),
                "settings": entries(t.settings),
                "api_key": {"variable": t.key_variable, "state": t.key_state},
            }
            for t in resolved.targets
        },
    }
    return to_json(document, indent=2)


def as_text(resolved: Resolved, safe: Callable[[str], str]) -> list[str]:
    """Lines for a terminal; `safe` makes text from the file one harmless line."""
    file = resolved.file or "none: every setting has its default"
    lines = [f"Project root: {safe(resolved.root)}", f"Configuration: {safe(file)}", ""]
    lines += ["Settings:", *_table(_rows(resolved.settings), safe)]
    if not resolved.targets:
        lines += ["", "Targets: none (add a [targets.NAME] table, or use --sandbox)"]
    for target in resolved.targets:
        used = " (used when no --target is given)" if target.default else ""
        lines += ["", f"Target {safe(target.name)}{used}: {safe(target.source.text())}"]
        key = ("API key", f"{target.key_variable} is {target.key_state}", "environment")
        lines += _table([*_rows(target.settings), key], safe)
    return lines


def _rows(settings: list[Setting]) -> list[tuple[str, str, str]]:
    return [
        (
            s.key,
            "(none)" if s.value is None else json.dumps(s.value, ensure_ascii=False),
            s.source.text(),
        )
        for s in settings
    ]


def _table(rows: list[tuple[str, str, str]], safe: Callable[[str], str]) -> list[str]:
    shown = [(safe(key), safe(value), safe(source)) for key, value, source in rows]
    key_width = max((len(r[0]) for r in shown), default=0)
    value_width = max((len(r[1]) for r in shown), default=0)
    return [
        f"  {key:<{key_width}}  {value:<{value_width}}  {source}".rstrip()
        for key, value, source in shown
    ]
