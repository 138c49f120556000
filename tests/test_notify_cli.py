"""`followup channels` and `followup notifications` as a user runs them (real processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from config import Policy
from config.settings import DispatchPolicy
from models import NotificationCreate, session_scope
from models.outbox import queue_notification
from notify import dispatch_due, load_apprise
from receivers import WebhookReceiver, write_apprise_config

FOLLOWUP = str(Path(sys.executable).parent / "followup")
SECRET = "t0ken-nobody-may-see"
NOW = datetime(2010, 2, 1, 9, tzinfo=timezone.utc)


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([FOLLOWUP, *args], capture_output=True, text=True, timeout=120,
                          env=os.environ | {"COLUMNS": "250"} | env)
    assert SECRET not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    return proc


@pytest.fixture
def hooks():
    good, bad = WebhookReceiver().start(), WebhookReceiver(mode="fail").start()
    yield good, bad
    good.stop()
    bad.stop()


@pytest.fixture
def config(tmp_path, hooks):
    good, bad = hooks
    path = write_apprise_config(tmp_path, [(good.url("/good"), "default, office"),
                                           (bad.url("/bad", auth=f"bot:{SECRET}"), "default")])
    return {"FOLLOWUP_APPRISE_CONFIG": str(path)}


def test_channels_lists_targets_masked_and_tests_them(config, hooks):
    good, bad = hooks
    listed = run(config, "channels")
    assert listed.returncode == 0
    assert "json://bot:****@127.0.0.1" in listed.stdout and "tags: default, office" in listed.stdout
    office = run(config, "channels", "--tag", "office", "--test")
    assert office.returncode == 0 and office.stdout.startswith("ok ") and len(good.delivered) == 1
    tested = run(config, "channels", "--test")
    assert tested.returncode == 1 and "FAILED json://bot:****@" in tested.stdout
    assert "error=500" in tested.stdout and bad.requests[0].auth == f"bot:{SECRET}"
    missing = run(config, "channels", "--tag", "nobody")
    assert missing.returncode == 1 and missing.stderr.startswith("error: no target in ")


def test_dead_messages_show_per_target_results_and_can_be_retried(engine, config, hooks):
    with session_scope(engine) as s:
        nid = queue_notification(session=s, now=NOW, notification_in=NotificationCreate(
            key="reminder:1", kind="reminder", title="Reminder: MOU", body="due soon")).id
    channels = load_apprise(config["FOLLOWUP_APPRISE_CONFIG"])
    dead = dispatch_due(engine=engine, apprise_obj=channels, now=NOW,
                        policy=Policy(dispatch=DispatchPolicy(max_attempts=1)))
    assert dead.dead == 1
    listed = run({}, "notifications", "--dead")
    assert "Reminder: MOU" in listed.stdout and "1 notification(s)" in listed.stdout
    one = run({}, "notifications", "--id", str(nid))
    assert one.returncode == 0 and "due soon" in one.stdout
    assert "/good" in one.stdout and "sent" in one.stdout and "json://bot:****@" in one.stdout
    again = run({}, "notifications", "--retry-dead", "--now", "2010-02-01T10:00")
    assert again.stdout.strip() == f"1 dead notification(s) queued again: {nid}"
    refused = run({}, "notifications", "--retry", str(nid))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (f"error: notification {nid} is waiting to be sent; "
                                      "only failed, dead or skipped ones can be retried")
    hooks[1].mode = "ok"
    retried = dispatch_due(engine=engine, apprise_obj=channels, now=datetime(2010, 2, 1, 10, tzinfo=timezone.utc),
                           policy=Policy())
    assert retried.sent == 1 and len(hooks[0].delivered) == 1  # the good target is not sent again
