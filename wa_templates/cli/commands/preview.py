"""`wa-templates preview NAME`: a template as the recipient sees it, samples filled in."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from wa_templates.cli.options import use_color
from wa_templates.config.project import find_project
from wa_templates.errors import WaError
from wa_templates.files.load import Source, display
from wa_templates.files.model import Language
from wa_templates.render import preview, preview_html
from wa_templates.rules.check import check_paths


@click.command("preview")
@click.argument("name")
@click.option(
    "--language",
    "language",
    metavar="CODE",
    help="The language to show, e.g. en_US (default: every language of the template).",
)
@click.option(
    "--html",
    "html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a standalone HTML page showing the message as WhatsApp chat bubbles.",
)
def command(name: str, language: str | None, html: Path | None) -> None:
    """Show template NAME's message with its samples filled in."""
    project = find_project()
    source = _find(name, project.templates_dir)
    template = source.template
    chosen = _languages(source, language)
    if html is not None:
        embed = preview_html.embedder(Path(source.path), project.root)
        text = preview_html.page(template.name, template.category, chosen, embed)
        try:
            html.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise WaError(f"{html}: cannot write the preview: {exc.strerror or exc}") from None
        click.echo(f"wrote {html} ({', '.join(code for code, _ in chosen)})")
        return
    color = use_color()
    blocks = []
    for code, lang in chosen:
        title = preview.terminal(f"{template.name} · {code} · {template.category}", color=False)
        lines = preview.message_text(lang, template.category, code)
        body = preview.terminal("\n".join(lines), color)
        blocks.append(f"{click.style(title, bold=True) if color else title}\n{body}")
    click.echo("\n\n".join(blocks), color=color)


def _find(name: str, folder: Path) -> Source:
    report = check_paths([folder])
    for source in report.sources:
        if source.template.name == name:
            return source
    # A file that does not load has no template name to match, but usually carries it as stem.
    broken = [
        d for d in report.diagnostics if Path(d.file).stem == name and d.rule.startswith("WA0")
    ]
    if broken:
        first = broken[0]
        raise WaError(
            f"{first.file}:{first.line}: the file does not load ({first.rule} {first.message}); "
            "run `wa-templates validate`"
        )
    names = sorted(source.template.name for source in report.sources)
    hint = difflib.get_close_matches(name, names, n=1)
    where = display(folder)
    raise WaError(
        f"no template '{name}' in {where}" + (f" (did you mean '{hint[0]}'?)" if hint else "")
    )


def _languages(source: Source, wanted: str | None) -> list[tuple[str, Language]]:
    languages = source.template.languages
    if wanted is None:
        return list(languages.items())
    if wanted in languages:
        return [(wanted, languages[wanted])]
    hint = difflib.get_close_matches(wanted, list(languages), n=1)
    raise WaError(
        f"'{source.template.name}' has no language '{wanted}'"
        + (f" (did you mean '{hint[0]}'?)" if hint else "")
        + f"; it has {', '.join(languages)}"
    )
