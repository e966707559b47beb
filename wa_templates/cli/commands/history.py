"""`wa-templates history NAME`: the timeline of a template, oldest first, from the history store.

Reads the store only: it never talks to 8x8, so it needs no API key.
"""

from __future__ import annotations

from typing import Any

import click

from wa_templates.cli.target import READS, history_of, target_options
from wa_templates.config.project import find_project
from wa_templates.errors import WaError
from wa_templates.history.queries import Entry, History
from wa_templates.rules.structure import name_problem
from wa_templates.untrusted import shown, to_json


@click.command("history")
@click.argument("name")
@click.option("--language", metavar="L", help="Only this language (e.g. en_US).")
@target_options(READS)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def command(name: str, language: str | None, target: str | None, sandbox: bool, fmt: str) -> None:
    """Show what happened to template NAME: webhook events and the statuses runs saw."""
    problem = name_problem(name)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="NAME")
    project = find_project()
    target_name, store = history_of(project, target, sandbox)
    if store is None:
        where = "" if sandbox else f"set `history` in its [targets.{target_name}] table, or "
        raise WaError(f"no history store for {target_name}: {where}pass --history DB")
    try:
        history = History(store, target_name)
        entries = history.timeline(name, language)
        languages = sorted({e.language for e in entries})
        summary = {lang: _summary(history, name, lang) for lang in languages}
    finally:
        store.close()
    if fmt == "json":
        document = {
            "target": target_name,
            "name": name,
            "language": language,
            "entries": [e.as_json() for e in entries],
            "summary": summary,
        }
        click.echo(to_json(document, indent=2))
        return
    where = f"{name} [{language}]" if language else name
    if not entries:
        click.echo(shown(f"No history of {where} for {target_name} ({store.description})."))
        return
    click.echo(shown(f"History of {where} for {target_name} ({store.description}), oldest first:"))
    for entry in entries:
        click.echo(f"  {shown(_line(entry))}")
    for lang, facts in summary.items():
        click.echo(shown(f"{name} [{lang}]: {_facts(facts)}"))


def _facts(facts: dict[str, Any]) -> str:
    said = [f"status {facts['status'] or 'unknown'}"]
    approved = facts["ever_approved"]
    said.append(f"first seen approved {approved}" if approved else "never seen approved")
    said += [f"quality {facts['quality']}"] if facts["quality"] else []
    said.append(f"{facts['pauses']} quality pause(s)")
    changes = facts["category_changes"]
    said += [f"{changes} category change(s)"] if changes else []
    said.append(f"last heard {facts['last_heard']}")
    return "; ".join(said)


def _summary(history: History, name: str, language: str) -> dict[str, Any]:
    approved = history.ever_approved(name, language)
    latest = history.latest_status(name, language)
    quality = history.quality(name, language)
    heard = history.last_heard(name, language)
    return {
        "status": (latest.status or "gone") if latest is not None else None,
        "ever_approved": approved.isoformat() if approved else None,
        "quality": quality.quality if quality is not None else None,
        "pauses": history.pauses(name, language),
        "category_changes": len(history.category_changes(name, language)),
        "last_heard": heard.isoformat() if heard else None,
    }


def _line(entry: Entry) -> str:
    when = entry.at.strftime("%Y-%m-%d %H:%M:%SZ")
    origin = f"{entry.command} saw" if entry.source == "list" else "8x8 event"
    what = {
        "status": f"status {entry.status}",
        "listed": f"listed {entry.status} {entry.category or ''}".rstrip(),
        "absent": "not on the channel",
        "category": f"category {entry.previous_category or '?'} -> {entry.category}",
        "quality": f"quality {entry.previous_quality or '?'} -> {entry.quality}",
        "category_detection": (
            f"Meta says category {entry.category}, not {entry.previous_category}"
        ),
    }.get(entry.kind, entry.kind)
    details = [
        f"reason {entry.reason}" if entry.reason and entry.reason != "NONE" else "",
        entry.pause_title or "",
        f"disables on {entry.disable_date}" if entry.disable_date else "",
        entry.pause_description or "",
    ]
    extra = "; ".join(d for d in details if d)
    return f"{when}  {entry.language:<6} {origin:<12} {what}" + (f" ({extra})" if extra else "")
