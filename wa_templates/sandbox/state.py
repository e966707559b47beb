"""The sandbox's persisted state: one JSON file, rewritten atomically after every change.

The file is the source of truth: each change loads it, changes it and writes it back under a
lock, so the CLI can be run again and again against the same file, a `sandbox serve` process and
an in-process sandbox can share it, and apply's worker threads never lose each other's updates.

Parsing a state of 12,000 templates takes a good part of a second, so each `Store` keeps the
state it last parsed or wrote, with the file's identity (inode, size, mtime, ctime), and parses
again only when that identity changes. A file changed within the last few seconds may change
again within one timestamp tick without changing its identity (coarse file-system clocks), so
until it is older than that its bytes are compared too, as git does for a "racily clean" index.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wa_templates.errors import WaError
from wa_templates.sandbox.records import (
    Delivery,
    Finished,
    PhoneNumber,
    Webhook,
    display_phone_number,
    parse_moment,
)

if sys.platform != "win32":
    import fcntl

STATE_VERSION = 2
"""2: webhooks, the outbox, phone numbers, and templates' pause and disable details in fields of
their own (version 1 kept a pause title or a disable date in `reason`; `_parse` moves them)."""
FIRST_TEMPLATE_ID = 1_042_000_000_000_001
"""Meta's template ids are 15-16 digit numbers; the sandbox counts up from this one."""
DEFAULT_MAX_TEMPLATES = 250
MAX_TEMPLATES_LIMIT = 6000
CHANNEL_NAME = "Sandbox WhatsApp channel"
MAX_CLOCK_RATE = 86_400.0
RACY_SECONDS = 3.0
"""How long after a change a state file's identity alone is not trusted: longer than any file
system's timestamp granularity (FAT's is 2 s; ext4, xfs and tmpfs tick every few ms)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Template(_Model):
    """One name + language as the channel holds it."""

    name: str
    language: str
    category: str
    status: str = "PENDING"
    reason: str | None = None
    components: list[dict[str, Any]]
    """In create-payload shape, exactly as submitted (or as last edited through the admin API)."""
    allow_category_change: bool | None = None
    message_send_ttl_seconds: int | None = None
    created_at: datetime
    updated_at: datetime
    review_due: datetime | None = None
    """When the simulated Meta review completes; None once it has (or an admin set a status)."""
    ever_approved: bool = False
    template_id: int | None = None
    """Meta's id, which webhook events carry (states from before webhooks get one when needed)."""
    quality: str = "UNKNOWN"
    pauses: int = 0
    """Quality pauses so far: the third disables the template."""
    pause_title: str | None = None
    """Why a PAUSED template is paused (FIRST_PAUSE, ...), or DISABLED after a third pause."""
    resume_at: datetime | None = None
    """When a quality pause lifts by itself (3 h after the first, 6 h after the second)."""
    disable_at: datetime | None = None
    """When a FLAGGED template is disabled unless its quality recovers."""
    delete_at: datetime | None = None
    """When a template deleted through the API (PENDING_DELETION) is gone."""


class Channel(_Model):
    account_id: str
    channel_id: str
    channel_name: str = CHANNEL_NAME
    templates: list[Template] = Field(default_factory=list)
    locks: dict[str, datetime] = Field(default_factory=dict)
    """Deleted names that were once approved, with the time their 30-day lock ends."""
    creations: list[datetime] = Field(default_factory=list)
    """Successful creates within the last hour, for the rolling-hour rate limit."""
    phone: PhoneNumber | None = None
    """Set once the admin API changes it; `phone_number()` otherwise."""

    def phone_number(self) -> PhoneNumber:
        if self.phone is None:
            self.phone = PhoneNumber(
                display_phone_number=display_phone_number(self.account_id, self.channel_id)
            )
        return self.phone

    def find(self, name: str, language: str) -> Template | None:
        for template in self.templates:
            if template.name == name and template.language == language:
                return template
        return None

    def names(self) -> set[str]:
        return {template.name for template in self.templates}


class Faults(_Model):
    latency_ms: int = Field(0, ge=0, le=60_000)
    error_rate: float = Field(0.0, ge=0.0, le=1.0)
    error_status: int = Field(500, ge=400, le=599)
    drop_rate: float = Field(0.0, ge=0.0, le=1.0)


class Config(_Model):
    max_templates: int = Field(DEFAULT_MAX_TEMPLATES, ge=1, le=MAX_TEMPLATES_LIMIT)
    review_delay_minutes: float = Field(0.0, ge=0.0)
    deletion_delay_minutes: float = Field(0.0, ge=0.0)
    """Sandbox-clock minutes a deleted template stays listed as PENDING_DELETION."""
    clock_rate: float = Field(1.0, ge=0.0, le=MAX_CLOCK_RATE)
    """Sandbox seconds per wall-clock second: 0 stops the clock (only the admin API moves it),
    60 makes Meta's 3-hour pause last 3 minutes and 8x8's 90-second retry 1.5 s."""
    list_extras: bool = False
    """List reason, otherInfo and disableInfo, which 8x8's list never shows (older data only)."""


