import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import source
from wa_templates.files.model import Button, Language
from wa_templates.render.preview_html import bubble, embedder, formatted, page


def html_of(text: str) -> str:
    template = source(text).template
    return page(template.name, template.category, list(template.languages.items()))


class Tags(HTMLParser):
    """Every start tag with its attributes, and whether any script could run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def backgrounds(html: str) -> list[str]:
    """The images the page draws: each media layer's CSS background URL."""
    found = []
    for _, attrs in tags(html):
        if attrs.get("class") == "media":
            match = re.fullmatch(r"background-image: url\('([^'()\\\s]*)'\)", attrs["style"] or "")
            assert match, attrs
            found.append(match.group(1))
    return found


HOSTILE = """
name: hostile
category: UTILITY
languages:
  en_US:
    header:
      format: TEXT
      text: "<img src=x onerror=alert(1)> {{1}}"
      examples: ["<b>bold</b>"]
    body:
      text: "Hi {{1}}, </div><script>alert('body')</script> *see* \\"this\\" & that."
      examples: ["<script>alert('sample')</script>"]
    footer:
      text: "<iframe src=//evil>"
    buttons:
      - type: URL
        text: "<svg onload=alert(1)>"
        url: "javascript:alert(1)//{{1}}"
        examples: ["x"]
      - type: URL
        text: Quote
        url: "https://x.example/{{1}}"
        examples: ['"><script>alert(2)</script>']
"""


def test_hostile_content_is_escaped_everywhere() -> None:
    html = html_of(HOSTILE)
    found = tags(html)
    assert not [t for t, _ in found if t in ("script", "iframe", "img", "object", "embed")]
    assert all(a.get("class") == "icon" for t, a in found if t == "svg")  # only the page's icons
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;sample&#39;)&lt;/script&gt;" in html
    assert "&lt;/div&gt;&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in html
    assert "&lt;iframe src=//evil&gt;" in html
    assert "&lt;svg onload=alert(1)&gt;" in html
    assert "&#34;this&#34; &amp; that." in html
    # No attribute carries an event handler, and no link or source a javascript: URL (a
    # button's title may show the text of one: it is only a tooltip).
    for _, attributes in tags(html):
        assert not any(name.startswith("on") for name in attributes)
        assert "javascript:" not in (attributes.get("href") or "") + (attributes.get("src") or "")
    assert 'title="javascript:alert(1)//x"' in html
    hrefs = [a["href"] for t, a in tags(html) if t == "a"]
    assert hrefs == ['https://x.example/"><script>alert(2)</script>']  # escaped in the attribute
    assert 'href="https://x.example/&#34;&gt;&lt;script&gt;' in html


def test_samples_are_filled_and_formatting_becomes_tags() -> None:
    html = html_of(
        """
        name: order_shipped
        category: UTILITY
        languages:
          en_US:
            header: {format: TEXT, text: "Order {{1}}", examples: [NW-1]}
            body:
              text: "Hi *{{1}}*, _your_ ~old~ order ```A-1 *not bold*``` ships.\\nLine two."
              examples: [Maria]
            footer: {text: Northwind}
            buttons:
              - {type: URL, text: Track, url: "https://t.example/{{1}}", examples: [NW-1]}
              - {type: QUICK_REPLY, text: Thanks}
              - {type: PHONE_NUMBER, text: Call, phone_number: "+14155550123"}
        """
    )
    assert '<div class="title">Order NW-1</div>' in html
    assert (
        "Hi <strong>Maria</strong>, <em>your</em> <del>old</del> order "
        "<code>A-1 *not bold*</code> ships.\nLine two." in html
    )
    assert '<div class="footer">Northwind</div>' in html
    assert 'href="https://t.example/NW-1"' in html
    labels = re.findall(r"<span>([^<]*)</span></(?:a|div)>", html)
    assert labels == ["Track", "Thanks", "Call"]
    assert 'title="+14155550123"' in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*bold*", "<strong>bold</strong>"),
        ("_it_ and ~gone~", "<em>it</em> and <del>gone</del>"),
        ("*_both_*", "<strong><em>both</em></strong>"),
        ("snake_case_name", "snake_case_name"),
        ("2*3*4", "2*3*4"),
        ("* not *", "* not *"),
        ("```*raw*```", "<code>*raw*</code>"),
        ("<b>*x*</b>", "&lt;b&gt;<strong>x</strong>&lt;/b&gt;"),
        ("bell\x07", "bell\\x07"),
    ],
)
def test_formatting(text: str, expected: str) -> None:
    assert str(formatted(text)) == expected


