"""A small httpx client for the followup API (the CLI's remote mode uses it)."""

from __future__ import annotations

from typing import Any

import httpx

from models import FollowupError


class ApiError(FollowupError):
    """The API refused or could not be reached; the message is the API's own reason."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FollowupClient:
    """Every request has a timeout; the token goes in a header and never in a message."""

    def __init__(self, base_url: str, token: str | None, *, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout,
                                 transport=transport)

    def __enter__(self) -> FollowupClient:
        return self

    def __exit__(self, *exc) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kw) -> httpx.Response:
        try:
            resp = self.http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise ApiError(f"cannot reach the API at {self.base_url}: {type(exc).__name__}") from None
        if resp.status_code >= 400:
            raise ApiError(_reason(resp), resp.status_code)
        return resp

    def list_items(self, **params: Any) -> dict:
        query = {k: v for k, v in params.items() if v not in (None, False, [])}
        return self._call("GET", "/items", params=query).json()

    def get_item(self, item_id: int) -> tuple[dict, str]:
        """The item and its ETag."""
        resp = self._call("GET", f"/items/{item_id}")
        return resp.json(), resp.headers.get("ETag", "")

    def update_item(self, item_id: int, changes: dict, *, etag: str | None = None) -> tuple[dict, str]:
        headers = {"If-Match": etag} if etag else {}
        resp = self._call("PATCH", f"/items/{item_id}", json=changes, headers=headers)
        return resp.json(), resp.headers.get("ETag", "")


def _reason(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    text = body.get("message") or body.get("detail") if isinstance(body, dict) else None
    if not isinstance(text, str):
        text = resp.reason_phrase
    hint = " (set FOLLOWUP_API_TOKEN to a token from `followup token create`)" \
        if resp.status_code == 401 else ""
    return f"API answered {resp.status_code}: {text}{hint}"
