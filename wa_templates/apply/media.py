"""Media header samples given as local files: uploaded once per target, reused while served.

A file may name a media sample as a path (relative to the template file); it must resolve inside
the project root, checked here, at upload time: a saved plan's payload and source can say
anything. Apply uploads the file through 8x8's files endpoint and sends the returned URL.

`.wa-templates/uploads.json` remembers that URL by target (base URL, account, channel,
subaccount: `Provider.identity`) and by the file's SHA-256, so an unchanged file is not uploaded
again. 8x8 hosts uploads only for a while, and a sandbox can be reset, so a cached URL is checked
with one cheap request before its first use in a run; one no longer served is uploaded again.

The cache file is input like any other: whatever in it is not what this module writes (other
JSON, other shapes, an oversized or special file) is ignored with a warning, never trusted.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import logging
import os
import re
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from wa_templates.channel.payload import components_of, is_media_header
from wa_templates.errors import WaError
from wa_templates.files.paths import is_within
from wa_templates.provider.base import CreatePayload, Provider

log = logging.getLogger(__name__)

CACHE_VERSION = 2
MAX_CACHE_BYTES = 16 * 1024 * 1024
"""Thousands of uploads for dozens of targets fit in a fraction of this; larger is not ours."""
MAX_URL_LENGTH = 2048
_DIGEST = re.compile(r"[0-9a-f]{64}")
_URL = re.compile(r"https?://[\x21-\x7e]+")

MAX_MEDIA_BYTES = 100 * 1024 * 1024
"""8x8's upload limit (DOCUMENT, the largest kind); anything larger is refused before reading."""


def is_local(sample: str) -> bool:
    return "://" not in sample


Entries = dict[str, dict[str, str]]
"""Target identity -> SHA-256 of the file -> the URL 8x8 returned for it."""


class UploadCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._uploading: dict[tuple[str, str], threading.Lock] = {}
        self._urls: Entries = _read_cache(path)
        self._served: set[tuple[str, str]] = set()
        """Checked or uploaded in this run: not checked again."""

    def url_for(self, file: Path, provider: Provider) -> str:
        digest = _digest(file)
        key = (provider.identity, digest)
        with self._lock:
            uploading = self._uploading.setdefault(key, threading.Lock())
        # One check and one upload per file, even when templates sharing it run at the same time.
        with uploading:
            with self._lock:
                cached = self._urls.get(key[0], {}).get(digest)
                known = key in self._served
            if cached is not None and (known or _still_served(cached, file, provider)):
                with self._lock:
                    self._served.add(key)
                return cached
            url = provider.upload_file(file)
            with self._lock:
                self._urls.setdefault(key[0], {})[digest] = url
                self._served.add(key)
                self._save()
        return url

    def _save(self) -> None:
        # The cache only saves uploads: failing to write it must not fail the create.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # mkstemp creates the file readable by its owner only: the URLs carry 8x8's tokens.
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".uploads.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    data = {"version": CACHE_VERSION, "targets": self._urls}
                    json.dump(data, handle, indent=2, sort_keys=True)
                os.replace(tmp, self.path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            log.warning("cannot save the upload cache %s: %s", self.path, exc.strerror or exc)


def _still_served(url: str, file: Path, provider: Provider) -> bool:
    if provider.file_served(url):
        log.debug("upload cache: %s is still served at its cached URL: not uploaded", file.name)
        return True
    log.debug("upload cache: the cached URL of %s is no longer served: uploading again", file.name)
    return False


def _read_cache(path: Path) -> Entries:
    """The valid entries of the cache file; nothing (and a warning) for a file not ours."""
    try:
        with _open_regular(path, MAX_CACHE_BYTES) as handle:
            data = json.loads(handle.read(MAX_CACHE_BYTES + 1))
    except FileNotFoundError:
        return {}
    except _Unusable as exc:
        return _ignored(path, str(exc))
    except OSError as exc:
        return _ignored(path, f"cannot read it: {exc.strerror or exc}")
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return _ignored(path, "not valid JSON")
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return _ignored(path, f"not a version {CACHE_VERSION} upload cache")
    targets = data.get("targets")
    entries: Entries = {}
    for identity, urls in targets.items() if isinstance(targets, dict) else ():
        if isinstance(urls, dict):
            kept = {d: u for d, u in urls.items() if _DIGEST.fullmatch(d) and _plausible(u)}
            if kept:
                entries[identity] = kept
    return entries


def _plausible(url: Any) -> bool:
    # Whether it is this target's own file host is the provider's to judge (`file_served`).
    return isinstance(url, str) and len(url) <= MAX_URL_LENGTH and bool(_URL.fullmatch(url))


def _ignored(path: Path, why: str) -> Entries:
    log.warning("ignoring the upload cache %s (%s): media samples are uploaded again", path, why)
    return {}


class _Unusable(Exception):
    """Not a regular file, or larger than allowed."""


class _NotRegular(_Unusable):
    pass


class _TooLarge(_Unusable):
    pass


# Never wait for a FIFO's writer, never follow a symlink swapped in after a path was resolved.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)


def _open_regular(path: Path, limit: int) -> BinaryIO:
    """`path` opened for reading, if what was opened is a regular file of at most `limit` bytes.

    A FIFO or /dev/zero reports no size: the type is checked on the opened descriptor, so
    nothing else can be read, however the path changes meanwhile.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular("not a regular file")
        if info.st_size > limit:
            raise _TooLarge(f"over {limit // (1024 * 1024)} MB")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _digest(file: Path) -> str:
    """SHA-256 of a regular file of at most MAX_MEDIA_BYTES (not a FIFO or /dev/zero)."""
    try:
        digest = hashlib.sha256()
        with _open_regular(file, MAX_MEDIA_BYTES) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except _NotRegular:
        raise WaError(f"{file}: media sample is not a regular file") from None
    except _TooLarge:
        raise WaError(f"{file}: media sample is over 8x8's 100 MB upload limit") from None
    except OSError as exc:
        raise WaError(f"{file}: cannot read media sample: {exc.strerror}") from None


def local_sample(base: Path, sample: str, root: Path) -> Path:
    """The real path of a local media sample, which must resolve inside the project root.

    No anchor but the root here: the template's folder comes from the plan, and a saved plan may
    have been edited to put it anywhere.
    """
    shown = repr(sample[:200])
    try:
        real = os.path.realpath(base / sample)
    except ValueError:  # a NUL character
        raise WaError(f"media sample {shown} is not a valid path") from None
    if not is_within(real, os.path.realpath(root)):
        raise WaError(
            f"media sample {shown} resolves outside the project root: not read or uploaded "
            "(samples must be inside the repository)"
        )
    return Path(real)


def resolve_media(
    payload: CreatePayload, base: Path, provider: Provider, cache: UploadCache, *, root: Path
) -> CreatePayload:
    """The payload with every local media sample (relative to `base`, inside `root`) replaced by
    its uploaded URL."""
    out = copy.deepcopy(payload)
    for samples in _media_samples(out):
        samples[0] = cache.url_for(local_sample(base, str(samples[0]), root), provider)
    return out


def has_local_media(payload: CreatePayload) -> bool:
    """Whether the payload names a local file as a media sample, to be uploaded first."""
    return any(True for _ in _media_samples(payload))


def _media_samples(payload: CreatePayload) -> Iterator[list[Any]]:
    """The samples lists of the payload's media headers whose first sample is a local file."""
    for _, component in components_of(payload.get("components", [])):
        samples = component.get("examples") or []
        if samples and is_media_header(component) and is_local(str(samples[0])):
            yield samples
