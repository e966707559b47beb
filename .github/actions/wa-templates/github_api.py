"""The few GitHub REST calls the action's helpers make, over urllib.

Standard library only, like the other helpers. The HTTP layer is two functions a test can
replace: `Transport` for JSON requests and `Fetch` for downloads (an artifact's zip).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

PAGE_SIZE = 100
MAX_PAGES = 30
"""3,000 items: far past any real pull request's comments or a commit's artifacts, and a bound
on a bad loop."""

Transport = Callable[[str, str, dict[str, Any] | None], tuple[int, Any]]
"""(method, url, JSON payload) -> (HTTP status, decoded JSON body or None)."""
Fetch = Callable[[str, int], bytes]
"""(url, most bytes to accept) -> the body; raises GitHubError on an HTTP error or more bytes."""

_HEADERS = {
    "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "User-Agent": "wa-templates-action",
}


class GitHubError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub API {status}: {message}" if status else message)
        self.status = status


def urllib_transport(token: str, timeout: float = 30.0) -> Transport:
    def send(method: str, url: str, payload: dict[str, Any] | None) -> tuple[int, Any]:
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        for name, value in _HEADERS.items():
            request.add_header(name, value)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _decode(exc.read())
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise _unreachable(exc) from None

    return send


def urllib_fetch(token: str, timeout: float = 120.0) -> Fetch:
    def fetch(url: str, limit: int) -> bytes:
        request = urllib.request.Request(url, method="GET")
        # Unredirected: GitHub answers an artifact download with a redirect to a signed storage
        # URL, which is the credential there; the token must not travel to another host.
        request.add_unredirected_header("Authorization", f"Bearer {token}")
        for name, value in _HEADERS.items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body: bytes = response.read(limit + 1)
        except urllib.error.HTTPError as exc:
            data = _decode(exc.read())
            message = data.get("message") if isinstance(data, dict) else None
            raise GitHubError(exc.code, str(message or "download failed")) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise _unreachable(exc) from None
        if len(body) > limit:
            raise GitHubError(0, f"the download is larger than {limit:,} bytes")
        return body

    return fetch


def _unreachable(exc: Exception) -> GitHubError:
    reason = getattr(exc, "reason", exc)
    return GitHubError(0, f"cannot reach the GitHub API: {reason}")


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


@dataclass
class GitHub:
    transport: Transport
    api: str
    repository: str

    def url(self, path: str) -> str:
        return f"{self.api}/repos/{self.repository}{path}"

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        status, data = self.transport(method, self.url(path), payload)
        if status >= 400:
            message = data.get("message") if isinstance(data, dict) else None
            raise GitHubError(status, str(message or "request failed"))
        return data

    def pages(
        self, path: str, query: Mapping[str, str], key: str | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a paged list; `key` names the list inside an object answer (the
        artifacts endpoint answers {"total_count": N, "artifacts": [...]})."""
        items: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            params = urllib.parse.urlencode({**query, "per_page": PAGE_SIZE, "page": page})
            answer = self.call("GET", f"{path}?{params}")
            batch = answer.get(key) if key is not None and isinstance(answer, dict) else answer
            if not isinstance(batch, list):
                raise GitHubError(200, f"expected a list from {path}")
            items.extend(item for item in batch if isinstance(item, dict))
            if len(batch) < PAGE_SIZE:
                break
        return items


def load_event(env: Mapping[str, str]) -> dict[str, Any]:
    """The workflow run's event payload (GITHUB_EVENT_PATH), or {} when there is none."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            event = json.load(handle)
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}
