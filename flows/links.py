"""One-click links in the notices people act on (reminders, escalations, nudges)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from config import Settings
from config.secret import api_secret
from models import ActionItem, Notification
from models.links import sign_link

LINKED_KINDS = frozenset({"reminder", "overdue", "nudge"})
LABELS = (("done", "Mark done"), ("snooze", "Snooze a week"), ("ack", "Acknowledge"))


def link_lines(*, item: ActionItem, secret: str, base_url: str, now: datetime,
               ttl: timedelta) -> list[str]:
    """Signed links bound to the item's current version: the first one used wins."""
    base = base_url.rstrip("/")
    return [f"{label}: {base}/act/" + sign_link(secret=secret, item_id=item.id, version=item.version,
                                                action=action, now=now, ttl=ttl)
            for action, label in LABELS]


def add_action_links(*, session: Session, notifications: list[Notification], settings: Settings,
                     now: datetime) -> int:
    """Append one-click links to freshly queued notices; how many got them."""
    wanted = [n for n in notifications if n.kind in LINKED_KINDS and n.item_id is not None]
    if not wanted:
        return 0
    secret, ttl = api_secret(settings), timedelta(days=settings.link_ttl_days)
    for n in wanted:
        item = session.get(ActionItem, n.item_id)
        lines = link_lines(item=item, secret=secret, base_url=settings.public_url, now=now, ttl=ttl)
        n.body = n.body + "\n\n" + "\n".join(lines)
        session.add(n)
    return len(wanted)
