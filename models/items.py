"""Action items: one keyword-only function per operation (records: models/records.py)."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.bulk import insert_events
from models.clock import as_utc
from models.query import item_filters, item_order
from models.changes import change_item_row
from models.errors import NotFound, check_window
from models.status import OPEN_LIKE, Status
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


def _change(session: Session, item_id: int, expected_version: int | None, **change) -> ActionItem:
    """`change_item_row` for code holding ORM items: the item as this session knows it
    guards the change (a copy loaded before another writer moved the row on is a
    VersionConflict, not an overwrite), and comes back refreshed."""
    item = get_item(session=session, item_id=item_id)
    change_item_row(session=session, item_id=item_id,
                    expected_version=item.version if expected_version is None else expected_version,
                    **change)
    session.refresh(item)  # expired by the change; an expired SQLModel dumps as {}
    return item


def transition_item(*, session: Session, item_id: int, to: Status, actor: str, now: datetime,
                    note: str | None = None, expected_version: int | None = None) -> ActionItem:
    """Move an item to `to`, audited; IllegalTransition if the state machine forbids it."""
    return _change(session, item_id, expected_version, now=now, actor=actor, status=to, note=note)


def update_item(*, session: Session, item_id: int, item_in: ActionItemUpdate, actor: str,
                now: datetime, note: str | None = None,
                expected_version: int | None = None) -> ActionItem:
    """Change the given fields; records one `updated` event with old and new values."""
    return _change(session, item_id, expected_version, now=now, actor=actor, note=note,
                   fields=item_in.model_dump(exclude_unset=True))


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
