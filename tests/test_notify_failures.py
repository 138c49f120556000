"""Dispatch when things go wrong: retries with backoff, dead letters, hanging and closed
targets, and secrets that must stay out of the database, reports and logs."""

from __future__ import annotations

import random
import time
from datetime import timedelta

import pytest

from config.settings import DispatchPolicy
from dispatch_helpers import (NOW, SECRET, channels, engine, hooks, policy, queue, row,  # noqa: F401
                              smtp)
from notify import backoff_delay, dispatch_due

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
    # A duration, not a date: the cut-off must be ours (2 s), far below apprise's 20 s. Not 0.5 s:
    # on a loaded 2-core machine the healthy channel itself once took longer than that.
    started = time.monotonic()
    report = dispatch_due(engine=engine, apprise_obj=apprise_obj,
                          policy=policy(timeout_seconds=2, workers=1), now=NOW)
    assert time.monotonic() - started < 10
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
                          policy=policy(timeout_seconds=2, workers=4, per_channel=1), now=NOW)
    assert report.failed == 4 and len(fine.delivered) == 4
    errors = sorted(t.error.split(":")[0] for o in report.outcomes for t in o.targets if not t.ok)
    assert errors == ["channel busy"] * 3 + ["no answer within 2 s (timed out)"]
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
