"""WA7xx and WA801: headers, media and time-to-live.

Media samples (`examples[0]` of an IMAGE, VIDEO, DOCUMENT or GIF header, top level or on a
carousel card) are either an HTTPS URL or a local file that `apply` uploads first. Local paths
resolve against the template file's folder: WA704 checks a local file's existence and size
through the context's `file`; a template that came from a payload has none, and is judged by
extension only.

Time-to-live is split so that one bad value gets one finding: WA801 reports a value that no
category accepts (anything but -1 or 30 to 2,592,000 seconds), and the category rules WA507,
WA512 and WA522 report a value that is a TTL somewhere but not in their category.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wa_templates.files.components import component_type
from wa_templates.files.model import HEADER_FORMATS, Header, Language, TemplateFile
from wa_templates.rules.registry import Finding, LanguageContext, TemplateContext, rule
from wa_templates.untrusted import clip

SAMPLE_FORMATS = frozenset(("IMAGE", "VIDEO", "DOCUMENT", "GIF"))
"""Header formats whose sample is a media file; GIF is a looping video Meta hosts like one."""

MB = 1024 * 1024
# Meta's limits: format -> (accepted extensions, largest size in bytes, how the message names it).
# A GIF header is an MP4 that WhatsApp plays looping and muted (WhatsApp sends no .gif file):
# Meta's docs give it no limit of its own, so a video's applies.
MEDIA_LIMITS: dict[str, tuple[frozenset[str], int, str]] = {
    "IMAGE": (frozenset((".jpg", ".jpeg", ".png")), 5 * MB, "JPEG or PNG"),
    "VIDEO": (frozenset((".mp4", ".3gp", ".3gpp")), 16 * MB, "MP4 or 3GPP"),
    "GIF": (frozenset((".mp4",)), 16 * MB, "an MP4 video (WhatsApp plays it looping)"),
    "DOCUMENT": (
        frozenset((".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt")),
        100 * MB,
        "PDF, Word, Excel, PowerPoint or text",
    ),
}
# A URL's path may end in anything (`/image?id=3`, `/render.php`); only an extension that names
# another media kind proves the sample wrong. A local file is uploaded by its extension, so there
# any extension outside the accepted ones is wrong.
KNOWN_MEDIA_EXTENSIONS = frozenset(
    ext for accepted, _, _ in MEDIA_LIMITS.values() for ext in accepted
) | frozenset(
    (
        *(".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".svg", ".avif", ".ico"),
        *(".mov", ".avi", ".mkv", ".webm", ".m4v", ".wmv", ".flv", ".mpg", ".mpeg"),
        *(".mp3", ".ogg", ".opus", ".wav", ".aac", ".m4a", ".amr"),
        *(".odt", ".ods", ".odp", ".rtf", ".csv", ".zip"),
    )
)

# scheme:[//host]path, up to any query or fragment. urllib.parse would do, at several times the
# cost, on every media header of every file. A one-letter "scheme" is a Windows drive: no match.
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):(?://([^/?#]*))?([^?#]*)")

TTL_DEFAULT = -1
"""8x8's "use the category's default" value (L4)."""
TTL_MIN = 30
TTL_MAX = 2_592_000
"""30 days: the longest time-to-live of any category."""


# --- samples -------------------------------------------------------------------------------


def sample_scheme(value: str) -> str | None:
    """The URL scheme of a media sample, lower-cased; None for a local path."""
    match = _URL.match(value)
    return match.group(1).lower() if match else None


def sample_host(value: str) -> str:
    match = _URL.match(value)
    return (match.group(2) or "") if match else ""


def sample_extension(value: str, scheme: str | None) -> str:
    """The file extension, lower-cased: of the URL's path (not its query), or of the path."""
    match = _URL.match(value) if scheme else None
    path = match.group(3) if match else value
    return os.path.splitext(path.replace("\\", "/").rsplit("/", 1)[-1])[1].lower()


