from __future__ import annotations

import json
import weakref
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.provider.fake import (
    ACCOUNT,
    BASE,
    CHANNEL,
    KEY,
    SUBACCOUNT,
    TEMPLATES,
    Fake8x8,
    Fault,
    error_body,
    listed,
)
from wa_templates.errors import WaError
from wa_templates.provider.base import Deleted
from wa_templates.provider.errors import (
    ApiError,
    AuthError,
    NameLockedError,
    RateLimitError,
    ResponseError,
    ServerError,
    TemplateConflictError,
    TemplateExistsError,
    TransportError,
)
from wa_templates.provider.retry import RetryPolicy
from wa_templates.rules.check import collector_paused

PAYLOAD: dict[str, Any] = {
    "name": "order_update",
    "language": "en_US",
    "category": "UTILITY",
    "components": [
        {"type": "BODY", "text": "Your order {{1}} has shipped.", "examples": ["A-1"]},
    ],
}
OTHER = {**PAYLOAD, "components": [{"type": "BODY", "text": "Something else entirely."}]}


@pytest.fixture
def fake() -> Fake8x8:
    return Fake8x8()


# --- list --------------------------------------------------------------------------------------


def test_list_sends_bearer_key_to_the_account_and_channel(fake: Fake8x8) -> None:
    fake.templates.append(listed(PAYLOAD))
    [template] = fake.client().list_templates()
    assert template.raw == listed(PAYLOAD) and template.address == "template.order_update[en_US]"
    [request] = fake.requests
    assert request.url == f"{BASE}{TEMPLATES}"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("wa-templates/")


def test_ids_are_url_encoded_in_the_path(fake: Fake8x8) -> None:
    client = fake.client(channel_id="chan/1 x")
    with pytest.raises(ApiError):
        client.list_templates()
    assert fake.requests[0].url.raw_path.endswith(b"/channels/chan%2F1%20x/templates")


