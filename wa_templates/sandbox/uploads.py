"""8x8's media upload: `POST /api/v1/subaccounts/{id}/files` (multipart, key `file`).

The part is parsed here rather than with python-multipart (which Starlette's form parser needs
and the project does not otherwise use): one `file` field of a multipart/form-data body per
RFC 7578 is all the upload API takes.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from wa_templates.sandbox import errors as codes
from wa_templates.sandbox.errors import ApiError

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
"""8x8: 'Request size must not exceed 100 MB' (413, code 7001)."""

# The formats of 8x8's media hosting page (image, video, document, audio).
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".mp4": "video/mp4",
    ".3gp": "video/3gpp",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain",
    ".aac": "audio/aac",
    ".m4a": "audio/mp4",
    ".amr": "audio/amr",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/opus",
}
_BY_TYPE = {content_type: ext for ext, content_type in reversed(CONTENT_TYPES.items())}
_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')


@dataclass(frozen=True, slots=True)
class Part:
    filename: str
    content_type: str
    data: bytes


def parse_file_part(content_type: str, body: bytes) -> Part:
    """The `file` part of a multipart/form-data body, or a 400 saying what is missing."""
    media, params = _header_value(content_type)
    boundary = params.get("boundary")
    if media != "multipart/form-data" or not boundary:
        raise ApiError(
            400,
            codes.INVALID_PARAMETER,
            "Invalid request: expected multipart/form-data with a 'file' part",
        )
    # Every delimiter is CRLF "--" boundary; the CRLF belongs to the delimiter, not the data.
    chunks = (b"\r\n" + body).split(b"\r\n--" + boundary.encode("latin-1"))
    # chunks[0] is the preamble; the close delimiter is followed by "--" and the epilogue.
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        part = _part(chunk)
        if part is not None:
            return part
    raise ApiError(400, codes.INVALID_PARAMETER, "Invalid request: no 'file' part in the upload")


def _part(chunk: bytes) -> Part | None:
    # The rest of the delimiter line (transport padding, then CRLF), then headers, CRLF, data.
    _, _, chunk = chunk.partition(b"\r\n")
    head, sep, data = chunk.partition(b"\r\n\r\n")
    if not sep:
        return None
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n"):
        key, colon, value = line.partition(":")
        if colon:
            headers[key.strip().lower()] = value.strip()
    disposition, params = _header_value(headers.get("content-disposition", ""))
    if disposition != "form-data" or params.get("name") != "file" or "filename" not in params:
        return None
    content_type = headers.get("content-type", "application/octet-stream").split(";")[0].strip()
    return Part(params["filename"], content_type.lower(), data)


def _header_value(value: str) -> tuple[str, dict[str, str]]:
    main, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(";" + rest):
        raw = match.group(2)
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[match.group(1).lower()] = raw
    return main.strip().lower(), params


def stored_name(part: Part) -> tuple[str, str]:
    """A fresh file name (32 hex digits + extension, as 8x8 names them) and its content type."""
    ext = PurePosixPath(part.filename.replace("\\", "/")).suffix.lower()
    if ext not in CONTENT_TYPES:
        ext = _BY_TYPE.get(part.content_type) or mimetypes.guess_extension(part.content_type) or ""
    if ext not in CONTENT_TYPES:
        raise ApiError(
            415,
            codes.INVALID_CONTENT_TYPE,
            f"Invalid Content Type: '{part.filename}' ({part.content_type}) is not a WhatsApp "
            "media type (jpeg, png, mp4, 3gp, pdf, doc(x), xls(x), ppt(x), txt, aac, m4a, amr, "
            "mp3, ogg, opus)",
        )
    return uuid.uuid4().hex + ext, CONTENT_TYPES[ext]


def new_token() -> str:
    return secrets.token_urlsafe(48)


_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    """A range that starts past the end of the file: 416."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes a `Range` header asks of a file of `size` bytes (RFC 9110 14.2),
    None to send it whole: no header, a malformed one, or several ranges, which a server may
    ignore. Raises Unsatisfiable for a range that starts past the end."""
    match = _RANGE.match(header or "")
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # a suffix: the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - count), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if start >= size:
        raise Unsatisfiable
    return (start, end) if start <= end else None


def write_blob(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
