"""A dispatcher killed with SIGKILL between a send and its commit: at most that one
message goes out again. The dispatcher is a real separate process, the receiver a
real loopback webhook."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from config import Policy
from config.settings import DispatchPolicy
from models import NotificationCreate, init_db, make_engine, session_scope
from models.outbox import list_notifications, queue_notification
from notify import dispatch_due, load_apprise
from receivers import WebhookReceiver, write_apprise_config

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2010, 2, 1, 9, tzinfo=timezone.utc)
LEASE = 300

# One message at a time, so "the one in flight" is well defined.
DISPATCHER = f"""
import sys
from datetime import datetime, timezone
from config import Policy
from config.settings import DispatchPolicy
from models import make_engine
from notify import dispatch_due, load_apprise
policy = Policy(dispatch=DispatchPolicy(workers=1, lease_seconds={LEASE}, timeout_seconds=60))
engine, channels = make_engine(sys.argv[1]), load_apprise(sys.argv[2])
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 100  # small batches, repeated: competing runs
while dispatch_due(engine=engine, apprise_obj=channels, policy=policy, limit=limit,
                   now=datetime(2010, 2, 1, 9, tzinfo=timezone.utc)).outcomes and limit < 100:
    pass
"""


def test_sigkill_between_send_and_commit_resends_only_that_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    engine = make_engine(url)
    init_db(engine)
    with session_scope(engine) as s:
        for i in range(3):
            queue_notification(session=s, now=NOW, notification_in=NotificationCreate(
                key=f"reminder:{i}", kind="reminder", title=f"message {i}", body="due soon"))
    # The first message is answered; the second is received and then held, so the
    # dispatcher is between its send and its commit when it is killed.
    hook = WebhookReceiver(hang_after=1).start()
    config = write_apprise_config(tmp_path, [(hook.url(), "default")])
    env = os.environ | {"PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", DISPATCHER, url, str(config)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert hook.wait_requests(2), proc.stderr.read().decode()[-2000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
    hook.hang_after = None
    hook.release.set()
    titles = [r.payload["title"] for r in hook.requests]
    assert titles == ["message 0", "message 1"]

    policy = Policy(dispatch=DispatchPolicy(lease_seconds=LEASE))
    channels = load_apprise(config)
    # While the dead process's lease holds, nobody touches its messages.
    held = dispatch_due(engine=engine, apprise_obj=channels, policy=policy, now=NOW)
    assert held.outcomes == []
    after = dispatch_due(engine=engine, apprise_obj=channels, policy=policy,
                         now=NOW + timedelta(seconds=LEASE))
    # message 0 was recorded before the kill: only 1 (in flight) and 2 (never tried) go out.
    assert sorted(o.key for o in after.outcomes) == ["reminder:1", "reminder:2"]
    assert after.sent == 2
    titles = [r.payload["title"] for r in hook.requests]
    assert sorted(titles) == ["message 0", "message 1", "message 1", "message 2"]
    with session_scope(engine) as s:
        assert {n.status for n in list_notifications(session=s)} == {"sent"}
    hook.stop()
    engine.dispose()


def test_two_dispatcher_processes_at_the_same_moment_send_each_message_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'twin.db'}"
    engine = make_engine(url)
    init_db(engine)
    with session_scope(engine) as s:
        for i in range(60):
            queue_notification(session=s, now=NOW, notification_in=NotificationCreate(
                key=f"reminder:{i}", kind="reminder", title=f"message {i}", body="due soon"))
    hook = WebhookReceiver().start()
    config = write_apprise_config(tmp_path, [(hook.url(), "default")])
    env = os.environ | {"PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", DISPATCHER, url, str(config), "3"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()[-2000:]
    hook.stop()
    titles = sorted(r.payload["title"] for r in hook.requests)
    assert titles == sorted(f"message {i}" for i in range(60))
    with session_scope(engine) as s:
        assert {n.status for n in list_notifications(session=s)} == {"sent"}
    engine.dispose()
