"""The notification outbox: queue once per idempotency key, claim, record results."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime, timedelta

from sqlalchemy import TextClause, and_, bindparam, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select

from models.bulk import unnest_rows
from models.clock import as_utc
from models.driver import Prepared, driver_connection
from models.errors import InvalidInput, NotFound
from models.tables import Delivery, Notification, NotificationCreate, NotificationStatus as NS


@functools.cache
def _queue_statement(names: tuple[str, ...]) -> TextClause:
    """INSERT ... ON CONFLICT (key) DO NOTHING RETURNING the whole row (SQLite and PostgreSQL).

    Text, so that it compiles once: SQLAlchemy never caches its dialects' ON CONFLICT
    inserts, and compiling one cost a PATCH more than running it.
    """
    table = Notification.__table__
    columns, returned = ", ".join(f'"{n}"' for n in names), ", ".join(f'"{c.name}"' for c in table.c)
    params = ", ".join(f":{n}" for n in names)
    sql = (f'INSERT INTO "{table.name}" ({columns}) VALUES ({params}) '
           f'ON CONFLICT ("key") DO NOTHING RETURNING {returned}')
    return (text(sql).bindparams(*(bindparam(n, type_=table.c[n].type) for n in names))
            .columns(*table.c))


def queue_notification(*, session: Session, notification_in: NotificationCreate,
                       now: datetime) -> Notification | None:
    """Add a message to the outbox; None if its key was queued before (by anyone)."""
    row = _insert_once(session, notification_in, now)
    if row is None:
        return None
    if isinstance(row, Notification):  # pragma: no cover - other databases
        return row
    made = Notification(**row)
    make_transient_to_detached(made)  # as though loaded: nothing pending to flush
    session.add(made)
    return made


@functools.lru_cache(maxsize=16)
def _queue_id(dialect, names: tuple[str, ...]) -> Prepared:
    """`_queue_statement` returning just the id, for the driver's connection."""
    table = Notification.__table__
    sql = _queue_statement(names).element.text.rsplit(" RETURNING ", 1)[0] + ' RETURNING "id"'
    return Prepared(text(sql).bindparams(*(bindparam(n, type_=table.c[n].type) for n in names)),
                    dialect)


def queue_once(*, session: Session, notification_in: NotificationCreate, now: datetime) -> int | None:
    """`queue_notification` without an ORM object back (a PATCH's hot path): the new id, or
    None. On the driver's connection (models/driver.py): through the session the insert
    cost a status change as much as the rest of its statements together."""
    if session.get_bind().dialect.name not in ("sqlite", "postgresql"):  # pragma: no cover
        row = _insert_once(session, notification_in, now)
        return None if row is None else row.id
    values = _pending(notification_in.model_dump(), now)
    raw, dialect = driver_connection(session)
    row = _queue_id(dialect, tuple(values)).run(raw, values).fetchone()
    return None if row is None else row[0]


def _pending(fields: dict, now: datetime) -> dict:
    """An outbox row's values: its fields, waiting to be sent from `now`."""
    at = as_utc(now)
    return fields | {"status": NS.pending, "attempts": 0, "next_attempt_at": at, "created_at": at}


def _insert_once(session: Session, notification_in: NotificationCreate, now: datetime):
    """The outbox row inserted for `notification_in` (a mapping), or None if its key exists."""
    values = _pending(notification_in.model_dump(), now)
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        # ON CONFLICT DO NOTHING holds against concurrent sweeps without aborting the transaction.
        # RETURNING the row, not rowcount: psycopg reports -1 for an ORM-routed insert; and the
        # row is the one a query would load, so none is needed.
        row = session.execute(_queue_statement(tuple(values)), values).mappings().one_or_none()
        return None if row is None else dict(row)
    try:  # pragma: no cover - other databases
        with session.begin_nested():
            session.add(Notification(**values))
    except IntegrityError:  # pragma: no cover
        return None
    return session.exec(select(Notification).where(  # pragma: no cover
        Notification.key == notification_in.key)).one()


def insert_new(*, session: Session, rows: list[dict], now: datetime) -> dict[str, int]:
    """Insert outbox rows (NotificationCreate fields as plain dicts) whose keys are new, in
    one statement; returns {key: id} of those inserted (SQLite and PostgreSQL only).

    No ORM objects are made: a sweep queueing thousands of messages pays for the
    INSERT only. A key already there (queued earlier, or by a concurrent sweep a
    moment ago) is skipped by ON CONFLICT DO NOTHING and left out of the answer.
    """
    if not rows:
        return {}
    at = as_utc(now)
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - other databases
        made = (queue_notification(session=session, notification_in=NotificationCreate(**r), now=at)
                for r in rows)
        return {n.key: n.id for n in made if n is not None}
    table, full = Notification.__table__, [_pending(r, at) for r in rows]
    if dialect == "sqlite":
        stmt, params = sqlite.insert(table), full
    else:
        stmt, params = postgresql.insert(table).from_select(list(full[0]), unnest_rows(table, full)), None
    stmt = stmt.on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key, table.c.id)
    session.flush()  # pending ORM rows (items, events) first: the insert bypasses the unit of work
    return {key: nid for key, nid in session.execute(stmt, params)}


def get_notification(*, session: Session, notification_id: int) -> Notification:
    n = session.get(Notification, notification_id)
    if n is None:
        raise NotFound(f"no notification with id {notification_id}")
    return n


def _ready(at: datetime):
    """Pending, failed and due for retry, or with a lapsed claim."""
    return and_(col(Notification.status).in_([NS.pending, NS.failed, NS.sending]),
                Notification.next_attempt_at <= at)


