"""change_item on the driver's connection: the rules of update_item and transition_item,
rows the ORM reads back as its own, and ORM copies in the same session kept honest."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session, select

from flows.ops import change_item
from models import (ActionEvent, ActionItem, ActionItemCreate, ActionItemUpdate, IllegalTransition,
                    InvalidInput, Notification, NotFound, RecordCreate, Status, VersionConflict,
                    session_scope)
from models import records
from notify import Routing

T0 = datetime(2010, 1, 5, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def item_id(engine) -> int:
    with session_scope(engine) as s:
        res = records.ingest_record(
            session=s, record_in=RecordCreate(title="R", text="r"), now=T0, auto_accept=0.5,
            items_in=[ActionItemCreate(title="Send it", owner="CBP", confidence=0.9,
                                       due_start=date(2010, 2, 1), due_end=date(2010, 2, 3))])
        return res.created[0].id


def change(engine, item_id, **kw):
    from config import Policy

    with session_scope(engine) as s:
        return change_item(session=s, item_id=item_id, now=T0, actor="ann", routing=Routing(),
                           policy=Policy(), **kw)


def history(engine, item_id) -> list[tuple]:
    with Session(engine) as s:
        rows = s.exec(select(ActionEvent).where(ActionEvent.item_id == item_id).order_by(ActionEvent.id))
        return [(e.kind, e.from_status, e.to_status, e.note, e.changes, e.at) for e in rows][1:]


def test_fields_and_status_in_one_change_are_two_events_and_two_versions(engine, item_id):
    item = change(engine, item_id, status=Status.in_progress, note="started",
                  item_in=ActionItemUpdate(owner="EXBS", due_end=date(2010, 2, 10)),
                  expected_version=1)
    assert (item.version, item.status, item.owner, item.updated_at) == (3, Status.in_progress, "EXBS", T0)
    assert history(engine, item_id) == [
        ("updated", None, None, None, '{"owner": ["CBP", "EXBS"], "due_end": ["2010-02-03", "2010-02-10"]}', T0),
        ("status-changed", "open", "in_progress", "started", None, T0)]
    with Session(engine) as s:  # the ORM reads the row as it wrote it: same types, same values
        assert s.get(ActionItem, item_id).model_dump() == item.model_dump() | {"source_key": None}
        assert [n.key for n in s.exec(select(Notification))] == [f"status:{item_id}:3"]


def test_a_note_alone_is_an_update_and_nothing_to_change_changes_nothing(engine, item_id):
    assert change(engine, item_id, item_in=ActionItemUpdate(owner="CBP")).version == 1
    assert history(engine, item_id) == []
    assert change(engine, item_id, note="called them").version == 2
    assert history(engine, item_id) == [("updated", None, None, "called them", None, T0)]


def test_refusals_write_nothing(engine, item_id):
    with pytest.raises(VersionConflict, match="version 7, now 1"):
        change(engine, item_id, status=Status.done, expected_version=7)
    with pytest.raises(InvalidInput, match="due window"):
        change(engine, item_id, status=Status.done, item_in=ActionItemUpdate(due_start=date(2010, 3, 1)))
    with pytest.raises(IllegalTransition) as bad:
        change(engine, item_id, status=Status.proposed, item_in=ActionItemUpdate(owner="X"))
    assert "in_progress" in bad.value.allowed
    with pytest.raises(NotFound):
        change(engine, 999, status=Status.done)
    assert history(engine, item_id) == []


def test_an_orm_copy_in_the_same_session_sees_the_change(engine, item_id):
    from config import Policy

    with session_scope(engine) as s:
        loaded = s.get(ActionItem, item_id)
        loaded.title = "Send it today"  # pending: flushed before the change reads the row
        item = change_item(session=s, item_id=item_id, now=T0, actor="ann", routing=Routing(),
                           policy=Policy(), status=Status.done)
        assert (loaded.version, loaded.status, loaded.title) == (2, Status.done, "Send it today")
        assert item.title == "Send it today"
