"""The upload cache: keyed by target and content, checked before use, and never trusted as input."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from pathlib import Path

import pytest

from tests.apply.fake import FakeProvider
from wa_templates.apply.media import MAX_CACHE_BYTES, UploadCache


class OtherTarget(FakeProvider):
    identity = "https://fake.example account=a channel=OTHER subaccount=s"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "a.png"
    path.write_bytes(b"\x89PNG a")
    return path


def cache_file(tmp_path: Path) -> Path:
    return tmp_path / ".wa-templates" / "uploads.json"


def saved(tmp_path: Path) -> dict[str, dict[str, str]]:
    data = json.loads(cache_file(tmp_path).read_text())
    assert data["version"] == 2
    targets: dict[str, dict[str, str]] = data["targets"]
    return targets


def test_a_url_is_reused_for_the_same_target_and_content(tmp_path: Path, sample: Path) -> None:
    first = FakeProvider()
    url = UploadCache(cache_file(tmp_path)).url_for(sample, first)
    again = FakeProvider()
    assert UploadCache(cache_file(tmp_path)).url_for(sample, again) == url
    assert again.uploads == [] and again.checked == [url]  # checked once, not uploaded


def test_another_target_never_gets_this_targets_url(tmp_path: Path, sample: Path) -> None:
    # The same file on another channel, account, subaccount or API host is another upload:
    # 8x8's file host is per subaccount, and the URL of one must not be sent to another.
    url = UploadCache(cache_file(tmp_path)).url_for(sample, FakeProvider())
    other = OtherTarget()
    UploadCache(cache_file(tmp_path)).url_for(sample, other)
    assert other.uploads == [sample] and other.checked == []  # not even asked about `url`
    assert set(saved(tmp_path)) == {FakeProvider.identity, OtherTarget.identity}
    assert list(saved(tmp_path)[FakeProvider.identity].values()) == [url]


def test_a_cached_url_no_longer_served_is_uploaded_again_and_debug_says_so(
    tmp_path: Path, sample: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = UploadCache(cache_file(tmp_path)).url_for(sample, FakeProvider())
    provider = FakeProvider()
    provider.uploads = [sample]  # so that the new upload gets another URL
    provider.gone.add(url)  # expired on 8x8, or the sandbox was reset
    caplog.set_level(logging.DEBUG, logger="wa_templates.apply.media")
    fresh = UploadCache(cache_file(tmp_path)).url_for(sample, provider)
    assert fresh != url and provider.checked == [url] and len(provider.uploads) == 2
    assert "the cached URL of a.png is no longer served: uploading again" in caplog.text
    assert list(saved(tmp_path)[provider.identity].values()) == [fresh]


def test_a_cached_url_still_served_is_said_so_in_debug(
    tmp_path: Path, sample: Path, caplog: pytest.LogCaptureFixture
) -> None:
    UploadCache(cache_file(tmp_path)).url_for(sample, FakeProvider())
    caplog.set_level(logging.DEBUG, logger="wa_templates.apply.media")
    UploadCache(cache_file(tmp_path)).url_for(sample, FakeProvider())
    assert "a.png is still served at its cached URL: not uploaded" in caplog.text


def test_a_url_is_checked_once_per_run_however_many_templates_use_it(
    tmp_path: Path, sample: Path
) -> None:
    UploadCache(cache_file(tmp_path)).url_for(sample, FakeProvider())
    cache = UploadCache(cache_file(tmp_path))
    provider = FakeProvider()
    for _ in range(3):
        cache.url_for(sample, provider)
    assert len(provider.checked) == 1 and provider.uploads == []


def test_the_cache_file_is_readable_by_its_owner_only(tmp_path: Path, sample: Path) -> None:
    UploadCache(cache_file(tmp_path)).url_for(sample, FakeProvider())
    mode = stat.S_IMODE(cache_file(tmp_path).stat().st_mode)
    assert mode & 0o077 == 0  # the URLs carry 8x8's download tokens


# --- the cache file is input: nothing in it is trusted -------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hostile(tmp_path: Path, content: str | bytes) -> Path:
    path = cache_file(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("not json", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),  # too deep for the parser
        ('{"version": 1}', "not a version 2 upload cache"),
        ('{"fake channel:abc": "https://files.example.com/1/a.png"}', "not a version 2"),
        ("\udcff", "not valid JSON"),
        ("[]", "not a version 2 upload cache"),
    ],
    ids=["text", "deep", "old-version", "version-1-format", "bad-bytes", "a-list"],
)
def test_a_corrupt_cache_is_ignored_with_a_warning_and_replaced(
    tmp_path: Path, sample: Path, caplog: pytest.LogCaptureFixture, content: str, why: str
) -> None:
    data = content.encode("utf-8", "surrogateescape") if content == "\udcff" else content
    path = hostile(tmp_path, data)
    provider = FakeProvider()
    with caplog.at_level(logging.WARNING, logger="wa_templates.apply.media"):
        url = UploadCache(path).url_for(sample, provider)
    assert provider.uploads == [sample]
    assert f"ignoring the upload cache {path} ({why}" in caplog.text
    assert saved(tmp_path) == {provider.identity: {digest(sample): url}}


def test_entries_of_the_wrong_shape_are_dropped_and_the_rest_kept(
    tmp_path: Path, sample: Path
) -> None:
    good = "https://files.example.com/9/a.png"
    other_target = {"f" * 64: "https://files.example.com/7/b.png"}
    entries = {
        FakeProvider.identity: {
            digest(sample): good,
            "not-a-digest": good,
            "e" * 64: 42,
            "d" * 64: "javascript:alert(1)",
            "c" * 64: "https://files.example.com/" + "x" * 5000,
        },
        OtherTarget.identity: other_target,
        "some target": "not a mapping",
    }
    path = hostile(tmp_path, json.dumps({"version": 2, "targets": entries}))
    provider = FakeProvider()
    cache = UploadCache(path)
    assert cache.url_for(sample, provider) == good
    assert provider.uploads == []
    other = tmp_path / "b.png"
    other.write_bytes(b"\x89PNG b")
    fresh = cache.url_for(other, provider)  # an upload: the cache is written back
    assert saved(tmp_path) == {
        FakeProvider.identity: {digest(sample): good, digest(other): fresh},
        OtherTarget.identity: other_target,
    }


def test_a_cached_url_off_the_targets_file_host_is_not_used(tmp_path: Path, sample: Path) -> None:
    # A hand-edited cache pointing elsewhere: the provider does not vouch for it, so the URL
    # is never sent to Meta as this template's sample.
    evil = "https://evil.example/files/a.png?token=x"
    entries = {FakeProvider.identity: {digest(sample): evil}}
    path = hostile(tmp_path, json.dumps({"version": 2, "targets": entries}))
    provider = FakeProvider()
    url = UploadCache(path).url_for(sample, provider)
    assert url != evil and provider.uploads == [sample] and provider.checked == [evil]


def test_an_oversize_cache_is_ignored_without_being_read(
    tmp_path: Path, sample: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = cache_file(tmp_path)
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:  # sparse: no disk used for the hole
        handle.truncate(MAX_CACHE_BYTES + 1)
    with caplog.at_level(logging.WARNING, logger="wa_templates.apply.media"):
        cache = UploadCache(path)
    assert "(over 16 MB)" in caplog.text
    provider = FakeProvider()
    cache.url_for(sample, provider)
    assert provider.uploads == [sample]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_or_a_device_as_the_cache_is_not_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = cache_file(tmp_path)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)  # reading it would wait for a writer forever
    with caplog.at_level(logging.WARNING, logger="wa_templates.apply.media"):
        UploadCache(path)
    assert "(not a regular file)" in caplog.text
    if Path("/dev/zero").exists():
        path.unlink()
        path.symlink_to("/dev/zero")
        with caplog.at_level(logging.WARNING, logger="wa_templates.apply.media"):
            UploadCache(path)  # never reads the endless zeros


def test_a_warning_about_the_cache_never_quotes_its_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = hostile(tmp_path, '{"version": 2, "targets": SECRET-CANARY')
    with caplog.at_level(logging.WARNING, logger="wa_templates.apply.media"):
        UploadCache(path)
    assert "not valid JSON" in caplog.text and "SECRET-CANARY" not in caplog.text
