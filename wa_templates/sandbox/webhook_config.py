"""8x8's Webhook Configuration API on `/api/v1/accounts/{accountId}/webhooks`, as its OpenAPI
subset (webhooks-api.json) defines it.

- GET lists the account's webhooks; `httpAuthorization` and an OAuth `clientSecret` come back as
  `***`.
- POST creates or replaces: each item is identified by (subAccountId, type); an item without
  `type` sets both CADR and MSG, as 8x8 documents. A replaced webhook takes exactly the new item
  (what it leaves out returns to its default). The whole request is checked before anything is
  stored: one bad item changes nothing. 200 with an empty body.
- DELETE removes the items named by (subAccountId, type), without `type` CADR and MSG; `*`
  names the subaccount-wide webhook, not every webhook. Removing what is not there is no error.

Beyond the schema, the sandbox refuses (400) what would leave delivery undefined: a url that is
not an absolute http(s) URL, both `httpAuthorization` and `oauth` on one item, the same
(subAccountId, type) twice in one request, keys the schema does not define.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from wa_templates.sandbox import errors as codes
from wa_templates.sandbox.endpoints import SUBACCOUNT_ID
from wa_templates.sandbox.errors import ApiError
from wa_templates.sandbox.records import WEBHOOK_TYPES, OAuth, Webhook, account_key
from wa_templates.sandbox.state import SandboxState

T = TypeVar("T")
MASK = "***"
MAX_URL_LENGTH = 2048
_DEFAULT_TYPES = ("CADR", "MSG")
_WEBHOOK_KEYS = ("subAccountId", "url", "httpAuthorization", "enabled", "type", "oauth")
_DELETE_KEYS = ("subAccountId", "type")
_OAUTH_KEYS = ("url", "clientId", "clientSecret", "credentialsLocation", "scope")
_CREDENTIALS_LOCATIONS = ("header", "body")


def listed(state: SandboxState, account_id: str) -> list[dict[str, Any]]:
    return [_shown(hook) for hook in state.webhooks.get(account_key(account_id), [])]


def replace(state: SandboxState, account_id: str, body: Any) -> None:
    wanted = _checked(body, _WEBHOOK_KEYS, _webhooks)
    hooks = state.webhooks.setdefault(account_key(account_id), [])
    for hook in wanted:
        index = _index(hooks, hook.sub_account_id, hook.type)
        if index is None:
            hooks.append(hook)
        else:
            hooks[index] = hook


def remove(state: SandboxState, account_id: str, body: Any) -> None:
    doomed = _checked(body, _DELETE_KEYS, _targets)
    key = account_key(account_id)
    kept = [
        hook
        for hook in state.webhooks.get(key, [])
        if (hook.sub_account_id, hook.type) not in doomed
    ]
    if kept:
        state.webhooks[key] = kept
    else:
        state.webhooks.pop(key, None)


def _shown(hook: Webhook) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "type": hook.type,
        "subAccountId": hook.sub_account_id,
        "url": hook.url,
        "enabled": hook.enabled,
    }
    if hook.http_authorization:
        shown["httpAuthorization"] = MASK
    if hook.oauth is not None:
        oauth: dict[str, Any] = {
            "url": hook.oauth.url,
            "clientId": hook.oauth.client_id,
            "clientSecret": MASK,
            "credentialsLocation": hook.oauth.credentials_location,
        }
        if hook.oauth.scope is not None:
            oauth["scope"] = hook.oauth.scope
        shown["oauth"] = oauth
    return shown


def _index(hooks: list[Webhook], sub_account_id: str, kind: str) -> int | None:
    for index, hook in enumerate(hooks):
        if (hook.sub_account_id, hook.type) == (sub_account_id, kind):
            return index
    return None


def _bad(where: str, message: str, code: int = codes.INVALID_PARAMETER) -> ApiError:
    return ApiError(400, code, f"Invalid parameter '{where}': {message}")


def _checked(body: Any, keys: tuple[str, ...], read: Callable[[list[dict[str, Any]]], T]) -> T:
    if not isinstance(body, list) or not body:
        raise ApiError(
            400, codes.INVALID_PARAMETER, "Invalid request: the body must be a non-empty array"
        )
    for index, item in enumerate(body):
        if not isinstance(item, dict):
            raise _bad(f"[{index}]", "expected an object")
        unknown = sorted(set(item) - set(keys))
        if unknown:
            raise _bad(f"[{index}].{unknown[0]}", f"unknown; allowed: {', '.join(keys)}")
    return read(body)


def _webhooks(body: list[dict[str, Any]]) -> list[Webhook]:
    out: list[Webhook] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(body):
        where = f"[{index}]"
        sub_account_id = _sub_account(item, where)
        url = _url(item.get("url"), f"{where}.url")
        authorization = _optional_text(item, "httpAuthorization", where)
        enabled = item.get("enabled", True)
        if not isinstance(enabled, bool):
            raise _bad(f"{where}.enabled", "expected a boolean")
        oauth = _oauth(item.get("oauth"), f"{where}.oauth") if "oauth" in item else None
        if authorization and oauth is not None:
            raise _bad(where, "give either httpAuthorization or oauth, not both")
        for kind in _types(item, where):
            if (sub_account_id, kind) in seen:
                raise _bad(where, f"the {kind} webhook of '{sub_account_id}' is given twice")
            seen.add((sub_account_id, kind))
            out.append(
                Webhook(
                    type=kind,
                    sub_account_id=sub_account_id,
                    url=url,
                    enabled=enabled,
                    http_authorization=authorization,
                    oauth=oauth,
                )
            )
    return out


def _targets(body: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (_sub_account(item, f"[{index}]"), kind)
        for index, item in enumerate(body)
        for kind in _types(item, f"[{index}]")
    }


def _sub_account(item: dict[str, Any], where: str) -> str:
    value = item.get("subAccountId")
    if value is None:
        raise _bad(f"{where}.subAccountId", "required")
    if not isinstance(value, str) or (value != "*" and not SUBACCOUNT_ID.match(value)):
        raise ApiError(400, codes.ILLEGAL_SUBACCOUNT, f"Illegal SubAccountId {value!r}")
    return value


def _types(item: dict[str, Any], where: str) -> tuple[str, ...]:
    kind = item.get("type")
    if kind is None:
        return _DEFAULT_TYPES
    if kind not in WEBHOOK_TYPES:
        raise _bad(f"{where}.type", f"{kind!r} is not one of {', '.join(WEBHOOK_TYPES)}")
    return (kind,)


def _url(value: Any, where: str) -> str:
    if value is None:
        raise _bad(where, "required")
    if not isinstance(value, str) or not value or len(value) > MAX_URL_LENGTH:
        raise _bad(where, f"expected a URL of at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(char.isspace() for char in value)
    ):
        raise _bad(where, f"{value!r} is not an absolute http(s) URL")
    return value


def _optional_text(item: dict[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(f"{where}.{key}", "expected a string")
    return value or None


def _oauth(value: Any, where: str) -> OAuth:
    if not isinstance(value, dict):
        raise _bad(where, "expected an object")
    unknown = sorted(set(value) - set(_OAUTH_KEYS))
    if unknown:
        raise _bad(f"{where}.{unknown[0]}", f"unknown; allowed: {', '.join(_OAUTH_KEYS)}")
    for key in ("clientId", "clientSecret", "credentialsLocation"):
        if not isinstance(value.get(key), str) or not value[key]:
            raise _bad(f"{where}.{key}", "required, a non-empty string")
    if value["credentialsLocation"] not in _CREDENTIALS_LOCATIONS:
        raise _bad(
            f"{where}.credentialsLocation",
            f"{value['credentialsLocation']!r} is not one of {', '.join(_CREDENTIALS_LOCATIONS)}",
        )
    return OAuth(
        url=_url(value.get("url"), f"{where}.url"),
        client_id=value["clientId"],
        client_secret=value["clientSecret"],
        credentials_location=value["credentialsLocation"],
        scope=_optional_text(value, "scope", where),
    )
