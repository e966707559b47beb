"""Upload download tokens (`?token=` in 8x8's file URLs) appear in no log record, error or output.

8x8's file host takes the token in the URL as its only credential: a token in a CI log hands the
file to anyone reading it, as a key would hand over the account.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.provider.fake import BASE, Fake8x8, Fault, error_body
from tests.provider.test_redaction import debug_to_stderr
from wa_templates.cli.main import main
from wa_templates.errors import WaError
from wa_templates.provider import redact

TOKEN = "CfDJ8LwbBIzqYzxMo4VXraj4E8np2JMuXKnwMWzzWnhfPTnXEo7eCgiy7XIhp0HrdaH-_b"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            f"GET {BASE}/files/a.png?token={TOKEN} -> 206",
            f"GET {BASE}/files/a.png?token=*** -> 206",
        ),
        (f"/files/a.png?token={TOKEN}&x=1", "/files/a.png?token=***&x=1"),
        (
            f"[(b'location', b'/files/a.png?token={TOKEN}')]",
            "[(b'location', b'/files/a.png?token=***')]",
        ),
        (f'{{"fileName": "a.png", "token": "{TOKEN}"}}', '{"fileName": "a.png", "token": "***"}'),
        (f'{{"token":"{TOKEN}"}}', '{"token":"***"}'),
        (f"Token={TOKEN}", "Token=***"),
    ],
)
def test_scrub_masks_upload_tokens_in_every_shape_they_travel_in(text: str, masked: str) -> None:
    assert redact.scrub(text) == masked


def test_upload_and_check_log_no_token_with_debug(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = Fake8x8()
    answer = {"fileName": "f1.png", "token": TOKEN}
    fake.fail("POST", Fault(201, answer, {"Location": f"/files/f1.png?token={TOKEN}"}, after=True))
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    caplog.set_level(logging.DEBUG)
    with debug_to_stderr():
        client = fake.client(api_key="short")  # too short to register: tokens are masked anyway
        url = client.upload_file(tmp_path / "a.png")
        client.file_served(url)
        logging.getLogger("httpcore.http11").debug("headers [(b'location', b'%s')]", url)
    assert url.endswith(f"?token={TOKEN}")  # the URL itself keeps it: it is sent to Meta
    assert str(fake.requests[-1].url) == url  # and the check asked for it
    _, err = capsys.readouterr()
    assert "token=***" in err and f"GET {BASE}/files/f1.png" in err
    assert TOKEN not in err and TOKEN not in caplog.text
    assert not [r for r in caplog.records if TOKEN in r.getMessage()]


def test_an_error_quoting_a_file_url_masks_its_token() -> None:
    fake = Fake8x8()
    echo = error_body(2000, f"media sample {BASE}/files/f1.png?token={TOKEN} is unreachable")
    fake.fail("POST", Fault(400, echo))
    payload = {"name": "x", "language": "en", "category": "UTILITY", "components": []}
    with pytest.raises(WaError) as caught:
        fake.client().create_template(payload)
    assert "token=***" in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


def test_the_cli_masks_a_token_in_any_error_it_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise WaError(f"cannot fetch {BASE}/files/f1.png?token={TOKEN}")

    monkeypatch.setattr("wa_templates.cli.commands.validate.check_paths", failing)
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot fetch") and "token=***" in err and TOKEN not in err
