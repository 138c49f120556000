"""Shared by the dispatch tests: a policy with fast retries, real loopback receivers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from config import Policy
from config.settings import DispatchPolicy
from models import Delivery, Notification, NotificationCreate, session_scope
from models.outbox import queue_notification
from notify import load_apprise
from receivers import SmtpReceiver, WebhookReceiver, write_apprise_config

NOW = datetime(2010, 2, 1, 9, tzinfo=timezone.utc)
SECRET = "s3cretpass"


def policy(**dispatch) -> Policy:
    base = dict(max_attempts=3, backoff_seconds=60, backoff_max_seconds=3600, jitter=0,
                timeout_seconds=5, lease_seconds=300)
    return Policy(timezone="UTC", dispatch=DispatchPolicy(**(base | dispatch)))


@pytest.fixture
def engine(sqlite_engine):
    return sqlite_engine  # these tests run on SQLite only


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
