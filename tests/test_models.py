"""The state machine, audit trail, optimistic locking and outbox on a real SQLite file."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from models import (
    TRANSITIONS, ActionEvent, ActionItem, ActionItemCreate, ActionItemUpdate, IllegalTransition,
    InvalidInput, NotFound, NotificationCreate, RecordCreate, Status, VersionConflict,
    parse_status, session_scope,
)
from models import items, outbox
from models import records

T0 = datetime(2009, 10, 10, 10, 0, tzinfo=timezone.utc)


def _ingest(session, text="A record.", n=1, confidence=0.9, auto_accept=0.75):
    cands = [ActionItemCreate(title=f"Do thing {i} of {text}", confidence=confidence)
             for i in range(n)]
    return records.ingest_record(session=session, record_in=RecordCreate(title="R", text=text),
                               items_in=cands, now=T0, auto_accept=auto_accept)


def test_every_status_has_its_moves_listed():
    assert set(TRANSITIONS) == set(Status)
    assert Status.rejected in TRANSITIONS[Status.proposed]
    assert Status.done not in TRANSITIONS[Status.proposed]


def test_parse_status_forgives_case_and_dashes_and_names_choices():
    assert parse_status("In-Progress") is Status.in_progress
    with pytest.raises(InvalidInput, match="use one of: proposed, open"):
        parse_status("finished")


def test_ingest_same_text_twice_creates_nothing(engine):
    with session_scope(engine) as s:
        first = _ingest(s, n=2)
    with session_scope(engine) as s:
        again = _ingest(s, n=2)
        assert not again.new_record and again.record.id == first.record.id
        assert len(s.exec(select(ActionItem)).all()) == 2


def test_auto_accept_splits_open_and_proposed(engine):
    with session_scope(engine) as s:
        sure = _ingest(s, text="one", confidence=0.9).created[0]
        unsure = _ingest(s, text="two", confidence=0.4).created[0]
        never = _ingest(s, text="three", confidence=0.99, auto_accept=None).created[0]
        assert (sure.status, unsure.status, never.status) == (Status.open, Status.proposed, Status.proposed)


def test_transition_writes_an_event_and_bumps_version(engine):
    with session_scope(engine) as s:
        item = _ingest(s).created[0]
    with session_scope(engine) as s:
        moved = items.transition_item(session=s, item_id=item.id, to=Status.waiting, actor="ann",
                                      now=T0 + timedelta(days=1), note="asked MFA")
        assert moved.status == Status.waiting and moved.version == 2
    with session_scope(engine) as s:
        hist = items.item_history(session=s, item_id=item.id)
    assert [(e.kind, e.from_status, e.to_status, e.actor) for e in hist] == [
        ("created", None, "open", "extractor"), ("status-changed", "open", "waiting", "ann")]
    assert hist[1].note == "asked MFA"
    assert hist[1].at == T0 + timedelta(days=1)


def test_illegal_transition_is_an_error_and_writes_nothing(engine):
    with session_scope(engine) as s:
        item = _ingest(s, confidence=0.1).created[0]  # proposed
    with pytest.raises(IllegalTransition) as err:
        with session_scope(engine) as s:
            items.transition_item(session=s, item_id=item.id, to=Status.done, actor="x", now=T0)
    assert err.value.allowed == ["open", "rejected"]
    with Session(engine) as s:
        assert s.get(ActionItem, item.id).version == 1
        assert len(s.exec(select(ActionEvent)).all()) == 1


def test_unknown_item_is_not_found(engine):
    with session_scope(engine) as s, pytest.raises(NotFound, match="no action item with id 99"):
        items.get_item(session=s, item_id=99)


def test_stale_version_is_refused(engine):
    with session_scope(engine) as s:
        item = _ingest(s).created[0]
    with session_scope(engine) as s:
        items.update_item(session=s, item_id=item.id, item_in=ActionItemUpdate(owner="EXBS"),
                          actor="a", now=T0)
    with pytest.raises(VersionConflict):
        with session_scope(engine) as s:
            items.transition_item(session=s, item_id=item.id, to=Status.done, actor="b", now=T0,
                                  expected_version=1)
    with Session(engine) as s:
        got = s.get(ActionItem, item.id)
        assert (got.status, got.version, got.owner) == (Status.open, 2, "EXBS")


def test_concurrent_writer_loses_compare_and_set(engine):
    with session_scope(engine) as s:
        item = _ingest(s).created[0]
    # Two sessions read version 1; the second to write must fail, not overwrite.
    with Session(engine) as a, Session(engine) as b:
        held = a.get(ActionItem, item.id), b.get(ActionItem, item.id)  # keep both loaded
        items.transition_item(session=a, item_id=item.id, to=Status.done, actor="a", now=T0)
        a.commit()
        with pytest.raises(VersionConflict):
            items.transition_item(session=b, item_id=item.id, to=Status.cancelled, actor="b", now=T0)
        b.rollback()
    with Session(engine) as s:
        assert s.get(ActionItem, item.id).status == Status.done


def test_update_records_old_and_new_values(engine):
    with session_scope(engine) as s:
        item = _ingest(s).created[0]
        items.update_item(session=s, item_id=item.id, actor="a", now=T0,
                          item_in=ActionItemUpdate(due_start=date(2010, 2, 1), due_end=date(2010, 2, 7)))
        ev = items.item_history(session=s, item_id=item.id)[-1]
    assert ev.kind == "updated" and '"due_end": [null, "2010-02-07"]' in ev.changes


def _typed(row) -> list:
    return sorted((k, repr(v), type(v)) for k, v in row.model_dump().items())


def test_changed_item_is_what_the_database_holds(engine):
    """A change keeps the values it wrote as the item's state instead of reading them back;
    they must be what a fresh query loads, down to the types."""
    with session_scope(engine) as s:
        item = _ingest(s).created[0]
    with session_scope(engine) as s:
        moved = items.transition_item(session=s, item_id=item.id, to=Status.waiting, actor="a",
                                      now=datetime(2010, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc))
        edited = items.update_item(session=s, item_id=item.id, actor="a", now=T0 + timedelta(days=3),
                                   item_in=ActionItemUpdate(title="Renamed", owner="Ann", counterpart="MFA",
                                                            due_text="early Feb", due_start=date(2010, 2, 1),
                                                            due_end=date(2010, 2, 7)))
        assert moved is edited and not s.dirty
        kept = _typed(edited)
    with Session(engine) as s:
        assert _typed(s.get(ActionItem, item.id)) == kept


def test_backwards_due_window_is_refused(engine):
    with session_scope(engine) as s:
        item = _ingest(s).created[0]
    with pytest.raises(InvalidInput, match="after it ends"):
        with session_scope(engine) as s:
            items.update_item(session=s, item_id=item.id, actor="a", now=T0,
                              item_in=ActionItemUpdate(due_start=date(2010, 3, 1), due_end=date(2010, 2, 1)))


def test_later_mention_links_instead_of_duplicating(engine):
    c = ActionItemCreate(title="Hold the Program Review", due_start=date(2010, 2, 1),
                         due_end=date(2010, 2, 7), confidence=0.9)
    with session_scope(engine) as s:
        first = records.ingest_record(session=s, record_in=RecordCreate(title="a", text="one"),
                                    items_in=[c], now=T0, auto_accept=0.5)
    moved = c.model_copy(update={"due_start": date(2010, 2, 8), "due_end": date(2010, 2, 10)})
    with session_scope(engine) as s:
        later = records.ingest_record(session=s, record_in=RecordCreate(title="b", text="two"),
                                    items_in=[moved], now=T0, auto_accept=0.5)
        assert later.created == [] and [i.id for i in later.linked] == [first.created[0].id]
        item = items.get_item(session=s, item_id=first.created[0].id)
        assert item.due_end == date(2010, 2, 10)
        assert len(items.item_mentions(session=s, item_id=item.id)) == 2
        assert [e.kind for e in items.item_history(session=s, item_id=item.id)] == [
            "created", "linked", "updated"]


def test_outbox_key_is_queued_once(engine):
    n_in = NotificationCreate(key="reminder:1:2010-02-07:7", kind="reminder", title="t", body="b")
    with session_scope(engine) as s:
        queued = outbox.queue_notification(session=s, notification_in=n_in, now=T0)
        assert queued is not None and not s.dirty and queued in s
        assert outbox.queue_notification(session=s, notification_in=n_in, now=T0) is None
    with session_scope(engine) as s:
        assert outbox.queue_notification(session=s, notification_in=n_in, now=T0) is None
        stored = outbox.list_notifications(session=s)
        # What the insert answered is what a query loads, down to the types.
        assert sorted((k, repr(v), type(v)) for k, v in stored[0].model_dump().items()) == sorted(
            (k, repr(v), type(v)) for k, v in queued.model_dump().items())
        assert len(stored) == 1


def test_claim_is_exclusive_until_the_lease_lapses(engine):
    n_in = NotificationCreate(key="k", kind="reminder", title="t", body="b")
    with session_scope(engine) as s:
        n = outbox.queue_notification(session=s, notification_in=n_in, now=T0)
    lease = timedelta(minutes=5)
    with session_scope(engine) as s:
        assert outbox.claim_notification(session=s, notification_id=n.id, now=T0, lease=lease)
    with session_scope(engine) as s:
        assert outbox.claim_notification(session=s, notification_id=n.id, now=T0, lease=lease) is None
        assert outbox.due_notification_ids(session=s, now=T0) == []
        later = T0 + lease + timedelta(seconds=1)
        assert outbox.due_notification_ids(session=s, now=later) == [n.id]
        assert outbox.claim_notification(session=s, notification_id=n.id, now=later, lease=lease)
