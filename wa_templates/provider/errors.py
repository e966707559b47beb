"""What the 8x8 API (or the way to it) refused, as exceptions the CLI prints as one line.

8x8 answers every failure with `{code, message, errorId, timestamp}` (api-error-codes.md); the
exceptions keep code, message and errorId so a user can quote the errorId to 8x8 support.
No text here ever includes the API key: the client scrubs server-supplied text before it gets
here (a server that echoes the bad key back must not leak it into CI logs).
"""

from __future__ import annotations

from wa_templates.errors import WaError

CODE_UNAUTHORIZED = 1200
CODE_TEMPLATE_NOT_FOUND = 3038
CODE_TEMPLATE_BEING_DELETED = 3060
CODE_ALREADY_EXISTS = 1005
"""8x8 documents no code for a duplicate name + language; the sandbox answers 1005 (see its
README), and real 8x8's wording is matched by message as well."""


class ApiError(WaError):
    """The API answered with an error status (or, for `TransportError`, not at all)."""

    def __init__(
        self,
        status: int | None,
        code: int | None,
        message: str,
        error_id: str | None,
        *,
        summary: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.error_id = error_id
        self.summary = summary or "8x8 refused the request"
        super().__init__(self._text())

    def annotate(self, note: str) -> None:
        """Add context to the one line the CLI prints (`add_note` shows only in tracebacks)."""
        self.summary += note
        self.args = (self._text(),)

    def _text(self) -> str:
        facts = [f"HTTP {self.status}"] if self.status is not None else []
        if self.code is not None:
            facts.append(f"code {self.code}")
        if self.error_id:
            facts.append(f"errorId {self.error_id}")
        detail = f": {self.message}" if self.message else ""
        where = f" ({', '.join(facts)})" if facts else ""
        return f"{self.summary}{detail}{where}"


class AuthError(ApiError):
    """401 / code 1200: the key is wrong, revoked, or belongs to another account."""


class NameLockedError(ApiError):
    """409 / code 3060: Meta keeps a deleted name (per language) locked for up to 30 days."""


class RateLimitError(ApiError):
    """429 after the retries ran out (or a Retry-After longer than we are willing to wait)."""

    def __init__(
        self,
        status: int | None,
        code: int | None,
        message: str,
        error_id: str | None,
        *,
        summary: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(status, code, message, error_id, summary=summary)

    def _text(self) -> str:
        text = super()._text()
        if self.retry_after is not None:
            text += f"; the API asks to retry after {self.retry_after:g} s"
        return text


class TemplateExistsError(ApiError):
    """The name + language is already registered on the channel."""


class TemplateConflictError(TemplateExistsError):
    """A create whose answer was lost: the name + language now exists with other content."""


class ServerError(ApiError):
    """5xx after the retries ran out."""


class TransportError(ApiError):
    """No answer at all (connection refused or dropped, timeout) after the retries ran out."""

    def __init__(self, message: str, *, summary: str | None = None) -> None:
        super().__init__(None, None, message, None, summary=summary or "cannot reach the 8x8 API")


class ResponseError(ApiError):
    """A success status with a body this client cannot understand."""
