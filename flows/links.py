"""One-click links in the notices people act on (reminders, escalations, nudges)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from config import Settings
from config.secret import api_secret
from models import ActionItem
from models.links import sign_link

LABELS = (("done", "Mark done"), ("snooze", "Snooze a week"), ("ack", "Acknowledge"))


def act_url(*, item: ActionItem, action: str, secret: str, base_url: str, now: datetime,
            ttl: timedelta) -> str:
    """A signed link bound to the item's current version: the first one used wins."""
    return f"{base_url.rstrip('/')}/act/" + sign_link(
        secret=secret, item_id=item.id, version=item.version, action=action, now=now, ttl=ttl)


def link_lines(*, item: ActionItem, secret: str, base_url: str, now: datetime,
               ttl: timedelta) -> dict[str, str]:
    """label -> signed link, one for each action."""
    return {label: act_url(item=item, action=action, secret=secret, base_url=base_url, now=now,
                           ttl=ttl)
            for action, label in LABELS}


def links_for(settings: Settings, now: datetime) -> Callable[[ActionItem], dict[str, str]]:
    """What the sweep calls for each notice: label -> URL (notify/ renders every form)."""
    secret, ttl = api_secret(settings), timedelta(days=settings.link_ttl_days)
    return lambda item: link_lines(item=item, secret=secret, base_url=settings.public_url,
                                   now=now, ttl=ttl)
