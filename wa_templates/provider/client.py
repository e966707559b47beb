"""The 8x8 templates API over httpx: list, create, delete by name, and media upload.

Every request can fail in transit, so each is retried on connection errors, 429 and 5xx with
backoff (`retry.RetryPolicy`). Create is the one call that is not safe to repeat blindly: if its
answer was lost, or a 5xx came back, the template may exist anyway. Before sending it again the
client lists the channel: the same content there means the create went through; other content
means something else holds the name; absent means it is safe to send again.

The sandbox is reached through this same class with its transport swapped, so the code that
talks to 8x8 is the code the sandbox tests exercise.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from wa_templates import __version__
from wa_templates.channel.remote import ChannelTemplate, ListShapeError, parse_list
from wa_templates.errors import WaError
from wa_templates.provider import answers, compare, redact
from wa_templates.provider.answers import error_body, json_body
from wa_templates.provider.base import CreatePayload, Deleted
from wa_templates.provider.endpoints import check_base_url, is_loopback, tls_context
from wa_templates.provider.errors import (
    CODE_ALREADY_EXISTS,
    CODE_TEMPLATE_BEING_DELETED,
    CODE_TEMPLATE_NOT_FOUND,
    CODE_UNAUTHORIZED,
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
from wa_templates.provider.files import hosted_file, uploaded_url
from wa_templates.provider.retry import (
    RetryPolicy,
    retryable_status,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""Connect fast or fail; a create or an upload may take a while to answer."""

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures before the request left this machine: resending cannot duplicate anything."""
_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_HEADER_SAFE = re.compile(r"^[\x21-\x7e]+$")
_EXISTS = re.compile(r"already exist|duplicate", re.IGNORECASE)
_NOT_FOUND_CODES = (None, 1300, CODE_TEMPLATE_NOT_FOUND)

Failure = httpx.Response | httpx.TransportError
"""What a failed attempt left behind: an error response, or no response at all."""


class Client:
    """A `Provider` for one account + channel of the 8x8 templates API."""

    def __init__(
        self,
        *,
        base_url: str,
        account_id: str,
        channel_id: str,
        api_key: str,
        subaccount_id: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        description: str | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.account_id = account_id
        self.channel_id = channel_id
        self.subaccount_id = subaccount_id
        self.description = description or self.base_url
        self.identity = (
            f"{self.base_url} account={account_id} channel={channel_id} "
            f"subaccount={subaccount_id or '-'}"
        )
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        key = api_key.strip()
        if not key:
            raise WaError("the API key is empty")
        if not _HEADER_SAFE.match(key):
            # Never echo it: the message would put the key in a terminal or a CI log.
            raise WaError("the API key contains spaces or control characters (a stray newline?)")
        redact.register(key)
        redact.install()  # upload tokens are masked even where the key is too short to be
        trust_env = not is_loopback(httpx.URL(self.base_url).host)
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {key}",
                "Accept": "application/json",
                "User-Agent": f"wa-templates/{__version__}",
            },
            transport=transport,
            timeout=timeout,
            verify=tls_context(trust_env),
            follow_redirects=False,
            # A proxy from HTTPS_PROXY is right for 8x8, never for a sandbox on this machine.
            trust_env=trust_env,
        )
        self._templates = (
            f"/api/v1/accounts/{quote(account_id, safe='')}"
            f"/channels/{quote(channel_id, safe='')}/templates"
        )

    def __repr__(self) -> str:
        return (
            f"Client(base_url={self.base_url!r}, account_id={self.account_id!r}, "
            f"channel_id={self.channel_id!r}, api_key='{redact.MASK}')"
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- the Provider operations -----------------------------------------------------------

    def list_templates(self) -> list[ChannelTemplate]:
        action = "list templates"
        response = self._call(action, lambda: self._http.build_request("GET", self._templates))
        if not response.is_success:
            raise self._error(response, action)
        status, data = response.status_code, json_body(response)
        del response  # a full channel's answer is 10 MB: parsed, it is not needed again
        templates = data.get("templates") if isinstance(data, dict) else None
        try:
            if not isinstance(templates, list):
                raise ListShapeError('expected {"templates": [...]}')
            return parse_list(_let_go(templates))
        except ListShapeError as exc:
            raise ResponseError(
                status, None, str(exc), None, summary=f"unexpected answer to {action}"
            ) from None

    def create_template(self, payload: CreatePayload) -> None:
        name, language = str(payload.get("name")), str(payload.get("language"))
        action = f"create template '{name}' ({language})"
        policy = self.retry
        uncertain = False  # the last attempt may have created it: look before resending
        ever_uncertain = False
        failure: Failure | None = None
        attempt = 0
        while attempt < policy.max_attempts:
            attempt += 1
            if uncertain:
                if self._look(payload, name, language, action):
                    return
                uncertain = False
            retry_after: float | None = None
            try:
                response = self._send(
                    self._http.build_request("POST", self._templates, json=payload)
                )
            except _RETRYABLE as exc:
                failure = exc
                uncertain = not isinstance(exc, _NOT_SENT)
            except httpx.TransportError as exc:
                raise self._transport_error(action, exc, "") from None
            else:
                if response.is_success:
                    return
                if not retryable_status(response.status_code):
                    error = self._error(response, action, name, language)
                    # "Already exists": made by our own lost attempt, or by an apply of the same
                    # change running at the same time. Either way, the same content is done.
                    if isinstance(error, TemplateExistsError) and (
                        self._look(payload, name, language, action)
                        if ever_uncertain
                        else self._created_despite_failures(payload, name, language)
                    ):
                        return
                    raise error
                failure = response
                retry_after = answers.retry_after(response)
                # A 5xx may come after the template was stored; a 429 is refused up front.
                uncertain = response.status_code >= 500
            ever_uncertain = ever_uncertain or uncertain
            if attempt < policy.max_attempts and not self._pause(action, attempt, retry_after):
                break
        if uncertain and self._created_despite_failures(payload, name, language):
            return
        assert failure is not None
        raise self._exhausted(action, failure, attempt, maybe_done=ever_uncertain)

    def delete_template(self, name: str) -> Deleted:
        action = f"delete template '{name}'"
        path = f"{self._templates}/{quote(name, safe='')}"
        response = self._call(action, lambda: self._http.build_request("DELETE", path))
        if response.is_success:
            return Deleted.DELETED
        code = error_body(response)[0]
        # "Being deleted" (3060) to a delete means it is done, as "not found" does: deleted by
        # someone else, or by our own first attempt whose answer was lost.
        if code == CODE_TEMPLATE_BEING_DELETED:
            return Deleted.BEING_DELETED
        if code == CODE_TEMPLATE_NOT_FOUND or (
            response.status_code == 404 and code in _NOT_FOUND_CODES
        ):
            return Deleted.ALREADY_GONE
        raise self._error(response, action, name)

    def upload_file(self, path: Path) -> str:
        if not self.subaccount_id:
            raise WaError(
                f"cannot upload {path}: the target has no subaccount_id (files go to a subaccount)"
            )
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise WaError(f"{path}: cannot read: {exc.strerror or exc}") from None
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        action = f"upload {path.name}"
        url = f"/api/v1/subaccounts/{quote(self.subaccount_id, safe='')}/files"

        def build() -> httpx.Request:
            files = {"file": (path.name, content, mime)}
            return self._http.build_request("POST", url, files=files)

        response = self._call(action, build)
        if not response.is_success:
            raise self._error(response, action)
        return self._file_url(response, action)

    def file_served(self, url: str) -> bool:
        """Whether `url` from `upload_file` still serves its file: one byte asked, none read.

        No API key is sent (the URL's token is the file host's credential), and a URL off this
        API's own file host (a cache file can say anything) is never requested: not served.
        """
        target = hosted_file(url, self.base_url)
        if target is None:
            log.debug("a cached upload URL is not on %s: not requested", self.base_url)
            return False

        def build() -> httpx.Request:
            request = self._http.build_request("GET", target, headers={"Range": "bytes=0-0"})
            del request.headers["Authorization"]
            return request

        try:
            response = self._call(f"check upload {target.path}", build, stream=True)
        except ApiError as exc:
            log.debug("cannot check a cached upload (%s): taken as not served", exc)
            return False
        response.close()
        # 416: the range is past the end of an empty file, which is there all the same.
        return response.is_success or response.status_code == 416

    # --- requests and retries --------------------------------------------------------------

    def _send(self, request: httpx.Request, stream: bool = False) -> httpx.Response:
        started = time.perf_counter()
        try:
            # Redirects are followed only where no key is sent (a stream: the file host).
            response = self._http.send(request, stream=stream, follow_redirects=stream)
        except httpx.TransportError as exc:
            elapsed = (time.perf_counter() - started) * 1000
            log.debug("%s %s -> %s (%.0f ms)", request.method, request.url, _name(exc), elapsed)
            raise
        elapsed = (time.perf_counter() - started) * 1000
        log.debug(
            "%s %s -> %d (%.0f ms)", request.method, request.url, response.status_code, elapsed
        )
        if not stream:
            _unbind(response)
        return response

    def _call(
        self, action: str, build: Callable[[], httpx.Request], stream: bool = False
    ) -> httpx.Response:
        """The first answer that is not worth retrying; for requests that are safe to repeat.

        With `stream`, the body is not read: the caller closes the response."""
        policy = self.retry
        failure: Failure | None = None
        attempt = 0
        while attempt < policy.max_attempts:
            attempt += 1
            retry_after: float | None = None
            try:
                response = self._send(build(), stream)
            except _RETRYABLE as exc:
                failure = exc
            except httpx.TransportError as exc:
                raise self._transport_error(action, exc, "") from None
            else:
                if not retryable_status(response.status_code):
                    return response
                if stream:
                    response.read()  # the error body, for the message if this is the last try
                failure = response
                retry_after = answers.retry_after(response)
            if attempt < policy.max_attempts and not self._pause(action, attempt, retry_after):
                break
        assert failure is not None
        raise self._exhausted(action, failure, attempt)

    def _pause(self, action: str, attempt: int, retry_after: float | None) -> bool:
        """Wait before the next attempt; False when the server asks for too long a wait."""
        wait = self.retry.wait(attempt, retry_after)
        if wait is None:
            return False
        log.debug(
            "retrying %s in %.2f s (attempt %d of %d)",
            action,
            wait,
            attempt + 1,
            self.retry.max_attempts,
        )
        self._sleep(wait)
        return True

    def _look(self, payload: CreatePayload, name: str, language: str, action: str) -> bool:
        """`compare.already_created` between attempts; a failing list says what was at stake."""
        try:
            return compare.already_created(self.list_templates, payload)
        except TemplateConflictError:
            raise
        except ApiError as exc:
            exc.annotate(f" (checking whether an unanswered {action} went through; run plan)")
            raise

    def _created_despite_failures(self, payload: CreatePayload, name: str, language: str) -> bool:
        """The look after the last attempt (or 8x8's "already exists"); a failing list must not
        hide the create's own error."""
        try:
            return compare.already_created(self.list_templates, payload)
        except TemplateConflictError:
            raise
        except ApiError:
            return False

    # --- turning answers into results and errors -------------------------------------------

    def _file_url(self, response: httpx.Response, action: str) -> str:
        url = uploaded_url(response.headers.get("Location"), json_body(response), self.base_url)
        if url is None:
            raise ResponseError(
                response.status_code,
                None,
                "no Location header and no fileName/token",
                None,
                summary=f"unexpected answer to {action}",
            )
        return url

    def _error(
        self,
        response: httpx.Response,
        action: str,
        name: str | None = None,
        language: str | None = None,
        note: str = "",
    ) -> ApiError:
        """The exception for an error answer; `note` is appended to its summary."""
        status = response.status_code
        code, message, error_id = error_body(response)
        args = (status, code, message, error_id)
        if status == 401 or code == CODE_UNAUTHORIZED:
            summary = f"API key rejected for account {self.account_id}{note}"
            return AuthError(*args, summary=summary)
        if name is not None and (code == CODE_TEMPLATE_BEING_DELETED or status == 409):
            summary = (
                f"name locked after deletion: '{name}' cannot be registered again until Meta "
                f"releases it (up to 30 days after the delete; pick another name){note}"
            )
            return NameLockedError(*args, summary=summary)
        if status == 429:
            summary = f"rate limited during {action}{note}"
            return RateLimitError(*args, summary=summary, retry_after=answers.retry_after(response))
        if status >= 500:
            return ServerError(*args, summary=f"8x8 server error during {action}{note}")
        exists = code == CODE_ALREADY_EXISTS or _EXISTS.search(message)
        if name is not None and language is not None and exists:
            summary = f"template '{name}' ({language}) already exists on the channel{note}"
            return TemplateExistsError(*args, summary=summary)
        if status == 404 and name is None:
            summary = (
                f"not found during {action}: check account_id {self.account_id} "
                f"and channel_id {self.channel_id}{note}"
            )
            return ApiError(*args, summary=summary)
        return ApiError(*args, summary=f"8x8 refused {action}{note}")

    def _exhausted(
        self, action: str, failure: Failure, attempts: int, maybe_done: bool = False
    ) -> ApiError:
        note = f" (after {attempts} attempt{'s' if attempts != 1 else ''})"
        if maybe_done:
            note += "; it may have been created anyway: run plan to see"
        if isinstance(failure, httpx.TransportError):
            return self._transport_error(action, failure, note)
        return self._error(failure, action, note=note)

    def _transport_error(self, action: str, exc: httpx.TransportError, note: str) -> TransportError:
        detail = redact.scrub(" ".join(str(exc).split()))[:300]
        message = f"{_name(exc)}: {detail}" if detail else _name(exc)
        return TransportError(message, summary=f"no answer from {self.base_url} to {action}{note}")


def _unbind(response: httpx.Response) -> None:
    """Let a read answer go as soon as nothing refers to it.

    httpx binds a response's stream back to the response (to set `elapsed` when it closes): a
    reference cycle, which only the cyclic collector frees. Plan pauses that collector until it
    is done (`rules.check.collector_paused`), so a full channel's list answer, 10 MB of bytes,
    stayed in memory through the whole plan, at its peak. Read and closed, the body is in
    `content` and the stream has nothing left to give: an empty one in its place (as httpx
    itself gives an unpickled response) breaks the cycle.
    """
    if response.is_closed:
        response.stream = httpx.ByteStream(b"")


def _let_go(items: list[Any]) -> Iterator[Any]:
    """The items in order, each dropped from the list as it is handed out: decoded, a full
    channel's items take about 40 MB, which can go while their parsed forms are made."""
    for index in range(len(items)):
        item, items[index] = items[index], None
        yield item


def _name(exc: BaseException) -> str:
    return type(exc).__name__