def media_headers(lang: Language) -> list[tuple[tuple[str | int, ...], Header]]:
    """Every header that needs a media sample, with its path inside the language; in the raw
    form too, where a local sample is uploaded and must stay inside the project all the same."""
    if lang.components is not None:
        return list(_raw_media_headers(lang.components, ("components",)))
    found: list[tuple[tuple[str | int, ...], Header]] = []
    if lang.header is not None and lang.header.format in SAMPLE_FORMATS:
        found.append((("header",), lang.header))
    for index, card in enumerate(lang.carousel or ()):
        if card.header is not None and card.header.format in SAMPLE_FORMATS:
            found.append((("carousel", index, "header"), card.header))
    return found


def _raw_media_headers(
    components: list[Any], at: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Header]]:
    for index, component in enumerate(components):
        if not isinstance(component, dict):
            continue
        kind = component_type(component)
        fmt = component.get("format")
        samples = component.get("examples")
        if kind == "HEADER" and isinstance(fmt, str) and fmt.upper() in SAMPLE_FORMATS:
            if isinstance(samples, list) and all(isinstance(s, str) for s in samples):
                yield (*at, index), Header(format=fmt, examples=samples)
        elif kind == "CAROUSEL" and isinstance(component.get("cards"), list):
            for number, card in enumerate(component["cards"]):
                if isinstance(card, dict) and isinstance(card.get("components"), list):
                    where = (*at, index, "cards", number, "components")
                    yield from _raw_media_headers(card["components"], where)


def _where(path: tuple[str | int, ...]) -> str:
    return f"card {int(path[1]) + 1} header" if path[0] == "carousel" else "header"


# --- rules ---------------------------------------------------------------------------------


@rule(
    "WA701",
    "error",
    "header format is TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION or GIF (card headers: WA604)",
    "L4",
)
def header_format(ctx: LanguageContext) -> Iterator[Finding]:
    header = ctx.lang.header
    if header is not None and header.format not in HEADER_FORMATS:
        yield Finding(
            ("header", "format"),
            f"header format '{clip(header.format)}' must be one of {', '.join(HEADER_FORMATS)}",
        )


@rule(
    "WA702",
    "error",
    "LOCATION header (UTILITY/MARKETING only: AUTHENTICATION headers are WA502) has no text or "
    "sample",
    "L1",
)
def location_header(ctx: LanguageContext) -> Iterator[Finding]:
    header = ctx.lang.header
    if header is None or header.format != "LOCATION" or ctx.category == "AUTHENTICATION":
        return
    if header.text is not None:
        yield Finding(
            ("header", "text"),
            "LOCATION header takes no text: the location is given when the message is sent",
        )
    if header.examples:
        yield Finding(
            ("header", "examples"),
            "LOCATION header takes no sample: the location is given when the message is sent",
        )


@rule(
    "WA703",
    "error",
    "media header (top level or card) has a sample in examples[0]: an HTTPS "
    "URL or a local file path",
    "L1",
)
def media_sample(ctx: LanguageContext) -> Iterator[Finding]:
    for path, header in media_headers(ctx.lang):
        where = _where(path)
        if not header.examples or not header.examples[0].strip():
            yield Finding(
                (*path, "examples", 0) if header.examples else path,
                f"{header.format} {where} needs a sample in examples[0]: an HTTPS URL "
                "or a local file path",
            )
            continue
        value = header.examples[0]
        scheme = sample_scheme(value)
        if scheme is None or (scheme == "https" and sample_host(value)):
            continue
        if scheme == "http":
            message = f"{where} sample '{clip(value)}' uses http://; Meta fetches media over HTTPS"
        elif scheme == "https":
            message = f"{where} sample '{clip(value)}' has no host"
        else:
            message = (
                f"{where} sample '{clip(value)}' is a {scheme}: URL; use an HTTPS URL or "
                "a local file path"
            )
        yield Finding((*path, "examples", 0), message)


