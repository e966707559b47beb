"""Media upload (`POST /api/v1/subaccounts/{id}/files`) and serving the file back."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from tests.sandbox.conftest import error_code
from wa_templates.sandbox import uploads
from wa_templates.sandbox.embedded import SANDBOX_SUBACCOUNT_ID
from wa_templates.sandbox.state import Store

UPLOAD = f"/api/v1/subaccounts/{SANDBOX_SUBACCOUNT_ID}/files"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2048) + b"\r\n--\r\n"


def _upload(
    client: httpx.Client,
    name: str = "parcel.png",
    data: bytes = PNG,
    content_type: str = "image/png",
) -> httpx.Response:
    return client.post(UPLOAD, files={"file": (name, data, content_type)})


def test_upload_answers_201_with_file_name_token_and_location(client: httpx.Client) -> None:
    response = _upload(client)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"fileName", "token"}
    assert re.fullmatch(r"[0-9a-f]{32}\.png", body["fileName"])
    assert response.headers["Location"] == f"/files/{body['fileName']}?token={body['token']}"
    assert response.headers["Cache-Control"] == "no-store,no-cache"


def test_uploaded_file_is_served_back_with_its_token(client: httpx.Client) -> None:
    location = _upload(client).headers["Location"]
    response = client.get(location, headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"


def test_file_needs_its_token(client: httpx.Client) -> None:
    name = _upload(client).json()["fileName"]
    assert error_code(client.get(f"/files/{name}?token=wrong")) == (401, 1200)
    assert error_code(client.get(f"/files/{name}")) == (401, 1200)
    assert error_code(client.get("/files/0000.png?token=x")) == (404, 1300)


def test_extension_comes_from_the_content_type_when_the_name_has_none(
    client: httpx.Client,
) -> None:
    response = _upload(client, name="clip", data=b"....", content_type="video/mp4")
    assert response.json()["fileName"].endswith(".mp4")


def test_unsupported_media_type_is_415(client: httpx.Client) -> None:
    response = _upload(client, name="tool.exe", content_type="application/x-msdownload")
    assert error_code(response) == (415, 3010)


def test_upload_without_a_file_part_is_400(client: httpx.Client) -> None:
    response = client.post(UPLOAD, files={"other": ("a.png", PNG, "image/png")})
    assert error_code(response) == (400, 1000)
    response = client.post(UPLOAD, json={"file": "a.png"})
    assert error_code(response) == (400, 1000)


def test_upload_needs_the_key(client: httpx.Client) -> None:
    response = client.post(
        UPLOAD,
        files={"file": ("a.png", PNG, "image/png")},
        headers={"Authorization": "Bearer nope"},
    )
    assert error_code(response) == (401, 1200)


def test_illegal_subaccount_is_400_code_1001(client: httpx.Client) -> None:
    response = client.post("/api/v1/subaccounts/a!/files", files={"file": ("a.png", PNG)})
    assert error_code(response) == (400, 1001)


def test_too_large_upload_is_413_code_7001(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1024 * 1024)
    response = _upload(client, data=b"x" * (1024 * 1024 + 1))
    assert error_code(response) == (413, 7001)
    assert response.json()["message"] == "Request size must not exceed 1 MB"


def test_reset_removes_uploaded_files(state_path: Path, client: httpx.Client) -> None:
    location = _upload(client).headers["Location"]
    files_dir = Store(state_path).files_dir
    assert len(list(files_dir.iterdir())) == 1
    client.post("/_sandbox/reset")
    assert list(files_dir.iterdir()) == []
    assert error_code(client.get(location)) == (404, 1300)


def test_multipart_parser_finds_the_file_among_other_fields() -> None:
    data = os.urandom(4096)
    request = httpx.Request(
        "POST",
        "http://x/",
        data={"note": "hi"},
        files={"file": ("Report.PDF", data, "application/pdf")},
    )
    part = uploads.parse_file_part(request.headers["content-type"], request.read())
    assert (part.filename, part.content_type, part.data) == ("Report.PDF", "application/pdf", data)
    assert uploads.stored_name(part)[1] == "application/pdf"


def test_multipart_parser_reads_quoted_parameters() -> None:
    body = (
        b'--b1\r\nContent-Disposition: form-data; name="file"; filename="a \\"b\\".png"'
        b"\r\nContent-Type: image/png\r\n\r\nDATA\r\n--b1--\r\n"
    )
    part = uploads.parse_file_part('multipart/form-data; boundary="b1"', body)
    assert (part.filename, part.data) == ('a "b".png', b"DATA")


# --- serving: ranges, as a file host answers them -----------------------------------------


def test_one_byte_range_is_206_with_content_range(client: httpx.Client) -> None:
    location = _upload(client).headers["Location"]
    response = client.get(location, headers={"Authorization": "", "Range": "bytes=0-0"})
    assert response.status_code == 206
    assert response.content == PNG[:1]
    assert response.headers["Content-Range"] == f"bytes 0-0/{len(PNG)}"
    assert response.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=10-19", 10, 19),
        ("bytes=2000-", 2000, len(PNG) - 1),
        ("bytes=-5", len(PNG) - 5, None),
    ],
)
def test_open_and_suffix_ranges_are_served(
    client: httpx.Client, header: str, first: int, last: int | None
) -> None:
    location = _upload(client).headers["Location"]
    response = client.get(location, headers={"Range": header})
    end = len(PNG) - 1 if last is None else last
    assert response.status_code == 206
    assert response.content == PNG[first : end + 1]
    assert response.headers["Content-Range"] == f"bytes {first}-{end}/{len(PNG)}"


def test_a_range_past_the_end_is_416_and_a_malformed_one_is_ignored(
    client: httpx.Client,
) -> None:
    location = _upload(client).headers["Location"]
    past = client.get(location, headers={"Range": f"bytes={len(PNG)}-"})
    assert past.status_code == 416
    assert past.headers["Content-Range"] == f"bytes */{len(PNG)}"
    for ignored in ("bytes=0-1,5-6", "items=0-1", "bytes=5-2", "bytes=-"):
        whole = client.get(location, headers={"Range": ignored})
        assert (whole.status_code, whole.content) == (200, PNG), ignored


def test_head_answers_like_get_without_the_body(client: httpx.Client) -> None:
    location = _upload(client).headers["Location"]
    response = client.head(location)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-length"] == str(len(PNG))


def test_a_range_of_a_file_gone_after_a_reset_is_404(client: httpx.Client) -> None:
    location = _upload(client).headers["Location"]
    assert client.post("/_sandbox/reset").status_code == 200
    gone = client.get(location, headers={"Range": "bytes=0-0"})
    assert error_code(gone) == (404, 1300)


def test_byte_range_reads_rfc_9110_forms() -> None:
    assert uploads.byte_range(None, 10) is None
    assert uploads.byte_range("bytes=0-0", 10) == (0, 0)
    assert uploads.byte_range("bytes=3-99", 10) == (3, 9)
    assert uploads.byte_range("bytes=-3", 10) == (7, 9)
    assert uploads.byte_range("bytes=-30", 10) == (0, 9)
    for unsatisfiable in ("bytes=10-", "bytes=-0"):
        with pytest.raises(uploads.Unsatisfiable):
            uploads.byte_range(unsatisfiable, 10)
    with pytest.raises(uploads.Unsatisfiable):
        uploads.byte_range("bytes=0-0", 0)
