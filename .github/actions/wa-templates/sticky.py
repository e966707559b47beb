"""One pull-request comment per plan target, and one issue per drift target, kept up to date.

    python sticky.py comment BODY_FILE            # plan: create or update the PR's comment
    python sticky.py issue BODY_FILE EXIT_CODE    # drift: open/update the issue, or close it

Both are found again by the hidden marker on the first line of the body wa-templates printed
(`<!-- wa-templates-plan:TARGET -->`, `<!-- wa-templates-drift:TARGET -->`), and only among
those written by the action's own account (`WA_ACTION_AUTHOR`, github-actions[bot] for the
default token): anyone can post a comment starting with a marker, and the action must not
rewrite a person's comment.

Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL and the run's ids from
the environment. Standard library only; the HTTP layer is one function a test can replace.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redaction

DEFAULT_AUTHOR = "github-actions[bot]"
BODY_LIMIT = 65_536
"""GitHub refuses a comment or issue body longer than this."""
PAGE_SIZE = 100
MAX_PAGES = 30
"""3,000 comments or open issues: far past any real pull request, and a bound on a bad loop."""
MARKER = re.compile(r"^<!-- wa-templates-[a-z]+(?::[^\s<>]+)? -->$")

Transport = Callable[[str, str, dict[str, Any] | None], tuple[int, Any]]
"""(method, url, JSON payload) -> (HTTP status, decoded JSON body or None)."""


class GitHubError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub API {status}: {message}" if status else message)
        self.status = status


def urllib_transport(token: str, timeout: float = 30.0) -> Transport:
    def send(method: str, url: str, payload: dict[str, Any] | None) -> tuple[int, Any]:
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", "wa-templates-action")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _decode(exc.read())
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GitHubError(0, f"cannot reach the GitHub API: {reason}") from None

    return send


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

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        status, data = self.transport(method, f"{self.api}/repos/{self.repository}{path}", payload)
        if status >= 400:
            message = data.get("message") if isinstance(data, dict) else None
            raise GitHubError(status, str(message or "request failed"))
        return data

    def pages(self, path: str, query: Mapping[str, str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            params = urllib.parse.urlencode({**query, "per_page": PAGE_SIZE, "page": page})
            batch = self.call("GET", f"{path}?{params}")
            if not isinstance(batch, list):
                raise GitHubError(200, f"expected a list from {path}")
            items.extend(item for item in batch if isinstance(item, dict))
            if len(batch) < PAGE_SIZE:
                break
        return items


# --- bodies ---------------------------------------------------------------------------------


def marker_of(body: str) -> str:
    """The body's first line when it is a wa-templates marker, else an error: without one the
    comment or issue could never be found again, and every run would add another."""
    first = body.lstrip().split("\n", 1)[0].strip()
    if not MARKER.match(first):
        raise ValueError(
            "the output does not start with a wa-templates marker line; "
            "was it made with --format markdown?"
        )
    return first


def is_ours(item: Mapping[str, Any], marker: str, author: str) -> bool:
    body = item.get("body")
    user = item.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    if author != "*" and login != author:
        return False
    return isinstance(body, str) and body.lstrip().split("\n", 1)[0].strip() == marker


def fit(body: str, footer: str) -> str:
    """Body plus footer within GitHub's limit, cutting the body (never the marker) if needed."""
    tail = f"\n\n{footer}\n" if footer else "\n"
    body = body.rstrip()
    if len(body) + len(tail) <= BODY_LIMIT:
        return body + tail
    note = "\n\n…truncated to fit a GitHub comment: the full report is in the job summary."
    return body[: BODY_LIMIT - len(tail) - len(note)] + note + tail


def title_of(body: str, fallback: str) -> str:
    """The report's first heading, as plain text, for the issue's title."""
    for line in body.splitlines():
        if line.startswith("#"):
            text = html.unescape(line.lstrip("#").strip())
            text = re.sub(r"[*`]", "", text)  # bold and code marks; _ is in names
            text = " ".join(text.split())
            if text:
                return text[:200]
    return fallback


# --- comment --------------------------------------------------------------------------------


def upsert_comment(gh: GitHub, number: int, body: str, author: str) -> str:
    """Update the PR's comment with this body's marker in place, or create it: one per target."""
    marker = marker_of(body)
    for comment in gh.pages(f"/issues/{number}/comments", {}):
        if is_ours(comment, marker, author):
            if comment.get("body") == body:
                return "unchanged"
            gh.call("PATCH", f"/issues/comments/{comment['id']}", {"body": body})
            return "updated"
    gh.call("POST", f"/issues/{number}/comments", {"body": body})
    return "created"


# --- issue ----------------------------------------------------------------------------------


def find_issue(gh: GitHub, marker: str, author: str) -> dict[str, Any] | None:
    query = {"state": "open"} if author == "*" else {"state": "open", "creator": author}
    for issue in gh.pages("/issues", query):
        # The issues list includes pull requests; a PR is never the drift issue.
        if "pull_request" not in issue and is_ours(issue, marker, author):
            return issue
    return None


