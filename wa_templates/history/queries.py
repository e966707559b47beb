"""What the history knows about a template, for `history`, and for plan and drift to ask.

Webhook events and listings are merged into one timeline per template, ordered by when each
thing happened (an event's own timestamp; a listing's time). The questions plan and drift need
answered are methods here, each computed from that timeline:

- `ever_approved`: the first time a language was seen live (APPROVED, PAUSED, FLAGGED, DISABLED);
- `latest_status`: the newest status, with the reason, pause title and disable date that the
  webhooks gave for it (8x8's list carries none of them);
- `quality`, `category_changes`, `pauses` (quality pauses: the third disables), `last_heard`;
- `phone`: the phone number's messaging-limit tier and whether it is flagged.

Each question is a function of one language's timeline, so `History` (for `history`) and
`Recollection` (the `channel.known.Memory` plan, apply and drift ask) give the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select

from wa_templates.channel.known import CategoryChange as CategoryChange
from wa_templates.channel.known import Known
from wa_templates.channel.known import PhoneState as PhoneState
from wa_templates.channel.statuses import LIVE
from wa_templates.history import schema
from wa_templates.history.store import HistoryStore

_STATUS_KINDS = ("status", "listed", "absent")
_DETAILS = ("reason", "pause_title", "pause_description", "disable_date")
NOT_A_QUALITY_PAUSE = "RATE_LIMITING_PAUSE"
"""Meta's pacing pause of new marketing templates: it does not count towards disabling."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a template's timeline."""

    at: datetime
    name: str
    language: str
    source: str
    """'webhook' (an 8x8 event) or 'list' (what a plan, apply or drift saw)."""
    kind: str
    """status, category, quality, category_detection (webhook); listed, absent (list)."""
    command: str | None = None
    event_id: str | None = None
    template_id: str | None = None
    status: str | None = None
    reason: str | None = None
    pause_title: str | None = None
    pause_description: str | None = None
    disable_date: str | None = None
    category: str | None = None
    previous_category: str | None = None
    quality: str | None = None
    previous_quality: str | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return {key: value for key, value in data.items() if value is not None}


class History:
    """The read side of a history store, for one target."""

    def __init__(self, store: HistoryStore, target: str) -> None:
        self.store = store
        self.target = target

    def timeline(self, name: str, language: str | None = None) -> list[Entry]:
        """Everything known about a name (one language, or all), oldest first."""
        o = schema.observations
        query = select(o).where(o.c.target == self.target, o.c.name == name)
        if language is not None:
            query = query.where(o.c.language == language)
        with self.store.transaction() as connection:
            rows = connection.execute(query.order_by(o.c.at, o.c.id)).all()
        return [_entry(row) for row in rows]

    def ever_approved(self, name: str, language: str | None = None) -> datetime | None:
        """When a language of the name (or this language) was first seen live since it was last
        seen gone from the channel; None if never."""
        seen = [first_live(entries) for entries in _by_language(self.timeline(name, language))]
        return min((at for at in seen if at is not None), default=None)

    def latest_status(self, name: str, language: str) -> Entry | None:
        """The newest status (kind 'absent' when the last listing did not have it), with the
        reason, pause title and description, and disable date heard for that same status."""
        return latest_status(self.timeline(name, language))

    def quality(self, name: str, language: str) -> Entry | None:
        """The newest quality score (GREEN, YELLOW, RED, UNKNOWN) and the one before it."""
        return quality(self.timeline(name, language))

    def category_changes(self, name: str, language: str) -> list[CategoryChange]:
        """Category changes, oldest first: Meta's events, and changes between two listings."""
        return category_changes(self.timeline(name, language))

    def pauses(self, name: str, language: str) -> int:
        """Quality pauses so far: each move into PAUSED, except Meta's pacing pause."""
        return pauses(self.timeline(name, language))

    def last_heard(self, name: str, language: str) -> datetime | None:
        """The last time anything was heard of it: an event, or a listing that still had it."""
        return last_heard(self.timeline(name, language), self.last_run)

    def last_run(self) -> datetime | None:
        """When a run last listed this target's channel."""
        r = schema.runs
        with self.store.transaction() as connection:
            at: datetime | None = connection.execute(
                select(func.max(r.c.at)).where(r.c.target == self.target)
            ).scalar()
        return at

    def phone(self) -> PhoneState | None:
        """The phone number's tier and flag from phone_number_quality_update events."""
        p = schema.phone_numbers
        with self.store.transaction() as connection:
            rows = connection.execute(
                select(p).where(p.c.target == self.target).order_by(p.c.at, p.c.id)
            ).all()
        if not rows:
            return None
        tier: str | None = None
        flagged: bool | None = None
        for row in rows:
            tier = row.max_daily or row.current_limit or tier
            if row.event in ("FLAGGED", "UNFLAGGED"):
                flagged = row.event == "FLAGGED"
        last = rows[-1]
        return PhoneState(last.phone_number, last.event, last.at, tier, flagged)


