"""The canary key must not appear in any exception, repr, log record or captured output."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.provider.fake import KEY, Fake8x8, Fault, error_body
from wa_templates.provider import redact
from wa_templates.provider.errors import ApiError

PAYLOAD = {
    "name": "hello",
    "language": "en",
    "category": "UTILITY",
    "components": [{"type": "BODY", "text": "Hello there."}],
}


@contextmanager
def debug_to_stderr() -> Iterator[None]:
    """What `--debug` does: every logger at DEBUG, printed to stderr.

    Entered inside the test: pytest swaps sys.stderr between fixture setup and the test call.
    """
    handler = logging.StreamHandler(sys.stderr)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def failures(fake: Fake8x8, tmp_path: Path) -> list[BaseException]:
    """Run every operation, through every kind of failure, collecting the exceptions."""
    echo = error_body(1200, f"Invalid API key: Bearer {KEY}")
    fake.fail("GET", Fault(401, echo), Fault(error=httpx.ConnectError), Fault(200, "bad"))
    fake.fail("POST", Fault(500, error_body(2000, f"failed for {KEY}")))
    fake.fail("DELETE", Fault(400, error_body(1000, f"bad request with {KEY}")))
    (tmp_path / "a.png").write_bytes(b"png")
    client = fake.client()
    caught: list[BaseException] = []
    operations: list[Callable[[], object]] = [
        client.list_templates,
        client.list_templates,
        lambda: client.create_template(PAYLOAD),
        lambda: client.delete_template("hello"),
        lambda: client.upload_file(tmp_path / "a.png"),
        lambda: client.upload_file(tmp_path / "missing.png"),
    ]
    for operation in operations:
        try:
            operation()
        except Exception as exc:
            caught.append(exc)
    return caught


def test_the_key_appears_nowhere(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = Fake8x8()
    caplog.set_level(logging.DEBUG)
    with debug_to_stderr():
        caught = failures(fake, tmp_path)
    assert len(caught) >= 4 and all(isinstance(e, Exception) for e in caught)
    assert any(isinstance(e, ApiError) and e.code == 1200 for e in caught)
    for exc in caught:
        assert KEY not in str(exc) and KEY not in repr(exc)
    client = fake.client()
    assert KEY not in repr(client) and KEY not in str(client)
    assert "api_key='***'" in repr(client)
    # The requests did carry the key: the checks above are not vacuous.
    assert any(r.headers.get("Authorization") == f"Bearer {KEY}" for r in fake.requests)
    records = caplog.records
    assert any("GET https://chatapps.8x8.com/api/v1/accounts/" in r.getMessage() for r in records)
    for record in records:
        assert KEY not in record.getMessage()
    out, err = capsys.readouterr()
    assert "-> 401 (" in err and " ms)" in err  # the --debug lines were printed
    assert KEY not in out and KEY not in err


@pytest.mark.parametrize(
    "logger", ["httpx", "httpcore.http11", "httpcore.connection", "wa_templates.provider.x", "x"]
)
def test_a_library_logging_the_header_is_masked(
    logger: str, capsys: pytest.CaptureFixture[str]
) -> None:
    Fake8x8().client()  # registers the key
    with debug_to_stderr():
        logging.getLogger(logger).debug("send headers [(b'Authorization', b'Bearer %s')]", KEY)
    err = capsys.readouterr().err
    assert "Bearer ***" in err and KEY not in err


def test_scrub_masks_the_longest_secret_whole() -> None:
    redact.register("abcdefghijkl")
    redact.register("abcdefghijkl-longer")
    assert redact.scrub("x abcdefghijkl-longer y abcdefghijkl") == "x *** y ***"
    assert redact.scrub("nothing here") == "nothing here"


@pytest.mark.parametrize("short", ["", "sandbox", "abcdefghijk"])
def test_short_secrets_are_not_masked_all_over_ordinary_text(short: str) -> None:
    redact.register(short)
    assert redact.scrub(f"the {short} word") == f"the {short} word"


def test_a_badly_formatted_record_does_not_leak_through_loggings_error_report(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Fake8x8().client()
    with debug_to_stderr():
        logging.getLogger("x").debug("two %s %s", KEY)
    err = capsys.readouterr().err
    assert "***" in err and KEY not in err
