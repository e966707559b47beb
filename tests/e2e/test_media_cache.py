"""Over HTTP: a cached upload the channel no longer serves is uploaded again, and `--debug` says
so and shows no token."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.apply.test_media import MEDIA
from tests.e2e.conftest import Project, Sandbox
from tests.e2e.test_operations import stored_components

pytestmark = pytest.mark.e2e


def with_media(linked: Project) -> None:
    (linked.templates / "media").mkdir()
    (linked.templates / "media" / "banner.png").write_bytes(b"\x89PNG\r\n\x1a\n banner")
    linked.write("spring_sale", MEDIA.format(name="spring_sale", sample="media/banner.png"))


def tokens(sandbox: Sandbox) -> set[str]:
    return {stored.token for stored in sandbox.state().files.values()}


def test_after_a_sandbox_reset_apply_uploads_again_and_the_sample_is_served(
    linked: Project, sandbox: Sandbox
) -> None:
    with_media(linked)
    first = linked.run("apply", "--auto-approve")
    assert first.code == 0, first.out + first.err
    old_tokens = tokens(sandbox)
    assert len(old_tokens) == 1
    assert sandbox.http.post("/_sandbox/reset").status_code == 200  # files and templates gone

    again = linked.spawn("--debug", "apply", "--auto-approve")
    assert again.code == 0, again.out + again.err
    assert "the cached URL of banner.png is no longer served: uploading again" in again.err
    sample = stored_components(sandbox, "spring_sale")[0]["examples"][0]
    assert httpx.get(sample).status_code == 200  # the header sample Meta gets is served
    new_tokens = tokens(sandbox)
    assert len(new_tokens) == 1 and new_tokens != old_tokens
    shown = again.out + again.err
    assert "token=***" in shown  # the check and its URL were logged, masked
    assert not [token for token in old_tokens | new_tokens if token in shown]


def test_a_cached_upload_still_served_is_reused_and_debug_says_so(
    linked: Project, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    with_media(linked)
    assert linked.run("apply", "--auto-approve").code == 0
    linked.write("summer_sale", MEDIA.format(name="summer_sale", sample="media/banner.png"))
    caplog.set_level(logging.DEBUG)
    again = linked.run("--debug", "apply", "--auto-approve")
    assert again.code == 0, again.out + again.err
    assert "banner.png is still served at its cached URL: not uploaded" in caplog.text
    assert len(sandbox.state().files) == 1
    [token] = tokens(sandbox)
    assert token not in caplog.text + again.out + again.err
