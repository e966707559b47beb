"""The plan reviewed is the plan applied: a pull request's saved plan, bound to the tree it was
made from, found again when the merge reaches main.

Binding. The PR workflow plans GitHub's test merge of the pull request (refs/pull/N/merge, what
actions/checkout checks out for `pull_request`), saves it with `plan --out`, and uploads it as
the artifact `wa-templates-plan-TARGET-TREE`, TREE being the git tree of that commit. The tree,
not the commit: a squash merge, a merge commit and a rebase all give main a commit whose SHA is
new but whose tree is the test merge's tree, as long as main did not move in between. If it did
(another pull request merged first), the merged tree was never planned, and no plan is found.

Trust. Any workflow run of the repository can upload an artifact with any name, a fork's pull
request run included (its workflow file is the fork's to write). So apply only takes a plan
uploaded by a run of this repository (not a fork) for the merged pull request's head commit, or
for the pushed commit itself (a plan re-made on main after the merge): in both cases the
workflow that made it is code that was reviewed and merged.

Standard library only.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from github_api import Fetch, GitHub, GitHubError

PLAN_FILE = "plan.json"
BINDING_FILE = "binding.json"
BINDING_FORMAT = 1
PREFIX = "wa-templates-plan-"
PLAN_LIMIT = 256 * 1024 * 1024
"""Largest plan accepted from an artifact; a plan of 6,000 names x 2 languages is far smaller.
wa-templates checks the file again when it reads it."""
ZIP_LIMIT = PLAN_LIMIT + 1024 * 1024
BINDING_LIMIT = 64 * 1024


class BindingError(Exception):
    """The checkout cannot be bound to a commit: no git, or changes not in the commit."""


class NoReviewedPlan(Exception):
    """No reviewed plan to apply; the message says why and what to do. Nothing was applied."""

    def __init__(self, message: str, pull_request: PullRequest | None = None) -> None:
        super().__init__(message)
        self.pull_request = pull_request


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    tree: str

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class PullRequest:
    number: int
    head_sha: str


@dataclass(frozen=True, slots=True)
class Reviewed:
    plan: Path
    binding: dict[str, Any]
    pull_request: PullRequest
    artifact_id: int
    run_id: int


# --- the checkout ---------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BindingError(f"git {args[0]} could not run: {exc}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise BindingError(f"{cwd} is not a git checkout of the repository ({reason})")
    return done.stdout


def checked_out(cwd: Path) -> Commit:
    """The commit checked out in `cwd` and its tree, refusing a checkout with changes that are
    not in the commit: a plan is bound to the commit's tree, so it must be made (and applied,
    since media files are read then) from exactly that tree."""
    sha = _git(cwd, "rev-parse", "--verify", "HEAD^{commit}").strip()
    tree = _git(cwd, "rev-parse", "--verify", "HEAD^{tree}").strip()
    changed = _git(cwd, "status", "--porcelain", "--untracked-files=all").splitlines()
    if changed:
        shown = ", ".join(line[3:] for line in changed[:5])
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        raise BindingError(
            f"the checkout has changes that are not in commit {sha[:7]} ({shown}{more}): a plan "
            "is bound to the commit's tree, so it must be made from exactly that tree; run the "
            "action before any step that changes files"
        )
    return Commit(sha, tree)


# --- names ----------------------------------------------------------------------------------


def label(target: str, sandbox: bool) -> str:
    """The target as it appears in artifact names and the apply comment's marker."""
    name = "sandbox" if sandbox else target or "default"
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:60]
    if safe != name:  # still one artifact per target when two names clean up alike
        safe += "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return safe


def artifact_name(target_label: str, tree: str) -> str:
    return f"{PREFIX}{target_label}-{tree}"


# --- the plan side --------------------------------------------------------------------------


def write_binding(
    folder: Path,
    commit: Commit,
    target_label: str,
    pull_request: PullRequest | None,
    env: Mapping[str, str],
) -> None:
    """What the artifact's plan was made from, beside it: apply checks it against the merge."""
    binding = {
        "format": BINDING_FORMAT,
        "target": target_label,
        "commit": commit.sha,
        "tree": commit.tree,
        "pull_request": pull_request.number if pull_request else None,
        "head_sha": pull_request.head_sha if pull_request else None,
        "run_id": env.get("GITHUB_RUN_ID", ""),
        "run_attempt": env.get("GITHUB_RUN_ATTEMPT", ""),
    }
    (folder / BINDING_FILE).write_text(json.dumps(binding, indent=2) + "\n", encoding="utf-8")


def event_pull_request(event: Mapping[str, Any]) -> PullRequest | None:
    pull = event.get("pull_request")
    if not isinstance(pull, dict):
        return None
    number = pull.get("number")
    head = pull.get("head")
    sha = head.get("sha") if isinstance(head, dict) else None
    if isinstance(number, int) and isinstance(sha, str):
        return PullRequest(number, sha)
    return None


# --- the apply side -------------------------------------------------------------------------


