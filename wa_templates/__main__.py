"""`python -m wa_templates` runs the CLI."""

from wa_templates.cli.main import run

run()
