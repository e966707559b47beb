"""Finding the reviewed plan of a merge: real git repositories merged the three ways GitHub
merges, the pull request and its artifacts as GitHub's API answers them (in memory)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import reviewed_plan
from github_api import GitHub, GitHubError, urllib_fetch
from reviewed_plan import BindingError, Commit, NoReviewedPlan, PullRequest

from tests.github.fake_github import REPO, FakeGitHub, serve, zipped
from tests.github.git_repo import MERGE_METHODS, Repo

PLAN = b'{"format_version": "1.0", "resource_changes": []}\n'
LABEL = "prod"
TOKEN = "ghs_downloadToken0123456789"


class PullRequestScenario:
    """main with one template; a pull request adding another; its test merge planned."""

    def __init__(self, tmp_path: Path) -> None:
        self.repo = Repo(tmp_path / "repo")
        self.repo.commit("base", {"templates/a.yaml": "name: a\n", "README.md": "hello\n"})
        self.repo.branch("topic")
        self.head = self.repo.commit("add b", {"templates/b.yaml": "name: b\n"})
        self.planned = self.repo.test_merge(self.head)
        self.repo.checkout(self.planned)
        self.commit = reviewed_plan.checked_out(self.repo.path)
        self.pull = PullRequest(12, self.head)
        self.fake = FakeGitHub()
        self.gh = GitHub(self.fake, self.fake.api, REPO)

    def files(self, commit: Commit | None = None, **binding: Any) -> dict[str, bytes]:
        """The artifact the plan step uploads: plan.json and binding.json."""
        folder = self.repo.path.parent / "artifact"
        folder.mkdir(exist_ok=True)
        reviewed_plan.write_binding(folder, commit or self.commit, LABEL, self.pull, {})
        data = json.loads((folder / reviewed_plan.BINDING_FILE).read_text(encoding="utf-8"))
        data.update(binding)
        return {"plan.json": PLAN, "binding.json": json.dumps(data).encode()}

    def upload(self, commit: Commit | None = None, head: str | None = None, **kw: Any) -> None:
        tree = (commit or self.commit).tree
        name = reviewed_plan.artifact_name(LABEL, tree)
        self.fake.upload(name, self.files(commit), head or self.head, **kw)

    def merge(self, method: str = "squash") -> Commit:
        merged = self.repo.merge(method, self.head)
        self.fake.merged(self.pull.number, self.head, merged)
        return reviewed_plan.checked_out(self.repo.path)

    def fetch(self, commit: Commit) -> reviewed_plan.Reviewed:
        dest = self.repo.path.parent / "downloaded"
        return reviewed_plan.fetch(self.gh, self.fake.fetch, commit, LABEL, dest)


@pytest.fixture
def pr(tmp_path: Path) -> PullRequestScenario:
    return PullRequestScenario(tmp_path)


# --- squash and merge commits ---------------------------------------------------------------


@pytest.mark.parametrize("method", MERGE_METHODS)
def test_every_merge_method_gives_main_the_planned_tree_under_a_new_sha(
    pr: PullRequestScenario, method: str
) -> None:
    pr.upload()
    merged = pr.merge(method)
    assert merged.sha not in (pr.head, pr.planned)
    assert merged.tree == pr.commit.tree
    reviewed = pr.fetch(merged)
    assert reviewed.plan.read_bytes() == PLAN
    assert reviewed.pull_request == pr.pull
    assert reviewed.binding["commit"] == pr.planned and reviewed.binding["head_sha"] == pr.head


@pytest.mark.parametrize("touched", ["templates/c.yaml", "README.md"])
@pytest.mark.parametrize("method", MERGE_METHODS)
def test_main_moved_after_the_plan_so_the_merged_tree_was_never_planned(
    pr: PullRequestScenario, method: str, touched: str
) -> None:
    pr.upload()
    pr.repo.checkout("main")
    pr.repo.git("checkout", "-q", "main")
    pr.repo.commit("someone else's merge", {touched: "changed meanwhile\n"})
    merged = pr.merge(method)
    assert merged.tree != pr.commit.tree
    with pytest.raises(NoReviewedPlan) as caught:
        pr.fetch(merged)
    message = str(caught.value)
    assert "no reviewed plan for the merged tree" in message and "main moved" in message
    assert "Nothing was applied" in message and "Re-run the PR plan" in message
    assert caught.value.pull_request == pr.pull
    assert pr.fake.downloads == []


def test_a_plan_made_again_on_main_after_the_merge_is_the_one_applied(
    pr: PullRequestScenario,
) -> None:
    pr.upload()
    pr.repo.git("checkout", "-q", "main")
    pr.repo.commit("someone else's merge", {"templates/c.yaml": "name: c\n"})
    merged = pr.merge()
    # `Run workflow` on the pull-request workflow for main: a run for the pushed commit itself.
    pr.upload(merged, head=merged.sha, run_id=78)
    assert pr.fetch(merged).run_id == 78


def test_a_commit_pushed_to_main_without_a_pull_request(pr: PullRequestScenario) -> None:
    pr.upload()
    pr.repo.git("checkout", "-q", "main")
    pr.repo.git("merge", "-q", "--no-ff", "-m", "merged by hand", pr.head)
    pushed = reviewed_plan.checked_out(pr.repo.path)
    # The pull request is associated with the commit (it contains the head), not merged as it.
    pr.fake.pulls[pushed.sha] = [
        {"number": 12, "merged_at": None, "merge_commit_sha": "0" * 40, "head": {"sha": pr.head}}
    ]
    with pytest.raises(NoReviewedPlan, match="not made by merging a pull request") as caught:
        pr.fetch(pushed)
    assert caught.value.pull_request is None


# --- which artifacts are trusted ------------------------------------------------------------


def test_only_this_repositorys_runs_for_the_merged_head_or_the_merge_are_trusted(
    pr: PullRequestScenario,
) -> None:
    pr.upload(fork=True, run_id=1)  # a fork's pull request run can upload any name
    pr.upload(head="f" * 40, run_id=2)  # a run for some other commit (another branch)
    pr.upload(expired=True, run_id=3)
    merged = pr.merge()
    with pytest.raises(NoReviewedPlan) as caught:
        pr.fetch(merged)
    message = str(caught.value)
    assert "uploaded by a run from a fork" in message
    assert "uploaded by a run for commit fffffff" in message and "expired" in message
    assert pr.fake.downloads == []
    pr.upload(run_id=4, created_at="2026-01-02T04:00:00Z")
    pr.upload(run_id=5, created_at="2026-01-02T05:00:00Z")  # a re-run of the plan: the newest
    assert pr.fetch(merged).run_id == 5


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"binding": {"tree": "0" * 40}}, "it was made for tree 000000000000"),
        ({"binding": {"target": "staging"}}, "it was made for target 'staging'"),
        ({"binding": {"format": 2}}, "its binding has format 2, not 1"),
        ({"drop": "plan.json"}, "it holds no plan.json"),
        ({"drop": "binding.json"}, "it holds no binding.json"),
        ({"raw_binding": b"[1, 2"}, "its binding.json is not JSON"),
        ({"raw_binding": b"[1, 2]"}, "its binding.json is not an object"),
        ({"blob": b"not a zip at all"}, "it is not a readable zip"),
    ],
    ids=[
        "other-tree",
        "other-target",
        "format",
        "no-plan",
        "no-binding",
        "bad-json",
        "list",
        "zip",
    ],
)
def test_an_artifact_that_does_not_hold_what_it_claims_is_refused(
    pr: PullRequestScenario, files: dict[str, Any], reason: str
) -> None:
    content = pr.files(**files.get("binding", {}))
    if "drop" in files:
        content.pop(files["drop"])
    if "raw_binding" in files:
        content["binding.json"] = files["raw_binding"]
    name = reviewed_plan.artifact_name(LABEL, pr.commit.tree)
    pr.fake.upload(name, files.get("blob") or content, pr.head)
    with pytest.raises(NoReviewedPlan, match="cannot be used") as caught:
        pr.fetch(pr.merge())
    assert reason in str(caught.value) and "Nothing was applied" in str(caught.value)


def test_an_oversized_plan_is_refused_before_it_is_written(
    pr: PullRequestScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    pr.upload()
    monkeypatch.setattr(reviewed_plan, "PLAN_LIMIT", len(PLAN) - 1)
    with pytest.raises(NoReviewedPlan, match=r"its plan\.json is larger than"):
        pr.fetch(pr.merge())
    assert not (pr.repo.path.parent / "downloaded" / "plan.json").exists()


def test_only_the_two_names_are_read_from_the_zip(pr: PullRequestScenario) -> None:
    content = pr.files()
    content["../../escape.txt"] = b"x"
    pr.fake.upload(reviewed_plan.artifact_name(LABEL, pr.commit.tree), content, pr.head)
    reviewed = pr.fetch(pr.merge())
    assert sorted(p.name for p in reviewed.plan.parent.iterdir()) == ["plan.json"]
    assert not (pr.repo.path.parent.parent / "escape.txt").exists()


def test_an_api_refusal_is_raised_for_the_caller_to_explain(pr: PullRequestScenario) -> None:
    merged = pr.merge()
    pr.fake.fail_reads = 403
    with pytest.raises(GitHubError, match="403"):
        pr.fetch(merged)


# --- the checkout ---------------------------------------------------------------------------


def test_a_checkout_with_changes_is_not_bound_to_its_commit(pr: PullRequestScenario) -> None:
    (pr.repo.path / "templates" / "a.yaml").write_text("name: changed\n", encoding="utf-8")
    (pr.repo.path / "templates" / "new.yaml").write_text("name: new\n", encoding="utf-8")
    with pytest.raises(BindingError, match="changes that are not in commit") as caught:
        reviewed_plan.checked_out(pr.repo.path)
    assert "templates/a.yaml" in str(caught.value) and "templates/new.yaml" in str(caught.value)


def test_ignored_files_do_not_count_as_changes(pr: PullRequestScenario) -> None:
    pr.repo.commit("ignore state", {".gitignore": ".wa-templates/\n"})
    (pr.repo.path / ".wa-templates").mkdir()
    (pr.repo.path / ".wa-templates" / "sandbox.json").write_text("{}", encoding="utf-8")
    assert reviewed_plan.checked_out(pr.repo.path).sha == pr.repo.head()


def test_not_a_git_checkout(tmp_path: Path) -> None:
    with pytest.raises(BindingError, match="is not a git checkout"):
        reviewed_plan.checked_out(tmp_path)


# --- names ----------------------------------------------------------------------------------


def test_labels_and_artifact_names() -> None:
    assert reviewed_plan.label("prod", False) == "prod"
    assert reviewed_plan.label("", True) == "sandbox"
    assert reviewed_plan.label("", False) == "default"
    odd = {reviewed_plan.label(name, False) for name in ("eu west", "eu_west", "eu/west")}
    assert len(odd) == 3 and all(" " not in n and "/" not in n for n in odd)
    assert reviewed_plan.artifact_name("prod", "a" * 40) == f"wa-templates-plan-prod-{'a' * 40}"


def test_the_binding_records_what_the_plan_was_made_from(tmp_path: Path) -> None:
    commit = Commit("1" * 40, "2" * 40)
    env = {"GITHUB_RUN_ID": "9", "GITHUB_RUN_ATTEMPT": "2"}
    reviewed_plan.write_binding(tmp_path, commit, "prod", PullRequest(3, "4" * 40), env)
    assert json.loads((tmp_path / "binding.json").read_text(encoding="utf-8")) == {
        "format": 1,
        "target": "prod",
        "commit": "1" * 40,
        "tree": "2" * 40,
        "pull_request": 3,
        "head_sha": "4" * 40,
        "run_id": "9",
        "run_attempt": "2",
    }


# --- the download ---------------------------------------------------------------------------


def test_the_download_follows_githubs_redirect_without_the_token(tmp_path: Path) -> None:
    fake = FakeGitHub()
    artifact = fake.upload("x", {"plan.json": PLAN}, "a" * 40)
    with serve(fake) as api:
        blob = urllib_fetch(TOKEN)(
            f"{api}/repos/{REPO}/actions/artifacts/{artifact['id']}/zip", 10**6
        )
        assert blob == zipped({"plan.json": PLAN})
        # The API got the token; the storage host the redirect pointed to did not.
        assert fake.download_auth == [f"Bearer {TOKEN}"]
        assert fake.storage_saw_token == [False]
        with pytest.raises(GitHubError, match="larger than 10 bytes"):
            urllib_fetch(TOKEN)(f"{api}/repos/{REPO}/actions/artifacts/{artifact['id']}/zip", 10)
        with pytest.raises(GitHubError, match="404"):
            urllib_fetch(TOKEN)(f"{api}/repos/{REPO}/nothing", 10)