class StoredFile(_Model):
    token: str
    content_type: str
    size: int
    subaccount_id: str
    created_at: datetime


class SandboxState(_Model):
    version: int = STATE_VERSION
    clock_offset_seconds: float = 0.0
    clock_anchor: datetime | None = None
    """The wall-clock moment from which the clock runs at `config.clock_rate` (None: rate 1)."""
    config: Config = Field(default_factory=Config)
    faults: Faults = Field(default_factory=Faults)
    channels: dict[str, Channel] = Field(default_factory=dict)
    """Keyed by '<accountId>/<channelId>'."""
    files: dict[str, StoredFile] = Field(default_factory=dict)
    webhooks: dict[str, list[Webhook]] = Field(default_factory=dict)
    """Keyed by `records.account_key(accountId)`, in registration order."""
    outbox: list[Delivery] = Field(default_factory=list)
    finished: list[Finished] = Field(default_factory=list)
    """The latest deliveries that left the outbox, oldest first (at most FINISHED_KEPT)."""
    next_template_id: int = FIRST_TEMPLATE_ID

    def now(self) -> datetime:
        """The sandbox clock: wall clock plus whatever POST /_sandbox/clock has added, running
        at `config.clock_rate` since the rate was set."""
        return self.clock_at(datetime.now(UTC))

    def clock_at(self, wall: datetime) -> datetime:
        moment = wall + timedelta(seconds=self.clock_offset_seconds)
        if self.clock_anchor is not None:
            moment += (wall - self.clock_anchor) * (self.config.clock_rate - 1)
        return moment

    def set_clock_rate(self, rate: float) -> None:
        """Run the clock at `rate` from now on, without a jump."""
        wall = datetime.now(UTC)
        current = self.clock_at(wall)
        self.config.clock_rate = rate
        self.clock_anchor = None if rate == 1 else wall
        self.clock_offset_seconds = (current - wall).total_seconds()

    def reset_clock(self) -> None:
        """Back to the wall clock, still running at the configured rate."""
        self.clock_offset_seconds = 0.0
        self.clock_anchor = None if self.config.clock_rate == 1 else datetime.now(UTC)

    def wall_seconds_until(self, moment: datetime) -> float | None:
        """Wall-clock seconds until the sandbox clock reaches `moment` (None: a stopped clock
        never gets there by itself)."""
        ahead = (moment - self.now()).total_seconds()
        if ahead <= 0:
            return 0.0
        rate = self.config.clock_rate
        return ahead / rate if rate > 0 else None

    def new_template_id(self) -> int:
        self.next_template_id += 1
        return self.next_template_id - 1

    def channel(self, account_id: str, channel_id: str) -> Channel:
        """A channel's state, created on first use."""
        key = f"{account_id}/{channel_id}"
        found = self.channels.get(key)
        if found is None:
            found = self.channels[key] = Channel(account_id=account_id, channel_id=channel_id)
        return found

    def existing_channel(self, account_id: str, channel_id: str) -> Channel | None:
        return self.channels.get(f"{account_id}/{channel_id}")


class StateError(WaError):
    """The state file cannot be read or written."""


FileKey = tuple[int, int, int, int]


@dataclass(slots=True)
class _Snapshot:
    """The state parsed from (or last written to) the file, and what identified the file."""

    key: FileKey
    data: bytes
    state: SandboxState
    racy: bool
    """The file was changed too recently for `key` alone to tell a later change within the same
    timestamp tick; its bytes are compared until it is older than RACY_SECONDS."""


