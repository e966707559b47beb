"""Preview as a standalone HTML page: each language as a WhatsApp chat bubble.

The text is the terminal preview's (`preview.message_text`, samples filled in, AUTHENTICATION
wording spelled out in the template's language), so both show the same message. Everything from
the file is escaped by the jinja2 template (autoescape is on); the only markup added is
WhatsApp's formatting, turned into tags after escaping, so `<script>` in a body stays text.

An image header shows its sample over a placeholder that says what it is. A local sample (a file
beside the template, as apply would upload it) is embedded as a data: URI, so the page stands
alone; only a JPEG or PNG file inside the project is read (the paths-inside-the-project rule,
`files.paths`), and none larger than Meta's 5 MB image limit. An https sample is the only thing
the page loads. Either is drawn as the placeholder's CSS background rather than an <img>: an
image that cannot load then leaves the placeholder as it is, where an <img> would draw the
browser's broken-image glyph over it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

import jinja2
from markupsafe import Markup, escape

from wa_templates.files.model import MEDIA_FORMATS, Body, Button, Card, Footer, Header, Language
from wa_templates.files.paths import Containment
from wa_templates.files.placeholders import fill
from wa_templates.files.regular import NotRegular, read_regular
from wa_templates.render.preview import lenient, message_text
from wa_templates.untrusted import UNSAFE, shown

# WhatsApp's formatting, as `preview.terminal` reads it: ```mono``` first (nothing inside it is
# formatted), then *bold*, _italic_ and ~strike~ when the marker hugs text outside a word.
_MONO = re.compile(r"```(.+?)```", re.DOTALL)
_INLINE = re.compile(r"(?<![\w*_~])([*_~])(?=\S)([^\n]*?\S)\1(?![\w*_~])")
_TAGS = {"*": "strong", "_": "em", "~": "del"}
# Control characters cannot be shown; they appear as \xNN, as in the terminal preview.

# Button type -> the icon WhatsApp draws beside its label (inline SVGs in the page template).
_ICONS = {
    "URL": "link",
    "PHONE_NUMBER": "phone",
    "VOICE_CALL": "phone",
    "QUICK_REPLY": "reply",
    "COPY_CODE": "copy",
    "OTP": "copy",
    "FLOW": "list",
    "REQUEST_CONTACT_INFO": "contact",
}
# The terminal preview marks each button with a character, which the HTML replaces by an icon.
_TERMINAL_MARKERS = frozenset("↗✆↩⧉☰☺")
_MEDIA_LABELS = {"IMAGE": "Image", "VIDEO": "Video", "GIF": "GIF", "DOCUMENT": "Document"}
# What may be embedded: Meta's image types, by the extension apply would upload them by.
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
EMBED_LIMIT = 5 * 1024 * 1024
"""Meta's limit for an image header; a larger sample is not embedded (WA704 reports it)."""
# Characters that could end a CSS url('...') or the attribute around it: percent-encoded.
_URL_SAFE = ":/?#[]@!$&*+,;=%~-._"

Embed = Callable[[str], str | None]
"""A local sample -> its data: URI, or None when it is not embedded."""


@dataclass(frozen=True, slots=True)
class MediaView:
    kind: str
    """text, image, video, gif, document or location."""
    text: Markup = field(default_factory=Markup)
    url: str | None = None
    """An https URL the page may load (images) or link to, or a local image's data: URI."""
    label: str = ""
    """What the placeholder says: a file name, or the format."""
    extension: str = ""
    """A document's file type as its card shows it (PDF, DOCX)."""


@dataclass(frozen=True, slots=True)
class ButtonView:
    label: str
    icon: str
    """link, phone, reply, copy, list, contact or empty: an icon of the page template."""
    target: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class CardView:
    header: MediaView | None
    body: Markup
    buttons: list[ButtonView]


@dataclass(frozen=True, slots=True)
class BubbleView:
    language: str
    header: MediaView | None
    body: Markup
    footer: str
    buttons: list[ButtonView]
    cards: list[CardView] = field(default_factory=list)
    call_permission_request: bool = False
    notes: list[str] = field(default_factory=list)
    """Raw components the bubble has no place for (a limited-time offer), as lines."""


def page(
    name: str,
    category: str,
    languages: Sequence[tuple[str, Language]],
    embed: Embed | None = None,
) -> str:
    """The whole HTML document for template `name`, one bubble per (code, language); `embed`
    turns local image samples into data: URIs (`embedder`), or none are shown."""
    bubbles = [bubble(code, lang, category, embed) for code, lang in languages]
    return (
        _environment()
        .get_template("preview.html.j2")
        .render(name=_visible(name), category=_visible(category), bubbles=bubbles)
    )


