"""Dispatch through apprise to real loopback receivers: SMTP, JSON webhooks, the terminal."""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from config import DEFAULTS_DIR, Policy
from config.settings import DispatchPolicy
from models import ActionItemCreate, Delivery, Notification, NotificationCreate, Status
from models import init_db, make_engine, session_scope
from models import items as item_ops
from models.outbox import claim_notification, queue_notification, record_delivery
from notify import (Routing, backoff_delay, dispatch_backlog, dispatch_due, load_apprise,
                    queue_item_notices)
from receivers import (MqttSubscriber, SmtpReceiver, WebhookReceiver, mqtt_broker_or_skip,
                       write_apprise_config)

NOW = datetime(2010, 2, 1, 9, tzinfo=timezone.utc)
SECRET = "s3cretpass"


def policy(**dispatch) -> Policy:
    base = dict(max_attempts=3, backoff_seconds=60, backoff_max_seconds=3600, jitter=0,
                timeout_seconds=5, lease_seconds=300)
    return Policy(timezone="UTC", dispatch=DispatchPolicy(**(base | dispatch)))


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path}/t.db")
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def hooks():
    started: list[WebhookReceiver] = []

    def make(mode: str = "ok") -> WebhookReceiver:
        started.append(WebhookReceiver(mode=mode).start())
        return started[-1]

    yield make
    for hook in started:
        hook.stop()  # releases any request still hanging


@pytest.fixture
def smtp():
    server = SmtpReceiver().start()
    yield server
    server.stop()


def queue(engine, key="reminder:1", tags="default", title="Reminder: Hold the Program Review",
          body="due in 6 days\nfollowup show 1", kind="reminder") -> int:
    with session_scope(engine) as s:
        n = queue_notification(session=s, now=NOW, notification_in=NotificationCreate(
            key=key, kind=kind, tags=tags, title=title, body=body))
        return n.id


def channels(tmp_path, *entries):
    return load_apprise(write_apprise_config(tmp_path, list(entries)))


def row(engine, nid) -> tuple[Notification, list[Delivery]]:
    with session_scope(engine) as s:
        n = s.get(Notification, nid)
        return n, list(s.exec(select(Delivery).where(Delivery.notification_id == nid)
                              .order_by(Delivery.id)).all())


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


# --- failures, retries, dead letters ------------------------------------------------------------

def test_a_failing_webhook_is_retried_with_backoff_then_dead(engine, tmp_path, hooks):
    hook = hooks("fail")
    apprise_obj = channels(tmp_path, (hook.url(), "default"))
    nid = queue(engine)
    p = policy(max_attempts=3, backoff_seconds=60)

    r1 = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=p, now=NOW)
    n, [d] = row(engine, nid)
    assert r1.failed == 1 and n.status == "failed" and n.attempts == 1
    assert n.next_attempt_at == NOW + timedelta(seconds=60)
    assert "error=500" in d.last_error and d.status == "failed"
    assert "error=500" in n.last_error

    early = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=p,
                         now=NOW + timedelta(seconds=59))
    assert early.outcomes == [] and len(hook.requests) == 1

    r2 = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=p, now=NOW + timedelta(seconds=60))
    n, [d] = row(engine, nid)
    assert r2.failed == 1 and n.attempts == 2 and d.attempts == 2
    assert n.next_attempt_at == NOW + timedelta(seconds=60 + 120)

    r3 = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=p, now=NOW + timedelta(seconds=180))
    n, _ = row(engine, nid)
    assert r3.dead == 1 and n.status == "dead" and n.attempts == 3
    assert r3.outcomes[0].next_attempt_at is None
    assert dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=p,
                        now=NOW + timedelta(days=9)).outcomes == []
    assert len(hook.requests) == 3


