"""The sticky plan comment and the drift issue, against an in-memory GitHub (no network)."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import github_api
import pytest
import sticky
from github_api import GitHub, GitHubError

from tests.github.fake_github import API, REPO, FakeGitHub

TOKEN = "ghs_fakeTokenValue0123456789abcdef"
KEY = "acme-api-key-0123456789"
PLAN = "<!-- wa-templates-plan:prod -->\n### wa-templates plan for target prod\n\n2 to create\n"
OTHER_PLAN = "<!-- wa-templates-plan:staging -->\n### wa-templates plan for target staging\n"
DRIFT = (
    "<!-- wa-templates-drift:prod -->\n### wa-templates drift for target prod&#95;eu\n\n"
    "1 out of sync\n"
)
NO_DRIFT = "<!-- wa-templates-drift:prod -->\n### wa-templates drift for target prod\n\nNo drift\n"


@pytest.fixture
def fake() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "pull_request": {
                    "number": 7,
                    "head": {"sha": "abcdef1234567890", "repo": {"full_name": REPO}},
                },
                "repository": {"full_name": REPO},
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    yield {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": API,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_SERVER_URL": "https://github.test",
        "GITHUB_RUN_ID": "42",
        "WA_TEMPLATES_API_KEY": KEY,
        "WA_ACTION_REDACT_ENV": "WA_TEMPLATES_API_KEY",
    }


def _body(tmp_path: Path, text: str) -> str:
    path = tmp_path / "body.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- comment --------------------------------------------------------------------------------


def test_creates_the_comment_when_there_is_none(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    assert sticky.main(["comment", _body(tmp_path, PLAN)], env, fake) == 0
    (created,) = fake.comments[7]
    assert created["body"].startswith(PLAN.rstrip())
    assert "for abcdef1" in created["body"]
    assert "https://github.test/acme/templates/actions/runs/42" in created["body"]


def test_updates_the_comment_in_place_instead_of_adding_another(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    fake.comment(7, "LGTM", login="alice")
    fake.comment(7, OTHER_PLAN)  # another target's comment: left alone
    sticky.main(["comment", _body(tmp_path, PLAN)], env, fake)
    newer = PLAN.replace("2 to create", "3 to create")
    sticky.main(["comment", _body(tmp_path, newer)], env, fake)
    bodies = [c["body"] for c in fake.comments[7]]
    assert len(bodies) == 3
    assert bodies[0] == "LGTM" and bodies[1] == OTHER_PLAN
    assert bodies[2].startswith(newer.rstrip())
    assert [r[0] for r in fake.writes()] == ["POST", "PATCH"]


def test_an_unchanged_plan_is_not_rewritten(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    sticky.main(["comment", _body(tmp_path, PLAN)], env, fake)
    sticky.main(["comment", _body(tmp_path, PLAN)], env, fake)
    assert len(fake.writes()) == 1


def test_finds_its_comment_past_the_first_page(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    for n in range(github_api.PAGE_SIZE + 30):
        fake.comment(7, f"comment {n}", login="bob")
    ours = fake.comment(7, PLAN)
    sticky.main(["comment", _body(tmp_path, PLAN + "more\n")], env, fake)
    assert len(fake.comments[7]) == github_api.PAGE_SIZE + 31
    assert ours["body"].startswith(PLAN + "more")
    assert any("page=2" in r[1] for r in fake.requests)


def test_never_edits_a_persons_comment_that_copies_the_marker(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    spoof = fake.comment(7, PLAN + "\nI wrote this", login="mallory")
    sticky.main(["comment", _body(tmp_path, PLAN)], env, fake)
    assert spoof["body"] == PLAN + "\nI wrote this"
    assert len(fake.comments[7]) == 2


def test_another_account_can_own_the_comment(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    mine = fake.comment(7, PLAN, login="acme-bot[bot]")
    env["WA_ACTION_AUTHOR"] = "acme-bot[bot]"
    sticky.main(["comment", _body(tmp_path, PLAN + "x\n")], env, fake)
    assert len(fake.comments[7]) == 1 and mine["body"].startswith(PLAN + "x")


def test_output_without_a_marker_is_refused_before_any_request(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sticky.main(["comment", _body(tmp_path, "### plan\n")], env, fake) == 1
    assert "does not start with a wa-templates marker" in capsys.readouterr().out
    assert fake.requests == []


def test_outside_a_pull_request_there_is_nothing_to_comment_on(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    event = Path(env["GITHUB_EVENT_PATH"])
    event.write_text(json.dumps({"ref": "refs/heads/main"}), encoding="utf-8")
    assert sticky.main(["comment", _body(tmp_path, PLAN)], env, fake) == 0
    assert fake.requests == []


def test_a_forks_read_only_token_is_a_warning(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text(encoding="utf-8"))
    event["pull_request"]["head"]["repo"]["full_name"] = "someone/templates"
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(event), encoding="utf-8")
    fake.fail_writes = 403
    assert sticky.main(["comment", _body(tmp_path, PLAN)], env, fake) == 0
    assert "::warning title=wa-templates::cannot comment on a fork's PR" in capsys.readouterr().out


def test_a_missing_permission_fails_with_a_hint(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.fail_writes = 403
    assert sticky.main(["comment", _body(tmp_path, PLAN)], env, fake) == 1
    out = capsys.readouterr().out
    assert "GitHub API 403: Resource not accessible by integration" in out
    assert "pull-requests: write" in out


def test_a_body_over_githubs_limit_is_cut_keeping_the_marker(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    sticky.main(["comment", _body(tmp_path, PLAN + "x" * 80_000)], env, fake)
    (posted,) = fake.comments[7]
    assert len(posted["body"]) <= sticky.BODY_LIMIT
    assert posted["body"].startswith(PLAN.split("\n")[0])
    assert "truncated" in posted["body"] and "workflow run" in posted["body"]


def test_a_comment_goes_to_the_pull_request_it_is_given(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    # A plan made again on main: no pull request in the event, the merged one named instead.
    Path(env["GITHUB_EVENT_PATH"]).write_text("{}", encoding="utf-8")
    env["GITHUB_SHA"] = "0123456789abcdef0123"
    assert sticky.main(["comment", _body(tmp_path, PLAN), "9"], env, fake) == 0
    (posted,) = fake.comments[9]
    assert "for 0123456" in posted["body"]


@pytest.mark.parametrize("number", ["x", "0", "-3", ""])
def test_a_pull_request_that_is_not_a_number(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path, number: str
) -> None:
    assert sticky.main(["comment", _body(tmp_path, PLAN), number], env, fake) == 1
    assert fake.requests == []


APPLIED = "<!-- wa-templates-apply:prod -->\n### wa-templates apply for target prod: ✅ applied\n"


def test_the_apply_result_is_kept_in_one_comment_on_the_merged_pull_request(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    fake.comment(12, PLAN)
    assert sticky.main(["result", _body(tmp_path, APPLIED), "12"], env, fake) == 0
    again = APPLIED.replace("✅ applied", "❌ failed")
    assert sticky.main(["result", _body(tmp_path, again), "12"], env, fake) == 0
    plan, result = fake.comments[12]
    assert plan["body"] == PLAN and result["body"].startswith(again.rstrip())


def test_an_apply_result_that_cannot_be_posted_is_a_warning(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The apply has happened; failing the job now would only hide that it succeeded.
    fake.fail_writes = 403
    assert sticky.main(["result", _body(tmp_path, APPLIED), "12"], env, fake) == 0
    assert "::warning title=wa-templates::cannot post the apply result" in capsys.readouterr().out


# --- issue ----------------------------------------------------------------------------------


def test_drift_opens_one_issue_then_updates_it(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    assert sticky.main(["issue", _body(tmp_path, DRIFT), "2"], env, fake) == 0
    (issue,) = fake.issues
    assert issue["title"] == "wa-templates drift for target prod_eu"
    assert issue["body"].startswith(DRIFT.rstrip())
    worse = DRIFT.replace("1 out of sync", "2 out of sync")
    sticky.main(["issue", _body(tmp_path, worse), "2"], env, fake)
    assert len(fake.issues) == 1 and fake.issues[0]["body"].startswith(worse.rstrip())
    sticky.main(["issue", _body(tmp_path, worse), "2"], env, fake)
    assert [r[0] for r in fake.writes()] == ["POST", "PATCH"]  # the same drift: no rewrite


def test_no_drift_closes_the_issue_with_a_comment(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    open_issue = fake.issue(DRIFT)
    assert sticky.main(["issue", _body(tmp_path, NO_DRIFT), "0"], env, fake) == 0
    assert open_issue["state"] == "closed" and open_issue["state_reason"] == "completed"
    (note,) = open_issue["comments_posted"]
    assert "No drift any more" in note and "actions/runs/42" in note


def test_no_drift_and_no_issue_changes_nothing(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    fake.issue(DRIFT.replace("drift:prod", "drift:staging"))
    assert sticky.main(["issue", _body(tmp_path, NO_DRIFT), "0"], env, fake) == 0
    assert fake.writes() == [] and fake.issues[0]["state"] == "open"


def test_drift_after_closing_opens_a_new_issue(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    fake.issue(DRIFT, state="closed")
    sticky.main(["issue", _body(tmp_path, DRIFT), "2"], env, fake)
    assert [i["state"] for i in fake.issues] == ["closed", "open"]


def test_a_failed_check_leaves_the_issue_alone(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    fake.issue(DRIFT)
    assert sticky.main(["issue", _body(tmp_path, ""), "1"], env, fake) == 0
    assert fake.requests == [] and fake.issues[0]["state"] == "open"


def test_pull_requests_and_other_peoples_issues_are_not_the_drift_issue(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path
) -> None:
    pull = fake.issue(DRIFT, pull_request={"url": "x"})
    mine = fake.issue(DRIFT, login="mallory")
    sticky.main(["issue", _body(tmp_path, NO_DRIFT), "0"], env, fake)
    assert pull["state"] == "open" and mine["state"] == "open"
    env["WA_ACTION_AUTHOR"] = "*"  # any author: still never a pull request
    sticky.main(["issue", _body(tmp_path, NO_DRIFT), "0"], env, fake)
    assert pull["state"] == "open" and mine["state"] == "closed"


def test_the_issue_title_can_be_set(fake: FakeGitHub, env: dict[str, str], tmp_path: Path) -> None:
    env["WA_ACTION_ISSUE_TITLE"] = "Templates drifted"
    sticky.main(["issue", _body(tmp_path, DRIFT), "2"], env, fake)
    assert fake.issues[0]["title"] == "Templates drifted"


@pytest.mark.parametrize("code", ["two", ""])
def test_a_bad_exit_code_argument(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path, code: str
) -> None:
    assert sticky.main(["issue", _body(tmp_path, DRIFT), code], env, fake) == 1
    assert fake.requests == []


# --- secrets --------------------------------------------------------------------------------


def test_secrets_never_reach_a_comment_an_issue_or_the_log(
    fake: FakeGitHub, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "wa-templates.toml").write_text(
        '[targets.prod]\napi_key_env = "PROD_KEY"\n', encoding="utf-8"
    )
    env["PROD_KEY"] = "prod-key-from-config-987"
    env.pop("WA_ACTION_REDACT_ENV")
    env["WA_ACTION_REDACT_ENV"] = "WA_TEMPLATES_API_KEY"
    leaky = PLAN + f"token {TOKEN} key {KEY} configured {env['PROD_KEY']}\n"
    sticky.main(["comment", _body(tmp_path, leaky)], env, fake)
    sticky.main(["issue", _body(tmp_path, DRIFT + f"{TOKEN}\n"), "2"], env, fake)
    fake.fail_writes = 500
    sticky.main(["issue", _body(tmp_path, DRIFT + f"{KEY}\n"), "2"], env, fake)
    sent = json.dumps([r[2] for r in fake.requests]) + json.dumps([r[1] for r in fake.requests])
    logged = capsys.readouterr()
    for secret in (TOKEN, KEY, env["PROD_KEY"]):
        assert secret not in sent
        assert secret not in logged.out + logged.err
    assert "token *** key *** configured ***" in fake.comments[7][0]["body"]


def test_an_error_message_echoing_the_token_is_redacted(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def echoing(method: str, url: str, payload: dict[str, Any] | None) -> tuple[int, Any]:
        return 401, {"message": f"Bad credentials: {TOKEN}"}

    assert sticky.main(["comment", _body(tmp_path, PLAN)], env, echoing) == 1
    out = capsys.readouterr().out
    assert "Bad credentials: ***" in out and TOKEN not in out


def test_the_token_and_repository_are_required(
    env: dict[str, str], tmp_path: Path, fake: FakeGitHub
) -> None:
    env.pop("GITHUB_TOKEN")
    assert sticky.main(["comment", _body(tmp_path, PLAN)], env, fake) == 1
    assert fake.requests == []


def test_usage(env: dict[str, str], fake: FakeGitHub) -> None:
    assert sticky.main(["comment"], env, fake) == 64
    assert sticky.main(["issue", "f"], env, fake) == 64
    assert sticky.main(["result", "f"], env, fake) == 64
    assert sticky.main(["comment", "f", "1", "2"], env, fake) == 64
    assert sticky.main([], env, fake) == 64


def test_an_unreadable_body_file(env: dict[str, str], fake: FakeGitHub, tmp_path: Path) -> None:
    assert sticky.main(["comment", str(tmp_path / "missing.md")], env, fake) == 1


# --- the HTTP layer -------------------------------------------------------------------------


class _Response(io.BytesIO):
    status = 200

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_urllib_transport_sends_json_with_the_token_only_in_the_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Any] = []

    def urlopen(request: Any, timeout: float) -> _Response:
        seen.append(request)
        return _Response(b'{"id": 5}')

    monkeypatch.setattr(github_api.urllib.request, "urlopen", urlopen)
    status, data = github_api.urllib_transport(TOKEN)("PATCH", f"{API}/x", {"body": "hi"})
    assert (status, data) == (200, {"id": 5})
    (request,) = seen
    assert request.get_method() == "PATCH" and json.loads(request.data) == {"body": "hi"}
    assert request.get_header("Authorization") == f"Bearer {TOKEN}"
    assert request.get_header("Content-type") == "application/json"
    assert TOKEN not in request.full_url


def test_urllib_transport_returns_http_errors_and_raises_on_no_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(request: Any, timeout: float) -> _Response:
        raise urllib.error.HTTPError(
            request.full_url,
            403,
            "Forbidden",
            {},
            io.BytesIO(b'{"message": "no"}'),  # type: ignore[arg-type]
        )

    monkeypatch.setattr(github_api.urllib.request, "urlopen", forbidden)
    assert github_api.urllib_transport(TOKEN)("GET", f"{API}/x", None) == (403, {"message": "no"})

    def offline(request: Any, timeout: float) -> _Response:
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(github_api.urllib.request, "urlopen", offline)
    with pytest.raises(GitHubError, match="cannot reach the GitHub API") as caught:
        github_api.urllib_transport(TOKEN)("GET", f"{API}/x", None)
    assert caught.value.status == 0 and TOKEN not in str(caught.value)


def test_a_non_list_page_is_an_api_error() -> None:
    gh = GitHub(lambda m, u, p: (200, {"oops": 1}), API, REPO)
    with pytest.raises(GitHubError, match="expected a list"):
        gh.pages("/issues", {})


def test_titles_from_the_first_heading() -> None:
    assert sticky.title_of("<!-- m -->\n### **Drift** on `prod`&#95;x\n", "f") == "Drift on prod_x"
    assert sticky.title_of("no heading", "fallback") == "fallback"
    assert len(sticky.title_of("# " + "a" * 500, "f")) == 200