def bubble(code: str, lang: Language, category: str, embed: Embed | None = None) -> BubbleView:
    lang, notes = lenient(lang)
    return BubbleView(
        language=_visible(code),
        header=_header(lang.header, embed) if lang.header is not None else None,
        body=_body(lang.body, category, code),
        footer=_footer(lang.footer, category, code),
        buttons=[_button(b, code) for b in lang.buttons],
        cards=[_card(card, embed) for card in lang.carousel or []],
        call_permission_request=lang.call_permission_request,
        notes=[_visible(note) for note in notes],
    )


def embedder(template_file: Path, root: Path) -> Embed:
    """Local samples resolve against the template file's folder and must stay where `validate`
    keeps them (WA013): inside `root`, the project. One that leads out, through `..` or a
    symlink, is never read."""
    within = Containment(root)
    folder, limit = template_file.parent, within.anchor(template_file)

    def embed(sample: str) -> str | None:
        kind = _IMAGE_TYPES.get(PurePosixPath(sample.replace("\\", "/")).suffix.lower())
        if kind is None or "://" in sample:
            return None
        try:
            real = within.resolve(folder / sample, limit)
            data = (
                None
                if real is None
                else read_regular(real, EMBED_LIMIT, _within_limit, follow_symlinks=False)
            )
        except (OSError, ValueError, NotRegular):  # ValueError: a NUL in the path, or too large
            return None
        if data is None:
            return None
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"

    return embed


def _within_limit(size: int) -> None:
    if size > EMBED_LIMIT:
        raise ValueError("over the image limit")


def formatted(text: str) -> Markup:
    """Escaped text with WhatsApp's markers as <strong>, <em>, <del> and <code>."""
    escaped = str(escape(_visible(text)))
    out: list[str] = []
    last = 0
    for match in _MONO.finditer(escaped):
        out.append(_inline(escaped[last : match.start()]))
        out.append(f"<code>{match.group(1)}</code>")
        last = match.end()
    out.append(_inline(escaped[last:]))
    return Markup("".join(out))


def _inline(text: str) -> str:
    return _INLINE.sub(lambda m: f"<{_TAGS[m[1]]}>{_inline(m[2])}</{_TAGS[m[1]]}>", text)


def _visible(text: str) -> str:
    return shown(text, keep="\t\n")


def _text(lang: Language, category: str, code: str = "en") -> str:
    return "\n".join(message_text(lang, category, code))


def _header(header: Header, embed: Embed | None = None) -> MediaView:
    fmt = header.format
    if fmt == "TEXT":
        return MediaView("text", formatted(_text(Language(header=header), "UTILITY")))
    if fmt == "LOCATION":
        return MediaView("location", label="Location")
    if fmt not in MEDIA_FORMATS:
        return MediaView("unknown", label=_visible(fmt))
    sample = header.examples[0] if header.examples else ""
    url = _css_url(sample) if _is_https(sample) else None
    if fmt == "IMAGE" and url is None and sample and embed is not None:
        url = embed(sample)
    name = _file_name(sample)
    extension = PurePosixPath(name).suffix.lstrip(".").upper()[:4]
    return MediaView(
        fmt.lower(),
        url=url,
        label=_visible(name or _MEDIA_LABELS[fmt]),
        extension=_visible(extension or "FILE"),
    )


def _body(body: Body | None, category: str, code: str = "en") -> Markup:
    if body is None:
        return Markup("")
    return formatted(_text(Language(body=body), category, code))


def _footer(footer: Footer | None, category: str, code: str = "en") -> str:
    if footer is None:
        return ""
    return _visible(_text(Language(footer=footer), category, code))


def _button(button: Button, code: str = "en") -> ButtonView:
    # The terminal preview's own line for the button: `[ label icon ]  target`.
    line = message_text(Language(buttons=[button]), language=code)[0]
    shown, _, target = line.partition(" ]  ")
    label = shown.removeprefix("[ ").removesuffix(" ]")
    if label[-2:-1] == " " and label[-1:] in _TERMINAL_MARKERS:
        label = label[:-2]
    href = None
    if button.type == "URL" and button.url:
        filled = fill(button.url, button.examples)
        href = filled if _is_web(filled) else None
    return ButtonView(_visible(label), _ICONS.get(button.type, ""), _visible(target), href)


def _card(card: Card, embed: Embed | None = None) -> CardView:
    return CardView(
        header=_header(card.header, embed) if card.header is not None else None,
        body=_body(card.body, "MARKETING"),
        buttons=[_button(b) for b in card.buttons],
    )


def _is_https(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.netloc) and not UNSAFE.search(value)


def _css_url(url: str) -> str:
    """`url` safe inside CSS's url('...') in an HTML attribute: quotes, parentheses, backslashes
    and spaces percent-encoded (the browser decodes the attribute's entities before CSS)."""
    return quote(url, safe=_URL_SAFE)


def _is_web(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc) and not UNSAFE.search(value)


def _file_name(sample: str) -> str:
    path = urlsplit(sample).path if "://" in sample else sample
    return unquote(PurePosixPath(path.replace("\\", "/")).name)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("wa_templates", "render/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