def test_jittered_backoff_uses_the_injected_rng(engine, tmp_path, hooks):
    hook = hooks("fail")
    nid = queue(engine)
    p = policy(jitter=0.5, backoff_seconds=100)
    dispatch_due(engine=engine, apprise_obj=channels(tmp_path, (hook.url(), "default")), policy=p,
                 now=NOW, rng=random.Random(42))
    expected = 100 * (1 + random.Random(42).uniform(-0.5, 0.5))
    n, _ = row(engine, nid)
    assert abs((n.next_attempt_at - NOW).total_seconds() - expected) < 1e-3


def test_backoff_doubles_and_is_capped():
    d = DispatchPolicy(backoff_seconds=60, backoff_max_seconds=300, jitter=0)
    rng = random.Random(0)
    assert [backoff_delay(dispatch=d, attempts=a, rng=rng).total_seconds() for a in range(1, 6)] == [
        60, 120, 240, 300, 300]
    jittery = DispatchPolicy(backoff_seconds=60, backoff_max_seconds=300, jitter=0.5)
    delays = [backoff_delay(dispatch=jittery, attempts=2, rng=rng).total_seconds() for _ in range(200)]
    assert min(delays) >= 60 and max(delays) <= 180 and len(set(delays)) > 100


def test_a_retry_goes_only_to_the_target_that_failed(engine, tmp_path, hooks):
    good, bad = hooks(), hooks("fail")
    apprise_obj = channels(tmp_path, (good.url("/good"), "default"), (bad.url("/bad"), "default"))
    nid = queue(engine)
    first = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW)
    assert first.failed == 1 and len(good.delivered) == 1
    bad.mode = "ok"
    second = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(),
                          now=NOW + timedelta(seconds=60))
    assert second.sent == 1
    assert len(good.requests) == 1 and len(bad.delivered) == 1
    _, deliveries = row(engine, nid)
    assert sorted((d.status, d.attempts) for d in deliveries) == [("sent", 1), ("sent", 2)]


def test_a_hanging_target_is_cut_off_and_the_others_still_get_their_messages(engine, tmp_path, hooks):
    stuck, fine = hooks("hang"), hooks()
    # rto=20: apprise's own read timeout must not be what cuts the hung channel off.
    apprise_obj = channels(tmp_path, (stuck.url("/stuck?rto=20"), "default"),
                           (fine.url("/fine"), "default"))
    first, second = queue(engine, key="a", title="first"), queue(engine, key="b", title="second")
    started = time.monotonic()  # a duration, not a date: the cut-off must be ours (0.5 s)
    report = dispatch_due(engine=engine, apprise_obj=apprise_obj,
                          policy=policy(timeout_seconds=0.5, workers=1), now=NOW)
    assert time.monotonic() - started < 3
    assert not stuck.release.is_set()  # still hanging when dispatch returned
    assert report.failed == 2 and report.sent == 0
    assert sorted(r.payload["title"] for r in fine.delivered) == ["first", "second"]
    # The hung channel was called once; the second message did not wait for it again.
    assert len(stuck.requests) == 1
    for nid, expected in ((first, "timed out"), (second, "timed out earlier in this run")):
        n, deliveries = row(engine, nid)
        [failed] = [d for d in deliveries if d.status == "failed"]
        assert expected in failed.last_error and "/stuck" in failed.target
        assert n.status == "failed" and n.next_attempt_at == NOW + timedelta(seconds=60)


def test_a_slow_channel_holds_at_most_its_own_slots(engine, tmp_path, hooks):
    """Messages sent at once: the hung channel gets `per_channel` sends, the rest give up
    waiting for a slot (and never send late), while the other channel gets every message."""
    stuck, fine = hooks("hang"), hooks()
    apprise_obj = channels(tmp_path, (stuck.url("/stuck?rto=20"), "default"),
                           (fine.url("/fine"), "default"))
    for i in range(4):
        queue(engine, key=f"k{i}", title=f"m{i}")
    report = dispatch_due(engine=engine, apprise_obj=apprise_obj,
                          policy=policy(timeout_seconds=0.5, workers=4, per_channel=1), now=NOW)
    assert report.failed == 4 and len(fine.delivered) == 4
    errors = sorted(t.error.split(":")[0] for o in report.outcomes for t in o.targets if not t.ok)
    assert errors == ["channel busy"] * 3 + ["no answer within 0.5 s (timed out)"]
    stuck.release.set()  # the abandoned waiters must not send now that a slot is free
    assert len(stuck.requests) == 1