def merged_pull_request(gh: GitHub, sha: str) -> PullRequest | None:
    """The pull request whose merge (merge commit, squash or rebase) made commit `sha`."""
    pulls = gh.call("GET", f"/commits/{sha}/pulls")
    for pull in pulls if isinstance(pulls, list) else []:
        if not isinstance(pull, dict) or not pull.get("merged_at"):
            continue
        if pull.get("merge_commit_sha") != sha:
            continue
        found = event_pull_request({"pull_request": pull})
        if found is not None:
            return found
    return None


def rerun_hint(pull: PullRequest) -> str:
    return (
        f"Re-run the PR plan: run the pull-request workflow on main (Actions, Run workflow), "
        f"or re-run the plan job of PR #{pull.number} if main has not moved since the merge; "
        "review the new plan (it is posted on the pull request), then re-run this job."
    )


def _why_not(artifact: Mapping[str, Any], pull: PullRequest, commit: Commit) -> str | None:
    """Why an artifact with the right name is not a plan to apply, or None if it is."""
    run = artifact.get("workflow_run")
    if not isinstance(run, dict):
        return "no workflow run recorded"
    if artifact.get("expired"):
        return "expired"
    if run.get("head_repository_id") != run.get("repository_id"):
        return "uploaded by a run from a fork"
    if run.get("head_sha") not in (pull.head_sha, commit.sha):
        return f"uploaded by a run for commit {str(run.get('head_sha'))[:7]}"
    return None


def choose(
    artifacts: list[dict[str, Any]], pull: PullRequest, commit: Commit, name: str
) -> dict[str, Any]:
    """The newest trustworthy artifact, or NoReviewedPlan saying what was found instead."""
    ignored: list[str] = []
    usable = []
    for artifact in artifacts:
        if artifact.get("name") != name:
            continue
        reason = _why_not(artifact, pull, commit)
        if reason is None:
            usable.append(artifact)
        else:
            ignored.append(f"artifact {artifact.get('id')}: {reason}")
    if usable:
        return max(usable, key=lambda a: (str(a.get("created_at", "")), int(a.get("id") or 0)))
    found = f" Ignored: {'; '.join(ignored)}." if ignored else ""
    raise NoReviewedPlan(
        f"no reviewed plan for the merged tree {commit.tree[:12]} (commit {commit.short}, PR "
        f"#{pull.number}): the plan PR #{pull.number} showed was made for another tree (main "
        "moved after the plan ran, or the pull request was planned before its last push), or "
        f"the plan failed, or its artifact expired.{found} Nothing was applied. "
        + rerun_hint(pull),
        pull,
    )


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValueError(f"it holds no {name}") from None
    if info.file_size > limit:
        raise ValueError(f"its {name} is larger than {limit:,} bytes")
    with archive.open(info) as handle:
        data = handle.read(limit + 1)  # the header's size is the uploader's word
    if len(data) > limit:
        raise ValueError(f"its {name} is larger than {limit:,} bytes")
    return data


def unpack(blob: bytes, dest: Path) -> tuple[Path, dict[str, Any]]:
    """plan.json written to `dest`, and the binding read; only those two names are read from
    the zip, never extracted by the paths it carries."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            plan = _member(archive, PLAN_FILE, PLAN_LIMIT)
            raw = _member(archive, BINDING_FILE, BINDING_LIMIT)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ValueError(f"it is not a readable zip ({exc})") from None
    try:
        binding = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"its {BINDING_FILE} is not JSON") from None
    if not isinstance(binding, dict):
        raise ValueError(f"its {BINDING_FILE} is not an object")
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / PLAN_FILE
    path.write_bytes(plan)
    return path, binding


def check_binding(binding: Mapping[str, Any], commit: Commit, target_label: str) -> None:
    if binding.get("format") != BINDING_FORMAT:
        raise ValueError(f"its binding has format {binding.get('format')!r}, not 1")
    if binding.get("tree") != commit.tree:
        raise ValueError(f"it was made for tree {str(binding.get('tree'))[:12]}")
    if binding.get("target") != target_label:
        raise ValueError(f"it was made for target {binding.get('target')!r}")


def fetch(gh: GitHub, download: Fetch, commit: Commit, target_label: str, dest: Path) -> Reviewed:
    """The reviewed plan for `commit`, downloaded to `dest`, or NoReviewedPlan."""
    pull = merged_pull_request(gh, commit.sha)
    if pull is None:
        raise NoReviewedPlan(
            f"commit {commit.short} was not made by merging a pull request (pushed to main "
            "directly?), so no plan for it was ever reviewed. Nothing was applied: template "
            "changes reach the channel through a pull request whose plan was reviewed."
        )
    name = artifact_name(target_label, commit.tree)
    artifact = choose(
        gh.pages("/actions/artifacts", {"name": name}, "artifacts"), pull, commit, name
    )
    artifact_id = int(artifact["id"])
    try:
        blob = download(gh.url(f"/actions/artifacts/{artifact_id}/zip"), ZIP_LIMIT)
        path, binding = unpack(blob, dest)
        check_binding(binding, commit, target_label)
    except (ValueError, GitHubError) as exc:
        raise NoReviewedPlan(
            f"the plan artifact {name} (id {artifact_id}) cannot be used: {exc}. Nothing was "
            f"applied. {rerun_hint(pull)}",
            pull,
        ) from None
    run_id = int(artifact["workflow_run"].get("id") or 0)
    return Reviewed(path, binding, pull, artifact_id, run_id)
