"""Notices that no longer apply when they go out are skipped: items closed, triaged,
rescheduled or changed between the sweep and the dispatch (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlmodel import select

from config import Policy
from models import ActionItemCreate, ActionItemUpdate, Delivery, Notification, Status, session_scope
from models import items as item_ops
from models.outbox import requeue_notification
from flows.ops import change_item
from notify import Routing, dispatch_due, queue_item_notices, run_sweep
from dispatch_helpers import channels, hooks  # noqa: F401  (the fixture)

POLICY = Policy(timezone="UTC")  # reminders 7 and 1 days before, at 09:00
T0 = datetime(2010, 1, 1, 10, tzinfo=timezone.utc)
SWEEP = datetime(2010, 1, 31, 9, tzinfo=timezone.utc)  # 7 days before 7 Feb
LATER = SWEEP + timedelta(hours=1)


def make(engine, title, due_end=date(2010, 2, 7), status=Status.open) -> int:
    with session_scope(engine) as s:
        return item_ops.create_item(session=s, record_id=None, now=T0, actor="t", status=status,
                                    item_in=ActionItemCreate(title=title, due_end=due_end)).id


def change(engine, item_id, *, status=None, due_end=None, now=LATER) -> None:
    with session_scope(engine) as s:
        change_item(session=s, item_id=item_id, now=now, actor="alice", routing=Routing(),
                    policy=POLICY, status=status,
                    item_in=ActionItemUpdate(due_end=due_end) if due_end else None)


def sweep(engine, now=SWEEP) -> None:
    with session_scope(engine) as s:
        run_sweep(session=s, policy=POLICY, routing=Routing(), now=now)


def outbox(engine) -> dict[str, tuple[str, str | None]]:
    with session_scope(engine) as s:
        return {n.key: (n.status, n.last_error) for n in s.exec(select(Notification)).all()}


def send(engine, apprise_obj, now=LATER):
    return dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=POLICY, now=now)


def test_reminders_and_escalations_of_items_closed_before_dispatch_are_skipped(engine, tmp_path,
                                                                                hooks):
    done, cancelled = make(engine, "Hold the review"), make(engine, "Send the MOU draft")
    late = make(engine, "Book the hall", due_end=date(2010, 1, 20))
    kept = make(engine, "Draft the agenda")
    sweep(engine)
    assert {k.split(":")[0] for k in outbox(engine)} == {"reminder", "overdue"}
    change(engine, done, status=Status.done)
    change(engine, cancelled, status=Status.cancelled)
    change(engine, late, status=Status.done)
    hook = hooks()
    report = send(engine, channels(tmp_path, (hook.url(), "default")))

    # The three status changes and the one live reminder go out; nothing else does.
    assert (report.sent, report.skipped, report.failed, report.dead) == (4, 3, 0, 0)
    titles = sorted(r.payload["title"] for r in hook.requests)
    assert titles == ["Reminder: Draft the agenda — due in 7 days",
                      "Status: Book the hall — now done (was open)",
                      "Status: Hold the review — now done (was open)",
                      "Status: Send the MOU draft — now cancelled (was open)"]
    rows = outbox(engine)
    assert rows[f"reminder:{done}:2010-02-07:7"] == ("skipped", f"item {done} is done")
    assert rows[f"reminder:{cancelled}:2010-02-07:7"] == ("skipped", f"item {cancelled} is cancelled")
    [overdue] = [k for k in rows if k.startswith(f"overdue:{late}:")]
    assert rows[overdue] == ("skipped", f"item {late} is done")
    assert rows[f"reminder:{kept}:2010-02-07:7"] == ("sent", None)
    skipped_ids = {o.notification_id for o in report.outcomes if o.status == "skipped"}
    with session_scope(engine) as s:  # nothing was tried at any target
        assert s.exec(select(Delivery).where(Delivery.notification_id.in_(skipped_ids))).all() == []
    assert send(engine, channels(tmp_path, (hook.url(), "default"))).outcomes == []
    listed = subprocess.run([str(Path(sys.executable).parent / "followup"), "notifications",
                             "--status", "skipped"], capture_output=True, text=True, timeout=120,
                            env=os.environ | {"COLUMNS": "250"})
    assert listed.returncode == 0 and "3 notification(s)" in listed.stdout
    assert f"item {cancelled} is cancelled" in listed.stdout


def test_a_reminder_for_a_due_date_moved_since_is_skipped_and_the_new_date_gets_its_own(
        engine, tmp_path, hooks):
    snoozed, unchanged = make(engine, "Hold the review"), make(engine, "Send the MOU draft")
    sweep(engine)
    change(engine, snoozed, due_end=date(2010, 2, 14))  # as a snooze link does
    change(engine, unchanged, due_end=date(2010, 2, 7))  # no real change: still the same date
    hook = hooks()
    apprise_obj = channels(tmp_path, (hook.url(), "default"))
    report = send(engine, apprise_obj)
    assert (report.sent, report.skipped) == (1, 1)
    assert outbox(engine)[f"reminder:{snoozed}:2010-02-07:7"] == (
        "skipped", f"item {snoozed} is now due 2010-02-14")
    # The new date's own series starts in its own time.
    sweep(engine, now=datetime(2010, 2, 7, 9, tzinfo=timezone.utc))
    later = send(engine, apprise_obj, now=datetime(2010, 2, 7, 9, 5, tzinfo=timezone.utc))
    assert (later.sent, later.skipped) == (2, 0)
    assert sorted(r.payload["title"] for r in hook.requests[1:]) == [
        "Reminder: Hold the review — due in 7 days", "Reminder: Send the MOU draft — due today"]


def test_triage_prompts_and_nudges_that_no_longer_apply_are_skipped(engine, tmp_path, hooks):
    accepted = make(engine, "Circulate the minutes", status=Status.proposed)
    rejected = make(engine, "Coffee on Friday", status=Status.proposed)
    idle = make(engine, "Find a venue", due_end=None)
    with session_scope(engine) as s:  # the arrival prompts, as an ingest queues them
        queue_item_notices(session=s, items=[item_ops.get_item(session=s, item_id=i)
                                             for i in (accepted, rejected)],
                           routing=Routing(), policy=POLICY, now=T0)
    sweep(engine)  # 7-day triage prompts and a nudge for the idle one
    change(engine, accepted, status=Status.open)
    change(engine, rejected, status=Status.rejected)
    change(engine, idle, due_end=date(2010, 3, 1))
    hook = hooks()
    report = send(engine, channels(tmp_path, (hook.url(), "default")))
    rows = outbox(engine)
    assert rows[f"new-item:{accepted}"] == ("skipped", f"item {accepted} was triaged (now open)")
    assert rows[f"triage:{accepted}:2010-02-07:7"] == ("skipped",
                                                       f"item {accepted} was triaged (now open)")
    assert rows[f"new-item:{rejected}"] == ("skipped", f"item {rejected} is rejected")
    [nudge] = [k for k in rows if k.startswith("nudge:")]
    assert rows[nudge] == ("skipped", f"item {idle} changed since (no longer idle)")
    assert report.skipped == 5 and report.sent == 2  # the two status changes
    assert all(r.payload["title"].startswith("Status: ") for r in hook.requests)


def test_a_skipped_reminder_given_a_fresh_start_goes_out_if_it_applies_again(engine, tmp_path,
                                                                              hooks):
    it = make(engine, "Hold the review")
    sweep(engine)
    change(engine, it, status=Status.done)
    hook = hooks()
    apprise_obj = channels(tmp_path, (hook.url(), "default"))
    assert send(engine, apprise_obj).skipped == 1
    key = f"reminder:{it}:2010-02-07:7"
    with session_scope(engine) as s:
        nid = s.exec(select(Notification.id).where(Notification.key == key)).one()
        requeue_notification(session=s, notification_id=nid, now=LATER)
    assert send(engine, apprise_obj).skipped == 1  # still done: skipped again
    change(engine, it, status=Status.open, now=LATER + timedelta(minutes=1))  # closed by mistake
    with session_scope(engine) as s:
        requeue_notification(session=s, notification_id=nid, now=LATER)
    again = send(engine, apprise_obj, now=LATER + timedelta(minutes=2))
    assert (again.sent, again.skipped) == (2, 0)  # the reminder and the reopening
    assert outbox(engine)[key] == ("sent", None)