def test_media_headers() -> None:
    html = html_of(
        """
        name: media
        category: MARKETING
        languages:
          en_US:
            header: {format: IMAGE, examples: ["https://cdn.example/a%20b.jpg"]}
            body: {text: "Image header. Reply STOP to opt out."}
          es_MX:
            header: {format: DOCUMENT, examples: ["https://cdn.example/files/invoice-7.pdf"]}
            body: {text: Document header.}
          fr:
            header: {format: LOCATION}
            body: {text: Location header.}
          de:
            header: {format: VIDEO, examples: [media/tour.mp4]}
            body: {text: Video header.}
          it:
            header: {format: IMAGE, examples: ["http://insecure.example/x.png"]}
            body: {text: Image over http.}
        """
    )
    # Only the https image is loaded; the http one and the local video are placeholders. The
    # image is the placeholder's background: one that cannot load leaves the placeholder be.
    assert backgrounds(html) == ["https://cdn.example/a%20b.jpg"]
    assert not [t for t, _ in tags(html) if t == "img"]
    assert 'role="img" aria-label="a b.jpg"' in html
    assert '<span class="doc-type">PDF</span><span class="doc-name">invoice-7.pdf</span>' in html
    assert "Location shared when sending" in html
    assert "<span>tour.mp4</span>" in html and "<span>x.png</span>" in html
    assert html.count('<section class="language"') == 5
    assert [h for h in re.findall(r"<h2>(.*?)</h2>", html)] == ["en_US", "es_MX", "fr", "de", "it"]
    assert 'lang="es-MX"' in html


def test_a_header_format_the_file_got_wrong_is_named_in_its_placeholder() -> None:
    view = bubble("en_US", Language(header={"format": "hologram"}), "UTILITY")  # type: ignore[arg-type]
    assert view.header is not None
    assert (view.header.kind, view.header.label) == ("unknown", "HOLOGRAM")


def test_the_page_loads_nothing_but_header_images() -> None:
    html = html_of(HOSTILE)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert not [t for t, a in tags(html) if "src" in a or t in ("link", "script", "iframe")]


def test_carousel_cards_and_call_permission() -> None:
    html = html_of(
        """
        name: cards
        category: MARKETING
        languages:
          en_US:
            body: {text: "Swipe {{1}}. Reply STOP to opt out.", examples: [Sam]}
            call_permission_request: true
            carousel:
              - header: {format: IMAGE, examples: ["https://cdn.example/1.jpg"]}
                body: {text: "Card {{1}}", examples: [one]}
                buttons: [{type: QUICK_REPLY, text: More}]
              - header: {format: VIDEO, examples: ["https://cdn.example/2.mp4"]}
                body: {text: "Card {{1}}", examples: [two]}
                buttons: [{type: URL, text: View, url: "https://s.example/{{1}}", examples: [p2]}]
        """
    )
    assert html.count('<div class="card">') == 2
    assert "Card one" in html and "Card two" in html
    assert 'href="https://s.example/p2"' in html
    assert "Allow calls from this business" in html


def test_authentication_shows_metas_wording_with_the_code() -> None:
    html = html_of(
        """
        name: login_code
        category: AUTHENTICATION
        languages:
          en_US:
            body: {add_security_recommendation: true, examples: ["482913"]}
            footer: {code_expiration_minutes: 5}
            buttons: [{type: OTP, otp_type: COPY_CODE, text: Copy code}]
        """
    )
    assert (
        "<strong>482913</strong> is your verification code. "
        "For your security, do not share this code." in html
    )
    assert "This code expires in 5 minutes." in html
    assert "<span>Copy code</span>" in html


@pytest.mark.parametrize(
    ("button", "label", "icon"),
    [
        (Button(type="URL", text="Open", url="https://x.example"), "Open", "link"),
        (Button(type="PHONE_NUMBER", text="Call", phone_number="+1"), "Call", "phone"),
        (Button(type="VOICE_CALL", ttl_minutes=1440), "Call on WhatsApp", "phone"),
        (Button(type="QUICK_REPLY", text="Yes"), "Yes", "reply"),
        (Button(type="COPY_CODE", examples=["SAVE10"]), "Copy offer code", "copy"),
        (Button(type="OTP", otp_type="ONE_TAP", autofill_text="Fill"), "Fill", "copy"),
        (Button(type="FLOW", text="Book", flow_id="1"), "Book", "list"),
        (Button(type="REQUEST_CONTACT_INFO"), "Share contact info", "contact"),
        (Button(type="MYSTERY", text="Odd ]  label"), "Odd ] label", ""),
    ],
)
def test_every_button_type_gets_its_label_and_icon(button: Button, label: str, icon: str) -> None:
    view = bubble("en_US", Language(buttons=[button]), "MARKETING").buttons[0]
    assert (view.label, view.icon) == (label, icon)


