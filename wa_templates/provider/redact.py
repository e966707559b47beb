"""Keeping the API key out of everything a person or a CI log might see.

The client never logs headers and its exceptions never quote the key, but a `--debug` run also
turns on httpx's and httpcore's loggers, whose records we do not write. A filter on those loggers
(and ours) replaces any registered secret in a record's final text, so a key cannot reach a handler
through them whatever a future library version decides to log.
"""

from __future__ import annotations

import logging
import threading

MASK = "***"
LOGGERS = (
    "wa_templates",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
"""Logger filters do not apply to records propagated from children, hence each one by name."""

_secrets: tuple[str, ...] = ()
"""Longest first, so a secret containing another is masked whole; replaced, never mutated."""
_lock = threading.Lock()


def scrub(text: str) -> str:
    """`text` with every registered secret replaced by the mask."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with the secrets masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _secrets:
            message = record.getMessage()
            clean = scrub(message)
            if clean != message:
                record.msg, record.args = clean, None
        return True


_FILTER = RedactingFilter()


def register(secret: str) -> None:
    """Mask `secret` in log records from now on, for the life of the process.

    Never unregistered: a key is no less secret once its client is closed, and a process holds
    one or two of them.
    """
    if not secret:
        return
    global _secrets
    with _lock:
        _secrets = tuple(sorted({*_secrets, secret}, key=len, reverse=True))
        for name in LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
