"""Media header samples given as local files: uploaded once, then remembered by content hash.

A file may name a media sample as a path (relative to the template file). Apply uploads it
through 8x8's files endpoint and sends the returned URL; the cache in `.wa-templates/uploads.json`
maps the file's SHA-256 to that URL, so an unchanged file is never uploaded again.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import logging
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

from wa_templates.errors import WaError
from wa_templates.files.model import MEDIA_FORMATS
from wa_templates.provider.base import CreatePayload, Provider

log = logging.getLogger(__name__)


def is_local(sample: str) -> bool:
    return "://" not in sample


class UploadCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._uploading: dict[str, threading.Lock] = {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            entries = loaded.items() if isinstance(loaded, dict) else ()
            self._urls: dict[str, str] = {k: v for k, v in entries if isinstance(v, str)}
        except (OSError, ValueError):
            self._urls = {}

    def url_for(self, file: Path, provider: Provider) -> str:
        digest = _digest(file)
        key = f"{provider.description}:{digest}"
        with self._lock:
            uploading = self._uploading.setdefault(key, threading.Lock())
        # One upload per file even when two templates share it and run at the same time.
        with uploading:
            with self._lock:
                if key in self._urls:
                    return self._urls[key]
            url = provider.upload_file(file)
            with self._lock:
                self._urls[key] = url
                self._save()
        return url

    def _save(self) -> None:
        # The cache only saves uploads: failing to write it must not fail the create.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".uploads.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(self._urls, handle, indent=2, sort_keys=True)
                os.replace(tmp, self.path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            log.warning("cannot save the upload cache %s: %s", self.path, exc)


MAX_MEDIA_BYTES = 100 * 1024 * 1024
"""8x8's upload limit (DOCUMENT, the largest kind); anything larger is refused before reading."""


def _digest(file: Path) -> str:
    """SHA-256 of a regular file of at most MAX_MEDIA_BYTES (not a FIFO or /dev/zero)."""
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            raise WaError(f"{file}: media sample is not a regular file")
        if info.st_size > MAX_MEDIA_BYTES:
            raise WaError(f"{file}: media sample is over 8x8's 100 MB upload limit")
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError as exc:
        raise WaError(f"{file}: cannot read media sample: {exc.strerror}") from None


def resolve_media(
    payload: CreatePayload, base: Path, provider: Provider, cache: UploadCache
) -> CreatePayload:
    """The payload with every local media sample replaced by its uploaded URL."""
    out = copy.deepcopy(payload)
    for component in _headers(out.get("components", [])):
        samples = component.get("examples") or []
        if samples and str(component.get("format", "")).upper() in MEDIA_FORMATS:
            first = str(samples[0])
            if is_local(first):
                samples[0] = cache.url_for((base / first).resolve(), provider)
    return out


def _headers(components: list[Any]) -> list[dict[str, Any]]:
    found = []
    for component in components:
        if not isinstance(component, dict):
            continue
        kind = str(component.get("type", "")).upper()
        if kind == "HEADER":
            found.append(component)
        elif kind == "CAROUSEL":
            for card in component.get("cards") or []:
                found.extend(_headers(card.get("components") or []))
    return found
