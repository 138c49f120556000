"""The sweep's bulk writes: new outbox keys only, and audit events, without ORM objects."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import select

from models import ActionEvent, ActionItemCreate, Notification, Status, session_scope
from models import items as item_ops
from models.bulk import insert_events
from models.outbox import insert_new

NOW = datetime(2010, 2, 1, 9, tzinfo=timezone.utc)


def _row(key: str, item_id: int | None, markdown: str | None = "**x**") -> dict:
    return {"key": key, "kind": "reminder", "item_id": item_id, "tags": "default,lead",
            "title": f"Reminder {key}", "body": "text", "body_markdown": markdown,
            "body_html": "<p>x</p>"}


def test_insert_new_queues_only_new_keys_and_returns_their_ids(engine):
    with session_scope(engine) as s:
        it = item_ops.create_item(session=s, record_id=None, now=NOW, actor="t", status=Status.open,
                                  item_in=ActionItemCreate(title="MOU", due_end=date(2010, 2, 7)))
        first = insert_new(session=s, rows=[_row("a", it.id), _row("b", None, markdown=None)], now=NOW)
        again = insert_new(session=s, rows=[_row("b", it.id), _row("c", it.id)], now=NOW)
    assert set(first) == {"a", "b"} and set(again) == {"c"}
    with session_scope(engine) as s:
        rows = {n.key: n for n in s.exec(select(Notification)).all()}
    assert {k: rows[k].id for k in "abc"} == first | again
    b = rows["b"]  # the second insert of "b" changed nothing
    assert (b.item_id, b.body_markdown, b.tags, b.status, b.attempts) == (None, None, "default,lead",
                                                                          "pending", 0)
    assert b.next_attempt_at == NOW and b.created_at == NOW


def test_insert_events_writes_each_event(engine):
    with session_scope(engine) as s:
        it = item_ops.create_item(session=s, record_id=None, now=NOW, actor="t", status=Status.open,
                                  item_in=ActionItemCreate(title="MOU"))
        insert_events(session=s, events=[
            {"item_id": it.id, "at": NOW, "actor": "sweep", "kind": "reminded", "note": "n1"},
            {"item_id": it.id, "at": NOW, "actor": "sweep", "kind": "nudged", "note": None}])
        insert_events(session=s, events=[])
    with session_scope(engine) as s:
        got = s.exec(select(ActionEvent.kind, ActionEvent.note, ActionEvent.at)
                     .where(ActionEvent.actor == "sweep").order_by(ActionEvent.id)).all()
    assert [tuple(r) for r in got] == [("reminded", "n1", NOW), ("nudged", None, NOW)]
