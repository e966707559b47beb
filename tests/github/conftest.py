"""Fixtures for the GitHub integration: the action's helper scripts imported as modules, the
workflow files loaded as GitHub reads them, and the installed console script."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION_DIR = ROOT / ".github" / "actions" / "wa-templates"
ACTION_FILE = ACTION_DIR / "action.yml"
PROJECT_WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
EXAMPLE_WORKFLOWS = sorted((ROOT / "examples" / "github-workflows").glob("*.y*ml"))
WORKFLOWS = PROJECT_WORKFLOWS + EXAMPLE_WORKFLOWS
SANDBOX_WORKFLOW = ROOT / ".github" / "workflows" / "templates-sandbox.yml"

# The helpers are scripts run from their own folder, importing each other by plain name.
if str(ACTION_DIR) not in sys.path:
    sys.path.insert(0, str(ACTION_DIR))


class WorkflowLoader(yaml.SafeLoader):
    """YAML as GitHub reads it: only true/false are booleans, so `on:` stays the key "on"."""


WorkflowLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
WorkflowLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=WorkflowLoader)


@pytest.fixture
def templates_copy(tmp_path: Path) -> Path:
    """A project holding a copy of this repository's templates/, as a team's repo would."""
    project = tmp_path / "repo"
    shutil.copytree(ROOT / "templates", project / "templates")
    return project
