"""Settings: the project's configuration file, and the targets (8x8 accounts and channels)
it names."""

CONFIG_FILE = "wa-templates.toml"
"""The configuration file at the project's root (or `[tool.wa-templates]` in pyproject.toml)."""
