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

if sys.platform != "win32":
    import fcntl

STATE_VERSION = 1
DEFAULT_MAX_TEMPLATES = 250
MAX_TEMPLATES_LIMIT = 6000
CHANNEL_NAME = "Sandbox WhatsApp channel"
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


class Channel(_Model):
    account_id: str
    channel_id: str
    channel_name: str = CHANNEL_NAME
    templates: list[Template] = Field(default_factory=list)
    locks: dict[str, datetime] = Field(default_factory=dict)
    """Deleted names that were once approved, with the time their 30-day lock ends."""
    creations: list[datetime] = Field(default_factory=list)
    """Successful creates within the last hour, for the rolling-hour rate limit."""

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


class StoredFile(_Model):
    token: str
    content_type: str
    size: int
    subaccount_id: str
    created_at: datetime


class SandboxState(_Model):
    version: int = STATE_VERSION
    clock_offset_seconds: float = 0.0
    config: Config = Field(default_factory=Config)
    faults: Faults = Field(default_factory=Faults)
    channels: dict[str, Channel] = Field(default_factory=dict)
    """Keyed by '<accountId>/<channelId>'."""
    files: dict[str, StoredFile] = Field(default_factory=dict)

    def now(self) -> datetime:
        """The sandbox clock: wall clock plus whatever POST /_sandbox/clock has added."""
        return datetime.now(UTC) + timedelta(seconds=self.clock_offset_seconds)

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

    def configure(
        self, *, max_templates: int | None = None, review_delay_minutes: float | None = None
    ) -> Config:
        """Apply `serve` options to the stored config (None keeps what is stored)."""
        with self.transaction() as state:
            try:
                if max_templates is not None:
                    state.config.max_templates = max_templates
                if review_delay_minutes is not None:
                    state.config.review_delay_minutes = review_delay_minutes
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


def _key(info: os.stat_result) -> FileKey:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _racy(info: os.stat_result) -> bool:
    changed = max(info.st_mtime_ns, info.st_ctime_ns)
    return time.time_ns() - changed < RACY_SECONDS * 1_000_000_000


def _dump(state: SandboxState) -> bytes:
    return state.model_dump_json(indent=1).encode()


def _parse(path: Path, data: bytes) -> SandboxState:
    try:
        state = SandboxState.model_validate_json(data)
    except ValidationError as exc:
        raise StateError(
            f"{path}: not a sandbox state file ({_first_error(exc)}); "
            "move it away or delete it to start afresh"
        ) from None
    if state.version != STATE_VERSION:
        raise StateError(f"{path}: sandbox state version {state.version} is not supported")
    return state


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])
