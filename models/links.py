"""Signed one-click links: pure functions of a secret and `now` (notify/ and api/ share them).

A link names an item, the item's version and an action, and expires. Acting
bumps the item's version, so a used link (and every other link to that version)
no longer matches: links are single-use without a table of used links.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.clock import as_utc
from models.errors import FollowupError

ACTIONS = {"done": "mark it done", "snooze": "snooze it a week", "ack": "acknowledge it"}


class BadLink(FollowupError):
    """A link that was tampered with, has expired or was already used."""


@dataclass(frozen=True)
class LinkClaim:
    item_id: int
    version: int
    action: str
    expires: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _sig(secret: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode("utf-8"), payload.encode("utf-8"), hashlib.sha256).digest())


def sign_link(*, secret: str, item_id: int, version: int, action: str, now: datetime,
              ttl: timedelta = timedelta(days=14)) -> str:
    """The URL-safe token for `/act/{token}`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown link action {action!r}")
    expires = int((as_utc(now) + ttl).timestamp())
    payload = f"{item_id}.{version}.{action}.{expires}"
    return f"{payload}.{_sig(secret, payload)}"


def verify_link(*, secret: str, token: str, now: datetime) -> LinkClaim:
    """The claim a valid, unexpired token makes, or BadLink saying why not."""
    if not token.isascii():  # also keeps int() below away from non-ASCII digits
        raise BadLink("this link is not valid (it may have been cut short when copied)")
    payload, _, sig = token.rpartition(".")
    parts = payload.split(".")
    if len(parts) != 4 or not hmac.compare_digest(sig.encode(), _sig(secret, payload).encode()):
        raise BadLink("this link is not valid (it may have been cut short when copied)")
    item_id, version, action, expires = parts
    if action not in ACTIONS or not (item_id.isdigit() and version.isdigit() and expires.isdigit()):
        raise BadLink("this link is not valid")
    claim = LinkClaim(int(item_id), int(version), action,
                      datetime.fromtimestamp(int(expires), tz=as_utc(now).tzinfo))
    if as_utc(now) >= claim.expires:
        raise BadLink("this link has expired; use the item's newest notification or the API")
    return claim


def feed_key(*, secret: str, owner: str | None) -> str:
    """Key for a calendar feed URL: calendar apps cannot send a bearer token."""
    return _sig(secret, f"calendar:{owner or '*'}")
