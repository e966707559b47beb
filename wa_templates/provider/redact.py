"""Keeping the API key and upload tokens out of everything a person or a CI log might see.

The client never logs headers and its exceptions never quote the key, but a `--debug` run also
turns on httpx's and httpcore's loggers (and any other library's), whose records we do not write.
Masking happens where every record is made, in the log record factory: a filter on a logger misses
records from its children, and a filter on a handler misses handlers added later (pytest's caplog,
a user's logging config). Once a key is registered no record carries it, whoever logs it.

8x8's file host takes the token in a file URL's query as its only credential (`location:
/files/x.png?token=...`, and `"token"` in the upload's answer). Tokens are too many to register
one by one, so they are masked by their shape, wherever they appear: `token=` up to the end of
the query value, and a JSON `"token"` value.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
MIN_LENGTH = 12
"""Shorter secrets are not masked: a short word (the embedded sandbox's key is "sandbox") would
be masked all over ordinary messages, and a real 8x8 API key is far longer than this."""

_secrets: tuple[str, ...] = ()
"""Longest first, so a secret containing another is masked whole; replaced, never mutated."""
_lock = threading.Lock()
_installed = False
_TOKENS = re.compile(r"""(?P<key>token=|"token"\s*:\s*")(?P<value>[^&\s"'<>#\\]+)""", re.IGNORECASE)


def scrub(text: str) -> str:
    """`text` with every registered secret, and every upload token, replaced by the mask."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _TOKENS.sub(rf"\g<key>{MASK}", text)


def register(secret: str) -> None:
    """Mask `secret` in every log record from now on, for the life of the process.

    Never unregistered: a key is no less secret once its client is closed, and a process holds
    one or two of them.
    """
    global _secrets
    if len(secret) < MIN_LENGTH:
        return
    with _lock:
        _secrets = tuple(sorted({*_secrets, secret}, key=len, reverse=True))
    install()


def install() -> None:
    """Mask secrets and upload tokens in every log record from now on (once per process)."""
    global _installed
    with _lock:
        if not _installed:
            _install()
            _installed = True


def _install() -> None:
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        _mask(record)
        return record

    logging.setLogRecordFactory(factory)


def _mask(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:
        # logging would print the raw msg and args in its "Logging error" report.
        message = f"{record.msg} {record.args!r}"
    clean = scrub(message)
    if clean != message:
        record.msg, record.args = clean, None


def without_password(text: str) -> str:
    """A URL with its password, if any, replaced by the mask (`user:***@host`); text that
    looks like a URL with credentials but cannot be taken apart is masked whole."""
    if "://" not in text or "@" not in text:
        return text
    try:
        parts = urlsplit(text)
        password = parts.password
    except ValueError:
        return MASK  # not a URL that can be taken apart: it may still hold a password
    if not password:
        return text
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username or ''}:{MASK}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))