def test_the_list_answer_is_freed_while_the_cyclic_collector_is_paused(fake: Fake8x8) -> None:
    # Plan pauses the cyclic collector until it is done. httpx binds each response's stream
    # back to the response, so a full channel's answer (10 MB) stayed in memory at plan's peak
    # unless the client breaks that cycle once the answer is read.
    fake.templates.append(listed(PAYLOAD))
    answers: list[weakref.ref[httpx.Response]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        response = fake.handle(request)
        answers.append(weakref.ref(response))
        return response

    client = fake.client(transport=httpx.MockTransport(handle))
    with collector_paused():
        [template] = client.list_templates()
        assert len(answers) == 1 and answers[0]() is None
    assert template.raw == listed(PAYLOAD)


@pytest.mark.parametrize("body", [{"items": []}, {"templates": {}}, [1], {"templates": [1]}])
def test_list_with_an_unexpected_shape_is_a_clear_error(fake: Fake8x8, body: Any) -> None:
    fake.fail("GET", Fault(200, body))
    with pytest.raises(ResponseError, match="unexpected answer to list templates"):
        fake.client().list_templates()


@pytest.mark.parametrize(
    ("item", "says"),
    [
        (
            {"language": "en_US", "components": []},
            "templateName must be a name, not missing",
        ),
        ({"templateName": "", "language": "en_US"}, "templateName must be a name, not empty"),
        ({"templateName": ["x" * 500], "language": "en"}, "templateName must be a name, not list"),
        ({"templateName": "t", "language": 5}, "language of 't' must be a code, not int"),
    ],
)
def test_a_template_that_names_nothing_refuses_the_whole_list(
    fake: Fake8x8, item: dict[str, Any], says: str
) -> None:
    # Without a name there is nothing to protect or compare: no stage may act on such a list.
    fake.fail("GET", Fault(200, {"templates": [listed(PAYLOAD), item]}))
    with pytest.raises(ResponseError) as caught:
        fake.client().list_templates()
    assert f"unexpected answer to list templates: templates[1]: {says}" in str(caught.value)
    assert "x" * 50 not in str(caught.value)


@pytest.mark.parametrize("body", ["<html>", "[" * 100_000 + "]" * 100_000])
def test_list_with_a_body_that_is_not_json_is_a_clear_error(fake: Fake8x8, body: str) -> None:
    # Nested 100,000 deep, the answer would end in a RecursionError, which is no one's line.
    fake.fail("GET", Fault(200, body))
    with pytest.raises(ResponseError, match="unexpected answer to list templates"):
        fake.client().list_templates()


def test_list_404_points_at_the_account_and_channel(fake: Fake8x8) -> None:
    fake.fail("GET", Fault(404, error_body(1300, "Not found")))
    with pytest.raises(ApiError, match=f"check account_id {ACCOUNT} and channel_id {CHANNEL}"):
        fake.client().list_templates()


# --- error mapping -----------------------------------------------------------------------------


def test_401_is_an_auth_error_naming_the_account_and_keeping_the_body(fake: Fake8x8) -> None:
    with pytest.raises(AuthError) as caught:
        fake.client(api_key="wrong-key").list_templates()
    error = caught.value
    assert str(error).startswith(f"API key rejected for account {ACCOUNT}")
    assert (error.status, error.code) == (401, 1200)
    assert error.error_id == "1cc1eda1-f5dd-ea11-8288-0263195dd35a"
    assert "errorId 1cc1eda1-f5dd-ea11-8288-0263195dd35a" in str(error)
    assert error.exit_code == 1 and isinstance(error, WaError)
    assert fake.calls("GET") == 1  # a wrong key will not get better by retrying


def test_409_3060_is_name_locked(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(409, error_body(3060, "Template is being deleted")))
    with pytest.raises(NameLockedError) as caught:
        fake.client().create_template(PAYLOAD)
    assert str(caught.value).startswith("name locked after deletion: 'order_update'")
    assert caught.value.code == 3060
    assert "Template is being deleted" in str(caught.value)


def test_already_exists_with_the_same_content_is_done(fake: Fake8x8) -> None:
    # Another apply of the same change created it first: this create's work is done.
    fake.templates.append(listed(PAYLOAD))
    fake.client().create_template(PAYLOAD)
    assert fake.calls("POST") == 1 and fake.calls("GET") == 1


def test_already_exists_with_other_content_is_a_conflict(fake: Fake8x8) -> None:
    fake.templates.append(listed(OTHER))
    with pytest.raises(TemplateConflictError) as caught:
        fake.client().create_template(PAYLOAD)
    assert "'order_update' (en_US) exists with different content" in str(caught.value)
    assert fake.calls("POST") == 1  # never sent again


def test_already_exists_but_not_listed_keeps_8x8s_refusal(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(400, error_body(1005, "Template already exists")))
    with pytest.raises(TemplateExistsError) as caught:
        fake.client().create_template(PAYLOAD)
    assert type(caught.value) is TemplateExistsError
    assert "'order_update' (en_US) already exists" in str(caught.value)
    assert fake.calls("POST") == 1 and fake.calls("GET") == 1


def test_already_exists_and_the_list_failing_keeps_8x8s_refusal(fake: Fake8x8) -> None:
    fake.templates.append(listed(PAYLOAD))
    fake.fail("GET", *[Fault(500, error_body(1000, "down"))] * 5)
    with pytest.raises(TemplateExistsError) as caught:
        fake.client().create_template(PAYLOAD)
    assert type(caught.value) is TemplateExistsError
    assert fake.calls("POST") == 1


def test_other_4xx_is_a_plain_api_error_with_code_and_message(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(400, error_body(3032, "Invalid Template Name")))
    with pytest.raises(ApiError) as caught:
        fake.client().create_template(PAYLOAD)
    assert type(caught.value) is ApiError
    assert str(caught.value) == (
        "8x8 refused create template 'order_update' (en_US): Invalid Template Name "
        "(HTTP 400, code 3032, errorId 1cc1eda1-f5dd-ea11-8288-0263195dd35a)"
    )
    assert fake.calls("POST") == 1


def test_an_html_error_page_becomes_the_reason_phrase(fake: Fake8x8) -> None:
    fake.fail("GET", *[Fault(502, "<html>bad gateway</html>")] * 5)
    with pytest.raises(ServerError) as caught:
        fake.client().list_templates()
    assert "Bad Gateway" in str(caught.value) and "<html>" not in str(caught.value)
    assert caught.value.code is None


def test_a_multiline_server_message_stays_on_one_line(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(400, error_body(1000, "bad\nthing\r\n  here")))
    with pytest.raises(ApiError) as caught:
        fake.client().create_template(PAYLOAD)
    assert "bad thing here" in str(caught.value) and "\n" not in str(caught.value)


# --- retries -----------------------------------------------------------------------------------


def test_5xx_is_retried_with_backoff_until_it_succeeds(fake: Fake8x8) -> None:
    fake.fail("GET", Fault(500, error_body(2000, "Internal")), Fault(503, error_body(2000, "x")))
    fake.client().list_templates()
    assert fake.calls("GET") == 3
    assert len(fake.sleeps) == 2


def test_attempts_are_bounded_then_a_server_error(fake: Fake8x8) -> None:
    fake.fail("GET", *[Fault(500, error_body(2000, "Internal error"))] * 10)
    with pytest.raises(ServerError, match=r"\(after 5 attempts\)") as caught:
        fake.client().list_templates()
    assert fake.calls("GET") == 5 and len(fake.sleeps) == 4
    assert caught.value.status == 500 and caught.value.code == 2000


def test_connection_errors_are_retried_then_a_transport_error(fake: Fake8x8) -> None:
    fake.fail("GET", *[Fault(error=httpx.ConnectError)] * 3)
    with pytest.raises(TransportError) as caught:
        fake.client(retry=RetryPolicy(max_attempts=3, base_delay=0)).list_templates()
    assert fake.calls("GET") == 3
    text = str(caught.value)
    assert text.startswith(f"no answer from {BASE} to list templates (after 3 attempts)")
    assert "ConnectError" in text
    assert caught.value.status is None


def test_a_non_network_transport_error_is_not_retried(fake: Fake8x8) -> None:
    fake.fail("GET", Fault(error=httpx.UnsupportedProtocol))
    with pytest.raises(TransportError):
        fake.client().list_templates()
    assert fake.calls("GET") == 1


def test_429_honours_retry_after_seconds(fake: Fake8x8) -> None:
    fake.fail("GET", Fault(429, error_body(1100, "Too many"), {"Retry-After": "7"}))
    fake.client().list_templates()
    assert fake.sleeps == [7.0]


def test_503_honours_retry_after_as_an_http_date(fake: Fake8x8) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    fake.fail("GET", Fault(503, error_body(2000, "busy"), {"Retry-After": when}))
    fake.client().list_templates()
    [slept] = fake.sleeps
    assert 27 <= slept <= 30


def test_retry_after_on_a_500_is_not_a_reason_to_wait_long(fake: Fake8x8) -> None:
    fake.fail("GET", Fault(500, error_body(2000, "x"), {"Retry-After": "90"}))
    fake.client().list_templates()
    assert fake.sleeps[0] <= 0.01


def test_a_retry_after_too_long_to_wait_fails_at_once_with_the_hint(fake: Fake8x8) -> None:
    fake.fail("GET", Fault(429, error_body(1100, "Too many requests"), {"Retry-After": "3600"}))
    with pytest.raises(RateLimitError) as caught:
        fake.client().list_templates()
    assert fake.calls("GET") == 1 and fake.sleeps == []
    assert caught.value.retry_after == 3600
    assert "retry after 3600 s" in str(caught.value)
    assert "(after 1 attempt)" in str(caught.value)


def test_rate_limit_that_never_lifts_is_a_rate_limit_error(fake: Fake8x8) -> None:
    fake.fail("GET", *[Fault(429, error_body(1100, "Too many"), {"Retry-After": "1"})] * 5)
    with pytest.raises(RateLimitError, match="rate limited during list templates"):
        fake.client().list_templates()
    assert fake.sleeps == [1.0] * 4


def test_backoff_waits_grow_and_stay_under_the_cap(fake: Fake8x8) -> None:
    fake.fail("GET", *[Fault(500, error_body(2000, "x"))] * 6)
    policy = RetryPolicy(max_attempts=6, base_delay=1, max_delay=4, jitter=lambda: 0.999)
    with pytest.raises(ServerError):
        fake.client(retry=policy).list_templates()
    assert fake.sleeps == pytest.approx([0.999, 1.998, 3.996, 3.996, 3.996])


# --- create: success, and answers that were lost -----------------------------------------------


def test_create_posts_the_payload_once(fake: Fake8x8) -> None:
    fake.client().create_template(PAYLOAD)
    [request] = fake.requests
    assert (request.method, request.url.path) == ("POST", TEMPLATES)
    assert json.loads(request.content) == PAYLOAD
    assert fake.templates == [listed(PAYLOAD)]


def test_lost_create_that_went_through_is_success_without_resending(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(error=httpx.ReadTimeout, after=True))
    fake.client().create_template(PAYLOAD)
    assert fake.calls("POST") == 1 and fake.calls("GET") == 1
    assert len(fake.templates) == 1


def test_lost_create_that_did_not_arrive_is_sent_again(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(error=httpx.RemoteProtocolError))
    fake.client().create_template(PAYLOAD)
    assert [r.method for r in fake.requests] == ["POST", "GET", "POST"]
    assert fake.templates == [listed(PAYLOAD)]


def test_lost_create_with_other_content_there_is_a_conflict(fake: Fake8x8) -> None:
    fake.templates.append(listed(OTHER))
    fake.fail("POST", Fault(error=httpx.ReadError))
    with pytest.raises(TemplateConflictError) as caught:
        fake.client().create_template(PAYLOAD)
    assert "'order_update' (en_US) exists with different content" in str(caught.value)
    assert isinstance(caught.value, TemplateExistsError)
    assert fake.calls("POST") == 1


def test_5xx_on_create_looks_before_resending(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(500, error_body(2000, "Internal"), after=True))
    fake.client().create_template(PAYLOAD)
    assert [r.method for r in fake.requests] == ["POST", "GET"]
    assert len(fake.templates) == 1


def test_5xx_before_storing_is_resent_after_the_look(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(502, error_body(2000, "Bad gateway")))
    fake.client().create_template(PAYLOAD)
    assert [r.method for r in fake.requests] == ["POST", "GET", "POST"]


def test_create_refused_before_sending_is_resent_without_a_look(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(error=httpx.ConnectError), Fault(429, error_body(1100, "slow down")))
    fake.client().create_template(PAYLOAD)
    assert [r.method for r in fake.requests] == ["POST", "POST", "POST"]


def test_exists_after_a_lost_answer_is_checked_against_the_list(fake: Fake8x8) -> None:
    # The first answer was lost and the list did not show it yet (eventual consistency): the
    # resend meets "already exists", which must resolve through the list, not fail.
    fake.fail("POST", Fault(error=httpx.ReadTimeout, after=True))
    fake.fail("GET", Fault(200, {"templates": []}))
    fake.client().create_template(PAYLOAD)
    assert [r.method for r in fake.requests] == ["POST", "GET", "POST", "GET"]
    assert len(fake.templates) == 1


def test_create_lost_every_time_is_a_clear_error_and_no_duplicate(fake: Fake8x8) -> None:
    fake.fail("POST", *[Fault(error=httpx.ReadTimeout)] * 5)
    with pytest.raises(TransportError) as caught:
        fake.client().create_template(PAYLOAD)
    assert fake.calls("POST") == 5
    assert "after 5 attempts" in str(caught.value)
    assert "may have been created anyway: run plan to see" in str(caught.value)
    assert fake.templates == []


def test_a_last_attempt_that_went_through_is_found_by_the_final_look(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(error=httpx.ReadError), Fault(error=httpx.ReadError, after=True))
    fake.client(retry=RetryPolicy(max_attempts=2, base_delay=0)).create_template(PAYLOAD)
    assert [r.method for r in fake.requests] == ["POST", "GET", "POST", "GET"]
    assert len(fake.templates) == 1


def test_a_failing_final_look_reports_the_create_failure(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(500, error_body(2000, "Internal")))
    fake.fail("GET", *[Fault(500, error_body(2000, "list down"))] * 5)
    with pytest.raises(ServerError) as caught:
        fake.client(retry=RetryPolicy(max_attempts=1)).create_template(PAYLOAD)
    assert "during create template 'order_update'" in str(caught.value)
    assert "may have been created anyway" in str(caught.value)


def test_a_deleted_registration_does_not_count_as_created(fake: Fake8x8) -> None:
    fake.templates.append(listed(PAYLOAD, status="DELETED"))
    fake.fail("POST", Fault(error=httpx.ReadError), Fault(409, error_body(3060, "being deleted")))
    with pytest.raises(NameLockedError):
        fake.client().create_template(PAYLOAD)
    assert [r.method for r in fake.requests] == ["POST", "GET", "POST"]


# --- delete ------------------------------------------------------------------------------------


def test_delete_removes_the_name_url_encoded(fake: Fake8x8) -> None:
    odd = {**PAYLOAD, "name": "a b/c%"}
    fake.templates.append(listed(odd))
    assert fake.client().delete_template("a b/c%") is Deleted.DELETED
    assert fake.templates == []
    assert fake.requests[0].url.raw_path.endswith(b"/templates/a%20b%2Fc%25")


@pytest.mark.parametrize(
    "fault",
    [
        Fault(404, error_body(3038, "Template not found")),
        Fault(400, error_body(3038, "Template not found")),
        Fault(404, error_body(1300, "Not found")),
        Fault(404, "not json"),
    ],
)
def test_deleting_a_name_that_is_gone_is_success_and_says_already_gone(
    fake: Fake8x8, fault: Fault
) -> None:
    fake.fail("DELETE", fault)
    assert fake.client().delete_template("gone") is Deleted.ALREADY_GONE


@pytest.mark.parametrize("status", [409, 400])
def test_deleting_a_name_already_being_deleted_is_success(fake: Fake8x8, status: int) -> None:
    # 3060 answered to a delete: someone (or our own lost first attempt) deleted it already. It
    # means the delete is done, not that the name is locked against a create.
    fake.fail("DELETE", Fault(status, error_body(3060, "Template is being deleted")))
    assert fake.client().delete_template("order_update") is Deleted.BEING_DELETED
    assert fake.calls("DELETE") == 1


def test_a_lost_delete_answer_then_3060_is_success(fake: Fake8x8) -> None:
    fake.templates.append(listed(PAYLOAD))
    fake.fail(
        "DELETE",
        Fault(error=httpx.ReadTimeout, after=True),
        Fault(409, error_body(3060, "Template is being deleted")),
    )
    assert fake.client().delete_template("order_update") is Deleted.BEING_DELETED
    assert fake.calls("DELETE") == 2


def test_delete_404_with_another_code_is_an_error(fake: Fake8x8) -> None:
    fake.fail("DELETE", Fault(404, error_body(1001, "Illegal SubAccountId")))
    with pytest.raises(ApiError, match="8x8 refused delete template 'x'"):
        fake.client().delete_template("x")


def test_a_lost_delete_answer_then_404_is_success(fake: Fake8x8) -> None:
    fake.templates.append(listed(PAYLOAD))
    fake.fail("DELETE", Fault(error=httpx.ReadTimeout, after=True))
    # Our lost first attempt deleted it; 8x8 can only say it has no such name any more.
    assert fake.client().delete_template("order_update") is Deleted.ALREADY_GONE
    assert fake.calls("DELETE") == 2 and fake.templates == []


# --- upload ------------------------------------------------------------------------------------


def test_upload_posts_multipart_and_returns_the_https_url(fake: Fake8x8, tmp_path: Path) -> None:
    image = tmp_path / "banner.png"
    image.write_bytes(b"\x89PNG-data")
    url = fake.client().upload_file(image)
    assert url == f"{BASE}/files/f1.png?token=tok"
    [request] = fake.requests
    assert request.url.path == "/api/v1/subaccounts/acme_wa/files"
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    body = fake.uploads[0]
    assert b'name="file"; filename="banner.png"' in body
    assert b"Content-Type: image/png" in body and b"\x89PNG-data" in body


def test_upload_without_location_builds_the_url_from_the_body(
    fake: Fake8x8, tmp_path: Path
) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    fake.fail("POST", Fault(201, {"fileName": "abc.jpg", "token": "t/k+n"}))
    assert fake.client().upload_file(tmp_path / "a.jpg") == f"{BASE}/files/abc.jpg?token=t%2Fk%2Bn"


def test_upload_answer_without_a_file_is_a_clear_error(fake: Fake8x8, tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    fake.fail("POST", Fault(201, {}))
    with pytest.raises(ResponseError, match="no Location header"):
        fake.client().upload_file(tmp_path / "a.jpg")


def test_upload_retries_resend_the_whole_file(fake: Fake8x8, tmp_path: Path) -> None:
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-" + b"z" * 1000)
    fake.fail("POST", Fault(503, error_body(2000, "busy")))
    fake.client().upload_file(tmp_path / "doc.pdf")
    assert fake.calls("POST") == 2
    assert b"z" * 1000 in fake.uploads[0]


def test_upload_needs_a_subaccount(fake: Fake8x8, tmp_path: Path) -> None:
    with pytest.raises(WaError, match="no subaccount_id"):
        fake.client(subaccount_id=None).upload_file(tmp_path / "a.png")


def test_upload_of_a_missing_file_is_a_clear_error(fake: Fake8x8, tmp_path: Path) -> None:
    with pytest.raises(WaError, match=r"a\.png: cannot read"):
        fake.client().upload_file(tmp_path / "a.png")
    assert fake.requests == []


def test_upload_error_is_mapped(fake: Fake8x8, tmp_path: Path) -> None:
    (tmp_path / "big.mp4").write_bytes(b"x")
    fake.fail("POST", Fault(413, error_body(7001, "Request size must not exceed 100 MB")))
    with pytest.raises(ApiError, match=r"8x8 refused upload big\.mp4: Request size"):
        fake.client().upload_file(tmp_path / "big.mp4")


# --- is an uploaded file still served ------------------------------------------------------------


def _uploaded(fake: Fake8x8, tmp_path: Path) -> str:
    (tmp_path / "a.png").write_bytes(b"\x89PNG image")
    return fake.client().upload_file(tmp_path / "a.png")


def test_a_served_upload_is_checked_with_one_ranged_get_without_the_key(
    fake: Fake8x8, tmp_path: Path
) -> None:
    url = _uploaded(fake, tmp_path)
    assert fake.client().file_served(url) is True
    check = fake.requests[-1]
    assert (check.method, str(check.url)) == ("GET", url)
    assert check.headers["Range"] == "bytes=0-0"
    assert "Authorization" not in check.headers  # the URL's token is the credential


def test_an_expired_upload_is_not_served(fake: Fake8x8, tmp_path: Path) -> None:
    url = _uploaded(fake, tmp_path)
    fake.expired.add("f1.png")
    assert fake.client().file_served(url) is False
    assert fake.client().file_served(url.replace("token=tok", "token=old")) is False


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/files/f1.png?token=tok",
        "http://chatapps.8x8.com/files/f1.png?token=tok",
        "https://chatapps.8x8.com:8443/files/f1.png?token=tok",
        f"{BASE}/api/v1/subaccounts/{SUBACCOUNT}/files",
        "not a url at all \x00",
    ],
)
def test_a_url_off_the_api_file_host_is_never_requested(fake: Fake8x8, url: str) -> None:
    # A cache file can say anything: what is not this target's file host is not asked, not
    # even without the key, and reads as not served (so the file is uploaded again).
    assert fake.client().file_served(url) is False
    assert fake.requests == []


