"""Secret values the action's helpers must never write to a log, a summary, a comment or an issue.

The CLI already masks API keys in what it prints; this is the second line of defence for text
the action publishes where GitHub's own log masking does not reach (comments, issues), and for
keys that did not come from `secrets.` (an `env:` value GitHub does not know is secret).

Standard library only: it runs before, or independently of, the installed wa-templates.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

ALWAYS = ("GITHUB_TOKEN", "GH_TOKEN", "WA_SANDBOX_API_KEY")
"""Variables whose values are secrets whatever the configuration says."""

MIN_LENGTH = 6
"""Shorter values are not redacted: replacing 'prod' or 'true' everywhere would wreck the text,
and no real key is that short."""

MASK = "***"


def key_env_names(root: Path) -> list[str]:
    """The variables `api_key_env` names in the project's wa-templates.toml (or pyproject.toml).

    A configuration that cannot be read yields no names: the CLI reports that problem itself.
    """
    tables: list[object] = []
    config = root / "wa-templates.toml"
    pyproject = root / "pyproject.toml"
    try:
        if config.is_file():
            tables.append(tomllib.loads(config.read_text(encoding="utf-8")).get("targets"))
        elif pyproject.is_file():
            tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
            section = tool.get("wa-templates", {}) if isinstance(tool, dict) else {}
            tables.append(section.get("targets") if isinstance(section, dict) else None)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    names = []
    for targets in tables:
        if not isinstance(targets, dict):
            continue
        for settings in targets.values():
            name = settings.get("api_key_env") if isinstance(settings, dict) else None
            if isinstance(name, str) and name:
                names.append(name)
    return names


def secret_values(
    env: Mapping[str, str], root: Path | None = None, extra: Iterable[str] = ()
) -> list[str]:
    """The values to hide: of ALWAYS, of the configured key variables, and of `extra` names."""
    names = [*ALWAYS, *extra, *(key_env_names(root) if root is not None else [])]
    values = {env[name] for name in names if len(env.get(name, "")) >= MIN_LENGTH}
    # Longest first, so a key that contains another is hidden whole.
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    for value in secrets:
        text = text.replace(value, MASK)
    return text