def due_notification_ids(*, session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Messages ready to send: pending, failed and due for retry, or with a lapsed claim."""
    stmt = (select(Notification.id).where(_ready(as_utc(now)))
            .order_by(Notification.next_attempt_at, Notification.id).limit(limit)
            # PostgreSQL: rows another dispatcher is claiming right now are passed over,
            # not waited for (SQLite has one writer at a time and ignores this).
            .with_for_update(skip_locked=True))
    return list(session.exec(stmt).all())


def claim_notification(*, session: Session, notification_id: int, now: datetime,
                       lease: timedelta, token: str | None = None) -> Notification | None:
    """Take one message for sending until now+lease; None if another dispatcher has it."""
    claimed = claim_due(session=session, now=now, lease=lease, token=token or uuid.uuid4().hex,
                        ids=[notification_id])
    return claimed[0] if claimed else None


def claim_due(*, session: Session, now: datetime, lease: timedelta, token: str,  # unique per run
              limit: int = 100, ids: list[int] | None = None) -> list[Notification]:
    """Take up to `limit` due messages for the dispatch run `token`, until now+lease.

    One conditional UPDATE: a row another run claimed a moment ago no longer
    matches, so two dispatchers never hold the same message. A dispatcher that
    dies loses its claims when the lease lapses; then only what it had not yet
    recorded as sent goes out again.
    """
    at = as_utc(now)
    while True:
        chosen = ids if ids is not None else due_notification_ids(session=session, now=at,
                                                                    limit=limit)
        if not chosen:
            return []
        session.execute(update(Notification).where(col(Notification.id).in_(chosen), _ready(at))
                        .values(status=NS.sending, next_attempt_at=at + lease, claim_token=token)
                        .execution_options(synchronize_session=False))
        # populate_existing: a copy already in this session gets the claim's new values.
        rows = session.exec(select(Notification).where(col(Notification.id).in_(chosen))
                            .where(Notification.claim_token == token)
                            .where(Notification.status == NS.sending)
                            .order_by(Notification.next_attempt_at, Notification.id)
                            .execution_options(populate_existing=True)).all()
        # All of them taken by another run between our look and our update: that run made
        # progress, so look again rather than report that nothing is due.
        if rows or ids is not None:
            break
    return list(rows)


def delivered_targets_of(*, session: Session, notification_ids: list[int]) -> dict[int, set[str]]:
    """Targets each message already reached (a retry skips them)."""
    out: dict[int, set[str]] = {}
    if not notification_ids:
        return out
    rows = session.exec(select(Delivery.notification_id, Delivery.target)
                        .where(col(Delivery.notification_id).in_(notification_ids))
                        .where(Delivery.status == NS.sent)).all()
    for nid, target in rows:
        out.setdefault(nid, set()).add(target)
    return out


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
    n.claim_token = None
    if ok:
        n.status, n.sent_at, n.last_error = NS.sent, at, None
    else:
        n.status = NS.failed if retry_at is not None else NS.dead
        n.last_error = error
        n.next_attempt_at = as_utc(retry_at) if retry_at is not None else n.next_attempt_at
    session.add(n)
    session.flush()
    return n


def skip_notifications(*, session: Session, reasons: dict[int, str]) -> list[Notification]:
    """Close messages unsent: each of {id: why} ends `skipped`, its reason in last_error."""
    out = []
    for nid, why in reasons.items():
        n = get_notification(session=session, notification_id=nid)
        n.status, n.last_error, n.claim_token = NS.skipped, why, None
        session.add(n)
        out.append(n)
    session.flush()
    return out


def list_notifications(*, session: Session, status: str | None = None,
                       limit: int | None = None) -> list[Notification]:
    stmt = select(Notification)
    if status:
        stmt = stmt.where(Notification.status == status)
    return list(session.exec(stmt.order_by(Notification.id).limit(limit)).all())


def requeue_notification(*, session: Session, notification_id: int, now: datetime) -> Notification:
    """Give a dead, failed or skipped message a fresh start (targets already reached are kept).

    A skipped one is looked at again when it is claimed: it goes out only if it applies by then
    (say the item was closed by mistake and reopened)."""
    n = get_notification(session=session, notification_id=notification_id)
    if n.status in (NS.sent, NS.sending, NS.pending):
        what = {NS.sent: "was sent", NS.sending: "is being sent right now",
                NS.pending: "is waiting to be sent"}[n.status]
        raise InvalidInput(f"notification {notification_id} {what}; "
                           "only failed, dead or skipped ones can be retried")
    n.status, n.attempts, n.next_attempt_at = NS.pending, 0, as_utc(now)
    n.claim_token = None
    session.add(n)
    session.flush()
    return n


def list_deliveries(*, session: Session, notification_id: int) -> list[Delivery]:
    """One message's result at each target it was sent to."""
    get_notification(session=session, notification_id=notification_id)
    return list(session.exec(select(Delivery).where(Delivery.notification_id == notification_id)
                             .order_by(Delivery.id)).all())


def requeue_dead(*, session: Session, now: datetime) -> list[int]:
    """Every dead message back to pending (e.g. after fixing a channel); their ids."""
    ids = session.execute(update(Notification).where(Notification.status == NS.dead)
                          .values(status=NS.pending, attempts=0, next_attempt_at=as_utc(now),
                                  claim_token=None)
                          .returning(Notification.id)
                          .execution_options(synchronize_session=False)).scalars().all()
    return sorted(ids)
