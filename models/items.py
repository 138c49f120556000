"""Action items: one keyword-only function per operation (records: models/records.py)."""

from __future__ import annotations

import functools
import json
from datetime import date, datetime

from sqlalchemy import bindparam, func
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from models.bulk import insert_events
from models.clock import as_utc
from models.query import item_filters, item_order
from models.errors import NotFound, VersionConflict, check_window
from models.status import OPEN_LIKE, Status, check_transition
from models.tables import (
    ActionEvent,
    ActionItem,
    ActionItemCreate,
    ActionItemUpdate,
    ItemMention,
    MeetingRecord,
)


def normalise_title(title: str) -> str:
    return " ".join(title.lower().split())


def audit(session: Session, item: ActionItem, *, kind: str, actor: str, at: datetime,
           from_status: str | None = None, to_status: str | None = None,
           note: str | None = None, changes: dict | None = None) -> None:
    """Audit a change, as a core insert: an ORM object cost a PATCH more than its UPDATE."""
    session.flush()  # rows pending in the unit of work first: the history stays in call order
    insert_events(session=session, events=[{
        "item_id": item.id, "at": at, "actor": actor, "kind": kind, "from_status": from_status,
        "to_status": to_status, "note": note,
        "changes": json.dumps(changes, default=str) if changes else None}])


def add_event(*, session: Session, item: ActionItem, kind: str, actor: str, now: datetime,
              note: str | None = None) -> ActionEvent:
    """Audit something that happened to an item without changing it (reminded, escalated...)."""
    ev = ActionEvent(item_id=item.id, at=as_utc(now), actor=actor, kind=kind, note=note)
    session.add(ev)
    return ev


def find_matching_item(*, session: Session, item_in: ActionItemCreate) -> ActionItem | None:
    """A known, not closed item that `item_in` is another mention of (same title)."""
    wanted = normalise_title(item_in.title)
    open_like = [s.value for s in OPEN_LIKE]
    rows = session.exec(
        select(ActionItem).where(col(ActionItem.status).in_(open_like))
        .where(func.lower(ActionItem.title) == wanted)
    ).all()
    return rows[0] if rows else None


def open_items_for_linking(*, session: Session) -> list[tuple[int, str, str | None]]:
    """(id, title, evidence) of every item a new record could mention: not closed."""
    open_like = [s.value for s in OPEN_LIKE]
    rows = session.exec(select(ActionItem.id, ActionItem.title, ActionItem.evidence)
                        .where(col(ActionItem.status).in_(open_like))).all()
    return [(i, t, e) for i, t, e in rows]


def create_item(*, session: Session, item_in: ActionItemCreate, record_id: int | None,
                now: datetime, actor: str, status: Status = Status.proposed) -> ActionItem:
    at = as_utc(now)
    check_window(item_in.due_start, item_in.due_end)
    item = ActionItem(**item_in.model_dump(), status=status, record_id=record_id,
                      created_at=at, updated_at=at)
    session.add(item)
    session.flush()
    audit(session, item, kind="created", actor=actor, at=at, to_status=status.value)
    if record_id is not None:
        session.add(ItemMention(item_id=item.id, record_id=record_id, evidence=item_in.evidence,
                                evidence_start=item_in.evidence_start,
                                evidence_end=item_in.evidence_end, created_at=at))
    return item