def test_a_closed_connection_is_a_failure(engine, tmp_path, hooks):
    hook = hooks("close")
    nid = queue(engine)
    report = dispatch_due(engine=engine, apprise_obj=channels(tmp_path, (hook.url(), "default")),
                          policy=policy(), now=NOW)
    assert report.failed == 1
    _, [d] = row(engine, nid)
    assert "Connection error" in d.last_error


def test_a_message_no_channel_takes_fails_then_goes_dead(engine, tmp_path, hooks):
    hook = hooks()
    apprise_obj = channels(tmp_path, (hook.url(), "default"))
    nid = queue(engine, tags="escalation,office")
    p = policy(max_attempts=2)
    r1 = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=p, now=NOW)
    n, deliveries = row(engine, nid)
    assert r1.failed == 1 and deliveries == []
    assert n.last_error == "no channel has tag escalation or office"
    dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=p, now=NOW + timedelta(seconds=60))
    assert row(engine, nid)[0].status == "dead" and hook.requests == []


def test_one_dead_channel_does_not_stop_the_rest(engine, tmp_path, hooks, smtp):
    broken, ok = hooks("fail"), hooks()
    apprise_obj = channels(tmp_path, (broken.url("/broken"), "default"), (smtp.url(), "default"),
                           (ok.url("/ok"), "default"))
    queue(engine)
    report = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(timeout_seconds=10),
                          now=NOW)
    assert report.failed == 1
    assert len(smtp.messages) == 1 and len(ok.delivered) == 1
    assert [t.ok for t in report.outcomes[0].targets].count(True) == 2


# --- secrets -------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["fail", "ok", "close"])
def test_a_secret_in_a_url_never_reaches_the_database_or_the_report(engine, tmp_path, hooks, mode,
                                                                   caplog):
    caplog.set_level("DEBUG", logger="apprise")
    hook = hooks(mode)
    apprise_obj = channels(tmp_path, (hook.url(auth=f"bot:{SECRET}"), "default"))
    nid = queue(engine)
    report = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW)
    assert hook.requests[0].auth == f"bot:{SECRET}"  # the secret was really used
    n, [d] = row(engine, nid)
    stored = " ".join(str(v) for v in (d.target, d.last_error, n.last_error, n.body, n.title))
    assert SECRET not in stored and SECRET not in repr(report) and SECRET not in caplog.text
    assert d.target.startswith("json://bot:****@127.0.0.1")
    assert (d.status == "sent") == (mode == "ok")


def test_apprise_log_lines_are_masked_too(engine, tmp_path, hooks, caplog):
    """A plugin that logs its own URL (as some do at debug level) must not leak the token."""
    import apprise
    from apprise.decorators import notify as apprise_notify

    if "leaky" not in apprise.manager_plugins.NotificationManager():
        @apprise_notify(on="leaky", name="logs its URL")
        def _leaky(body, title, notify_type, meta, *args, **kwargs) -> bool:
            apprise.logger.warning("posting to %s", meta["url"])
            return False

    caplog.set_level("DEBUG", logger="apprise")
    apprise_obj = channels(tmp_path, (f"leaky://bot:{SECRET}@example.org/x", "default"))
    nid = queue(engine)
    report = dispatch_due(engine=engine, apprise_obj=apprise_obj, policy=policy(), now=NOW)
    assert report.failed == 1 and "bot:****@example.org/x" in caplog.text  # logged, masked
    assert SECRET not in caplog.text and SECRET not in (row(engine, nid)[0].last_error or "")


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
