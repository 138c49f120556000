"""Messages are worded when the dispatcher claims them: true on arrival, worded once."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from config import Policy
from models import ActionItemCreate, Notification, RecordCreate, Status, session_scope
from models import items as item_ops
from models import records as record_ops
from notify import Routing, queue_item_notices, queue_status_change, run_sweep
from notify.wording import word_claimed

UTC = timezone.utc
T0 = datetime(2010, 1, 1, 10, tzinfo=UTC)
POLICY = Policy(timezone="UTC")


def _add(s, title, record_id=None, **kw):
    status = kw.pop("status", Status.open)
    return item_ops.create_item(session=s, record_id=record_id, now=T0, actor="t", status=status,
                                item_in=ActionItemCreate(title=title, **kw))


def _word(engine, now, **kw) -> dict[str, Notification]:
    with session_scope(engine) as s:
        claimed = s.exec(select(Notification)).all()
        word_claimed(session=s, notifications=claimed, now=now, office=UTC, **kw)
    with session_scope(engine) as s:
        return {n.kind: n for n in s.exec(select(Notification)).all()}


def test_a_reminder_sent_late_says_how_things_stand_when_it_arrives(engine):
    with session_scope(engine) as s:
        rec = record_ops.ingest_record(session=s, now=T0, items_in=[], record_in=RecordCreate(
            title="Moscow cable 091103Z OCT 09", text="cable text")).record
        _add(s, "Hold the Program Review", record_id=rec.id, due_end=date(2010, 2, 7),
             owner="CBP", evidence="a Program Review in the first week of February")
    with session_scope(engine) as s:
        run_sweep(session=s, policy=POLICY, routing=Routing(), now=datetime(2010, 2, 3, 9, tzinfo=UTC))
    sent = _word(engine, datetime(2010, 2, 5, 9, tzinfo=UTC),
                 links_for=lambda it: {"Mark done": f"http://127.0.0.1:8000/act/{it.id}.{it.version}"})
    n = sent["reminder"]
    assert n.title == "Reminder: Hold the Program Review — due in 2 days"  # not the queued "4 days"
    assert "When: due in 2 days, by Sun 7 Feb 2010" in n.body
    assert "Source: Moscow cable 091103Z OCT 09" in n.body
    assert "Owner: CBP" in n.body and "Evidence: \"a Program Review" in n.body
    assert f"Mark done: http://127.0.0.1:8000/act/{n.item_id}.1" in n.body
    assert "**Hold the Program Review**" in n.body_markdown and "<blockquote>" in n.body_html


def test_a_message_is_worded_once_so_a_retry_sends_the_same_words(engine):
    with session_scope(engine) as s:
        _add(s, "Send the MOU draft", due_end=date(2010, 2, 7))
    with session_scope(engine) as s:
        run_sweep(session=s, policy=POLICY, routing=Routing(), now=datetime(2010, 2, 1, 9, tzinfo=UTC))
    first = _word(engine, datetime(2010, 2, 1, 9, tzinfo=UTC))["reminder"]
    again = _word(engine, datetime(2010, 2, 4, 9, tzinfo=UTC))["reminder"]
    assert (again.title, again.body, again.body_html) == (first.title, first.body, first.body_html)
    assert "due in 6 days" in again.body


def test_changes_and_arrivals_are_worded_from_what_was_queued(engine):
    with session_scope(engine) as s:
        a = _add(s, "Send the MOU draft", due_end=date(2010, 2, 7))
        b = _add(s, "Maybe a course", status=Status.proposed)
        queue_item_notices(session=s, items=[b], routing=Routing(), policy=POLICY, now=T0)
        moved = item_ops.transition_item(session=s, item_id=a.id, to=Status.done, actor="alice",
                                         now=T0 + timedelta(days=1), note="sent on Tuesday")
        queue_status_change(session=s, item=moved, from_status=Status.open, to_status=Status.done,
                            actor="alice", note="sent on Tuesday", routing=Routing(), policy=POLICY,
                            now=T0 + timedelta(days=1))
    sent = _word(engine, T0 + timedelta(days=1),
                 links_for=lambda it: {"Mark done": "http://127.0.0.1:8000/act/x"})
    assert "Changed by alice: open -> done — sent on Tuesday" in sent["status-change"].body
    assert "/act/" not in sent["status-change"].body  # nothing left to click for a done item
    assert f"followup update {b.id} --status open" in sent["triage"].body


def test_a_nudge_counts_idle_days_up_to_when_it_is_sent(engine):
    with session_scope(engine) as s:
        _add(s, "Plan the IVP visit")
    with session_scope(engine) as s:
        [q] = run_sweep(session=s, policy=POLICY, routing=Routing(),
                        now=datetime(2010, 1, 15, 9, tzinfo=UTC)).queued
    assert q.title == "Nudge: Plan the IVP visit — no update for 14 days"
    n = _word(engine, datetime(2010, 1, 16, 9, tzinfo=UTC))["nudge"]
    assert n.title == "Nudge: Plan the IVP visit — no update for 15 days"
    assert "No update for 15 days: still on track?" in n.body
