"""An in-memory GitHub for the action's helpers: the REST routes they call (comments, issues,
the pull requests of a commit, artifacts and their download), every request recorded. Used in
process as the helpers' transport, or over real HTTP (`serve`) for a run step started as a
subprocess, with artifact downloads redirected to a "storage host" as GitHub does."""

from __future__ import annotations

import io
import json
import re
import threading
import urllib.parse
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from github_api import GitHubError

REPO = "acme/templates"
REPO_ID = 4242
API = "https://api.github.test"
BOT = "github-actions[bot]"


def zipped(files: dict[str, bytes]) -> bytes:
    """An artifact's zip as upload-artifact makes it: the folder's files at the root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@dataclass
class FakeGitHub:
    """The few REST routes the helpers use, kept in memory, with every request recorded."""

    api: str = API
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)
    pulls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """commit SHA -> the pull requests GitHub associates with it."""
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    blobs: dict[int, bytes] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    storage_saw_token: list[bool] = field(default_factory=list)
    download_auth: list[str | None] = field(default_factory=list)
    """The Authorization header of each artifact download request made to the API."""
    fail_writes: int | None = None
    fail_reads: int | None = None
    next_id: int = 1000

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    # --- set-up ---------------------------------------------------------------------------

    def comment(self, number: int, body: str, login: str = BOT) -> dict[str, Any]:
        item = {"id": self._id(), "body": body, "user": {"login": login}}
        self.comments.setdefault(number, []).append(item)
        return item

    def issue(self, body: str, login: str = BOT, **extra: Any) -> dict[str, Any]:
        item = {
            "number": len(self.issues) + 1,
            "title": "t",
            "body": body,
            "state": "open",
            "user": {"login": login},
            **extra,
        }
        self.issues.append(item)
        return item

    def merged(self, number: int, head_sha: str, merge_commit_sha: str) -> None:
        """Pull request `number` (head `head_sha`) merged as `merge_commit_sha`."""
        pull = {
            "number": number,
            "state": "closed",
            "merged_at": "2026-01-02T03:04:05Z",
            "merge_commit_sha": merge_commit_sha,
            "head": {"sha": head_sha, "repo": {"full_name": REPO}},
            "base": {"ref": "main"},
        }
        self.pulls.setdefault(merge_commit_sha, []).append(pull)

    def upload(
        self,
        name: str,
        files: dict[str, bytes] | bytes,
        head_sha: str,
        *,
        run_id: int = 77,
        fork: bool = False,
        expired: bool = False,
        created_at: str = "2026-01-02T03:00:00Z",
    ) -> dict[str, Any]:
        """An artifact uploaded by a workflow run for `head_sha` (from a fork's run: `fork`)."""
        artifact_id = self._id()
        self.blobs[artifact_id] = files if isinstance(files, bytes) else zipped(files)
        artifact = {
            "id": artifact_id,
            "name": name,
            "size_in_bytes": len(self.blobs[artifact_id]),
            "expired": expired,
            "created_at": created_at,
            "workflow_run": {
                "id": run_id,
                "repository_id": REPO_ID,
                "head_repository_id": REPO_ID + 1 if fork else REPO_ID,
                "head_branch": "topic",
                "head_sha": head_sha,
            },
        }
        self.artifacts.append(artifact)
        return artifact

    def writes(self) -> list[tuple[str, str, dict[str, Any] | None]]:
        return [r for r in self.requests if r[0] != "GET"]

    # --- the transport ---------------------------------------------------------------------

    def __call__(self, method: str, url: str, payload: dict[str, Any] | None) -> tuple[int, Any]:
        self.requests.append((method, url, payload))
        parts = urllib.parse.urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == self.api, url
        path = parts.path.removeprefix(f"/repos/{REPO}")
        query = dict(urllib.parse.parse_qsl(parts.query))
        if method != "GET" and self.fail_writes:
            return self.fail_writes, {"message": "Resource not accessible by integration"}
        if method == "GET" and self.fail_reads:
            return self.fail_reads, {"message": "Resource not accessible by integration"}
        if method == "GET":
            return self._get(path, query)
        if match := re.fullmatch(r"/issues/(\d+)/comments", path):
            assert payload is not None
            number = int(match.group(1))
            issue = next((i for i in self.issues if i["number"] == number), None)
            if issue is not None:
                issue.setdefault("comments_posted", []).append(payload["body"])
                return 201, {}
            return 201, self.comment(number, payload["body"])
        if match := re.fullmatch(r"/issues/comments/(\d+)", path):
            assert payload is not None
            for items in self.comments.values():
                for item in items:
                    if item["id"] == int(match.group(1)):
                        item["body"] = payload["body"]
                        return 200, item
            return 404, {"message": "Not Found"}
        if path == "/issues" and method == "POST":
            assert payload is not None
            return 201, self.issue(payload["body"], title=payload["title"])
        if match := re.fullmatch(r"/issues/(\d+)", path):
            assert payload is not None
            issue = self.issues[int(match.group(1)) - 1]
            issue.update(payload)
            return 200, issue
        return 404, {"message": "Not Found"}

    def _get(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        if match := re.fullmatch(r"/commits/([0-9a-f]{40})/pulls", path):
            return 200, self.pulls.get(match.group(1), [])
        if path == "/actions/artifacts":
            found = [a for a in self.artifacts if a["name"] == query.get("name", a["name"])]
            page = self._page(found, query)
            return 200, {"total_count": len(found), "artifacts": page}
        if match := re.fullmatch(r"/issues/(\d+)/comments", path):
            items = self.comments.get(int(match.group(1)), [])
        elif path == "/issues":
            items = [i for i in self.issues if i["state"] == query.get("state", "open")]
            if "creator" in query:
                items = [i for i in items if i["user"]["login"] == query["creator"]]
        else:
            return 404, {"message": "Not Found"}
        return 200, self._page(items, query)

    @staticmethod
    def _page(items: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
        size, page = int(query["per_page"]), int(query["page"])
        return items[(page - 1) * size : page * size]

    def fetch(self, url: str, limit: int) -> bytes:
        """The download side, in process: an artifact's zip by its API URL."""
        self.downloads.append(url)
        match = re.fullmatch(
            rf"{re.escape(self.api)}/repos/{REPO}/actions/artifacts/(\d+)/zip", url
        )
        if not match or int(match.group(1)) not in self.blobs:
            raise GitHubError(404, "Not Found")
        blob = self.blobs[int(match.group(1))]
        if len(blob) > limit:
            raise GitHubError(0, f"the download is larger than {limit:,} bytes")
        return blob


@contextmanager
def serve(fake: FakeGitHub) -> Iterator[str]:
    """`fake` over HTTP on a loopback port; yields the API base URL. An artifact's zip answers
    with a redirect to /storage/, as GitHub's does, which notes whether a token came along."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if match := re.fullmatch(rf"/repos/{REPO}/actions/artifacts/(\d+)/zip", path):
                fake.downloads.append(self.path)
                fake.download_auth.append(self.headers.get("Authorization"))
                self.send_response(302)
                self.send_header("Location", f"{fake.api}/storage/{match.group(1)}?sig=signed")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if match := re.fullmatch(r"/storage/(\d+)", path):
                fake.storage_saw_token.append(self.headers.get("Authorization") is not None)
                self._send(200, fake.blobs[int(match.group(1))], "application/zip")
                return
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length)) if length else None
            status, data = fake(self.command, f"{fake.api}{self.path}", payload)
            self._send(status, json.dumps(data).encode("utf-8"))

        do_GET = do_POST = do_PATCH = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    previous = fake.api
    fake.api = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake.api
    finally:
        fake.api = previous
        server.shutdown()
        server.server_close()
        thread.join()