class Store:
    """Load-change-save transactions on one state file, safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.files_dir = path.with_name(path.stem + "-files")
        # Reentrant: a read() inside a transaction of the same thread must not deadlock.
        self._lock = threading.RLock()
        self._snapshot: _Snapshot | None = None

    def read(self) -> SandboxState:
        """The state as stored, without the file lock (os.replace makes writes all-or-nothing).

        It is the Store's cached state, shared with later calls and changed in place by this
        Store's transactions: look at it, but neither change nor keep it (see `view`).
        """
        with self._lock:
            return self._load()

    @contextlib.contextmanager
    def view(self) -> Iterator[SandboxState]:
        """`read()`, with this Store's transactions in other threads held off until the block
        ends, so the block sees one consistent state without taking the file lock."""
        with self._lock:
            yield self._load()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[SandboxState]:
        """The current state to change in place; written back when the block ends normally."""
        with self._lock, self._file_lock():
            state = self._load()
            before = self._snapshot
            try:
                yield state
            except BaseException:
                self._forget_if_changed(state)
                raise
            data = _dump(state)
            if before is None or data != before.data:
                self._write(data, state)

    def configure(self, **settings: Any) -> Config:
        """Apply `serve` options (Config fields) to the stored config; None keeps what is
        stored."""
        with self.transaction() as state:
            try:
                apply_settings(state, {k: v for k, v in settings.items() if v is not None})
            except ValidationError as exc:
                raise StateError(_first_error(exc)) from None
            return state.config.model_copy()

    def _load(self) -> SandboxState:
        """The stored state: the cached one while the file is unchanged, else parsed afresh."""
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed below, on every path
        except FileNotFoundError:
            self._snapshot = None
            return SandboxState()
        except OSError as exc:
            raise StateError(f"{self.path}: cannot read the sandbox state: {exc}") from None
        with handle:
            try:
                # The identity of the file this handle reads, whatever replaces it meanwhile.
                info = os.fstat(handle.fileno())
                key = _key(info)
                cached = self._snapshot
                if cached is not None and cached.key == key and not cached.racy:
                    return cached.state
                data = handle.read()
            except OSError as exc:
                raise StateError(f"{self.path}: cannot read the sandbox state: {exc}") from None
        if cached is not None and cached.data == data:
            # The same bytes (a racy file unchanged, or rewritten as it was): the same state.
            cached.key, cached.racy = key, _racy(info)
            return cached.state
        state = _parse(self.path, data)
        self._snapshot = _Snapshot(key, data, state, _racy(info))
        return state

    def _forget_if_changed(self, state: SandboxState) -> None:
        """After a transaction that failed: the cached state may hold changes never written."""
        cached = self._snapshot
        if cached is None or cached.state is not state:
            return
        try:
            unchanged = _dump(state) == cached.data
        except Exception:  # whatever broke the state, forgetting it is the cure
            unchanged = False
        if not unchanged:
            self._snapshot = None

    def _write(self, data: bytes, state: SandboxState) -> None:
        self._snapshot = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(
                prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent
            )
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    inode = os.fstat(handle.fileno()).st_ino
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise StateError(f"{self.path}: cannot write the sandbox state: {exc}") from None
        # Under the file lock no other Store can have replaced the file since; the stat comes
        # after os.replace because a rename changes the ctime. Someone writing without the
        # lock (a hand edit) gets the file parsed again.
        with contextlib.suppress(OSError):
            info = os.stat(self.path)
            if info.st_ino == inode:
                self._snapshot = _Snapshot(_key(info), data, state, racy=True)

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        # A separate lock file: the state file itself is replaced on every write, so a lock
        # held on it would be a lock on a file nobody else opens any more.
        if sys.platform == "win32":  # pragma: no cover - the in-process lock still serialises
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(lock_path, "a+b")  # noqa: SIM115 - held across the yield
        except OSError as exc:
            raise StateError(f"{lock_path}: cannot lock the sandbox state: {exc}") from None
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def apply_settings(state: SandboxState, settings: dict[str, Any]) -> None:
    """Change Config fields, checked as one (raises ValidationError, changing nothing, if any
    is wrong); a new clock rate takes effect from now without a jump."""
    config = Config.model_validate({**state.config.model_dump(), **settings}, strict=True)
    rate = config.clock_rate
    config.clock_rate = state.config.clock_rate
    state.config = config
    if rate != state.config.clock_rate:
        state.set_clock_rate(rate)


def _key(info: os.stat_result) -> FileKey:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _racy(info: os.stat_result) -> bool:
    changed = max(info.st_mtime_ns, info.st_ctime_ns)
    return time.time_ns() - changed < RACY_SECONDS * 1_000_000_000


def _dump(state: SandboxState) -> bytes:
    # Unset fields are left out: most of a template's are None, and writing them all made a
    # state of 12,000 templates a third bigger and slower to parse.
    return state.model_dump_json(indent=1, exclude_none=True).encode()


def _parse(path: Path, data: bytes) -> SandboxState:
    try:
        state = SandboxState.model_validate_json(data)
    except ValidationError as exc:
        raise StateError(
            f"{path}: not a sandbox state file ({_first_error(exc)}); "
            "move it away or delete it to start afresh"
        ) from None
    if state.version == 1:
        _from_version_1(state)
    if state.version != STATE_VERSION:
        raise StateError(f"{path}: sandbox state version {state.version} is not supported")
    return state


def _from_version_1(state: SandboxState) -> None:
    """Version 1 kept a PAUSED template's pause title, and a FLAGGED one's disable date, in
    `reason`."""
    for channel in state.channels.values():
        for template in channel.templates:
            reason = template.reason
            if not reason or template.status not in ("PAUSED", "FLAGGED"):
                continue
            if template.status == "PAUSED":
                template.pause_title, template.reason = reason, None
            elif (moment := parse_moment(reason)) is not None:
                template.disable_at, template.reason = moment, None
    state.version = STATE_VERSION


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])