class Recollection:
    """The `channel.known.Memory` of a history: what plan, apply and drift ask of it.

    A plan asks of the few names it would delete, drift of every managed one: the first
    BULK_AFTER names are read one query each, then one query reads the target's whole history.
    Answers are kept, so a name is read once per run.
    """

    BULK_AFTER = 20

    def __init__(self, history: History) -> None:
        self.history = history
        self.description = history.store.description
        self._names: dict[str, dict[str, list[Entry]]] = {}
        self._everything = False
        self._last_run: tuple[datetime | None] | None = None
        self._phone: tuple[PhoneState | None] | None = None

    def recall(self, name: str, language: str) -> Known | None:
        entries = self._timelines(name).get(language)
        if not entries:
            return None
        if self._last_run is None:
            self._last_run = (self.history.last_run(),)
        last_run = self._last_run[0]
        return known(entries, lambda: last_run)

    def phone(self) -> PhoneState | None:
        if self._phone is None:
            self._phone = (self.history.phone(),)
        return self._phone[0]

    def _timelines(self, name: str) -> dict[str, list[Entry]]:
        if name in self._names or self._everything:
            return self._names.get(name, {})
        if len(self._names) < self.BULK_AFTER:
            self._names[name] = _grouped(self.history.timeline(name))
            return self._names[name]
        o = schema.observations
        query = select(o).where(o.c.target == self.history.target).order_by(o.c.at, o.c.id)
        with self.history.store.transaction() as connection:
            rows = connection.execute(query).all()
        everything: dict[str, list[Entry]] = defaultdict(list)
        for row in rows:
            everything[row.name].append(_entry(row))
        self._names = {n: _grouped(entries) for n, entries in everything.items()}
        self._everything = True
        return self._names.get(name, {})


def _entry(row: Row[Any]) -> Entry:
    fields = Entry.__dataclass_fields__
    return Entry(**{k: v for k, v in row._mapping.items() if k in fields})


def _grouped(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    by: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by[entry.language].append(entry)
    return dict(by)


def _by_language(entries: list[Entry]) -> list[list[Entry]]:
    return list(_grouped(entries).values())


# --- the questions, each over one language's timeline, oldest first -------------------------


def known(entries: list[Entry], last_run: Callable[[], datetime | None]) -> Known:
    """Everything the timeline says, as plan, apply and drift take it."""
    latest = latest_status(entries)
    score = quality(entries)
    live = latest is not None and latest.kind != "absent"
    return Known(
        approved_at=first_live(entries),
        status=latest.status if latest is not None and live else None,
        status_at=latest.at if latest is not None else None,
        reason=latest.reason if latest is not None and live else None,
        pause_title=latest.pause_title if latest is not None and live else None,
        disable_date=latest.disable_date if latest is not None and live else None,
        quality=score.quality if score is not None else None,
        previous_quality=score.previous_quality if score is not None else None,
        quality_at=score.at if score is not None else None,
        category_changes=tuple(category_changes(entries)),
        pauses=pauses(entries),
        last_heard=last_heard(entries, last_run),
    )


def first_live(entries: list[Entry]) -> datetime | None:
    """When it was first seen live since it was last seen gone.

    A name that was approved and deleted is locked for 30 days: one seen on the channel again
    after it was gone is a new template, and what its predecessor was does not lock it.
    """
    approved: datetime | None = None
    for entry in entries:
        if entry.kind == "absent":
            approved = None
        elif approved is None and entry.status in LIVE:
            approved = entry.at
    return approved


def latest_status(entries: list[Entry]) -> Entry | None:
    statuses = [e for e in entries if e.kind in _STATUS_KINDS]
    if not statuses:
        return None
    latest = statuses[-1]
    details = {key: getattr(latest, key) for key in _DETAILS}
    for entry in reversed(statuses[:-1]):
        if entry.status != latest.status or entry.kind == "absent":
            break
        for key in _DETAILS:
            if details[key] is None:
                details[key] = getattr(entry, key)
    return replace(latest, **details)


def quality(entries: list[Entry]) -> Entry | None:
    scores = [e for e in entries if e.kind == "quality"]
    return scores[-1] if scores else None


def category_changes(entries: list[Entry]) -> list[CategoryChange]:
    changes: list[CategoryChange] = []
    listed: str | None = None
    for entry in entries:
        if entry.kind == "category" and entry.category:
            changes.append(
                CategoryChange(entry.at, entry.previous_category, entry.category, "webhook")
            )
            listed = entry.category
        elif entry.kind == "listed" and entry.category:
            if listed is not None and entry.category != listed:
                changes.append(CategoryChange(entry.at, listed, entry.category, "list"))
            listed = entry.category
    return changes


def pauses(entries: list[Entry]) -> int:
    count = 0
    previous: str | None = None
    for entry in entries:
        if entry.kind not in _STATUS_KINDS:
            continue
        if (
            entry.status == "PAUSED"
            and previous != "PAUSED"
            and entry.pause_title != NOT_A_QUALITY_PAUSE
        ):
            count += 1
        previous = entry.status
    return count


def last_heard(entries: list[Entry], last_run: Callable[[], datetime | None]) -> datetime | None:
    """`last_run` is asked only when the last listing still had it."""
    if not entries:
        return None
    heard = max(e.at for e in entries)
    listings = [e for e in entries if e.source == "list"]
    if listings and listings[-1].kind == "listed":
        run = last_run()
        if run is not None:
            heard = max(heard, run)
    return heard
