"""8x8's media hosting: the URL an upload answer names, and which URLs are the host's own.

An upload answers with a `location` header (`/files/{fileName}?token=...`) and a body holding
`fileName` and `token` (whatsapp-media-hosting.md); the file is then served at the API's own
origin, the token in the query being its only credential.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx


def uploaded_url(location: str | None, body: Any, base_url: str) -> str | None:
    """The absolute URL of an uploaded file: from the location header, else from the body."""
    if not location and isinstance(body, dict):
        file_name, token = body.get("fileName"), body.get("token")
        if isinstance(file_name, str) and isinstance(token, str) and file_name and token:
            location = f"/files/{quote(file_name)}?token={quote(token, safe='')}"
    return str(httpx.URL(base_url).join(location)) if location else None


def hosted_file(url: str, base_url: str) -> httpx.URL | None:
    """`url` when it names a file on the file host of `base_url` (same scheme, host and port,
    path under `/files/`); None for anything else, which is never requested."""
    try:
        target, base = httpx.URL(url), httpx.URL(base_url)
    except httpx.InvalidURL:
        return None
    same_origin = (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port)
    return target if same_origin and target.path.startswith("/files/") else None
