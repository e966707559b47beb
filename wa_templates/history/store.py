"""The history store: where events and observed statuses are written, in SQLite or PostgreSQL.

SQLAlchemy Core 2 with Alembic was chosen over hand-written SQL for two dialects: one table
definition and one migration history serve both, and its dialect-specific `INSERT ... ON
CONFLICT DO NOTHING` is what makes storing an event idempotent by `eventId` in one statement on
either database. `open_store` migrates to the latest schema on every open.

SQLite runs in WAL mode with `synchronous=FULL`: a committed event (the receiver answers 2xx only
after the commit) survives the process being killed and the machine losing power. Every write
transaction starts with `BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of
one failing when it upgrades a read lock.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    case,
    create_engine,
    event,
    func,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from wa_templates.channel.remote import ChannelTemplate
from wa_templates.errors import WaError
from wa_templates.history import schema
from wa_templates.history.events import Envelope, Event
from wa_templates.history.rows import LISTED, facts, listed
from wa_templates.provider import redact

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_SECONDS = 30.0


class StoreError(WaError):
    """The history store cannot be opened, migrated or written."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """A notification to send: a row of the delivery log."""

    id: int
    event_id: str
    destination: str
    payload: dict[str, Any]
    attempts: int


def database_url(value: str, root: Path | None = None) -> URL:
    """A SQLAlchemy URL from `sqlite:///file`, `postgresql://...` or a plain file path.

    A relative SQLite path is taken from `root` (the project, for a target's `history` key), else
    from the working directory. No password ever appears in an error.
    """
    text = value.strip()
    if not text:
        raise StoreError(
            "the history store is empty: give sqlite:///FILE, postgresql://... or FILE"
        )
    if "://" not in text:
        return _sqlite(Path(text), root)
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise StoreError(
            "invalid history store URL: expected sqlite:///FILE or postgresql://..."
        ) from None
    if url.password:
        redact.register(str(url.password))
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise StoreError("a SQLite history store needs a file: sqlite:///path/to/history.db")
        return _sqlite(Path(url.database), root)
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    raise StoreError(
        f"unsupported history store '{url.drivername}': use sqlite:///FILE or postgresql://..."
    )


def _sqlite(path: Path, root: Path | None) -> URL:
    if not path.is_absolute() and root is not None:
        path = root / path
    return URL.create("sqlite+pysqlite", database=str(path))


def describe(url: URL) -> str:
    """The URL as a user writes it (no driver name), never with its password."""
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)


def open_store(value: str, root: Path | None = None, create: bool = True) -> HistoryStore:
    """The store at `value`, migrated to the latest schema. A SQLite file that does not exist
    is created, unless `create` is false (for a command that only reads: a mistyped path
    would otherwise be a new, empty store that answers "no history")."""
    url = database_url(value, root)
    where = describe(url)
    if url.get_backend_name() == "sqlite" and url.database:
        if not create and not Path(url.database).is_file():
            raise StoreError(f"no history store at {where}: the file does not exist")
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {where}: {exc.strerror}") from None
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the history store {where}: {_reason(exc)}") from None
    return HistoryStore(engine, where)


def _engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is turned off: we begin them (IMMEDIATE) below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    return redact.scrub(" ".join(str(original).split()))[:300]


class HistoryStore:
    """Writes to the history; reads are in `queries`."""

    def __init__(self, engine: Engine, description: str) -> None:
        self.engine = engine
        self.description = description
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        # Built once: ON CONFLICT DO NOTHING is spelled by each dialect, and a statement reused
        # with plain parameters skips SQLAlchemy's per-call construction (half an event's CPU).
        self._new_event = (
            dialect.insert(schema.events)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(schema.events.c.id)
        )
        # SQLite takes one writer at a time: threads queue here, first come first served,
        # rather than in SQLite's busy handler, which sleeps and retries (seconds of p99).
        self._one_at_a_time: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if dialect is sqlite else contextlib.nullcontext()
        )

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        try:
            with self._one_at_a_time, self.engine.begin() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise StoreError(f"history store {self.description}: {_reason(exc)}") from None

    # --- events --------------------------------------------------------------------------

    def ingest(
        self,
        event_: Event,
        target: str,
        received_at: datetime,
        notifications: Iterable[tuple[str, dict[str, Any]]] = (),
    ) -> bool:
        """Store an event with what it says and the notifications it causes, in one transaction.

        False (and nothing written) when an event with this eventId is already stored.
        """
        with self.transaction() as connection:
            if not self._add_event(
                connection,
                event_.envelope,
                event_.raw,
                target,
                received_at,
                parsed=event_.parsed,
                template=event_.template,
            ):
                return False
            for table, row in facts(event_, target):
                connection.execute(table.insert(), row)
            for destination, payload in notifications:
                connection.execute(
                    schema.deliveries.insert(),
                    {
                        "event_id": event_.event_id,
                        "destination": destination,
                        "payload": json.dumps(payload, ensure_ascii=False),
                        "state": "pending",
                        "attempts": 0,
                        "created_at": received_at,
                        "next_attempt_at": received_at,
                    },
                )
        return True

    def keep_flagged(
        self, envelope: Envelope, raw: str, target: str, received_at: datetime, flag: str
    ) -> bool:
        """Keep an event raw without applying it (an unknown type); False if already kept."""
        with self.transaction() as connection:
            return self._add_event(connection, envelope, raw, target, received_at, flag=flag)

    def _add_event(
        self,
        connection: Connection,
        envelope: Envelope,
        raw: str,
        target: str,
        received_at: datetime,
        *,
        parsed: dict[str, Any] | None = None,
        template: Any = None,
        flag: str | None = None,
    ) -> bool:
        row = {
            "event_id": envelope.event_id,
            "event_type": envelope.event_type,
            "target": target,
            "account_id": envelope.account_id,
            "business_account_id": envelope.business_account_id,
            "occurred_at": envelope.timestamp,
            "received_at": received_at,
            "template_name": template.template_name if template else None,
            "template_language": template.template_language if template else None,
            "template_id": template.template_id if template else None,
            "flag": flag,
            "raw": raw,
            "parsed": json.dumps(parsed, ensure_ascii=False) if parsed is not None else None,
        }
        # A row back means it was inserted; none means this eventId was already stored.
        return connection.execute(self._new_event, row).first() is not None

    def has_event(self, event_id: str) -> bool:
        with self.transaction() as connection:
            found = connection.execute(
                select(schema.events.c.id).where(schema.events.c.event_id == event_id)
            ).first()
        return found is not None

    # --- what plan, apply and drift saw -----------------------------------------------------

    def record_listing(
        self, target: str, command_name: str, templates: list[ChannelTemplate], at: datetime
    ) -> int:
        """Record a listing of the channel; returns how many templates' rows changed."""
        o = schema.observations
        with self.transaction() as connection:
            latest_ids = (
                select(func.max(o.c.id))
                .where(o.c.target == target, o.c.source == "list")
                .group_by(o.c.name, o.c.language)
            )
            before = {
                (row.name, row.language): row
                for row in connection.execute(select(o).where(o.c.id.in_(latest_ids)))
            }
            rows: list[dict[str, Any]] = []
            seen: set[tuple[str, str]] = set()
            for template in templates:
                key = (template.name, template.language)
                if key in seen:
                    continue
                seen.add(key)
                row = listed(template)
                old = before.get(key)
                if (
                    old is None
                    or old.kind != "listed"
                    or any(getattr(old, f) != row[f] for f in LISTED)
                ):
                    rows.append({**row, "name": key[0], "language": key[1], "kind": "listed"})
            for key, old in before.items():
                if key not in seen and old.kind != "absent":
                    # Every row carries the same keys: one INSERT takes them all at once.
                    gone = dict.fromkeys(LISTED)
                    rows.append({**gone, "name": key[0], "language": key[1], "kind": "absent"})
            common = {"target": target, "at": at, "source": "list", "command": command_name}
            if rows:
                connection.execute(o.insert(), [{**common, **row} for row in rows])
            connection.execute(
                schema.runs.insert().values(
                    target=target, command=command_name, at=at, templates=len(seen)
                )
            )
        return len(rows)

    # --- the delivery log -------------------------------------------------------------------

    def due_deliveries(self, now: datetime, limit: int = 50) -> list[Delivery]:
        d = schema.deliveries
        with self.transaction() as connection:
            rows = connection.execute(
                select(d)
                .where(d.c.state == "pending", d.c.next_attempt_at <= now)
                .where((d.c.lease_until.is_(None)) | (d.c.lease_until < now))
                .order_by(d.c.next_attempt_at, d.c.id)
                .limit(limit)
            ).all()
        return [
            Delivery(r.id, r.event_id, r.destination, json.loads(r.payload), r.attempts)
            for r in rows
        ]

    def next_due(self) -> datetime | None:
        """When the next pending delivery may be attempted (its lease, if any, expired)."""
        d = schema.deliveries
        free_at = case(
            (d.c.lease_until > d.c.next_attempt_at, d.c.lease_until), else_=d.c.next_attempt_at
        )
        # type_coerce: min() over a CASE has no type of its own, and SQLite would hand back text.
        earliest = type_coerce(func.min(free_at), schema.UtcDateTime())
        with self.transaction() as connection:
            value: datetime | None = connection.execute(
                select(earliest).where(d.c.state == "pending")
            ).scalar()
        return value

    def claim(self, delivery_id: int, now: datetime, lease_until: datetime) -> bool:
        """Take a delivery for one attempt; False when another worker holds it."""
        d = schema.deliveries
        with self.transaction() as connection:
            result = connection.execute(
                d.update()
                .where(d.c.id == delivery_id, d.c.state == "pending")
                .where((d.c.lease_until.is_(None)) | (d.c.lease_until < now))
                .values(lease_until=lease_until)
            )
        return result.rowcount == 1

    def attempted(
        self,
        delivery_id: int,
        now: datetime,
        *,
        delivered: bool,
        status: int | None,
        error: str | None,
        retry_at: datetime | None,
    ) -> None:
        """Record one attempt: delivered, to be retried at `retry_at`, or failed for good."""
        d = schema.deliveries
        state = "delivered" if delivered else ("pending" if retry_at is not None else "failed")
        with self.transaction() as connection:
            connection.execute(
                d.update()
                .where(d.c.id == delivery_id)
                .values(
                    state=state,
                    attempts=d.c.attempts + 1,
                    lease_until=None,
                    last_status=status,
                    last_error=error[:300] if error else None,
                    delivered_at=now if delivered else None,
                    next_attempt_at=retry_at if retry_at is not None else now,
                )
            )
