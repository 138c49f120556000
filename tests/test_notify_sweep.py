"""Sweep rules (pure) and the sweep over a real SQLite file: reminders, escalation, nudges."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from config import Policy
from models import ActionEvent, ActionItem, ActionItemCreate, Notification, RecordCreate, Status
from models import session_scope
from models import items as item_ops
from models import records as record_ops
from notify import (Notice, Routing, due_notices, load_routing, queue_item_notices,
                    queue_status_change, run_sweep)
from notify.routing import Rule
from notify.sweep import SAMPLE, Queued, SweepReport

UTC = timezone.utc
T0 = datetime(2010, 1, 1, 10, 0, tzinfo=UTC)  # when items are created


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def item(status=Status.open, due_end=date(2010, 2, 7), due_start=None, updated_at=T0, id=1):
    return ActionItem(id=id, title="Hold the Program Review", status=status, due_end=due_end,
                      due_start=due_start, created_at=T0, updated_at=updated_at)


def keys(it, policy, now):
    return [n.key for n in due_notices(item=it, policy=policy, now=now)]


UTC_POLICY = Policy(timezone="UTC")


# --- reminders ------------------------------------------------------------------------

def test_first_reminder_goes_out_seven_days_before_at_the_reminder_hour():
    it = item()
    assert keys(it, UTC_POLICY, utc(2010, 1, 31, 8, 59)) == []
    assert due_notices(item=it, policy=UTC_POLICY, now=utc(2010, 1, 31, 9, 0)) == [
        Notice("reminder", "reminder:1:2010-02-07:7")]


def test_only_the_nearest_offset_is_sent():
    it = item()
    assert keys(it, UTC_POLICY, utc(2010, 2, 6, 8, 59)) == ["reminder:1:2010-02-07:7"]
    assert keys(it, UTC_POLICY, utc(2010, 2, 6, 9, 0)) == ["reminder:1:2010-02-07:1"]
    # Swept for the first time the day before: one message, not the 7-day one too.
    assert keys(it, UTC_POLICY, utc(2010, 2, 7, 23, 59)) == ["reminder:1:2010-02-07:1"]


def test_offset_zero_fires_on_the_due_day():
    policy = Policy(timezone="UTC", reminder_offsets_days=[3, 0])
    assert keys(item(), policy, utc(2010, 2, 7, 9)) == ["reminder:1:2010-02-07:0"]


def test_undated_active_items_get_no_reminder_and_far_items_nothing_yet():
    assert keys(item(due_end=date(2010, 6, 1)), UTC_POLICY, utc(2010, 2, 1, 9)) == []


# --- overdue escalation ----------------------------------------------------------------

@pytest.mark.parametrize("now, expected", [
    (utc(2010, 2, 8, 0, 0), []),  # window closed at midnight; escalations wait for 09:00
    (utc(2010, 2, 8, 9, 0), ["overdue:1:2010-02-07:1"]),
    (utc(2010, 2, 15, 8, 59), ["overdue:1:2010-02-07:1"]),
    (utc(2010, 2, 15, 9, 0), ["overdue:1:2010-02-07:2"]),
    (utc(2010, 2, 22, 9, 0), ["overdue:1:2010-02-07:3"]),
    (utc(2011, 1, 1, 9, 0), ["overdue:1:2010-02-07:3"]),
])
def test_overdue_escalates_to_the_highest_passed_level(now, expected):
    notices = due_notices(item=item(), policy=UTC_POLICY, now=now)
    assert [n.key for n in notices] == expected
    assert all(n.kind == "overdue" and n.level == int(n.key[-1]) for n in notices)


def test_waiting_and_in_progress_items_are_reminded_too():
    for status in (Status.waiting, Status.in_progress):
        assert keys(item(status=status), UTC_POLICY, utc(2010, 2, 8, 9)) == ["overdue:1:2010-02-07:1"]


@pytest.mark.parametrize("status", [Status.done, Status.cancelled, Status.rejected])
def test_closed_items_get_nothing(status):
    for now in (utc(2010, 1, 31, 9), utc(2010, 2, 6, 9), utc(2010, 3, 1, 9), utc(2011, 1, 1)):
        assert due_notices(item=item(status=status), policy=UTC_POLICY, now=now) == []
        assert due_notices(item=item(status=status, due_end=None), policy=UTC_POLICY, now=now) == []


# --- proposed items: triage instead of reminders ------------------------------------------

def test_proposed_items_get_triage_prompts_not_reminders():
    it = item(status=Status.proposed)
    assert due_notices(item=it, policy=UTC_POLICY, now=utc(2010, 1, 31, 9)) == [
        Notice("triage", "triage:1:2010-02-07:7")]
    assert keys(it, UTC_POLICY, utc(2010, 2, 6, 9)) == ["triage:1:2010-02-07:1"]
    assert keys(it, UTC_POLICY, utc(2010, 2, 8, 8, 59)) == []
    assert keys(it, UTC_POLICY, utc(2010, 2, 8, 9)) == ["triage:1:2010-02-07:closed"]
    assert keys(it, UTC_POLICY, utc(2010, 5, 1, 9)) == ["triage:1:2010-02-07:closed"]


# --- stale nudges ------------------------------------------------------------------------

def test_undated_items_are_nudged_after_stale_days_and_again_every_period():
    it = item(due_end=None, updated_at=utc(2010, 1, 1, 15, 30))
    assert keys(it, UTC_POLICY, utc(2010, 1, 15, 8, 59)) == []
    assert due_notices(item=it, policy=UTC_POLICY, now=utc(2010, 1, 15, 9)) == [
        Notice("nudge", "nudge:1:2010-01-01T15:30:00+00:00:1")]
    assert keys(it, UTC_POLICY, utc(2010, 1, 28, 23)) == ["nudge:1:2010-01-01T15:30:00+00:00:1"]
    assert keys(it, UTC_POLICY, utc(2010, 1, 29, 9)) == ["nudge:1:2010-01-01T15:30:00+00:00:2"]
    # Proposed, undated items are nudged as well (someone should triage them).
    proposed = item(status=Status.proposed, due_end=None, updated_at=utc(2010, 1, 1, 15, 30))
    assert keys(proposed, UTC_POLICY, utc(2010, 1, 15, 9)) == ["nudge:1:2010-01-01T15:30:00+00:00:1"]


def test_a_touched_item_starts_a_new_nudge_series():
    it = item(due_end=None, updated_at=utc(2010, 1, 10, 8))
    assert keys(it, UTC_POLICY, utc(2010, 1, 23, 9)) == []
    assert keys(it, UTC_POLICY, utc(2010, 1, 24, 9)) == ["nudge:1:2010-01-10T08:00:00+00:00:1"]


def test_dated_items_are_never_nudged():
    it = item(updated_at=utc(2009, 1, 1))
    assert all(n.kind != "nudge" for n in due_notices(item=it, policy=UTC_POLICY, now=utc(2010, 1, 31, 9)))


# --- daylight saving ---------------------------------------------------------------------

def test_reminders_keep_local_time_across_the_spring_change_in_new_york():
    # DST starts Sun 14 Mar 2010 in New York: 09:00 is 14:00 UTC before, 13:00 UTC after.
    ny = Policy(timezone="America/New_York")
    it = item(due_end=date(2010, 3, 15))
    assert keys(it, ny, utc(2010, 3, 8, 13, 59)) == []
    assert keys(it, ny, utc(2010, 3, 8, 14, 0)) == ["reminder:1:2010-03-15:7"]
    assert keys(it, ny, utc(2010, 3, 14, 12, 59)) == ["reminder:1:2010-03-15:7"]
    assert keys(it, ny, utc(2010, 3, 14, 13, 0)) == ["reminder:1:2010-03-15:1"]
    # The window closes at local midnight after 15 Mar (EDT): 04:00 UTC on the 16th.
    assert keys(it, ny, utc(2010, 3, 16, 3, 59)) == ["reminder:1:2010-03-15:1"]
    assert keys(it, ny, utc(2010, 3, 16, 4, 0)) == []
    assert keys(it, ny, utc(2010, 3, 16, 13, 0)) == ["overdue:1:2010-03-15:1"]


def test_reminders_keep_local_time_across_the_autumn_change_in_london():
    # Summer time ends Sun 31 Oct 2010: 09:00 is 08:00 UTC before, 09:00 UTC after.
    london = Policy(timezone="Europe/London")
    it = item(due_end=date(2010, 11, 1))
    assert keys(it, london, utc(2010, 10, 25, 7, 59)) == []
    assert keys(it, london, utc(2010, 10, 25, 8, 0)) == ["reminder:1:2010-11-01:7"]
    assert keys(it, london, utc(2010, 10, 31, 8, 59)) == ["reminder:1:2010-11-01:7"]
    assert keys(it, london, utc(2010, 10, 31, 9, 0)) == ["reminder:1:2010-11-01:1"]
    # A window ending on the last summer-time day closes at 23:00 UTC.
    before = item(due_end=date(2010, 10, 30))
    assert keys(before, london, utc(2010, 10, 30, 22, 59)) == ["reminder:1:2010-10-30:1"]
    assert keys(before, london, utc(2010, 10, 30, 23, 0)) == []


def test_nudges_count_office_days_across_a_dst_change():
    london = Policy(timezone="Europe/London")
    it = item(due_end=None, updated_at=utc(2010, 10, 20, 12))  # BST
    assert keys(it, london, utc(2010, 11, 3, 8, 59)) == []
    assert keys(it, london, utc(2010, 11, 3, 9, 0)) == [
        "nudge:1:2010-10-20T12:00:00+00:00:1"]  # 09:00 GMT on day 14


# --- the sweep over a database -------------------------------------------------------------

@pytest.fixture
def engine(sqlite_engine):
    return sqlite_engine  # these tests run on SQLite only


def add(session, title, *, due_end=None, status=Status.open, owner=None, record_id=None,
        now=T0, evidence=None):
    return item_ops.create_item(session=session, record_id=record_id, now=now, actor="test",
                                status=status, item_in=ActionItemCreate(
                                    title=title, due_end=due_end, owner=owner, evidence=evidence))


ROUTING = Routing(rules=[Rule(match={"kind": "overdue", "min_level": 2}, tags=["lead"]),
                         Rule(match={"owner": "cbp"}, tags=["cbp"])])


def test_sweep_queues_each_due_notice_once_with_an_audit_event(engine):
    with session_scope(engine) as s:
        rec = record_ops.ingest_record(session=s, now=T0, items_in=[], record_in=RecordCreate(
            title="Moscow cable 091103Z OCT 09", text="cable text")).record
        review = add(s, "Hold the Program Review", due_end=date(2010, 2, 7), owner="CBP",
                     record_id=rec.id, evidence="a Program Review in the first week of February")
        late = add(s, "Send the MOU draft", due_end=date(2010, 1, 20))
        quiet = add(s, "Plan the IVP visit")
        add(s, "Far away", due_end=date(2010, 9, 1))
        add(s, "Finished", due_end=date(2010, 1, 20), status=Status.proposed).status = Status.rejected
    now = utc(2010, 2, 3, 9)
    with session_scope(engine) as s:
        report = run_sweep(session=s, policy=UTC_POLICY, routing=ROUTING, now=now, batch_size=2)
    with session_scope(engine) as s:
        outbox_rows = {n.key: n for n in s.exec(select(Notification)).all()}
    assert {q.key for q in report.queued} == set(outbox_rows)
    by_key = {q.key: outbox_rows[q.key] for q in report.queued}
    assert set(by_key) == {f"reminder:{review.id}:2010-02-07:7",
                           f"overdue:{late.id}:2010-01-20:2",
                           f"nudge:{quiet.id}:2010-01-01T10:00:00+00:00:2"}
    assert report.skipped_existing == 0
    assert report.scanned == 3  # the far and the closed items are not even read
    reminder = by_key[f"reminder:{review.id}:2010-02-07:7"]
    assert reminder.tags == "cbp" and reminder.kind == "reminder"
    assert reminder.title == "Reminder: Hold the Program Review — due in 4 days"
    assert reminder.body is None  # worded when sent: tests/test_notify_wording.py
    assert by_key[f"overdue:{late.id}:2010-01-20:2"].tags == "lead"
    assert by_key[f"nudge:{quiet.id}:2010-01-01T10:00:00+00:00:2"].tags == "default"
    with session_scope(engine) as s:
        events = s.exec(select(ActionEvent.item_id, ActionEvent.kind, ActionEvent.actor)
                        .where(ActionEvent.actor == "sweep")).all()
    assert sorted(events) == sorted([(review.id, "reminded", "sweep"), (late.id, "escalated", "sweep"),
                                     (quiet.id, "nudged", "sweep")])

    with session_scope(engine) as s:
        again = run_sweep(session=s, policy=UTC_POLICY, routing=ROUTING, now=now, batch_size=2)
        assert again.queued == [] and again.skipped_existing == 3
        assert len(s.exec(select(Notification)).all()) == 3
        assert len(s.exec(select(ActionEvent).where(ActionEvent.actor == "sweep")).all()) == 3


def test_a_later_sweep_sends_the_next_reminder(engine):
    with session_scope(engine) as s:
        it = add(s, "Hold the Program Review", due_end=date(2010, 2, 7))
    kinds = []
    for now in (utc(2010, 1, 31, 9), utc(2010, 2, 1, 9), utc(2010, 2, 6, 9), utc(2010, 2, 8, 9)):
        with session_scope(engine) as s:
            kinds.append([n.key for n in run_sweep(session=s, policy=UTC_POLICY,
                                                   routing=Routing(), now=now).queued])
    assert kinds == [[f"reminder:{it.id}:2010-02-07:7"], [], [f"reminder:{it.id}:2010-02-07:1"],
                     [f"overdue:{it.id}:2010-02-07:1"]]


def test_sweep_streams_many_items_in_batches(engine):
    with session_scope(engine) as s:
        for i in range(23):
            add(s, f"item {i}", due_end=date(2010, 2, 7))
    with session_scope(engine) as s:
        report = run_sweep(session=s, policy=UTC_POLICY, routing=Routing(), now=utc(2010, 2, 1, 9),
                           batch_size=5)
    assert report.scanned == 23 and len(report.queued) == 23 == report.queued_count
    assert len({n.key for n in report.queued}) == 23 and report.by_kind == {"reminder": 23}


def test_the_report_keeps_counts_and_a_bounded_sample():
    """A sweep over any number of items holds at most SAMPLE queued messages in memory."""
    report = SweepReport()
    for i in range(SAMPLE + 5):
        report.add(Queued(i, f"nudge:{i}", "nudge" if i % 2 else "reminder", f"t{i}"))
    assert report.queued_count == SAMPLE + 5 and len(report.queued) == SAMPLE
    assert report.by_kind == {"reminder": SAMPLE // 2 + 3, "nudge": SAMPLE // 2 + 2}


def test_new_items_are_announced_once_and_proposed_ones_ask_for_triage(engine):
    routing = load_routing("config/routing.yaml")
    with session_scope(engine) as s:
        a = add(s, "Send the MOU draft", due_end=date(2010, 2, 7))
        b = add(s, "Maybe a course", status=Status.proposed)
        queued = queue_item_notices(session=s, items=[a, b], routing=routing,
                                    policy=UTC_POLICY, now=T0)
        again = queue_item_notices(session=s, items=[a, b], routing=routing,
                                   policy=UTC_POLICY, now=T0)
    assert [(n.key, n.kind, n.tags) for n in queued] == [
        (f"new-item:{a.id}", "new-item", "default"), (f"new-item:{b.id}", "triage", "default,office")]
    assert queued[0].title == "New item: Send the MOU draft — due in 37 days"
    assert again == []


def test_status_change_is_announced_once_per_version(engine):
    with session_scope(engine) as s:
        it = add(s, "Send the MOU draft", due_end=date(2010, 2, 7))
    with session_scope(engine) as s:
        moved = item_ops.transition_item(session=s, item_id=it.id, to=Status.done, actor="alice",
                                         now=T0 + timedelta(days=1), note="sent on Tuesday")
        n = queue_status_change(session=s, item=moved, from_status=Status.open, to_status=Status.done,
                                actor="alice", note="sent on Tuesday", routing=Routing(),
                                policy=UTC_POLICY, now=T0 + timedelta(days=1))
        dup = queue_status_change(session=s, item=moved, from_status="open", to_status="done",
                                  actor="alice", note=None, routing=Routing(), policy=UTC_POLICY,
                                  now=T0 + timedelta(days=1))
    assert n.key == f"status:{it.id}:2" and n.kind == "status-change" and dup is None
    assert n.title == "Status: Send the MOU draft — now done (was open)"
    assert json.loads(n.context) == {"from_status": "open", "to_status": "done", "actor": "alice",
                                     "note": "sent on Tuesday"}