def test_a_check_that_keeps_failing_reads_as_not_served(fake: Fake8x8, tmp_path: Path) -> None:
    url = _uploaded(fake, tmp_path)
    fake.fail("GET", *[Fault(503, error_body(1000, "busy"))] * 5)
    assert fake.client().file_served(url) is False
    assert fake.calls("GET") == 5  # retried like any request, then given up


def test_a_redirect_to_the_stored_file_is_followed_without_the_key(
    fake: Fake8x8, tmp_path: Path
) -> None:
    url = _uploaded(fake, tmp_path)
    storage = "https://storage.example.net/blob/f1.png?sig=x"
    fake.fail("GET", Fault(302, {}, headers={"Location": storage}))
    assert fake.client().file_served(url) is False  # the fake storage host refuses it
    assert [str(r.url) for r in fake.requests[-2:]] == [url, storage]
    assert all("Authorization" not in r.headers for r in fake.requests[-2:])


# --- construction ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "   ", "abc def", "abc\ndef"])
def test_unusable_keys_are_refused_without_echoing_them(fake: Fake8x8, key: str) -> None:
    with pytest.raises(WaError) as caught:
        fake.client(api_key=key)
    assert key.strip() == "" or key not in str(caught.value)


def test_surrounding_whitespace_of_the_key_is_dropped(fake: Fake8x8) -> None:
    fake.client(api_key=f"  {KEY}\n").list_templates()
    assert fake.requests[0].headers["Authorization"] == f"Bearer {KEY}"


