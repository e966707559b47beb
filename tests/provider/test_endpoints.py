from __future__ import annotations

import ssl

import pytest

from wa_templates.errors import WaError
from wa_templates.provider.endpoints import REGIONS, check_base_url, is_loopback, tls_context


def test_regions_are_the_openapi_servers() -> None:
    assert REGIONS == {
        "apac": "https://chatapps.8x8.com",
        "us": "https://chatapps.us.8x8.com",
        "eu": "https://chatapps.8x8.uk",
        "id": "https://chatapps.8x8.id",
    }


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://chatapps.8x8.com", "https://chatapps.8x8.com"),
        ("https://chatapps.8x8.com/", "https://chatapps.8x8.com"),
        ("https://proxy.example/8x8/", "https://proxy.example/8x8"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.5.6.7", "http://127.5.6.7"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
        ("http://localhost:1234", "http://localhost:1234"),
        ("http://LOCALHOST", "http://localhost"),
    ],
)
def test_accepted_base_urls(url: str, clean: str) -> None:
    assert check_base_url(url) == clean


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://chatapps.8x8.com", "https is required"),
        ("http://10.0.0.1", "https is required"),
        ("http://localhost.evil.com", "https is required"),
        ("ftp://chatapps.8x8.com", "expected https://host"),
        ("chatapps.8x8.com", "expected https://host"),
        ("https://", "expected https://host"),
        ("https://user:pw@host.example", "no query, fragment or credentials"),
        ("https://host.example/?x=1", "no query, fragment or credentials"),
        ("https://exa mple.com", "invalid base_url"),
        ("https://exa\x00mple.com", "invalid base_url 'https://exa\x00mple.com': Invalid"),
    ],
)
def test_refused_base_urls(url: str, message: str) -> None:
    with pytest.raises(WaError, match=message):
        check_base_url(url)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("10.1.1.1", False),
        ("example.com", False),
        ("::2", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_clients_share_one_verifying_tls_context() -> None:
    # Loading the CA bundle is made once per process, not once per target's client; what is
    # shared still checks certificates and host names.
    context = tls_context(True)
    assert context is tls_context(True)
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    loopback = tls_context(False)
    assert loopback.verify_mode is ssl.CERT_REQUIRED and loopback.check_hostname


@pytest.mark.parametrize(
    "url",
    [
        "http://user:s3cretpw@example.com",
        "https://user:s3cretpw@example.com/v1",
        "http://u:s3cretpw@[",
    ],
)
def test_a_password_in_a_refused_base_url_is_never_printed(url: str) -> None:
    with pytest.raises(WaError) as caught:
        check_base_url(url)
    assert "s3cretpw" not in str(caught.value)
    assert "base_url" in str(caught.value)
