"""What the sweep sends: reminders, overdue escalations, triage prompts and stale nudges.

Rules (each notice has an idempotency key; the outbox's unique key makes re-runs free):
- Everything goes out at `policy.reminder_hour` on an office-calendar day (policy.zone).
  Local dates are computed first and turned into UTC last, so daylight-saving
  changes never shift a notice by an hour or a day.
- Active items (open, in progress, waiting) with a due date: reminders at each
  offset before the due date, while the due window is open (it closes at the end
  of `due_end`, office time). Only the nearest offset that has fired is sent, so
  an item first swept late gets one message, not a burst.
  Key `reminder:{id}:{due_end}:{offset}`.
- After the window closes: the escalation step with the largest `after_days` that
  has passed; step d fires at the reminder hour d+1 days after the due date
  (after_days counts from the end of the due day; nobody is paged at midnight).
  Key `overdue:{id}:{due_end}:{level}`. A new due date starts a new series.
- Proposed items with a due date get `triage` prompts at the same offsets instead
  of reminders (nobody owns them yet), and one `triage:{id}:{due_end}:closed` the
  day after the window closes; they are never escalated.
- Items with no due date (active or proposed) get nudge n after n * stale_after_days
  office days without any change: key `nudge:{id}:{updated_at}:{n}`. A nudge does
  not touch the item, so idleness keeps counting; any real change restarts it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo
from typing import NamedTuple

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from config import Policy
from models import ActionItem, Notification, NotificationCreate, Status
from models.clock import as_utc
from models.bulk import insert_events
from models.outbox import insert_new, queue_once
from models.status import OPEN_LIKE
from notify.routing import Routing
from notify.templates import message_title

EVENT_KIND = {"reminder": "reminded", "triage": "reminded", "overdue": "escalated",
              "nudge": "nudged"}


@dataclass(frozen=True)
class Notice:
    kind: str  # reminder, triage, overdue or nudge
    key: str  # the outbox idempotency key
    level: int | None = None  # escalation level of an overdue notice
    step: str = "owner"  # who in the escalation chain: owner, lead or office


class Queued(NamedTuple):
    """What a sweep reports of a message it queued; the outbox row holds the rest."""

    id: int
    key: str
    kind: str
    title: str


@dataclass
class SweepReport:
    # The first SAMPLE queued messages: enough to show, and memory stays flat however many.
    queued: list[Queued] = field(default_factory=list)
    queued_count: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    skipped_existing: int = 0  # notices whose key was queued by an earlier sweep
    scanned: int = 0  # candidate items read

    def add(self, q: Queued) -> None:
        self.queued_count += 1
        self.by_kind[q.kind] = self.by_kind.get(q.kind, 0) + 1
        if len(self.queued) < SAMPLE:
            self.queued.append(q)


SAMPLE = 1000


@lru_cache(maxsize=8192)  # pure; a sweep asks about the same few hundred days again and again
def at_local(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """`hour`:00 on the office-calendar `day`, as a UTC instant."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(timezone.utc)


def window_closes(due_end: date, zone: ZoneInfo) -> datetime:
    """The end of the due date in the office zone (local midnight after it), in UTC."""
    return at_local(due_end + timedelta(days=1), 0, zone)


def series_key(kind: str, item) -> str | None:
    """How the keys of `item`'s current series of `kind` notices begin: with its due date
    (reminder, triage, overdue) or the moment it last changed (nudge). A queued key that
    begins otherwise was for a due window, or an idle spell, the item has since left."""
    if kind == "nudge":
        return f"nudge:{item.id}:{as_utc(item.updated_at).isoformat(timespec='seconds')}:"
    return f"{kind}:{item.id}:{item.due_end.isoformat()}:" if item.due_end else None


def _dated(item: ActionItem, policy: Policy, now: datetime, proposed: bool,
           zone: ZoneInfo) -> list[Notice]:
    hour, due = policy.reminder_hour, item.due_end
    if now < window_closes(due, zone):
        fired = [o for o in policy.reminder_offsets_days
                 if at_local(due - timedelta(days=o), hour, zone) <= now]
        if not fired:
            return []
        offset = min(fired)  # the nearest one only
        kind = "triage" if proposed else "reminder"
        return [Notice(kind, f"{series_key(kind, item)}{offset}")]
    # The window has closed; late notices wait for the reminder hour of the next day.
    if proposed:
        if at_local(due + timedelta(days=1), hour, zone) <= now:
            return [Notice("triage", f"{series_key('triage', item)}closed")]
        return []
    passed = [s for s in policy.escalation
              if at_local(due + timedelta(days=1 + s.after_days), hour, zone) <= now]
    if not passed:
        return []
    step = max(passed, key=lambda s: (s.after_days, s.level))
    return [Notice("overdue", f"{series_key('overdue', item)}{step.level}", step.level, step.step)]


