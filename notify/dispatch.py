"""Outbox -> apprise, once per target: claim, send with a timeout, record, finish.

Guarantees, and their limits:
- A message is claimed (and the claim committed) before anything is sent, so a
  second dispatcher skips it; a dispatcher that dies loses its claim when the
  lease lapses, and then only that message's unrecorded targets are sent again.
- Each target's result is recorded; a retry goes only to targets that failed.
- A target that does not answer within `timeout_seconds` counts as failed and is
  not called again in the same run, so one dead channel cannot stall the rest.
  Its worker thread is abandoned, not killed: if it completes late, that target
  may get the message twice (once now, once on retry). At-least-once, for timeouts.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import apprise
from apprise import NotifyFormat, NotifyType
from apprise.conversion import convert_between
from sqlalchemy.engine import Engine

from config import Policy
from config.settings import DispatchPolicy
from models import NotificationStatus as NS, session_scope
from models.clock import as_utc
from models.outbox import (claim_notification, delivered_targets, due_notification_ids,
                           finish_notification, record_delivery)
from notify.redact import describe_exception, one_line, redact, target_name, target_secrets

NOTIFY_TYPES = {"overdue": NotifyType.WARNING}  # everything else is INFO


@dataclass
class TargetResult:
    target: str  # privacy form of the URL
    ok: bool
    error: str | None = None  # redacted


@dataclass
class Outcome:
    notification_id: int
    key: str | None  # None when skipped
    status: str  # sent, failed, dead, or skipped (another dispatcher holds it)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    error: str | None = None
    targets: list[TargetResult] = field(default_factory=list)


@dataclass
class DispatchReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0
    outcomes: list[Outcome] = field(default_factory=list)


def backoff_delay(*, dispatch: DispatchPolicy, attempts: int, rng: random.Random) -> timedelta:
    """Delay before retry number `attempts`: doubling from backoff_seconds, capped, with jitter."""
    base = min(dispatch.backoff_max_seconds, dispatch.backoff_seconds * 2 ** max(attempts - 1, 0))
    jittered = base * (1 + rng.uniform(-dispatch.jitter, dispatch.jitter))
    return timedelta(seconds=max(0.0, min(dispatch.backoff_max_seconds, jittered)))


class _ThreadLogs(logging.Handler):
    """apprise reports why a send failed only in its log: collect it per worker thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self._by_thread: dict[int, list[str]] = {}

    def watch(self) -> list[str]:
        lines: list[str] = []
        self._by_thread[threading.get_ident()] = lines
        return lines

    def unwatch(self) -> None:
        self._by_thread.pop(threading.get_ident(), None)

    def emit(self, record: logging.LogRecord) -> None:
        lines = self._by_thread.get(record.thread)
        if lines is not None:
            lines.append(record.getMessage())


class _Send:
    """One target's send, run in a daemon thread so a hang can be abandoned."""

    def __init__(self, target, kwargs: dict, logs: _ThreadLogs) -> None:
        self.target, self.kwargs, self.logs = target, kwargs, logs
        self.ok, self.error = False, None
        self.thread = threading.Thread(target=self._run, daemon=True, name="followup-send")

    def _run(self) -> None:
        lines = self.logs.watch()
        try:
            self.ok = bool(self.target.notify(**self.kwargs))
            if not self.ok:
                self.error = one_line(lines[-1]) if lines else "the channel reported a failure"
        except Exception as exc:  # a plugin bug must not kill the dispatcher
            self.error = describe_exception(exc)
        finally:
            self.logs.unwatch()


def _kwargs(target, *, title: str, body: str, notify_type: NotifyType) -> dict:
    # What Apprise.notify() does per target: convert our plain text to the target's format.
    fmt = target.notify_format
    if target.title_maxlen <= 0:
        title = convert_between(NotifyFormat.TEXT, fmt, content=title)
    return {"body": convert_between(NotifyFormat.TEXT, fmt, content=body), "title": title,
            "notify_type": notify_type, "body_format": NotifyFormat.TEXT}


def _named(targets: list) -> list[tuple[str, object]]:
    """(name, target) with names unique: two URLs may share a privacy form."""
    seen: dict[str, int] = {}
    out = []
    for t in targets:
        name = target_name(t)
        seen[name] = seen.get(name, 0) + 1
        out.append((name if seen[name] == 1 else f"{name} #{seen[name]}", t))
    return out


