"""Notices that no longer apply when they are due to go out, and are skipped instead.

The sweep queues reminders, escalations, triage prompts and nudges; the item may
change before the dispatcher sends them. Checked in the transaction that claims
the messages, against the item as it is then:
- a closed item (done, cancelled, rejected) gets no reminder, escalation, triage
  prompt or nudge;
- a triage prompt is moot once the item has been triaged (it is no longer proposed);
- a reminder, escalation or triage prompt was for one due date: if the item has been
  rescheduled or snoozed since, it is skipped (the sweep starts the new date's own
  series); a nudge was for one idle spell, and any change to the item ends it.
Arrival notices (new-item) and status changes always go out: they report what happened.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import ActionItem, Notification, Status
from models.outbox import skip_notifications
from models.status import CLOSED
from notify.sweep import series_key

# What the sweep sends to chase an item along: pointless once the item has moved on.
CHASERS = frozenset({"reminder", "overdue", "triage", "nudge"})


def stale_reason(n: Notification, item: ActionItem | None) -> str | None:
    """Why message `n` about `item` (as it is now) should not be sent; None: send it."""
    if n.kind not in CHASERS or item is None:
        return None
    status = Status(item.status)
    if status in CLOSED:
        return f"item {item.id} is {status.value}"
    if n.kind == "triage" and status is not Status.proposed:
        return f"item {item.id} was triaged (now {status.value})"
    if not n.key.startswith(f"{n.kind}:{item.id}:"):
        return None  # not one of the sweep's series (a triage prompt on arrival)
    current = series_key(n.kind, item)
    if current is not None and n.key.startswith(current):
        return None
    if n.kind == "nudge":
        return f"item {item.id} changed since (no longer idle)"
    if item.due_end is None:
        return f"item {item.id} has no due date now"
    return f"item {item.id} is now due {item.due_end.isoformat()}"


def skip_stale(*, session: Session, notifications: list[Notification]) -> dict[int, str]:
    """Mark `skipped` each claimed message that no longer applies; {id: reason} of those."""
    ids = {n.item_id for n in notifications if n.kind in CHASERS and n.item_id is not None}
    if not ids:
        return {}
    items = {i.id: i for i in session.exec(select(ActionItem).where(col(ActionItem.id).in_(ids)))}
    reasons = {n.id: why for n in notifications
               if (why := stale_reason(n, items.get(n.item_id))) is not None}
    skip_notifications(session=session, reasons=reasons)
    return reasons
