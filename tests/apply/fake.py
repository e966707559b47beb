"""An in-memory Provider for executor tests: a channel that records every call, can be slow,
can refuse chosen creates or deletes, and enforces an hourly creation limit on a fake clock."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from wa_templates.channel.remote import ChannelTemplate, parse_list
from wa_templates.errors import WaError
from wa_templates.provider.base import CreatePayload, Deleted
from wa_templates.provider.errors import ApiError, RateLimitError

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@dataclass
class Clock:
    """now() and sleep() for ApplyOptions: sleeping moves the clock, not the test."""

    moment: datetime = START
    slept: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.moment += timedelta(seconds=seconds)


def refusal(code: int, message: str, summary: str) -> ApiError:
    return ApiError(400, code, message, "e-1", summary=summary)


class FakeProvider:
    description = "fake channel"
    identity = "https://fake.example account=a channel=c subaccount=s"

    def __init__(
        self,
        *,
        latency: float = 0.0,
        per_hour: int | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.latency = latency
        self.per_hour = per_hour
        self.clock = clock or Clock()
        self.templates: dict[tuple[str, str], CreatePayload] = {}
        self.calls: list[tuple[str, str]] = []
        self.refuse_create: dict[str, WaError] = {}
        self.refuse_delete: dict[str, WaError] = {}
        self.uploads: list[Path] = []
        self.refuse_upload = False
        self.gone: set[str] = set()
        """Uploaded URLs the file host no longer serves (expired, or a reset sandbox)."""
        self.checked: list[str] = []
        self.status: dict[str, str] = {}
        """name -> the status the list reports for every language of it (default PENDING)."""
        self.created_at: list[datetime] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def _enter(self, call: tuple[str, str]) -> None:
        with self._lock:
            self.calls.append(call)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.latency:
            time.sleep(self.latency)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def list_templates(self) -> list[ChannelTemplate]:
        return parse_list(
            {"templateName": name, "language": lang, "status": self.status.get(name, "PENDING")}
            for name, lang in sorted(self.templates)
        )

    def create_template(self, payload: CreatePayload) -> None:
        name, lang = str(payload["name"]), str(payload["language"])
        self._enter(("create", f"{name}[{lang}]"))
        try:
            if name in self.refuse_create:
                raise self.refuse_create[name]
            with self._lock:
                if self.per_hour is not None:
                    now = self.clock.now()
                    window = [t for t in self.created_at if t > now - timedelta(hours=1)]
                    if len(window) >= self.per_hour:
                        wait = (window[0] + timedelta(hours=1) - now).total_seconds()
                        raise RateLimitError(
                            429,
                            1100,
                            "Too many requests",
                            None,
                            summary="rate limited",
                            retry_after=wait,
                        )
                    self.created_at = [*window, now]
                if (name, lang) in self.templates:
                    raise refusal(1005, "already exists", f"template '{name}' exists")
                self.templates[(name, lang)] = payload
        finally:
            self._leave()

    def delete_template(self, name: str) -> Deleted:
        self._enter(("delete", name))
        try:
            if name in self.refuse_delete:
                raise self.refuse_delete[name]
            with self._lock:
                keys = [k for k in self.templates if k[0] == name]
                for key in keys:
                    del self.templates[key]
            return Deleted.DELETED if keys else Deleted.ALREADY_GONE
        finally:
            self._leave()

    def upload_file(self, path: Path) -> str:
        self._enter(("upload", path.name))
        try:
            if self.refuse_upload:
                raise refusal(7001, "Request size must not exceed 100 MB", "upload refused")
            with self._lock:
                self.uploads.append(path)
                return f"https://files.example.com/{len(self.uploads)}/{path.name}"
        finally:
            self._leave()

    def file_served(self, url: str) -> bool:
        with self._lock:
            self.checked.append(url)
        return url.startswith("https://files.example.com/") and url not in self.gone

    def close(self) -> None:
        pass

    def seed(self, names: dict[str, list[str]]) -> None:
        for name, languages in names.items():
            for lang in languages:
                self.templates[(name, lang)] = {"name": name, "language": lang}

    def payload(self, name: str, lang: str = "en_US") -> dict[str, Any]:
        return self.templates[(name, lang)]
