"""History that grows with every run: a provider that records each listing of the channel.

The CLI wraps the provider of any command that has a history store configured (`cli.target`),
so plan, apply (its stale check and `--wait` polls included), drift, names and import record
every status they saw without any of them knowing: the list response is recorded where it is
fetched, the one place all of them share. Its `memory` is what plan, apply and drift ask the
history (`channel.known.Memory`), and it includes the listing just recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from wa_templates.channel.remote import ChannelTemplate
from wa_templates.history.queries import History, Recollection
from wa_templates.history.store import HistoryStore, StoreError
from wa_templates.provider.base import CreatePayload, Deleted, Provider


def utc_now() -> datetime:
    return datetime.now(UTC)


class RecordingProvider:
    """A `Provider` that passes everything through and records each listing in the history.

    A failing write does not fail the command (an apply half done must not stop because its
    history could not be written): `warn` is told once, and the run goes on unrecorded.
    """

    def __init__(
        self,
        inner: Provider,
        store: HistoryStore,
        target: str,
        command: str,
        warn: Callable[[str], None],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.inner = inner
        self.store = store
        self.target = target
        self.command = command
        self.description = inner.description
        self.identity = inner.identity
        self._warn: Callable[[str], None] | None = warn
        self._clock = clock

    def list_templates(self) -> list[ChannelTemplate]:
        items = self.inner.list_templates()
        try:
            self.store.record_listing(self.target, self.command, items, self._clock())
        except StoreError as exc:
            if self._warn is not None:
                self._warn(f"warning: this run's statuses were not recorded: {exc}")
                self._warn = None
        return items

    def memory(self) -> Recollection:
        """The history of this target, as plan, apply and drift ask it."""
        return Recollection(History(self.store, self.target))

    def create_template(self, payload: CreatePayload) -> None:
        self.inner.create_template(payload)

    def delete_template(self, name: str) -> Deleted:
        return self.inner.delete_template(name)

    def upload_file(self, path: Path) -> str:
        return self.inner.upload_file(path)

    def file_served(self, url: str) -> bool:
        return self.inner.file_served(url)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.store.close()
