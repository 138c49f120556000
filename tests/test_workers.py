"""Several workers at once, as on several machines: two sweeps and two dispatchers in
separate processes over one database send every notification exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import select

from config import Policy
from models import ActionItemCreate, Notification, NotificationCreate, RecordCreate, session_scope
from models import records as record_ops
from notify import dispatch_due, load_apprise
from receivers import WebhookReceiver, write_apprise_config

NOW = datetime(2010, 2, 1, 9, 0, tzinfo=timezone.utc)
N_ITEMS = 40

# Each worker runs the very function its Prefect task runs (`.fn`), in a process of its own.
WORKER = """
import sys
from datetime import datetime
from flows.tasks import send_due, sweep_items
now = datetime.fromisoformat(sys.argv[2])
if sys.argv[1] == "sweep":
    print(sweep_items.fn(now)["queued"])
else:
    print(send_due.fn(now, 1000, None)["sent"])
"""


def seed(engine) -> None:
    # Half due in 6 days (a reminder each), half a week late (an escalation each).
    items_in = [ActionItemCreate(title=f"Follow-up {n}", kind="commitment", confidence=0.9,
                                 due_end=date(2010, 2, 7) if n % 2 else date(2010, 1, 25))
                for n in range(N_ITEMS)]
    with session_scope(engine) as s:
        record_ops.ingest_record(session=s, record_in=RecordCreate(title="Cable", text="x"),
                               items_in=items_in, now=NOW - timedelta(days=30), auto_accept=0.5)
        # Their arrival notices are old news for this test: mark them sent.
        for n in s.exec(select(Notification)).all():
            n.status = "sent"
            s.add(n)


def test_two_sweeps_and_two_dispatchers_at_once_send_each_message_once(engine, db_url, tmp_path,
                                                                       monkeypatch):
    seed(engine)
    hook = WebhookReceiver().start()
    try:
        config = write_apprise_config(tmp_path, [(hook.url(), "default")])
        monkeypatch.setenv("FOLLOWUP_APPRISE_CONFIG", str(config))
        env = os.environ | {"FOLLOWUP_POLICY_FILE": str(policy_file(tmp_path))}
        procs = [subprocess.Popen([sys.executable, "-c", WORKER, mode, NOW.isoformat()], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for mode in ("sweep", "dispatch", "sweep", "dispatch")]
        outs = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
        queued = [int(out.split()[-1]) for (out, _), mode in zip(outs, "sdsd") if mode == "s"]
        # Both sweeps saw every item; the unique key let only one queue each message.
        assert sum(queued) == N_ITEMS
        # Whatever the racing dispatchers left (queued after they looked) goes now.
        dispatch_due(engine=engine, apprise_obj=load_apprise(config), policy=Policy(), now=NOW)
    finally:
        hook.stop()
    titles = Counter(r.payload["title"] for r in hook.delivered)
    assert len(titles) == N_ITEMS and set(titles.values()) == {1}, titles.most_common(3)
    with session_scope(engine) as s:
        rows = s.exec(select(Notification).where(Notification.kind != "new-item")).all()
    assert len(rows) == N_ITEMS and {r.status for r in rows} == {"sent"}


def policy_file(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(json.dumps({"timezone": "UTC"}), encoding="utf-8")
    return path


def test_a_dispatcher_passes_over_messages_another_is_claiming(request):
    """PostgreSQL: while one run holds its claim uncommitted, a second takes the next ones
    at once instead of waiting for (or losing to) the first."""
    if not os.environ.get("FOLLOWUP_TEST_DATABASE_URL"):
        pytest.skip("needs FOLLOWUP_TEST_DATABASE_URL (a PostgreSQL server; .ci/run sets it)")
    from conftest import _fresh_postgres
    from flows.deps import engine_for
    from models.outbox import claim_due, queue_notification

    engine = engine_for(_fresh_postgres(request.getfixturevalue("postgres_url")))
    with session_scope(engine) as s:
        for i in range(4):
            queue_notification(session=s, now=NOW, notification_in=NotificationCreate(
                key=f"k{i}", kind="reminder", title=f"t{i}", body="b"))
    lease = timedelta(minutes=5)
    with session_scope(engine) as first:
        mine = claim_due(session=first, now=NOW, lease=lease, token="first", limit=2)
        with session_scope(engine) as second:
            second.execute(text("SET LOCAL lock_timeout = '5s'"))  # waiting would fail here
            theirs = claim_due(session=second, now=NOW, lease=lease, token="second", limit=2)
        assert [n.key for n in mine] == ["k0", "k1"] and [n.key for n in theirs] == ["k2", "k3"]