def _send_all(todo: list[tuple[str, object]], *, title: str, body: str, kind: str,
              timeout: float, logs: _ThreadLogs, timed_out: set[str]) -> list[TargetResult]:
    ntype = NOTIFY_TYPES.get(kind, NotifyType.INFO)
    results: dict[str, TargetResult] = {}
    running: list[tuple[str, object, _Send]] = []
    for name, target in todo:
        if name in timed_out:
            results[name] = TargetResult(name, False, "skipped: timed out earlier in this run")
            continue
        send = _Send(target, _kwargs(target, title=title, body=body, notify_type=ntype), logs)
        send.thread.start()
        running.append((name, target, send))
    # All targets run at once and share one deadline (monotonic: a timeout, not a date).
    deadline = time.monotonic() + timeout
    for name, target, send in running:
        send.thread.join(max(0.0, deadline - time.monotonic()))
        if send.thread.is_alive():
            timed_out.add(name)
            results[name] = TargetResult(name, False, f"no answer within {timeout:g} s (timed out)")
        else:
            secrets = target_secrets(target)
            results[name] = TargetResult(name, send.ok, redact(send.error, secrets))
    return [results[name] for name, _ in todo]


def dispatch_due(*, engine: Engine, apprise_obj: apprise.Apprise, policy: Policy, now: datetime,
                 limit: int = 100, rng: random.Random | None = None) -> DispatchReport:
    """Send up to `limit` due messages; each ends sent, failed (retry later) or dead."""
    at, rng = as_utc(now), rng or random.Random()
    dispatch = policy.dispatch
    report, timed_out = DispatchReport(), set()
    logs = _ThreadLogs()
    apprise_log = logging.getLogger(apprise.logger.name)
    apprise_log.addHandler(logs)
    try:
        with session_scope(engine) as session:
            ids = due_notification_ids(session=session, now=at, limit=limit)
        for nid in ids:
            outcome = _dispatch_one(engine=engine, apprise_obj=apprise_obj, dispatch=dispatch,
                                    notification_id=nid, now=at, rng=rng, logs=logs,
                                    timed_out=timed_out)
            report.outcomes.append(outcome)
            if outcome.status == "skipped":
                report.skipped += 1
            else:
                setattr(report, outcome.status, getattr(report, outcome.status) + 1)
    finally:
        apprise_log.removeHandler(logs)
    return report


def _dispatch_one(*, engine: Engine, apprise_obj: apprise.Apprise, dispatch: DispatchPolicy,
                  notification_id: int, now: datetime, rng: random.Random, logs: _ThreadLogs,
                  timed_out: set[str]) -> Outcome:
    # Short transaction: the committed claim is what keeps other dispatchers off.
    with session_scope(engine) as session:
        n = claim_notification(session=session, notification_id=notification_id, now=now,
                               lease=timedelta(seconds=dispatch.lease_seconds))
        if n is None:
            return Outcome(notification_id, None, "skipped")
        done = delivered_targets(session=session, notification_id=notification_id)
        key, kind, title, body, attempts = n.key, n.kind, n.title, n.body, n.attempts
        tags = [t.strip() for t in (n.tags or "").split(",") if t.strip()] or ["default"]

    matched = _named(list(apprise_obj.find(tag=tags)))
    todo = [(name, t) for name, t in matched if name not in done]
    results = _send_all(todo, title=title, body=body, kind=kind, timeout=dispatch.timeout_seconds,
                        logs=logs, timed_out=timed_out) if todo else []
    failures = [r for r in results if not r.ok]
    if not matched:
        # Treated like a failing channel (retry, then dead): the config may be fixed meanwhile.
        error = f"no channel has tag {' or '.join(tags)}"
    else:
        error = "; ".join(f"{r.target}: {r.error}" for r in failures) or None
    ok = bool(matched) and not failures
    retry_at = None
    if not ok and attempts + 1 < dispatch.max_attempts:
        retry_at = now + backoff_delay(dispatch=dispatch, attempts=attempts + 1, rng=rng)
    with session_scope(engine) as session:
        for r in results:
            record_delivery(session=session, notification_id=notification_id, target=r.target,
                            ok=r.ok, error=r.error, now=now)
        n = finish_notification(session=session, notification_id=notification_id, ok=ok,
                                error=one_line(error, 1000) if error else None, now=now,
                                retry_at=retry_at)
        return Outcome(notification_id, key, n.status, n.attempts,
                       n.next_attempt_at if n.status == NS.failed else None, n.last_error, results)