def test_an_empty_language_renders() -> None:
    view = bubble("en_US", Language(), "UTILITY")
    assert (view.header, str(view.body), view.footer, view.buttons) == (None, "", "", [])


# --- local samples embedded, and URLs made safe for CSS ------------------------------------------


def promo(folder: Path, sample: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "promo.yaml"
    file.write_text(
        "name: promo\ncategory: MARKETING\nlanguages:\n  en_US:\n"
        f'    header: {{format: IMAGE, examples: ["{sample}"]}}\n'
        '    body: {text: "Our sale. Reply STOP to opt out."}\n',
        encoding="utf-8",
    )
    return file


def embedded(file: Path, root: Path) -> list[str]:
    template = source(file.read_text(encoding="utf-8")).template
    languages = list(template.languages.items())
    return backgrounds(page("promo", "MARKETING", languages, embedder(file, root)))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def test_a_local_image_inside_the_project_is_embedded(tmp_path: Path) -> None:
    (tmp_path / "templates" / "media").mkdir(parents=True)
    (tmp_path / "templates" / "media" / "banner.png").write_bytes(PNG)
    file = promo(tmp_path / "templates", "media/banner.png")
    assert embedded(file, tmp_path) == [
        "data:image/png;base64," + base64.b64encode(PNG).decode("ascii")
    ]
    (tmp_path / "templates" / "media" / "photo.JPG").write_bytes(b"\xff\xd8\xff")
    jpeg = promo(tmp_path / "templates", "media/photo.JPG")
    assert embedded(jpeg, tmp_path)[0].startswith("data:image/jpeg;base64,/9j/")


def test_a_local_sample_outside_the_project_is_never_read(tmp_path: Path) -> None:
    project = tmp_path / "project"
    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    file = promo(project / "templates", "../../secret.png")
    assert embedded(file, project) == []
    (project / "templates" / "link.png").symlink_to(outside)
    linked = promo(project / "templates", "link.png")
    assert embedded(linked, project) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("missing.png", None),
        ("notes.txt", b"text"),
        ("huge.png", b"\x89PNG" + b"\x00" * (5 * 1024 * 1024)),
        ("folder.png", "dir"),
    ],
)
def test_what_cannot_be_embedded_shows_the_placeholder(
    tmp_path: Path, name: str, content: bytes | str | None
) -> None:
    target = tmp_path / "templates" / name
    target.parent.mkdir(parents=True)
    if content == "dir":
        target.mkdir()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    file = promo(tmp_path / "templates", name)
    assert embedded(file, tmp_path) == []
    html = page("promo", "MARKETING", list(source(file.read_text()).template.languages.items()))
    assert f"<span>{name}</span>" in html


def test_quotes_and_parentheses_in_an_image_url_cannot_leave_the_css() -> None:
    html = html_of(
        """
        name: media
        category: MARKETING
        languages:
          en_US:
            header: {format: IMAGE, examples: ["https://x.example/a') ;color:red(\\"x.png"]}
            body: {text: "Reply STOP to opt out."}
        """
    )
    assert backgrounds(html) == ["https://x.example/a%27%29%20;color:red%28%22x.png"]


def test_a_raw_language_is_drawn_as_far_as_its_parts_fit() -> None:
    html = html_of(
        """
        name: offer
        category: MARKETING
        languages:
          en_US:
            components:
              - {type: HEADER, format: PRODUCT}
              - {type: LIMITED_TIME_OFFER, limited_time_offer: {text: Ends soon!}}
              - {type: BODY, text: "Hi {{1}}, it is back.", examples: [Ana]}
              - {type: BUTTONS, buttons: [{type: SPM, text: View}]}
        """
    )
    assert '<div class="note">⏱ Ends soon!</div>' in html
    assert "Hi Ana, it is back." in html
    assert "<span>PRODUCT</span>" in html and "<span>View</span>" in html


def test_authentication_wording_is_in_the_template_s_language() -> None:
    html = html_of(
        """
        name: login
        category: AUTHENTICATION
        languages:
          es_ES:
            body: {add_security_recommendation: true, examples: ["123456"]}
            footer: {code_expiration_minutes: 10}
            buttons: [{type: OTP, otp_type: COPY_CODE}]
        """
    )
    assert "Tu código de verificación es <strong>123456</strong>. Por tu seguridad" in html
    assert "Este código caduca en 10 minutos." in html
    assert "<span>Copiar código</span>" in html