def test_plain_http_to_a_remote_host_is_refused(fake: Fake8x8) -> None:
    with pytest.raises(WaError, match="https is required"):
        fake.client(base_url="http://chatapps.8x8.com")


def test_plain_http_to_loopback_is_allowed(fake: Fake8x8) -> None:
    client = fake.client(base_url="http://127.0.0.1:8080/")
    client.list_templates()
    assert str(fake.requests[0].url).startswith("http://127.0.0.1:8080/api/v1/accounts/")


def test_client_is_a_context_manager_and_closes(fake: Fake8x8) -> None:
    with fake.client() as client:
        client.list_templates()
    with pytest.raises(RuntimeError):
        client.list_templates()


def test_description_defaults_to_the_base_url(fake: Fake8x8) -> None:
    assert fake.client().description == BASE
    assert fake.client(description="target prod").description == "target prod"


def test_a_non_network_transport_error_on_create_is_not_retried(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(error=httpx.UnsupportedProtocol))
    with pytest.raises(TransportError, match="to create template 'order_update'"):
        fake.client().create_template(PAYLOAD)
    assert fake.calls("POST") == 1


def test_a_create_told_to_wait_too_long_stops_with_the_hint(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(429, error_body(1100, "hourly limit"), {"Retry-After": "3000"}))
    with pytest.raises(RateLimitError) as caught:
        fake.client().create_template(PAYLOAD)
    assert caught.value.retry_after == 3000 and fake.calls("POST") == 1
    assert "may have been created" not in str(caught.value)  # a 429 was refused up front


