"""One pull-request comment per plan target, and one issue per drift target, kept up to date.

    python sticky.py comment BODY_FILE [PR]       # plan: create or update the PR's comment
    python sticky.py result BODY_FILE PR          # apply: the same for the merged PR's result
    python sticky.py issue BODY_FILE EXIT_CODE    # drift: open/update the issue, or close it

Each is found again by the hidden marker on the first line of its body
(`<!-- wa-templates-plan:TARGET -->`, `<!-- wa-templates-apply:TARGET -->`,
`<!-- wa-templates-drift:TARGET -->`), and only among
those written by the action's own account (`WA_ACTION_AUTHOR`, github-actions[bot] for the
default token): anyone can post a comment starting with a marker, and the action must not
rewrite a person's comment.

Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL and the run's ids from
the environment. Standard library only; the HTTP layer (github_api) is one function a test can
replace.
"""

from __future__ import annotations

import html
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import redaction
from github_api import GitHub, GitHubError, Transport, load_event, urllib_transport

DEFAULT_AUTHOR = "github-actions[bot]"
BODY_LIMIT = 65_536
"""GitHub refuses a comment or issue body longer than this."""
MARKER = re.compile(r"^<!-- wa-templates-[a-z]+(?::[^\s<>]+)? -->$")


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
    counts = {"comment": (2, 3), "result": (3,), "issue": (3,)}
    if len(args) not in counts.get(mode, ()):
        print(
            "usage: sticky.py comment BODY_FILE [PR] | result BODY_FILE PR "
            "| issue BODY_FILE EXIT_CODE",
            file=sys.stderr,
        )
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
    event = load_event(env)
    try:
        if mode == "issue":
            return _issue(gh, env, body, args[2], author, secrets)
        number = _number(args[2]) if len(args) == 3 else _event_number(event)
        if number is None:
            print("::notice title=wa-templates::not a pull request: no comment to post")
            return 0
        text = redaction.redact(fit(body, comment_footer(event, env)), secrets)
        print(f"PR #{number}: comment {upsert_comment(gh, number, text, author)}")
        return 0
    except ValueError as exc:
        print(f"::error title=wa-templates action::{redaction.redact(str(exc), secrets)}")
        return 1
    except GitHubError as exc:
        message = redaction.redact(str(exc), secrets)
        if mode == "comment" and exc.status in (403, 404) and _is_fork(event):
            # A pull request from a fork gets a read-only token: the summary still has the plan.
            print(f"::warning title=wa-templates::cannot comment on a fork's PR ({message})")
            return 0
        if mode == "result":
            # The apply has happened either way; its result is in the job summary.
            print(f"::warning title=wa-templates::cannot post the apply result ({message})")
            return 0
        hint = (
            " (does the job grant `pull-requests: write` / `issues: write`?)"
            if exc.status in (403, 404)
            else ""
        )
        print(f"::error title=wa-templates action::{message}{hint}")
        return 1


def _number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"pull request {value!r} is not a number")
    return int(value)


def _event_number(event: Mapping[str, Any]) -> int | None:
    number = (event.get("pull_request") or {}).get("number")
    return number if isinstance(number, int) else None


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
