"""`wa-templates webhook serve` and `webhook register`: 8x8's template events, received and stored.

serve runs the receiver (`webhook.app`); register points the account's CABM webhook at it
through 8x8's Webhook Configuration API (`webhook.register`). Both read the shared secret from
WA_TEMPLATES_WEBHOOK_SECRET: register sends `Bearer SECRET` as the webhook's httpAuthorization,
and the receiver accepts exactly that Authorization.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

import click

from wa_templates.cli.target import SANDBOX_TARGET, open_client, target_options
from wa_templates.config.project import Project, find_project
from wa_templates.config.targets import load_targets
from wa_templates.errors import UsageError, WaError
from wa_templates.provider import redact

if TYPE_CHECKING:
    from wa_templates.webhook.accounts import Accounts

SECRET_ENV = "WA_TEMPLATES_WEBHOOK_SECRET"
MIN_SECRET = 16
_SECRET = re.compile(r"^[\x21-\x7e]+$")


def authorization_from_env() -> str:
    """`Bearer SECRET` from WA_TEMPLATES_WEBHOOK_SECRET, checked and masked in all logs."""
    secret = os.environ.get(SECRET_ENV, "").strip()
    if not secret:
        raise WaError(
            f"{SECRET_ENV} is not set: it holds the secret 8x8 sends as the Authorization of "
            "every event (generate one, e.g. `openssl rand -hex 32`)"
        )
    if len(secret) < MIN_SECRET or not _SECRET.match(secret):
        # Never echoed: it is the secret.
        raise WaError(
            f"{SECRET_ENV} must be at least {MIN_SECRET} printable characters without spaces"
        )
    redact.register(secret)
    return f"Bearer {secret}"


@click.group("webhook")
def command() -> None:
    """Receive 8x8's template, quality and phone-number events, and register the receiver."""


@command.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8089, show_default=True)
@click.option(
    "--db",
    metavar="DB",
    help="History store: sqlite:///FILE, postgresql://... or FILE  [default: the targets' "
    "`history` key]",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="NAME",
    help="Accept events for this target's account (repeatable)  [default: every target]",
)
@click.option("--sandbox", is_flag=True, help="Accept events for the sandbox's account.")
@click.option(
    "--notify-timeout",
    type=click.FloatRange(0.5, 300),
    default=10.0,
    show_default=True,
    help="Seconds one notification may take; one a killed receiver was sending is sent again "
    "after 1.5 times this.",
)
def serve_command(
    host: str,
    port: int,
    db: str | None,
    targets: tuple[str, ...],
    sandbox: bool,
    notify_timeout: float,
) -> None:
    """Receive 8x8's CABM events at POST /webhooks/8x8 until interrupted."""
    from wa_templates.history.store import open_store
    from wa_templates.webhook.app import PATH, create_app
    from wa_templates.webhook.deliver import Notifier
    from wa_templates.webhook.notify import destinations_from
    from wa_templates.webhook.serve import serve

    authorization = authorization_from_env()
    project = find_project()
    accounts, configured = _accounts(project, targets, sandbox)
    if db is None and configured is None:
        raise UsageError(
            "no history store: pass --db sqlite:///FILE (or postgresql://...), or set "
            "`history` in the target"
        )
    destinations = destinations_from(os.environ)
    store = open_store(db) if db is not None else open_store(str(configured), project.root)
    notifier = Notifier(store, destinations, timeout=notify_timeout) if destinations else None
    app = create_app(store, accounts, authorization, destinations, notifier=notifier)

    def announce(url: str) -> None:
        told = ", ".join(destinations) or "no one (set WA_TEMPLATES_NOTIFY_URL or "
        told += "" if destinations else "WA_TEMPLATES_SLACK_WEBHOOK_URL)"
        click.echo(
            f"webhook: receiving at {url}{PATH} for {', '.join(accounts.targets)}; "
            f"history {store.description}; notifying {told}",
            err=True,
        )

    try:
        serve(app, host, port, announce)
    finally:
        store.close()


