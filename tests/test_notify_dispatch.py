"""Dispatch through apprise to real loopback receivers: SMTP, JSON webhooks, the terminal."""

from __future__ import annotations

import random
import threading
import uuid
from datetime import date, timedelta

import pytest

from config import DEFAULTS_DIR
from models import ActionItemCreate, NotificationCreate, Status, session_scope
from models import items as item_ops
from models.outbox import claim_notification, queue_notification, record_delivery
from notify import Routing, dispatch_backlog, dispatch_due, load_apprise, queue_item_notices
from dispatch_helpers import (NOW, channels, engine, hooks, policy, queue, row,  # noqa: F401
                              smtp)
from receivers import MqttSubscriber, SmtpReceiver, mqtt_broker_or_skip


# --- real channels -----------------------------------------------------------------------

def test_email_reaches_a_real_smtp_server(engine, tmp_path, smtp):
    nid = queue(engine)
    report = dispatch_due(engine=engine, apprise_obj=channels(tmp_path, (smtp.url(), "default")),
                          policy=policy(timeout_seconds=10), now=NOW, rng=random.Random(1))
    assert (report.sent, report.failed, report.dead) == (1, 0, 0)
    [message] = smtp.messages
    assert smtp.envelopes == [("bot@example.com", ["alice@example.com"])]
    assert message["Subject"] == "Reminder: Hold the Program Review"
    text = SmtpReceiver.text_of(message)
    assert "due in 6 days" in text and "followup show 1" in text
    n, [delivery] = row(engine, nid)
    assert n.status == "sent" and n.sent_at == NOW and delivery.status == "sent"
    assert delivery.target.startswith(f"mailto://127.0.0.1:{smtp.port}")


def test_json_webhook_receives_the_post(engine, tmp_path, hooks):
    hook = hooks()
    queue(engine, kind="overdue", title="Overdue (level 1): Send the MOU draft")
    report = dispatch_due(engine=engine, apprise_obj=channels(tmp_path, (hook.url(), "default")),
                          policy=policy(), now=NOW)
    assert report.sent == 1
    [req] = hook.delivered
    assert req.path == "/hook"
    assert req.payload["title"] == "Overdue (level 1): Send the MOU draft"
    assert req.payload["message"] == "due in 6 days\nfollowup show 1"
    assert req.payload["type"] == "warning"


def test_terminal_channel_through_dispatch(engine, capsys):
    queue(engine)
    report = dispatch_due(engine=engine, apprise_obj=load_apprise(DEFAULTS_DIR / "apprise.yaml"),
                          policy=policy(), now=NOW)
    assert report.sent == 1
    assert "[REMINDER] Hold the Program Review\ndue in 6 days" in capsys.readouterr().out


def test_messages_go_only_to_targets_with_their_tags(engine, tmp_path, hooks):
    office, lead = hooks(), hooks()
    apprise_obj = channels(tmp_path, (office.url("/office"), "default, office"),
                           (lead.url("/lead"), "lead"))
    queue(engine, key="a", tags="lead")
    queue(engine, key="b", tags="default")
    queue(engine, key="c", tags="office,lead")
    assert dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW).sent == 3
    assert len(office.delivered) == 2 and len(lead.delivered) == 2


# --- exactly once --------------------------------------------------------------------------

def test_dispatch_twice_sends_once(engine, tmp_path, hooks):
    hook = hooks()
    apprise_obj = channels(tmp_path, (hook.url(), "default"))
    queue(engine)
    assert dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW).sent == 1
    for later in (NOW, NOW + timedelta(days=30)):
        again = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=later)
        assert (again.sent, again.failed, again.outcomes) == (0, 0, [])
    assert len(hook.requests) == 1


def test_two_dispatchers_at_once_send_each_message_once(engine, tmp_path, hooks):
    hook = hooks()
    apprise_obj = channels(tmp_path, (hook.url(), "default"))
    for i in range(30):
        queue(engine, key=f"k{i}", title=f"message {i}")
    reports, errors = [], []

    def run():
        try:
            reports.append(dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(),
                                        now=NOW))
        except Exception as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(r.sent for r in reports) == 30
    titles = sorted(r.payload["title"] for r in hook.requests)
    assert titles == sorted(f"message {i}" for i in range(30))


def test_a_dispatcher_that_died_is_taken_over_after_its_lease(engine, tmp_path, hooks):
    """A crash after sending to one target and recording it, before finishing the message."""
    first, second = hooks(), hooks()
    apprise_obj = channels(tmp_path, (first.url("/a"), "default"), (second.url("/b"), "default"))
    nid = queue(engine)
    names = sorted(t.url(privacy=True) for t in apprise_obj.find(tag=["default"]))
    with session_scope(engine) as s:  # the dead dispatcher's claim and its one recorded send
        claim_notification(session=s, notification_id=nid, now=NOW, lease=timedelta(seconds=300))
        record_delivery(session=s, notification_id=nid, target=names[0], ok=True, error=None, now=NOW)
    held = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW)
    assert held.outcomes == []  # still claimed: nobody else sends it
    taken = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(),
                         now=NOW + timedelta(seconds=300))
    assert taken.sent == 1
    [only] = [r.target for r in taken.outcomes[0].targets]
    assert only == names[1]  # the target already reached is not sent again


def test_new_item_notices_queued_and_sent_once(engine, tmp_path, hooks):
    hook = hooks()
    with session_scope(engine) as s:
        it = item_ops.create_item(session=s, record_id=None, now=NOW, actor="t", status=Status.open,
                                  item_in=ActionItemCreate(title="Send the MOU draft",
                                                           due_end=date(2010, 2, 7)))
        for _ in range(2):
            queue_item_notices(session=s, items=[it], routing=Routing(),
                               policy=policy(), now=NOW)
    apprise_obj = channels(tmp_path, (hook.url(), "default"))
    for _ in range(2):
        dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW)
    [req] = hook.requests
    assert req.payload["title"] == "New item: Send the MOU draft — due in 6 days"


@pytest.fixture
def mqtt_topic():
    mqtt_broker_or_skip()
    sub = MqttSubscriber(f"followup/test/{uuid.uuid4().hex}").start()
    yield sub
    sub.stop()


def test_mqtt_topic_receives_the_message_once(engine, tmp_path, mqtt_topic):
    apprise_obj = channels(tmp_path, (mqtt_topic.url(), "default"))
    nid = queue(engine)
    assert dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW).sent == 1
    assert dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW).outcomes == []
    [message] = mqtt_topic.wait_for(1)
    assert message.startswith("Reminder: Hold the Program Review") and "due in 6 days" in message
    _, [d] = row(engine, nid)
    assert d.status == "sent" and d.target.startswith(f"mqtt://127.0.0.1/{mqtt_topic.topic}?")


def test_a_backlog_goes_out_a_batch_at_a_time_until_nothing_is_due(engine, tmp_path, hooks):
    hook = hooks()
    with session_scope(engine) as s:
        for i in range(7):
            queue_notification(session=s, now=NOW, notification_in=NotificationCreate(
                key=f"k{i}", kind="reminder", title=f"t{i}", body="b"))
    apprise_obj = channels(tmp_path, (hook.url(), "default"))
    some = dispatch_backlog(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW,
                            limit=3, batch=2)
    assert (some.sent, len(some.outcomes)) == (3, 3)
    rest = dispatch_backlog(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW, batch=2)
    assert rest.sent == 4 and sorted(r.payload["title"] for r in hook.requests) == [f"t{i}" for i in range(7)]
    assert dispatch_backlog(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW).outcomes == []