def idle_days(item: ActionItem, zone: ZoneInfo, now: datetime) -> int:
    """Whole office-calendar days since the item last changed."""
    return (as_utc(now).astimezone(zone).date() - as_utc(item.updated_at).astimezone(zone).date()).days


def _undated(item: ActionItem, policy: Policy, now: datetime, zone: ZoneInfo) -> list[Notice]:
    """Nudge n after n * stale_after_days idle office days (the latest one only)."""
    stale = policy.stale_after_days
    since = as_utc(item.updated_at).astimezone(zone).date()
    n = idle_days(item, zone, now) // stale
    if n >= 1 and at_local(since + timedelta(days=n * stale), policy.reminder_hour, zone) > now:
        n -= 1  # today's nudge is not due before the reminder hour
    if n < 1:
        return []
    return [Notice("nudge", f"{series_key('nudge', item)}{n}")]


def due_notices(*, item: ActionItem, policy: Policy, now: datetime,
                zone: ZoneInfo | None = None) -> list[Notice]:
    """The notices `item` is due as of `now` (pure: reads nothing but its arguments).

    `zone` is the owner's time zone where the directory gives one, else the office's.
    """
    status = Status(item.status)
    if status not in OPEN_LIKE:
        return []
    at, zone = as_utc(now), zone or policy.zone
    if item.due_end is None:
        return _undated(item, policy, at, zone)
    return _dated(item, policy, at, proposed=status is Status.proposed, zone=zone)


def _queue(session: Session, *, now: datetime, key: str, kind: str, item: ActionItem, tags: list[str],
           zone: ZoneInfo, context: dict | None = None) -> NotificationCreate | None:
    """Queue a message about `item` (None: its key was queued before); only its title is
    worded now (notify/wording.py). What was queued comes back, not the outbox row: building
    that ORM object cost a status change more than the insert."""
    title = message_title(kind=kind, item=item, now=now, zone=zone, extra=context)
    message = NotificationCreate(key=key, kind=kind, item_id=item.id, tags=",".join(tags), title=title,
                                 context=json.dumps(context) if context else None)
    return message if queue_once(session=session, now=now, notification_in=message) is not None else None


# What the sweep reads of an item: plain rows, not ORM entities (no identity map, no
# change tracking), enough for the rules, the messages, routing and the links.
ITEM_COLUMNS = (ActionItem.id, ActionItem.title, ActionItem.kind, ActionItem.status,
                ActionItem.owner, ActionItem.requester, ActionItem.counterpart,
                ActionItem.due_text, ActionItem.due_start, ActionItem.due_end,
                ActionItem.evidence, ActionItem.record_id, ActionItem.updated_at,
                ActionItem.version)


