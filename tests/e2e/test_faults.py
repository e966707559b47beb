"""Apply through a flaky network: 20% 500s (then 429s) and 5% dropped connections.

Converges in a few runs with no template created twice and nothing deleted that the plan did not
mean to delete. Half of the sandbox's drops happen after the request was carried out, so this is
also the test of a create whose answer was lost.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ACCOUNT, CHANNEL, Project, Sandbox, simple, start

pytestmark = pytest.mark.e2e

OTP = "Your verification code is {{{{1}}}}, number {i}, valid for ten minutes."


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Sandbox]:
    yield from start(tmp_path, rng=random.Random(20240501))


def converge(project: Project, concurrency: int = 6, runs: int = 5) -> int:
    """Apply until it succeeds; how many runs it took."""
    for attempt in range(1, runs + 1):
        outcome = project.run("apply", "--auto-approve", "--concurrency", str(concurrency))
        assert "Traceback" not in outcome.err
        if outcome.code == 0:
            return attempt
        assert outcome.code == 1, outcome.out + outcome.err
    raise AssertionError(f"apply did not converge in {runs} runs")


def retries(caplog: pytest.LogCaptureFixture, answer: str) -> int:
    """How many requests got `answer` (the faults really happened)."""
    return sum(answer in record.getMessage() for record in caplog.records)


def created_at(sandbox: Sandbox) -> dict[tuple[str, str], str]:
    channel = sandbox.state().existing_channel(ACCOUNT, CHANNEL)
    assert channel is not None
    return {(t.name, t.language): t.created_at.isoformat() for t in channel.templates}


def test_faults_converge_without_duplicates_or_unintended_deletes(
    project: Project, seeded: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="wa_templates.provider")
    sandbox = seeded
    project.configure(sandbox.url)
    for i in range(6):
        project.write(f"keep_{i}", simple(f"keep_{i}", body=f"Hello {{{{1}}}}, keeper {i} here."))
    for i in range(2):
        project.write(f"fix_{i}", simple(f"fix_{i}", body=OTP.format(i=i)))
    for i in range(2):
        sandbox.create(f"outsider_{i}", text=f"Hello {{{{1}}}}, outsider {i} is here.")
    assert project.run("apply", "--auto-approve").code == 0
    assert {sandbox.status(f"fix_{i}") for i in range(2)} == {"REJECTED"}
    before = created_at(sandbox)
    creations = sandbox.creations()

    # Phase 1: server errors and dropped connections; new names, and two recreates.
    expected_creates = 0
    for i in range(16):
        es = f"Hola {{{{1}}}}, plantilla {i} en camino." if i % 2 else None
        project.write(
            f"new_{i:02d}",
            simple(f"new_{i:02d}", body=f"Hello {{{{1}}}}, template {i} is on its way.", es=es),
        )
        expected_creates += 2 if es else 1
    for i in range(2):
        project.write(f"fix_{i}", simple(f"fix_{i}", body=f"Hello {{{{1}}}}, fixed {i} now."))
        expected_creates += 1
    sandbox.faults(error_rate=0.2, error_status=500, drop_rate=0.05)
    converge(project)
    assert retries(caplog, "-> 500") and retries(caplog, "RemoteProtocolError")
    caplog.clear()

    # Phase 2: rate-limit answers instead of server errors.
    sandbox.faults(error_rate=0.2, error_status=429, drop_rate=0.05)
    for i in range(8):
        project.write(f"later_{i}", simple(f"later_{i}", body=f"Hi {{{{1}}}}, later one {i} here."))
        expected_creates += 1
    converge(project)
    assert retries(caplog, "-> 429")

    # Phase 3: many dropped connections, one request at a time so the seeded faults fall on
    # the same requests every run: some creates are carried out and their answer lost.
    sandbox.faults(drop_rate=0.3)
    for i in range(8):
        project.write(f"lost_{i}", simple(f"lost_{i}", body=f"Hi {{{{1}}}}, answer {i} was lost."))
        expected_creates += 1
    converge(project, concurrency=1)
    assert retries(caplog, "listed with the content sent")
    assert project.run("apply", "--auto-approve").code == 0  # twice: a no-op, faults or not

    sandbox.faults()
    assert project.run("plan", "--detailed-exitcode").code == 0
    after = created_at(sandbox)
    # Nothing created twice: every successful create is counted by the channel.
    assert sandbox.creations() == creations + expected_creates
    # Nothing deleted that was not meant to be: keepers and outsiders are the originals.
    for key, moment in before.items():
        if not key[0].startswith("fix_"):
            assert after.get(key) == moment, key
    assert {("outsider_0", "en_US"), ("outsider_1", "en_US")} <= set(after)
    assert len(after) == len(before) + expected_creates - 2  # fix_* replaced, not added
