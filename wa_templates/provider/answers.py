"""What 8x8 answered: its JSON, its error body, its Retry-After, read without trusting them.

A server (or anything between it and us) can answer anything: an HTML page, a body nested
thousands deep, a code as text. Each reader here gives what it can and never raises for it.
"""

from __future__ import annotations

from typing import Any

import httpx

from wa_templates.provider import redact
from wa_templates.provider.retry import RETRY_AFTER_STATUSES, parse_retry_after


def retry_after(response: httpx.Response) -> float | None:
    if response.status_code not in RETRY_AFTER_STATUSES:
        return None
    return parse_retry_after(response.headers.get("Retry-After"))


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):  # RecursionError: an answer nested thousands deep
        return None


def error_body(response: httpx.Response) -> tuple[int | None, str, str | None]:
    """code, message and errorId of 8x8's error body, tolerating anything else (an HTML page)."""
    data = json_body(response)
    if not isinstance(data, dict):
        return None, response.reason_phrase, None
    raw_code = data.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    if isinstance(raw_code, str) and raw_code.isdigit():
        code = int(raw_code)
    message = data.get("message")
    text = message if isinstance(message, str) and message else response.reason_phrase
    error_id = data.get("errorId")
    # One line, bounded, and never the key even if a server echoes it back.
    text = redact.scrub(" ".join(text.split()))[:500]
    return code, text, redact.scrub(str(error_id))[:100] if error_id else None
