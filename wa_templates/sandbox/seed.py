"""Fill the sandbox's channel from template files, as if the templates had been made in 8x8's
portal: the starting point of a walkthrough, a demo or a test of `import`.

Each language goes through the create route's own checks and `operations.create` (the limits,
the 30-day locks, Meta's review), converted by `channel.payload` as apply converts it; then,
unless the review is to decide, the admin operation sets the status (and the category as
written, had the review moved it). All of it is one transaction on the state file: a refusal
anywhere leaves the channel as it was. A name + language already on the channel is left as it
is, so seeding twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wa_templates.channel.payload import Payload, to_payload
from wa_templates.errors import WaError
from wa_templates.files.load import Source
from wa_templates.sandbox import operations
from wa_templates.sandbox.embedded import SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID
from wa_templates.sandbox.errors import ApiError
from wa_templates.sandbox.lifecycle import settle
from wa_templates.sandbox.state import Store

SEED_STATUSES = tuple(s for s in operations.ADMIN_STATUSES if s != "PENDING_DELETION")
"""What a seeded template can be made; PENDING_DELETION is what a delete does."""

Resolve = Callable[[Payload, Path], Payload]
"""A create payload with its local media samples (relative to the folder given) uploaded."""


@dataclass(slots=True)
class Seeded:
    name: str
    added: list[tuple[str, str]] = field(default_factory=list)
    """(language, status) of the languages created."""
    kept: list[tuple[str, str]] = field(default_factory=list)
    """(language, status) of the languages already on the channel, left as they were."""


def seed(
    state_path: Path,
    sources: list[Source],
    status: str | None,
    resolve: Resolve,
) -> list[Seeded]:
    """Create every language of `sources` on the sandbox channel, with `status` (None: what
    the simulated review decides); per name, in name order, what was added and kept."""
    wanted: list[tuple[Source, Payload]] = []
    for source in sorted(sources, key=lambda s: s.template.name):
        base = Path(source.path).parent
        for language in sorted(source.template.languages):
            wanted.append((source, resolve(to_payload(source.template, language), base)))
    seeded: dict[str, Seeded] = {}
    with Store(state_path).transaction() as state:
        now = state.now()
        settle(state, now)
        channel = state.channel(SANDBOX_ACCOUNT_ID, SANDBOX_CHANNEL_ID)
        for source, payload in wanted:
            name, language = payload["name"], payload["language"]
            entry = seeded.setdefault(name, Seeded(name))
            found = channel.find(name, language)
            if found is not None:
                entry.kept.append((language, found.status))
                continue
            try:
                template = operations.create(state, channel, operations.check_payload(payload), now)
                changes: dict[str, str] = {}
                if status is not None and template.status != status:
                    changes["status"] = status
                if status is not None and template.category != payload["category"]:
                    changes["category"] = payload["category"]
                if changes:
                    operations.patch(state, channel, name, language, changes, now)
            except ApiError as exc:
                raise WaError(f"{source.path}: {language}: not seeded: {exc.message}") from None
            entry.added.append((language, template.status))
    return list(seeded.values())