def test_the_final_look_finding_other_content_is_a_conflict(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(error=httpx.ReadError))
    fake.fail("GET", Fault(200, {"templates": [listed(OTHER)]}))
    with pytest.raises(TemplateConflictError):
        fake.client(retry=RetryPolicy(max_attempts=1)).create_template(PAYLOAD)


def test_an_error_code_sent_as_a_string_is_read(fake: Fake8x8) -> None:
    fake.fail("GET", Fault(403, {"code": "1201", "message": "Access forbidden"}))
    with pytest.raises(ApiError) as caught:
        fake.client().list_templates()
    assert caught.value.code == 1201 and caught.value.error_id is None


def test_rate_limit_without_retry_after_backs_off_and_says_nothing_of_waiting(
    fake: Fake8x8,
) -> None:
    fake.fail("GET", *[Fault(429, error_body(1100, "Too many"))] * 5)
    with pytest.raises(RateLimitError) as caught:
        fake.client().list_templates()
    assert caught.value.retry_after is None and "retry after" not in str(caught.value)
    assert len(fake.sleeps) == 4 and all(0 <= s <= 0.05 for s in fake.sleeps)


def test_a_proxy_from_the_environment_is_used_for_8x8_but_not_for_loopback(
    fake: Fake8x8, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    assert fake.client(transport=None)._http._mounts  # the proxy is mounted
    assert not fake.client(transport=None, base_url="http://127.0.0.1:9")._http._mounts


def test_a_failing_look_between_attempts_says_a_create_is_in_doubt(fake: Fake8x8) -> None:
    fake.fail("POST", Fault(error=httpx.ReadError))
    fake.fail("GET", *[Fault(500, error_body(2000, "list down"))] * 5)
    with pytest.raises(ServerError) as caught:
        fake.client().create_template(PAYLOAD)
    assert str(caught.value).startswith(
        "8x8 server error during list templates (after 5 attempts) (checking whether an "
        "unanswered create template 'order_update' (en_US) went through; run plan): list down"
    )
    assert fake.calls("POST") == 1
