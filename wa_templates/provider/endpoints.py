"""Where the 8x8 API lives: the regional hosts, and which base URLs we are willing to use."""

from __future__ import annotations

import functools
import ipaddress
import re
import ssl

import httpx

from wa_templates.errors import WaError
from wa_templates.provider import redact

REGIONS = {
    "apac": "https://chatapps.8x8.com",
    "us": "https://chatapps.us.8x8.com",
    "eu": "https://chatapps.8x8.uk",
    "id": "https://chatapps.8x8.id",
}
"""The servers of 8x8's templates OpenAPI, by the region names its docs use."""

_HOST = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$")


def is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    ip = _ip(host)
    return ip is not None and ip.is_loopback


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; https, or http to this machine only.

    The API key travels in a header, so plain http anywhere but loopback would hand it to the
    network; a local sandbox (`wa-templates sandbox serve`) is the one reason to allow http.
    """
    shown = redact.without_password(base_url)  # a password in it is never printed
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as exc:
        # httpx's reason may quote the URL, credentials and all.
        why = "not a URL" if "@" in base_url else redact.scrub(str(exc))
        raise WaError(f"invalid base_url '{shown}': {why}") from None
    valid_host = bool(_HOST.match(url.host)) or _ip(url.host) is not None
    if url.scheme not in ("http", "https") or not valid_host:
        raise WaError(f"invalid base_url '{shown}': expected https://host[:port][/path]")
    if url.scheme == "http" and not is_loopback(url.host):
        raise WaError(
            f"base_url '{shown}' uses plain http: https is required "
            "(http is allowed only for 127.0.0.1, ::1 and localhost)"
        )
    if url.query or url.fragment or url.userinfo:
        raise WaError(f"invalid base_url '{shown}': no query, fragment or credentials allowed")
    return str(url).rstrip("/")


@functools.cache
def tls_context(trust_env: bool) -> ssl.SSLContext:
    """httpx's verifying TLS context (certificates and host names checked; the CA bundle from
    certifi, or SSL_CERT_FILE/SSL_CERT_DIR with `trust_env`), made once per process: loading
    the bundle costs about as much CPU as parsing a 300-template list, and a run over many
    targets opens a client per target."""
    return httpx.create_ssl_context(verify=True, trust_env=trust_env)