def _accounts(
    project: Project, names: tuple[str, ...], sandbox: bool
) -> tuple[Accounts, str | None]:
    """The accounts to accept events for, and the history store their targets name."""
    from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID, SANDBOX_SUBACCOUNT_ID
    from wa_templates.webhook.accounts import Account, Accounts, account_of

    chosen: list[Account] = []
    histories: set[str] = set()
    if sandbox:
        chosen.append(
            Account(SANDBOX_TARGET, frozenset({SANDBOX_ACCOUNT_ID, SANDBOX_SUBACCOUNT_ID}))
        )
    if names or not sandbox:
        settings = load_targets(project)
        unknown = [n for n in names if n not in settings]
        if unknown or not settings:
            known = ", ".join(settings) or "none configured"
            raise WaError(f"unknown target {', '.join(unknown)} (targets: {known})")
        for name in names or tuple(settings):
            chosen.append(account_of(name, settings[name]))
            if settings[name].history:
                histories.add(str(settings[name].history))
    if len(histories) > 1:
        raise UsageError("the targets name different `history` stores: pick one with --db")
    return Accounts(chosen), next(iter(histories), None)


@command.command("register")
@target_options(None)
@click.option("--url", help="The receiver's public URL (…/webhooks/8x8); required unless --remove.")
@click.option("--remove", is_flag=True, help="Remove the CABM webhook instead (needs no --url).")
@click.option(
    "--subaccount",
    default="*",
    show_default=True,
    help="The subAccountId scope of the webhook (* for the whole account).",
)
@click.option("--force", is_flag=True, help="Send the secret again even when nothing changed.")
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (for CI).")
def register_command(
    target: str | None,
    sandbox: bool,
    url: str | None,
    remove: bool,
    subaccount: str,
    force: bool,
    auto_approve: bool,
) -> None:
    """Point the account's CABM webhook at the receiver (or remove it); CADR and MSG webhooks are
    never touched. Shows what it will change first; running it again changes nothing."""
    from wa_templates.webhook.register import (
        WebhookApi,
        check_receiver_url,
        describe,
        plan_registration,
        wanted_webhook,
    )

    if url is None and not remove:
        raise UsageError("--url is required: the receiver's public URL (only --remove needs none)")
    if url is not None:  # checked with --remove too: a script may still pass it
        url = check_receiver_url(url)
    wanted = None
    if url is not None and not remove:
        wanted = wanted_webhook(url, authorization_from_env(), subaccount)
    project = find_project()
    opened = open_client(project, target, sandbox)
    client, name = opened.client, opened.name
    with client:
        api = WebhookApi(client)
        change = plan_registration(api.list(), wanted, subaccount, force)
        click.echo(f"Webhooks of account {client.account_id} ({client.description}):")
        for other in change.others:
            click.echo(f"    {describe(other)}  (not touched)")
        if change.action == "none":
            click.echo(f"  = {describe(change.current) if change.current else 'CABM'}")
            click.echo(f"No changes: {change.reason}.")
            return
        marker = {"create": "+", "update": "~", "delete": "-"}[change.action]
        shown = change.wanted if change.wanted is not None else change.current
        assert shown is not None
        why = f"  ({change.reason})" if change.reason else ""
        click.echo(f"  {marker} {change.action} {describe(shown)}{why}")
        _confirm(auto_approve, name)
        if change.action == "delete":
            api.delete(subaccount)
            click.echo("Removed the CABM webhook.")
        else:
            assert change.wanted is not None
            api.put(change.wanted)
            click.echo(f"Registered: 8x8 sends template events for {name} to {url}.")


def _confirm(auto_approve: bool, name: str) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise WaError("no terminal to confirm on: pass --auto-approve to change the webhook")
    if not click.confirm(f"Change the webhooks of {name}?", default=False):
        raise click.exceptions.Exit(1)
