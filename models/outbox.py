"""The notification outbox: queue once per idempotency key, claim, record results."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.clock import as_utc
from models.errors import NotFound
from models.tables import Delivery, Notification, NotificationCreate, NotificationStatus as NS


def queue_notification(*, session: Session, notification_in: NotificationCreate,
                       now: datetime) -> Notification | None:
    """Add a message to the outbox; None if its key was queued before (by anyone)."""
    at = as_utc(now)
    values = notification_in.model_dump() | {
        "status": NS.pending, "attempts": 0, "next_attempt_at": at, "created_at": at}
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        # ON CONFLICT DO NOTHING holds against concurrent sweeps without aborting the transaction.
        table = Notification.__table__
        # RETURNING, not rowcount: psycopg reports -1 for an ORM-routed insert. Values go
        # as parameters so the statement compiles once per sweep, not once per message.
        stmt = ((sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)
                .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id))
        new_id = session.execute(stmt, values).scalar_one_or_none()
        if new_id is None:
            return None
        return session.get(Notification, new_id)
    else:  # pragma: no cover - other databases
        try:
            with session.begin_nested():
                session.add(Notification(**values))
        except IntegrityError:
            return None
    return session.exec(select(Notification).where(Notification.key == notification_in.key)).one()


def queue_notifications(*, session: Session, notifications_in: list[NotificationCreate],
                        now: datetime) -> list[Notification]:
    """Queue many messages in one statement; returns those whose keys were new, in order."""
    if not notifications_in:
        return []
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - other databases
        queued = (queue_notification(session=session, notification_in=n, now=now)
                  for n in notifications_in)
        return [n for n in queued if n is not None]
    at = as_utc(now)
    rows = [n.model_dump() | {"status": NS.pending, "attempts": 0, "next_attempt_at": at,
                              "created_at": at} for n in notifications_in]
    table = Notification.__table__
    stmt = ((sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)
            .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id))
    session.flush()  # pending ORM rows (items, events) first: the insert bypasses the unit of work
    new_ids = [r[0] for r in session.execute(stmt, rows)]
    if not new_ids:
        return []
    loaded = session.exec(select(Notification).where(col(Notification.id).in_(new_ids))).all()
    return sorted(loaded, key=lambda n: n.id)


def get_notification(*, session: Session, notification_id: int) -> Notification:
    n = session.get(Notification, notification_id)
    if n is None:
        raise NotFound(f"no notification with id {notification_id}")
    return n


def due_notification_ids(*, session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Messages ready to send: pending, failed and due for retry, or with a lapsed claim."""
    at = as_utc(now)
    ready = col(Notification.status).in_([NS.pending, NS.failed, NS.sending])
    stmt = (select(Notification.id).where(ready).where(Notification.next_attempt_at <= at)
            .order_by(Notification.next_attempt_at, Notification.id).limit(limit))
    return list(session.exec(stmt).all())


def claim_notification(*, session: Session, notification_id: int, now: datetime,
                       lease: timedelta) -> Notification | None:
    """Take a message for sending until now+lease; None if another dispatcher has it.

    A dispatcher that dies holding a claim loses it when the lease lapses, so at
    most the message it was sending goes out again.
    """
    at = as_utc(now)
    ready = and_(col(Notification.status).in_([NS.pending, NS.failed, NS.sending]),
                 Notification.next_attempt_at <= at)
    res = session.execute(update(Notification).where(Notification.id == notification_id, ready)
                          .values(status=NS.sending, next_attempt_at=at + lease))
    if res.rowcount != 1:
        return None
    n = session.get(Notification, notification_id)
    session.refresh(n)
    return n


def delivered_targets(*, session: Session, notification_id: int) -> set[str]:
    rows = session.exec(select(Delivery.target).where(Delivery.notification_id == notification_id)
                        .where(Delivery.status == NS.sent)).all()
    return set(rows)


def record_delivery(*, session: Session, notification_id: int, target: str, ok: bool,
                    error: str | None, now: datetime) -> Delivery:
    """Record one attempt at one target (`target` and `error` must be redacted already)."""
    at = as_utc(now)
    d = session.exec(select(Delivery).where(Delivery.notification_id == notification_id)
                     .where(Delivery.target == target)).first()
    if d is None:
        d = Delivery(notification_id=notification_id, target=target)
    d.attempts += 1
    d.status = NS.sent if ok else NS.failed
    d.last_error = None if ok else error
    d.sent_at = at if ok else d.sent_at
    session.add(d)
    session.flush()
    return d


def finish_notification(*, session: Session, notification_id: int, ok: bool, error: str | None,
                        now: datetime, retry_at: datetime | None) -> Notification:
    """Close a claimed attempt: sent, failed (retry at `retry_at`) or dead (retry_at None)."""
    at = as_utc(now)
    n = get_notification(session=session, notification_id=notification_id)
    n.attempts += 1
    if ok:
        n.status, n.sent_at, n.last_error = NS.sent, at, None
    else:
        n.status = NS.failed if retry_at is not None else NS.dead
        n.last_error = error
        n.next_attempt_at = as_utc(retry_at) if retry_at is not None else n.next_attempt_at
    session.add(n)
    session.flush()
    return n


def list_notifications(*, session: Session, status: str | None = None,
                       limit: int | None = None) -> list[Notification]:
    stmt = select(Notification)
    if status:
        stmt = stmt.where(Notification.status == status)
    return list(session.exec(stmt.order_by(Notification.id).limit(limit)).all())


def requeue_notification(*, session: Session, notification_id: int, now: datetime) -> Notification:
    """Give a dead or failed message a fresh start (targets already reached are kept)."""
    n = get_notification(session=session, notification_id=notification_id)
    n.status, n.attempts, n.next_attempt_at = NS.pending, 0, as_utc(now)
    session.add(n)
    session.flush()
    return n