def get_item(*, session: Session, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound(f"no action item with id {item_id}")
    return item


def _check_version(item: ActionItem, expected_version: int | None) -> None:
    if expected_version is not None and item.version != expected_version:
        raise VersionConflict(item.id, expected_version, item.version)


@functools.cache
def _compare_and_set():
    """UPDATE every column WHERE id and version match, built once: its values are parameters,
    so it is not rebuilt (and its cache key recomputed) for each change."""
    table = ActionItem.__table__
    return (table.update().where(table.c.id == bindparam("cas_id"), table.c.version == bindparam("cas_version"))
            .values({c.name: bindparam(c.name, type_=c.type) for c in table.c if c.name != "id"}))


def _bump(session: Session, item: ActionItem, at: datetime, changes: dict) -> None:
    """Save `changes` with a compare-and-set on version, so concurrent writers cannot both win."""
    old = item.version
    columns = [c.name for c in ActionItem.__table__.c if c.name != "id"]
    values = {name: getattr(item, name) for name in columns} | changes | {"version": old + 1,
                                                                         "updated_at": at}
    with session.no_autoflush:
        res = session.execute(_compare_and_set(), values | {"cas_id": item.id, "cas_version": old})
    if res.rowcount != 1:
        session.expire(item, columns)  # the id stays, to look the row up by
        current = session.get(ActionItem, item.id)
        raise VersionConflict(item.id, old, current.version if current else -1)
    # The row now holds exactly these values (the update matched it by version), so they
    # become the item's loaded state without reading the row back.
    for name, value in values.items():
        set_committed_value(item, name, value)


def transition_item(*, session: Session, item_id: int, to: Status, actor: str, now: datetime,
                    note: str | None = None, expected_version: int | None = None) -> ActionItem:
    """Move an item to `to`, audited; IllegalTransition if the state machine forbids it."""
    at = as_utc(now)
    item = get_item(session=session, item_id=item_id)
    _check_version(item, expected_version)
    current = Status(item.status)
    check_transition(current, to)
    _bump(session, item, at, {"status": to})
    audit(session, item, kind="status-changed", actor=actor, at=at,
           from_status=current.value, to_status=to.value, note=note)
    return item


def update_item(*, session: Session, item_id: int, item_in: ActionItemUpdate, actor: str,
                now: datetime, note: str | None = None,
                expected_version: int | None = None) -> ActionItem:
    """Change the given fields; records one `updated` event with old and new values."""
    at = as_utc(now)
    item = get_item(session=session, item_id=item_id)
    _check_version(item, expected_version)
    changes = {}
    for name, new in item_in.model_dump(exclude_unset=True).items():
        old = getattr(item, name)
        if new != old:
            changes[name] = [old, new]
    start, end = (changes[n][1] if n in changes else getattr(item, n) for n in ("due_start", "due_end"))
    check_window(start, end)
    if not changes and note is None:
        return item
    _bump(session, item, at, {name: new for name, (_, new) in changes.items()})
    audit(session, item, kind="updated", actor=actor, at=at, note=note, changes=changes or None)
    return item


def item_history(*, session: Session, item_id: int) -> list[ActionEvent]:
    get_item(session=session, item_id=item_id)
    return list(session.exec(select(ActionEvent).where(ActionEvent.item_id == item_id)
                             .order_by(ActionEvent.at, ActionEvent.id)).all())


def item_mentions(*, session: Session, item_id: int) -> list[tuple[ItemMention, MeetingRecord]]:
    rows = session.exec(select(ItemMention, MeetingRecord)
                        .where(ItemMention.record_id == MeetingRecord.id)
                        .where(ItemMention.item_id == item_id).order_by(ItemMention.id)).all()
    return [(m, r) for m, r in rows]


def list_items(*, session: Session, status: list[Status] | None = None, owner: str | None = None,
               overdue_on: date | None = None, kind: str | None = None,
               limit: int | None = None, offset: int = 0, sort: str = "due",
               columns: tuple[str, ...] | None = None, **filters) -> list[ActionItem]:
    """Items matching the filters (models.query); `sort` is a key of SORTS, '-key' for descending.

    With `columns`, plain rows of just those fields: no ORM objects, several times
    faster for the thousands of rows the dashboard reads."""
    c = ActionItem.__table__.c
    order = item_order(c, sort)
    what = [c[name] for name in columns] if columns else [ActionItem]
    stmt = select(*what).where(*item_filters(c, status=status, owner=owner, overdue_on=overdue_on,
                                             kind=kind, **filters))
    return list(session.exec(stmt.order_by(*order).offset(offset).limit(limit)).all())


def count_items(*, session: Session, status: list[Status] | None = None, owner: str | None = None,
                overdue_on: date | None = None, kind: str | None = None, **filters) -> int:
    stmt = select(func.count()).select_from(ActionItem).where(
        *item_filters(ActionItem.__table__.c, status=status, owner=owner, overdue_on=overdue_on,
                      kind=kind, **filters))
    return int(session.exec(stmt).one())