def sync_issue(
    gh: GitHub, body: str, exit_code: int, author: str, title: str, closing_note: str
) -> str:
    """Drift (exit 2): create or update the open issue. No drift (exit 0): close it, saying
    why. Anything else (the check failed): leave it alone, since nothing is known."""
    if exit_code not in (0, 2):
        return "skipped"
    marker = marker_of(body)
    issue = find_issue(gh, marker, author)
    if exit_code == 0:
        if issue is None:
            return "none"
        gh.call("POST", f"/issues/{issue['number']}/comments", {"body": closing_note})
        gh.call(
            "PATCH", f"/issues/{issue['number']}", {"state": "closed", "state_reason": "completed"}
        )
        return "closed"
    if issue is None:
        gh.call("POST", "/issues", {"title": title, "body": body})
        return "created"
    if issue.get("body") == body and issue.get("title") == title:
        return "unchanged"
    gh.call("PATCH", f"/issues/{issue['number']}", {"title": title, "body": body})
    return "updated"


# --- entry point ----------------------------------------------------------------------------


def run_url(env: Mapping[str, str]) -> str:
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    repository = env.get("GITHUB_REPOSITORY", "")
    run_id = env.get("GITHUB_RUN_ID", "")
    return f"{server}/{repository}/actions/runs/{run_id}" if run_id else ""


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}


def comment_footer(event: Mapping[str, Any], env: Mapping[str, str]) -> str:
    pull = event.get("pull_request") or {}
    sha = str((pull.get("head") or {}).get("sha") or env.get("GITHUB_SHA", ""))[:7]
    url = run_url(env)
    parts = [f"for {sha}" if sha else "", f"[workflow run]({url})" if url else ""]
    shown = " · ".join(p for p in parts if p)
    return f"<sub>Updated by wa-templates {shown}</sub>" if shown else ""


def _is_fork(event: Mapping[str, Any]) -> bool:
    pull = event.get("pull_request") or {}
    head = ((pull.get("head") or {}).get("repo") or {}).get("full_name")
    base = (event.get("repository") or {}).get("full_name")
    return bool(head and base and head != base)


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    transport: Transport | None = None,
) -> int:
    env = os.environ if env is None else env
    args = list(sys.argv[1:] if argv is None else argv)
    mode = args[0] if args else ""
    if not ((mode == "comment" and len(args) == 2) or (mode == "issue" and len(args) == 3)):
        print("usage: sticky.py comment BODY_FILE | issue BODY_FILE EXIT_CODE", file=sys.stderr)
        return 64
    token = env.get("GITHUB_TOKEN", "")
    repository = env.get("GITHUB_REPOSITORY", "")
    if not token or not repository:
        print("::error title=wa-templates action::GITHUB_TOKEN and GITHUB_REPOSITORY are needed")
        return 1
    secrets = redaction.secret_values(env, Path.cwd(), env.get("WA_ACTION_REDACT_ENV", "").split())
    try:
        body = redaction.redact(Path(args[1]).read_text(encoding="utf-8"), secrets)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"::error title=wa-templates action::cannot read {args[1]}: {exc}")
        return 1
    gh = GitHub(
        transport or urllib_transport(token),
        env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
        repository,
    )
    author = env.get("WA_ACTION_AUTHOR", "").strip() or DEFAULT_AUTHOR
    event = _event(env)
    try:
        if mode == "comment":
            return _comment(gh, event, env, body, author, secrets)
        return _issue(gh, env, body, args[2], author, secrets)
    except ValueError as exc:
        print(f"::error title=wa-templates action::{redaction.redact(str(exc), secrets)}")
        return 1
    except GitHubError as exc:
        message = redaction.redact(str(exc), secrets)
        if mode == "comment" and exc.status in (403, 404) and _is_fork(event):
            # A pull request from a fork gets a read-only token: the summary still has the plan.
            print(f"::warning title=wa-templates::cannot comment on a fork's PR ({message})")
            return 0
        hint = (
            " (does the job grant `pull-requests: write` / `issues: write`?)"
            if exc.status in (403, 404)
            else ""
        )
        print(f"::error title=wa-templates action::{message}{hint}")
        return 1


def _comment(
    gh: GitHub,
    event: Mapping[str, Any],
    env: Mapping[str, str],
    body: str,
    author: str,
    secrets: Sequence[str],
) -> int:
    number = (event.get("pull_request") or {}).get("number")
    if not isinstance(number, int):
        print("::notice title=wa-templates::not a pull request: no comment to post")
        return 0
    text = redaction.redact(fit(body, comment_footer(event, env)), secrets)
    print(f"PR #{number}: comment {upsert_comment(gh, number, text, author)}")
    return 0


def _issue(
    gh: GitHub,
    env: Mapping[str, str],
    body: str,
    code: str,
    author: str,
    secrets: Sequence[str],
) -> int:
    try:
        exit_code = int(code)
    except ValueError:
        print(f"::error title=wa-templates action::exit code {code!r} is not a number")
        return 1
    url = run_url(env)
    note = "No drift any more" + (f" ([workflow run]({url}))" if url else "") + ": closing."
    title = env.get("WA_ACTION_ISSUE_TITLE", "").strip() or title_of(body, "wa-templates drift")
    text = redaction.redact(fit(body, ""), secrets)
    print(f"drift issue: {sync_issue(gh, text, exit_code, author, title, note)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