@rule(
    "WA704",
    "error",
    "IMAGE jpeg/png <= 5 MB, VIDEO mp4/3gpp <= 16 MB, GIF mp4 <= 16 MB, DOCUMENT <= 100 MB "
    "(by extension for URLs; extension, existence and size for local files)",
    "L1",
)
def media_file(ctx: LanguageContext) -> Iterator[Finding]:
    folder: Path | None = None
    folder_known = False
    for path, header in media_headers(ctx.lang):
        limits = MEDIA_LIMITS.get(header.format)
        if limits is None or not header.examples:
            continue
        value = header.examples[0].strip()
        scheme = sample_scheme(value)
        if not value or scheme not in (None, "https", "http"):
            continue  # WA703's to report
        if scheme is None and not folder_known:
            folder, folder_known = template_folder(ctx), True
        message = _media_problem(header.format, value, scheme, limits, folder)
        if message:
            yield Finding((*path, "examples", 0), f"{_where(path)} {message}")


def template_folder(ctx: LanguageContext) -> Path | None:
    """The folder of the file being judged; None for a template that came from a payload."""
    file = ctx.file
    if not file:
        return None
    path = Path(file)
    return path.parent if path.is_file() else None


def _media_problem(
    fmt: str,
    value: str,
    scheme: str | None,
    limits: tuple[frozenset[str], int, str],
    folder: Path | None,
) -> str | None:
    accepted, largest, label = limits
    ext = sample_extension(value, scheme)
    if scheme is not None:
        if ext in KNOWN_MEDIA_EXTENSIONS and ext not in accepted:
            return f"sample '{clip(value)}' is a {ext} file; {fmt} must be {label}"
        return None
    if ext not in accepted:
        kind = f"a {ext} file" if ext else "a file without an extension"
        return f"sample '{clip(value)}' is {kind}; {fmt} must be {label}"
    if folder is None:
        return None
    file = folder / value
    try:
        info = file.stat()
    except (OSError, ValueError):  # ValueError: a NUL character in the path
        return f"sample file '{clip(value)}' does not exist (looked in {folder})"
    if not stat.S_ISREG(info.st_mode):
        return f"sample '{clip(value)}' is not a file"
    size = info.st_size
    if size > largest:
        return (
            f"sample file '{clip(value)}' is {size / MB:.1f} MB; {fmt} is limited to "
            f"{largest // MB} MB"
        )
    return None


@rule(
    "WA801",
    "error",
    "message_send_ttl_seconds is -1 or 30-2,592,000 (no category accepts "
    "other values; each category's own range is WA507, WA512, WA522)",
    "L4",
    level="template",
)
def ttl_bounds(ctx: TemplateContext) -> Iterator[Finding]:
    value = ctx.template.message_send_ttl_seconds
    if value is None or ttl_plausible(value):
        return
    if value > TTL_MAX:
        message = (
            f"message_send_ttl_seconds {value} is over 30 days ({TTL_MAX:,} s), the "
            "longest any category allows"
        )
    else:
        message = (
            f"message_send_ttl_seconds {value} is not a time-to-live: use -1 (the "
            f"category's default) or {TTL_MIN}-{TTL_MAX:,} seconds"
        )
    yield Finding(("message_send_ttl_seconds",), message)


def ttl_plausible(value: int) -> bool:
    """A value some category accepts; WA801 reports the others, so category rules skip them."""
    return value == TTL_DEFAULT or TTL_MIN <= value <= TTL_MAX


def ttl_in_category(
    template: TemplateFile, low: int, high: int, default_ok: bool
) -> Iterator[Finding]:
    """The per-category TTL finding (WA507, WA512, WA522), silent where WA801 already speaks."""
    value = template.message_send_ttl_seconds
    if value is None or not ttl_plausible(value):
        return
    if value == TTL_DEFAULT:
        if not default_ok:
            yield Finding(
                ("message_send_ttl_seconds",),
                f"message_send_ttl_seconds -1 is not accepted for {template.category}; "
                f"use {low:,}-{high:,} seconds",
            )
        return
    if not low <= value <= high:
        also = " or -1" if default_ok else ""
        yield Finding(
            ("message_send_ttl_seconds",),
            f"message_send_ttl_seconds {value:,} is outside the {template.category} "
            f"range {low:,}-{high:,} seconds{also}",
        )
