"""Wording queued messages when they go out, not when they are queued.

The sweep and the item changes queue a title and what the wording needs
(`Notification.context`); the dispatcher calls `word_claimed` in the same
transaction that claims the messages. So a reminder sent a day late says how
many days are left when it arrives, and its one-click links carry the item's
version of that moment. A message is worded once: a retry sends what the first
attempt sent, to every target.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from models import ActionItem, Notification
from models.records import record_titles
from notify.routing import Routing
from notify.sweep import idle_days
from notify.templates import render_message

# The notices people act on carry one-click links (mark done, snooze, acknowledge).
LINKED = frozenset({"reminder", "triage", "overdue", "nudge"})

LinksFor = Callable[[ActionItem], dict[str, str]]


def word_claimed(*, session: Session, notifications: list[Notification], now: datetime,
                 office: ZoneInfo, routing: Routing | None = None,
                 links_for: LinksFor | None = None) -> None:
    """Fill in title and body (every form) of each message not worded yet."""
    todo = [n for n in notifications if n.body is None]
    if not todo:
        return
    ids = {n.item_id for n in todo if n.item_id is not None}
    items = {i.id: i for i in session.exec(select(ActionItem).where(col(ActionItem.id).in_(ids)))}
    records = record_titles(session=session, ids=(i.record_id for i in items.values()))
    for n in todo:
        item = items.get(n.item_id)
        if item is None:  # nothing to word it from: send the title alone
            n.body = n.title
            continue
        zone = routing.recipients.zone(item.owner, office) if routing else office
        extra = json.loads(n.context) if n.context else {}
        if n.kind == "nudge":
            extra["idle_days"] = idle_days(item, zone, now)
        m = render_message(kind=n.kind, item=item, record_title=records.get(item.record_id),
                           now=now, zone=zone, level=n.level, extra=extra,
                           links=links_for(item) if links_for and n.kind in LINKED else None)
        n.title, n.body, n.body_markdown, n.body_html = m.title, m.text, m.markdown, m.html
        session.add(n)