def run_sweep(*, session: Session, policy: Policy, routing: Routing, now: datetime,
              batch_size: int = 500) -> SweepReport:
    """Queue every due notice once, with an audit event per newly queued one.

    Items are read in id order, `batch_size` at a time, and only those that can
    be due at all (status and due date filtered in SQL). Only titles are worded
    here: the dispatcher words the rest when it sends (notify/wording.py).
    """
    at, zone = as_utc(now), policy.zone
    today = at.astimezone(zone).date()
    # A day of slack: an owner in a zone ahead of the office may be a day further on.
    horizon = today + timedelta(days=max(policy.reminder_offsets_days, default=0) + 1)
    # Nudges count office-calendar days, so allow a day (and a DST hour) of slack here.
    stale_cut = at - timedelta(days=policy.stale_after_days) + timedelta(days=1, hours=2)
    candidates = (select(*ITEM_COLUMNS)
                  .where(col(ActionItem.status).in_([s.value for s in OPEN_LIKE]))
                  .where(or_(and_(col(ActionItem.due_end).is_not(None), ActionItem.due_end <= horizon),
                             and_(col(ActionItem.due_end).is_(None), ActionItem.updated_at <= stale_cut))))
    report, zones = SweepReport(), _Lookups(routing, zone)
    # One query read `batch_size` rows at a time (a server-side cursor on PostgreSQL): paging
    # with `id > last` made the database find and sort the remaining candidates once a batch.
    stream = session.exec(candidates.order_by(ActionItem.id)
                          .execution_options(yield_per=batch_size))
    for batch in stream.partitions():
        report.scanned += len(batch)
        due = [(item, n) for item in batch
               for n in due_notices(item=item, policy=policy, now=at, zone=zones.zone(item.owner))]
        # Most hourly sweeps find most notices queued already: one lookup a batch spares
        # building and inserting their rows.
        keys = [n.key for _, n in due]
        queued_before = set(session.exec(select(Notification.key)
                                         .where(col(Notification.key).in_(keys))).all()) if keys else set()
        report.skipped_existing += len(queued_before)
        due = [(i, n) for i, n in due if n.key not in queued_before]
        rows = [_outbox_row(item, notice, at=at, zone=zones.zone(item.owner),
                            tags=zones.tags(notice, item))
                for item, notice in due]
        # One insert a batch; a key a concurrent sweep queued since the lookup is skipped
        # by the outbox's unique key.
        new_ids = insert_new(session=session, rows=rows, now=at)
        events = []
        for (item, notice), row in zip(due, rows):
            nid = new_ids.get(notice.key)
            if nid is None:
                report.skipped_existing += 1
                continue
            events.append({"item_id": item.id, "at": at, "actor": "sweep",
                           "kind": EVENT_KIND[notice.kind],
                           "note": f"{notice.kind} queued as notification {nid} ({notice.key})"})
            report.add(Queued(nid, notice.key, notice.kind, row["title"]))
        insert_events(session=session, events=events)
    return report


class _Lookups:
    """Per-sweep caches of what depends only on the owner (and the notice): the owner's
    time zone and the routing tags, looked up once instead of once per message."""

    def __init__(self, routing: Routing, office: ZoneInfo) -> None:
        self.routing, self.office = routing, office
        self._zones: dict[str | None, ZoneInfo] = {}
        self._tags: dict[tuple, str] = {}

    def zone(self, owner: str | None) -> ZoneInfo:
        z = self._zones.get(owner)
        if z is None:
            z = self._zones[owner] = self.routing.recipients.zone(owner, self.office)
        return z

    def tags(self, notice: Notice, item) -> str:
        # Everything routing looks at: kind, owner (and so organisation), item kind, level, step.
        key = (notice.kind, item.owner, item.kind, notice.level, notice.step)
        t = self._tags.get(key)
        if t is None:
            t = self._tags[key] = ",".join(self.routing.tags_for(
                kind=notice.kind, item=item, level=notice.level, step=notice.step))
        return t


def _outbox_row(item, notice: Notice, *, at: datetime, zone: ZoneInfo, tags: str) -> dict:
    """The outbox row of one notice: its title and routing (the body is worded when sent)."""
    return {"key": notice.key, "kind": notice.kind, "item_id": item.id, "tags": tags,
            "title": message_title(kind=notice.kind, item=item, now=at, zone=zone, level=notice.level,
                                   extra={"idle_days": idle_days(item, zone, at)}
                                   if notice.kind == "nudge" else None),
            "level": notice.level}


def queue_item_notices(*, session: Session, items: list[ActionItem], routing: Routing,
                       policy: Policy, now: datetime, kind: str = "new-item") -> list[NotificationCreate]:
    """One arrival notice per new item (key `new-item:{id}`); proposed items get kind
    `triage` so routing can send them to whoever triages."""
    at, out = as_utc(now), []
    for item in items:
        k = "triage" if kind == "new-item" and Status(item.status) is Status.proposed else kind
        n = _queue(session, key=f"new-item:{item.id}", kind=k, item=item,
                   tags=routing.tags_for(kind=k, item=item), now=at,
                   zone=routing.recipients.zone(item.owner, policy.zone))
        if n is not None:
            out.append(n)
    return out


def queue_status_change(*, session: Session, item: ActionItem, from_status, to_status, actor: str,
                        note: str | None, routing: Routing, policy: Policy,
                        now: datetime) -> NotificationCreate | None:
    """Tell the item's channels it moved (key `status:{id}:{version}`: one per change)."""
    at = as_utc(now)
    context = {"from_status": getattr(from_status, "value", from_status),
               "to_status": getattr(to_status, "value", to_status), "actor": actor, "note": note}
    return _queue(session, key=f"status:{item.id}:{item.version}", kind="status-change", item=item,
                  tags=routing.tags_for(kind="status-change", item=item), now=at, context=context,
                  zone=routing.recipients.zone(item.owner, policy.zone))
